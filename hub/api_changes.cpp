// GET/POST /{db}/_changes: normal and longpoll feeds (see api.h). A longpoll holds one worker
// thread; at most `longpollSlots` wait at once, further ones are answered at once (as a normal
// feed) so waiting clients never take every worker.
#include <thread>

#include "hub/api.h"

namespace kenes::hub {

namespace {
using Clock = std::chrono::steady_clock;
constexpr auto kMaxTimeout = std::chrono::milliseconds(60000);
constexpr auto kSlice = std::chrono::milliseconds(500);

uint64_t parseSince(const std::string& s, storage::Database& db) {
    if (s == "now") return db.info().updateSeq;
    uint64_t v = 0;
    size_t i = 0;
    std::string text = s;
    if (!text.empty() && text.front() == '"' && text.back() == '"' && text.size() >= 2)
        text = text.substr(1, text.size() - 2);
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
        if (v > (UINT64_MAX - 9) / 10) break;
        v = v * 10 + static_cast<uint64_t>(text[i] - '0');
    }
    if (i == 0 && !text.empty())
        throw HttpError{400, "bad_request", "Malformed `since`: expected a sequence number or \"now\"."};
    return v;
}

// The feed as JSON text, written row by row (no intermediate JSON tree for the rows).
std::string render(const storage::ChangesResult& r) {
    std::string out;
    out.reserve(64 + r.results.size() * 96);
    out += "{\"results\":[";
    for (size_t i = 0; i < r.results.size(); ++i) {
        const auto& row = r.results[i];
        if (i) out += ',';
        out += "{\"seq\":";
        out += std::to_string(row.seq);
        out += ",\"id\":";
        out += dumpJson(Json(row.id));
        out += ",\"changes\":[";
        for (size_t k = 0; k < row.revs.size(); ++k) {
            if (k) out += ',';
            out += "{\"rev\":";
            out += dumpJson(Json(row.revs[k]));
            out += '}';
        }
        out += ']';
        if (row.deleted) out += ",\"deleted\":true";
        if (row.doc) {
            out += ",\"doc\":";
            out += dumpJson(*row.doc);
        }
        out += '}';
    }
    out +=
        "],\"last_seq\":" + std::to_string(r.lastSeq) + ",\"pending\":" + std::to_string(r.pending) + "}\n";
    return out;
}

// Releases a longpoll slot when the last copy of the streaming callback goes away.
class SlotGuard {
public:
    explicit SlotGuard(std::atomic<size_t>& counter) : m_counter(counter) {}
    SlotGuard(const SlotGuard&) = delete;
    SlotGuard& operator=(const SlotGuard&) = delete;
    ~SlotGuard() { --m_counter; }

private:
    std::atomic<size_t>& m_counter;
};
}  // namespace

void Api::changes(Call& call, const std::shared_ptr<storage::Database>& db) {
    const auto& q = call.target.query;
    storage::ChangesOptions options;
    Json body;
    if (call.req.method == "POST" && !call.req.body.empty()) {
        body = parseBody(call.req.body);
        if (!body.is_object()) throw HttpError{400, "bad_request", "Request body must be a JSON object"};
    }
    options.since = q.count("since") ? parseSince(q.at("since"), *db) : 0;
    if (auto limit = queryUint(q, "limit")) options.limit = *limit;
    std::string style = q.count("style") ? q.at("style") : "main_only";
    if (style != "main_only" && style != "all_docs")
        throw HttpError{400, "bad_request", "Invalid `style`: use main_only or all_docs."};
    options.allLeaves = style == "all_docs";
    options.includeDocs = queryBool(q, "include_docs");
    options.conflicts = queryBool(q, "conflicts");
    if (q.count("descending") && queryBool(q, "descending"))
        throw HttpError{400, "bad_request", "`descending` is not supported by this server."};
    if (q.count("filter")) {
        if (q.at("filter") != "_doc_ids")
            throw HttpError{400, "bad_request", "Only filter=_doc_ids is supported by this server."};
        Json ids;
        if (body.is_object() && body.contains("doc_ids"))
            ids = body["doc_ids"];
        else if (auto j = queryJson(q, "doc_ids"))
            ids = *j;
        if (!ids.is_array()) throw HttpError{400, "bad_request", "filter=_doc_ids needs a `doc_ids` array."};
        std::vector<std::string> list;
        for (const auto& id : ids) {
            if (!id.is_string()) throw HttpError{400, "bad_request", "`doc_ids` must hold strings."};
            list.push_back(id.get<std::string>());
        }
        options.docIds = std::move(list);
    }
    std::string feed = q.count("feed") ? q.at("feed") : "normal";
    if (feed != "normal" && feed != "longpoll")
        throw HttpError{400, "bad_request", "Supported feeds: normal, longpoll."};

    auto result = db->changes(options);
    if (feed == "normal" || !result.results.empty() || call.req.method == "HEAD") {
        call.res.status = 200;
        call.res.set_content(render(result), "application/json");
        return;
    }
    auto timeout = kMaxTimeout;
    if (auto t = queryUint(q, "timeout")) timeout = std::min(kMaxTimeout, std::chrono::milliseconds(*t));
    std::chrono::milliseconds heartbeat{0};
    if (q.count("heartbeat")) {
        if (q.at("heartbeat") == "true")
            heartbeat = std::chrono::milliseconds(60000);
        else if (auto h = queryUint(q, "heartbeat"))
            heartbeat = std::chrono::milliseconds(std::max<uint64_t>(*h, 100));
    }
    if (++m_longpolls > m_longpollSlots) {
        --m_longpolls;
        call.res.status = 200;
        call.res.set_content(render(result), "application/json");
        return;
    }
    auto guard = std::make_shared<SlotGuard>(m_longpolls);
    const std::atomic<bool>* stopping = &m_stopping;
    call.res.status = 200;
    call.res.set_chunked_content_provider("application/json", [db, options, timeout, heartbeat, guard,
                                                               stopping](size_t, httplib::DataSink& sink) {
        auto start = Clock::now();
        auto deadline = start + timeout;
        auto nextBeat = start + heartbeat;
        while (!stopping->load()) {
            auto now = Clock::now();
            if (now >= deadline) break;
            auto until = std::min(deadline, now + kSlice);
            if (heartbeat.count() > 0) until = std::min(until, nextBeat);
            auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
            if (db->waitForChange(options.since, std::max(wait, std::chrono::milliseconds(1)))) break;
            if (heartbeat.count() > 0 && Clock::now() >= nextBeat) {
                if (!sink.is_writable() || !sink.write("\n", 1)) return false;
                nextBeat += heartbeat;
            }
        }
        std::string out;
        try {
            out = render(db->changes(options));
        } catch (const storage::StoreError&) {
            return false;  // the database went away while waiting
        }
        if (!sink.write(out.data(), out.size())) return false;
        sink.done();
        return true;
    });
}

}  // namespace kenes::hub
