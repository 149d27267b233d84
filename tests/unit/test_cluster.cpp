// The cluster model loader: the shipped files load, every rule rejects what it should
// at the right line, defaults and relative paths come out as docs/cluster-file.md says.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "mailng/cluster.h"

namespace mailng {
namespace {

namespace fs = std::filesystem;

const std::string source_dir = MAILNG_SOURCE_DIR;

/// A small valid cluster; the rule tests each break one line of it.
constexpr std::string_view valid_cluster = R"([cluster]
name = "test"
domain = "example.edu"

[network]
mynetworks = ["192.0.2.0/24"]

[[virtual_domains]]
name = "rise.example.org"
users = { postmaster = "alice", ank = "bob" }

[ports]
smtp = 25

[amavis]
tag_level = 2.0

[retention]
trash_days = 30

[[retention.overrides]]
group = "faculty"
trash_days = 60

[monitoring.relay]
queue_warning = 300
queue_critical = 1000
var_free_warning_percent = 20
load_warning = [25, 40, 15]

[ldap]
uri = "ldap://192.0.2.10/"

[tls]
cert = "tls/lab.crt"
key = "tls/lab.key"

[[hosts]]
name = "theano"
role = "relay"
address = "192.0.2.11"

[[hosts]]
name = "gorgo"
role = "backend"
address = "192.0.2.13"
)";

std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
    std::string result(text);
    const auto at = result.find(from);
    if (at == std::string::npos || result.find(from, at + 1) != std::string::npos) {
        ADD_FAILURE() << "'" << from << "' is not in the document exactly once";
        return result;
    }
    return result.replace(at, from.size(), to);
}

/// 1-based line of the first occurrence of `needle`; 0 for an empty needle.
int line_of(std::string_view text, std::string_view needle) {
    if (needle.empty()) {
        return 0;
    }
    const auto at = text.find(needle);
    EXPECT_NE(at, std::string_view::npos) << needle;
    return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

std::string all_problems(const std::vector<Problem>& problems) {
    std::string text;
    for (const Problem& problem : problems) {
        text += problem.to_string() + "\n";
    }
    return text;
}

/// The cluster, or a test failure that lists the problems.
Cluster loaded(const Result<Cluster, std::vector<Problem>>& result) {
    if (!result) {
        ADD_FAILURE() << all_problems(result.error());
        return {};
    }
    return result.value();
}

bool has_problem(const std::vector<Problem>& problems, int line, std::string_view message) {
    return std::any_of(problems.begin(), problems.end(), [&](const Problem& problem) {
        return problem.line == line && problem.message.find(message) != std::string::npos;
    });
}

std::vector<std::string> names_of(const std::vector<const Host*>& hosts) {
    std::vector<std::string> names;
    for (const Host* host : hosts) {
        names.push_back(host->name);
    }
    return names;
}

// Problem::to_string

TEST(ProblemTest, FormatsFileLineColumnAndMessage) {
    EXPECT_EQ((Problem{"c.toml", 7, 1, "unknown key 'adress'"}.to_string()),
              "c.toml:7:1: unknown key 'adress'");
    EXPECT_EQ((Problem{"c.toml", 7, 0, "bad"}.to_string()), "c.toml:7: bad");
    EXPECT_EQ((Problem{"c.toml", 0, 0, "cannot read"}.to_string()), "c.toml: cannot read");
}

// The shipped files

TEST(ClusterFilesTest, ManualExampleLoadsWithItsHostsAndPolicies) {
    const Cluster cluster =
        loaded(load_cluster(source_dir + "/resources/examples/emailng.toml"));
    EXPECT_EQ(cluster.domain, "example.edu");
    EXPECT_EQ(names_of(cluster.hosts_with_role(Role::relay)),
              (std::vector<std::string>{"theano", "elysso"}));
    EXPECT_EQ(names_of(cluster.hosts_with_role(Role::backend)),
              (std::vector<std::string>{"gorgo", "mirto"}));
    EXPECT_EQ(names_of(cluster.hosts_with_role(Role::client)), std::vector<std::string>{"thalia"});
    EXPECT_EQ(names_of(cluster.hosts_with_role(Role::directory)),
              std::vector<std::string>{"nireas"});
    ASSERT_NE(cluster.find_host("nireas"), nullptr);
    EXPECT_EQ(cluster.find_host("nireas")->ssh_target, "admin@192.0.2.10");
    EXPECT_EQ(cluster.find_host("gorgo")->fqdn, "gorgo.example.edu");
    EXPECT_EQ(cluster.amavis.quarantine_level, 20.0);
    EXPECT_EQ(cluster.amavis.spam_subject_tag, "[.SPAM.]");
    EXPECT_EQ(cluster.amavis.spammy_subject_tag, "[..SPAM..]");
}

TEST(ClusterFilesTest, ManualExampleKeepsExclusionsInOrder) {
    const Cluster cluster =
        loaded(load_cluster(source_dir + "/resources/examples/emailng.toml"));
    ASSERT_EQ(cluster.mynetworks.size(), 8u);
    EXPECT_FALSE(cluster.mynetworks[0].excluded);
    EXPECT_EQ(cluster.mynetworks[3].cidr, "192.0.2.128/28");
    EXPECT_TRUE(cluster.mynetworks[3].excluded);
    EXPECT_TRUE(cluster.mynetworks[5].excluded);
    EXPECT_EQ(cluster.mynetworks[6].cidr, "192.0.2.0/24");
    EXPECT_FALSE(cluster.mynetworks[6].excluded);
    const auto excluded = std::count_if(cluster.mynetworks.begin(), cluster.mynetworks.end(),
                                        [](const NetworkEntry& entry) { return entry.excluded; });
    EXPECT_EQ(excluded, 3);
}

TEST(ClusterFilesTest, ManualExampleHasRetentionVirtualDomainAndTable7) {
    const Cluster cluster =
        loaded(load_cluster(source_dir + "/resources/examples/emailng.toml"));
    EXPECT_EQ(cluster.retention.spam_days, 15);
    EXPECT_EQ(cluster.retention.virus_days, 7);
    EXPECT_EQ(cluster.retention.trash_days, 30);
    ASSERT_EQ(cluster.retention.overrides.size(), 1u);
    EXPECT_EQ(cluster.retention.overrides[0].group, "faculty");
    EXPECT_EQ(cluster.retention.overrides[0].trash_days, 60);
    EXPECT_FALSE(cluster.retention.overrides[0].spam_days.has_value());
    ASSERT_EQ(cluster.virtual_domains.size(), 1u);
    EXPECT_EQ(cluster.virtual_domains[0].name, "rise.example.org");
    EXPECT_EQ(cluster.virtual_domains[0].users.at("ank"), "ank");
    EXPECT_EQ(cluster.virtual_domains[0].users.at("postmaster"), "postmaster");
    const Thresholds& relay = cluster.monitoring.at(Role::relay);
    EXPECT_EQ(relay.load_warning, (std::vector<double>{25, 40, 15}));
    EXPECT_EQ(relay.load_critical, (std::vector<double>{50, 80, 30}));
    EXPECT_EQ(relay.queue_warning, 300);
    EXPECT_EQ(relay.queue_critical, 1000);
    const Thresholds& backend = cluster.monitoring.at(Role::backend);
    EXPECT_EQ(backend.load_critical, (std::vector<double>{70, 60, 50}));
    EXPECT_EQ(backend.queue_warning, 100);
    EXPECT_EQ(backend.var_free_warning_percent, 20);
    EXPECT_EQ(backend.var_free_critical_percent, 10);
}

struct LabHost {
    std::string name;
    Role role;
    std::string address;
};

TEST(ClusterFilesTest, LabClusterHasSixLoopbackHostsWithSshOn2222) {
    const Cluster cluster = loaded(load_cluster(source_dir + "/resources/lab/cluster.toml"));
    const std::vector<LabHost> expected{
        {"nireas", Role::directory, "127.0.1.10"}, {"theano", Role::relay, "127.0.1.11"},
        {"elysso", Role::relay, "127.0.1.12"},     {"gorgo", Role::backend, "127.0.1.13"},
        {"mirto", Role::backend, "127.0.1.14"},    {"thalia", Role::client, "127.0.1.15"},
    };
    ASSERT_EQ(cluster.hosts.size(), expected.size());
    for (const LabHost& want : expected) {
        const Host* host = cluster.find_host(want.name);
        ASSERT_NE(host, nullptr) << want.name;
        EXPECT_EQ(host->role, want.role) << want.name;
        EXPECT_EQ(host->address, want.address);
        EXPECT_EQ(host->ssh_target, "root@" + want.address + ":2222");
        EXPECT_EQ(host->agent_command, "sudo -n mailng-agent stdio");
    }
    EXPECT_EQ(cluster.ports.ssh, 2222);
    Ports defaults;
    defaults.ssh = 2222;
    EXPECT_EQ(cluster.ports.smtp, defaults.smtp);
    EXPECT_EQ(cluster.ports.policy, defaults.policy);
    EXPECT_EQ(cluster.ports.ldap, defaults.ldap);
}

TEST(ClusterFilesTest, LabTrustsOnlyItsOwnNetworkNotTheOutsideAddress) {
    const Cluster cluster = loaded(load_cluster(source_dir + "/resources/lab/cluster.toml"));
    ASSERT_EQ(cluster.mynetworks.size(), 1u);
    EXPECT_EQ(cluster.mynetworks[0].cidr, "127.0.1.0/24");
    EXPECT_FALSE(cluster.mynetworks[0].excluded);
    for (const NetworkEntry& entry : cluster.mynetworks) {
        EXPECT_FALSE(!entry.excluded && cidr_contains(entry.cidr, "127.0.2.1/32")) << entry.cidr;
    }
}

TEST(ClusterFilesTest, LabResolvesSecretsNextToTheFile) {
    const Cluster cluster = loaded(load_cluster(source_dir + "/resources/lab/cluster.toml"));
    const fs::path folder = fs::absolute(fs::path(source_dir) / "resources/lab").lexically_normal();
    EXPECT_EQ(cluster.ldap.uri, "ldap://127.0.1.10:389/");
    EXPECT_EQ(cluster.ldap.base, "dc=example,dc=edu");
    EXPECT_EQ(cluster.ldap.bind_dn, "cn=mailng,ou=services,dc=example,dc=edu");
    EXPECT_EQ(cluster.ldap.bind_password_file, (folder / "ldap.secret").string());
    EXPECT_EQ(cluster.tls.cert_file, (folder / "tls/lab.crt").string());
    EXPECT_EQ(cluster.tls.key_file, (folder / "tls/lab.key").string());
    ASSERT_EQ(cluster.virtual_domains.size(), 1u);
    EXPECT_EQ(cluster.virtual_domains[0].users,
              (std::map<std::string, std::string>{{"ank", "bob"}, {"postmaster", "alice"}}));
}

// Defaults

TEST(ClusterDefaultsTest, HostDefaultsComeFromNameDomainAndAddress) {
    const Cluster cluster = loaded(parse_cluster(valid_cluster, "/etc/mailng/cluster.toml"));
    const Host* theano = cluster.find_host("theano");
    ASSERT_NE(theano, nullptr);
    EXPECT_EQ(theano->fqdn, "theano.example.edu");
    EXPECT_EQ(theano->ssh_target, "root@192.0.2.11");
    EXPECT_EQ(theano->agent_command, "sudo -n mailng-agent stdio");
    EXPECT_EQ(theano->paths.postfix_config_dir, "/etc/postfix");
    EXPECT_EQ(theano->source_line, line_of(valid_cluster, "[[hosts]]"));
    EXPECT_EQ(cluster.source_file, "/etc/mailng/cluster.toml");
}

TEST(ClusterDefaultsTest, SshTargetCarriesANonStandardPortAndBracketsIpv6) {
    std::string text = replaced(valid_cluster, "smtp = 25", "ssh = 2222");
    text = replaced(text, "address = \"192.0.2.13\"", "address = \"2001:db8::13\"");
    const Cluster cluster = loaded(parse_cluster(text, "/etc/mailng/cluster.toml"));
    EXPECT_EQ(cluster.find_host("theano")->ssh_target, "root@192.0.2.11:2222");
    EXPECT_EQ(cluster.find_host("gorgo")->ssh_target, "root@[2001:db8::13]:2222");
}

TEST(ClusterDefaultsTest, PolicyRetentionAndMonitoringDefaults) {
    const Cluster cluster = loaded(parse_cluster(valid_cluster, "/etc/mailng/cluster.toml"));
    EXPECT_EQ(cluster.amavis.admin_address, "postmaster@example.edu");
    EXPECT_EQ(cluster.amavis.spam_level, 6.31);
    EXPECT_EQ(cluster.amavis.quarantine_level, 20.0);
    EXPECT_EQ(cluster.retention.spam_days, 15);
    EXPECT_EQ(cluster.retention.virus_days, 7);
    EXPECT_EQ(cluster.retention.overrides.at(0).trash_days, 60);
    EXPECT_EQ(cluster.monitoring.size(), 4u);
    EXPECT_EQ(cluster.monitoring.at(Role::relay).load_critical,
              (std::vector<double>{50, 80, 30}));
    EXPECT_EQ(cluster.monitoring.at(Role::relay).var_free_critical_percent, 10);
    EXPECT_EQ(cluster.monitoring.at(Role::backend).queue_critical, 500);
    EXPECT_EQ(cluster.monitoring.at(Role::backend).load_warning,
              (std::vector<double>{50, 40, 30}));
    EXPECT_EQ(cluster.ports.imap, 143);
    EXPECT_EQ(cluster.ports.ssh, 22);
}

TEST(ClusterDefaultsTest, LdapDefaultsComeFromTheDirectoryHostAndDomain) {
    std::string text = replaced(valid_cluster, "[ldap]\nuri = \"ldap://192.0.2.10/\"\n", "");
    text += "\n[[hosts]]\nname = \"nireas\"\nrole = \"directory\"\naddress = \"192.0.2.10\"\n";
    const Cluster cluster = loaded(parse_cluster(text, "/etc/mailng/cluster.toml"));
    EXPECT_EQ(cluster.ldap.uri, "ldap://192.0.2.10/");
    EXPECT_EQ(cluster.ldap.base, "dc=example,dc=edu");
    EXPECT_TRUE(cluster.ldap.bind_dn.empty());
}

TEST(ClusterDefaultsTest, LdapUriIsRequiredWithoutADirectoryHost) {
    const std::string text = replaced(valid_cluster, "uri = \"ldap://192.0.2.10/\"\n", "");
    const auto result = parse_cluster(text, "c.toml");
    ASSERT_FALSE(result);
    EXPECT_TRUE(has_problem(result.error(), line_of(text, "[ldap]"), "missing key 'uri'"))
        << all_problems(result.error());
}

// Relative paths

TEST(ClusterPathsTest, RelativePathsAreRelativeToTheFilesFolder) {
    std::string text = std::string(valid_cluster) + "[hosts.paths]\nmail_root = \"../mail\"\n";
    text = replaced(text, "uri = \"ldap://192.0.2.10/\"",
                    "uri = \"ldap://192.0.2.10/\"\nbind_dn = \"cn=mailng,dc=example,dc=edu\"\n"
                    "bind_password_file = \"../secret/ldap.secret\"");
    const Cluster cluster = loaded(parse_cluster(text, "/srv/mailng/conf/cluster.toml"));
    EXPECT_EQ(cluster.tls.cert_file, "/srv/mailng/conf/tls/lab.crt");
    EXPECT_EQ(cluster.tls.key_file, "/srv/mailng/conf/tls/lab.key");
    EXPECT_EQ(cluster.ldap.bind_password_file, "/srv/mailng/secret/ldap.secret");
    EXPECT_EQ(cluster.find_host("gorgo")->paths.mail_root, "/srv/mailng/mail");
    EXPECT_EQ(cluster.find_host("theano")->paths.mail_root, "/Mail");
}

TEST(ClusterPathsTest, AbsolutePathsStayAndARelativeFileNameUsesTheWorkingDirectory) {
    const std::string text = replaced(valid_cluster, "cert = \"tls/lab.crt\"",
                                      "cert = \"/etc/ssl/mail.crt\"");
    const Cluster cluster = loaded(parse_cluster(text, "cluster.toml"));
    EXPECT_EQ(cluster.tls.cert_file, "/etc/ssl/mail.crt");
    EXPECT_EQ(cluster.tls.key_file, (fs::current_path() / "tls/lab.key").string());
}

// Validation: each case breaks the valid cluster in one place.

struct RuleCase {
    std::string rule;
    std::string from;    // text in valid_cluster
    std::string to;      // its replacement
    std::string blame;   // text whose line the problem must name; "" for the whole file
    std::string message; // part of the problem's message
};

class ClusterRuleTest : public testing::TestWithParam<RuleCase> {};

TEST_P(ClusterRuleTest, RejectsAtTheRightLine) {
    const RuleCase& rule = GetParam();
    const std::string text = replaced(valid_cluster, rule.from, rule.to);
    const auto result = parse_cluster(text, "cluster.toml");
    ASSERT_FALSE(result) << rule.rule << " was accepted";
    const int line = line_of(text, rule.blame);
    EXPECT_TRUE(has_problem(result.error(), line, rule.message))
        << "expected line " << line << ": " << rule.message << "\ngot:\n"
        << all_problems(result.error());
}

const std::string theano_address = "address = \"192.0.2.11\"";
const std::string gorgo_address = "address = \"192.0.2.13\"";

const RuleCase rule_cases[] = {
    // Unknown keys and tables
    {"typo_key", theano_address, "adress = \"192.0.2.11\"", "adress",
     "unknown key 'adress' in [[hosts]] (did you mean 'address'?)"},
    {"typo_key_leaves_required_key_missing", theano_address, "adress = \"192.0.2.11\"",
     "[[hosts]]", "missing required key 'address' in [[hosts]]"},
    {"typo_table", "[monitoring.relay]", "[monitoring.relai]", "[monitoring.relai]",
     "unknown table [monitoring.relai] (did you mean 'relay'?)"},
    {"typo_top_table", "[tls]", "[tsl]", "[tsl]", "unknown table [tsl] (did you mean 'tls'?)"},
    {"unknown_top_key", "[cluster]", "verbose = true\n[cluster]", "verbose",
     "unknown key 'verbose' at the top level"},
    {"typo_policy_key", "[tls]", "[policy]\npositive_tll_s = 10\n[tls]", "positive_tll_s",
     "unknown key 'positive_tll_s' in [policy] (did you mean 'positive_ttl_s'?)"},
    {"typo_host_path", gorgo_address, gorgo_address + "\n[hosts.paths]\nmail_rot = \"/x\"",
     "mail_rot", "unknown key 'mail_rot' in [hosts.paths] (did you mean 'mail_root'?)"},
    // Types
    {"string_for_integer", "smtp = 25", "smtp = \"25\"", "smtp",
     "'smtp' in [ports] must be an integer, not a string"},
    {"string_for_number", "tag_level = 2.0", "tag_level = \"high\"", "tag_level",
     "'tag_level' in [amavis] must be a number, not a string"},
    {"string_for_list", "mynetworks = [\"192.0.2.0/24\"]", "mynetworks = \"192.0.2.0/24\"",
     "mynetworks", "'mynetworks' in [network] must be an array, not a string"},
    {"string_for_table", theano_address, theano_address + "\npaths = \"/srv\"", "paths =",
     "'paths' in [[hosts]] must be a table, not a string"},
    {"control_character", "name = \"test\"", "name = \"te\\u0001st\"", "name = \"te",
     "must not contain control characters"},
    // Required keys and tables
    {"missing_domain", "domain = \"example.edu\"\n", "", "[cluster]",
     "missing required key 'domain' in [cluster]"},
    {"missing_cluster_table", "[cluster]\nname = \"test\"\ndomain = \"example.edu\"\n", "", "",
     "missing required table [cluster]"},
    {"missing_role", "role = \"backend\"\n", "", "[[hosts]]\nname = \"gorgo\"",
     "missing required key 'role' in [[hosts]]"},
    // Names and addresses
    {"invalid_domain", "domain = \"example.edu\"", "domain = \"exa_mple.edu\"", "domain =",
     "'exa_mple.edu' is not a valid domain name"},
    {"domain_label_too_long", "domain = \"example.edu\"",
     "domain = \"" + std::string(64, 'a') + ".edu\"", "domain =", "is not a valid domain name"},
    {"duplicate_host_ignoring_case", "name = \"gorgo\"", "name = \"Theano\"", "name = \"Theano\"",
     "host name 'Theano' is used twice (first at line 38)"},
    {"invalid_host_name", "name = \"theano\"", "name = \"the ano\"", "the ano",
     "host name 'the ano' is not a valid host name"},
    {"invalid_fqdn", theano_address, theano_address + "\nfqdn = \"theano..example.edu\"", "fqdn",
     "fqdn 'theano..example.edu' is not a valid domain name"},
    {"address_out_of_range", theano_address, "address = \"192.0.2.300\"", "192.0.2.300",
     "address '192.0.2.300' is not an IPv4 or IPv6 address"},
    {"name_for_address", theano_address, "address = \"theano.example.edu\"", "address =",
     "is not an IPv4 or IPv6 address"},
    {"invalid_role", "role = \"relay\"", "role = \"relais\"", "relais",
     "role 'relais' must be one of relay, backend, client, directory"},
    {"no_relay", "role = \"relay\"", "role = \"client\"", "",
     "at least one [[hosts]] entry with role = \"relay\""},
    {"no_backend", "role = \"backend\"", "role = \"directory\"", "",
     "at least one [[hosts]] entry with role = \"backend\""},
    {"ssh_option_injection", theano_address, theano_address + "\nssh = \"-oProxyCommand=x\"",
     "ssh =", "starts with '-'"},
    {"ssh_bad_port", theano_address, theano_address + "\nssh = \"root@192.0.2.11:0\"", "ssh =",
     "has a port outside 1..65535"},
    {"empty_agent_command", theano_address, theano_address + "\nagent_command = \" \"",
     "agent_command", "agent_command must not be empty"},
    // mynetworks
    {"prefix_too_long", "\"192.0.2.0/24\"]", "\"192.0.2.0/33\"]", "192.0.2.0/33",
     "mynetworks entry '192.0.2.0/33' has a prefix length outside 0..32"},
    {"host_bits", "\"192.0.2.0/24\"]", "\"192.0.2.1/24\"]", "192.0.2.1/24", "has host bits set"},
    {"no_prefix", "\"192.0.2.0/24\"]", "\"192.0.2.0\"]", "192.0.2.0\"",
     "is not in address/prefix form"},
    {"bad_exclusion", "\"192.0.2.0/24\"]", "\"192.0.2.0/24\",\n  \"!nonsense/8\"]", "!nonsense",
     "'!nonsense/8' has no valid IPv4 or IPv6 address"},
    {"exclusion_after_wider_network", "\"192.0.2.0/24\"]",
     "\"192.0.2.0/24\",\n  \"!192.0.2.128/25\"]", "!192.0.2.128/25",
     "'!192.0.2.128/25' has no effect: the earlier entry '192.0.2.0/24' (line 6)"},
    // Ports
    {"port_zero", "smtp = 25", "smtp = 0", "smtp", "must be between 1 and 65535, not 0"},
    {"port_too_big", "smtp = 25", "smtp = 70000", "smtp", "must be between 1 and 65535, not 70000"},
    {"unknown_port", "smtp = 25", "smtpd = 25", "smtpd", "unknown key 'smtpd' in [ports]"},
    // Monitoring
    {"queue_warning_not_below_critical", "queue_warning = 300", "queue_warning = 1000",
     "queue_warning", "queue_warning (1000) must be below queue_critical (1000)"},
    {"percent_over_100", "var_free_warning_percent = 20", "var_free_warning_percent = 101",
     "var_free_warning_percent", "must be between 0 and 100, not 101"},
    {"free_space_warning_not_above_critical", "var_free_warning_percent = 20",
     "var_free_warning_percent = 5", "var_free_warning_percent",
     "var_free_warning_percent (5) must be above var_free_critical_percent (10)"},
    {"load_needs_three_numbers", "load_warning = [25, 40, 15]", "load_warning = [25, 40]",
     "load_warning", "must hold three non-negative numbers"},
    {"load_warning_above_critical", "load_warning = [25, 40, 15]", "load_warning = [25, 90, 15]",
     "load_warning", "load_warning must not exceed load_critical in [monitoring.relay] (90 > 80)"},
    {"load_not_numbers", "load_warning = [25, 40, 15]", "load_warning = [25, \"x\", 15]",
     "load_warning", "must hold only numbers, not a string"},
    // Amavis
    {"levels_out_of_order", "tag_level = 2.0", "tag_level = 7.0", "tag_level",
     "spam_level (6.31) must not be below tag_level (7)"},
    {"quarantine_below_spammy", "tag_level = 2.0", "tag_level = 2.0\nquarantine_level = 10",
     "quarantine_level", "quarantine_level (10) must not be below spammy_level (12)"},
    {"subject_tag_with_quote", "tag_level = 2.0", "tag_level = 2.0\nspam_subject_tag = \"'S'\"",
     "spam_subject_tag", "spam_subject_tag must be non-empty and free of quotes"},
    {"admin_address_without_domain", "tag_level = 2.0",
     "tag_level = 2.0\nadmin_address = \"postmaster\"", "admin_address",
     "admin_address 'postmaster' is not a mail address"},
    // Retention
    {"zero_days", "trash_days = 30", "trash_days = 0", "trash_days = 0",
     "'trash_days' in [retention] must be between 1 and 36500, not 0"},
    {"negative_override", "trash_days = 60", "trash_days = -1", "trash_days = -1",
     "'trash_days' in [[retention.overrides]] must be between 1 and 36500, not -1"},
    {"override_without_days", "group = \"faculty\"\ntrash_days = 60", "group = \"faculty\"",
     "[[retention.overrides]]", "override for group 'faculty' sets none of"},
    {"override_twice", "trash_days = 60",
     "trash_days = 60\n[[retention.overrides]]\ngroup = \"faculty\" # again\nspam_days = 5",
     "faculty\" # again", "group 'faculty' has an override already (line 21)"},
    // Virtual domains
    {"virtual_is_primary", "name = \"rise.example.org\"", "name = \"Example.EDU\"",
     "Example.EDU", "virtual domain 'Example.EDU' is the primary domain"},
    {"virtual_invalid", "name = \"rise.example.org\"", "name = \"rise..example.org\"",
     "rise..example.org", "virtual domain 'rise..example.org' is not a valid domain name"},
    {"virtual_local_part", "ank = \"bob\"", "\"a k\" = \"bob\"", "\"a k\"",
     "local part 'a k' in users of 'rise.example.org'"},
    {"virtual_login", "ank = \"bob\"", "ank = \"Bob!\"", "Bob!", "login 'Bob!' is not valid"},
    {"virtual_unquoted_dotted_key", "ank = \"bob\"", "first.last = \"bob\"", "first.last",
     "quote local parts that contain dots"},
    // LDAP and TLS
    {"ldap_scheme", "uri = \"ldap://192.0.2.10/\"", "uri = \"http://192.0.2.10/\"", "uri =",
     "must start with ldap://, ldaps:// or ldapi://"},
    {"ldap_bind_dn_without_secret", "uri = \"ldap://192.0.2.10/\"",
     "uri = \"ldap://192.0.2.10/\"\nbind_dn = \"cn=mailng,dc=example,dc=edu\"", "bind_dn",
     "set both bind_dn and bind_password_file"},
    {"ldap_base_not_dn", "uri = \"ldap://192.0.2.10/\"",
     "uri = \"ldap://192.0.2.10/\"\nbase = \"example.edu\"", "base =",
     "base 'example.edu' is not a DN"},
    {"tls_cert_without_key", "key = \"tls/lab.key\"\n", "", "cert =",
     "set both cert and key in [tls], or neither"},
};

INSTANTIATE_TEST_SUITE_P(Rules, ClusterRuleTest, testing::ValuesIn(rule_cases),
                         [](const testing::TestParamInfo<RuleCase>& info) {
                             return info.param.rule;
                         });

TEST(ClusterRuleTest, TypoAtLineSevenNamesFileLineAndKey) {
    const std::string text = "[cluster]\n"
                             "name = \"x\"\n"
                             "domain = \"example.edu\"\n"
                             "\n"
                             "[[hosts]]\n"
                             "name = \"theano\"\n"
                             "adress = \"192.0.2.11\"\n";
    const auto result = parse_cluster(text, "cluster.toml");
    ASSERT_FALSE(result);
    const auto& problems = result.error();
    const bool found = std::any_of(problems.begin(), problems.end(), [](const Problem& p) {
        return p.to_string().rfind("cluster.toml:7:1: unknown key 'adress'", 0) == 0;
    });
    EXPECT_TRUE(found) << all_problems(problems);
}

TEST(ClusterRuleTest, CollectsEveryProblemInFileOrder) {
    std::string text = replaced(valid_cluster, "smtp = 25", "smtp = 0");
    text = replaced(text, theano_address, "address = \"nowhere\"");
    text = replaced(text, "domain = \"example.edu\"", "domain = \"-bad-\"");
    const auto result = parse_cluster(text, "cluster.toml");
    ASSERT_FALSE(result);
    const auto& problems = result.error();
    ASSERT_EQ(problems.size(), 3u) << all_problems(problems);
    EXPECT_EQ(problems[0].line, line_of(text, "domain ="));
    EXPECT_EQ(problems[1].line, line_of(text, "smtp ="));
    EXPECT_EQ(problems[2].line, line_of(text, "nowhere"));
}

TEST(ClusterRuleTest, TomlSyntaxErrorGivesFileLineAndColumn) {
    const auto result = parse_cluster("[cluster]\nname = \"x\"\ndomain = \n", "bad.toml");
    ASSERT_FALSE(result);
    ASSERT_EQ(result.error().size(), 1u);
    const Problem& problem = result.error()[0];
    EXPECT_EQ(problem.file, "bad.toml");
    EXPECT_EQ(problem.line, 3);
    EXPECT_GT(problem.column, 0);
    EXPECT_EQ(problem.to_string().rfind("bad.toml:3:", 0), 0u) << problem.to_string();
}

TEST(ClusterRuleTest, DuplicateTomlKeyIsASyntaxError) {
    const auto result = parse_cluster("[cluster]\nname = \"x\"\nname = \"y\"\n", "dup.toml");
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().at(0).line, 3);
}

TEST(ClusterLoadTest, MissingFileIsOneProblemAtLineZero) {
    const auto result = load_cluster("/nonexistent/mailng/cluster.toml");
    ASSERT_FALSE(result);
    ASSERT_EQ(result.error().size(), 1u);
    EXPECT_EQ(result.error()[0].line, 0);
    EXPECT_EQ(result.error()[0].to_string(),
              "/nonexistent/mailng/cluster.toml: cannot read the file: No such file or directory");
}

TEST(ClusterLoadTest, DirectoryIsNotAClusterFile) {
    const auto result = load_cluster(source_dir + "/resources");
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().at(0).message.find("it is a directory"), std::string::npos);
}

TEST(ClusterLoadTest, LoadReadsTheFileAndReportsItsName) {
    const fs::path file = fs::temp_directory_path() / "mailng-test-cluster.toml";
    std::ofstream(file) << replaced(valid_cluster, "smtp = 25", "smtp = 0");
    const auto result = load_cluster(file.string());
    fs::remove(file);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().at(0).file, file.string());
    EXPECT_EQ(result.error().at(0).line, line_of(valid_cluster, "smtp = 25"));
}

// The model's own functions

TEST(ClusterModelTest, RoleNamesRoundTrip) {
    for (const Role role : {Role::relay, Role::backend, Role::client, Role::directory}) {
        EXPECT_EQ(parse_role(role_name(role)), role);
    }
    EXPECT_EQ(role_name(Role::backend), "backend");
    EXPECT_FALSE(parse_role("Relay").has_value());
    EXPECT_FALSE(parse_role("").has_value());
}

TEST(ClusterModelTest, FindHostIgnoresCaseAndReportsAbsence) {
    const Cluster cluster = loaded(parse_cluster(valid_cluster, "c.toml"));
    ASSERT_NE(cluster.find_host("GORGO"), nullptr);
    EXPECT_EQ(cluster.find_host("GORGO")->address, "192.0.2.13");
    EXPECT_EQ(cluster.find_host("mirto"), nullptr);
    EXPECT_TRUE(cluster.hosts_with_role(Role::client).empty());
}

TEST(ClusterModelTest, DefaultThresholdsFollowTable7) {
    EXPECT_EQ(default_thresholds(Role::relay).load_warning, (std::vector<double>{25, 40, 15}));
    EXPECT_EQ(default_thresholds(Role::relay).queue_critical, 1000);
    EXPECT_EQ(default_thresholds(Role::backend).load_critical, (std::vector<double>{70, 60, 50}));
    EXPECT_EQ(default_thresholds(Role::backend).queue_warning, 100);
    EXPECT_EQ(default_thresholds(Role::client).var_free_warning_percent, 20);
}

// Name and address rules

struct Sample {
    std::string text;
    bool valid;
};

TEST(NameRulesTest, DomainNames) {
    const Sample samples[] = {
        {"example.edu", true},       {"Example.EDU", true},     {"a-b.example.edu", true},
        {"localhost", true},         {"", false},               {"example.edu.", false},
        {".example.edu", false},     {"exa mple.edu", false},   {"-a.example.edu", false},
        {"a-.example.edu", false},   {"a..b", false},           {"ex_ample.edu", false},
        {std::string(63, 'a') + ".edu", true}, {std::string(64, 'a') + ".edu", false},
    };
    for (const Sample& sample : samples) {
        EXPECT_EQ(is_valid_domain_name(sample.text), sample.valid) << sample.text;
    }
}

TEST(NameRulesTest, IpAddresses) {
    EXPECT_TRUE(is_valid_ip_address("192.0.2.1"));
    EXPECT_TRUE(is_valid_ip_address("2001:db8::1"));
    EXPECT_TRUE(is_ipv6_address("::1"));
    EXPECT_FALSE(is_ipv6_address("127.0.0.1"));
    EXPECT_FALSE(is_valid_ip_address("192.0.2"));
    EXPECT_FALSE(is_valid_ip_address("192.0.2.1 "));
    EXPECT_FALSE(is_valid_ip_address("[::1]"));
    EXPECT_FALSE(is_valid_ip_address(std::string_view("1.2.3.4\0x", 9)));
}

TEST(NameRulesTest, CidrErrors) {
    const std::pair<std::string, std::string> samples[] = {
        {"192.0.2.0/24", ""},
        {"0.0.0.0/0", ""},
        {"2001:db8::/32", ""},
        {"2001:db8::/129", "prefix length outside 0..128"},
        {"192.0.2.0/-1", "prefix length"},
        {"192.0.2.0/", "prefix length"},
        {"192.0.2.0/2 4", "prefix length"},
        {"192.0.2.1/32", ""},
        {"192.0.2.1/31", "host bits"},
        {"2001:db8::1/64", "host bits"},
        {"example.edu/24", "no valid IPv4 or IPv6 address"},
    };
    for (const auto& [cidr, error] : samples) {
        const std::string actual = cidr_error(cidr);
        if (error.empty()) {
            EXPECT_EQ(actual, "") << cidr;
        } else {
            EXPECT_NE(actual.find(error), std::string::npos) << cidr << ": " << actual;
        }
    }
}

TEST(NameRulesTest, CidrContains) {
    EXPECT_TRUE(cidr_contains("192.0.2.0/24", "192.0.2.128/25"));
    EXPECT_TRUE(cidr_contains("192.0.2.0/24", "192.0.2.0/24"));
    EXPECT_TRUE(cidr_contains("0.0.0.0/0", "203.0.113.7/32"));
    EXPECT_FALSE(cidr_contains("192.0.2.128/25", "192.0.2.0/24"));
    EXPECT_FALSE(cidr_contains("127.0.1.0/24", "127.0.2.1/32"));
    EXPECT_TRUE(cidr_contains("127.0.0.0/8", "127.0.2.1/32"));
    EXPECT_FALSE(cidr_contains("::/0", "192.0.2.0/24"));
    EXPECT_TRUE(cidr_contains("2001:db8::/32", "2001:db8:1::/48"));
}

TEST(NameRulesTest, LocalPartsAndLogins) {
    EXPECT_TRUE(is_valid_local_part("first.last+tag"));
    EXPECT_TRUE(is_valid_local_part("Post_Master-1"));
    EXPECT_FALSE(is_valid_local_part(".first"));
    EXPECT_FALSE(is_valid_local_part("first..last"));
    EXPECT_FALSE(is_valid_local_part("a b"));
    EXPECT_FALSE(is_valid_local_part("a@b"));
    EXPECT_TRUE(is_valid_login("ank"));
    EXPECT_TRUE(is_valid_login("first.last_2-x"));
    EXPECT_FALSE(is_valid_login("Ank"));
    EXPECT_FALSE(is_valid_login("a+b"));
    EXPECT_FALSE(is_valid_login("-rf"));
    EXPECT_FALSE(is_valid_login(""));
}

TEST(NameRulesTest, SshTargets) {
    const auto plain = parse_ssh_target("root@192.0.2.11:2222");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->user, "root");
    EXPECT_EQ(plain->host, "192.0.2.11");
    EXPECT_EQ(plain->port, 2222);
    const auto v6 = parse_ssh_target("[2001:db8::1]:22022");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->user, "");
    EXPECT_EQ(v6->host, "2001:db8::1");
    EXPECT_EQ(v6->port, 22022);
    const auto bare_v6 = parse_ssh_target("admin@2001:db8::1");
    ASSERT_TRUE(bare_v6);
    EXPECT_EQ(bare_v6->host, "2001:db8::1");
    EXPECT_EQ(bare_v6->port, 22);
    EXPECT_TRUE(parse_ssh_target("theano.example.edu"));
    for (const char* bad : {"", "-oProxyCommand=x", "root@", "@host", "root@host:", "root@host:0",
                            "root@host:65536", "root@ho st", "root@[192.0.2.1]:22",
                            "root@[2001:db8::1", "root@host:22x", "-x@host"}) {
        EXPECT_FALSE(parse_ssh_target(bad)) << bad;
    }
}

} // namespace
} // namespace mailng
