// StoreError and the database-name rules shared by every Store implementation.
#include <cstdio>
#include <regex>

#include "storage/store.h"

namespace kenes::storage {

StoreError::StoreError(int status, std::string error, std::string reason)
    : std::runtime_error(reason), m_status(status), m_error(std::move(error)), m_reason(std::move(reason)) {}

bool isValidDatabaseName(const std::string& name) {
    static const std::regex rule("^[a-z][a-z0-9_$()+/-]*$");
    return !name.empty() && name.size() <= 238 && std::regex_match(name, rule);
}

std::string userDatabaseName(const std::string& userName) {
    std::string out = "userdb-";
    char buf[3];
    for (unsigned char c : userName) {
        std::snprintf(buf, sizeof buf, "%02x", c);
        out += buf;
    }
    return out;
}

}  // namespace kenes::storage
