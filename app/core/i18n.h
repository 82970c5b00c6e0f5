// UI text in the user's language. Every string a person reads goes through tr() or trn(); the
// English text is the key (gettext style), translations come from translations/ru.po embedded in
// the binary. ICU formats dates and sorts lists for the chosen language.
// Thread-safety: the language is set on the UI thread between frames; tr()/trn() and the
// formatting functions are meant for the UI thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kenes::app {

// One entry of a .po file.
struct PoEntry {
    std::string context, msgid, msgidPlural;
    std::vector<std::string> msgstr;  // one per plural form (one element for plain strings)
    bool fuzzy = false;
};

// Parses gettext .po text (msgctxt, msgid, msgid_plural, msgstr, msgstr[N], "#," flags, continued
// lines, C escapes). The header entry (empty msgid) is kept as the first entry when present.
std::vector<PoEntry> parsePo(std::string_view text);

// Russian plural form index (gettext's rule for ru: 0 = 1, 21; 1 = 2-4, 22; 2 = 0, 5-20, 11-14).
int russianPluralIndex(long n);

// "en" or "ru". Unknown languages fall back to English. Takes effect on the next tr() call.
void setUiLanguage(const std::string& language);
const std::string& uiLanguage();

// The translation of `msgid` in the UI language (msgid itself when untranslated).
// Labels carry their widget id after "###" outside the translated part: tr("Notes###notes") is
// not used; write tr("Notes") + "###notes" so ids stay stable across languages.
const char* tr(const char* msgid);
// Plural-aware: picks the form for n and replaces "%d" with n.
std::string trn(const char* singular, const char* plural, long n);

// Marks a string for extraction without translating it (translate later with tr()).
constexpr const char* N_(const char* msgid) {
    return msgid;
}

// A label with a stable widget id: "<translated>###<id>".
std::string label(const char* msgid, const char* id);

// Dates: "2019-07-25" → "25 июля 2019 г." / "July 25, 2019" (ICU long date).
std::string formatLongDate(const std::string& isoDate, const std::string& language);
// Short day label for tabs: "чт, 25 июля" / "Thu, Jul 25".
std::string formatDayTab(const std::string& isoDate, const std::string& language);
// Compares with the language's collator (Russian rules for "ru").
bool collateLess(const std::string& a, const std::string& b, const std::string& language);

}  // namespace kenes::app
