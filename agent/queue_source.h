// Where the queue methods read a Postfix queue from: the queue files themselves
// (read-only, as qshape does; needs root) or `postqueue -j` (the fallback, and the
// ground truth in the tests). Both hand over one message at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "agent_config.h"
#include "mailng/jsonrpc.h"
#include "mailng/postfix_queue_scan.h"
#include "mailng/postqueue_json.h"
#include "mailng/result.h"

namespace mailng::agent {

enum class QueueSource { automatic, files, postqueue };

std::string_view to_string(QueueSource source);

/// The "source" param: "auto" (default), "files" or "postqueue".
Result<QueueSource, jsonrpc::Error> queue_source_from_params(const nlohmann::json& params);

/// Why this host has no Postfix instance the agent can manage (not_supported: postqueue
/// is not executable, or postfix.config_dir holds no main.cf), or nullopt when it has.
/// The same rule gives agent.hello's "queue" capability.
std::optional<jsonrpc::Error> postfix_missing(const AgentConfig& config);

/// The Postfix queue_directory: the configured one, else `postconf -h queue_directory`
/// of the instance (asked once per process). Errors: no Postfix here (not_supported),
/// postconf failing (tool_failed).
Result<std::string, jsonrpc::Error> queue_directory(const AgentConfig& config);

/// True when every queue directory can be read by this process.
bool queue_files_readable(const std::string& queue_dir);

struct QueueReadOptions {
    QueueSource source = QueueSource::automatic;
    std::vector<QueueName> queues;  // empty: all that postqueue lists
    bool delay_reasons = true;
};

struct QueueReadStats {
    QueueSource used = QueueSource::files;
    std::uint64_t unreadable = 0;  // files skipped, or postqueue lines not understood
};

/// Calls `on_message` for each queued message until it returns false. `automatic`
/// means files when readable, postqueue otherwise.
Result<QueueReadStats, jsonrpc::Error> read_queue(const AgentConfig& config,
                                                  const QueueReadOptions& options,
                                                  const QueueMessageHandler& on_message);

/// queue id -> queue, for the ids that exist now, from directory entries (files) or
/// from postqueue -j.
Result<std::map<std::string, QueueName>, jsonrpc::Error>
locate_queue_ids(const AgentConfig& config, const std::vector<std::string>& ids);

} // namespace mailng::agent
