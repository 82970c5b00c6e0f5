#include "app/core/session_changes.h"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string_view>

namespace kenes::app {

namespace {

constexpr const char* kSeenDocument = "kenes-seen-sessions";
constexpr const char* kLanguages[] = {"en", "ru"};

constexpr char kTextEnd = '\x1E', kLangEnd = '\x1F';

void appendPacked(std::string& out, const std::string& text) {
    for (char c : text) out += c == kTextEnd || c == kLangEnd ? ' ' : c;
}

// What was seen is stored as one string (format 2): a line per session, tab-separated fields
// (id, event, start, end, cancelled, then language and title pairs, "|", language and room
// pairs), with backslash, tab and newline escaped. Far smaller in memory than a JSON object per
// session when 10,000 sessions are read back at start. Format 1 (an object per session) is
// still read.
constexpr int kSeenFormat = 2;

void appendField(std::string& out, const std::string& text) {
    for (char c : text) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\n':
                out += "\\n";
                break;
            default:
                out += c;
        }
    }
}

std::string unescapeField(std::string_view field) {
    std::string out;
    out.reserve(field.size());
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 1 < field.size()) {
            ++i;
            out += field[i] == 't' ? '\t' : field[i] == 'n' ? '\n' : field[i];
        } else {
            out += field[i];
        }
    }
    return out;
}

std::string encodeSeen(const std::map<std::string, SessionFacts>& seen) {
    std::string out;
    for (const auto& [id, f] : seen) {
        for (const std::string* field : {&id, &f.event, &f.start, &f.end}) {
            appendField(out, *field);
            out += '\t';
        }
        out += f.cancelled ? '1' : '0';
        for (const auto* texts : {&f.title, &f.room}) {
            out += texts == &f.room ? "\t|" : "";
            for (const auto& [lang, text] : texts->entries()) {
                out += '\t';
                appendField(out, lang);
                out += '\t';
                appendField(out, text);
            }
        }
        out += '\n';
    }
    return out;
}

// Throws std::runtime_error on a malformed line.
void decodeSeen(std::string_view text, std::map<std::string, SessionFacts>& seen) {
    while (!text.empty()) {
        size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        std::vector<std::string_view> fields;
        for (size_t at = 0;;) {
            size_t tab = line.find('\t', at);
            fields.push_back(
                line.substr(at, tab == std::string_view::npos ? std::string_view::npos : tab - at));
            if (tab == std::string_view::npos) break;
            at = tab + 1;
        }
        if (fields.size() < 6 || fields[4].size() != 1)
            throw std::runtime_error("malformed seen-sessions line");
        SessionFacts f;
        f.event = unescapeField(fields[1]);
        f.start = unescapeField(fields[2]);
        f.end = unescapeField(fields[3]);
        f.cancelled = fields[4] == "1";
        std::map<std::string, std::string> title, room;
        auto* texts = &title;
        for (size_t i = 5; i < fields.size();) {
            if (fields[i] == "|") {
                texts = &room;
                ++i;
                continue;
            }
            if (i + 1 >= fields.size()) throw std::runtime_error("malformed seen-sessions line");
            (*texts)[unescapeField(fields[i])] = unescapeField(fields[i + 1]);
            i += 2;
        }
        f.title = LangTexts(title);
        f.room = LangTexts(room);
        seen[unescapeField(fields[0])] = std::move(f);
    }
}

SessionFacts fromJson(const nlohmann::json& j) {
    SessionFacts f;
    f.event = j.at("event").get<std::string>();
    f.start = j.at("start").get<std::string>();
    f.end = j.at("end").get<std::string>();
    f.title = LangTexts(j.at("title").get<std::map<std::string, std::string>>());
    f.room = LangTexts(j.at("room").get<std::map<std::string, std::string>>());
    f.cancelled = j.at("cancelled").get<bool>();
    return f;
}

}  // namespace

LangTexts::LangTexts(const std::map<std::string, std::string>& texts) {
    size_t size = 0;
    for (const auto& [lang, text] : texts) size += lang.size() + text.size() + 2;
    m_packed.reserve(size);
    for (const auto& [lang, text] : texts) {
        appendPacked(m_packed, lang);
        m_packed += kLangEnd;
        appendPacked(m_packed, text);
        m_packed += kTextEnd;
    }
}

std::vector<std::pair<std::string, std::string>> LangTexts::entries() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (size_t at = 0; at < m_packed.size();) {
        size_t langEnd = m_packed.find(kLangEnd, at);
        size_t textEnd = m_packed.find(kTextEnd, langEnd);
        out.emplace_back(m_packed.substr(at, langEnd - at),
                         m_packed.substr(langEnd + 1, textEnd - langEnd - 1));
        at = textEnd + 1;
    }
    return out;
}

std::string LangTexts::in(const std::string& lang) const {
    auto all = entries();
    for (const auto& [l, text] : all)
        if (l == lang && !text.empty()) return text;
    for (const auto& [l, text] : all)
        if (!text.empty()) return text;
    return {};
}

std::string SessionFacts::titleIn(const std::string& lang) const {
    return title.in(lang);
}
std::string SessionFacts::roomIn(const std::string& lang) const {
    return room.in(lang);
}

SessionChanges::SessionChanges(storage::Store& store, const storage::Model& model, storage::Database& userDb,
                               std::string userDbName, EventBus& bus, bool readNow)
    : m_store(store), m_model(model), m_userDb(userDb), m_userDbName(std::move(userDbName)), m_bus(bus) {
    m_bus.subscribe<DataChanged>([this](const DataChanged&) { check(); });
    m_bus.subscribe<OpenSession>([this](const OpenSession& e) { markSeen(e.sessionId); });
    m_bus.subscribe<ProgrammeRead>([this](const ProgrammeRead&) {
        if (!m_reading.valid() || m_reading.wait_for(std::chrono::seconds(0)) != std::future_status::ready)
            return;
        compare(m_reading.get());
        if (m_readAgain) {
            m_readAgain = false;
            check();
        }
    });
    m_bus.subscribe<SeenSaved>([this](const SeenSaved&) {
        if (m_saveAgain &&
            (!m_saving.valid() || m_saving.wait_for(std::chrono::seconds(0)) == std::future_status::ready)) {
            m_saveAgain = false;
            saveSeen();
        }
    });
    if (readNow) check();
}

SessionChanges::~SessionChanges() {
    if (m_reader.joinable()) m_reader.join();
    if (m_saving.valid()) m_saving.wait();
    if (m_saveAgain) {
        m_saveAgain = false;
        saveSeen();
        if (m_saving.valid()) m_saving.wait();
    }
}

SessionChanges::Facts SessionChanges::readProgramme(const storage::Model& model) {
    Facts facts;
    for (auto& s : model.sessionSnapshots({std::begin(kLanguages), std::end(kLanguages)})) {
        auto& f = facts[s.id];
        f.event = std::move(s.event);
        f.start = std::move(s.start);
        f.end = std::move(s.end);
        f.cancelled = s.cancelled;
        f.title = LangTexts(s.title);
        f.room = LangTexts(s.room);
        s.title.clear();  // freed as the reading goes, not all at its end
        s.room.clear();
    }
    return facts;
}

uint64_t SessionChanges::sharedSeqSum() {
    uint64_t sum = 0;
    try {
        for (const auto& name : m_store.allDatabases())
            if (name.rfind("userdb-", 0) != 0) sum += m_store.database(name)->info().updateSeq;
    } catch (const std::exception&) {
    }
    return sum;
}

void SessionChanges::check() {
    uint64_t seq = sharedSeqSum();
    if (m_readSeq && *m_readSeq == seq) return;
    if (m_reading.valid()) {
        m_readAgain = true;
        return;
    }
    m_readSeq = seq;
    if (m_reader.joinable()) m_reader.join();  // its result was taken; at most its post is left
    const storage::Model* model = &m_model;
    EventBus* bus = &m_bus;
    std::promise<Facts> result;
    m_reading = result.get_future();
    // The bus is told only once the result is ready, so the handler never finds it missing.
    m_reader = std::thread([model, bus, result = std::move(result)]() mutable {
        Facts facts;
        try {
            facts = readProgramme(*model);
        } catch (const std::exception&) {
            // Nothing to compare this time; the next change reads again.
        }
        result.set_value(std::move(facts));
        bus->postFromAnyThread(ProgrammeRead{});
    });
}

void SessionChanges::settle() {
    while (m_reading.valid()) {
        compare(m_reading.get());
        if (m_readAgain) {
            m_readAgain = false;
            check();
        }
    }
}

void SessionChanges::compare(Facts now) {
    bool dirty = false;
    if (!m_loaded) {
        m_loaded = true;
        std::optional<storage::Json> doc;
        try {
            doc = m_userDb.getLocal(kSeenDocument);
            if (doc && doc->value("format", 1) == kSeenFormat) {
                decodeSeen(doc->at("sessions").get_ref<const std::string&>(), m_seen);
            } else if (doc) {
                for (const auto& [id, j] : doc->at("sessions").items()) m_seen[id] = fromJson(j);
                dirty = true;  // written again in the current format
            }
        } catch (const std::exception&) {
            doc.reset();  // unreadable: start again from what is shown now
            m_seen.clear();
        }
        if (!doc) {
            m_seen = now;  // the first time everything counts as seen
            dirty = true;
        }
    }
    // Sessions of an event the user never saw are not news.
    std::set<std::string> seenEvents;
    for (const auto& [id, f] : m_seen) seenEvents.insert(f.event);
    for (const auto& [id, f] : now) {
        if (!m_seen.count(id) && !seenEvents.count(f.event)) {
            m_seen[id] = f;
            dirty = true;
        }
    }
    std::set<std::string> starred;
    try {
        for (const auto& s : m_model.stars(m_userDbName)) starred.insert(s.session);
    } catch (const std::exception&) {
    }
    m_changes.clear();
    m_alerts.clear();
    m_removed.clear();
    for (const auto& [id, f] : now) {
        SessionChange c;
        c.now = f;
        auto it = m_seen.find(id);
        if (it == m_seen.end()) {
            c.added = true;
        } else {
            if (it->second == f) continue;
            const SessionFacts& b = it->second;
            c.before = b;
            c.time = b.start != f.start || b.end != f.end;
            c.room = b.room != f.room;
            c.title = b.title != f.title;
            c.cancelled = f.cancelled && !b.cancelled;
            c.reinstated = !f.cancelled && b.cancelled;
            if (!c.time && !c.room && !c.title && !c.cancelled && !c.reinstated) {
                it->second = f;  // nothing a person would notice (e.g. moved to another event id)
                dirty = true;
                continue;
            }
        }
        if (starred.count(id) && (c.cancelled || c.time)) {
            m_alerts.push_back(
                {c.cancelled ? StarredAlert::Kind::Cancelled : StarredAlert::Kind::Moved, id, c.before, f});
        }
        m_changes.emplace(id, std::move(c));
    }
    for (const auto& [id, f] : m_seen) {
        if (now.count(id)) continue;
        m_removed.insert(id);
        if (starred.count(id)) m_alerts.push_back({StarredAlert::Kind::Removed, id, f, std::nullopt});
    }
    if (dirty) saveSeen();
}

void SessionChanges::saveSeen() {
    if (m_saving.valid() && m_saving.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
        m_saveAgain = true;  // written again when the running write ends
        return;
    }
    storage::Database* db = &m_userDb;
    EventBus* bus = &m_bus;
    m_saving = std::async(std::launch::async, [db, bus, text = encodeSeen(m_seen)]() mutable {
        try {
            db->putLocal(kSeenDocument, {{"format", kSeenFormat}, {"sessions", std::move(text)}});
        } catch (const std::exception&) {
            // The marks stay in memory for this run; the next write tries again.
        }
        bus->postFromAnyThread(SeenSaved{});
    });
}

size_t SessionChanges::removedCount(const std::string& eventId) const {
    size_t n = 0;
    for (const auto& id : m_removed)
        if (auto it = m_seen.find(id); it != m_seen.end() && it->second.event == eventId) ++n;
    return n;
}

const SessionChange* SessionChanges::change(const std::string& sessionId) const {
    auto it = m_changes.find(sessionId);
    return it == m_changes.end() ? nullptr : &it->second;
}

const SessionChange* SessionChanges::openedChange(const std::string& sessionId) const {
    auto it = m_opened.find(sessionId);
    return it == m_opened.end() ? nullptr : &it->second;
}

void SessionChanges::markSeen(const std::string& sessionId) {
    bool known = m_changes.count(sessionId) || m_removed.count(sessionId);
    if (!known) return;
    if (auto it = m_changes.find(sessionId); it != m_changes.end()) {
        m_seen[sessionId] = it->second.now;
        m_opened[sessionId] = it->second;
        m_changes.erase(it);
    } else {
        m_seen.erase(sessionId);  // removed from the programme
    }
    m_removed.erase(sessionId);
    std::erase_if(m_alerts, [&](const StarredAlert& a) { return a.sessionId == sessionId; });
    saveSeen();
}

void SessionChanges::markAllSeen() {
    if (!m_loaded) return;
    // Sessions not in m_changes already read as seen in m_seen (compare() keeps it so).
    for (const auto& [id, c] : m_changes) m_seen[id] = c.now;
    for (const auto& id : m_removed) m_seen.erase(id);
    m_changes.clear();
    m_alerts.clear();
    m_removed.clear();
    saveSeen();
}

}  // namespace kenes::app
