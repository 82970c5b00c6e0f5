// Hub accounts over the Store API (see accounts.h).
#include "hub/accounts.h"

#include <sodium.h>

#include "hub/http_util.h"

namespace kenes::hub {

namespace {
constexpr auto kCacheTtl = std::chrono::seconds(2);
const std::string kPrefix = "org.couchdb.user:";

std::string toHex(const unsigned char* p, size_t n) {
    std::string out(n * 2, '0');
    static const char* hex = "0123456789abcdef";
    for (size_t i = 0; i < n; ++i) {
        out[2 * i] = hex[p[i] >> 4];
        out[2 * i + 1] = hex[p[i] & 15];
    }
    return out;
}

void ensureSodium() {
    if (sodium_init() < 0)
        throw storage::StoreError(500, "internal_error", "libsodium could not be initialised.");
}
}  // namespace

const char* roleName(Role role) {
    return role == Role::Organizer ? "organizer" : "participant";
}

std::optional<Role> parseRole(const std::string& name) {
    if (name == "organizer" || name == "organiser") return Role::Organizer;
    if (name == "participant") return Role::Participant;
    return std::nullopt;
}

bool AccountStore::isValidName(const std::string& name) {
    if (name.empty() || name.size() > 64 || name[0] == '_' || !isValidUtf8(name)) return false;
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7F || c == ':') return false;
    return true;
}

AccountStore::AccountStore(storage::Store& store) : m_store(store) {
    ensureSodium();
    randombytes_buf(m_cacheKey, sizeof m_cacheKey);
    m_db = m_store.database(kDatabase, true);
}

std::string AccountStore::serverUuid() {
    std::lock_guard lock(m_mutex);
    if (auto local = m_db->getLocal("hub"); local && local->contains("uuid") && (*local)["uuid"].is_string())
        return (*local)["uuid"].get<std::string>();
    unsigned char raw[16];
    randombytes_buf(raw, sizeof raw);
    std::string uuid = toHex(raw, sizeof raw);
    m_db->putLocal("hub", Json{{"uuid", uuid}});
    return uuid;
}

void AccountStore::add(const std::string& name, Role role, const std::string& password) {
    if (!isValidName(name))
        throw storage::StoreError(400, "bad_request",
                                  "A user name is 1-64 characters of UTF-8 without ':' or control characters "
                                  "and may not start with '_'.");
    if (password.empty()) throw storage::StoreError(400, "bad_request", "The password may not be empty.");
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        throw storage::StoreError(500, "internal_error", "Out of memory while hashing the password.");
    Json doc{{"_id", kPrefix + name},
             {"type", "user"},
             {"name", name},
             {"roles", Json::array({roleName(role)})},
             {"password_scheme", "libsodium-pwhash"},
             {"password_hash", std::string(hash)}};
    try {
        m_db->put(doc);  // 409 when a live account of that name exists
    } catch (const storage::StoreError& e) {
        if (e.status() == 409)
            throw storage::StoreError(409, "conflict", "An account named '" + name + "' already exists.");
        throw;
    }
    auto userDb = m_store.database(storage::userDatabaseName(name), true);
    userDb->setSecurity(Json{{"admins", {{"names", Json::array({name})}, {"roles", Json::array()}}},
                             {"members", {{"names", Json::array({name})}, {"roles", Json::array()}}}});
    std::lock_guard lock(m_mutex);
    m_cache.erase(name);
}

void AccountStore::remove(const std::string& name) {
    Json doc;
    try {
        doc = m_db->get(kPrefix + name);
    } catch (const storage::StoreError& e) {
        if (e.status() == 404)
            throw storage::StoreError(404, "not_found", "There is no account named '" + name + "'.");
        throw;
    }
    m_db->remove(kPrefix + name, doc["_rev"].get<std::string>());
    std::lock_guard lock(m_mutex);
    m_cache.erase(name);
}

std::vector<Account> AccountStore::list() {
    storage::AllDocsOptions options;
    options.includeDocs = true;
    options.startKey = kPrefix;
    options.endKey = kPrefix + "\xEF\xBF\xBF";
    std::vector<Account> out;
    for (const auto& row : m_db->allDocs(options).rows) {
        if (!row.doc || row.deleted || !row.error.empty()) continue;
        const Json& d = *row.doc;
        Account a;
        a.name = d.value("name", "");
        auto roles = d.value("roles", Json::array());
        a.role = (!roles.empty() && roles[0] == "organizer") ? Role::Organizer : Role::Participant;
        out.push_back(a);
    }
    return out;
}

std::optional<std::pair<Account, std::string>> AccountStore::load(const std::string& name) {
    Json d;
    try {
        d = m_db->get(kPrefix + name);
    } catch (const storage::StoreError& e) {
        if (e.status() == 404) return std::nullopt;
        throw;
    }
    Account a;
    a.name = name;
    auto roles = d.value("roles", Json::array());
    a.role = (!roles.empty() && roles[0] == "organizer") ? Role::Organizer : Role::Participant;
    return std::make_pair(a, d.value("password_hash", ""));
}

std::optional<Account> AccountStore::find(const std::string& name) {
    if (!isValidName(name)) return std::nullopt;
    auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(m_mutex);
        auto it = m_cache.find(name);
        if (it != m_cache.end() && now - it->second.fetched < kCacheTtl) return it->second.account;
    }
    auto loaded = load(name);
    std::lock_guard lock(m_mutex);
    Cached& c = m_cache[name];
    if (!loaded || !c.account || c.hash != loaded->second) c.verifiedDigests.clear();
    c.account = loaded ? std::optional<Account>(loaded->first) : std::nullopt;
    c.hash = loaded ? loaded->second : std::string();
    c.fetched = now;
    if (m_cache.size() > 10000) m_cache.clear();
    return c.account;
}

std::string AccountStore::digest(const std::string& name, const std::string& password) const {
    unsigned char out[32];
    std::string input = name + '\0' + password;
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                       m_cacheKey, sizeof m_cacheKey);
    return std::string(reinterpret_cast<char*>(out), sizeof out);
}

std::optional<Account> AccountStore::verify(const std::string& name, const std::string& password) {
    auto account = find(name);
    if (!account || password.empty()) return std::nullopt;
    std::string dig = digest(name, password);
    std::string hash;
    {
        std::lock_guard lock(m_mutex);
        Cached& c = m_cache[name];
        for (const auto& v : c.verifiedDigests)
            if (v.size() == dig.size() && sodium_memcmp(v.data(), dig.data(), dig.size()) == 0)
                return account;
        hash = c.hash;
    }
    if (hash.empty()) return std::nullopt;
    m_hashSlots.acquire();
    {
        // Another thread may have verified the same credentials while this one waited.
        std::lock_guard lock(m_mutex);
        Cached& c = m_cache[name];
        for (const auto& v : c.verifiedDigests)
            if (c.hash == hash && v.size() == dig.size() &&
                sodium_memcmp(v.data(), dig.data(), dig.size()) == 0) {
                m_hashSlots.release();
                return account;
            }
    }
    int rc = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size());
    m_hashSlots.release();
    if (rc != 0) return std::nullopt;
    std::lock_guard lock(m_mutex);
    Cached& c = m_cache[name];
    if (c.hash == hash && c.verifiedDigests.size() < 8) c.verifiedDigests.push_back(dig);
    return account;
}

}  // namespace kenes::hub
