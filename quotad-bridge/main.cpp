// mailng-quotad-bridge --config FILE.toml [--check-config] [--foreground]
//
// Exit status: 0 after a clean stop (SIGTERM, SIGINT) or a valid --check-config; 2 for a
// bad command line or configuration; 1 when the service cannot start (address in use).
// SIGHUP re-reads the file: the resolvers' settings and `allow` change without dropping
// a connection; `listen`, `threads` and `log` need a restart (logged when they differ).
#include <pthread.h>
#include <syslog.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "bridge_config.h"
#include "bridge_service.h"

namespace {

using mailng::bridge::BridgeConfig;
using mailng::bridge::BridgeService;
using mailng::bridge::BridgeServiceOptions;

constexpr std::string_view kProgram = "mailng-quotad-bridge";
constexpr std::size_t kIoThreads = 2; // the io threads only parse and write; workers wait on LDAP
constexpr int kExitConfig = 2;
constexpr int kExitStart = 1;

struct Arguments {
    std::string config;
    bool check_only = false;
    bool foreground = false;
};

void print_usage(std::FILE* out) {
    std::fprintf(out, "usage: %s --config FILE.toml [--check-config] [--foreground]\n",
                 kProgram.data());
}

mailng::Result<Arguments, std::string> parse_arguments(int argc, char** argv) {
    Arguments arguments;
    for (int i = 1; i < argc; ++i) {
        const std::string_view argument = argv[i];
        if (argument == "--config" && i + 1 < argc)
            arguments.config = argv[++i];
        else if (argument == "--check-config")
            arguments.check_only = true;
        else if (argument == "--foreground")
            arguments.foreground = true;
        else if (argument == "--help")
            return mailng::unexpected(std::string());
        else
            return mailng::unexpected("unknown or incomplete argument: " + std::string(argument));
    }
    if (arguments.config.empty())
        return mailng::unexpected(std::string("--config FILE is required"));
    return arguments;
}

// Failures and try-agains are warnings, as Postfix logs a failing lookup; the rest info.
int priority_of(std::string_view line) {
    for (std::string_view prefix : {"warning:", "try again:"})
        if (line.substr(0, prefix.size()) == prefix)
            return LOG_WARNING;
    return LOG_INFO;
}

/// The log sink that every part of the program writes to: syslog facility mail, or
/// stderr (one write per line, so that lines of different threads do not interleave).
mailng::PolicyLog make_log(bool to_stderr) {
    if (!to_stderr) {
        openlog(kProgram.data(), LOG_PID, LOG_MAIL);
        return [](std::string_view line) {
            syslog(priority_of(line), "%.*s", static_cast<int>(line.size()), line.data());
        };
    }
    auto mutex = std::make_shared<std::mutex>();
    return [mutex](std::string_view line) {
        std::string text = std::string(kProgram) + "[" + std::to_string(getpid()) + "]: ";
        text.append(line);
        text += '\n';
        std::lock_guard lock(*mutex);
        std::fwrite(text.data(), 1, text.size(), stderr);
    };
}

mailng::Result<BridgeConfig, std::string> load(const std::string& path,
                                               const mailng::PolicyLog& report) {
    auto config = mailng::bridge::load_bridge_config(path);
    if (config)
        return std::move(config.value());
    for (const auto& problem : config.error())
        report(problem.to_string());
    return mailng::unexpected(std::to_string(config.error().size()) + " problem(s) in " + path);
}

BridgeServiceOptions service_options(const BridgeConfig& config) {
    BridgeServiceOptions options;
    options.server.listen = config.listen;
    options.server.allow = config.allow;
    options.server.tls = config.tls;
    options.server.threads = kIoThreads;
    options.workers = config.threads;
    options.resolver = config.resolver;
    return options;
}

void reload(const std::string& path, BridgeConfig& running, BridgeService& service,
            const mailng::PolicyLog& log) {
    auto next = load(path, [&log](std::string_view line) {
        log("warning: reload: " + std::string(line));
    });
    if (!next) {
        log("warning: reload failed (" + next.error() + "); the running configuration stays");
        return;
    }
    if (next->listen != running.listen || next->threads != running.threads ||
        next->log != running.log || next->tls != running.tls)
        log("warning: reload: listen, threads, log and [tls] change only at a restart");
    if (auto allowed = service.set_allow(next->allow); !allowed) {
        log("warning: reload failed (" + allowed.error() + "); the running configuration stays");
        return;
    }
    service.reload(next->resolver);
    running.allow = next->allow;
    running.resolver = next->resolver;
    log("reloaded " + path);
}

/// Blocks the signals that the main thread waits for, before any thread starts, so
/// that every thread inherits the mask and only sigwait() sees them.
sigset_t block_control_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    for (int signal : {SIGTERM, SIGINT, SIGHUP})
        sigaddset(&signals, signal);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN); // a peer that went away is an error value, not a death
    return signals;
}

int serve(const std::string& path, BridgeConfig config, const mailng::PolicyLog& log) {
    const sigset_t signals = block_control_signals();
    BridgeService service(service_options(config), mailng::bridge::make_resolver, log);
    if (auto started = service.start(); !started) {
        log("fatal: " + started.error());
        return kExitStart;
    }
    log("listening on " + config.listen + " with " + std::to_string(config.threads) +
        " workers");
    for (;;) {
        int signal = 0;
        if (sigwait(&signals, &signal) != 0 || signal != SIGHUP)
            break;
        reload(path, config, service, log);
    }
    service.stop();
    log("stopped");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    auto arguments = parse_arguments(argc, argv);
    if (!arguments && arguments.error().empty()) { // --help
        print_usage(stdout);
        return 0;
    }
    if (!arguments) {
        std::fprintf(stderr, "%s: %s\n", kProgram.data(), arguments.error().c_str());
        print_usage(stderr);
        return kExitConfig;
    }
    auto to_stderr = [](std::string_view line) {
        std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
    };
    auto config = load(arguments->config, to_stderr);
    if (!config)
        return kExitConfig;
    if (arguments->check_only) {
        std::printf("%s: configuration OK\n", arguments->config.c_str());
        return 0;
    }
    const bool log_to_stderr =
        arguments->foreground || config->log == mailng::bridge::LogTarget::stderr_stream;
    auto log = make_log(log_to_stderr);
    return serve(arguments->config, std::move(config.value()), log);
}
