#include "host_status.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "command_runner.h"
#include "mailng/doveadm_director.h"
#include "mailng/postfix_queue_scan.h"
#include "queue_source.h"

namespace mailng::agent {
namespace {

constexpr std::size_t kProcFileBytes = 256;
constexpr std::size_t kMaxWhoOutput = 16u << 20; // 16 MiB: ~200,000 connections
constexpr std::size_t kMaxReasonBytes = 300;

using Part = Result<nlohmann::json, std::string>;

/// Stores a part under `name`, or null and the reason under unavailable.
void put_part(nlohmann::json& status, const char* name, Part part) {
    if (part) {
        status[name] = std::move(*part);
        return;
    }
    status[name] = nullptr;
    status["unavailable"][name] = std::move(part.error());
}

std::optional<double> parse_number(std::string_view& text) {
    auto first = text.find_first_not_of(' ');
    if (first == std::string_view::npos)
        return std::nullopt;
    text.remove_prefix(first);
    double value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || !std::isfinite(value))
        return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return value;
}

bool executable(const std::string& path) {
    return ::access(path.c_str(), X_OK) == 0;
}

double one_decimal(double value) {
    return std::round(value * 10) / 10;
}

nlohmann::json services_json(const std::vector<ServiceSpec>& services, std::int64_t now) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& spec : services) {
        nlohmann::json entry = service_json(probe_service(spec));
        if (!spec.stats_file.empty())
            entry.update(service_stats_json(spec.stats_file, now));
        list.push_back(std::move(entry));
    }
    return list;
}

/// The object in the stats file at `path`, or why there is none (one line).
Result<nlohmann::json, std::string> read_stats_file(const std::string& path) {
    std::error_code ignored;
    if (std::filesystem::is_directory(path, ignored))
        return unexpected("cannot read " + path + ": it is a directory");
    auto text = read_file_head(path, kMaxStatsFileBytes + 1);
    if (!text)
        return unexpected("cannot read " + path + ": " + std::strerror(errno));
    if (text->size() > kMaxStatsFileBytes)
        return unexpected(path + " is bigger than " + std::to_string(kMaxStatsFileBytes / 1024) +
                          " KiB");
    try {
        auto stats = nlohmann::json::parse(*text);
        if (!stats.is_object())
            return unexpected(path + " does not hold a JSON object");
        return stats;
    } catch (const nlohmann::json::parse_error& error) {
        return unexpected(path + " is not JSON (error at byte " + std::to_string(error.byte) + ")");
    }
}

void add_to(std::optional<double>& total, std::optional<double> value) {
    if (value)
        total = total.value_or(0) + *value;
}

Part load_part() {
    auto text = read_file_head("/proc/loadavg", kProcFileBytes);
    if (!text)
        return unexpected("cannot read /proc/loadavg: " + std::string(std::strerror(errno)));
    auto load = parse_loadavg(*text);
    if (!load)
        return unexpected(std::string("/proc/loadavg is not understood"));
    return nlohmann::json::array({load->one, load->five, load->fifteen});
}

Part uptime_part() {
    auto text = read_file_head("/proc/uptime", kProcFileBytes);
    if (!text)
        return unexpected("cannot read /proc/uptime: " + std::string(std::strerror(errno)));
    auto uptime = parse_uptime(*text);
    if (!uptime)
        return unexpected(std::string("/proc/uptime is not understood"));
    return nlohmann::json(static_cast<std::int64_t>(*uptime));
}

Part queues_part(const AgentConfig& config) {
    auto dir = queue_directory(config);
    if (!dir)
        return unexpected(describe_error(dir.error()));
    std::error_code error;
    if (!std::filesystem::exists(*dir, error) && !error)
        return unexpected("no Postfix on this host (no " + *dir + ")");
    return queue_counts_json(*dir);
}

Command doveadm_command(const AgentConfig& config, std::vector<std::string> args) {
    Command command;
    command.argv = {config.tools.doveadm, "-c", config.dovecot_config, "-f", "tab"};
    command.argv.insert(command.argv.end(), args.begin(), args.end());
    command.timeout = config.command_timeout;
    return command;
}

/// The stdout of a doveadm command, or why it failed.
Result<std::string, std::string> run_doveadm(const AgentConfig& config,
                                             std::vector<std::string> args) {
    auto command = doveadm_command(config, std::move(args));
    auto outcome = run_command(command, kMaxWhoOutput);
    if (!outcome)
        return unexpected(describe_error(start_error(command, outcome.error())));
    if (!outcome->succeeded())
        return unexpected(describe_error(tool_error(command, *outcome)));
    return std::move(outcome->stdout_text);
}

/// The sessions proxied from this host, or why they could not be counted.
Result<SessionCounts, std::string> proxied_sessions(const AgentConfig& config) {
    auto proxy_list = run_doveadm(config, {"proxy", "list"});
    if (!proxy_list)
        return unexpected(proxy_list.error());
    auto proxied = count_proxy_sessions(*proxy_list);
    if (!proxied)
        return unexpected("doveadm proxy list: " + proxied.error());
    return *proxied;
}

/// `unavailable` gets "sessions_proxied" when only the proxied sessions cannot be
/// counted: the host's own sessions are still worth reporting then.
Part sessions_part(const AgentConfig& config, nlohmann::json& unavailable) {
    if (!executable(config.tools.doveadm))
        return unexpected("no Dovecot on this host (no " + config.tools.doveadm + ")");
    std::error_code ignored;
    if (!std::filesystem::exists(config.dovecot_config, ignored))
        return unexpected("no Dovecot on this host (no " + config.dovecot_config + ")");
    auto who = run_doveadm(config, {"who", "-1"});
    if (!who)
        return unexpected(who.error());
    auto local = count_sessions(*who);
    if (!local)
        return unexpected("doveadm who: " + local.error());
    auto proxied = proxied_sessions(config);
    if (!proxied) {
        unavailable["sessions_proxied"] = proxied.error();
        return nlohmann::json{{"imap", local->imap}, {"pop3", local->pop3}, {"proxied", nullptr}};
    }
    return nlohmann::json{{"imap", local->imap + proxied->imap},
                          {"pop3", local->pop3 + proxied->pop3},
                          {"proxied", proxied->imap + proxied->pop3}};
}

std::optional<double> number_at(const nlohmann::json& object,
                                const nlohmann::json::json_pointer& at) {
    if (!object.contains(at))
        return std::nullopt;
    const auto& value = object[at];
    return value.is_number() ? std::optional<double>(value.get<double>()) : std::nullopt;
}

void flatten_filesystems(const nlohmann::json& status, MetricsSample& sample) {
    if (!status.contains("filesystems") || !status["filesystems"].is_array())
        return;
    for (const auto& entry : status["filesystems"]) {
        if (!entry.is_object())
            continue;
        auto percent = number_at(entry, "/used_percent"_json_pointer);
        std::string name = entry.value("name", "");
        if (name == "var")
            sample[Metric::var_used_percent] = percent;
        else if (name == "mail")
            sample[Metric::mail_used_percent] = percent;
    }
}

/// policy_requests and policy_rejects: summed over the services that have stats.
void flatten_policy_stats(const nlohmann::json& status, MetricsSample& sample) {
    if (!status.contains("services") || !status["services"].is_array())
        return;
    for (const auto& service : status["services"]) {
        if (!service.is_object() || !service.contains("stats"))
            continue;
        add_to(sample[Metric::policy_requests], number_at(service, "/stats/requests"_json_pointer));
        for (const char* answer : {"reject_unknown", "reject_disabled", "reject_over_quota"})
            add_to(sample[Metric::policy_rejects],
                   number_at(service, nlohmann::json::json_pointer("/stats/answers/" +
                                                                   std::string(answer))));
    }
}

std::optional<double> services_down(const nlohmann::json& status) {
    if (!status.contains("services") || !status["services"].is_array())
        return std::nullopt;
    double down = 0;
    for (const auto& service : status["services"])
        if (service.is_object() && service.value("state", "") == "stopped")
            ++down;
    return down;
}

} // namespace

std::string describe_error(const jsonrpc::Error& error) {
    std::string text = error.message;
    if (error.data.is_object() && error.data.contains("stderr") &&
        error.data["stderr"].is_string()) {
        std::string err = error.data["stderr"].get<std::string>();
        err = err.substr(0, err.find('\n'));
        if (!err.empty())
            text += ": " + err;
    }
    return text.substr(0, kMaxReasonBytes);
}

nlohmann::json service_json(const ServiceState& state) {
    nlohmann::json entry = {{"name", state.name},
                            {"state", state.running ? "running" : "stopped"},
                            {"pid", nullptr},
                            {"source", state.source}};
    if (state.running)
        entry["pid"] = state.pid;
    else
        entry["detail"] = state.detail;
    return entry;
}

nlohmann::json service_stats_json(const std::string& path, std::int64_t now) {
    auto stats = read_stats_file(path);
    if (!stats)
        return {{"stats_error", stats.error()}};
    auto written = stats->find("unix_time");
    (*stats)["age_s"] = written != stats->end() && written->is_number_integer()
                            ? nlohmann::json(now - written->get<std::int64_t>())
                            : nlohmann::json(nullptr);
    return {{"stats", std::move(*stats)}};
}

std::optional<LoadAverage> parse_loadavg(std::string_view text) {
    auto one = parse_number(text);
    auto five = parse_number(text);
    auto fifteen = parse_number(text);
    if (!one || !five || !fifteen)
        return std::nullopt;
    return LoadAverage{*one, *five, *fifteen};
}

std::optional<double> parse_uptime(std::string_view text) {
    return parse_number(text);
}

nlohmann::json filesystem_json(std::string_view name, const std::string& path) {
    nlohmann::json entry = {{"name", name}, {"path", path}};
    struct statvfs fs {};
    if (::statvfs(path.c_str(), &fs) != 0) {
        entry["error"] = "statvfs " + path + ": " + std::strerror(errno);
        return entry;
    }
    std::uint64_t unit = fs.f_frsize ? fs.f_frsize : fs.f_bsize;
    std::uint64_t total = fs.f_blocks * unit;
    std::uint64_t used = (fs.f_blocks - fs.f_bfree) * unit;
    std::uint64_t available = fs.f_bavail * unit;
    double usable = static_cast<double>(used + available);
    entry["total_bytes"] = total;
    entry["used_bytes"] = used;
    entry["available_bytes"] = available;
    entry["used_percent"] =
        usable > 0 ? one_decimal(100.0 * static_cast<double>(used) / usable) : 0.0;
    return entry;
}

Result<nlohmann::json, std::string> queue_counts_json(const std::string& queue_dir) {
    std::vector<QueueName> queues(std::begin(kAllQueueNames), std::end(kAllQueueNames));
    auto counts = count_queue_files(queue_dir, queues);
    if (!counts)
        return unexpected(counts.error());
    nlohmann::json object = nlohmann::json::object();
    for (QueueName queue : queues) {
        auto found = counts->find(queue);
        object[std::string(to_string(queue))] = found == counts->end() ? 0 : found->second;
    }
    return object;
}

Result<SessionCounts, std::string> count_sessions(std::string_view who_output) {
    if (who_output.find_first_not_of("\r\n") == std::string_view::npos)
        return SessionCounts{};
    auto entries = parse_doveadm_who(who_output);
    if (!entries)
        return unexpected(entries.error());
    SessionCounts counts;
    for (const auto& entry : *entries) {
        if (entry.protocol == "imap")
            counts.imap += entry.connections;
        else if (entry.protocol == "pop3")
            counts.pop3 += entry.connections;
    }
    return counts;
}

Result<SessionCounts, std::string> count_proxy_sessions(std::string_view proxy_list_output) {
    SessionCounts counts;
    bool first = true;
    std::size_t line_number = 0;
    while (!proxy_list_output.empty()) {
        auto end = proxy_list_output.find('\n');
        std::string_view line = proxy_list_output.substr(0, end);
        proxy_list_output.remove_prefix(end == std::string_view::npos ? proxy_list_output.size()
                                                                      : end + 1);
        ++line_number;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        if (line.empty())
            continue;
        bool header = first && line.starts_with("username\t");
        first = false;
        if (header)
            continue;
        auto tab = line.find('\t');
        if (tab == std::string_view::npos || tab == 0)
            return unexpected("line " + std::to_string(line_number) + " is not understood");
        std::string_view protocol = line.substr(tab + 1, line.find('\t', tab + 1) - tab - 1);
        if (protocol == "imap")
            ++counts.imap;
        else if (protocol == "pop3")
            ++counts.pop3;
    }
    return counts;
}

nlohmann::json collect_host_status(const AgentConfig& config, std::int64_t now) {
    nlohmann::json status = {{"host", config.host}, {"role", config.role}, {"time", now}};
    status["unavailable"] = nlohmann::json::object();
    status["services"] = services_json(config.services, now);
    put_part(status, "load", load_part());
    put_part(status, "uptime_s", uptime_part());
    status["filesystems"] = nlohmann::json::array({filesystem_json("mail", config.mail_filesystem),
                                                   filesystem_json("var", config.var_filesystem)});
    put_part(status, "queues", queues_part(config));
    put_part(status, "sessions", sessions_part(config, status["unavailable"]));
    return status;
}

MetricsSample to_metrics_sample(const nlohmann::json& status) {
    MetricsSample sample;
    sample.time = status.value("time", std::int64_t{0});
    for (QueueName queue : kAllQueueNames) {
        std::string name(to_string(queue));
        auto metric = parse_metric("queue_" + name);
        if (metric)
            sample[*metric] = number_at(status, nlohmann::json::json_pointer("/queues/" + name));
    }
    sample[Metric::load1] = number_at(status, "/load/0"_json_pointer);
    sample[Metric::sessions_imap] = number_at(status, "/sessions/imap"_json_pointer);
    sample[Metric::sessions_pop3] = number_at(status, "/sessions/pop3"_json_pointer);
    sample[Metric::services_down] = services_down(status);
    flatten_filesystems(status, sample);
    flatten_policy_stats(status, sample);
    return sample;
}

} // namespace mailng::agent
