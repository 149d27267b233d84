#include "mailng/render.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <kainjow/mustache.hpp>

namespace mailng {
namespace {

using Json = nlohmann::json;
using MustacheData = kainjow::mustache::data;

std::string format_number(double value) {
    char buffer[64];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    return ec == std::errc{} ? std::string(buffer, end) : std::to_string(value);
}

MustacheData to_mustache(const Json& value);

MustacheData object_to_mustache(const Json& object) {
    MustacheData data{MustacheData::type::object};
    for (const auto& [key, member] : object.items())
        data.set(key, to_mustache(member));
    return data;
}

MustacheData list_to_mustache(const Json& array) {
    MustacheData data{MustacheData::type::list};
    for (const auto& element : array)
        data.push_back(to_mustache(element));
    return data;
}

// Empty strings are false so that templates can write {{#key}}...{{/key}} for
// "when set"; a false value renders as nothing, like the empty string it was.
MustacheData to_mustache(const Json& value) {
    switch (value.type()) {
    case Json::value_t::object:
        return object_to_mustache(value);
    case Json::value_t::array:
        return list_to_mustache(value);
    case Json::value_t::boolean:
        return MustacheData{value.get<bool>()};
    case Json::value_t::string: {
        const auto& text = value.get_ref<const std::string&>();
        return text.empty() ? MustacheData{false} : MustacheData{text};
    }
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
        return MustacheData{value.dump()};
    case Json::value_t::number_float:
        return MustacheData{format_number(value.get<double>())};
    default:
        return MustacheData{false};
    }
}

Json host_summary(const Host& host, bool first, bool last) {
    return {{"name", host.name},       {"fqdn", host.fqdn},
            {"address", host.address}, {"role", std::string(role_name(host.role))},
            {"first", first},          {"last", last}};
}

Json hosts_of_role(const Cluster& cluster, Role role) {
    Json list = Json::array();
    auto hosts = cluster.hosts_with_role(role);
    for (std::size_t i = 0; i < hosts.size(); ++i)
        list.push_back(host_summary(*hosts[i], i == 0, i + 1 == hosts.size()));
    return list;
}

Json ports_context(const Ports& ports) {
    Json json = Json::object();
    for (const auto& [key, member] : port_fields())
        json[std::string(key)] = ports.*member;
    return json;
}

Json paths_context(const HostPaths& p) {
    return {{"postfix_config_dir", p.postfix_config_dir},
            {"postfix_queue_dir", p.postfix_queue_dir},
            {"postfix_data_dir", p.postfix_data_dir},
            {"postfix_maillog", p.postfix_maillog},
            {"dovecot_config", p.dovecot_config},
            {"dovecot_config_dir", std::filesystem::path(p.dovecot_config).parent_path().string()},
            {"dovecot_base_dir", p.dovecot_base_dir},
            {"dovecot_state_dir", p.dovecot_state_dir},
            {"dovecot_log", p.dovecot_log},
            {"mail_root", p.mail_root},
            {"index_root", p.index_root},
            {"control_root", p.control_root},
            {"sieve_dir", p.sieve_dir},
            {"amavis_config", p.amavis_config},
            {"amavis_home", p.amavis_home},
            {"amavis_quarantine", p.amavis_quarantine},
            {"amavis_log", p.amavis_log},
            {"amavis_release_socket", p.amavis_release_socket},
            {"mailng_config_dir", p.mailng_config_dir},
            {"mailng_state_dir", p.mailng_state_dir},
            {"config_output_dir", p.config_output_dir}};
}

Json virtual_domains_context(const Cluster& cluster, std::string& names) {
    Json list = Json::array();
    for (const auto& domain : cluster.virtual_domains) {
        Json users = Json::array();
        for (const auto& [local_part, login] : domain.users)
            users.push_back({{"local_part", local_part},
                             {"last", &login == &domain.users.rbegin()->second},
                             {"login", login},
                             {"address", local_part + "@" + domain.name},
                             {"target", login + "@" + cluster.domain}});
        list.push_back({{"name", domain.name}, {"users", users}});
        names += (names.empty() ? "" : " ") + domain.name;
    }
    return list;
}

// Postfix wants IPv6 networks in brackets: [2001:db8::]/32.
std::string postfix_network(const std::string& cidr) {
    if (cidr.find(':') == std::string::npos)
        return cidr;
    auto slash = cidr.find('/');
    return "[" + cidr.substr(0, slash) + "]" +
           (slash == std::string::npos ? "" : cidr.substr(slash));
}

std::string mynetworks_text(const Cluster& cluster) {
    std::string text;
    for (const auto& entry : cluster.mynetworks)
        text += (text.empty() ? "" : ", ") + std::string(entry.excluded ? "!" : "") +
                postfix_network(entry.cidr);
    return text;
}

Json amavis_context(const AmavisPolicy& a) {
    return {{"tag_level", a.tag_level},
            {"spam_level", a.spam_level},
            {"spammy_level", a.spammy_level},
            {"quarantine_level", a.quarantine_level},
            {"spam_subject_tag", a.spam_subject_tag},
            {"spammy_subject_tag", a.spammy_subject_tag},
            {"admin_address", a.admin_address}};
}

Json retention_context(const Retention& r) {
    Json overrides = Json::array();
    for (const auto& o : r.overrides)
        overrides.push_back({{"group", o.group},
                             {"spam_days", o.spam_days.value_or(r.spam_days)},
                             {"virus_days", o.virus_days.value_or(r.virus_days)},
                             {"trash_days", o.trash_days.value_or(r.trash_days)}});
    return {{"spam_days", r.spam_days},
            {"virus_days", r.virus_days},
            {"trash_days", r.trash_days},
            {"overrides", overrides}};
}

Json policy_context(const PolicySettings& p) {
    return {{"enabled", p.enabled},
            {"positive_ttl_s", p.positive_ttl_s},
            {"negative_ttl_s", p.negative_ttl_s},
            {"backend_timeout_ms", p.backend_timeout_ms},
            {"on_backend_failure", p.on_backend_failure},
            {"quota_source", p.quota_source}};
}

Json host_context(const Host& host) {
    return {{"name", host.name},
            {"fqdn", host.fqdn},
            {"address", host.address},
            {"role", std::string(role_name(host.role))},
            {"is_relay", host.role == Role::relay},
            {"is_backend", host.role == Role::backend},
            {"is_client", host.role == Role::client},
            {"is_directory", host.role == Role::directory}};
}

Json directory_context(const Cluster& cluster) {
    auto directories = cluster.hosts_with_role(Role::directory);
    if (directories.empty())
        return {{"name", ""}, {"fqdn", ""}, {"address", ""}};
    return host_summary(*directories.front(), true, true);
}

Json ldap_context(const Cluster& cluster, const RenderOptions& options) {
    const auto& l = cluster.ldap;
    return {{"uri", l.uri},
            {"base", l.base},
            {"bind_dn", l.bind_dn},
            {"bind_password_file", l.bind_password_file},
            {"bind_password", options.ldap_bind_password},
            {"people_base", "ou=people," + l.base},
            {"groups_base", "ou=groups," + l.base}};
}

std::string header_for(const Cluster& cluster, const Host& host, const std::string& tmpl) {
    return "# Generated by mailng " MAILNG_VERSION " from " + cluster.source_file + " for host " +
           host.name + " (" + std::string(role_name(host.role)) + "), template " + tmpl +
           ".\n"
           "# Do not edit here: change the cluster file and render again.\n"
           "# Custom blocks follow the manual's ##### convention.";
}

struct FileSpec {
    const char* template_name;
    std::string path;
    int mode;
    std::string group = {};
};

std::string beside(const std::string& file, const std::string& name) {
    return (std::filesystem::path(file).parent_path() / name).string();
}

std::string rooted(const Host& host, const std::string& path) {
    const auto& root = host.paths.config_output_dir;
    if (root.empty() || root == "/")
        return path;
    return (std::filesystem::path(root) / std::filesystem::path(path).relative_path()).string();
}

std::vector<FileSpec> files_for(const Host& host) {
    const auto& p = host.paths;
    const std::string pf = p.postfix_config_dir;
    std::vector<FileSpec> files;
    switch (host.role) {
    case Role::relay:
        files = {{"postfix/main.cf.relay", pf + "/main.cf", 0644},
                 {"postfix/master.cf.relay", pf + "/master.cf", 0644},
                 {"postfix/transport.relay", pf + "/transport", 0644},
                 {"dovecot/dovecot.conf.relay", p.dovecot_config, 0644},
                 {"amavis/amavisd.conf", p.amavis_config, 0644},
                 {"mailng/policyd.toml", p.mailng_config_dir + "/policyd.toml", 0644},
                 {"fail2ban/dovecot-pop3imap.conf",
                  rooted(host, "/etc/fail2ban/filter.d/dovecot-pop3imap.conf"), 0644}};
        break;
    case Role::backend:
        files = {
            {"postfix/main.cf.backend", pf + "/main.cf", 0644},
            {"postfix/master.cf.backend", pf + "/master.cf", 0644},
            {"postfix/ldap-virtual-mailbox.cf", pf + "/ldap-virtual-mailbox.cf", 0640, "postfix"},
            {"postfix/ldap-virtual-alias.cf", pf + "/ldap-virtual-alias.cf", 0640, "postfix"},
            {"postfix/ldap-virtual-groups.cf", pf + "/ldap-virtual-groups.cf", 0640, "postfix"},
            {"postfix/ldap-virtual-forward.cf", pf + "/ldap-virtual-forward.cf", 0640, "postfix"},
            {"postfix/ldap-virtual-posixgroups.cf", pf + "/ldap-virtual-posixgroups.cf", 0640,
             "postfix"},
            {"postfix/virtual-domain-users", pf + "/virtual-domain-users", 0644},
            {"dovecot/dovecot.conf.backend", p.dovecot_config, 0644},
            {"dovecot/dovecot-ldap.conf.ext", beside(p.dovecot_config, "dovecot-ldap.conf.ext"),
             0640},
            {"dovecot/default.sieve", p.sieve_dir + "/default.sieve", 0644},
            {"mailng/quotad-bridge.toml", p.mailng_config_dir + "/quotad-bridge.toml", 0644}};
        break;
    case Role::client:
        files = {{"postfix/main.cf.client", pf + "/main.cf", 0644},
                 {"postfix/master.cf.client", pf + "/master.cf", 0644}};
        break;
    case Role::directory:
        break;
    }
    files.push_back({"logrotate/mailng", rooted(host, "/etc/logrotate.d/mailng"), 0644});
    return files;
}

Result<std::string, std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return unexpected(std::string("cannot read ") + path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

} // namespace

nlohmann::json render_context(const Cluster& cluster, const Host& host,
                              const RenderOptions& options) {
    std::string domain_names;
    Json virtual_domains = virtual_domains_context(cluster, domain_names);
    return {
        {"header", header_for(cluster, host, "")},
        {"cluster",
         {{"name", cluster.name},
          {"domain", cluster.domain},
          {"source_file", cluster.source_file}}},
        {"virtual_domains", virtual_domains},
        {"virtual_domain_names", domain_names},
        {"has_virtual_domains", !cluster.virtual_domains.empty()},
        {"mynetworks", mynetworks_text(cluster)},
        {"host", host_context(host)},
        {"relays", hosts_of_role(cluster, Role::relay)},
        {"backends", hosts_of_role(cluster, Role::backend)},
        {"directory", directory_context(cluster)},
        {"ports", ports_context(cluster.ports)},
        {"ldap", ldap_context(cluster, options)},
        {"tls", {{"cert", cluster.tls.cert_file}, {"key", cluster.tls.key_file}}},
        {"paths", paths_context(host.paths)},
        {"amavis", amavis_context(cluster.amavis)},
        {"retention", retention_context(cluster.retention)},
        {"policy_service", options.policy_service && cluster.policy.enabled},
        {"policy", policy_context(cluster.policy)},
        {"policy_listen_address", options.lab ? host.address : std::string("127.0.0.1")},
        {"soft_bounce", options.soft_bounce},
        {"lab", options.lab},
        {"daemon_user", options.daemon_user},
        {"mail_user", options.mail_user},
        {"mail_group", options.mail_group},
    };
}

Result<std::string, std::string> render_template(const std::string& template_text,
                                                 const nlohmann::json& context) {
    kainjow::mustache::mustache tmpl{template_text};
    if (!tmpl.is_valid())
        return unexpected(tmpl.error_message());
    tmpl.set_custom_escape([](const std::string& text) { return text; });
    std::string text = tmpl.render(to_mustache(context));
    if (!tmpl.is_valid())
        return unexpected(tmpl.error_message());
    return text;
}

Result<std::vector<RenderedFile>, std::string> render_host(const Cluster& cluster, const Host& host,
                                                           const RenderOptions& options,
                                                           const std::string& template_dir) {
    Json context = render_context(cluster, host, options);
    std::vector<RenderedFile> rendered;
    for (const auto& spec : files_for(host)) {
        auto text = read_text(template_dir + "/" + spec.template_name);
        if (!text)
            return unexpected(std::string(spec.template_name) + ": " + text.error());
        context["header"] = header_for(cluster, host, spec.template_name);
        auto output = render_template(*text, context);
        if (!output)
            return unexpected(std::string(spec.template_name) + ": " + output.error());
        rendered.push_back(
            {spec.template_name, spec.path, std::move(*output), spec.mode, spec.group});
    }
    return rendered;
}

std::string default_resource_dir() {
    if (const char* dir = std::getenv("MAILNG_RESOURCE_DIR"); dir && *dir)
        return dir;
    return MAILNG_RESOURCE_DIR;
}

std::string default_template_dir() {
    return default_resource_dir() + "/templates";
}

} // namespace mailng
