// quarantine.list, quarantine.show, quarantine.release, quarantine.delete: parameters in,
// QuarantineStore calls, JSON out.
//
// Releasing goes through amavisd-release (amavisd-new 2.13, /usr/sbin/amavisd-release),
// whose usage is `amavisd-release mail_file [secret_id [alt_recip...]]`. What it does
// with its arguments decides the argv built here (release_argv()):
// - It never opens mail_file. It sends the name to amavisd over AM.PDP
//   (request=release, mail_id, quar_type, mail_file) and amavisd opens
//   "$QUARANTINEDIR/mail_file" itself (Amavis::In::AMPDP, which accepts
//   [A-Za-z0-9][A-Za-z0-9/_.+-]* without ".."). So the name is the path relative to the
//   quarantine directory ("spam-X.gz", or "p/spam-X.gz" in the hashed layout), and the
//   working directory does not matter; an absolute path would be refused by amavisd.
// - quar_type comes from the name: ".gz" gives Z, a name with a directory gives F, a
//   plain flat name none (amavisd then assumes F for a file quarantine).
// - A non-empty secret_id is checked by amavisd even when auth_required_release is off,
//   so alternative recipients are preceded by an explicit empty secret_id (""). The
//   script would also take a first argument containing '@' as a recipient, but the
//   explicit "" does not depend on that guess (older versions of the script lack it).
// - It prints amavisd's answer (setreply, e.g. "250 2.6.0 from MTA(...): 250 OK") on
//   stderr and exits 0 whatever the answer was; it exits non-zero only when it cannot
//   talk to amavisd. So a release succeeded when the exit status is 0 and the last
//   line of stderr is a 2xx reply.
// - It reaches amavisd at the socket compiled into the script ($socketname,
//   /var/lib/amavis/amavisd.sock on Debian); a host whose amavisd listens elsewhere
//   points tools.amavisd_release at a copy with its own $socketname.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>
#include <vector>

#include "command_runner.h"
#include "method_table.h"
#include "quarantine_store.h"

namespace mailng::agent {
namespace {

using jsonrpc::Error;
using nlohmann::json;

constexpr std::string_view kIdKind = "quarantine id";
constexpr std::size_t kMaxReleaseOutput = 64 * 1024;

Error rpc_error(const StoreError& error, std::string_view id) {
    switch (error.kind) {
    case StoreError::no_quarantine:
        return jsonrpc::not_supported_error(error.message);
    case StoreError::not_found:
        return jsonrpc::not_found_error(kIdKind, id);
    case StoreError::bad_name:
    case StoreError::not_regular:
    case StoreError::ambiguous:
        return jsonrpc::invalid_params_error(error.message);
    case StoreError::io:
        break;
    }
    return jsonrpc::internal_error_error(error.message);
}

Result<QuarantineStore, Error> open_store(const AgentConfig& config) {
    auto store = QuarantineStore::open(config.amavis_quarantine_dir);
    if (!store)
        return unexpected(rpc_error(store.error(), {}));
    return std::move(*store);
}

json listed_json(const QuarantineEntry& entry, std::int64_t time) {
    json item = to_json(entry);
    item["time"] = time;
    return item;
}

// --- parameters -------------------------------------------------------------------------

/// Reads parameters one after the other and keeps the first error, so that a method's
/// parameter list reads as a list.
class ParamReader {
public:
    explicit ParamReader(const json& params) : params_(params) {}

    void text(std::string_view name, std::string& out) {
        take(jsonrpc::optional_string(params_, name), [&](auto value) {
            if (value)
                out = std::move(*value);
        });
    }

    void integer(std::string_view name, std::int64_t min, std::int64_t max,
                 std::optional<std::int64_t>& out) {
        take(jsonrpc::optional_integer(params_, name, min, max), [&](auto value) { out = value; });
    }

    void number(std::string_view name, std::optional<double>& out);
    void types(std::string_view name, std::vector<QuarantineType>& out);

    std::optional<Error> error;

private:
    template <typename T, typename Store> void take(Result<T, Error> result, Store&& store) {
        if (error)
            return;
        if (!result)
            error = result.error();
        else
            store(std::move(*result));
    }

    const json* member(std::string_view name) const {
        if (!params_.is_object())
            return nullptr;
        auto found = params_.find(name);
        return found == params_.end() ? nullptr : &*found;
    }

    const json& params_;
};

void ParamReader::number(std::string_view name, std::optional<double>& out) {
    const json* value = member(name);
    if (error || !value)
        return;
    if (!value->is_number() || !std::isfinite(value->get<double>()))
        error = jsonrpc::invalid_params_error(std::string(name) + " must be a number");
    else
        out = value->get<double>();
}

std::string type_names() {
    std::string names;
    for (auto type : {QuarantineType::spam, QuarantineType::virus, QuarantineType::banned,
                      QuarantineType::bad_header, QuarantineType::unchecked, QuarantineType::clean,
                      QuarantineType::archive})
        names += (names.empty() ? "" : ", ") + std::string(to_string(type));
    return names;
}

void ParamReader::types(std::string_view name, std::vector<QuarantineType>& out) {
    const json* value = member(name);
    if (error || !value)
        return;
    std::vector<json> names =
        value->is_array() ? value->get<std::vector<json>>() : std::vector{*value};
    for (const auto& item : names) {
        auto type =
            item.is_string() ? parse_quarantine_type(item.get<std::string>()) : std::nullopt;
        if (!type) {
            error = jsonrpc::invalid_params_error(
                std::string(name) + " must be a quarantine type or an array of them (" +
                type_names() + ")");
            return;
        }
        out.push_back(*type);
    }
}

Result<QuarantineQuery, Error> parse_list_query(const json& params) {
    constexpr std::int64_t kMaxTime = std::int64_t{1} << 40;
    QuarantineQuery query;
    std::optional<std::int64_t> offset, limit;
    ParamReader reader(params);
    reader.types("type", query.types);
    reader.text("sender", query.sender);
    reader.text("recipient", query.recipient);
    reader.text("subject", query.subject);
    reader.number("min_score", query.min_score);
    reader.integer("since", 0, kMaxTime, query.since);
    reader.integer("until", 0, kMaxTime, query.until);
    reader.integer("offset", 0, std::int64_t{1} << 31, offset);
    reader.integer("limit", 0, 1000, limit);
    if (reader.error)
        return unexpected(*reader.error);
    query.offset = static_cast<std::size_t>(offset.value_or(0));
    query.limit = static_cast<std::size_t>(limit.value_or(100));
    return query;
}

/// The ids of a release or delete, exactly one of "mail_ids" and "files", without
/// duplicates (a message released twice would be delivered twice).
struct IdList {
    bool by_file = false;
    std::vector<std::string> ids;
};

Result<IdList, Error> parse_id_list(const json& params) {
    auto mail_ids = jsonrpc::optional_string_array(params, "mail_ids");
    if (!mail_ids)
        return unexpected(mail_ids.error());
    auto files = jsonrpc::optional_string_array(params, "files");
    if (!files)
        return unexpected(files.error());
    if (mail_ids->has_value() == files->has_value())
        return unexpected(jsonrpc::invalid_params_error("give either mail_ids or files"));
    IdList list{files->has_value(), {}};
    for (auto& id : list.by_file ? **files : **mail_ids)
        if (std::find(list.ids.begin(), list.ids.end(), id) == list.ids.end())
            list.ids.push_back(std::move(id));
    if (list.ids.empty())
        return unexpected(jsonrpc::invalid_params_error(
            std::string(list.by_file ? "files" : "mail_ids") + " must not be empty"));
    return list;
}

std::optional<Error> validate_ids(const IdList& list) {
    for (const auto& id : list.ids) {
        bool valid =
            list.by_file ? parse_quarantine_file_name(id).has_value() : is_valid_mail_id(id);
        if (!valid)
            return jsonrpc::invalid_params_error(
                (list.by_file ? "not a quarantine file name: " : "not an amavisd mail_id: ") + id);
    }
    return std::nullopt;
}

Result<QuarantineFile, Error> find(const QuarantineStore& store, bool by_file,
                                   const std::string& id) {
    auto file = by_file ? store.find_file(id) : store.find_mail_id(id);
    if (!file)
        return unexpected(rpc_error(file.error(), id));
    return std::move(*file);
}

/// Every id validated, then every one looked up, before anything is changed.
Result<std::vector<QuarantineFile>, Error> resolve(const QuarantineStore& store,
                                                   const json& params) {
    auto list = parse_id_list(params);
    if (!list)
        return unexpected(list.error());
    if (auto invalid = validate_ids(*list))
        return unexpected(*invalid);
    std::vector<QuarantineFile> files;
    for (const auto& id : list->ids) {
        auto file = find(store, list->by_file, id);
        if (!file)
            return unexpected(file.error());
        files.push_back(std::move(*file));
    }
    return files;
}

Result<std::vector<std::string>, Error> parse_recipients(const json& params) {
    auto recipients = jsonrpc::optional_string_array(params, "recipients");
    if (!recipients)
        return unexpected(recipients.error());
    if (!*recipients)
        return std::vector<std::string>{};
    if ((*recipients)->empty())
        return unexpected(jsonrpc::invalid_params_error(
            "recipients must not be empty (leave it out for the original recipients)"));
    for (const auto& address : **recipients)
        if (!is_valid_release_recipient(address))
            return unexpected(
                jsonrpc::invalid_params_error("not a usable recipient address: " + address));
    return std::move(**recipients);
}

// --- quarantine.list / quarantine.show --------------------------------------------------

MethodResult quarantine_list(const CallContext& context, const json& params) {
    if (auto unknown =
            jsonrpc::unknown_param(params, {"type", "sender", "recipient", "subject", "min_score",
                                            "since", "until", "offset", "limit"}))
        return unexpected(*unknown);
    auto query = parse_list_query(params);
    if (!query)
        return unexpected(query.error());
    auto store = open_store(context.config);
    if (!store)
        return unexpected(store.error());
    auto page = list_quarantine(*store, *query);
    if (!page)
        return unexpected(rpc_error(page.error(), {}));
    json items = json::array();
    for (const auto& item : page->items)
        items.push_back(listed_json(item.entry, item.time));
    return json{{"total", page->total}, {"items", std::move(items)}};
}

Result<QuarantineFile, Error> resolve_one(const QuarantineStore& store, const json& params) {
    auto mail_id = jsonrpc::optional_string(params, "mail_id");
    if (!mail_id)
        return unexpected(mail_id.error());
    auto file = jsonrpc::optional_string(params, "file");
    if (!file)
        return unexpected(file.error());
    if (mail_id->has_value() == file->has_value())
        return unexpected(jsonrpc::invalid_params_error("give either mail_id or file"));
    return find(store, file->has_value(), file->has_value() ? **file : **mail_id);
}

MethodResult quarantine_show(const CallContext& context, const json& params) {
    if (auto unknown = jsonrpc::unknown_param(params, {"mail_id", "file"}))
        return unexpected(*unknown);
    auto store = open_store(context.config);
    if (!store)
        return unexpected(store.error());
    auto file = resolve_one(*store, params);
    if (!file)
        return unexpected(file.error());
    auto content = store->read(*file, context.config.show_max_bytes);
    if (!content)
        return unexpected(rpc_error(content.error(), file->name));
    return json{{"entry", listed_json(store->entry(*file), file->mtime)},
                {"message", std::move(content->bytes)},
                {"truncated", content->truncated}};
}

// --- quarantine.release -----------------------------------------------------------------

struct ReleaseOutcome {
    bool ok = false;
    std::string reply;
    Error error; // when not ok: what the whole call answers if every release failed
};

/// amavisd's answer: the last non-empty line amavisd-release wrote to stderr.
std::string last_line(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    auto newline = text.rfind('\n');
    return std::string(newline == std::string_view::npos ? text : text.substr(newline + 1));
}

bool is_positive_reply(std::string_view reply) {
    return reply.size() >= 3 && reply[0] == '2' &&
           std::isdigit(static_cast<unsigned char>(reply[1])) &&
           std::isdigit(static_cast<unsigned char>(reply[2]));
}

ReleaseOutcome release_one(const AgentConfig& config, const QuarantineFile& file,
                           const std::vector<std::string>& recipients) {
    Command command{
        release_argv(config.tools.amavisd_release, file, recipients), config.command_timeout, {}};
    auto run = run_command(command, kMaxReleaseOutput);
    if (!run)
        return {false, run.error(), start_error(command, run.error())};
    std::string reply = last_line(run->stderr_text);
    if (!run->succeeded())
        return {false, reply, tool_error(command, *run)};
    if (!is_positive_reply(reply))
        return {false, reply,
                jsonrpc::tool_failed_error("amavisd-release", run->exit_status, run->stderr_text,
                                           "amavisd answered: " + reply)};
    return {true, reply, {}};
}

struct ReleaseSummary {
    std::size_t affected = 0;
    json results = json::array();
    std::optional<Error> first_error;
};

/// One amavisd-release per file, in order; a failure does not stop the others, since
/// the ones before it were delivered already.
ReleaseSummary release_all(const AgentConfig& config, const std::vector<QuarantineFile>& files,
                           const std::vector<std::string>& recipients) {
    ReleaseSummary summary;
    for (const auto& file : files) {
        auto outcome = release_one(config, file, recipients);
        summary.affected += outcome.ok ? 1 : 0;
        if (!outcome.ok && !summary.first_error)
            summary.first_error = std::move(outcome.error);
        summary.results.push_back({{"mail_id", file.parsed.mail_id},
                                   {"file", file.name},
                                   {"ok", outcome.ok},
                                   {"reply", outcome.reply}});
    }
    return summary;
}

MethodResult quarantine_release(const CallContext& context, const json& params) {
    if (auto unknown = jsonrpc::unknown_param(params, {"mail_ids", "files", "recipients"}))
        return unexpected(*unknown);
    auto recipients = parse_recipients(params);
    if (!recipients)
        return unexpected(recipients.error());
    auto store = open_store(context.config);
    if (!store)
        return unexpected(store.error());
    auto files = resolve(*store, params);
    if (!files)
        return unexpected(files.error());
    auto released = release_all(context.config, *files, *recipients);
    if (released.affected == 0) {
        released.first_error->data["results"] = std::move(released.results);
        return unexpected(std::move(*released.first_error));
    }
    return json{{"affected", released.affected}, {"results", std::move(released.results)}};
}

// --- quarantine.delete ------------------------------------------------------------------

MethodResult quarantine_delete(const CallContext& context, const json& params) {
    if (auto unknown = jsonrpc::unknown_param(params, {"mail_ids", "files"}))
        return unexpected(*unknown);
    auto store = open_store(context.config);
    if (!store)
        return unexpected(store.error());
    auto files = resolve(*store, params);
    if (!files)
        return unexpected(files.error());
    std::size_t affected = 0;
    json errors = json::array();
    for (const auto& file : *files) {
        auto removed = store->remove(file);
        if (removed)
            ++affected;
        else if (removed.error().kind !=
                 StoreError::not_found) // gone meanwhile: not ours to report
            errors.push_back({{"mail_id", file.parsed.mail_id},
                              {"file", file.name},
                              {"error", removed.error().message}});
    }
    if (affected == 0 && !errors.empty())
        return unexpected(jsonrpc::internal_error_error(
            "nothing deleted: " + errors.front()["error"].get<std::string>()));
    json result{{"affected", affected}};
    if (!errors.empty())
        result["errors"] = std::move(errors);
    return result;
}

} // namespace

void register_quarantine_methods(MethodTable& table) {
    table.add({"quarantine.list", Access::viewer, false, quarantine_list});
    table.add({"quarantine.show", Access::viewer, false, quarantine_show});
    table.add({"quarantine.release", Access::operator_, true, quarantine_release});
    table.add({"quarantine.delete", Access::operator_, true, quarantine_delete});
}

} // namespace mailng::agent
