#include "queue_source.h"

#include "command_runner.h"
#include "mailng/postfix_queue_scan.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <mutex>
#include <set>

namespace mailng::agent {
namespace {

/// The queues postqueue -j lists (showq skips corrupt).
const std::vector<QueueName> kListedQueues = {QueueName::maildrop, QueueName::incoming,
                                              QueueName::active, QueueName::deferred,
                                              QueueName::hold};

Command postfix_command(const AgentConfig& config, const std::string& tool,
                        std::vector<std::string> args) {
    args.insert(args.begin(), {"-c", config.postfix_config_dir});
    return make_command(tool, std::move(args), config.command_timeout);
}

Result<std::string, jsonrpc::Error> ask_postconf(const AgentConfig& config) {
    if (::access(config.tools.postconf.c_str(), X_OK) != 0)
        return unexpected(jsonrpc::not_supported_error("Postfix (no postconf)"));
    auto command = postfix_command(config, config.tools.postconf, {"-h", "queue_directory"});
    auto outcome = run_command(command, 4096);
    if (!outcome)
        return unexpected(start_error(command, outcome.error()));
    if (!outcome->succeeded())
        return unexpected(tool_error(command, *outcome));
    std::string dir = outcome->stdout_text;
    while (!dir.empty() && (dir.back() == '\n' || dir.back() == '\r'))
        dir.pop_back();
    return dir;
}

Result<QueueReadStats, jsonrpc::Error> read_postqueue(const AgentConfig& config,
                                                      const QueueReadOptions& options,
                                                      const QueueMessageHandler& on_message) {
    QueueReadStats stats{QueueSource::postqueue, 0};
    std::set<QueueName> wanted(options.queues.begin(), options.queues.end());
    auto command = postfix_command(config, config.tools.postqueue, {"-j"});
    auto outcome = run_command_lines(command, [&](std::string_view line) {
        auto message = parse_postqueue_line(line);
        if (!message) {
            ++stats.unreadable;
            return true;
        }
        if (!wanted.empty() && !wanted.contains(message->queue_name))
            return true;
        return on_message(std::move(*message));
    }, kMaxPostqueueLine);
    if (!outcome)
        return unexpected(start_error(command, outcome.error()));
    if (!outcome->succeeded() && !outcome->stopped_early)
        return unexpected(tool_error(command, *outcome));
    return stats;
}

Result<QueueReadStats, jsonrpc::Error> read_files(const std::string& queue_dir,
                                                  const QueueReadOptions& options,
                                                  const QueueMessageHandler& on_message) {
    QueueScanOptions scan{options.queues.empty() ? kListedQueues : options.queues,
                          options.delay_reasons};
    auto scanned = scan_queue(queue_dir, scan, on_message);
    if (!scanned)
        return unexpected(jsonrpc::internal_error_error("reading the queue: " + scanned.error()));
    return QueueReadStats{QueueSource::files, scanned->unreadable};
}

} // namespace

std::string_view to_string(QueueSource source) {
    switch (source) {
    case QueueSource::automatic: return "auto";
    case QueueSource::files: return "files";
    case QueueSource::postqueue: return "postqueue";
    }
    return "auto";
}

Result<QueueSource, jsonrpc::Error> queue_source_from_params(const nlohmann::json& params) {
    auto name = jsonrpc::optional_string(params, "source");
    if (!name)
        return unexpected(name.error());
    for (auto source : {QueueSource::automatic, QueueSource::files, QueueSource::postqueue})
        if (name->value_or("auto") == to_string(source))
            return source;
    return unexpected(jsonrpc::invalid_params_error("source must be auto, files or postqueue"));
}

std::optional<jsonrpc::Error> postfix_missing(const AgentConfig& config) {
    if (::access(config.tools.postqueue.c_str(), X_OK) != 0)
        return jsonrpc::not_supported_error("Postfix (no executable " + config.tools.postqueue + ")");
    std::string main_cf = config.postfix_config_dir + "/main.cf";
    if (::access(main_cf.c_str(), F_OK) != 0)
        return jsonrpc::not_supported_error("Postfix (no " + main_cf + ")");
    return std::nullopt;
}

Result<std::string, jsonrpc::Error> queue_directory(const AgentConfig& config) {
    if (!config.postfix_queue_dir.empty())
        return config.postfix_queue_dir;
    static std::mutex mutex;
    static std::map<std::string, std::string> asked;  // config dir -> queue dir
    std::lock_guard lock(mutex);
    if (auto known = asked.find(config.postfix_config_dir); known != asked.end())
        return known->second;
    auto dir = ask_postconf(config);
    if (dir)
        asked[config.postfix_config_dir] = *dir;
    return dir;
}

bool queue_files_readable(const std::string& queue_dir) {
    return std::all_of(kListedQueues.begin(), kListedQueues.end(), [&](QueueName queue) {
        std::string dir = queue_dir + "/" + std::string(to_string(queue));
        return ::access(dir.c_str(), R_OK | X_OK) == 0;
    });
}

Result<QueueReadStats, jsonrpc::Error> read_queue(const AgentConfig& config,
                                                  const QueueReadOptions& options,
                                                  const QueueMessageHandler& on_message) {
    if (options.source == QueueSource::postqueue)
        return read_postqueue(config, options, on_message);
    auto dir = queue_directory(config);
    if (!dir)
        return unexpected(dir.error());
    if (queue_files_readable(*dir))
        return read_files(*dir, options, on_message);
    if (options.source == QueueSource::files)
        return unexpected(jsonrpc::internal_error_error("cannot read the queue files in " + *dir +
                                                        " (the agent needs root for that)"));
    return read_postqueue(config, options, on_message);
}

Result<std::map<std::string, QueueName>, jsonrpc::Error>
locate_queue_ids(const AgentConfig& config, const std::vector<std::string>& ids) {
    std::set<std::string, std::less<>> wanted(ids.begin(), ids.end());
    if (auto dir = queue_directory(config); dir && queue_files_readable(*dir)) {
        auto located = locate_queue_files(*dir, wanted);
        if (!located)
            return unexpected(jsonrpc::internal_error_error("reading the queue: " + located.error()));
        return *located;
    }
    std::map<std::string, QueueName> found;
    QueueReadOptions options;
    options.delay_reasons = false;
    auto read = read_queue(config, options, [&](QueueMessage&& message) {
        if (wanted.contains(message.queue_id))
            found[message.queue_id] = message.queue_name;
        return found.size() < wanted.size();
    });
    if (!read)
        return unexpected(read.error());
    return found;
}

} // namespace mailng::agent
