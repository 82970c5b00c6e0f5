#include "app/core/sync_service.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "app/core/i18n.h"

namespace kenes::app {

namespace {

std::string readWholeFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(std::strerror(errno));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Writes `text` to `path` through a temporary file created with `mode`, then renames it over the
// old file, so a crash leaves the old or the new content. Throws std::runtime_error.
void writeFileAtomically(const std::filesystem::path& path, const std::string& text, mode_t mode) {
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    ::unlink(tmp.c_str());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) throw std::runtime_error(path.string() + ": " + std::strerror(errno));
    ::fchmod(fd, mode);  // the umask may have narrowed it further; never wider than asked
    size_t written = 0;
    while (written < text.size()) {
        ssize_t n = ::write(fd, text.data() + written, text.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int e = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw std::runtime_error(path.string() + ": " + std::strerror(e));
        }
        written += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        ::unlink(tmp.c_str());
        throw std::runtime_error(path.string() + ": " + std::strerror(errno));
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        throw std::runtime_error(path.string() + ": " + std::strerror(e));
    }
}

}  // namespace

const char* validateServerUrl(const std::string& url) {
    std::string rest;
    if (url.rfind("http://", 0) == 0) {
        rest = url.substr(7);
    } else if (url.rfind("https://", 0) == 0) {
        rest = url.substr(8);
    } else {
        return N_("The server address must start with http:// or https://.");
    }
    std::string host = rest.substr(0, rest.find('/'));
    if (host.empty()) return N_("The server address has no host name.");
    if (host.find('@') != std::string::npos)
        return N_("Put the user name and password in their own fields, not in the address.");
    for (char c : url)
        if (c == ' ' || c == '?' || c == '#' || static_cast<unsigned char>(c) < 0x20)
            return N_("The server address may not contain spaces, '?' or '#'.");
    return "";
}

SyncService::SyncService(storage::Store& store, EventBus& bus, std::filesystem::path dataDir,
                         std::string localUserDb)
    : m_store(store), m_bus(bus), m_dataDir(std::move(dataDir)), m_localUserDb(std::move(localUserDb)) {
    m_bus.subscribe<SyncStatusChanged>([this](const SyncStatusChanged&) { takeStatus(); });
    load();
}

SyncService::~SyncService() {
    shutdown();
}

void SyncService::shutdown() {
    stop();
    for (auto& f : m_retiring) f.wait();
    m_retiring.clear();
}

void SyncService::load() {
    m_config = {};
    m_password.clear();
    m_configError.clear();
    std::error_code ec;
    if (!std::filesystem::exists(configPath(), ec)) return;
    try {
        auto j = nlohmann::json::parse(readWholeFile(configPath()));
        if (!j.is_object() || !j.contains("server") || !j["server"].is_string())
            throw std::runtime_error("\"server\" is missing");
        SyncConfig c;
        c.serverUrl = j["server"].get<std::string>();
        c.user = j.value("user", std::string());
        c.insecure = j.value("insecure", false);
        if (const char* problem = validateServerUrl(c.serverUrl); *problem) throw std::runtime_error(problem);
        m_config = c;
    } catch (const std::exception& e) {
        m_configError = configPath().string() + ": " + e.what();
        return;
    }
    if (std::filesystem::exists(passwordPath(), ec)) {
        try {
            // A password file others may read is narrowed to the owner before it is used.
            struct stat st {};
            if (::stat(passwordPath().c_str(), &st) == 0 && (st.st_mode & 077) != 0)
                ::chmod(passwordPath().c_str(), 0600);
            m_password = readWholeFile(passwordPath());
            while (!m_password.empty() && (m_password.back() == '\n' || m_password.back() == '\r'))
                m_password.pop_back();
        } catch (const std::exception& e) {
            m_configError = passwordPath().string() + ": " + e.what();
        }
    }
}

uint64_t SyncService::localSeq(const std::string& db) {
    try {
        if (m_store.hasDatabase(db)) return m_store.database(db)->info().updateSeq;
    } catch (const std::exception&) {
    }
    return 0;
}

void SyncService::start() {
    if (m_running || !configured()) return;
    sync::SchedulerConfig sc;
    sc.serverUrl = m_config.serverUrl;
    sc.http.user = m_config.user;
    sc.http.password = m_password;
    sc.http.insecure = m_config.insecure;
    sc.subscriptions = sync::defaultSubscriptions(m_config.user);
    // The server account's database is kept in step with this device's own notes database.
    for (auto& sub : sc.subscriptions)
        if (sub.direction == sync::Direction::PullAndPush) sub.localDb = m_localUserDb;
    if (m_tuning) m_tuning(sc);
    m_seqs.clear();
    for (const auto& sub : sc.subscriptions) m_seqs[sub.localDb] = localSeq(sub.localDb);
    m_running = std::make_unique<Running>();
    m_running->scheduler = std::make_unique<sync::Scheduler>(m_store, std::move(sc));
    m_running->epoch = ++m_epoch;
    m_status = m_running->scheduler->status();
    ++m_statusRevision;
    m_running->scheduler->start();
    Running* running = m_running.get();
    m_running->watcher = std::thread([this, running] { watch(*running); });
}

void SyncService::stop() {
    std::erase_if(m_retiring, [](std::future<void>& f) {
        return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
    });
    if (!m_running) return;
    m_running->stop = true;
    m_retiring.push_back(std::async(std::launch::async, [running = std::move(m_running)] {
        running->scheduler->stop();  // bumps the generation, which wakes the watcher
        if (running->watcher.joinable()) running->watcher.join();
    }));
    {
        std::lock_guard lock(m_handOverMutex);
        m_handOver.reset();
    }
    m_status = {};
    ++m_statusRevision;
}

void SyncService::watch(Running& running) {
    uint64_t seen = 0;
    bool syncing = false;
    while (!running.stop) {
        auto timeout = syncing ? std::chrono::milliseconds(250) : std::chrono::milliseconds(2000);
        uint64_t generation = running.scheduler->waitForStatusChange(seen, timeout);
        if (running.stop) break;
        if (generation == seen && !syncing) continue;
        seen = generation;
        auto status = running.scheduler->status();
        syncing = false;
        for (const auto& s : status.subscriptions) syncing = syncing || s.state == sync::SyncState::Syncing;
        {
            std::lock_guard lock(m_handOverMutex);
            m_handOver.emplace(running.epoch, std::move(status));
        }
        m_bus.postFromAnyThread(SyncStatusChanged{});
    }
}

void SyncService::takeStatus() {
    std::optional<std::pair<uint64_t, sync::SchedulerStatus>> handOver;
    {
        std::lock_guard lock(m_handOverMutex);
        handOver.swap(m_handOver);
    }
    // A snapshot of a scheduler stopped meanwhile is dropped.
    if (!handOver || !m_running || handOver->first != m_running->epoch) return;
    applyStatus(std::move(handOver->second));
}

bool SyncService::waitUntilSettled(std::chrono::milliseconds timeout) {
    if (!m_running) return false;
    sync::Scheduler& scheduler = *m_running->scheduler;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto status = scheduler.status();
        bool settled = !status.subscriptions.empty();
        for (const auto& s : status.subscriptions)
            settled = settled && s.state != sync::SyncState::Idle && s.state != sync::SyncState::Syncing;
        uint64_t generation = status.generation;
        applyStatus(std::move(status));
        auto now = std::chrono::steady_clock::now();
        if (settled) return true;
        if (now >= deadline) return false;
        // Counts of a running replication move without a new generation: look again soon.
        auto wait = std::min(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
                             std::chrono::milliseconds(200));
        scheduler.waitForStatusChange(generation, wait);
    }
}

void SyncService::applyStatus(sync::SchedulerStatus status) {
    m_status = std::move(status);
    ++m_statusRevision;
    // A finished sync that wrote into a local database: the views reload what they show.
    bool changed = false;
    for (const auto& s : m_status.subscriptions) {
        if (s.state == sync::SyncState::Syncing) continue;
        uint64_t seq = localSeq(s.subscription.localDb);
        auto& known = m_seqs[s.subscription.localDb];
        if (seq != known) {
            known = seq;
            changed = true;
        }
    }
    if (changed) m_bus.post(DataChanged{});
}

std::string SyncService::configure(const SyncConfig& input, const std::optional<std::string>& password) {
    SyncConfig c = input;
    auto trim = [](std::string& s) {
        while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
        while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.erase(s.begin());
    };
    trim(c.serverUrl);
    trim(c.user);
    while (!c.serverUrl.empty() && c.serverUrl.back() == '/') c.serverUrl.pop_back();
    if (const char* problem = validateServerUrl(c.serverUrl); *problem) return tr(problem);
    if (password && password->find('\n') != std::string::npos)
        return tr("The password may not contain a line break.");
    nlohmann::json j = {{"server", c.serverUrl}, {"user", c.user}, {"insecure", c.insecure}};
    try {
        std::filesystem::create_directories(m_dataDir);
        if (password) {
            if (password->empty()) {
                std::error_code ec;
                std::filesystem::remove(passwordPath(), ec);
            } else {
                writeFileAtomically(passwordPath(), *password, 0600);
            }
        }
        writeFileAtomically(configPath(), j.dump(2) + "\n", 0644);
    } catch (const std::exception& e) {
        return std::string(tr("The settings could not be saved")) + ": " + e.what();
    }
    stop();
    m_config = c;
    if (password) m_password = *password;
    m_configError.clear();
    start();
    return "";
}

void SyncService::forget() {
    stop();
    std::error_code ec;
    std::filesystem::remove(configPath(), ec);
    std::filesystem::remove(passwordPath(), ec);
    m_config = {};
    m_password.clear();
    m_configError.clear();
}

void SyncService::syncNow() {
    if (m_running) m_running->scheduler->syncNow();
}

}  // namespace kenes::app
