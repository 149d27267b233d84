#include "bridge_service.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <thread>

namespace mailng::bridge {
namespace {

// Two relays of 100 smtpd processes each can have 200 questions in flight; a queue
// shorter than that answers "try again" under an ordinary burst.
constexpr std::size_t kQueuePerWorker = 128;
constexpr std::chrono::seconds kFactoryRetryDelay{5};

// Used only when a reply cannot be formatted, which no request that the reader
// accepted can cause; kept so that even then the answer is a try-again, never a 5xx.
constexpr std::string_view kFallbackReply =
    "action=DEFER_IF_PERMIT 4.3.0 Temporary lookup failure\n"
    "mailng_status=try_again\nmailng_ttl=0\n\n";

std::string printable(std::string_view text) {
    std::string result(text);
    for (char& c : result)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = '?';
    return result;
}

std::string contract_action(Verdict verdict, std::string_view recipient) {
    switch (verdict) {
    case Verdict::unknown: return reject_unknown_user(recipient);
    case Verdict::disabled: return reject_disabled(recipient);
    case Verdict::over_quota: return reject_over_quota(recipient);
    case Verdict::deliverable:
    case Verdict::not_ours: break;
    }
    return dunno();
}

bool is_reject(const BridgeAnswer& answer) {
    return answer.status == "unknown" || answer.status == "disabled" ||
           answer.status == "over_quota";
}

struct Job {
    PolicyRequest request;
    PolicyReply reply;
};

/// What one worker thread owns.
struct WorkerState {
    std::unique_ptr<RecipientResolver> resolver;
    std::uint64_t generation = std::numeric_limits<std::uint64_t>::max(); // none built yet
    std::chrono::steady_clock::time_point retry_at{};
};

} // namespace

bool needs_resolution(const PolicyRequest& request) {
    return request.protocol_state == "RCPT" && !request.recipient.empty();
}

std::string_view status_name(Verdict verdict) {
    switch (verdict) {
    case Verdict::deliverable: return "deliverable";
    case Verdict::unknown: return "unknown";
    case Verdict::disabled: return "disabled";
    case Verdict::over_quota: return "over_quota";
    case Verdict::not_ours: break;
    }
    return "not_ours";
}

BridgeAnswer try_again_answer(const PolicyRequest& request, std::string reason) {
    return {failure_action(FailureAction::defer_if_permit, request.recipient), "try_again",
            std::chrono::seconds(0), std::move(reason)};
}

BridgeAnswer answer_for(const PolicyRequest& request, const Result<Answer, TryAgain>& resolved) {
    if (!resolved)
        return try_again_answer(request, resolved.error().reason);
    const Answer& answer = resolved.value();
    return {contract_action(answer.verdict, request.recipient),
            std::string(status_name(answer.verdict)), answer.ttl, {}};
}

std::string reply_bytes(const BridgeAnswer& answer) {
    std::vector<std::pair<std::string, std::string>> extra;
    if (!answer.status.empty())
        extra = {{"mailng_status", answer.status},
                 {"mailng_ttl", std::to_string(answer.ttl.count())}};
    auto bytes = format_reply(answer.action, extra);
    return bytes ? std::move(bytes.value()) : std::string(kFallbackReply);
}

std::optional<std::string> log_line(const PolicyRequest& request, const BridgeAnswer& answer) {
    const bool try_again = answer.status == "try_again";
    if (!try_again && !is_reject(answer))
        return std::nullopt;
    std::string line = try_again ? "try again: " : "reject: ";
    line += "instance=" + printable(request.instance);
    line += " client=" + printable(request.client_address);
    line += " sender=<" + printable(request.sender) + ">";
    line += " recipient=<" + printable(request.recipient) + ">";
    line += " status=" + answer.status;
    line += ": " + printable(try_again ? answer.reason : answer.action);
    return line;
}

struct BridgeService::Impl {
    Impl(BridgeServiceOptions service_options, ResolverFactory resolver_factory, PolicyLog sink)
        : options(std::move(service_options)),
          factory(std::move(resolver_factory)),
          log(std::move(sink)),
          config(std::make_shared<const ResolverConfig>(options.resolver)),
          server(
              options.server,
              [this](PolicyRequest request, PolicyReply reply) {
                  handle(std::move(request), std::move(reply));
              },
              log) {}

    void handle(PolicyRequest request, PolicyReply reply);
    bool enqueue(Job& job);
    void answer(const PolicyRequest& request, const BridgeAnswer& answer, const PolicyReply& reply);
    void count(const BridgeAnswer& answer);
    void work();
    std::optional<Job> next_job();
    void refresh(WorkerState& state);
    Result<Answer, TryAgain> resolve(WorkerState& state, const PolicyRequest& request);
    std::unique_ptr<RecipientResolver> build(const ResolverConfig& resolver_config);
    void write_log(const std::string& line) const {
        if (log)
            log(line);
    }

    BridgeServiceOptions options;
    ResolverFactory factory;
    PolicyLog log;

    std::mutex mutex; // guards the fields from `queue` to `queue_limit`
    std::condition_variable ready;
    std::deque<Job> queue;
    bool stopping = false;
    std::shared_ptr<const ResolverConfig> config;
    std::uint64_t generation = 0;
    std::size_t queue_limit = 0;
    std::vector<std::thread> workers; // touched only by start() and stop()

    std::atomic<std::uint64_t> not_resolved{0}, deliverable{0}, unknown{0}, disabled{0},
        over_quota{0}, not_ours{0}, try_again{0}, queue_full{0};

    PolicyServer server; // last: its handler uses everything above
};

// On an io thread: never blocks, never waits for a worker.
void BridgeService::Impl::handle(PolicyRequest request, PolicyReply reply) {
    if (!needs_resolution(request)) {
        ++not_resolved;
        reply(reply_bytes({dunno(), {}, {}, {}}));
        return;
    }
    Job job{std::move(request), std::move(reply)};
    if (enqueue(job))
        return;
    ++queue_full;
    answer(job.request, try_again_answer(job.request, "all workers busy, queue full"), job.reply);
}

bool BridgeService::Impl::enqueue(Job& job) {
    {
        std::lock_guard lock(mutex);
        if (stopping || queue.size() >= queue_limit)
            return false;
        queue.push_back(std::move(job));
    }
    ready.notify_one();
    return true;
}

void BridgeService::Impl::answer(const PolicyRequest& request, const BridgeAnswer& answer,
                                 const PolicyReply& reply) {
    count(answer);
    if (auto line = log_line(request, answer))
        write_log(*line);
    reply(reply_bytes(answer));
}

void BridgeService::Impl::count(const BridgeAnswer& answer) {
    const std::pair<std::string_view, std::atomic<std::uint64_t>*> counters[] = {
        {"deliverable", &deliverable}, {"unknown", &unknown},   {"disabled", &disabled},
        {"over_quota", &over_quota},   {"not_ours", &not_ours}, {"try_again", &try_again}};
    for (auto& [status, counter] : counters)
        if (answer.status == status)
            ++*counter;
}

std::optional<Job> BridgeService::Impl::next_job() {
    std::unique_lock lock(mutex);
    ready.wait(lock, [this] { return stopping || !queue.empty(); });
    if (stopping)
        return std::nullopt;
    Job job = std::move(queue.front());
    queue.pop_front();
    return job;
}

std::unique_ptr<RecipientResolver> BridgeService::Impl::build(const ResolverConfig& resolver_config) {
    try {
        auto resolver = factory(resolver_config);
        if (!resolver)
            write_log("warning: could not create a recipient resolver");
        return resolver;
    } catch (const std::exception& error) {
        write_log(std::string("warning: could not create a recipient resolver: ") + error.what());
        return nullptr;
    }
}

// A reload changes `generation`; the worker builds its new resolver here, on its own
// thread, since a resolver is not thread-safe and holds this worker's LDAP connection.
// A factory that failed is tried again after a pause, not on every request.
void BridgeService::Impl::refresh(WorkerState& state) {
    const auto now = std::chrono::steady_clock::now();
    std::shared_ptr<const ResolverConfig> current;
    {
        std::lock_guard lock(mutex);
        const bool reloaded = state.generation != generation;
        if (!reloaded && (state.resolver || now < state.retry_at))
            return;
        current = config;
        state.generation = generation;
    }
    state.resolver.reset(); // the old LDAP connection goes before the new one is made
    state.resolver = build(*current);
    state.retry_at = now + kFactoryRetryDelay;
}

Result<Answer, TryAgain> BridgeService::Impl::resolve(WorkerState& state,
                                                      const PolicyRequest& request) {
    if (!state.resolver)
        return unexpected(TryAgain{"no recipient resolver"});
    try {
        return state.resolver->resolve(request.recipient, request.size);
    } catch (const std::exception& error) {
        return unexpected(TryAgain{std::string("resolver failed: ") + error.what()});
    }
}

void BridgeService::Impl::work() {
    WorkerState state;
    refresh(state); // ready before the first request, not during it
    while (auto job = next_job()) {
        refresh(state);
        answer(job->request, answer_for(job->request, resolve(state, job->request)), job->reply);
    }
}

BridgeService::BridgeService(BridgeServiceOptions options, ResolverFactory factory, PolicyLog log)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(factory), std::move(log))) {}

BridgeService::~BridgeService() {
    stop();
}

Result<bool, std::string> BridgeService::start() {
    const std::size_t count = std::max<std::size_t>(impl_->options.workers, 1);
    {
        std::lock_guard lock(impl_->mutex);
        impl_->queue_limit =
            impl_->options.queue_limit ? impl_->options.queue_limit : kQueuePerWorker * count;
    }
    for (std::size_t i = 0; i < count; ++i)
        impl_->workers.emplace_back([impl = impl_.get()] { impl->work(); });
    auto started = impl_->server.start();
    if (!started)
        stop();
    return started;
}

void BridgeService::stop() {
    impl_->server.stop();
    {
        std::lock_guard lock(impl_->mutex);
        impl_->stopping = true;
        impl_->queue.clear(); // their replies would be dropped: the server is stopped
    }
    impl_->ready.notify_all();
    for (auto& worker : impl_->workers)
        worker.join();
    impl_->workers.clear();
}

void BridgeService::reload(ResolverConfig config) {
    auto shared = std::make_shared<const ResolverConfig>(std::move(config));
    std::lock_guard lock(impl_->mutex);
    impl_->config = std::move(shared);
    ++impl_->generation;
}

Result<bool, std::string> BridgeService::set_allow(std::vector<std::string> allow) {
    return impl_->server.set_allow(std::move(allow));
}

std::uint16_t BridgeService::port() const {
    return impl_->server.port();
}

BridgeCounters BridgeService::counters() const {
    const Impl& impl = *impl_;
    return {impl.not_resolved.load(), impl.deliverable.load(), impl.unknown.load(),
            impl.disabled.load(),     impl.over_quota.load(),  impl.not_ours.load(),
            impl.try_again.load(),    impl.queue_full.load(),  impl.server.counters()};
}

} // namespace mailng::bridge
