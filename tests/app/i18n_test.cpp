// The translation catalogue and language-dependent formatting.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "app/core/i18n.h"
#include "support/process.h"

using namespace kenes::app;

namespace {

std::string readFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

const std::filesystem::path kRuPo = std::filesystem::path(KENES_SOURCE_DIR) / "translations/ru.po";

}  // namespace

TEST_CASE("ru.po passes msgfmt --check", "[i18n]") {
    std::string cmd = "msgfmt --check -o /dev/null '" + kRuPo.string() + "'";
    REQUIRE(std::system(cmd.c_str()) == 0);
}

TEST_CASE("every string the code translates is in ru.po, translated, and ru.po has no stale strings",
          "[i18n]") {
    kenes::test::TempDir dir("kenes-pot");
    auto pot = dir.path() / "kenes.pot";
    std::string cmd = "'";
    cmd += KENES_SOURCE_DIR;
    cmd += "/scripts/update-pot.sh' '";
    cmd += pot.string();
    cmd += "' 2>/dev/null";
    REQUIRE(std::system(cmd.c_str()) == 0);
    std::set<std::string> used, catalogued;
    for (auto& e : parsePo(readFile(pot)))
        if (!e.msgid.empty()) used.insert(e.msgid);
    REQUIRE(used.size() > 40);
    auto entries = parsePo(readFile(kRuPo));
    for (auto& e : entries) {
        if (e.msgid.empty()) continue;
        catalogued.insert(e.msgid);
        INFO("msgid: " << e.msgid);
        CHECK_FALSE(e.fuzzy);
        REQUIRE_FALSE(e.msgstr.empty());
        for (auto& s : e.msgstr) CHECK_FALSE(s.empty());
        if (!e.msgidPlural.empty()) CHECK(e.msgstr.size() == 3);
    }
    for (auto& id : used) {
        INFO("used in app/ but missing in ru.po: " << id);
        CHECK(catalogued.count(id) == 1);
    }
    for (auto& id : catalogued) {
        INFO("in ru.po but no longer used in app/: " << id);
        CHECK(used.count(id) == 1);
    }
}

TEST_CASE("the .po parser reads plural entries, escapes, continued lines and fuzzy flags", "[i18n]") {
    auto entries = parsePo(
        "msgid \"\"\nmsgstr \"\"\n\"Language: ru\\n\"\n\n"
        "#, fuzzy\nmsgid \"Old\"\nmsgstr \"Старое\"\n\n"
        "msgid \"Say \\\"hi\\\"\"\nmsgstr \"\"\n\"Скажи \"\n\"«привет»\"\n\n"
        "msgid \"%d file\"\nmsgid_plural \"%d files\"\nmsgstr[0] \"%d файл\"\nmsgstr[1] \"%d "
        "файла\"\nmsgstr[2] \"%d файлов\"\n");
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].msgstr[0] == "Language: ru\n");
    CHECK(entries[1].fuzzy);
    CHECK(entries[2].msgid == "Say \"hi\"");
    CHECK(entries[2].msgstr[0] == "Скажи «привет»");
    CHECK_FALSE(entries[2].fuzzy);
    CHECK(entries[3].msgidPlural == "%d files");
    CHECK(entries[3].msgstr.size() == 3);
}

TEST_CASE("Russian plural forms for 1, 2, 5, 11, 21, 112", "[i18n]") {
    setUiLanguage("ru");
    CHECK(trn("%d note", "%d notes", 1) == "1 заметка");
    CHECK(trn("%d note", "%d notes", 2) == "2 заметки");
    CHECK(trn("%d note", "%d notes", 5) == "5 заметок");
    CHECK(trn("%d note", "%d notes", 11) == "11 заметок");
    CHECK(trn("%d note", "%d notes", 21) == "21 заметка");
    CHECK(trn("%d note", "%d notes", 112) == "112 заметок");
    CHECK(trn("%d note", "%d notes", 22) == "22 заметки");
    CHECK(std::string(tr("Agenda")) == "Программа");
    setUiLanguage("en");
    CHECK(trn("%d note", "%d notes", 1) == "1 note");
    CHECK(trn("%d note", "%d notes", 21) == "21 notes");
    CHECK(std::string(tr("Agenda")) == "Agenda");
    // The header's formula is the one russianPluralIndex implements.
    auto header = parsePo(readFile(kRuPo)).front().msgstr[0];
    CHECK(header.find("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || "
                      "n%100>=20) ? 1 : 2);") != std::string::npos);
}

TEST_CASE("dates are formatted per language and lists sort with a Russian collator", "[i18n]") {
    // ICU keeps "г." on the line with a no-break space.
    std::string ru = formatLongDate("2019-07-25", "ru");
    for (const char* nbsp : {"\u00A0", "\u202F"})
        for (size_t at; (at = ru.find(nbsp)) != std::string::npos;)
            ru.replace(at, std::string(nbsp).size(), " ");
    CHECK(ru == "25 июля 2019 г.");
    CHECK(formatLongDate("2019-07-25", "en") == "July 25, 2019");
    CHECK(formatLongDate("not a date", "ru") == "not a date");
    std::vector<std::string> words = {"Юрта", "ёлка", "Ель", "арбуз", "Banana"};
    std::sort(words.begin(), words.end(), [](auto& a, auto& b) { return collateLess(a, b, "ru"); });
    // Cyrillic before Latin in the Russian locale; ё sorts with е (not after я), case does not split words.
    CHECK(words == std::vector<std::string>{"арбуз", "ёлка", "Ель", "Юрта", "Banana"});
}
