// host.status and metrics.history (viewer): the state of this host now, and the
// samples that `mailng-agent serve` recorded, for the console's overview and charts.
//
// metrics.history params (all optional):
//   from, to      seconds since the epoch, inclusive; default: the last 24 hours
//   metrics       names of metrics (metrics_store.h); default: all
//   max_points    1..5000, default 500; more samples are thinned evenly
// result: {"columns": ["time", NAME...], "rows": [[TIME, VALUE|null...]...],
//          "matched": N}   (N: samples in the range before thinning)
#include <cmath>

#include "host_status.h"
#include "method_table.h"
#include "metrics_store.h"

namespace mailng::agent {
namespace {

constexpr std::int64_t kDefaultRangeSeconds = 24 * 3600;
constexpr std::int64_t kDefaultMaxPoints = 500;
constexpr std::int64_t kMaxMaxPoints = 5000;
constexpr std::int64_t kLatestTime = std::int64_t{1} << 40; // far beyond any real clock

struct HistoryQuery {
    std::int64_t from = 0;
    std::int64_t to = 0;
    std::size_t max_points = kDefaultMaxPoints;
    std::vector<Metric> metrics;
};

MethodResult host_status(const CallContext& context, const nlohmann::json& params) {
    if (auto unknown = jsonrpc::unknown_param(params, {}))
        return unexpected(*unknown);
    return collect_host_status(context.config, context.now);
}

Result<std::vector<Metric>, jsonrpc::Error> metrics_param(const nlohmann::json& params) {
    auto names = jsonrpc::optional_string_array(params, "metrics");
    if (!names)
        return unexpected(names.error());
    if (!*names)
        return std::vector<Metric>{};
    if ((*names)->empty())
        return unexpected(jsonrpc::invalid_params_error("metrics must name at least one metric"));
    std::vector<Metric> metrics;
    for (const auto& name : **names) {
        auto metric = parse_metric(name);
        if (!metric)
            return unexpected(jsonrpc::invalid_params_error("unknown metric: " + name));
        metrics.push_back(*metric);
    }
    return metrics;
}

/// The params, checked and with their defaults filled in.
Result<HistoryQuery, jsonrpc::Error> history_query(const CallContext& context,
                                                   const nlohmann::json& params) {
    if (auto unknown = jsonrpc::unknown_param(params, {"from", "to", "metrics", "max_points"}))
        return unexpected(*unknown);
    auto from = jsonrpc::optional_integer(params, "from", 0, kLatestTime);
    auto to = jsonrpc::optional_integer(params, "to", 0, kLatestTime);
    auto max_points = jsonrpc::optional_integer(params, "max_points", 1, kMaxMaxPoints);
    auto metrics = metrics_param(params);
    for (const auto* error : {&from, &to, &max_points})
        if (!*error)
            return unexpected(error->error());
    if (!metrics)
        return unexpected(metrics.error());
    HistoryQuery query;
    query.to = to->value_or(context.now);
    query.from = from->value_or(query.to - kDefaultRangeSeconds);
    query.max_points = static_cast<std::size_t>(max_points->value_or(kDefaultMaxPoints));
    query.metrics = std::move(*metrics);
    if (query.from > query.to)
        return unexpected(jsonrpc::invalid_params_error("from must not be after to"));
    return query;
}

nlohmann::json value_json(Metric metric, const std::optional<double>& value) {
    if (!value)
        return nullptr;
    if (metric_is_integral(metric))
        return static_cast<std::int64_t>(std::llround(*value));
    return *value;
}

nlohmann::json history_json(const MetricsHistory& history) {
    nlohmann::json columns = nlohmann::json::array({"time"});
    for (Metric metric : history.columns)
        columns.push_back(metric_name(metric));
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& sample : history.rows) {
        nlohmann::json row = nlohmann::json::array({sample.time});
        for (Metric metric : history.columns)
            row.push_back(value_json(metric, sample[metric]));
        rows.push_back(std::move(row));
    }
    return {
        {"columns", std::move(columns)}, {"rows", std::move(rows)}, {"matched", history.matched}};
}

jsonrpc::Error open_error(const MetricsOpenError& error) {
    if (error.missing)
        return jsonrpc::not_supported_error("metrics history (" + error.message +
                                            "; is mailng-agent serve running?)");
    return jsonrpc::internal_error_error("cannot read the metrics: " + error.message);
}

MethodResult metrics_history(const CallContext& context, const nlohmann::json& params) {
    auto query = history_query(context, params);
    if (!query)
        return unexpected(query.error());
    auto store = MetricsStore::open(context.config.metrics_db(), MetricsStore::Mode::existing);
    if (!store)
        return unexpected(open_error(store.error()));
    auto history = (*store)->history(query->from, query->to, query->max_points, query->metrics);
    if (!history)
        return unexpected(
            jsonrpc::internal_error_error("cannot read the metrics: " + history.error()));
    return history_json(*history);
}

} // namespace

void register_status_methods(MethodTable& table) {
    table.add({"host.status", Access::viewer, false, host_status});
    table.add({"metrics.history", Access::viewer, false, metrics_history});
}

} // namespace mailng::agent
