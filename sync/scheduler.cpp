// Scheduler: one background thread deciding when each subscription syncs (see scheduler.h).
#include "sync/scheduler.h"

#include <random>

namespace kenes::sync {

std::vector<Subscription> defaultSubscriptions(const std::string& userName) {
    std::vector<Subscription> subs = {{"library", "library", Direction::Pull},
                                      {"events", "events", Direction::Pull}};
    if (!userName.empty()) {
        std::string userdb = storage::userDatabaseName(userName);
        subs.push_back({userdb, userdb, Direction::PullAndPush});
    }
    return subs;
}

const char* toString(SyncState state) {
    switch (state) {
        case SyncState::Idle:
            return "idle";
        case SyncState::Syncing:
            return "syncing";
        case SyncState::UpToDate:
            return "up to date";
        case SyncState::Offline:
            return "offline";
        case SyncState::Error:
            return "error";
        case SyncState::NeedsCredentials:
            return "needs credentials";
    }
    return "?";
}

Scheduler::Scheduler(storage::Store& store, SchedulerConfig config)
    : m_store(store), m_config(std::move(config)) {
    while (!m_config.serverUrl.empty() && m_config.serverUrl.back() == '/') m_config.serverUrl.pop_back();
    for (const auto& sub : m_config.subscriptions) {
        Slot slot;
        slot.status.subscription = sub;
        std::string display = m_config.serverUrl;
        auto scheme = display.find("://");
        auto at = display.find('@');
        if (scheme != std::string::npos && at != std::string::npos)
            display = display.substr(0, scheme + 3) + display.substr(at + 1);
        slot.status.remoteUrl = display + "/" + sub.remoteDb;
        m_slots.push_back(std::move(slot));
    }
}

Scheduler::~Scheduler() {
    stop();
}

void Scheduler::touch() {
    ++m_generation;
    m_changed.notify_all();
}

std::chrono::milliseconds Scheduler::jittered(std::chrono::milliseconds base) {
    static thread_local std::mt19937 rng{std::random_device{}()};
    std::uniform_real_distribution<double> jitter(0.5, 1.5);
    return std::chrono::milliseconds(int64_t(double(base.count()) * jitter(rng)));
}

void Scheduler::start() {
    std::lock_guard lock(m_mutex);
    if (m_thread.joinable()) return;
    m_stop = false;
    m_online = true;  // assume so until a sync says otherwise
    for (auto& slot : m_slots) slot.due = Clock::now();
    m_thread = std::thread([this] { loop(); });
    touch();
}

void Scheduler::stop() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        if (m_current) m_current->cancel();
        if (m_probeClient) m_probeClient->cancel();
        m_wake.notify_all();
    }
    if (m_thread.joinable()) m_thread.join();
    std::lock_guard lock(m_mutex);
    touch();
}

void Scheduler::syncNow() {
    std::lock_guard lock(m_mutex);
    for (auto& slot : m_slots) {
        if (slot.status.state == SyncState::NeedsCredentials) continue;
        slot.due = Clock::now();
        slot.backoff = std::chrono::milliseconds(0);
    }
    m_probeAt = Clock::now();
    m_probeBackoff = std::chrono::milliseconds(0);
    m_kick = true;
    m_wake.notify_all();
}

void Scheduler::notifyLocalChange(const std::string& localDb) {
    std::lock_guard lock(m_mutex);
    for (auto& slot : m_slots)
        if (slot.status.subscription.localDb == localDb &&
            slot.status.subscription.direction != Direction::Pull && !slot.changedAt)
            slot.changedAt = Clock::now();
    m_kick = true;
    m_wake.notify_all();
}

void Scheduler::setCredentials(const std::string& user, const std::string& password) {
    std::lock_guard lock(m_mutex);
    m_config.http.user = user;
    m_config.http.password = password;
    for (auto& slot : m_slots) {
        if (slot.status.state != SyncState::NeedsCredentials) continue;
        slot.status.state = SyncState::Idle;
        slot.status.error.clear();
        slot.status.httpStatus = 0;
        slot.due = Clock::now();
    }
    m_kick = true;
    m_wake.notify_all();
    touch();
}

SchedulerStatus Scheduler::status() const {
    std::lock_guard lock(m_mutex);
    SchedulerStatus out;
    out.online = m_online;
    out.failedProbes = m_probes;
    out.running = m_thread.joinable() && !m_stop;
    out.generation = m_generation.load();
    for (const auto& slot : m_slots) out.subscriptions.push_back(slot.status);
    if (m_current) {
        for (auto& s : out.subscriptions) {
            if (s.state != SyncState::Syncing) continue;
            auto p = m_current->progress();
            s.docsRead += p.docsRead;
            s.docsWritten += p.docsWritten;
            s.docFailures += p.docFailures;
            s.pending = p.pending;
        }
    }
    return out;
}

uint64_t Scheduler::waitForStatusChange(uint64_t seen, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, timeout, [&] { return m_generation.load() != seen; });
    return m_generation.load();
}

bool Scheduler::probe() {
    HttpOptions options;
    {
        std::lock_guard lock(m_mutex);
        options = m_config.http;
    }
    options.connectTimeout = m_config.probeTimeout;
    options.totalTimeout = m_config.probeTimeout;
    try {
        HttpClient client(m_config.serverUrl, options);
        {
            std::lock_guard lock(m_mutex);
            if (m_stop) return false;
            m_probeClient = &client;
        }
        bool reachable = false;
        try {
            reachable = client.request("GET", "/").status > 0;
        } catch (const SyncError&) {
        }
        std::lock_guard lock(m_mutex);
        m_probeClient = nullptr;
        return reachable;
    } catch (const SyncError&) {
        return false;
    }
}

void Scheduler::syncOne(size_t index) {
    Subscription sub;
    HttpOptions http;
    {
        std::lock_guard lock(m_mutex);
        auto& st = m_slots[index].status;
        st.state = SyncState::Syncing;
        st.docsRead = st.docsWritten = st.docFailures = 0;
        st.pending.reset();
        st.nextAttempt.reset();
        sub = st.subscription;
        http = m_config.http;
        touch();
    }
    auto finish = [&](auto&& apply) {
        std::lock_guard lock(m_mutex);
        m_current = nullptr;
        apply(m_slots[index]);
        touch();
    };
    try {
        auto db = m_store.database(sub.localDb, true);
        LocalEndpoint local(db);
        std::string url = m_config.serverUrl + "/" + sub.remoteDb;
        auto runOne = [&](Endpoint& source, Endpoint& target) {
            Replicator replicator(source, target, m_config.replication);
            {
                std::lock_guard lock(m_mutex);
                if (m_stop) throw SyncError(ErrorKind::Cancelled, "stopped");
                m_current = &replicator;
            }
            ReplicationResult result;
            try {
                result = replicator.run();
            } catch (...) {
                std::lock_guard lock(m_mutex);
                m_current = nullptr;
                throw;
            }
            std::lock_guard lock(m_mutex);
            m_current = nullptr;
            auto& st = m_slots[index].status;
            st.docsRead += result.progress.docsRead;
            st.docsWritten += result.progress.docsWritten;
            st.docFailures += result.progress.docFailures;
            st.pending = result.progress.pending;
            touch();
        };
        if (sub.direction != Direction::Push) {
            RemoteEndpoint remote(url, http);
            runOne(remote, local);
        }
        if (sub.direction != Direction::Pull) {
            RemoteEndpoint remote(url, http);
            runOne(local, remote);
        }
        uint64_t seq = db->info().updateSeq;
        finish([&](Slot& slot) {
            m_online = true;
            m_probeBackoff = std::chrono::milliseconds(0);
            slot.status.state = SyncState::UpToDate;
            slot.status.error.clear();
            slot.status.httpStatus = 0;
            slot.status.lastSuccess = std::chrono::system_clock::now();
            slot.backoff = std::chrono::milliseconds(0);
            slot.due = Clock::now() + m_config.periodic;
            slot.status.nextAttempt = slot.status.lastSuccess.value() + m_config.periodic;
            slot.pushedSeq = seq;
            slot.changedAt.reset();
        });
    } catch (const SyncError& e) {
        finish([&](Slot& slot) {
            slot.status.error = e.what();
            slot.status.httpStatus = e.status();
            if (e.kind() == ErrorKind::Cancelled) {
                slot.status.state = SyncState::Idle;
                slot.status.error.clear();
            } else if (e.kind() == ErrorKind::Auth) {
                slot.status.state = SyncState::NeedsCredentials;
                slot.due = Clock::time_point::max();
                slot.status.nextAttempt.reset();
            } else if (e.offline()) {
                m_online = false;
                m_probeBackoff =
                    std::min(m_config.backoffMax,
                             m_probeBackoff.count() ? m_probeBackoff * 2 : m_config.backoffInitial);
                m_probeAt = Clock::now() + jittered(m_probeBackoff);
                for (auto& other : m_slots)
                    if (other.status.state != SyncState::NeedsCredentials &&
                        other.status.state != SyncState::Syncing)
                        other.status.state = SyncState::Offline;
                slot.status.state = SyncState::Offline;
                slot.status.nextAttempt =
                    std::chrono::system_clock::now() +
                    std::chrono::duration_cast<std::chrono::system_clock::duration>(m_probeAt - Clock::now());
            } else {
                slot.status.state = SyncState::Error;
                slot.backoff = std::min(m_config.backoffMax,
                                        slot.backoff.count() ? slot.backoff * 2 : m_config.backoffInitial);
                auto wait = jittered(slot.backoff);
                slot.due = Clock::now() + wait;
                slot.status.nextAttempt = std::chrono::system_clock::now() + wait;
            }
        });
    } catch (const std::exception& e) {
        finish([&](Slot& slot) {
            slot.status.state = SyncState::Error;
            slot.status.error = std::string("local store: ") + e.what();
            slot.backoff = std::min(m_config.backoffMax,
                                    slot.backoff.count() ? slot.backoff * 2 : m_config.backoffInitial);
            slot.due = Clock::now() + jittered(slot.backoff);
        });
    }
}

void Scheduler::loop() {
    std::unique_lock lock(m_mutex);
    while (!m_stop) {
        // Local edits: a push subscription whose database moved on is due after the debounce.
        std::vector<std::pair<size_t, std::string>> watch;
        for (size_t i = 0; i < m_slots.size(); ++i)
            if (m_slots[i].status.subscription.direction != Direction::Pull)
                watch.emplace_back(i, m_slots[i].status.subscription.localDb);
        lock.unlock();
        std::vector<std::pair<size_t, uint64_t>> seqs;
        for (auto& [i, name] : watch) {
            try {
                if (m_store.hasDatabase(name)) seqs.emplace_back(i, m_store.database(name)->info().updateSeq);
            } catch (const std::exception&) {
            }
        }
        lock.lock();
        auto now = Clock::now();
        for (auto& [i, seq] : seqs) {
            auto& slot = m_slots[i];
            if (seq > slot.pushedSeq && !slot.changedAt && slot.status.state != SyncState::Syncing &&
                slot.status.lastSuccess)
                slot.changedAt = now;
        }
        for (auto& slot : m_slots)
            if (slot.changedAt && now - *slot.changedAt >= m_config.debounce &&
                slot.status.state != SyncState::NeedsCredentials) {
                slot.due = std::min(slot.due, now);
                slot.changedAt.reset();
            }

        if (!m_online && m_probeAt <= now) {
            lock.unlock();
            bool reachable = probe();
            lock.lock();
            now = Clock::now();
            if (reachable) {
                m_online = true;
                for (auto& slot : m_slots)
                    if (slot.status.state != SyncState::NeedsCredentials) slot.due = now;
            } else {
                m_probeBackoff =
                    std::min(m_config.backoffMax,
                             m_probeBackoff.count() ? m_probeBackoff * 2 : m_config.backoffInitial);
                m_probeAt = now + jittered(m_probeBackoff);
                ++m_probes;
                auto next = std::chrono::system_clock::now() +
                            std::chrono::duration_cast<std::chrono::system_clock::duration>(m_probeAt - now);
                for (auto& slot : m_slots)
                    if (slot.status.state == SyncState::Offline) slot.status.nextAttempt = next;
            }
            touch();
        }

        if (m_online) {
            size_t next = m_slots.size();
            for (size_t i = 0; i < m_slots.size(); ++i)
                if (m_slots[i].status.state != SyncState::NeedsCredentials && m_slots[i].due <= now) {
                    next = i;
                    break;
                }
            if (next < m_slots.size()) {
                lock.unlock();
                syncOne(next);
                lock.lock();
                continue;
            }
        }

        auto wake = now + m_config.localPoll;
        if (m_online) {
            for (auto& slot : m_slots)
                if (slot.status.state != SyncState::NeedsCredentials) wake = std::min(wake, slot.due);
        } else {
            wake = std::min(wake, m_probeAt);
        }
        for (auto& slot : m_slots)
            if (slot.changedAt) wake = std::min(wake, *slot.changedAt + m_config.debounce);
        m_wake.wait_until(lock, wake, [&] { return m_stop || m_kick; });
        m_kick = false;
    }
}

}  // namespace kenes::sync
