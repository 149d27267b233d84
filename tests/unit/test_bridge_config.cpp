// mailng-quotad-bridge's configuration file: defaults, the rendered template's shape,
// problems reported at their line and column, and the bind password file's checks.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "bridge_config.h"

namespace {

namespace fs = std::filesystem;
using mailng::Problem;
using mailng::bridge::BridgeConfig;
using mailng::bridge::LogTarget;
using mailng::bridge::QuotaSource;

/// A scratch folder with the config file and its secret, removed afterwards.
class ConfigFolder {
public:
    ConfigFolder() {
        std::string pattern = (fs::temp_directory_path() / "bridge-config-XXXXXX").string();
        dir_ = ::mkdtemp(pattern.data());
    }
    ~ConfigFolder() { fs::remove_all(dir_); }

    std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) {
        const std::string path = (dir_ / name).string();
        std::ofstream(path) << text;
        ::chmod(path.c_str(), mode);
        return path;
    }
    std::string config_path() const { return (dir_ / "quotad-bridge.toml").string(); }

private:
    fs::path dir_;
};

const std::string kSecret = "s3cret-bind-password";

std::string minimal_config(const std::string& secret_path) {
    return "listen = \"127.0.0.1:10041\"\n"
           "domain = \"Example.EDU\"\n"
           "[ldap]\n"
           "uri = \"ldap://127.0.1.10:389/\"\n"
           "base = \"dc=example,dc=edu\"\n"
           "bind_dn = \"cn=mailng,ou=services,dc=example,dc=edu\"\n"
           "bind_password_file = \"" + secret_path + "\"\n"
           "[quota]\n"
           "source = \"dovecot-quota-status\"\n"
           "address = \"127.0.1.13:12340\"\n";
}

std::string all_messages(const std::vector<Problem>& problems) {
    std::string text;
    for (const auto& problem : problems)
        text += problem.to_string() + "\n";
    return text;
}

class BridgeConfigTest : public ::testing::Test {
protected:
    mailng::Result<BridgeConfig, std::vector<Problem>> parse(const std::string& text) {
        return mailng::bridge::parse_bridge_config(text, folder.config_path());
    }
    /// The single problem of `text`, which must fail with exactly one.
    Problem only_problem(const std::string& text) {
        auto config = parse(text);
        EXPECT_FALSE(config);
        if (config)
            return {};
        EXPECT_EQ(config.error().size(), 1u) << all_messages(config.error());
        return config.error().front();
    }

    ConfigFolder folder;
    std::string secret = folder.write("bind.secret", kSecret + "\n");
};

TEST_F(BridgeConfigTest, MinimalFileGetsTheDocumentedDefaults) {
    auto config = parse(minimal_config(secret));
    ASSERT_TRUE(config) << all_messages(config.error());
    EXPECT_EQ(config->listen, "127.0.0.1:10041");
    EXPECT_EQ(config->allow, (std::vector<std::string>{"127.0.0.0/8", "::1/128"}));
    EXPECT_EQ(config->threads, 4u);
    EXPECT_EQ(config->log, LogTarget::syslog);
    const auto& resolver = config->resolver;
    EXPECT_EQ(resolver.primary_domain, "example.edu");
    EXPECT_EQ(resolver.domains, std::vector<std::string>{"example.edu"});
    EXPECT_EQ(resolver.ldap_uri, "ldap://127.0.1.10:389/");
    EXPECT_EQ(resolver.ldap_base, "dc=example,dc=edu");
    EXPECT_EQ(resolver.bind_dn, "cn=mailng,ou=services,dc=example,dc=edu");
    EXPECT_EQ(resolver.bind_password, kSecret); // one trailing newline stripped
    EXPECT_EQ(resolver.quota_source, QuotaSource::dovecot_quota_status);
    EXPECT_EQ(resolver.quota_address, "127.0.1.13:12340");
    EXPECT_EQ(resolver.ldap_timeout, std::chrono::milliseconds(1000));
    EXPECT_EQ(resolver.quota_timeout, std::chrono::milliseconds(1000));
    EXPECT_EQ(resolver.positive_ttl, std::chrono::seconds(300));
    EXPECT_EQ(resolver.negative_ttl, std::chrono::seconds(60));
}

// The shape that resources/templates/mailng/quotad-bridge.toml renders.
TEST_F(BridgeConfigTest, ReadsEveryKeyAsTheTemplateRendersThem) {
    auto config = parse("listen = \"192.0.2.21:10041\"\n"
                        "allow = [\"198.51.100.10/32\", \"198.51.100.11\", \"192.0.2.21/32\"]\n"
                        "domain = \"example.edu\"\n"
                        "positive_ttl_s = 600\n"
                        "negative_ttl_s = 30\n"
                        "threads = 8\n"
                        "ldap_timeout_ms = 500\n"
                        "quota_timeout_ms = 250\n"
                        "log = \"stderr\"\n"
                        "[ldap]\n"
                        "uri = \"ldap://192.0.2.30/\"\n"
                        "base = \"dc=example,dc=edu\"\n"
                        "bind_dn = \"\"\n"
                        "bind_password_file = \"\"\n"
                        "[quota]\n"
                        "source = \"maildirsize\"\n"
                        "address = \"192.0.2.21:12340\"\n"
                        "maildir_root = \"/sys-data/mail/dovecot/control\"\n"
                        "[virtual_domains]\n"
                        "\"Rise.Example.org\" = { postmaster = \"postmaster\", Ank = \"ank\" }\n");
    ASSERT_TRUE(config) << all_messages(config.error());
    EXPECT_EQ(config->allow, (std::vector<std::string>{"198.51.100.10/32", "198.51.100.11/32",
                                                       "192.0.2.21/32"}));
    EXPECT_EQ(config->threads, 8u);
    EXPECT_EQ(config->log, LogTarget::stderr_stream);
    const auto& resolver = config->resolver;
    EXPECT_TRUE(resolver.bind_dn.empty());
    EXPECT_TRUE(resolver.bind_password.empty());
    EXPECT_EQ(resolver.quota_source, QuotaSource::maildirsize);
    EXPECT_EQ(resolver.maildirsize_root, "/sys-data/mail/dovecot/control");
    EXPECT_EQ(resolver.positive_ttl, std::chrono::seconds(600));
    EXPECT_EQ(resolver.negative_ttl, std::chrono::seconds(30));
    EXPECT_EQ(resolver.ldap_timeout, std::chrono::milliseconds(500));
    EXPECT_EQ(resolver.quota_timeout, std::chrono::milliseconds(250));
    EXPECT_EQ(resolver.domains, (std::vector<std::string>{"example.edu", "rise.example.org"}));
    const auto& rise = resolver.virtual_domains.at("rise.example.org");
    EXPECT_EQ(rise.at("postmaster"), "postmaster");
    EXPECT_EQ(rise.at("ank"), "ank");
}

TEST_F(BridgeConfigTest, ReadsTheShippedExample) {
    const std::string example = std::string(MAILNG_RESOURCE_DIR) + "/examples/quotad-bridge.toml";
    std::ifstream in(example);
    ASSERT_TRUE(in) << example;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The example names /etc/mailng/ldap-bind.secret; point it at the scratch secret.
    const std::string shipped = "/etc/mailng/ldap-bind.secret";
    auto at = text.find(shipped);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, shipped.size(), secret);
    auto config = parse(text);
    ASSERT_TRUE(config) << all_messages(config.error());
    EXPECT_EQ(config->resolver.bind_password, kSecret);
}

TEST_F(BridgeConfigTest, UnknownKeysAreRefusedAtTheirLine) {
    auto problem = only_problem("lisen = \"127.0.0.1:1\"\n" + minimal_config(secret));
    EXPECT_EQ(problem.line, 1);
    EXPECT_EQ(problem.column, 1);
    EXPECT_EQ(problem.message, "unknown key 'lisen'");

    problem = only_problem(minimal_config(secret) + "timeout = 3\n");
    EXPECT_EQ(problem.line, 11);
    EXPECT_EQ(problem.message, "unknown key 'quota.timeout'");
}

TEST_F(BridgeConfigTest, ProblemsNameFileLineAndColumn) {
    auto problem = only_problem("threads = \"four\"\n" + minimal_config(secret));
    EXPECT_EQ(problem.to_string(), folder.config_path() +
                                       ":1:11: 'threads' must be an integer from 1 to 64");
}

TEST_F(BridgeConfigTest, ReportsEveryProblemInFileOrder) {
    auto config = parse("listen = \"localhost:10041\"\n"          // 1: not an address
                        "allow = [\"10.0.0.0/8\", \"10.1.2.3/8\"]\n" // 2: host bits
                        "domain = \"example.edu\"\n"
                        "negative_ttl_s = -1\n"                    // 4
                        "[ldap]\n"
                        "uri = \"http://x/\"\n"                     // 6
                        "base = \"dc=example,dc=edu\"\n"
                        "[quota]\n"
                        "source = \"quotactl\"\n");                 // 9
    ASSERT_FALSE(config);
    const auto& problems = config.error();
    ASSERT_EQ(problems.size(), 5u) << all_messages(problems);
    EXPECT_EQ(problems[0].line, 1);
    EXPECT_EQ(problems[1].line, 2);
    EXPECT_EQ(problems[1].column, 24);
    EXPECT_NE(problems[1].message.find("10.1.2.3/8"), std::string::npos);
    EXPECT_EQ(problems[2].line, 4);
    EXPECT_EQ(problems[3].line, 6);
    EXPECT_EQ(problems[4].line, 9);
}

TEST_F(BridgeConfigTest, MissingKeysAreReported) {
    auto config = parse("[ldap]\nuri = \"ldap://x/\"\n");
    ASSERT_FALSE(config);
    const std::string text = all_messages(config.error());
    for (const char* missing : {"'listen'", "'domain'", "'ldap.base'", "'quota'"})
        EXPECT_NE(text.find(std::string("missing key ") + missing), std::string::npos) << text;
}

TEST_F(BridgeConfigTest, TomlSyntaxErrorsHaveALine) {
    auto problem = only_problem("listen = \"127.0.0.1:10041\"\ndomain = \n");
    EXPECT_EQ(problem.line, 2);
}

TEST_F(BridgeConfigTest, AnEmptyAllowListIsRefused) {
    auto problem = only_problem("allow = []\n" + minimal_config(secret));
    EXPECT_EQ(problem.line, 1);
    EXPECT_NE(problem.message.find("non-empty"), std::string::npos);
}

TEST_F(BridgeConfigTest, EachQuotaSourceNeedsItsSetting) {
    const std::string head = "listen = \"127.0.0.1:10041\"\ndomain = \"example.edu\"\n"
                             "[ldap]\nuri = \"ldap://x/\"\nbase = \"dc=x\"\n[quota]\n";
    EXPECT_EQ(only_problem(head + "source = \"dovecot-quota-status\"\n").line, 6);
    EXPECT_FALSE(parse(head + "source = \"maildirsize\"\nmaildir_root = \"relative\"\n"));
    EXPECT_FALSE(parse(head + "source = \"fs\"\n"));
    auto fs = parse(head + "source = \"fs\"\ndevice = \"/srv/mail\"\n");
    ASSERT_TRUE(fs) << all_messages(fs.error());
    EXPECT_EQ(fs->resolver.fs_quota_device, "/srv/mail");
}

TEST_F(BridgeConfigTest, BindDnAndPasswordFileGoTogether) {
    const std::string head = "listen = \"127.0.0.1:10041\"\ndomain = \"example.edu\"\n"
                             "[quota]\nsource = \"fs\"\ndevice = \"/srv\"\n"
                             "[ldap]\nuri = \"ldap://x/\"\nbase = \"dc=x\"\n";
    EXPECT_EQ(only_problem(head + "bind_dn = \"cn=x\"\n").line, 9);
    EXPECT_EQ(only_problem(head + "bind_password_file = \"" + secret + "\"\n").line, 9);
}

TEST_F(BridgeConfigTest, VirtualDomainsAreChecked) {
    const std::string base = minimal_config(secret) + "[virtual_domains]\n";
    EXPECT_EQ(only_problem(base + "\"rise.example.org\" = { postmaster = \"-rf\" }\n").line, 12);
    EXPECT_FALSE(parse(base + "\"rise.example.org\" = \"alice\"\n"));
    EXPECT_FALSE(parse(base + "\"not a domain\" = { a = \"alice\" }\n"));
    EXPECT_FALSE(parse(base + "\"example.edu\" = { a = \"alice\" }\n"));
}

TEST_F(BridgeConfigTest, ARelativeSecretPathIsRelativeToTheConfigFile) {
    auto config = parse(minimal_config("bind.secret"));
    ASSERT_TRUE(config) << all_messages(config.error());
    EXPECT_EQ(config->bind_password_file, secret);
    EXPECT_EQ(config->resolver.bind_password, kSecret);
}

TEST_F(BridgeConfigTest, ASecretReadableByOthersIsRefusedWithoutShowingIt) {
    const std::string open_secret = folder.write("open.secret", kSecret, 0644);
    auto problem = only_problem(minimal_config(open_secret));
    EXPECT_EQ(problem.line, 7); // the bind_password_file line
    EXPECT_NE(problem.message.find("readable by group or others (mode 0644)"), std::string::npos)
        << problem.message;
    EXPECT_EQ(problem.message.find(kSecret), std::string::npos);

    const std::string group_secret = folder.write("group.secret", kSecret, 0640);
    EXPECT_FALSE(parse(minimal_config(group_secret)));
}

TEST(ReadSecretFile, ChecksModeContentAndExistence) {
    ConfigFolder folder;
    EXPECT_EQ(mailng::bridge::read_secret_file(folder.write("a", "pw\r\n")).value(), "pw");
    EXPECT_EQ(mailng::bridge::read_secret_file(folder.write("b", "pw")).value(), "pw");
    EXPECT_FALSE(mailng::bridge::read_secret_file(folder.write("c", "\n")));
    EXPECT_FALSE(mailng::bridge::read_secret_file(folder.write("d", "two\nlines\n")));
    EXPECT_FALSE(mailng::bridge::read_secret_file(folder.write("e", "pw", 0604)));
    auto missing = mailng::bridge::read_secret_file(folder.config_path() + ".none");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("No such file"), std::string::npos) << missing.error();
}

TEST(LoadBridgeConfig, AnUnreadableFileIsOneProblemAtLineZero) {
    auto config = mailng::bridge::load_bridge_config("/nonexistent/quotad-bridge.toml");
    ASSERT_FALSE(config);
    ASSERT_EQ(config.error().size(), 1u);
    EXPECT_EQ(config.error().front().line, 0);
    EXPECT_EQ(config.error().front().to_string(),
              "/nonexistent/quotad-bridge.toml: No such file or directory");
}

} // namespace
