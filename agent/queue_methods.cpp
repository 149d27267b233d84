// queue.*: the manual's postqueue / postsuper / postcat procedures as methods.
// Reading goes through queue_source (queue files, or postqueue -j); changing goes
// through postsuper with the ids on stdin, after every id was validated and found.
#include "method_table.h"

#include "command_runner.h"
#include "mailng/postfix_queue_scan.h"
#include "mailng/queue_id.h"
#include "postsuper.h"
#include "queue_source.h"

#include <algorithm>

namespace mailng::agent {
namespace {

constexpr std::int64_t kDefaultLimit = 100;
constexpr std::int64_t kMaxLimit = 5000;
constexpr std::int64_t kMaxOffset = std::int64_t{1} << 40;

const std::vector<std::string_view> kFilterParams = {
    "queue", "sender", "sender_domain", "recipient", "domain", "reason", "min_age"};

std::vector<std::string_view> with_filter(std::vector<std::string_view> names) {
    names.insert(names.end(), kFilterParams.begin(), kFilterParams.end());
    return names;
}

/// Only the recipient-reason condition needs the defer logs.
QueueReadOptions read_options(const QueueFilter& filter, QueueSource source, bool reasons) {
    QueueReadOptions options;
    options.source = source;
    options.queues = filter.queues;
    options.delay_reasons = reasons || !filter.reason_contains.empty();
    return options;
}

struct Page {
    std::int64_t offset = 0;
    std::int64_t limit = kDefaultLimit;
};

Result<Page, jsonrpc::Error> page_from_params(const nlohmann::json& params) {
    auto offset = jsonrpc::optional_integer(params, "offset", 0, kMaxOffset);
    if (!offset)
        return unexpected(offset.error());
    auto limit = jsonrpc::optional_integer(params, "limit", 1, kMaxLimit);
    if (!limit)
        return unexpected(limit.error());
    return Page{offset->value_or(0), limit->value_or(kDefaultLimit)};
}

/// An unfiltered list read from the files: the total comes from directory entries, so
/// that the first page returns without reading the whole queue.
std::optional<std::uint64_t> quick_total(const AgentConfig& config, const QueueFilter& filter,
                                         QueueSource source) {
    if (!is_empty(filter) || source == QueueSource::postqueue)
        return std::nullopt;
    auto dir = queue_directory(config);
    if (!dir || !queue_files_readable(*dir))
        return std::nullopt;
    auto counts =
        count_queue_files(*dir, {QueueName::maildrop, QueueName::incoming, QueueName::active,
                                 QueueName::deferred, QueueName::hold});
    if (!counts)
        return std::nullopt;
    std::uint64_t total = 0;
    for (const auto& [queue, count] : *counts)
        total += count;
    return total;
}

/// Delay reasons for a page read without them: only the page's defer logs are opened.
void fill_delay_reasons(const AgentConfig& config, std::vector<QueueMessage>& page) {
    if (auto dir = queue_directory(config); dir)
        (void)add_delay_reasons(*dir, page);
}

MethodResult queue_list(const CallContext& context, const nlohmann::json& params) {
    if (auto unknown = jsonrpc::unknown_param(params, with_filter({"offset", "limit", "source"})))
        return unexpected(*unknown);
    auto filter = queue_filter_from_params(params);
    auto page = page_from_params(params);
    auto source = queue_source_from_params(params);
    if (!filter || !page || !source)
        return unexpected(!filter ? filter.error() : !page ? page.error() : source.error());
    auto known_total = quick_total(context.config, *filter, *source);
    std::int64_t end = page->offset + page->limit;
    std::int64_t matched = 0;
    std::vector<QueueMessage> items;
    auto read = read_queue(context.config, read_options(*filter, *source, false),
                           [&](QueueMessage&& message) {
                               if (!matches(*filter, message, context.now))
                                   return true;
                               if (matched >= page->offset && matched < end)
                                   items.push_back(std::move(message));
                               ++matched;
                               return !(known_total && matched >= end);
                           });
    if (!read)
        return unexpected(read.error());
    if (read->used == QueueSource::files && filter->reason_contains.empty())
        fill_delay_reasons(context.config, items);
    nlohmann::json json_items = nlohmann::json::array();
    for (const auto& message : items)
        json_items.push_back(to_json(message));
    return nlohmann::json{
        {"total", known_total ? static_cast<std::int64_t>(*known_total) : matched},
        {"offset", page->offset},
        {"limit", page->limit},
        {"source", std::string(to_string(read->used))},
        {"unreadable", read->unreadable},
        {"items", std::move(json_items)}};
}

Result<QueueShapeOptions, jsonrpc::Error> shape_options(const nlohmann::json& params) {
    QueueShapeOptions options;
    auto by = jsonrpc::optional_string(params, "by");
    auto buckets = jsonrpc::optional_integer(params, "buckets", 1, 100);
    auto minutes = jsonrpc::optional_integer(params, "bucket_minutes", 1, 525600);
    auto linear = jsonrpc::optional_bool(params, "linear");
    if (!by || !buckets || !minutes || !linear)
        return unexpected(!by        ? by.error()
                          : !buckets ? buckets.error()
                          : !minutes ? minutes.error()
                                     : linear.error());
    std::string by_name = by->value_or("recipient");
    if (by_name != "recipient" && by_name != "sender")
        return unexpected(jsonrpc::invalid_params_error("by must be recipient or sender"));
    options.by_sender = by_name == "sender";
    options.bucket_count = static_cast<int>(buckets->value_or(10));
    options.bucket_minutes = minutes->value_or(5);
    options.linear = linear->value_or(false);
    return options;
}

MethodResult queue_summary(const CallContext& context, const nlohmann::json& params) {
    if (auto unknown = jsonrpc::unknown_param(
            params, with_filter({"by", "buckets", "bucket_minutes", "linear", "source"})))
        return unexpected(*unknown);
    auto filter = queue_filter_from_params(params);
    auto options = shape_options(params);
    auto source = queue_source_from_params(params);
    if (!filter || !options || !source)
        return unexpected(!filter ? filter.error() : !options ? options.error() : source.error());
    QueueShapeBuilder builder(context.now, *options);
    std::uint64_t messages = 0;
    auto read = read_queue(context.config, read_options(*filter, *source, false),
                           [&](QueueMessage&& message) {
                               if (matches(*filter, message, context.now)) {
                                   builder.add(message);
                                   ++messages;
                               }
                               return true;
                           });
    if (!read)
        return unexpected(read.error());
    auto result = to_json(builder.shape());
    result["messages"] = messages;
    result["source"] = std::string(to_string(read->used));
    result["unreadable"] = read->unreadable;
    return result;
}

Result<std::string, jsonrpc::Error> valid_queue_id(const nlohmann::json& params) {
    auto id = jsonrpc::required_string(params, "queue_id");
    if (!id)
        return unexpected(id.error());
    auto valid = validate_queue_id(*id);
    if (!valid)
        return unexpected(jsonrpc::invalid_params_error(valid.error()));
    return *valid;
}

bool says_missing(const CommandOutcome& outcome) {
    return outcome.stderr_text.find("No such file or directory") != std::string::npos ||
           outcome.stderr_text.find("not found") != std::string::npos;
}

MethodResult queue_show(const CallContext& context, const nlohmann::json& params) {
    if (auto unknown = jsonrpc::unknown_param(params, {"queue_id", "part"}))
        return unexpected(*unknown);
    auto id = valid_queue_id(params);
    auto part = jsonrpc::optional_string(params, "part");
    if (!id || !part)
        return unexpected(!id ? id.error() : part.error());
    static const std::map<std::string, std::vector<std::string>, std::less<>> kParts = {
        {"all", {}}, {"envelope", {"-e"}}, {"headers", {"-h"}}, {"body", {"-b"}}};
    auto flags = kParts.find(part->value_or("all"));
    if (flags == kParts.end())
        return unexpected(
            jsonrpc::invalid_params_error("part must be all, envelope, headers or body"));
    const auto& config = context.config;
    std::vector<std::string> args = {"-c", config.postfix_config_dir};
    args.insert(args.end(), flags->second.begin(), flags->second.end());
    args.insert(args.end(), {"-q", *id});
    auto command = make_command(config.tools.postcat, std::move(args), config.command_timeout);
    auto outcome = run_command(command, config.show_max_bytes);
    if (!outcome)
        return unexpected(start_error(command, outcome.error()));
    if (!outcome->succeeded())
        return unexpected(says_missing(*outcome) ? jsonrpc::not_found_error("queue id", *id)
                                                 : tool_error(command, *outcome));
    return nlohmann::json{{"queue_id", *id},
                          {"text", outcome->stdout_text},
                          {"truncated", outcome->stdout_truncated},
                          {"max_bytes", config.show_max_bytes}};
}

/// `handler`, run only on a host with Postfix; elsewhere every queue method answers
/// not_supported (-32004) instead of a failing postqueue.
Handler where_postfix_runs(Handler handler) {
    return [handler = std::move(handler)](const CallContext& context,
                                          const nlohmann::json& params) -> MethodResult {
        if (auto missing = postfix_missing(context.config))
            return unexpected(*missing);
        return handler(context, params);
    };
}

void register_changes(MethodTable& table) {
    for (auto action : {PostsuperAction::hold, PostsuperAction::release, PostsuperAction::requeue,
                        PostsuperAction::remove}) {
        table.add({std::string(method_name(action)), Access::operator_, true,
                   where_postfix_runs([action](const CallContext& context,
                                               const nlohmann::json& params) {
                       return change_queue(context, params, action);
                   })});
    }
    table.add({"queue.flush", Access::operator_, true, where_postfix_runs(flush_queue)});
}

} // namespace

void register_queue_methods(MethodTable& table) {
    table.add({"queue.list", Access::viewer, false, where_postfix_runs(queue_list)});
    table.add({"queue.summary", Access::viewer, false, where_postfix_runs(queue_summary)});
    table.add({"queue.show", Access::viewer, false, where_postfix_runs(queue_show)});
    register_changes(table);
}

} // namespace mailng::agent
