// The cluster model: one typed picture of the mail cluster, read from cluster.toml.
//
// Contract: load_cluster() returns either a fully validated Cluster or a list of
// problems, each naming file, line and column. Nothing in a Cluster that load_cluster()
// returned needs checking again by its users: addresses parse, names are valid host
// names, every role the renderer needs is present, ports are in range.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mailng/result.h"

namespace mailng {

enum class Role { relay, backend, client, directory };

/// "relay", "backend", "client", "directory".
std::string_view role_name(Role role);

/// The inverse of role_name(); nullopt for anything else (exact, lowercase).
std::optional<Role> parse_role(std::string_view name);

/// Paths of one host's daemons. Defaults are Debian 12's; the lab points them into
/// its own directory so that several private instances live on one machine.
struct HostPaths {
    std::string postfix_config_dir = "/etc/postfix";
    std::string postfix_queue_dir = "/var/spool/postfix";
    std::string postfix_data_dir = "/var/lib/postfix";
    std::string postfix_maillog;                      // empty: syslog
    std::string dovecot_config = "/etc/dovecot/dovecot.conf";
    std::string dovecot_base_dir = "/run/dovecot";
    std::string dovecot_state_dir = "/var/lib/dovecot";
    std::string dovecot_log;                          // empty: syslog
    std::string mail_root = "/Mail";                  // maildirs: MAIL_ROOT/<login>
    std::string index_root = "/sys-data/mail/dovecot/index";
    std::string control_root = "/sys-data/mail/dovecot/control";
    std::string sieve_dir = "/var/lib/dovecot/sieve"; // holds default.sieve
    std::string amavis_config = "/etc/amavis/amavisd.conf";
    std::string amavis_home = "/var/lib/amavis";
    std::string amavis_quarantine = "/var/lib/amavis/virusmails";
    std::string amavis_log;                           // empty: syslog
    std::string amavis_release_socket = "/var/lib/amavis/amavisd.sock";
    std::string mailng_config_dir = "/etc/mailng";    // policyd.toml, quotad-bridge.toml
    std::string mailng_state_dir = "/var/lib/mailng"; // counters for the agent
    std::string config_output_dir = "/";              // where rendered files are rooted
};

struct Host {
    std::string name;             // short host name, e.g. "theano"
    std::string fqdn;             // e.g. "theano.example.edu"
    Role role = Role::client;
    std::string address;          // IPv4 or IPv6 literal
    std::string ssh_target;       // "user@host" or "user@host:port"
    std::string agent_command = "sudo -n mailng-agent stdio";
    HostPaths paths;
    int source_line = 0;          // where [[hosts]] for this host begins
};

/// One entry of Postfix's mynetworks; `excluded` is the manual's `!net` form.
struct NetworkEntry {
    std::string cidr;
    bool excluded = false;
};

/// A virtual alias domain (the manual's rise.org.cy): addresses there map to logins.
struct VirtualDomain {
    std::string name;
    std::map<std::string, std::string> users; // local part -> login name in the primary domain
};

struct LdapSettings {
    std::string uri;              // e.g. "ldap://nireas.in.example.edu/"
    std::string base;             // e.g. "dc=example,dc=edu"
    std::string bind_dn;          // read-only service account
    std::string bind_password_file;
};

struct TlsSettings {
    std::string cert_file;
    std::string key_file;
};

/// TCP ports of the services; the manual's numbers by default.
struct Ports {
    int smtp = 25;
    int submission = 587;
    int imap = 143;
    int pop3 = 110;
    int lmtp = 24;
    int sieve = 4190;
    int director = 9090;
    int sasl = 12345;
    int quota_status = 12340;
    int amavis = 10024;
    int reinject = 10025;
    int policy = 10040;
    int bridge = 10041;
    int ldap = 389;
    int ssh = 22;
};

/// Every service port by its cluster-file key ([ports] table), in file order.
const std::vector<std::pair<std::string_view, int Ports::*>>& port_fields();

/// The port of `service` ("smtp", "imap", ... as in port_fields()), or 0 for a name
/// that is not a service.
int port_of(const Ports& ports, std::string_view service);

/// The manual's amavis policy: tag, tag harder, quarantine above 20.
struct AmavisPolicy {
    double tag_level = 2.0;            // X-Spam-* headers from here
    double spam_level = 6.31;          // subject gets spam_subject_tag
    double spammy_level = 12.0;        // subject gets spammy_subject_tag instead
    double quarantine_level = 20.0;    // quarantined, not delivered
    std::string spam_subject_tag = "[.SPAM.]";
    std::string spammy_subject_tag = "[..SPAM..]";
    std::string admin_address;         // notifications; default postmaster@domain
};

struct RetentionOverride {
    std::string group;                 // LDAP group name, e.g. "faculty"
    std::optional<int> spam_days;
    std::optional<int> virus_days;
    std::optional<int> trash_days;
};

/// The manual's Appendix G: how long SPAM, VIRUS and Trash keep messages.
struct Retention {
    int spam_days = 15;
    int virus_days = 7;
    int trash_days = 30;
    std::vector<RetentionOverride> overrides;
};

/// Nagios thresholds of the manual's Table 7, per role.
struct Thresholds {
    std::vector<double> load_warning;  // 1, 5, 15 minute load
    std::vector<double> load_critical;
    int var_free_warning_percent = 20;
    int var_free_critical_percent = 10;
    int queue_warning = 100;
    int queue_critical = 500;
};

/// The manual's Table 7 for `role`: what [monitoring.ROLE] keys default to. Table 7 has
/// no row for the client and the directory; they get the back-end's ("internal
/// systems") values.
Thresholds default_thresholds(Role role);

/// How the relays' mailng-policyd and the back-ends' mailng-quotad-bridge answer.
struct PolicySettings {
    bool enabled = true;                        // relays ask policyd at RCPT
    int positive_ttl_s = 300;
    int negative_ttl_s = 60;
    int backend_timeout_ms = 500;               // far below Postfix's 100 s
    std::string on_backend_failure = "defer_if_permit";   // or "dunno"
    std::string quota_source = "dovecot-quota-status";    // or "maildirsize", "fs"
};

struct Cluster {
    std::string source_file;
    std::string name;
    std::string domain;                        // primary mail domain
    std::vector<VirtualDomain> virtual_domains;
    std::vector<NetworkEntry> mynetworks;
    LdapSettings ldap;
    TlsSettings tls;
    Ports ports;
    AmavisPolicy amavis;
    Retention retention;
    PolicySettings policy;
    std::map<Role, Thresholds> monitoring;     // every role; Table 7 defaults where absent
    std::vector<Host> hosts;

    /// Hosts of one role, in file order.
    std::vector<const Host*> hosts_with_role(Role role) const;
    /// The host called `name` (compared without regard to case, as DNS does), or nullptr.
    const Host* find_host(std::string_view name) const;
};

// Validation of the names and addresses that a cluster file holds. Pure functions, so
// that other modules (agent inputs, the console's forms) apply the same rules.

/// RFC 1123 host name label: 1..63 letters, digits and hyphens, no hyphen at either end.
bool is_valid_host_label(std::string_view label);
/// Dot-separated RFC 1123 labels, at most 253 characters, no trailing dot.
bool is_valid_domain_name(std::string_view name);
/// An IPv4 or IPv6 literal as inet_pton(3) accepts it (no brackets, no zone).
bool is_valid_ip_address(std::string_view text);
bool is_ipv6_address(std::string_view text);
/// Why "address/prefix" is not a usable network, or "" when it is: the address must
/// parse, the prefix fit the family, and no host bits be set (Postfix warns about those
/// and they are nearly always a typo).
std::string cidr_error(std::string_view cidr);
/// Whether network `inner` lies within network `outer` (both valid CIDR, no `!`).
bool cidr_contains(std::string_view outer, std::string_view inner);
/// The local part of an address in a virtual domain: letters, digits, . _ - +,
/// no leading, trailing or doubled dot.
bool is_valid_local_part(std::string_view local_part);
/// A login (LDAP uid) as mailng accepts it: [a-z0-9._-]+, at most 64 characters, not
/// starting with "-" (it would read as an option on a command line).
bool is_valid_login(std::string_view login);

/// Where the console logs in: `[user@]host[:port]`.
struct SshTarget {
    std::string user;  // empty: ssh's default
    std::string host;  // name or address, without IPv6 brackets
    int port = 22;
};

/// Parses `[user@]host[:port]`; an IPv6 host is written `[2001:db8::1]:2222`, or bare
/// when there is no port. Rejects whitespace, control characters and a leading "-"
/// (ssh would read it as an option). The error says what is wrong.
Result<SshTarget, std::string> parse_ssh_target(std::string_view target);

/// Parses and validates `text` as if read from `file_name`.
Result<Cluster, std::vector<Problem>> parse_cluster(std::string_view text,
                                                    const std::string& file_name);

/// Reads `path` and parses it; an unreadable file is one Problem at line 0.
Result<Cluster, std::vector<Problem>> load_cluster(const std::string& path);

} // namespace mailng
