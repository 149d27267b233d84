#include "fixtures.h"

#include <toml++/toml.h>

namespace mailng::lab {
namespace {

using Json = nlohmann::json;

std::vector<std::string> strings_of(const toml::table& table, std::string_view key) {
    std::vector<std::string> values;
    if (const auto* array = table[key].as_array())
        for (const auto& element : *array)
            if (auto text = element.value<std::string>())
                values.push_back(*text);
    return values;
}

FixtureUser user_from(const toml::table& table) {
    FixtureUser user;
    user.uid = table["uid"].value_or(std::string{});
    user.cn = table["cn"].value_or(user.uid);
    user.sn = table["sn"].value_or(user.uid);
    user.password = table["password"].value_or(std::string{});
    user.aliases = strings_of(table, "aliases");
    user.forwards = strings_of(table, "forwards");
    if (auto quota = table["quota"].value<long long>())
        user.quota = *quota;
    user.status = table["status"].value_or(std::string{});
    return user;
}

FixtureGroup group_from(const toml::table& table) {
    return {table["cn"].value_or(std::string{}), strings_of(table, "members")};
}

Json user_ldif(const FixtureUser& user, const std::string& domain) {
    Json aliases = Json::array();
    for (const auto& alias : user.aliases)
        aliases.push_back(alias + "@" + domain);
    Json forwards = user.forwards;
    return {{"uid", user.uid},
            {"cn", user.cn},
            {"sn", user.sn},
            {"mail", user.uid + "@" + domain},
            {"password", user.password},
            {"quota", user.quota ? std::to_string(*user.quota) : std::string{}},
            {"status", user.status},
            {"aliases", aliases},
            {"forwards", forwards}};
}

} // namespace

Result<Fixtures, Problem> load_fixtures(const std::string& path) {
    toml::table root;
    try {
        root = toml::parse_file(path);
    } catch (const toml::parse_error& error) {
        return unexpected(Problem{path, static_cast<int>(error.source().begin.line),
                                  static_cast<int>(error.source().begin.column),
                                  std::string(error.description())});
    }
    Fixtures fixtures;
    if (const auto* users = root["users"].as_array())
        for (const auto& user : *users)
            if (const auto* table = user.as_table())
                fixtures.users.push_back(user_from(*table));
    if (const auto* groups = root["groups"].as_array())
        for (const auto& group : *groups)
            if (const auto* table = group.as_table())
                fixtures.groups.push_back(group_from(*table));
    return fixtures;
}

nlohmann::json fixtures_ldif_context(const Fixtures& fixtures, const std::string& domain,
                                     const std::string& base) {
    Json users = Json::array();
    for (const auto& user : fixtures.users)
        users.push_back(user_ldif(user, domain));
    Json groups = Json::array();
    for (const auto& group : fixtures.groups) {
        Json members = Json::array();
        for (const auto& uid : group.members)
            members.push_back({{"dn", "uid=" + uid + ",ou=people," + base}});
        groups.push_back(
            {{"cn", group.cn}, {"mail", group.cn + "@" + domain}, {"members", members}});
    }
    return {{"users", users}, {"groups", groups}};
}

nlohmann::json fixtures_lab_json(const Fixtures& fixtures, const std::string& domain) {
    Json users = Json::array();
    for (const auto& user : fixtures.users) {
        Json entry = {
            {"uid", user.uid},           {"address", user.uid + "@" + domain},
            {"password", user.password}, {"status", user.status.empty() ? "active" : user.status},
            {"aliases", Json::array()},  {"forwards", user.forwards}};
        for (const auto& alias : user.aliases)
            entry["aliases"].push_back(alias + "@" + domain);
        if (user.quota)
            entry["quota"] = *user.quota;
        users.push_back(entry);
    }
    Json lists = Json::array();
    for (const auto& group : fixtures.groups)
        lists.push_back({{"address", group.cn + "@" + domain}, {"members", group.members}});
    return {{"users", users}, {"lists", lists}};
}

} // namespace mailng::lab
