// Sessions, login throttling and database access rules (see access.h).
#include "hub/access.h"

#include <sodium.h>

#include <algorithm>

namespace kenes::hub {

std::string SessionTable::create(const std::string& userName) {
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char b64[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    std::string token(b64);
    auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(m_mutex);
    if (m_sessions.size() > 100000)
        std::erase_if(m_sessions, [&](const auto& kv) { return kv.second.expires < now; });
    m_sessions[token] = Entry{userName, now + m_lifetime};
    return token;
}

std::optional<std::string> SessionTable::find(const std::string& token) {
    std::lock_guard lock(m_mutex);
    auto it = m_sessions.find(token);
    if (it == m_sessions.end()) return std::nullopt;
    if (it->second.expires < std::chrono::steady_clock::now()) {
        m_sessions.erase(it);
        return std::nullopt;
    }
    return it->second.user;
}

void SessionTable::erase(const std::string& token) {
    std::lock_guard lock(m_mutex);
    m_sessions.erase(token);
}

int LoginThrottle::wait(const Entry& e, std::chrono::steady_clock::time_point now) const {
    if (e.failures < kFreeAttempts) return 0;
    int shift = std::min(e.failures - kFreeAttempts, 6);
    auto lock = std::chrono::seconds(5 << shift);  // 5 s doubling up to 320 s
    auto until = e.last + lock;
    if (until <= now) return 0;
    return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(until - now).count()) + 1;
}

int LoginThrottle::retryAfter(const std::string& user, const std::string& address) {
    auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(m_mutex);
    int w = 0;
    for (const auto& key : {"u:" + user, "a:" + address}) {
        auto it = m_entries.find(key);
        if (it != m_entries.end()) w = std::max(w, wait(it->second, now));
    }
    return w;
}

void LoginThrottle::failed(const std::string& user, const std::string& address) {
    auto now = std::chrono::steady_clock::now();
    std::lock_guard lock(m_mutex);
    if (m_entries.size() > 100000)
        std::erase_if(m_entries,
                      [&](const auto& kv) { return now - kv.second.last > std::chrono::minutes(10); });
    for (const auto& key : {"u:" + user, "a:" + address}) {
        Entry& e = m_entries[key];
        if (now - e.last > std::chrono::minutes(10)) e.failures = 0;
        ++e.failures;
        e.last = now;
    }
}

void LoginThrottle::succeeded(const std::string& user, const std::string& address) {
    std::lock_guard lock(m_mutex);
    m_entries.erase("u:" + user);
    m_entries.erase("a:" + address);
}

namespace {
bool listed(const storage::Json& group, const Account& user) {
    if (!group.is_object()) return false;
    auto names = group.value("names", storage::Json::array());
    auto roles = group.value("roles", storage::Json::array());
    if (names.is_array())
        for (const auto& n : names)
            if (n.is_string() && n.get<std::string>() == user.name) return true;
    if (roles.is_array())
        for (const auto& r : roles)
            if (r.is_string() && r.get<std::string>() == roleName(user.role)) return true;
    return false;
}
bool emptyGroup(const storage::Json& group) {
    if (!group.is_object()) return true;
    auto names = group.value("names", storage::Json::array());
    auto roles = group.value("roles", storage::Json::array());
    return (!names.is_array() || names.empty()) && (!roles.is_array() || roles.empty());
}
}  // namespace

Access databaseAccess(const std::optional<Account>& user, const std::string& database,
                      const storage::Json& security) {
    if (!user || database == AccountStore::kDatabase) return Access::None;
    if (database.rfind("userdb-", 0) == 0)
        return database == storage::userDatabaseName(user->name) ? Access::Admin : Access::None;
    if (user->role == Role::Organizer) return Access::Admin;
    storage::Json admins =
        security.is_object() ? security.value("admins", storage::Json::object()) : storage::Json();
    storage::Json members =
        security.is_object() ? security.value("members", storage::Json::object()) : storage::Json();
    if (listed(admins, *user)) return Access::Write;
    if (emptyGroup(members)) return Access::Read;
    if (!listed(members, *user)) return Access::None;
    if (database == "library" || database == "events") return Access::Read;
    return Access::Write;
}

}  // namespace kenes::hub
