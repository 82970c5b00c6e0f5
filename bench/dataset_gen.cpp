// Large dataset generator (see dataset_gen.h).
#include "bench/dataset_gen.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

namespace kenes::bench {

namespace {

using storage::Json;

// Words in several grammatical forms, so that stemming has work to do.
const std::vector<std::string> kRussian = {"профсоюз",
                                           "профсоюза",
                                           "профсоюзу",
                                           "профсоюзами",
                                           "профсоюзов",
                                           "профсоюзный",
                                           "профсоюзных",
                                           "организация",
                                           "организации",
                                           "организаций",
                                           "организациями",
                                           "работник",
                                           "работники",
                                           "работников",
                                           "работникам",
                                           "право",
                                           "права",
                                           "правами",
                                           "прав",
                                           "свобода",
                                           "свободы",
                                           "свободой",
                                           "объединения",
                                           "объединений",
                                           "ассоциации",
                                           "конвенция",
                                           "конвенции",
                                           "конвенций",
                                           "государство",
                                           "государства",
                                           "государств",
                                           "трудовой",
                                           "трудового",
                                           "трудовых",
                                           "договор",
                                           "договора",
                                           "договоров",
                                           "переговоры",
                                           "переговоров",
                                           "коллективный",
                                           "коллективных",
                                           "защита",
                                           "защиты",
                                           "защите",
                                           "заработная",
                                           "плата",
                                           "платы",
                                           "занятость",
                                           "занятости",
                                           "дискриминация",
                                           "дискриминации",
                                           "равенство",
                                           "вознаграждение",
                                           "труд",
                                           "труда",
                                           "трудом",
                                           "безопасность",
                                           "безопасности",
                                           "здоровье",
                                           "здоровья",
                                           "детский",
                                           "детского",
                                           "принудительный",
                                           "принудительного",
                                           "инспекция",
                                           "инспекции",
                                           "комитет",
                                           "комитета",
                                           "комитетом",
                                           "жалоба",
                                           "жалобы",
                                           "жалоб",
                                           "доклад",
                                           "доклады",
                                           "докладов",
                                           "правительство",
                                           "правительства",
                                           "работодатель",
                                           "работодателей",
                                           "член",
                                           "членов",
                                           "участие",
                                           "участия",
                                           "меры",
                                           "мер",
                                           "применение",
                                           "применения",
                                           "законодательство",
                                           "законодательства",
                                           "национальный",
                                           "национального",
                                           "международный",
                                           "международных",
                                           "стандарт",
                                           "стандартов",
                                           "норма",
                                           "норм",
                                           "условия",
                                           "условий",
                                           "каждый",
                                           "должно",
                                           "может",
                                           "обязуется",
                                           "принимает",
                                           "обеспечивает",
                                           "в",
                                           "и",
                                           "на",
                                           "с",
                                           "по",
                                           "для",
                                           "о",
                                           "без",
                                           "при",
                                           "которые",
                                           "этой",
                                           "всех",
                                           "ёмкость",
                                           "учёт",
                                           "отчёт",
                                           "отчётности",
                                           "надзор",
                                           "надзора",
                                           "механизм",
                                           "механизмов",
                                           "специальный",
                                           "регулярный",
                                           "представление",
                                           "представления",
                                           "сессия",
                                           "сессии"};
const std::vector<std::string> kEnglish = {"union",
                                           "unions",
                                           "trade",
                                           "organisation",
                                           "organisations",
                                           "organise",
                                           "organising",
                                           "worker",
                                           "workers",
                                           "right",
                                           "rights",
                                           "freedom",
                                           "association",
                                           "associations",
                                           "convention",
                                           "conventions",
                                           "state",
                                           "states",
                                           "member",
                                           "members",
                                           "labour",
                                           "collective",
                                           "bargaining",
                                           "agreement",
                                           "agreements",
                                           "protection",
                                           "protected",
                                           "wage",
                                           "wages",
                                           "employment",
                                           "discrimination",
                                           "equality",
                                           "remuneration",
                                           "safety",
                                           "health",
                                           "child",
                                           "children",
                                           "forced",
                                           "compulsory",
                                           "inspection",
                                           "inspections",
                                           "committee",
                                           "committees",
                                           "complaint",
                                           "complaints",
                                           "report",
                                           "reports",
                                           "reporting",
                                           "government",
                                           "governments",
                                           "employer",
                                           "employers",
                                           "participation",
                                           "measures",
                                           "application",
                                           "applied",
                                           "legislation",
                                           "national",
                                           "international",
                                           "standard",
                                           "standards",
                                           "conditions",
                                           "every",
                                           "shall",
                                           "may",
                                           "undertakes",
                                           "adopts",
                                           "ensures",
                                           "in",
                                           "and",
                                           "of",
                                           "to",
                                           "the",
                                           "for",
                                           "with",
                                           "without",
                                           "which",
                                           "this",
                                           "all",
                                           "supervision",
                                           "supervisory",
                                           "mechanism",
                                           "mechanisms",
                                           "special",
                                           "regular",
                                           "representation",
                                           "representations",
                                           "session",
                                           "sessions",
                                           "ratified",
                                           "ratification",
                                           "provisions"};
const char* kZones[] = {"Asia/Almaty",   "Asia/Bishkek",  "Europe/Moscow",
                        "Asia/Tashkent", "Asia/Dushanbe", "Asia/Ashgabat"};

class TextMaker {
public:
    explicit TextMaker(unsigned seed) : m_rng(seed) {}

    std::string text(const std::vector<std::string>& vocab, size_t minBytes) {
        std::string out;
        size_t sentence = 0;
        while (out.size() < minBytes) {
            const std::string& w = vocab[pick(vocab.size())];
            if (!out.empty()) out += ' ';
            if (sentence == 0 && w[0] >= 'a' && w[0] <= 'z') {
                out += static_cast<char>(w[0] - 32);
                out += w.substr(1);
            } else {
                out += w;
            }
            if (++sentence > 8 + pick(8)) {
                out += '.';
                sentence = 0;
            }
        }
        out += '.';
        return out;
    }
    Json both(size_t ruBytes, size_t enBytes) {
        return Json{{"ru", text(kRussian, ruBytes)}, {"en", text(kEnglish, enBytes)}};
    }
    size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(m_rng); }

private:
    std::mt19937 m_rng;
};

void writeBatches(storage::Database& db, std::vector<Json>& docs, size_t& count) {
    const size_t kBatch = 500;
    for (size_t i = 0; i < docs.size(); i += kBatch) {
        std::vector<Json> batch(docs.begin() + static_cast<long>(i),
                                docs.begin() + static_cast<long>(std::min(docs.size(), i + kBatch)));
        for (auto& r : db.bulkDocs(batch, true)) {
            if (!r.ok())
                std::fprintf(stderr, "dataset: %s: %s\n", r.id.c_str(), r.reason.c_str());
            else
                ++count;
        }
    }
    docs.clear();
}

std::string two(size_t v) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%02zu", v);
    return buf;
}

}  // namespace

DatasetStats generateLargeDataset(storage::Store& store, const DatasetOptions& o) {
    const auto started = std::chrono::steady_clock::now();
    DatasetStats stats;
    TextMaker t(o.seed);
    auto library = store.database("library", true);
    auto events = store.database("events", true);
    auto user = store.database(storage::userDatabaseName(o.userName), true);
    std::vector<Json> docs;

    for (size_t s = 0; s < o.standards; ++s) {
        const std::string code = "B" + std::to_string(1000 + s);
        Json articles = Json::array();
        for (size_t a = 0; a < o.articlesPerStandard; ++a) {
            Json text = t.both(1000, 680);
            stats.textBytes += text["ru"].get<std::string>().size() + text["en"].get<std::string>().size();
            articles.push_back({{"id", "art" + std::to_string(a + 1)},
                                {"number", std::to_string(a + 1)},
                                {"heading", t.both(40, 30)},
                                {"text", std::move(text)}});
        }
        docs.push_back({{"_id", "std:" + code},
                        {"type", "standard"},
                        {"code", code},
                        {"kind", "convention"},
                        {"number", static_cast<int>(1000 + s)},
                        {"title", t.both(60, 50)},
                        {"adopted", "19" + two(50 + s % 50) + "-06-" + two(1 + s % 28)},
                        {"fundamental", false},
                        {"text_kind", "summary"},
                        {"summary", t.both(300, 200)},
                        {"articles", std::move(articles)}});
        if (docs.size() == 20) writeBatches(*library, docs, stats.documents);
    }
    writeBatches(*library, docs, stats.documents);

    for (size_t p = 0; p < o.speakers; ++p)
        docs.push_back(
            {{"_id", "speaker:s" + std::to_string(p)},
             {"type", "speaker"},
             {"name",
              {{"ru", "Спикер Номер " + std::to_string(p)}, {"en", "Speaker Number " + std::to_string(p)}}},
             {"organisation", t.both(30, 20)},
             {"country", "KZ"}});
    writeBatches(*events, docs, stats.documents);

    for (size_t e = 0; e < o.events; ++e) {
        const std::string eventId = "event:e" + std::to_string(e);
        const size_t month = 1 + e % 12, startDay = 1 + (e * 7) % 25;
        const std::string year = std::to_string(2015 + e / 12);
        auto date = [&](size_t offset) { return year + "-" + two(month) + "-" + two(startDay + offset); };
        docs.push_back({{"_id", eventId},
                        {"type", "event"},
                        {"title", t.both(60, 50)},
                        {"summary", t.both(200, 150)},
                        {"timezone", kZones[e % 6]},
                        {"start_date", date(0)},
                        {"end_date", date(2)},
                        {"languages", {"ru", "en"}},
                        {"country", "KG"}});
        for (size_t s = 0; s < o.sessionsPerEvent; ++s) {
            const size_t day = s * 3 / o.sessionsPerEvent;
            const size_t slot = s % 12;  // 12 slots a day of 45 minutes from 08:00, up to 3 rooms
            const size_t startMin = 8 * 60 + slot * 45;
            const size_t endMin = startMin + 40;
            auto hm = [](size_t minutes) { return two(minutes / 60) + ":" + two(minutes % 60); };
            Json standards = Json::array();
            if (s % 3 == 0)
                standards.push_back("std:B" + std::to_string(1000 + (e * 7 + s) % o.standards) + "#art2");
            docs.push_back(
                {{"_id", "session:e" + std::to_string(e) + ":s" + std::to_string(s)},
                 {"type", "session"},
                 {"event", eventId},
                 {"start", date(day) + "T" + hm(startMin)},
                 {"end", date(day) + "T" + hm(endMin)},
                 {"title", t.both(60, 45)},
                 {"abstract", t.both(400, 300)},
                 {"kind", "talk"},
                 {"room",
                  {{"ru", "Зал " + std::to_string(s % 3 + 1)}, {"en", "Room " + std::to_string(s % 3 + 1)}}},
                 {"speakers", {"speaker:s" + std::to_string(t.pick(o.speakers))}},
                 {"standards", std::move(standards)}});
        }
        writeBatches(*events, docs, stats.documents);
    }

    for (size_t n = 0; n < o.notes; ++n) {
        const size_t e = n % o.events;
        docs.push_back(
            {{"_id", "note:n" + std::to_string(n)},
             {"type", "note"},
             {"title", t.text(n % 2 ? kRussian : kEnglish, 30)},
             {"body", t.text(n % 2 ? kRussian : kEnglish, 400)},
             {"created", "2019-07-" + two(1 + n % 28) + "T" + two(n % 24) + ":00:00Z"},
             {"updated", "2019-07-" + two(1 + n % 28) + "T" + two(n % 24) + ":" + two(n % 60) + ":00Z"},
             {"event", "event:e" + std::to_string(e)},
             {"session", "session:e" + std::to_string(e) + ":s" + std::to_string(n % o.sessionsPerEvent)},
             {"tags", {n % 2 ? "ru" : "en"}}});
    }
    writeBatches(*user, docs, stats.documents);

    TextMaker big(o.seed + 1);
    if (o.bigStandardBytes > 0) {
        // Articles of ~1,500 bytes of Russian and ~1,000 of English, as in a long convention.
        const size_t count = std::max<size_t>(1, o.bigStandardBytes / 2500);
        Json articles = Json::array();
        for (size_t a = 0; a < count; ++a) {
            Json text = big.both(1500, 1000);
            stats.textBytes += text["ru"].get<std::string>().size() + text["en"].get<std::string>().size();
            articles.push_back({{"id", "art" + std::to_string(a + 1)},
                                {"number", std::to_string(a + 1)},
                                {"heading", big.both(40, 30)},
                                {"text", std::move(text)}});
        }
        docs.push_back({{"_id", "std:B9999"},
                        {"type", "standard"},
                        {"code", "B9999"},
                        {"kind", "convention"},
                        {"number", 9999},
                        {"title", big.both(60, 50)},
                        {"adopted", "2006-02-23"},
                        {"fundamental", false},
                        {"text_kind", "official"},
                        {"summary", big.both(300, 200)},
                        {"preamble", big.both(3000, 2000)},
                        {"articles", std::move(articles)}});
        writeBatches(*library, docs, stats.documents);
    }
    if (o.bigEventSessions > 0) {
        // One day of 48 quarter-hour slots from 08:00 in as many parallel rooms as needed.
        const std::string eventId = "event:big", date = "2030-09-16";
        docs.push_back({{"_id", eventId},
                        {"type", "event"},
                        {"title", big.both(60, 50)},
                        {"summary", big.both(200, 150)},
                        {"timezone", "Asia/Almaty"},
                        {"start_date", date},
                        {"end_date", date},
                        {"languages", {"ru", "en"}},
                        {"country", "KZ"}});
        for (size_t s = 0; s < o.bigEventSessions; ++s) {
            const size_t room = s / 48 + 1, startMin = 8 * 60 + (s % 48) * 15;
            auto hm = [](size_t minutes) { return two(minutes / 60) + ":" + two(minutes % 60); };
            Json speakers = Json::array();
            const size_t first = big.pick(o.speakers);
            for (size_t k = 0, n = std::min<size_t>(1 + big.pick(3), o.speakers); k < n; ++k)
                speakers.push_back("speaker:s" + std::to_string((first + k * 7) % o.speakers));
            Json standards = Json::array();
            if (s % 4 == 0 && o.bigStandardBytes > 0)
                standards.push_back("std:B9999#art" + std::to_string(1 + s % 50));
            docs.push_back(
                {{"_id", "session:big:s" + std::to_string(s)},
                 {"type", "session"},
                 {"event", eventId},
                 {"start", date + "T" + hm(startMin)},
                 {"end", date + "T" + hm(startMin + 15)},
                 {"title", big.both(60, 45)},
                 {"abstract", big.both(200, 150)},
                 {"kind", "talk"},
                 {"room", {{"ru", "Зал " + std::to_string(room)}, {"en", "Room " + std::to_string(room)}}},
                 {"speakers", std::move(speakers)},
                 {"standards", std::move(standards)}});
        }
        writeBatches(*events, docs, stats.documents);
    }
    stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return stats;
}

}  // namespace kenes::bench
