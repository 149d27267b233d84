// The lab directory's fixture users and groups (resources/lab/fixtures.toml).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mailng/result.h"

namespace mailng::lab {

struct FixtureUser {
    std::string uid, cn, sn, password;
    std::vector<std::string> aliases;  // local parts in the primary domain
    std::vector<std::string> forwards; // full addresses
    std::optional<long long> quota;    // bytes
    std::string status;                // "" (active), "active" or "inactive"
};

struct FixtureGroup {
    std::string cn;
    std::vector<std::string> members; // uids
};

struct Fixtures {
    std::vector<FixtureUser> users;
    std::vector<FixtureGroup> groups;
};

/// Reads the fixture file; a malformed one is a Problem with its line.
Result<Fixtures, Problem> load_fixtures(const std::string& path);

/// `users` and `groups` as the directory LDIF template wants them.
nlohmann::json fixtures_ldif_context(const Fixtures& fixtures, const std::string& domain,
                                     const std::string& base);

/// `users` of lab.json: address, password, uid and what makes each one special.
nlohmann::json fixtures_lab_json(const Fixtures& fixtures, const std::string& domain);

} // namespace mailng::lab
