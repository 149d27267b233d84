// The agent's amavisd quarantine: QuarantineStore over a temporary directory built from
// the two real quarantine files in tests/data/amavis (one gzipped, one plain), and the
// quarantine.* methods on top of it. Release runs a fake amavisd-release that records its
// argv: it checks the argument contract only; the real release against the lab's amavisd
// is an integration test.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "method_table.h"
#include "quarantine_store.h"

namespace mailng::agent {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kGzName = "spam-pE2_zCCq6tFz.gz";    // spammer@outside.test -> bob, 999
constexpr const char* kPlainName = "spam-iecQnMScPwjq";    // <> -> alice, bob, frank, 1000
constexpr const char* kBannedName = "banned-bAnned012345"; // kept in the hashed subdir b/
constexpr std::int64_t kGzTime = 1'700'000'300;
constexpr std::int64_t kPlainTime = 1'700'000'200;
constexpr std::int64_t kBannedTime = 1'700'000'100;

std::string data_file(const std::string& name) {
    std::ifstream in(MAILNG_SOURCE_DIR "/tests/data/amavis/" + name, std::ios::binary);
    EXPECT_TRUE(in) << "tests/data/amavis/" << name << " missing";
    return {std::istreambuf_iterator<char>(in), {}};
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void write_file(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

void set_mtime(const fs::path& path, std::int64_t seconds) {
    timespec times[2] = {{seconds, 0}, {seconds, 0}};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

class QuarantineTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/mailng-quarantine-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        root_ = pattern;
        quarantine_ = root_ / "quarantine";
        fs::create_directories(quarantine_ / "b");
        add(kGzName, data_file(kGzName), kGzTime);
        add(kPlainName, data_file(kPlainName), kPlainTime);
        add(std::string("b/") + kBannedName, data_file(kPlainName), kBannedTime);
        // Not quarantine entries: other names, a file outside its hashed subdirectory.
        write_file(quarantine_ / "README", "x");
        write_file(quarantine_ / "spam-short", "x");
        fs::create_directories(quarantine_ / "c");
        write_file(quarantine_ / "c" / "spam-xMisplaced01", data_file(kPlainName));
        write_file(root_ / "secret", "root:secret\n");
        config_.amavis_quarantine_dir = quarantine_.string();
        config_.tools.amavisd_release = (root_ / "amavisd-release").string();
        register_quarantine_methods(table_);
    }

    void TearDown() override {
        std::error_code ignored;
        fs::remove_all(root_, ignored);
    }

    void add(const std::string& relative, const std::string& bytes, std::int64_t time) {
        write_file(quarantine_ / relative, bytes);
        set_mtime(quarantine_ / relative, time);
    }

    QuarantineStore store() const {
        auto opened = QuarantineStore::open(quarantine_.string());
        EXPECT_TRUE(opened) << (opened ? "" : opened.error().message);
        return std::move(*opened);
    }

    MethodResult call(const std::string& method, const json& params) const {
        const Method* found = table_.find(method);
        EXPECT_NE(found, nullptr) << method;
        CallContext context{config_, "tester", Access::admin, kGzTime + 60, nullptr};
        return found->handler(context, params);
    }

    json ok(const std::string& method, const json& params) const {
        auto result = call(method, params);
        EXPECT_TRUE(result) << method << " " << params.dump() << ": "
                            << (result ? "" : result.error().message);
        return result ? *result : json();
    }

    int error_code(const std::string& method, const json& params) const {
        auto result = call(method, params);
        EXPECT_FALSE(result) << method << " " << params.dump() << " succeeded";
        return result ? 0 : result.error().code;
    }

    /// A stand-in for amavisd-release: appends its argv to calls.log, one call per line
    /// with each argument in brackets, then runs `behaviour` (shell, $1 = mail_file).
    void fake_release(const std::string& behaviour) {
        fs::path script = root_ / "amavisd-release";
        write_file(script, "#!/bin/sh\n"
                           "{ for a in \"$0\" \"$@\"; do printf '[%s]' \"$a\"; done; echo; } >> " +
                               (root_ / "calls.log").string() + "\n" + behaviour + "\n");
        fs::permissions(script, fs::perms::owner_all);
    }

    std::vector<std::string> release_calls() const {
        std::vector<std::string> calls;
        std::ifstream in(root_ / "calls.log");
        for (std::string line; std::getline(in, line);)
            calls.push_back(line);
        return calls;
    }

    std::string tool() const { return "[" + config_.tools.amavisd_release + "]"; }

    fs::path root_;
    fs::path quarantine_;
    AgentConfig config_;
    MethodTable table_;
};

// --- the store --------------------------------------------------------------------------

TEST_F(QuarantineTest, ScanFindsBothLayoutsAndNothingElse) {
    auto files = store().scan();
    ASSERT_TRUE(files);
    std::vector<std::string> paths;
    for (const auto& file : *files)
        paths.push_back(file.relative_path());
    std::sort(paths.begin(), paths.end());
    EXPECT_EQ(paths,
              (std::vector<std::string>{std::string("b/") + kBannedName, kPlainName, kGzName}));
    for (const auto& file : *files)
        EXPECT_EQ(file.size, fs::file_size(quarantine_ / file.relative_path())) << file.name;
}

TEST_F(QuarantineTest, ReadsGzippedAndPlainFiles) {
    auto gz = store().find_file(kGzName);
    ASSERT_TRUE(gz);
    auto content = store().read(*gz, 1 << 20);
    ASSERT_TRUE(content);
    EXPECT_EQ(content->bytes, data_file("spam-pE2_zCCq6tFz"));
    EXPECT_FALSE(content->truncated);

    auto capped = store().read(*gz, 100);
    ASSERT_TRUE(capped);
    EXPECT_EQ(capped->bytes, data_file("spam-pE2_zCCq6tFz").substr(0, 100));
    EXPECT_TRUE(capped->truncated);

    auto plain = store().find_file(kPlainName);
    ASSERT_TRUE(plain);
    auto whole = store().read(*plain, data_file(kPlainName).size());
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->bytes, data_file(kPlainName));
    EXPECT_FALSE(whole->truncated);
}

TEST_F(QuarantineTest, HeaderOnlyReadStopsAfterTheHeaderBlock) {
    auto gz = store().find_file(kGzName);
    ASSERT_TRUE(gz);
    auto head = store().read(*gz, 1 << 20, true);
    ASSERT_TRUE(head);
    EXPECT_NE(head->bytes.find("\n\n"), std::string::npos);
    auto entry = store().entry(*gz);
    EXPECT_TRUE(entry.headers_complete);
    EXPECT_EQ(entry.sender, "spammer@outside.test");
    EXPECT_EQ(entry.size, fs::file_size(quarantine_ / kGzName));
}

TEST_F(QuarantineTest, CorruptOrCutGzipIsAnErrorButStillListed) {
    std::string gz = data_file(kGzName);
    add("spam-Corrupt00001.gz", gz.substr(0, gz.size() / 2), kGzTime + 1);
    add("spam-NotGzip00001.gz", "Subject: plain text under a .gz name\n\n", kGzTime + 2);
    for (const char* name : {"spam-Corrupt00001.gz", "spam-NotGzip00001.gz"}) {
        auto file = store().find_file(name);
        ASSERT_TRUE(file) << name;
        auto content = store().read(*file, 1 << 20);
        ASSERT_FALSE(content) << name;
        EXPECT_EQ(content.error().kind, StoreError::io) << name;
    }
    json listed = ok("quarantine.list", {{"limit", 2}});
    EXPECT_EQ(listed["total"], 5);
    EXPECT_EQ(listed["items"][0]["file"], "spam-NotGzip00001.gz");
    EXPECT_EQ(listed["items"][0]["complete"], false);
    EXPECT_EQ(listed["items"][1]["mail_id"], "Corrupt00001");
}

TEST_F(QuarantineTest, MailIdLookupPrefersTheBlockingFileOverTheArchive) {
    add("archive-pE2_zCCq6tFz.gz", data_file(kGzName), kGzTime);
    auto file = store().find_mail_id("pE2_zCCq6tFz");
    ASSERT_TRUE(file);
    EXPECT_EQ(file->name, kGzName);

    add("spam-pE2_zCCq6tFz", data_file("spam-pE2_zCCq6tFz"), kGzTime);
    auto ambiguous = store().find_mail_id("pE2_zCCq6tFz");
    ASSERT_FALSE(ambiguous);
    EXPECT_EQ(ambiguous.error().kind, StoreError::ambiguous);
    EXPECT_EQ(error_code("quarantine.show", {{"mail_id", "pE2_zCCq6tFz"}}),
              jsonrpc::invalid_params);
    EXPECT_TRUE(ok("quarantine.show", {{"file", "spam-pE2_zCCq6tFz"}})["message"].is_string());
}

TEST_F(QuarantineTest, AnArchiveCopyAloneIsFoundByMailId) {
    add("archive-Archive00001.gz", data_file(kGzName), kGzTime);
    auto file = store().find_mail_id("Archive00001");
    ASSERT_TRUE(file);
    EXPECT_EQ(file->name, "archive-Archive00001.gz");
}

TEST_F(QuarantineTest, SymlinksAndHardLinksAreNeverRead) {
    fs::create_symlink(root_ / "secret", quarantine_ / "spam-SymLink0001x");
    fs::create_directory_symlink(quarantine_ / "b", quarantine_ / "x"); // a fake hashed dir
    fs::create_symlink(quarantine_ / "b" / kBannedName, quarantine_ / "b" / "banned-bSymlinked01");
    ASSERT_EQ(::link((root_ / "secret").c_str(), (quarantine_ / "spam-HardLink0001").c_str()), 0);

    EXPECT_EQ(ok("quarantine.list", json::object())["total"], 4); // the hard link is listed...
    auto hard = store().find_file("spam-HardLink0001");
    ASSERT_TRUE(hard);
    auto content = store().read(*hard, 1 << 20); // ...but not read
    ASSERT_FALSE(content);
    EXPECT_EQ(content.error().kind, StoreError::not_regular);
    EXPECT_FALSE(store().entry(*hard).headers_complete);

    auto symlink = store().find_file("spam-SymLink0001x");
    ASSERT_FALSE(symlink);
    EXPECT_EQ(symlink.error().kind, StoreError::not_regular);
    EXPECT_EQ(error_code("quarantine.show", {{"mail_id", "SymLink0001x"}}),
              jsonrpc::invalid_params);
    EXPECT_EQ(error_code("quarantine.show", {{"file", "banned-bSymlinked01"}}),
              jsonrpc::invalid_params);
}

// --- quarantine.list --------------------------------------------------------------------

std::vector<std::string> mail_ids(const json& listed) {
    std::vector<std::string> ids;
    for (const auto& item : listed["items"])
        ids.push_back(item["mail_id"]);
    return ids;
}

TEST_F(QuarantineTest, ListsNewestFirstWithEntryFieldsTimeAndDiskSize) {
    json listed = ok("quarantine.list", nullptr);
    EXPECT_EQ(listed["total"], 3);
    EXPECT_EQ(mail_ids(listed),
              (std::vector<std::string>{"pE2_zCCq6tFz", "iecQnMScPwjq", "bAnned012345"}));
    const json& gz = listed["items"][0];
    EXPECT_EQ(gz["file"], kGzName);
    EXPECT_EQ(gz["type"], "spam");
    EXPECT_EQ(gz["sender"], "spammer@outside.test");
    EXPECT_EQ(gz["recipients"], json::array({"bob@example.edu"}));
    EXPECT_EQ(gz["score"], 999.0);
    EXPECT_EQ(gz["spam_flag"], true);
    EXPECT_EQ(gz["complete"], true);
    EXPECT_EQ(gz["time"], kGzTime);
    EXPECT_EQ(gz["size"], fs::file_size(quarantine_ / kGzName));
    EXPECT_EQ(listed["items"][2]["type"], "banned");
    EXPECT_EQ(listed["items"][2]["time"], kBannedTime);
}

TEST_F(QuarantineTest, ListFilters) {
    struct Case {
        json params;
        std::vector<std::string> ids;
    };
    const std::string gz = "pE2_zCCq6tFz", plain = "iecQnMScPwjq", banned = "bAnned012345";
    const Case cases[] = {
        {{{"type", "spam"}}, {gz, plain}},
        {{{"type", json::array({"banned", "virus"})}}, {banned}},
        {{{"sender", "SPAMMER@Outside"}}, {gz}},
        {{{"recipient", "ALICE@"}}, {plain, banned}},
        {{{"recipient", "bob@example.edu"}}, {gz, plain, banned}},
        {{{"subject", "RATHER long"}}, {plain, banned}},
        {{{"subject", "?= test"}}, {gz}},
        {{{"min_score", 999.5}}, {plain, banned}},
        {{{"min_score", 999}}, {gz, plain, banned}},
        {{{"since", kPlainTime}}, {gz, plain}},
        {{{"until", kPlainTime}}, {plain, banned}},
        {{{"since", kPlainTime}, {"until", kPlainTime}}, {plain}},
        {{{"type", "spam"}, {"recipient", "frank"}}, {plain}},
        {{{"sender", "nobody-at-all"}}, {}},
    };
    for (const auto& c : cases) {
        json listed = ok("quarantine.list", c.params);
        EXPECT_EQ(mail_ids(listed), c.ids) << c.params.dump();
        EXPECT_EQ(listed["total"], c.ids.size()) << c.params.dump();
    }
}

TEST_F(QuarantineTest, ListPages) {
    json page = ok("quarantine.list", {{"offset", 1}, {"limit", 1}});
    EXPECT_EQ(page["total"], 3);
    EXPECT_EQ(mail_ids(page), std::vector<std::string>{"iecQnMScPwjq"});
    json filtered = ok("quarantine.list", {{"recipient", "bob"}, {"offset", 2}, {"limit", 5}});
    EXPECT_EQ(filtered["total"], 3);
    EXPECT_EQ(mail_ids(filtered), std::vector<std::string>{"bAnned012345"});
    EXPECT_EQ(ok("quarantine.list", {{"offset", 10}})["items"], json::array());
    EXPECT_EQ(ok("quarantine.list", {{"limit", 0}})["total"], 3);
}

TEST_F(QuarantineTest, ListRefusesBadParams) {
    const json bad[] = {
        {{"senders", "x"}},
        {{"type", "bad header"}},
        {{"type", json::array({"spam", 3})}},
        {{"type", 1}},
        {{"limit", 1001}},
        {{"limit", -1}},
        {{"offset", 1.5}},
        {{"min_score", "5"}},
        {{"since", "yesterday"}},
        {{"subject", json::array()}},
        json::array({1}),
    };
    for (const auto& params : bad)
        EXPECT_EQ(error_code("quarantine.list", params), jsonrpc::invalid_params) << params.dump();
}

TEST_F(QuarantineTest, NoQuarantineDirectoryIsNotSupported) {
    config_.amavis_quarantine_dir = (root_ / "nowhere").string();
    EXPECT_EQ(error_code("quarantine.list", json::object()), jsonrpc::not_supported);
    EXPECT_EQ(error_code("quarantine.show", {{"mail_id", "pE2_zCCq6tFz"}}), jsonrpc::not_supported);
    EXPECT_EQ(error_code("quarantine.release", {{"mail_ids", {"pE2_zCCq6tFz"}}}),
              jsonrpc::not_supported);
    EXPECT_EQ(error_code("quarantine.delete", {{"mail_ids", {"pE2_zCCq6tFz"}}}),
              jsonrpc::not_supported);
}

// --- quarantine.show --------------------------------------------------------------------

TEST_F(QuarantineTest, ShowReturnsTheMessageUpToTheCap) {
    json shown = ok("quarantine.show", {{"mail_id", "pE2_zCCq6tFz"}});
    EXPECT_EQ(shown["message"], data_file("spam-pE2_zCCq6tFz"));
    EXPECT_EQ(shown["truncated"], false);
    EXPECT_EQ(shown["entry"]["sender"], "spammer@outside.test");
    EXPECT_EQ(shown["entry"]["time"], kGzTime);

    config_.show_max_bytes = 64;
    json capped = ok("quarantine.show", {{"file", kBannedName}});
    EXPECT_EQ(capped["message"], data_file(kPlainName).substr(0, 64));
    EXPECT_EQ(capped["truncated"], true);
    EXPECT_EQ(capped["entry"]["type"], "banned");
    EXPECT_EQ(capped["entry"]["complete"], true); // the entry is not bound by the cap
}

TEST_F(QuarantineTest, ShowRefusesUnknownAndBadIds) {
    EXPECT_EQ(error_code("quarantine.show", {{"mail_id", "Unknown00001"}}), jsonrpc::not_found);
    EXPECT_EQ(error_code("quarantine.show", {{"file", "spam-Unknown00001.gz"}}),
              jsonrpc::not_found);
    EXPECT_EQ(error_code("quarantine.show", {{"file", "spam-xMisplaced01"}}), jsonrpc::not_found);
    const json bad[] = {
        {{"mail_id", "../../etc/pa"}},
        {{"mail_id", "-E2_zCCq6tFz"}},
        {{"file", "../secret"}},
        {{"file", "b/" + std::string(kBannedName)}},
        {{"file", "README"}},
        json::object(),
        {{"mail_id", "pE2_zCCq6tFz"}, {"file", kGzName}},
        {{"mail_id", 5}},
        {{"id", "x"}},
    };
    for (const auto& params : bad)
        EXPECT_EQ(error_code("quarantine.show", params), jsonrpc::invalid_params) << params.dump();
}

// --- quarantine.delete ------------------------------------------------------------------

TEST_F(QuarantineTest, DeleteUnlinksByMailIdAndByFile) {
    json deleted =
        ok("quarantine.delete", {{"mail_ids", {"pE2_zCCq6tFz", "pE2_zCCq6tFz", "bAnned012345"}}});
    EXPECT_EQ(deleted, json({{"affected", 2}}));
    EXPECT_FALSE(fs::exists(quarantine_ / kGzName));
    EXPECT_FALSE(fs::exists(quarantine_ / "b" / kBannedName));
    EXPECT_EQ(ok("quarantine.delete", {{"files", {kPlainName}}}), json({{"affected", 1}}));
    EXPECT_EQ(ok("quarantine.list", json::object())["total"], 0);
    EXPECT_TRUE(fs::exists(quarantine_ / "README"));
}

TEST_F(QuarantineTest, DeleteChecksEveryIdBeforeDeletingAny) {
    EXPECT_EQ(error_code("quarantine.delete", {{"mail_ids", {"pE2_zCCq6tFz", "Unknown00001"}}}),
              jsonrpc::not_found);
    EXPECT_EQ(error_code("quarantine.delete", {{"mail_ids", {"pE2_zCCq6tFz", "../secret"}}}),
              jsonrpc::invalid_params);
    EXPECT_EQ(error_code("quarantine.delete", {{"files", {kGzName, "spam-x"}}}),
              jsonrpc::invalid_params);
    EXPECT_EQ(error_code("quarantine.delete", {{"files", {kGzName, "/etc/passwd"}}}),
              jsonrpc::invalid_params);
    EXPECT_EQ(error_code("quarantine.delete", {{"mail_ids", json::array()}}),
              jsonrpc::invalid_params);
    EXPECT_EQ(
        error_code("quarantine.delete", {{"mail_ids", {"pE2_zCCq6tFz"}}, {"files", {kGzName}}}),
        jsonrpc::invalid_params);
    EXPECT_EQ(error_code("quarantine.delete", {{"all", true}}), jsonrpc::invalid_params);
    EXPECT_TRUE(fs::exists(quarantine_ / kGzName));
}

TEST_F(QuarantineTest, DeleteRefusesASymlinkAndLeavesItsTarget) {
    fs::create_symlink(root_ / "secret", quarantine_ / "spam-SymLink0001x");
    EXPECT_EQ(error_code("quarantine.delete", {{"files", {"spam-SymLink0001x"}}}),
              jsonrpc::invalid_params);
    EXPECT_EQ(error_code("quarantine.delete", {{"mail_ids", {"SymLink0001x"}}}),
              jsonrpc::invalid_params);
    EXPECT_TRUE(fs::is_symlink(quarantine_ / "spam-SymLink0001x"));
    EXPECT_EQ(read_file(root_ / "secret"), "root:secret\n");

    // A symlinked hashed directory is not followed either.
    fs::create_directories(root_ / "elsewhere");
    write_file(root_ / "elsewhere" / "spam-zOutside0001", data_file(kPlainName));
    fs::create_directory_symlink(root_ / "elsewhere", quarantine_ / "z");
    EXPECT_EQ(error_code("quarantine.delete", {{"mail_ids", {"zOutside0001"}}}),
              jsonrpc::not_found);
    EXPECT_TRUE(fs::exists(root_ / "elsewhere" / "spam-zOutside0001"));
}

TEST_F(QuarantineTest, RemoveRefusesAHandMadeFileOutsideTheRules) {
    QuarantineFile forged{"spam-iecQnMScPwjq", "../..", {}, 0, 0};
    auto removed = store().remove(forged);
    ASSERT_FALSE(removed);
    EXPECT_EQ(removed.error().kind, StoreError::bad_name);
    EXPECT_TRUE(fs::exists(quarantine_ / kPlainName));
}

// --- quarantine.release -----------------------------------------------------------------

constexpr const char* kAccepted = "echo '250 2.6.0 from MTA(smtp:[127.0.3.1]:10025): 250 OK' >&2";

TEST_F(QuarantineTest, ReleaseRunsAmavisdReleaseWithTheRelativeFileName) {
    fake_release(kAccepted);
    json released = ok("quarantine.release", {{"mail_ids", {"pE2_zCCq6tFz", "bAnned012345"}}});
    EXPECT_EQ(released["affected"], 2);
    ASSERT_EQ(released["results"].size(), 2u);
    EXPECT_EQ(released["results"][0],
              json({{"mail_id", "pE2_zCCq6tFz"},
                    {"file", kGzName},
                    {"ok", true},
                    {"reply", "250 2.6.0 from MTA(smtp:[127.0.3.1]:10025): 250 OK"}}));
    EXPECT_EQ(release_calls(), (std::vector<std::string>{tool() + "[spam-pE2_zCCq6tFz.gz]",
                                                         tool() + "[b/banned-bAnned012345]"}));
    EXPECT_TRUE(fs::exists(quarantine_ / kGzName)); // amavisd-release does not delete
}

TEST_F(QuarantineTest, ReleaseToChosenRecipientsPassesAnEmptySecretId) {
    fake_release(kAccepted);
    ok("quarantine.release", {{"files", {kPlainName}},
                              {"recipients", {"carol@example.edu", "d.o'neil+x@sub.example.org"}}});
    EXPECT_EQ(release_calls(),
              std::vector<std::string>{
                  tool() + "[spam-iecQnMScPwjq][][carol@example.edu][d.o'neil+x@sub.example.org]"});
}

TEST_F(QuarantineTest, ReleaseReportsEachFailureAndFailsOnlyWhenAllFail) {
    fake_release(
        "case \"$1\" in *iecQnMScPwjq*) echo '450 4.5.0 Failure: File does not exist' >&2; "
        "exit 0;; esac\n" +
        std::string(kAccepted));
    json partly = ok("quarantine.release", {{"mail_ids", {"pE2_zCCq6tFz", "iecQnMScPwjq"}}});
    EXPECT_EQ(partly["affected"], 1);
    EXPECT_EQ(partly["results"][1]["ok"], false);
    EXPECT_EQ(partly["results"][1]["reply"], "450 4.5.0 Failure: File does not exist");

    auto failed = call("quarantine.release", {{"mail_ids", {"iecQnMScPwjq"}}});
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, jsonrpc::tool_failed);
    EXPECT_NE(failed.error().data["stderr"].get<std::string>().find("450 4.5.0"),
              std::string::npos);
    EXPECT_EQ(failed.error().data["results"][0]["ok"], false);
}

TEST_F(QuarantineTest, ReleaseThatCannotReachAmavisdIsAToolFailure) {
    fake_release(
        "echo \"Can't connect to UNIX socket /var/lib/amavis/amavisd.sock: No such file\" >&2\n"
        "exit 2");
    auto failed = call("quarantine.release", {{"mail_ids", {"pE2_zCCq6tFz"}}});
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().code, jsonrpc::tool_failed);
    EXPECT_EQ(failed.error().data["exit_status"], 2);

    config_.tools.amavisd_release = (root_ / "missing-amavisd-release").string();
    EXPECT_EQ(error_code("quarantine.release", {{"mail_ids", {"pE2_zCCq6tFz"}}}),
              jsonrpc::tool_failed);
}

TEST_F(QuarantineTest, ReleaseValidatesEverythingBeforeRunningAnything) {
    fake_release(kAccepted);
    EXPECT_EQ(error_code("quarantine.release", {{"mail_ids", {"pE2_zCCq6tFz", "Unknown00001"}}}),
              jsonrpc::not_found);
    const json bad[] = {
        {{"mail_ids", {"pE2_zCCq6tFz", "-oops"}}},
        {{"files", {"../secret"}}},
        {{"mail_ids", {"pE2_zCCq6tFz"}}, {"recipients", {"-oops@example.edu"}}},
        {{"mail_ids", {"pE2_zCCq6tFz"}}, {"recipients", json::array()}},
        {{"mail_ids", {"pE2_zCCq6tFz"}}, {"recipient", {"a@example.edu"}}},
        {{"mail_ids", "pE2_zCCq6tFz"}},
        json::object(),
    };
    for (const auto& params : bad)
        EXPECT_EQ(error_code("quarantine.release", params), jsonrpc::invalid_params)
            << params.dump();
    EXPECT_TRUE(release_calls().empty());
}

TEST(QuarantineRelease, RecipientAddresses) {
    for (const char* good : {"a@example.edu", "first.last+tag@sub.example.org", "x_y=z@h",
                             "o'neil@example.com", "UPPER@EXAMPLE.EDU"})
        EXPECT_TRUE(is_valid_release_recipient(good)) << good;
    for (const char* bad : {"",
                            "@example.edu",
                            "a@",
                            "a",
                            "-a@example.edu",
                            "a b@example.edu",
                            "a@exa mple.edu",
                            "a\n@example.edu",
                            "a@example.edu\n",
                            "a@@example.edu",
                            "a@b@example.edu",
                            ".a@example.edu",
                            "a.@example.edu",
                            "a..b@example.edu",
                            "<a@example.edu>",
                            "a@-example.edu",
                            "a@example..edu",
                            "a\"b@example.edu",
                            "a\\b@example.edu",
                            "a@[127.0.0.1]"})
        EXPECT_FALSE(is_valid_release_recipient(bad)) << bad;
    EXPECT_FALSE(is_valid_release_recipient(std::string(65, 'a') + "@example.edu"));
}

TEST(QuarantineRelease, ArgvForFlatAndHashedLayouts) {
    QuarantineFile flat{"spam-pE2_zCCq6tFz.gz", "", {}, 0, 0};
    QuarantineFile hashed{"virus-Ab-d_fGh1jK9", "A", {}, 0, 0};
    EXPECT_EQ(release_argv("/usr/sbin/amavisd-release", flat, {}),
              (std::vector<std::string>{"/usr/sbin/amavisd-release", "spam-pE2_zCCq6tFz.gz"}));
    EXPECT_EQ(release_argv("/r", hashed, {"a@b.example"}),
              (std::vector<std::string>{"/r", "A/virus-Ab-d_fGh1jK9", "", "a@b.example"}));
}

TEST(QuarantineMethods, RolesAndAuditing) {
    MethodTable table;
    register_quarantine_methods(table);
    struct Expected {
        const char* name;
        Access required;
        bool mutating;
    };
    for (const auto& e : {Expected{"quarantine.list", Access::viewer, false},
                          Expected{"quarantine.show", Access::viewer, false},
                          Expected{"quarantine.release", Access::operator_, true},
                          Expected{"quarantine.delete", Access::operator_, true}}) {
        const Method* method = table.find(e.name);
        ASSERT_NE(method, nullptr) << e.name;
        EXPECT_EQ(method->required, e.required) << e.name;
        EXPECT_EQ(method->mutating, e.mutating) << e.name;
    }
}

} // namespace
} // namespace mailng::agent
