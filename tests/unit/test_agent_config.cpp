// agent.toml: the Debian defaults, a full file, each kind of problem at its line:column,
// and who gets which access.
#include <gtest/gtest.h>

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "agent_config.h"

namespace mailng::agent {
namespace {

namespace fs = std::filesystem;

AgentConfig parse_ok(const std::string& text) {
    auto config = parse_agent_config(text, "agent.toml");
    EXPECT_TRUE(config) << (config ? "" : config.error().front().to_string());
    return config ? config.value() : AgentConfig{};
}

/// Every problem of `text`, as "file:line:column: message".
std::vector<std::string> problems_of(const std::string& text) {
    auto config = parse_agent_config(text, "agent.toml");
    EXPECT_FALSE(config);
    std::vector<std::string> lines;
    if (!config) {
        for (const auto& problem : config.error()) {
            lines.push_back(problem.to_string());
        }
    }
    return lines;
}

/// The single problem of `text`.
std::string problem_of(const std::string& text) {
    const auto problems = problems_of(text);
    EXPECT_EQ(problems.size(), 1u) << testing::PrintToString(problems);
    return problems.empty() ? "" : problems.front();
}

std::vector<std::string> names_of(const std::vector<ServiceSpec>& services) {
    std::vector<std::string> names;
    for (const auto& service : services) {
        names.push_back(service.name);
    }
    return names;
}

const ServiceSpec* find_service(const AgentConfig& config, std::string_view name) {
    for (const auto& service : config.services) {
        if (service.name == name) {
            return &service;
        }
    }
    return nullptr;
}

TEST(AgentConfigDefaults, AreTheDebianPaths) {
    const AgentConfig config = default_agent_config();
    char host[HOST_NAME_MAX + 1] = {};
    ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
    EXPECT_EQ(config.host, host);
    EXPECT_TRUE(config.source_file.empty());
    EXPECT_EQ(config.state_dir, "/var/lib/mailng");
    EXPECT_EQ(config.audit_db(), "/var/lib/mailng/audit.sqlite");
    EXPECT_EQ(config.command_timeout, std::chrono::milliseconds(30'000));
    EXPECT_EQ(config.show_max_bytes, 1u << 20);
    EXPECT_EQ(config.tools.postsuper, "/usr/sbin/postsuper");
    EXPECT_EQ(config.tools.doveadm, "/usr/bin/doveadm");
    EXPECT_EQ(config.postfix_config_dir, "/etc/postfix");
    EXPECT_TRUE(config.postfix_queue_dir.empty());
    EXPECT_EQ(config.dovecot_config, "/etc/dovecot/dovecot.conf");
    EXPECT_EQ(config.metrics.interval, std::chrono::seconds(60));
    EXPECT_EQ(config.check_queue.critical, 2000);
}

TEST(AgentConfigDefaults, ListTheInstalledServicesOfAMailHost) {
    const AgentConfig config = default_agent_config();
    struct Expected {
        const char* name;
        const char* pid_file;
        const char* program;
    };
    const Expected expected[] = {
        {"postfix", "/var/spool/postfix/pid/master.pid", "/usr/sbin/postfix"},
        {"dovecot", "/run/dovecot/master.pid", "/usr/sbin/dovecot"},
        {"amavisd", "/run/amavis/amavisd.pid", "/usr/sbin/amavisd-new"},
        {"clamd", "/run/clamav/clamd.pid", "/usr/sbin/clamd"},
        {"slapd", "/run/slapd/slapd.pid", "/usr/sbin/slapd"},
        {"fail2ban", "/run/fail2ban/fail2ban.pid", "/usr/bin/fail2ban-server"},
        {"mailng-quotad-bridge", "/run/mailng/mailng-quotad-bridge.pid",
         "/usr/sbin/mailng-quotad-bridge"},
    };
    for (const auto& service : expected) {
        const ServiceSpec* found = find_service(config, service.name);
        if (::access(service.program, X_OK) != 0) {
            EXPECT_EQ(found, nullptr) << service.name << " is not installed";
            continue;
        }
        ASSERT_NE(found, nullptr) << service.name;
        EXPECT_EQ(found->pid_file, service.pid_file);
    }
}

TEST(AgentConfigDefaults, GiveRootAdminAndNobodyElseAnything) {
    const AgentConfig config = default_agent_config();
    EXPECT_EQ(config.access_of("root"), Access::admin);
    EXPECT_EQ(config.access_of("alice"), Access::none);
}

TEST(AgentConfigDefaults, AnEmptyFileIsTheDefaults) {
    const AgentConfig config = parse_ok("");
    EXPECT_EQ(config.source_file, "agent.toml");
    EXPECT_EQ(config.host, default_agent_config().host);
    EXPECT_EQ(names_of(config.services), names_of(default_agent_config().services));
    EXPECT_EQ(config.access_of("root"), Access::admin);
}

TEST(AgentConfigDefaults, ThePostfixPidFileFollowsTheQueueDirectory) {
    const AgentConfig config = parse_ok("[postfix]\nqueue_dir = \"/srv/lab/spool\"\n");
    EXPECT_EQ(find_service(config, "postfix")->pid_file, "/srv/lab/spool/pid/master.pid");
}

const char* kFullFile = R"(host = "theano"
role = "relay"
state_dir = "/srv/lab/theano/state"
command_timeout_ms = 5000
show_max_bytes = 65536
[tools]
postqueue = "/opt/postfix/sbin/postqueue"
postsuper = "/opt/postfix/sbin/postsuper"
postcat = "/opt/postfix/sbin/postcat"
postconf = "/opt/postfix/sbin/postconf"
doveadm = "/opt/dovecot/bin/doveadm"
amavisd_release = "/opt/amavis/amavisd-release"
[postfix]
config_dir = "/srv/lab/theano/postfix"
queue_dir = "/srv/lab/theano/spool"
[dovecot]
config = "/srv/lab/theano/dovecot/dovecot.conf"
[amavis]
quarantine_dir = "/srv/lab/theano/quarantine"
[filesystems]
mail = "/srv/lab/theano/mail"
var = "/srv/lab"
[services.postfix]
pid_file = "/srv/lab/theano/spool/pid/master.pid"
[services.amavisd]
pid_file = "/srv/lab/theano/amavisd.pid"
process = "amavisd-new"
[services.clamd]
process = "clamd"
[services.mailng-policyd]
pid_file = "/srv/lab/theano/policyd.pid"
stats_file = "/srv/lab/theano/policyd-stats.json"
[access]
root = "admin"
alice = "operator"
nagios = "viewer"
[metrics]
interval_s = 30
retention_days = 7
max_rows = 5000
[check_queue]
warning = 100
critical = 400
growth_warning_minutes = 10
growth_critical_minutes = 20
)";

TEST(AgentConfigFile, EveryKeyIsRead) {
    const AgentConfig config = parse_ok(kFullFile);
    EXPECT_EQ(config.host, "theano");
    EXPECT_EQ(config.role, "relay");
    EXPECT_EQ(config.metrics_db(), "/srv/lab/theano/state/metrics.sqlite");
    EXPECT_EQ(config.command_timeout, std::chrono::milliseconds(5000));
    EXPECT_EQ(config.show_max_bytes, 65536u);
    EXPECT_EQ(config.tools.postqueue, "/opt/postfix/sbin/postqueue");
    EXPECT_EQ(config.tools.postconf, "/opt/postfix/sbin/postconf");
    EXPECT_EQ(config.tools.amavisd_release, "/opt/amavis/amavisd-release");
    EXPECT_EQ(config.postfix_config_dir, "/srv/lab/theano/postfix");
    EXPECT_EQ(config.postfix_queue_dir, "/srv/lab/theano/spool");
    EXPECT_EQ(config.dovecot_config, "/srv/lab/theano/dovecot/dovecot.conf");
    EXPECT_EQ(config.amavis_quarantine_dir, "/srv/lab/theano/quarantine");
    EXPECT_EQ(config.mail_filesystem, "/srv/lab/theano/mail");
    EXPECT_EQ(config.var_filesystem, "/srv/lab");
    EXPECT_EQ(config.metrics.interval, std::chrono::seconds(30));
    EXPECT_EQ(config.metrics.retention_days, 7);
    EXPECT_EQ(config.metrics.max_rows, 5000);
    EXPECT_EQ(config.check_queue.warning, 100);
    EXPECT_EQ(config.check_queue.critical, 400);
    EXPECT_EQ(config.check_queue.growth_warning_minutes, 10);
    EXPECT_EQ(config.check_queue.growth_critical_minutes, 20);
}

TEST(AgentConfigFile, ServicesReplaceTheDefaultsInFileOrder) {
    const AgentConfig config = parse_ok(kFullFile);
    EXPECT_EQ(names_of(config.services),
              (std::vector<std::string>{"postfix", "amavisd", "clamd", "mailng-policyd"}));
    EXPECT_EQ(config.services[1].pid_file, "/srv/lab/theano/amavisd.pid");
    EXPECT_EQ(config.services[1].process, "amavisd-new");
    EXPECT_TRUE(config.services[2].pid_file.empty());
    EXPECT_EQ(config.services[2].process, "clamd");
    EXPECT_TRUE(config.services[2].stats_file.empty());
    EXPECT_EQ(config.services[3].stats_file, "/srv/lab/theano/policyd-stats.json");
}

TEST(AgentConfigFile, AnEmptyServicesTableMeansNoServices) {
    EXPECT_TRUE(parse_ok("[services]\n").services.empty());
}

TEST(AgentConfigAccess, ListedUsersGetTheirLevelOthersNone) {
    const AgentConfig config = parse_ok(kFullFile);
    EXPECT_EQ(config.access_of("root"), Access::admin);
    EXPECT_EQ(config.access_of("alice"), Access::operator_);
    EXPECT_EQ(config.access_of("nagios"), Access::viewer);
    EXPECT_EQ(config.access_of("mallory"), Access::none);
    EXPECT_EQ(config.access_of(""), Access::none);
}

TEST(AgentConfigAccess, AnAccessTableReplacesRootAdmin) {
    const AgentConfig config = parse_ok("[access]\nalice = \"admin\"\n");
    EXPECT_EQ(config.access_of("alice"), Access::admin);
    EXPECT_EQ(config.access_of("root"), Access::none);
}

TEST(AgentConfigAccess, NamesRoundTrip) {
    for (Access access : {Access::none, Access::viewer, Access::operator_, Access::admin}) {
        EXPECT_EQ(parse_access(to_string(access)), access);
    }
    EXPECT_EQ(to_string(Access::operator_), "operator");
    EXPECT_FALSE(parse_access("Admin"));
    EXPECT_FALSE(parse_access("root"));
    EXPECT_TRUE(Access::admin > Access::operator_ && Access::operator_ > Access::viewer);
}

TEST(AgentConfigProblems, UnknownKeysAreRefusedAtTheKey) {
    EXPECT_EQ(problem_of("host = \"theano\"\nstate_directory = \"/x\"\n"),
              "agent.toml:2:1: unknown key 'state_directory' at the top level");
    EXPECT_EQ(problem_of("[metrics]\ninterval = 30\n"),
              "agent.toml:2:1: unknown key 'interval' in [metrics] (did you mean "
              "'interval_s'?)");
    EXPECT_EQ(problem_of("[tool]\npostqueue = \"/usr/sbin/postqueue\"\n"),
              "agent.toml:1:2: unknown table [tool] (did you mean 'tools'?)");
    EXPECT_EQ(problem_of("[services.postfix]\npid_file = \"/run/p.pid\"\npidfile = \"/x\"\n"),
              "agent.toml:3:1: unknown key 'pidfile' in [services.postfix] (did you mean "
              "'pid_file'?)");
}

TEST(AgentConfigProblems, WrongTypesNameWhatWasFound) {
    EXPECT_EQ(problem_of("command_timeout_ms = \"30s\"\n"),
              "agent.toml:1:22: 'command_timeout_ms' at the top level must be an integer, not "
              "a string");
    EXPECT_EQ(problem_of("[tools]\ndoveadm = 1\n"),
              "agent.toml:2:11: 'doveadm' in [tools] must be a string, not an integer");
    EXPECT_EQ(problem_of("metrics = 5\n"),
              "agent.toml:1:11: 'metrics' at the top level must be a table, not an integer");
}

TEST(AgentConfigProblems, NumbersOutOfRange) {
    EXPECT_EQ(problem_of("[metrics]\nretention_days = 0\n"),
              "agent.toml:2:18: 'retention_days' in [metrics] must be between 1 and 36500, "
              "not 0");
    EXPECT_EQ(problem_of("command_timeout_ms = 0\n"),
              "agent.toml:1:22: 'command_timeout_ms' at the top level must be between 1 and "
              "3600000, not 0");
}

TEST(AgentConfigProblems, PathsMustBeAbsolute) {
    EXPECT_EQ(problem_of("state_dir = \"var/lib/mailng\"\n"),
              "agent.toml:1:13: 'state_dir' at the top level must be an absolute path, not "
              "'var/lib/mailng'");
    EXPECT_EQ(problem_of("[postfix]\nconfig_dir = \"\"\n"),
              "agent.toml:2:14: 'config_dir' in [postfix] must be an absolute path, not ''");
    EXPECT_EQ(parse_ok("[postfix]\nqueue_dir = \"\"\n").postfix_queue_dir, "");
    EXPECT_EQ(problem_of("[services.mailng-policyd]\nprocess = \"mailng-policyd\"\n"
                         "stats_file = \"stats.json\"\n"),
              "agent.toml:3:14: 'stats_file' in [services.mailng-policyd] must be an absolute "
              "path, not 'stats.json'");
}

TEST(AgentConfigProblems, ControlCharactersAreRefused) {
    EXPECT_EQ(problem_of("host = \"the\\u0001ano\"\n"),
              "agent.toml:1:1: 'host' at the top level must not contain control characters");
}

TEST(AgentConfigProblems, AccessValuesAndUsers) {
    EXPECT_EQ(problem_of("[access]\nalice = \"superuser\"\n"),
              "agent.toml:2:9: access 'superuser' of 'alice' must be viewer, operator or admin");
    EXPECT_EQ(problem_of("[access]\nalice = \"none\"\n"),
              "agent.toml:2:9: access 'none' of 'alice' must be viewer, operator or admin");
    EXPECT_EQ(problem_of("[access]\n\"-rf\" = \"admin\"\n"),
              "agent.toml:2:1: user '-rf' is not a login name ([a-z0-9._-], not starting with "
              "'-')");
    EXPECT_EQ(problem_of("[access]\n"),
              "agent.toml:1:1: [access] lists nobody, so the agent would refuse every caller, "
              "root included");
}

TEST(AgentConfigProblems, ServicesNeedAWayToBeFound) {
    EXPECT_EQ(problem_of("[services.dovecot]\n"),
              "agent.toml:1:1: [services.dovecot] needs pid_file or process: without either "
              "the service never shows as running");
    EXPECT_EQ(problem_of("[services]\n\"bad name\" = { process = \"x\" }\n"),
              "agent.toml:2:1: service name 'bad name' may hold only letters, digits and - _ . @");
    EXPECT_EQ(problem_of("[services]\ndovecot = \"/run/dovecot/master.pid\"\n"),
              "agent.toml:2:11: 'dovecot' in [services] must be a table, not a string");
    EXPECT_EQ(problem_of("[services.clamd]\nprocess = \"/usr/sbin/clamd\"\n"),
              "agent.toml:2:11: process '/usr/sbin/clamd' must be a command name as ps shows "
              "it, without '/'");
}

TEST(AgentConfigProblems, RoleAndHost) {
    EXPECT_EQ(problem_of("role = \"relais\"\n"),
              "agent.toml:1:8: role 'relais' must be one of relay, backend, client, directory");
    EXPECT_EQ(problem_of("host = \"-theano\"\n"),
              "agent.toml:1:8: host '-theano' is not a host name");
}

TEST(AgentConfigProblems, WarningMustBeBelowCritical) {
    EXPECT_EQ(problem_of("[check_queue]\nwarning = 3000\n"),
              "agent.toml:2:1: warning (3000) must be below critical (2000) in [check_queue]");
    EXPECT_EQ(problem_of("[check_queue]\ngrowth_critical_minutes = 30\n"),
              "agent.toml:2:1: growth_warning_minutes (30) must be below "
              "growth_critical_minutes (30) in [check_queue]");
}

TEST(AgentConfigProblems, AllAreReportedInFileOrder) {
    const auto problems = problems_of("show_max_bytes = 1\n"
                                      "[tools]\n"
                                      "postcat = \"postcat\"\n"
                                      "[access]\n"
                                      "bob = \"root\"\n");
    ASSERT_EQ(problems.size(), 3u) << testing::PrintToString(problems);
    EXPECT_EQ(problems[0].rfind("agent.toml:1:18: 'show_max_bytes'", 0), 0u) << problems[0];
    EXPECT_EQ(problems[1].rfind("agent.toml:3:11: 'postcat' in [tools]", 0), 0u) << problems[1];
    EXPECT_EQ(problems[2].rfind("agent.toml:5:7: access 'root' of 'bob'", 0), 0u) << problems[2];
}

TEST(AgentConfigProblems, TomlSyntaxErrorHasAPosition) {
    const auto problem = problem_of("host = \"theano\"\nrole = \n");
    EXPECT_EQ(problem.rfind("agent.toml:2:", 0), 0u) << problem;
}

TEST(AgentConfigLoad, ReadsAFileAndNamesIt) {
    char pattern[] = "/tmp/agent-config-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    const fs::path dir = pattern;
    const std::string path = (dir / "agent.toml").string();
    std::ofstream(path) << "host = \"gorgo\"\n";
    auto config = load_agent_config(path);
    fs::remove_all(dir);
    ASSERT_TRUE(config) << config.error().front().to_string();
    EXPECT_EQ(config->host, "gorgo");
    EXPECT_EQ(config->source_file, path);
}

TEST(AgentConfigLoad, AMissingFileIsOneProblemAtLineZero) {
    auto config = load_agent_config("/nonexistent/agent.toml");
    ASSERT_FALSE(config);
    ASSERT_EQ(config.error().size(), 1u);
    EXPECT_EQ(config.error().front().line, 0);
    EXPECT_EQ(config.error().front().to_string(),
              "/nonexistent/agent.toml: cannot read the file: No such file or directory");
}

} // namespace
} // namespace mailng::agent
