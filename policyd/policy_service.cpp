// The decision and its counters. See policy_service.h.
//
// Stats file format (version 1), for mailng-agent:
// {"version":1, "unix_time":T, "requests":N,
//  "answers":{"dunno":N,"reject_unknown":N,"reject_disabled":N,"reject_over_quota":N,
//             "failure_action":N,"stale":N},
//  "cache":{"hits":N,"misses":N,"entries":N,"max_entries":N},
//  "bridges":[{"bridge":"host:port","answers":N,"failures":N,"try_again":N,"open":B}],
//  "latency_ms":{"bounds":[0.1,...,100],"counts":[N x 11]}}   (last count: >= 100 ms)
#include "policy_service.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace mailng::policyd {
namespace {

using Clock = std::chrono::steady_clock;

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

/// Client-controlled text for a log line: control bytes become '?', so that a sender
/// cannot forge log lines or terminal escapes; long values are cut.
std::string log_safe(std::string_view text) {
    std::string safe(text.substr(0, 300));
    std::replace_if(safe.begin(), safe.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }, '?');
    return safe.empty() ? "<>" : safe;
}

std::size_t latency_bucket(Clock::duration elapsed) {
    const double ms = std::chrono::duration<double, std::milli>(elapsed).count();
    const auto bound = std::upper_bound(kLatencyBoundsMs.begin(), kLatencyBoundsMs.end(), ms);
    return static_cast<std::size_t>(bound - kLatencyBoundsMs.begin());
}

} // namespace

struct PolicyService::Settings {
    std::unordered_set<std::string> domains;
    std::string delimiter;
    FailureAction failure = FailureAction::defer_if_permit;
    bool serve_stale = false;
};

struct PolicyService::Counters {
    std::atomic<std::uint64_t> requests{0};
    std::array<std::atomic<std::uint64_t>, 5> answers{}; // indexed by Kind
    std::atomic<std::uint64_t> stale{0};
    std::atomic<std::uint64_t> cache_hits{0};
    std::atomic<std::uint64_t> cache_misses{0};
    std::array<std::atomic<std::uint64_t>, kLatencyBuckets> latency{};
};

/// A request on its way: what the answer needs after the bridges have spoken.
struct PolicyService::Pending {
    PolicyRequest request;
    PolicyReply reply;
    std::string key; // the normalised address
    std::shared_ptr<const Settings> settings;
    Clock::time_point started;
};

namespace {

std::shared_ptr<const PolicyService::Settings> make_settings(const PolicydConfig& config) {
    auto settings = std::make_shared<PolicyService::Settings>();
    settings->domains.insert(config.domains.begin(), config.domains.end());
    settings->delimiter = config.recipient_delimiter;
    settings->failure = config.on_backend_failure;
    settings->serve_stale = config.serve_stale;
    return settings;
}

AnswerCacheOptions cache_options(const PolicydConfig& config) {
    AnswerCacheOptions options;
    options.max_entries = config.cache_max_entries;
    options.positive_ttl_cap = config.positive_ttl;
    options.negative_ttl_cap = config.negative_ttl;
    options.keep_stale = config.serve_stale;
    return options;
}

BridgeClientOptions bridge_options(const PolicydConfig& config) {
    BridgeClientOptions options;
    options.bridges = config.bridges;
    options.timeout = config.backend_timeout;
    options.breaker_failures = config.breaker_failures;
    options.breaker_open = config.breaker_open;
    options.tls = config.bridge_tls;
    return options;
}

/// The normalised recipient when this request is one policyd checks, else nullopt.
std::optional<std::string> address_to_check(const PolicyRequest& request,
                                            const PolicyService::Settings& settings) {
    if (!equals_ignoring_case(request.protocol_state, "RCPT") ||
        (!request.request.empty() && request.request != kSmtpdAccessPolicy)) {
        return std::nullopt;
    }
    auto address = normalise_recipient(request.recipient, settings.delimiter);
    if (!address || !settings.domains.contains(address->domain)) {
        return std::nullopt;
    }
    return address->address();
}

} // namespace

PolicyService::PolicyService(const PolicydConfig& config, PolicyLog log)
    : log_(std::move(log)), counters_(std::make_unique<Counters>()),
      cache_(cache_options(config)), work_(boost::asio::make_work_guard(io_)),
      bridges_(io_, bridge_options(config)), settings_(make_settings(config)) {
    const std::size_t count = std::max<std::size_t>(1, config.threads / 2);
    for (std::size_t i = 0; i < count; ++i) {
        threads_.emplace_back([this] { io_.run(); });
    }
}

PolicyService::~PolicyService() { stop(); }

void PolicyService::stop() {
    work_.reset();
    io_.stop();
    for (auto& thread : threads_) {
        if (thread.joinable()) {
            thread.join();
        }
    }
}

std::shared_ptr<const PolicyService::Settings> PolicyService::settings() const {
    const std::scoped_lock lock(settings_mutex_);
    return settings_;
}

void PolicyService::reload(const PolicydConfig& config) {
    cache_.set_policy(config.positive_ttl, config.negative_ttl, config.serve_stale);
    bridges_.reconfigure(bridge_options(config));
    auto settings = make_settings(config);
    const std::scoped_lock lock(settings_mutex_);
    settings_ = std::move(settings);
}

void PolicyService::handle(PolicyRequest request, PolicyReply reply) {
    ++counters_->requests;
    auto pending = std::make_shared<Pending>();
    pending->started = Clock::now();
    pending->settings = settings();
    pending->reply = std::move(reply);
    auto key = address_to_check(request, *pending->settings);
    pending->request = std::move(request);
    if (!key) {
        return send(*pending, dunno(), Kind::dunno, "");
    }
    pending->key = std::move(*key);
    if (auto cached = cache_.find(pending->key, pending->request.size); cached && !cached->stale) {
        ++counters_->cache_hits;
        return answer_from_cache(*pending, *cached, "cached");
    }
    ++counters_->cache_misses;
    ask_bridges(std::move(pending));
}

void PolicyService::ask_bridges(std::shared_ptr<Pending> pending) {
    const PolicyRequest& request = pending->request;
    bridges_.ask(request, [this, pending = std::move(pending)](BridgeOutcome outcome) {
        answer_from_bridge(*pending, std::move(outcome));
    });
}

void PolicyService::answer_from_bridge(const Pending& pending, BridgeOutcome outcome) {
    if (!outcome) {
        return answer_failure(pending, outcome.error().reason);
    }
    cache_.store(pending.key, pending.request.size, outcome->state, outcome->ttl);
    answer_from_cache(pending, CachedAnswer{outcome->state, false}, "bridge " + outcome->bridge);
}

void PolicyService::answer_from_cache(const Pending& pending, CachedAnswer cached,
                                      const std::string& why) {
    const std::string& recipient = pending.request.recipient;
    switch (cached.state) {
    case MailboxState::unknown:
        return send(pending, reject_unknown_user(recipient), Kind::reject_unknown, "user unknown (" + why + ")");
    case MailboxState::disabled:
        return send(pending, reject_disabled(recipient), Kind::reject_disabled, "mailbox disabled (" + why + ")");
    case MailboxState::over_quota:
        return send(pending, reject_over_quota(recipient), Kind::reject_over_quota, "mailbox full (" + why + ")");
    case MailboxState::deliverable:
    case MailboxState::not_ours:
        break;
    }
    send(pending, dunno(), Kind::dunno, "");
}

void PolicyService::answer_failure(const Pending& pending, const std::string& reason) {
    if (pending.settings->serve_stale) {
        if (auto cached = cache_.find(pending.key, pending.request.size)) {
            ++counters_->stale;
            return answer_from_cache(pending, *cached, "stale cache entry; bridges failed: " + reason);
        }
    }
    const std::string action = failure_action(pending.settings->failure, pending.request.recipient);
    send(pending, action, Kind::failure_action, "bridges failed: " + reason);
}

void PolicyService::send(const Pending& pending, const std::string& action, Kind kind,
                         const std::string& why) {
    // Counted and logged before the reply goes out, so that whoever sees the reply
    // also sees the counters that include it.
    ++counters_->answers[static_cast<std::size_t>(kind)];
    ++counters_->latency[latency_bucket(Clock::now() - pending.started)];
    if (log_ && (kind != Kind::dunno || !why.empty())) {
        log_answer(pending.request, kind == Kind::failure_action
                                        ? "failure action " + action.substr(0, action.find(' '))
                                        : std::string("reject"),
                   why);
    }
    auto bytes = format_reply(action);
    // The recipient cannot hold CR, LF or NUL (the codec refuses them), so this is
    // only a guard: one reply must go out whatever happens.
    pending.reply(bytes ? std::move(bytes.value()) : std::string("action=DUNNO\n\n"));
}

void PolicyService::log_answer(const PolicyRequest& request, const std::string& what,
                               const std::string& why) const {
    log_(what + ": instance=" + log_safe(request.instance) +
         " client=" + log_safe(request.client_address) + " sender=" + log_safe(request.sender) +
         " recipient=" + log_safe(request.recipient) + " reason=" + why);
}

ServiceStats PolicyService::stats() const {
    ServiceStats stats;
    stats.requests = counters_->requests.load();
    stats.dunno = counters_->answers[static_cast<std::size_t>(Kind::dunno)].load();
    stats.reject_unknown = counters_->answers[static_cast<std::size_t>(Kind::reject_unknown)].load();
    stats.reject_disabled = counters_->answers[static_cast<std::size_t>(Kind::reject_disabled)].load();
    stats.reject_over_quota = counters_->answers[static_cast<std::size_t>(Kind::reject_over_quota)].load();
    stats.failure_action = counters_->answers[static_cast<std::size_t>(Kind::failure_action)].load();
    stats.stale = counters_->stale.load();
    stats.cache_hits = counters_->cache_hits.load();
    stats.cache_misses = counters_->cache_misses.load();
    stats.cache_entries = cache_.size();
    for (std::size_t i = 0; i < kLatencyBuckets; ++i) {
        stats.latency[i] = counters_->latency[i].load();
    }
    stats.bridges = bridges_.stats();
    return stats;
}

std::string PolicyService::stats_json() const {
    const ServiceStats stats = this->stats();
    nlohmann::json bridges = nlohmann::json::array();
    for (const auto& bridge : stats.bridges) {
        bridges.push_back({{"bridge", bridge.bridge}, {"answers", bridge.answers},
                           {"failures", bridge.failures}, {"try_again", bridge.try_again},
                           {"open", bridge.open}});
    }
    const auto unix_time = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::system_clock::now().time_since_epoch());
    const nlohmann::json json = {
        {"version", 1},
        {"unix_time", unix_time.count()},
        {"requests", stats.requests},
        {"answers", {{"dunno", stats.dunno}, {"reject_unknown", stats.reject_unknown},
                     {"reject_disabled", stats.reject_disabled},
                     {"reject_over_quota", stats.reject_over_quota},
                     {"failure_action", stats.failure_action}, {"stale", stats.stale}}},
        {"cache", {{"hits", stats.cache_hits}, {"misses", stats.cache_misses},
                   {"entries", stats.cache_entries}, {"max_entries", cache_.max_entries()}}},
        {"bridges", bridges},
        {"latency_ms", {{"bounds", kLatencyBoundsMs}, {"counts", stats.latency}}},
    };
    return json.dump() + "\n";
}

Result<bool, std::string> PolicyService::write_stats_file(const std::string& path) const {
    const std::string temporary = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        out << stats_json();
        if (!out.flush()) {
            std::remove(temporary.c_str());
            return unexpected(temporary + ": cannot write");
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        return unexpected(path + ": cannot rename the new stats file into place");
    }
    return true;
}

} // namespace mailng::policyd
