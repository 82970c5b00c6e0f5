// A remote source reads its changes feed one page ahead: the page after a changes page is asked for
// as soon as that page's answer is in (its trailing last_seq read before the rows are parsed), so
// that it is on its way while the caller compares and dispatches the current one. These tests talk
// to a scripted feed that records every request, and check that the page read ahead is asked for
// once, used only for the call it matches, and dropped (without harm) when the guess was wrong, when
// the call asks for another page size, or when its request failed.
#include <catch2/catch.hpp>

#include <chrono>
#include <mutex>
#include <thread>

#include "support/net_faults.h"
#include "sync/endpoint.h"

using namespace kenes;
using Json = nlohmann::json;

namespace {

// `total` documents "doc-1"... with integer seqs 1..total. Answers _changes?since=S&limit=L with
// rows S+1..S+L; `misleading` puts last_seq first and ends every body with a member of the same
// name, so that a reader guessing from the end of the text guesses wrong.
class ScriptedFeed {
public:
    explicit ScriptedFeed(int total)
        : m_total(total),
          m_server([this](const std::string&, const std::string& target) { return answer(target); }) {}

    std::string url() const { return m_server.url() + "/feed"; }

    std::vector<std::string> targets() {
        std::lock_guard lock(m_mutex);
        return m_targets;
    }
    size_t asked(const std::string& part) {
        size_t n = 0;
        for (const auto& t : targets()) n += t.find(part) != std::string::npos;
        return n;
    }
    // Waits (up to 10 s) until `count` _changes requests have arrived.
    bool waitForRequests(size_t count) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (targets().size() < count) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return true;
    }

    bool misleading = false;
    int failSince = -1;  // the first request from this seq is answered 500

private:
    static int number(const std::string& target, const std::string& name) {
        auto at = target.find(name + "=");
        return at == std::string::npos ? 0 : std::stoi(target.substr(at + name.size() + 1));
    }

    std::string answer(const std::string& target) {
        if (target.find("/_changes") == std::string::npos)
            return test::ScriptedHttpServer::reply(404, "application/json", R"({"error":"not_found"})");
        int since = number(target, "since"), limit = number(target, "limit");
        bool bodies = target.find("include_docs=true") != std::string::npos;
        {
            std::lock_guard lock(m_mutex);
            m_targets.push_back(target);
            if (since == failSince) {
                failSince = -1;
                return test::ScriptedHttpServer::reply(500, "application/json", R"({"error":"unavailable"})");
            }
        }
        int last = std::min(m_total, since + limit);
        std::string rows;
        for (int seq = since + 1; seq <= last; ++seq) {
            std::string id = "doc-" + std::to_string(seq);
            Json row = {{"seq", seq}, {"id", id}, {"changes", Json::array({{{"rev", "1-abc"}}})}};
            std::string text = row.dump();
            if (bodies) {
                Json doc = {{"_id", id}, {"_rev", "1-abc"}, {"n", seq}};
                std::string body = doc.dump();
                if (misleading) body.insert(body.size() - 1, ",\"last_seq\":7");
                text.insert(text.size() - 1, ",\"doc\":" + body);
            }
            rows += (rows.empty() ? "" : ",") + text;
        }
        std::string seq = std::to_string(std::max(since, last));
        std::string body = misleading ? "{\"last_seq\":" + seq + ",\"results\":[" + rows + "]}"
                                      : "{\"results\":[" + rows + "],\n\"last_seq\":" + seq + "}";
        return test::ScriptedHttpServer::reply(200, "application/json", body);
    }

    int m_total;
    std::mutex m_mutex;
    std::vector<std::string> m_targets;
    test::ScriptedHttpServer m_server;
};

std::vector<std::string> ids(const sync::ChangesPage& page) {
    std::vector<std::string> out;
    for (const auto& row : page.results) out.push_back(row.id);
    return out;
}

std::vector<std::string> expectedIds(int from, int to) {
    std::vector<std::string> out;
    for (int seq = from; seq <= to; ++seq) out.push_back("doc-" + std::to_string(seq));
    return out;
}

}  // namespace

TEST_CASE("the page after a changes page is asked for before the caller asks, once",
          "[sync][feed][readahead]") {
    ScriptedFeed feed(250);
    sync::RemoteEndpoint source(feed.url());
    source.readAhead(true);

    auto first = source.changes(0, 100, true);
    CHECK(ids(first) == expectedIds(1, 100));
    CHECK(first.lastSeq == 100);
    // Nobody has asked for the second page yet: it is on its way all the same, with bodies.
    REQUIRE(feed.waitForRequests(2));
    CHECK(feed.targets()[1].find("since=100&limit=100&include_docs=true") != std::string::npos);

    // Asked without bodies: the page read ahead with them serves, its bodies left out.
    auto second = source.changes(100, 100, false);
    CHECK(ids(second) == expectedIds(101, 200));
    for (const auto& row : second.results) CHECK(row.doc.is_null());
    CHECK(feed.asked("since=100&") == 1);
    REQUIRE(feed.waitForRequests(3));
    CHECK(feed.targets()[2].find("since=200&limit=100") != std::string::npos);
    CHECK(feed.targets()[2].find("include_docs") == std::string::npos);

    // Asked with bodies: the page read ahead without them serves all the same (bodies only spare
    // fetches), and the next one is read ahead with them.
    auto third = source.changes(200, 100, true);  // a short page: the feed may still go on
    CHECK(ids(third) == expectedIds(201, 250));
    for (const auto& row : third.results) CHECK(row.doc.is_null());
    CHECK(feed.asked("since=200&") == 1);
    REQUIRE(feed.waitForRequests(4));
    CHECK(feed.targets()[3].find("since=250&limit=100&include_docs=true") != std::string::npos);
    auto last = source.changes(250, 100, false);
    CHECK(last.results.empty());
    CHECK(last.lastSeq == 250);
    // An empty page read nothing new: no page after it is asked for.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(feed.targets().size() == 4);
    CHECK(source.requestCount() == 4);
    source.readAhead(false);
}

TEST_CASE("a page read ahead that does not match the call is dropped", "[sync][feed][readahead]") {
    ScriptedFeed feed(300);
    sync::RemoteEndpoint source(feed.url());
    source.readAhead(true);

    SECTION("a wrong guess at where the page ends") {
        feed.misleading = true;  // the last "last_seq" in the text is a document's, 7
        auto first = source.changes(0, 100, true);
        CHECK(first.lastSeq == 100);
        REQUIRE(feed.waitForRequests(2));
        CHECK(feed.targets()[1].find("since=7&") != std::string::npos);
        auto second = source.changes(100, 100, true);
        CHECK(ids(second) == expectedIds(101, 200));
        CHECK(second.lastSeq == 200);
        CHECK(feed.asked("since=100&") == 1);
    }
    SECTION("another page size") {
        source.changes(0, 100, false);
        REQUIRE(feed.waitForRequests(2));
        auto second = source.changes(100, 50, false);
        CHECK(ids(second) == expectedIds(101, 150));
        CHECK(feed.asked("since=100&limit=50") == 1);
        CHECK(feed.asked("since=100&") == 2);
    }
    SECTION("the request for the page read ahead failed") {
        feed.failSince = 100;
        source.changes(0, 100, false);
        REQUIRE(feed.waitForRequests(2));
        // The failure reaches the call for that page (a retry reads it again) and nothing else.
        CHECK_THROWS_AS(source.changes(100, 100, false), sync::SyncError);
        auto second = source.changes(100, 100, false);
        CHECK(ids(second) == expectedIds(101, 200));
        CHECK(feed.asked("since=100&") == 2);
    }
    source.readAhead(false);
}

TEST_CASE("without read-ahead a changes page asks for nothing more", "[sync][feed][readahead]") {
    ScriptedFeed feed(250);
    sync::RemoteEndpoint source(feed.url());
    auto first = source.changes(0, 100, true);
    CHECK(ids(first) == expectedIds(1, 100));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    CHECK(feed.targets().size() == 1);
}
