// Hub accounts. They live in the hub-private database `kenes-hub-accounts` of the local store
// (documents "org.couchdb.user:NAME" holding the name, the role and a libsodium
// crypto_pwhash_str hash — never a password), reached only through the Store API; the HTTP
// layer never serves that database. Its _local document "hub" keeps the server uuid.
// Thread-safe: verification results are cached in memory for a short time, keyed by a keyed
// hash of the password, so Basic auth does not pay a slow hash on every request.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <vector>

#include "storage/store.h"

namespace kenes::hub {

enum class Role { Organizer, Participant };
const char* roleName(Role role);
std::optional<Role> parseRole(const std::string& name);

struct Account {
    std::string name;
    Role role = Role::Participant;
};

class AccountStore {
public:
    static constexpr const char* kDatabase = "kenes-hub-accounts";

    explicit AccountStore(storage::Store& store);

    // Creates the account and its userdb-<hex> (readable and writable by it alone). Throws
    // storage::StoreError 409 when the name is taken, 400 for a bad name or an empty password.
    void add(const std::string& name, Role role, const std::string& password);
    // Removes the account; its userdb is kept (notes are never deleted implicitly). 404 if unknown.
    void remove(const std::string& name);
    std::vector<Account> list();
    std::optional<Account> find(const std::string& name);
    // The account when the password matches, else nullopt.
    std::optional<Account> verify(const std::string& name, const std::string& password);

    // A uuid for GET /, created once and kept in the store.
    std::string serverUuid();

    // Names: 1-64 bytes of UTF-8, no control characters, no ':', not starting with '_'.
    static bool isValidName(const std::string& name);

private:
    struct Cached {
        std::optional<Account> account;
        std::string hash;
        std::chrono::steady_clock::time_point fetched;
        std::vector<std::string> verifiedDigests;
    };
    std::optional<std::pair<Account, std::string>> load(const std::string& name);
    std::string digest(const std::string& name, const std::string& password) const;

    storage::Store& m_store;
    std::shared_ptr<storage::Database> m_db;
    std::mutex m_mutex;
    std::map<std::string, Cached> m_cache;
    unsigned char m_cacheKey[32];
    std::counting_semaphore<4> m_hashSlots{2};  // each verification may use 64 MB
};

}  // namespace kenes::hub
