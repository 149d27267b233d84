// host.status's collectors against this machine: pid files of this very process and of
// processes that are gone, statvfs of /tmp, a fake Postfix queue tree, a fake /proc.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "host_status.h"
#include "process_probe.h"

namespace mailng::agent {
namespace {

namespace fs = std::filesystem;

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "mailng-status-XXXXXX").native();
        path_ = ::mkdtemp(pattern.data());
    }
    ~TempDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    const std::string& path() const { return path_; }

    std::string write(const std::string& name, const std::string& text) const {
        std::string file = path_ + "/" + name;
        fs::create_directories(fs::path(file).parent_path());
        std::ofstream(file, std::ios::binary) << text;
        return file;
    }

private:
    std::string path_;
};

std::string data_file(const std::string& name) {
    std::ifstream in(MAILNG_SOURCE_DIR "/tests/data/doveadm/" + name, std::ios::binary);
    EXPECT_TRUE(in) << "tests/data/doveadm/" << name << " missing";
    return {std::istreambuf_iterator<char>(in), {}};
}

/// The pid of a child that has exited and been reaped: no process has it now.
pid_t gone_pid() {
    pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    ::waitpid(child, nullptr, 0);
    return child;
}

std::string own_comm() {
    std::ifstream in("/proc/self/comm");
    std::string comm;
    std::getline(in, comm);
    return comm;
}

TEST(ProcessProbe, PidFiles) {
    TempDir dir;
    EXPECT_EQ(*read_pid_file(dir.write("a.pid", "1234\n")), 1234);
    EXPECT_EQ(*read_pid_file(dir.write("b.pid", "      5678\n")), 5678); // master.pid
    EXPECT_EQ(*read_pid_file(dir.write("c.pid", "42\nsecond line\n")), 42);
    for (const char* bad : {"", "\n", "abc\n", "0\n", "-1\n", "12x\n", "99999999999999999999\n"})
        EXPECT_FALSE(read_pid_file(dir.write("bad.pid", bad))) << '"' << bad << '"';
    auto missing = read_pid_file(dir.path() + "/none.pid");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("none.pid"), std::string::npos);
}

TEST(ProcessProbe, ProcStatState) {
    EXPECT_EQ(parse_proc_stat_state("1234 (master) S 1 1234 1234 0 -1"), 'S');
    EXPECT_EQ(parse_proc_stat_state("77 (odd) name) Z 1 2 3"), 'Z');
    EXPECT_EQ(parse_proc_stat_state("77 (x)"), '\0');
    EXPECT_EQ(parse_proc_stat_state("garbage"), '\0');
}

TEST(ProcessProbe, LiveGoneAndZombie) {
    EXPECT_EQ(probe_pid(::getpid()), ProcessState::alive);
    EXPECT_EQ(probe_pid(gone_pid()), ProcessState::absent);
    EXPECT_EQ(probe_pid(0), ProcessState::absent);  // never kill(0, 0): the process group
    EXPECT_EQ(probe_pid(-1), ProcessState::absent); // nor kill(-1, 0): every process

    pid_t child = ::fork();
    if (child == 0)
        ::_exit(0);
    ProcessState state = ProcessState::alive;
    for (int i = 0; i < 200 && state == ProcessState::alive; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
        state = probe_pid(child);
    }
    EXPECT_EQ(state, ProcessState::zombie);
    ::waitpid(child, nullptr, 0);
}

TEST(ProcessProbe, FindsProcessesByCommInAFakeProc) {
    TempDir proc;
    proc.write("300/comm", "dovecot\n");
    proc.write("300/stat", "300 (dovecot) S 1");
    proc.write("120/comm", "dovecot\n");
    proc.write("120/stat", "120 (dovecot) Z 1"); // a zombie does not count
    proc.write("200/comm", "dovecot\n");
    proc.write("200/stat", "200 (dovecot) S 1");
    proc.write("100/comm", "master\n");
    proc.write("100/stat", "100 (master) S 1");
    proc.write("self/comm", "dovecot\n");       // not a pid
    proc.write("90/comm", "mailng-quotad-b\n"); // comm is cut to 15 bytes
    proc.write("90/stat", "90 (mailng-quotad-b) S 1");
    EXPECT_EQ(find_process("dovecot", proc.path()), 200);
    EXPECT_EQ(find_process("master", proc.path()), 100);
    EXPECT_EQ(find_process("mailng-quotad-bridge", proc.path()), 90);
    EXPECT_EQ(find_process("clamd", proc.path()), 0);
    EXPECT_EQ(find_process("dovecot", proc.path() + "/none"), 0);
}

TEST(HostStatus, ServiceFromOwnPidFileIsRunning) {
    TempDir dir;
    ServiceSpec spec{"postfix", dir.write("master.pid", "  " + std::to_string(::getpid()) + "\n"),
                     ""};
    auto state = probe_service(spec);
    EXPECT_TRUE(state.running);
    EXPECT_EQ(state.pid, ::getpid());
    EXPECT_EQ(state.source, "pid_file");
    auto json = service_json(state);
    EXPECT_EQ(json["state"], "running");
    EXPECT_EQ(json["pid"], ::getpid());
    EXPECT_EQ(json["name"], "postfix");
    EXPECT_FALSE(json.contains("detail"));
}

TEST(HostStatus, StalePidFileIsStopped) {
    TempDir dir;
    pid_t gone = gone_pid();
    ServiceSpec spec{"dovecot", dir.write("master.pid", std::to_string(gone) + "\n"), ""};
    auto state = probe_service(spec);
    EXPECT_FALSE(state.running);
    EXPECT_EQ(state.source, "pid_file");
    EXPECT_NE(state.detail.find("stale pid file"), std::string::npos) << state.detail;
    auto json = service_json(state);
    EXPECT_EQ(json["state"], "stopped");
    EXPECT_TRUE(json["pid"].is_null());

    spec.pid_file = dir.path() + "/missing.pid";
    EXPECT_FALSE(probe_service(spec).running);
}

TEST(HostStatus, ProcessNameWhenThePidFileIsStale) {
    TempDir dir;
    ServiceSpec spec{"self", dir.write("stale.pid", std::to_string(gone_pid())), own_comm()};
    auto state = probe_service(spec);
    EXPECT_TRUE(state.running);
    EXPECT_EQ(state.source, "process");
    EXPECT_GT(state.pid, 0);

    spec.process = "no-such-comm-xyz";
    state = probe_service(spec);
    EXPECT_FALSE(state.running);
    EXPECT_EQ(state.source, "process");
    EXPECT_NE(state.detail.find("no-such-comm-xyz"), std::string::npos);
}

TEST(HostStatus, FilesystemOfTmp) {
    auto entry = filesystem_json("var", "/tmp");
    ASSERT_FALSE(entry.contains("error")) << entry.dump();
    EXPECT_EQ(entry["name"], "var");
    EXPECT_EQ(entry["path"], "/tmp");
    auto total = entry["total_bytes"].get<std::uint64_t>();
    auto used = entry["used_bytes"].get<std::uint64_t>();
    auto available = entry["available_bytes"].get<std::uint64_t>();
    EXPECT_GT(total, 0u);
    EXPECT_LE(used, total);
    EXPECT_LE(available, total);
    double percent = entry["used_percent"].get<double>();
    EXPECT_GE(percent, 0.0);
    EXPECT_LE(percent, 100.0);
}

TEST(HostStatus, MissingFilesystemIsAnEntryWithAnError) {
    auto entry = filesystem_json("mail", "/no/such/Mail");
    EXPECT_EQ(entry["path"], "/no/such/Mail");
    ASSERT_TRUE(entry.contains("error"));
    EXPECT_NE(entry["error"].get<std::string>().find("/no/such/Mail"), std::string::npos);
    EXPECT_FALSE(entry.contains("used_percent"));
}

TEST(HostStatus, QueueCountsFromAFakeQueueTree) {
    TempDir spool;
    for (const char* queue : {"maildrop", "incoming", "active", "deferred", "hold", "corrupt"})
        fs::create_directories(spool.path() + "/" + queue);
    // Queue files are mode 0700 once complete; deferred is hashed one level deep.
    const char* files[] = {"incoming/4C1F1B30B2",   "active/4C1F1B30B3",
                           "active/4C1F1B30B4",     "deferred/4/4C1F1B30B5",
                           "deferred/5/5D2A1B30B6", "deferred/5/5D2A1B30B7",
                           "hold/6E3B1B30B8"};
    for (const char* file : files)
        ::chmod(spool.write(file, "x").c_str(), 0700);
    auto counts = queue_counts_json(spool.path());
    ASSERT_TRUE(counts) << counts.error();
    EXPECT_EQ(*counts, (nlohmann::json{{"maildrop", 0},
                                       {"incoming", 1},
                                       {"active", 2},
                                       {"deferred", 3},
                                       {"hold", 1},
                                       {"corrupt", 0}}));
    EXPECT_FALSE(queue_counts_json(spool.path() + "/none"));
}

TEST(HostStatus, ProcFileParsers) {
    auto load = parse_loadavg("0.52 1.05 2.50 2/345 6789\n");
    ASSERT_TRUE(load);
    EXPECT_DOUBLE_EQ(load->one, 0.52);
    EXPECT_DOUBLE_EQ(load->five, 1.05);
    EXPECT_DOUBLE_EQ(load->fifteen, 2.50);
    EXPECT_FALSE(parse_loadavg("0.52 1.05\n"));
    EXPECT_FALSE(parse_loadavg(""));
    EXPECT_DOUBLE_EQ(*parse_uptime("12345.67 23456.78\n"), 12345.67);
    EXPECT_FALSE(parse_uptime("up\n"));
}

TEST(HostStatus, SessionCounts) {
    auto one = count_sessions(data_file("who-tab-1.txt"));
    ASSERT_TRUE(one) << one.error();
    EXPECT_EQ(one->imap, 2u);
    EXPECT_EQ(one->pop3, 0u);
    auto grouped = count_sessions(data_file("who-tab-two-pids.txt"));
    ASSERT_TRUE(grouped) << grouped.error();
    EXPECT_EQ(grouped->imap, 2u);
    EXPECT_EQ(count_sessions(data_file("who-tab-empty.txt"))->imap, 0u);
    EXPECT_EQ(count_sessions("")->imap, 0u);
    auto mixed = count_sessions("username\tproto\tpid\tip\na\timap\t1\t::1\nb\tpop3\t2\t::1\n"
                                "c\tpop3\t3\t::1\nd\tsieve\t4\t::1\n");
    ASSERT_TRUE(mixed) << mixed.error();
    EXPECT_EQ(mixed->imap, 1u);
    EXPECT_EQ(mixed->pop3, 2u);
    EXPECT_FALSE(count_sessions("no tabs here\nat all, one field\tand two\n"));
}

TEST(HostStatus, ProxiedSessionCounts) {
    // doveadm -f tab proxy list on a Dovecot 2.3 director, as the lab's relays print it.
    auto two = count_proxy_sessions("username\tproto\tsrc ip\tdest ip\tport\n"
                                    "bob\timap\t127.0.1.11\t127.0.1.14\t143\t\n"
                                    "alice\tpop3\t127.0.1.11\t127.0.1.13\t110\t\r\n"
                                    "carol\tsieve\t127.0.1.11\t127.0.1.13\t4190\t\n");
    ASSERT_TRUE(two) << two.error();
    EXPECT_EQ(two->imap, 1u);
    EXPECT_EQ(two->pop3, 1u);
    EXPECT_EQ(count_proxy_sessions("")->imap, 0u); // a back-end prints nothing at all
    EXPECT_EQ(count_proxy_sessions("username\tproto\tsrc ip\tdest ip\tport\n")->imap, 0u);
    EXPECT_FALSE(count_proxy_sessions("username\tproto\nnot a row\n"));
    EXPECT_FALSE(count_proxy_sessions("\timap\t1.2.3.4\n"));
}

/// A doveadm that answers `who` with one local IMAP session and `proxy list` as given.
std::string fake_doveadm(const TempDir& dir, const std::string& proxy_list_script) {
    std::string path = dir.write("doveadm", "#!/bin/sh\n"
                                            "for arg; do case $arg in\n"
                                            "  who) printf 'username\\tproto\\tpid\\tip\\n"
                                            "carol\\timap\\t42\\t::1\\n'; exit 0;;\n"
                                            "  proxy) " + proxy_list_script + ";;\n"
                                            "esac; done\nexit 64\n");
    ::chmod(path.c_str(), 0755);
    return path;
}

TEST(HostStatus, SessionsOfADirectorCountTheProxiedOnes) {
    TempDir dir;
    AgentConfig config;
    config.dovecot_config = dir.write("dovecot.conf", "");
    config.tools.doveadm = fake_doveadm(
        dir, "printf 'username\\tproto\\tsrc ip\\tdest ip\\tport\\n"
             "bob\\timap\\t10.0.0.1\\t10.0.0.2\\t143\\t\\n'; exit 0");
    auto status = collect_host_status(config, 1700000000);
    EXPECT_EQ(status["sessions"], nlohmann::json({{"imap", 2}, {"pop3", 0}, {"proxied", 1}}))
        << status.dump();
    EXPECT_FALSE(status["unavailable"].contains("sessions_proxied"));
}

TEST(HostStatus, SessionsWhenOnlyTheProxyListFails) {
    TempDir dir;
    AgentConfig config;
    config.dovecot_config = dir.write("dovecot.conf", "");
    config.tools.doveadm = fake_doveadm(dir, "echo 'connect(ipc) failed' >&2; exit 75");
    auto status = collect_host_status(config, 1700000000);
    EXPECT_EQ(status["sessions"], nlohmann::json({{"imap", 1}, {"pop3", 0}, {"proxied", nullptr}}))
        << status.dump();
    EXPECT_NE(status["unavailable"]["sessions_proxied"].get<std::string>().find("connect(ipc)"),
              std::string::npos)
        << status.dump();
    EXPECT_FALSE(status["unavailable"].contains("sessions"));
}

TEST(HostStatus, QueuesOfAHostWithoutPostfix) {
    TempDir dir;
    AgentConfig config;
    config.postfix_queue_dir = dir.path() + "/spool"; // configured, but never made
    config.tools.doveadm = dir.path() + "/no-doveadm";
    auto status = collect_host_status(config, 1700000000);
    EXPECT_TRUE(status["queues"].is_null());
    EXPECT_EQ(status["unavailable"]["queues"],
              "no Postfix on this host (no " + dir.path() + "/spool)");
}

TEST(HostStatus, WholeStatusOnAHostWithoutPostfixOrDovecot) {
    TempDir dir;
    AgentConfig config;
    config.host = "testhost";
    config.role = "backend";
    config.tools.postconf = dir.path() + "/no-postconf";
    config.tools.doveadm = dir.path() + "/no-doveadm";
    config.mail_filesystem = dir.path() + "/Mail"; // missing
    config.var_filesystem = "/tmp";
    config.services = {{"self", dir.write("self.pid", std::to_string(::getpid())), ""},
                       {"gone", dir.path() + "/gone.pid", ""}};
    auto status = collect_host_status(config, 1700000000);

    EXPECT_EQ(status["host"], "testhost");
    EXPECT_EQ(status["role"], "backend");
    EXPECT_EQ(status["time"], 1700000000);
    ASSERT_EQ(status["services"].size(), 2u);
    EXPECT_EQ(status["services"][0]["state"], "running");
    EXPECT_EQ(status["services"][1]["state"], "stopped");
    EXPECT_TRUE(status["queues"].is_null());
    EXPECT_TRUE(status["sessions"].is_null());
    EXPECT_TRUE(status["unavailable"]["queues"].is_string()) << status.dump();
    EXPECT_NE(status["unavailable"]["sessions"].get<std::string>().find("no Dovecot"),
              std::string::npos);
    ASSERT_EQ(status["filesystems"].size(), 2u);
    EXPECT_TRUE(status["filesystems"][0].contains("error"));
    EXPECT_FALSE(status["filesystems"][1].contains("error"));
    EXPECT_EQ(status["load"].size(), 3u); // /proc is there on the build machines
    EXPECT_TRUE(status["uptime_s"].is_number_integer());

    auto sample = to_metrics_sample(status);
    EXPECT_EQ(sample.time, 1700000000);
    EXPECT_EQ(sample[Metric::services_down], 1.0);
    EXPECT_FALSE(sample[Metric::queue_deferred].has_value());
    EXPECT_FALSE(sample[Metric::sessions_imap].has_value());
    EXPECT_FALSE(sample[Metric::mail_used_percent].has_value());
    EXPECT_EQ(sample[Metric::var_used_percent],
              status["filesystems"][1]["used_percent"].get<double>());
    EXPECT_EQ(sample[Metric::load1], status["load"][0].get<double>());
}

// What mailng-policyd writes (policyd/policy_service.cpp stats_json()), shortened.
constexpr const char* kPolicydStats =
    R"({"version":1,"unix_time":1700000000,"requests":42,)"
    R"("answers":{"dunno":30,"reject_unknown":9,"reject_disabled":2,"reject_over_quota":1,)"
    R"("failure_action":0,"stale":0},"cache":{"hits":20,"misses":22,"entries":5,)"
    R"("max_entries":100000},"bridges":[{"bridge":"127.0.1.13:10041","answers":22,)"
    R"("failures":0,"try_again":0,"open":false}]})";

TEST(HostStatus, ServiceStatsFromAGoodFile) {
    TempDir dir;
    auto stats = service_stats_json(dir.write("policyd-stats.json", kPolicydStats), 1700000007);
    ASSERT_TRUE(stats.contains("stats")) << stats.dump();
    EXPECT_FALSE(stats.contains("stats_error"));
    auto expected = nlohmann::json::parse(kPolicydStats);
    expected["age_s"] = 7;
    EXPECT_EQ(stats["stats"], expected);

    // Without an integer unix_time the age is unknown, the counters still shown.
    auto undated = service_stats_json(dir.write("undated.json", R"({"requests": 3})"), 5);
    EXPECT_EQ(undated["stats"], nlohmann::json::parse(R"({"requests": 3, "age_s": null})"));
}

TEST(HostStatus, ServiceStatsErrorsAreOneLine) {
    TempDir dir;
    auto error_of = [](const nlohmann::json& entry) {
        EXPECT_FALSE(entry.contains("stats")) << entry.dump();
        std::string why = entry.value("stats_error", "");
        EXPECT_EQ(why.find('\n'), std::string::npos) << why;
        return why;
    };
    const std::string missing = dir.path() + "/none.json";
    EXPECT_EQ(error_of(service_stats_json(missing, 1)),
              "cannot read " + missing + ": No such file or directory");
    const std::string broken = dir.write("broken.json", "{\"requests\": 4,\n");
    EXPECT_EQ(error_of(service_stats_json(broken, 1)).rfind(broken + " is not JSON", 0), 0u);
    const std::string array = dir.write("array.json", "[1, 2]");
    EXPECT_EQ(error_of(service_stats_json(array, 1)), array + " does not hold a JSON object");
    const std::string empty = dir.write("empty.json", "");
    EXPECT_EQ(error_of(service_stats_json(empty, 1)).rfind(empty + " is not JSON", 0), 0u);
    EXPECT_NE(error_of(service_stats_json(dir.path(), 1)).find("directory"), std::string::npos);
    // Valid JSON, but over the cap: refused rather than cut.
    std::string big = "{\"pad\": \"" + std::string(kMaxStatsFileBytes, 'x') + "\"}";
    const std::string huge = dir.write("huge.json", big);
    EXPECT_EQ(error_of(service_stats_json(huge, 1)), huge + " is bigger than 64 KiB");
}

TEST(HostStatus, ServiceEntriesCarryTheirStats) {
    TempDir dir;
    AgentConfig config;
    config.tools.postconf = dir.path() + "/no-postconf";
    config.tools.doveadm = dir.path() + "/no-doveadm";
    const std::string self = dir.write("self.pid", std::to_string(::getpid()));
    config.services = {{"plain", self, ""},
                       {"mailng-policyd", self, "", dir.write("stats.json", kPolicydStats)},
                       {"other-policyd", self, "", dir.path() + "/missing.json"}};
    auto status = collect_host_status(config, 1700000010);
    const auto& services = status["services"];
    ASSERT_EQ(services.size(), 3u);
    EXPECT_FALSE(services[0].contains("stats") || services[0].contains("stats_error"));
    EXPECT_EQ(services[1]["state"], "running");
    EXPECT_EQ(services[1]["stats"]["requests"], 42);
    EXPECT_EQ(services[1]["stats"]["age_s"], 10);
    EXPECT_EQ(services[2]["state"], "running"); // a missing file does not stop the service
    EXPECT_TRUE(services[2]["stats_error"].is_string());
    EXPECT_TRUE(status["unavailable"].is_object());

    auto sample = to_metrics_sample(status);
    EXPECT_EQ(sample[Metric::policy_requests], 42.0);
    EXPECT_EQ(sample[Metric::policy_rejects], 12.0); // 9 unknown + 2 disabled + 1 over quota
}

TEST(HostStatus, PolicyMetricsAreSummedAndAbsentWithoutStats) {
    auto status = nlohmann::json::parse(R"({"services": [
        {"name": "a", "stats": {"requests": 10, "answers": {"reject_unknown": 1}}},
        {"name": "b", "stats": {"requests": 5, "answers": {"reject_disabled": 2,
                                                           "reject_over_quota": 3}}},
        {"name": "c", "stats_error": "cannot read /x"}]})");
    auto sample = to_metrics_sample(status);
    EXPECT_EQ(sample[Metric::policy_requests], 15.0);
    EXPECT_EQ(sample[Metric::policy_rejects], 6.0);
    auto none = to_metrics_sample(nlohmann::json::parse(
        R"({"services": [{"name": "c", "stats_error": "x"}, {"name": "d", "stats": 5}]})"));
    EXPECT_FALSE(none[Metric::policy_requests].has_value());
    EXPECT_FALSE(none[Metric::policy_rejects].has_value());
}

TEST(HostStatus, FlattensAFullStatus) {
    auto status = nlohmann::json::parse(R"({
        "time": 1700000060,
        "services": [{"name": "postfix", "state": "running"}, {"name": "x", "state": "stopped"},
                     {"name": "y", "state": "stopped"}],
        "load": [1.5, 1.0, 0.5],
        "filesystems": [{"name": "mail", "used_percent": 71.2}, {"name": "var", "used_percent": 12.0}],
        "queues": {"maildrop": 1, "incoming": 2, "active": 3, "deferred": 700, "hold": 34, "corrupt": 0},
        "sessions": {"imap": 12, "pop3": 3}})");
    auto sample = to_metrics_sample(status);
    EXPECT_EQ(sample.time, 1700000060);
    EXPECT_EQ(sample[Metric::queue_maildrop], 1.0);
    EXPECT_EQ(sample[Metric::queue_incoming], 2.0);
    EXPECT_EQ(sample[Metric::queue_active], 3.0);
    EXPECT_EQ(sample[Metric::queue_deferred], 700.0);
    EXPECT_EQ(sample[Metric::queue_hold], 34.0);
    EXPECT_EQ(sample[Metric::queue_corrupt], 0.0);
    EXPECT_EQ(sample[Metric::load1], 1.5);
    EXPECT_EQ(sample[Metric::mail_used_percent], 71.2);
    EXPECT_EQ(sample[Metric::var_used_percent], 12.0);
    EXPECT_EQ(sample[Metric::sessions_imap], 12.0);
    EXPECT_EQ(sample[Metric::sessions_pop3], 3.0);
    EXPECT_EQ(sample[Metric::services_down], 2.0);
    // Nonsense in, no values out, no exception.
    auto odd = to_metrics_sample(nlohmann::json::parse(R"({"queues": 5, "filesystems": [1],
        "services": ["x"], "load": "high"})"));
    EXPECT_FALSE(odd[Metric::queue_deferred].has_value());
    EXPECT_FALSE(odd[Metric::load1].has_value());
    EXPECT_EQ(odd[Metric::services_down], 0.0);
}

} // namespace
} // namespace mailng::agent
