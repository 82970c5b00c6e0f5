// First-run loading of the embedded sample content (see sample_content.h).
#include "storage/sample_content.h"

#include <chrono>

#include "storage/time_zone.h"

namespace kenes::storage {

namespace {

constexpr const char* kMarker = "kenes-sample";

std::string targetDatabase(std::string_view fileName, const std::string& userName) {
    std::string base(fileName.substr(0, fileName.rfind('.')));
    if (base == "user") return userDatabaseName(userName);
    return base;
}

struct ParsedLine {
    size_t line;
    Json doc;
};

}  // namespace

bool loadSampleBundles(Store& store, const std::string& userName, const std::vector<SampleFile>& files,
                       SampleLoadReport* report) {
    SampleLoadReport local;
    SampleLoadReport& r = report ? *report : local;
    bool loaded = false;
    for (const auto& file : files) {
        if (file.name.size() < 7 || file.name.substr(file.name.size() - 6) != ".jsonl") continue;
        const std::string dbName = targetDatabase(file.name, userName);
        if (!isValidDatabaseName(dbName)) {
            r.errors.push_back(std::string(file.name) + ": '" + dbName + "' is not a valid database name");
            continue;
        }
        auto db = store.database(dbName, true);
        if (db->getLocal(kMarker)) continue;

        std::vector<ParsedLine> docs;
        size_t lineNo = 0;
        size_t pos = 0;
        while (pos < file.content.size()) {
            size_t end = file.content.find('\n', pos);
            if (end == std::string_view::npos) end = file.content.size();
            std::string_view line = file.content.substr(pos, end - pos);
            pos = end + 1;
            ++lineNo;
            while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
            if (line.empty()) continue;
            Json row = Json::parse(line, nullptr, false);
            const std::string where = std::string(file.name) + ":" + std::to_string(lineNo) + ": ";
            if (!row.is_object() || !row.contains("id") || !row["id"].is_string() || !row.contains("body") ||
                !row["body"].is_object()) {
                r.errors.push_back(where + "not a bundle line {\"id\", \"body\"}");
                continue;
            }
            if (row.value("deleted", false)) continue;
            Json doc = row["body"];
            doc.erase("_rev");
            doc["_id"] = row["id"];
            docs.push_back(ParsedLine{lineNo, std::move(doc)});
        }

        // Documents that exist (live or deleted) are the user's business: leave them.
        AllDocsOptions ask;
        ask.keys = std::vector<std::string>();
        for (auto& d : docs) ask.keys->push_back(d.doc["_id"].get<std::string>());
        std::map<std::string, bool> exists;
        if (!ask.keys->empty())
            for (auto& row : db->allDocs(ask).rows) exists[row.id] = row.error.empty();
        std::vector<Json> batch;
        std::vector<size_t> batchLines;
        for (auto& d : docs) {
            if (exists[d.doc["_id"].get<std::string>()]) {
                ++r.kept;
                continue;
            }
            batch.push_back(d.doc);
            batchLines.push_back(d.line);
        }
        if (!batch.empty()) {
            auto results = db->bulkDocs(batch, true);
            for (size_t i = 0; i < results.size(); ++i) {
                if (results[i].ok()) {
                    ++r.written;
                    loaded = true;
                } else {
                    r.errors.push_back(std::string(file.name) + ":" + std::to_string(batchLines[i]) + ": " +
                                       results[i].id + ": " + results[i].reason);
                }
            }
        }
        const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        db->putLocal(kMarker, Json{{"file", std::string(file.name)},
                                   {"loaded", formatUtcInstant(now)},
                                   {"documents", batch.size()}});
    }
    return loaded;
}

bool loadSampleContentIfFirstRun(Store& store, const std::string& userName, SampleLoadReport* report) {
    return loadSampleBundles(store, userName, embeddedSampleFiles(), report);
}

}  // namespace kenes::storage
