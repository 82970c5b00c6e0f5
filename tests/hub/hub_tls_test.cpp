// `kenes hub --tls-cert F --tls-key F` over HTTPS with a self-signed certificate made by the test
// (openssl): certificate checks are on by default and refuse it; `insecure` (the --insecure opt-in
// for venue hubs) accepts it; the Kenes replicator pushes and pulls over TLS; plain HTTP to the TLS
// port gets no document; half-configured TLS is refused at start with a clear sentence.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <thread>

#include "hub/hub_fixture.h"
#include "storage/store.h"
#include "sync/endpoint.h"
#include "sync/http_client.h"
#include "sync/replicator.h"
#include "sync/sync_error.h"

using namespace kenes::test;
using namespace kenes;
using Json = nlohmann::json;

namespace {
struct TlsFiles {
    std::filesystem::path cert, key;
};

TlsFiles makeSelfSigned(const std::filesystem::path& dir) {
    TlsFiles f{dir / "hub.crt", dir / "hub.key"};
    auto r = runCommand({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                         "/CN=127.0.0.1", "-keyout", f.key.string(), "-out", f.cert.string()});
    INFO(r.out << r.err);
    REQUIRE(r.exitCode == 0);
    return f;
}

// Polls GET / over HTTPS (certificate not checked) until the hub answers.
bool waitForHttps(const std::string& url, std::chrono::seconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        try {
            sync::HttpOptions o;
            o.insecure = true;
            o.connectTimeout = std::chrono::milliseconds(1000);
            sync::HttpClient client(url, o);
            if (client.request("GET", "/").status == 200) return true;
        } catch (const sync::SyncError&) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}
}  // namespace

TEST_CASE("the hub serves HTTPS; certificate checks are on unless the user opts out", "[hub][tls]") {
    TempDir dir("kenes-hub-tls");
    auto files = makeSelfSigned(dir.path());
    auto hubData = dir.path() / "hub";
    REQUIRE(addHubUser(hubData, "olga", "organizer", "org-secret").exitCode == 0);

    int port = freePort();
    ProcessOptions options;
    options.output = dir.path() / "hub.log";
    ChildProcess hub({kenesExe().string(), "--data", hubData.string(), "hub", "--port", std::to_string(port),
                      "--tls-cert", files.cert.string(), "--tls-key", files.key.string()},
                     options);
    std::string url = "https://127.0.0.1:" + std::to_string(port);
    REQUIRE(waitForHttps(url, std::chrono::seconds(20)));

    SECTION("the default client refuses the self-signed certificate") {
        sync::HttpClient strict(url);
        try {
            strict.request("GET", "/");
            FAIL("a self-signed certificate was accepted with checks on");
        } catch (const sync::SyncError& e) {
            INFO(e.what());
            CHECK(e.kind() == sync::ErrorKind::Tls);
            CHECK_FALSE(e.retryable());
        }
    }

    SECTION("plain HTTP to the TLS port reads no document") {
        auto reply = httpRequest(port, "GET", "/_all_dbs", "", authHeaders("olga", "org-secret"));
        CHECK(reply.status != 200);
    }

    SECTION("the replicator pushes and pulls over TLS with the opt-in") {
        auto storeA = storage::Store::open(dir.path() / "a");
        auto storeB = storage::Store::open(dir.path() / "b");
        auto a = storeA->database("events", true);
        auto b = storeB->database("events", true);
        for (int i = 0; i < 50; ++i)
            a->put(Json{{"_id", "session/" + std::to_string(i)}, {"title", "Сессия " + std::to_string(i)}});
        sync::HttpOptions http;
        http.insecure = true;
        http.user = "olga";
        http.password = "org-secret";
        sync::ReplicationOptions ro;
        ro.createTarget = true;
        ro.maxAttempts = 3;
        {
            sync::LocalEndpoint source(a);
            sync::RemoteEndpoint target(url + "/events", http);
            CHECK(sync::Replicator(source, target, ro).run().complete());
        }
        {
            sync::RemoteEndpoint source(url + "/events", http);
            sync::LocalEndpoint target(b);
            auto r = sync::Replicator(source, target, ro).run();
            CHECK(r.complete());
            CHECK(r.progress.docsWritten == 50);
        }
        CHECK(b->info().docCount == 50);
        CHECK(b->get("session/7")["title"] == "Сессия 7");

        sync::HttpOptions noAuth;
        noAuth.insecure = true;
        sync::HttpClient anonymous(url, noAuth);
        CHECK(anonymous.request("GET", "/events").status == 401);
    }
}

TEST_CASE("the hub refuses TLS with a certificate but no key, with a sentence", "[hub][tls]") {
    TempDir dir("kenes-hub-tls-half");
    auto files = makeSelfSigned(dir.path());
    auto r = runCommand({kenesExe().string(), "--data", (dir.path() / "hub").string(), "hub", "--port",
                         std::to_string(freePort()), "--tls-cert", files.cert.string()});
    CHECK(r.exitCode != 0);
    CHECK((r.out + r.err).find("--tls-key") != std::string::npos);

    std::ofstream(dir.path() / "broken.key") << "not a key\n";
    r = runCommand({kenesExe().string(), "--data", (dir.path() / "hub").string(), "hub", "--port",
                    std::to_string(freePort()), "--tls-cert", files.cert.string(), "--tls-key",
                    (dir.path() / "broken.key").string()});
    CHECK(r.exitCode != 0);
    CHECK((r.out + r.err).find("could not be loaded") != std::string::npos);
}
