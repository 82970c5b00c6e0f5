// The first-run sample loader (bundles → library, events and the user's own database), and the
// embedded sample content of data/sample: it loads, every text is in both languages, and every
// standard a session links exists.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "model_test_util.h"
#include "storage/sample_content.h"

using namespace kenes;
using storage::Json;

namespace {

std::string readFile(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

struct TestBundles {
    std::vector<std::string> contents;
    std::vector<storage::SampleFile> files;
    TestBundles() {
        const auto dir = std::filesystem::path(KENES_SOURCE_DIR) / "tests/storage/data/model_sample";
        for (const char* name : {"library.jsonl", "events.jsonl", "user.jsonl"})
            contents.push_back(readFile(dir / name));
        const char* names[] = {"library.jsonl", "events.jsonl", "user.jsonl"};
        for (size_t i = 0; i < contents.size(); ++i) files.push_back({names[i], contents[i]});
    }
};

// Every object of languages in `value` has non-empty "ru" and "en"; returns the first path that does not.
std::string untranslated(const Json& value, const std::string& path) {
    if (value.is_object()) {
        bool looksLocalized = !value.empty();
        for (auto& [k, v] : value.items()) looksLocalized = looksLocalized && k.size() == 2 && v.is_string();
        if (looksLocalized) {
            for (const char* lang : {"ru", "en"}) {
                auto it = value.find(lang);
                if (it == value.end() || it->get<std::string>().empty()) return path + " lacks " + lang;
            }
            return "";
        }
        for (auto& [k, v] : value.items())
            if (auto bad = untranslated(v, path + "." + k); !bad.empty()) return bad;
    } else if (value.is_array()) {
        for (size_t i = 0; i < value.size(); ++i)
            if (auto bad = untranslated(value[i], path + "[" + std::to_string(i) + "]"); !bad.empty())
                return bad;
    }
    return "";
}

}  // namespace

TEST_CASE("sample bundles load once and never overwrite the user's changes", "[model][sample]") {
    test::ModelFixture f;
    TestBundles bundles;
    storage::SampleLoadReport report;
    CHECK(storage::loadSampleBundles(*f.store, "anna", bundles.files, &report));
    CHECK(report.written == 6);
    REQUIRE(report.errors.size() == 1);  // the line that is not JSON, with its line number
    CHECK(report.errors[0].find("events.jsonl:3") != std::string::npos);
    const std::string userDb = storage::userDatabaseName("anna");
    CHECK(f.model.standards("en").size() == 2);
    CHECK(f.model.notes(userDb).size() == 1);
    CHECK(f.model.tasks(userDb).size() == 1);
    CHECK(f.model.sessionsOnDay("event:test-2019", "2019-07-25", "ru").size() == 1);

    // Second run: nothing happens.
    storage::SampleLoadReport again;
    CHECK_FALSE(storage::loadSampleBundles(*f.store, "anna", bundles.files, &again));
    CHECK(again.written == 0);

    // The user edits a note and deletes the task; a reload (marker removed) keeps both choices.
    auto user = f.db(userDb);
    Json note = user->get("note:welcome");
    note["title"] = "My own title";
    user->put(note);
    Json task = user->get("task:report");
    user->remove("task:report", task["_rev"].get<std::string>());
    for (auto name : {"library", "events"}) f.db(name)->removeLocal("kenes-sample");
    user->removeLocal("kenes-sample");
    storage::SampleLoadReport third;
    storage::loadSampleBundles(*f.store, "anna", bundles.files, &third);
    CHECK(third.written == 0);
    CHECK(third.kept == 6);
    CHECK(user->get("note:welcome")["title"] == "My own title");
    CHECK(f.model.tasks(userDb).empty());
}

TEST_CASE("the embedded sample content loads, is translated and links existing standards",
          "[model][sample]") {
    auto files = storage::embeddedSampleFiles();
    if (files.empty()) {
        WARN("data/sample has no bundles yet");
        return;
    }
    test::ModelFixture f;
    storage::SampleLoadReport report;
    CHECK(storage::loadSampleContentIfFirstRun(*f.store, "participant", &report));
    INFO(report.errors.size() << " errors, first: " << (report.errors.empty() ? "" : report.errors[0]));
    CHECK(report.errors.empty());
    CHECK(report.written > 0);
    CHECK(f.model.skippedDocuments().empty());
    for (auto& s : f.model.skippedDocuments()) FAIL_CHECK(s.id << ": " << s.reason);

    // No untranslated field in shared content.
    for (const char* dbName : {"library", "events"}) {
        auto db = f.store->database(dbName);
        storage::AllDocsOptions all;
        all.includeDocs = true;
        for (auto& row : db->allDocs(all).rows) {
            INFO(dbName << " / " << row.id);
            CHECK(untranslated(*row.doc, row.id) == "");
        }
    }
    // Every linked standard (and article) exists.
    for (auto& event : f.model.events("en")) {
        for (auto& day : f.model.agenda(event.id, "en")) {
            for (auto& s : day.sessions) {
                for (auto& link : s.standards) {
                    INFO(s.id << " links " << link);
                    auto hash = link.find('#');
                    auto standard = f.model.standard(link.substr(0, hash), "en");
                    REQUIRE(standard);
                    if (hash != std::string::npos) {
                        bool found = false;
                        for (auto& a : standard->articles) found = found || a.id == link.substr(hash + 1);
                        CHECK(found);
                    }
                }
                for (auto& sp : s.speakers) CHECK_FALSE(sp.name.empty());
            }
        }
    }
    CHECK_FALSE(storage::loadSampleContentIfFirstRun(*f.store, "participant"));
}
