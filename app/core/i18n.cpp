#include "app/core/i18n.h"

#include <unicode/coll.h>
#include <unicode/datefmt.h>
#include <unicode/gregocal.h>
#include <unicode/smpdtfmt.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <map>
#include <memory>
#include <mutex>

#include "app/core/resources.h"

namespace kenes::app {

namespace {

std::string unquote(std::string_view s) {
    // s is the text after a keyword: optional spaces then "…".
    std::string out;
    size_t i = s.find('"');
    if (i == std::string_view::npos) return out;
    for (++i; i < s.size() && s[i] != '"'; ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            char c = s[++i];
            switch (c) {
                case 'n':
                    out += '\n';
                    break;
                case 't':
                    out += '\t';
                    break;
                case 'r':
                    out += '\r';
                    break;
                default:
                    out += c;
                    break;
            }
        } else {
            out += s[i];
        }
    }
    return out;
}

struct Catalogue {
    std::map<std::string, std::vector<std::string>> entries;
};

const Catalogue& russian() {
    static const Catalogue catalogue = [] {
        Catalogue c;
        for (auto& e : parsePo(embeddedRussianCatalogue())) {
            if (e.msgid.empty() || e.fuzzy) continue;
            bool complete = !e.msgstr.empty();
            for (auto& s : e.msgstr) complete = complete && !s.empty();
            if (complete) c.entries[e.msgid] = e.msgstr;
        }
        return c;
    }();
    return catalogue;
}

std::string g_language = "en";

icu::Locale locale(const std::string& language) {
    return language == "ru" ? icu::Locale("ru", "RU") : icu::Locale("en", "US");
}

std::string formatWith(const std::string& isoDate, const std::string& language, const char* skeleton) {
    int y = 0, m = 0, d = 0;
    if (std::sscanf(isoDate.c_str(), "%d-%d-%d", &y, &m, &d) != 3) return isoDate;
    UErrorCode status = U_ZERO_ERROR;
    icu::GregorianCalendar cal(icu::TimeZone::getGMT()->clone(), locale(language), status);
    cal.clear();
    cal.set(y, m - 1, d, 12, 0, 0);
    UDate when = cal.getTime(status);
    std::unique_ptr<icu::DateFormat> fmt;
    if (skeleton) {
        fmt.reset(icu::DateFormat::createInstanceForSkeleton(icu::UnicodeString::fromUTF8(skeleton),
                                                             locale(language), status));
    } else {
        fmt.reset(icu::DateFormat::createDateInstance(icu::DateFormat::kLong, locale(language)));
    }
    if (U_FAILURE(status) || !fmt) return isoDate;
    fmt->setTimeZone(*icu::TimeZone::getGMT());
    icu::UnicodeString out;
    fmt->format(when, out);
    std::string utf8;
    out.toUTF8String(utf8);
    return utf8;
}

}  // namespace

std::vector<PoEntry> parsePo(std::string_view text) {
    std::vector<PoEntry> entries;
    PoEntry current;
    bool nextFuzzy = false;
    std::string* target = nullptr;
    bool open = false;
    auto flush = [&] {
        if (open) entries.push_back(std::move(current));
        current = PoEntry{};
        open = false;
        target = nullptr;
    };
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
        if (line.empty()) {
            if (pos > text.size()) break;
            continue;
        }
        if (line.rfind("#,", 0) == 0) {
            if (open && !current.msgstr.empty()) flush();
            if (line.find("fuzzy") != std::string_view::npos) nextFuzzy = true;
            continue;
        }
        if (line[0] == '#') continue;
        if (line[0] == '"') {
            if (target) *target += unquote(line);
            continue;
        }
        auto starts = [&](const char* kw) { return line.rfind(kw, 0) == 0; };
        if (starts("msgctxt")) {
            flush();
            open = true;
            current.fuzzy = nextFuzzy;
            nextFuzzy = false;
            current.context = unquote(line.substr(7));
            target = &current.context;
        } else if (starts("msgid_plural")) {
            current.msgidPlural = unquote(line.substr(12));
            target = &current.msgidPlural;
        } else if (starts("msgid")) {
            if (!open || !current.msgstr.empty() || !current.msgid.empty()) {
                flush();
                open = true;
                current.fuzzy = nextFuzzy;
                nextFuzzy = false;
            }
            current.msgid = unquote(line.substr(5));
            target = &current.msgid;
        } else if (starts("msgstr[")) {
            size_t close = line.find(']');
            size_t index = static_cast<size_t>(std::atoi(std::string(line.substr(7, close - 7)).c_str()));
            if (current.msgstr.size() <= index) current.msgstr.resize(index + 1);
            current.msgstr[index] = unquote(line.substr(close + 1));
            target = &current.msgstr[index];
        } else if (starts("msgstr")) {
            current.msgstr.assign(1, unquote(line.substr(6)));
            target = &current.msgstr[0];
        }
        if (pos > text.size()) break;
    }
    flush();
    return entries;
}

int russianPluralIndex(long n) {
    if (n < 0) n = -n;
    if (n % 10 == 1 && n % 100 != 11) return 0;
    if (n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 10 || n % 100 >= 20)) return 1;
    return 2;
}

void setUiLanguage(const std::string& language) {
    g_language = language == "ru" ? "ru" : "en";
}

const std::string& uiLanguage() {
    return g_language;
}

const char* tr(const char* msgid) {
    if (g_language != "ru") return msgid;
    const auto& entries = russian().entries;
    auto it = entries.find(msgid);
    return it == entries.end() ? msgid : it->second[0].c_str();
}

std::string trn(const char* singular, const char* plural, long n) {
    std::string form;
    if (g_language == "ru") {
        const auto& entries = russian().entries;
        auto it = entries.find(singular);
        int index = russianPluralIndex(n);
        if (it != entries.end() && static_cast<size_t>(index) < it->second.size())
            form = it->second[static_cast<size_t>(index)];
    }
    if (form.empty()) form = n == 1 ? singular : plural;
    size_t at = form.find("%d");
    if (at != std::string::npos) form.replace(at, 2, std::to_string(n));
    return form;
}

std::string label(const char* msgid, const char* id) {
    return std::string(tr(msgid)) + "###" + id;
}

std::string formatLongDate(const std::string& isoDate, const std::string& language) {
    return formatWith(isoDate, language, nullptr);
}

std::string formatDayTab(const std::string& isoDate, const std::string& language) {
    return formatWith(isoDate, language, "EEEMMMMd");
}

bool collateLess(const std::string& a, const std::string& b, const std::string& language) {
    static std::map<std::string, std::unique_ptr<icu::Collator>> collators;
    auto& collator = collators[language];
    if (!collator) {
        UErrorCode status = U_ZERO_ERROR;
        collator.reset(icu::Collator::createInstance(locale(language), status));
        if (U_FAILURE(status)) collator.reset();
        if (!collator) return a < b;
    }
    UErrorCode status = U_ZERO_ERROR;
    return collator->compareUTF8(a, b, status) == UCOL_LESS;
}

}  // namespace kenes::app
