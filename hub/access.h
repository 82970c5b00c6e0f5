// Authentication state and authorisation rules of the hub.
// - SessionTable: random AuthSession tokens (256 bits) held in memory with an expiry; logging
//   out or restarting the hub invalidates them. Thread-safe.
// - LoginThrottle: failed logins counted per user name and per client address; after
//   kFreeAttempts failures a key is locked out for a growing delay. Thread-safe.
// - databaseAccess(): what an account may do with a database (pure function).
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "hub/accounts.h"
#include "storage/store.h"

namespace kenes::hub {

class SessionTable {
public:
    explicit SessionTable(std::chrono::seconds lifetime) : m_lifetime(lifetime) {}
    std::string create(const std::string& userName);
    std::optional<std::string> find(const std::string& token);  // the user name while valid
    void erase(const std::string& token);
    std::chrono::seconds lifetime() const { return m_lifetime; }

private:
    struct Entry {
        std::string user;
        std::chrono::steady_clock::time_point expires;
    };
    std::chrono::seconds m_lifetime;
    std::mutex m_mutex;
    std::map<std::string, Entry> m_sessions;
};

class LoginThrottle {
public:
    static constexpr int kFreeAttempts = 5;
    // Seconds the caller must wait before trying again (0: allowed now).
    int retryAfter(const std::string& user, const std::string& address);
    void failed(const std::string& user, const std::string& address);
    void succeeded(const std::string& user, const std::string& address);

private:
    struct Entry {
        int failures = 0;
        std::chrono::steady_clock::time_point last;
    };
    int wait(const Entry& e, std::chrono::steady_clock::time_point now) const;
    std::mutex m_mutex;
    std::map<std::string, Entry> m_entries;
};

enum class Access { None = 0, Read = 1, Write = 2, Admin = 3 };

// Rules: userdb-<hex> belongs to its account alone (not even organisers); the accounts database is
// never served; organisers administer every other database; `_security.admins` (names/roles) may
// write; `_security.members` lists readers (an empty list: every account reads); `library` and
// `events` are written by organisers and admins only, other databases also by listed members.
Access databaseAccess(const std::optional<Account>& user, const std::string& database,
                      const storage::Json& security);

}  // namespace kenes::hub
