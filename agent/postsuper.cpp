#include "postsuper.h"

#include "command_runner.h"
#include "mailng/postfix_queue_scan.h"
#include "mailng/queue_id.h"
#include "queue_source.h"

#include <charconv>
#include <set>

namespace mailng::agent {
namespace {

std::string_view report_label(PostsuperAction action) {
    switch (action) {
    case PostsuperAction::hold:
        return "Placed on hold: ";
    case PostsuperAction::release:
        return "Released from hold: ";
    case PostsuperAction::requeue:
        return "Requeued: ";
    case PostsuperAction::remove:
        return "Deleted: ";
    }
    return "";
}

/// The queues an action can change; explicit ids elsewhere do nothing and are refused.
bool applies_to(PostsuperAction action, QueueName queue) {
    switch (action) {
    case PostsuperAction::hold:
        return queue != QueueName::hold;
    case PostsuperAction::release:
        return queue == QueueName::hold;
    default:
        return true;
    }
}

struct Selection {
    std::vector<std::string> ids;
    bool all = false;
    std::vector<std::string> missing;
};

Result<std::vector<std::string>, jsonrpc::Error> explicit_ids(const nlohmann::json& params) {
    auto ids = jsonrpc::required_string_array(params, "queue_ids");
    if (!ids)
        return unexpected(ids.error());
    if (ids->empty())
        return unexpected(jsonrpc::invalid_params_error("queue_ids is empty"));
    auto valid = validate_queue_ids(*ids);
    if (!valid)
        return unexpected(jsonrpc::invalid_params_error(valid.error()));
    std::set<std::string> unique(valid->begin(), valid->end());
    return std::vector<std::string>(unique.begin(), unique.end());
}

Result<Selection, jsonrpc::Error> select_ids(const CallContext& context,
                                             const nlohmann::json& params, PostsuperAction action) {
    auto ids = explicit_ids(params);
    if (!ids)
        return unexpected(ids.error());
    auto skip = jsonrpc::optional_bool(params, "skip_missing");
    if (!skip)
        return unexpected(skip.error());
    auto found = locate_queue_ids(context.config, *ids);
    if (!found)
        return unexpected(found.error());
    Selection selection;
    for (const auto& id : *ids) {
        auto where = found->find(id);
        bool usable = where != found->end() && applies_to(action, where->second);
        (usable ? selection.ids : selection.missing).push_back(id);
    }
    if (!selection.missing.empty() && !skip->value_or(false)) {
        auto error = jsonrpc::not_found_error("queue id", selection.missing.front());
        error.message += action == PostsuperAction::release ? " in the hold queue" : "";
        error.data["missing"] = selection.missing;
        return unexpected(error);
    }
    return selection;
}

Result<Selection, jsonrpc::Error> select_by_filter(const CallContext& context,
                                                   const QueueFilter& filter,
                                                   const nlohmann::json& params,
                                                   PostsuperAction action) {
    auto source = queue_source_from_params(params);
    if (!source)
        return unexpected(source.error());
    QueueReadOptions options{*source, filter.queues, !filter.reason_contains.empty()};
    Selection selection;
    auto read = read_queue(context.config, options, [&](QueueMessage&& message) {
        if (applies_to(action, message.queue_name) && matches(filter, message, context.now))
            selection.ids.push_back(std::move(message.queue_id));
        return true;
    });
    if (!read)
        return unexpected(read.error());
    return selection;
}

Result<Selection, jsonrpc::Error> select_all(const CallContext& context,
                                             const nlohmann::json& params, PostsuperAction action) {
    auto confirm = jsonrpc::optional_string(params, "confirm");
    if (!confirm)
        return unexpected(confirm.error());
    if (action == PostsuperAction::remove && confirm->value_or("") != context.config.host)
        return unexpected(jsonrpc::invalid_params_error(
            "deleting every queued message needs \"confirm\": \"" + context.config.host + "\""));
    Selection selection;
    selection.all = true;
    return selection;
}

Result<Selection, jsonrpc::Error> selection_from_params(const CallContext& context,
                                                        const nlohmann::json& params,
                                                        PostsuperAction action) {
    auto all = jsonrpc::optional_bool(params, "all");
    auto filter = queue_filter_from_params(params);
    if (!all || !filter)
        return unexpected(!all ? all.error() : filter.error());
    bool by_ids = params.is_object() && params.contains("queue_ids");
    int ways = int{by_ids} + int{!is_empty(*filter)} + int{all->value_or(false)};
    if (ways != 1)
        return unexpected(jsonrpc::invalid_params_error(
            "give exactly one of queue_ids, a filter, or \"all\": true"));
    if (by_ids)
        return select_ids(context, params, action);
    if (all->value_or(false))
        return select_all(context, params, action);
    return select_by_filter(context, *filter, params, action);
}

Command postsuper_command(const AgentConfig& config, PostsuperAction action, bool all) {
    auto command = make_command(
        config.tools.postsuper,
        {"-c", config.postfix_config_dir, std::string(postsuper_flag(action)), all ? "ALL" : "-"},
        config.command_timeout);
    command.stderr_terminal = true;
    return command;
}

std::string lines_of(const std::vector<std::string>& ids) {
    std::string text;
    for (const auto& id : ids)
        text += id + "\n";
    return text;
}

} // namespace

std::string_view method_name(PostsuperAction action) {
    switch (action) {
    case PostsuperAction::hold:
        return "queue.hold";
    case PostsuperAction::release:
        return "queue.release";
    case PostsuperAction::requeue:
        return "queue.requeue";
    case PostsuperAction::remove:
        return "queue.delete";
    }
    return "";
}

std::string_view postsuper_flag(PostsuperAction action) {
    switch (action) {
    case PostsuperAction::hold:
        return "-h";
    case PostsuperAction::release:
        return "-H";
    case PostsuperAction::requeue:
        return "-r";
    case PostsuperAction::remove:
        return "-d";
    }
    return "";
}

std::int64_t postsuper_count(PostsuperAction action, std::string_view stderr_text) {
    std::string_view label = report_label(action);
    std::int64_t total = 0;
    for (std::size_t at = stderr_text.find(label); at != std::string_view::npos;
         at = stderr_text.find(label, at + 1)) {
        auto digits = stderr_text.substr(at + label.size());
        std::int64_t count = 0;
        auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
        if (error == std::errc() && end != digits.data())
            total += count;
    }
    return total;
}

MethodResult change_queue(const CallContext& context, const nlohmann::json& params,
                          PostsuperAction action) {
    if (auto unknown = jsonrpc::unknown_param(
            params, {"queue_ids", "all", "confirm", "skip_missing", "source", "queue", "sender",
                     "sender_domain", "recipient", "domain", "reason", "min_age"}))
        return unexpected(*unknown);
    auto selection = selection_from_params(context, params, action);
    if (!selection)
        return unexpected(selection.error());
    nlohmann::json result{{"requested", selection->ids.size()}, {"missing", selection->missing}};
    if (!selection->all && selection->ids.empty()) {
        result["affected"] = 0;
        return result;
    }
    auto command = postsuper_command(context.config, action, selection->all);
    command.stdin_data = lines_of(selection->ids);
    auto outcome = run_command(command, 64 * 1024);
    if (!outcome)
        return unexpected(start_error(command, outcome.error()));
    if (!outcome->succeeded())
        return unexpected(tool_error(command, *outcome));
    result["affected"] = postsuper_count(action, outcome->stderr_text);
    return result;
}

namespace {

Result<bool, jsonrpc::Error> run_postqueue(const AgentConfig& config,
                                           std::vector<std::string> args) {
    args.insert(args.begin(), {"-c", config.postfix_config_dir});
    auto command = make_command(config.tools.postqueue, std::move(args), config.command_timeout);
    auto outcome = run_command(command, 64 * 1024);
    if (!outcome)
        return unexpected(start_error(command, outcome.error()));
    if (!outcome->succeeded())
        return unexpected(tool_error(command, *outcome));
    return true;
}

MethodResult flush_ids(const CallContext& context, const nlohmann::json& params) {
    auto selection = select_ids(context, params, PostsuperAction::requeue);
    if (!selection)
        return unexpected(selection.error());
    for (const auto& id : selection->ids)
        if (auto flushed = run_postqueue(context.config, {"-i", id}); !flushed)
            return unexpected(flushed.error());
    return nlohmann::json{{"affected", selection->ids.size()}, {"missing", selection->missing}};
}

} // namespace

MethodResult flush_queue(const CallContext& context, const nlohmann::json& params) {
    if (auto unknown = jsonrpc::unknown_param(params, {"queue_ids", "skip_missing"}))
        return unexpected(*unknown);
    if (params.is_object() && params.contains("queue_ids"))
        return flush_ids(context, params);
    std::int64_t deferred = 0;
    if (auto dir = queue_directory(context.config); dir && queue_files_readable(*dir))
        if (auto counts = count_queue_files(*dir, {QueueName::deferred}); counts)
            deferred = static_cast<std::int64_t>((*counts)[QueueName::deferred]);
    if (auto flushed = run_postqueue(context.config, {"-f"}); !flushed)
        return unexpected(flushed.error());
    return nlohmann::json{{"affected", deferred}};
}

} // namespace mailng::agent
