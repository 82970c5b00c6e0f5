// Checks the integration-test helpers themselves against real processes.
#include <catch2/catch.hpp>

#include "process.h"

using namespace kenes::test;

TEST_CASE("runCommand captures output, exit code and stdin", "[support]") {
    ProcessOptions options;
    options.stdinText = "hello from stdin";
    auto r = runCommand({"sh", "-c", "cat; echo; echo oops >&2; exit 3"}, options);
    CHECK(r.exitCode == 3);
    CHECK(r.out == "hello from stdin\n");
    CHECK(r.err == "oops\n");
}

TEST_CASE("ChildProcess stops what it started", "[support]") {
    ChildProcess sleeper({"sleep", "30"});
    CHECK(sleeper.running());
    CHECK(sleeper.stop(std::chrono::milliseconds(500)) == 128 + 15);
    CHECK_FALSE(sleeper.running());
}

TEST_CASE("PouchDB Server starts in memory on a free port and answers", "[support][pouchdb]") {
    PouchDbServer server;
    auto info = httpRequest(server.port(), "GET", "/");
    REQUIRE(info.status == 200);
    CHECK(info.body.find("\"version\":\"4.2.0\"") != std::string::npos);
    CHECK(httpRequest(server.port(), "PUT", "/probe").status == 201);
    auto doc = httpRequest(server.port(), "PUT", "/probe/a", R"({"x":1})");
    CHECK(doc.status == 201);
}
