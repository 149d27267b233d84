// mailng-policyd: Postfix check_policy_service endpoint on the relays.
//
//   mailng-policyd --config FILE.toml [--check-config] [--foreground]
//
// Exit status: 0 after a clean stop (or a valid config with --check-config), 1 when
// the server cannot start (address in use, ...), 2 for a bad command line or config.
// Signals: SIGTERM/SIGINT stop; SIGHUP reloads the config without dropping smtpd's
// connections; SIGUSR1 writes the stats file now. systemd runs it in the foreground
// (Type=simple); there is no daemonising.
#include <syslog.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <csignal>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mailng/policy_server.h"
#include "policy_service.h"
#include "policyd_config.h"

namespace {

using namespace mailng;
using namespace mailng::policyd;

constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;
constexpr std::chrono::seconds kStatsInterval{5};

struct Arguments {
    std::string config_path;
    bool check_config = false;
    bool foreground = false;
};

const char* kUsage = "usage: mailng-policyd --config FILE.toml [--check-config] [--foreground]\n";

std::optional<Arguments> parse_arguments(int argc, char** argv) {
    Arguments arguments;
    for (int i = 1; i < argc; ++i) {
        const std::string_view argument = argv[i];
        if (argument == "--config" && i + 1 < argc) {
            arguments.config_path = argv[++i];
        } else if (argument == "--check-config") {
            arguments.check_config = true;
        } else if (argument == "--foreground") {
            arguments.foreground = true;
        } else {
            return std::nullopt;
        }
    }
    if (arguments.config_path.empty()) {
        return std::nullopt;
    }
    return arguments;
}

/// Syslog (facility mail, like Postfix) or stderr; callable from any thread.
class Logger {
public:
    explicit Logger(bool to_syslog) : to_syslog_(to_syslog) {
        if (to_syslog_) {
            openlog("mailng-policyd", LOG_PID, LOG_MAIL);
        }
    }

    void write(int priority, std::string_view line) {
        if (to_syslog_) {
            syslog(priority, "%.*s", static_cast<int>(line.size()), line.data());
            return;
        }
        const std::scoped_lock lock(mutex_);
        std::cerr << "mailng-policyd: " << line << std::endl;
    }

    /// For the server and the service: failure actions are warnings, the rest info.
    PolicyLog sink() {
        return [this](std::string_view line) {
            write(line.starts_with("failure action") ? LOG_WARNING : LOG_INFO, line);
        };
    }

private:
    bool to_syslog_;
    std::mutex mutex_;
};

void print_problems(const std::vector<Problem>& problems) {
    for (const auto& problem : problems) {
        std::cerr << problem.to_string() << "\n";
    }
}

PolicyServerOptions server_options(const PolicydConfig& config) {
    PolicyServerOptions options;
    options.listen = config.listen;
    options.threads = config.threads;
    return options;
}

/// What runs after start: signals, the periodic stats file, the reload.
class Daemon {
public:
    Daemon(std::string config_path, PolicydConfig config, Logger& logger)
        : config_path_(std::move(config_path)), config_(std::move(config)), logger_(logger),
          service_(config_, logger.sink()),
          server_(server_options(config_),
                  [this](PolicyRequest request, PolicyReply reply) {
                      service_.handle(std::move(request), std::move(reply));
                  },
                  logger.sink()),
          signals_(io_, SIGTERM, SIGINT, SIGHUP), stats_timer_(io_) {
        signals_.add(SIGUSR1);
    }

    int run() {
        if (auto started = server_.start(); !started) {
            logger_.write(LOG_ERR, "cannot start: " + started.error());
            return kExitRuntime;
        }
        logger_.write(LOG_INFO, "started: listening on " + config_.listen + ", " +
                                    std::to_string(config_.bridges.size()) + " bridge(s)");
        wait_for_signal();
        schedule_stats();
        io_.run();
        server_.stop();  // first: no new request reaches the service
        service_.stop();
        write_stats();
        logger_.write(LOG_INFO, "stopped");
        return 0;
    }

private:
    void wait_for_signal() {
        signals_.async_wait([this](const boost::system::error_code& error, int signal) {
            if (error) {
                return;
            }
            if (signal == SIGTERM || signal == SIGINT) {
                io_.stop();
                return;
            }
            signal == SIGHUP ? reload() : write_stats();
            wait_for_signal();
        });
    }

    void schedule_stats() {
        if (config_.stats_file.empty()) {
            return;
        }
        write_stats();
        stats_timer_.expires_after(kStatsInterval);
        stats_timer_.async_wait([this](const boost::system::error_code& error) {
            if (!error) {
                schedule_stats();
            }
        });
    }

    void write_stats() {
        if (config_.stats_file.empty()) {
            return;
        }
        auto written = service_.write_stats_file(config_.stats_file);
        const std::string error = written ? "" : written.error();
        if (error != last_stats_error_ && !error.empty()) {
            logger_.write(LOG_ERR, "stats file: " + error); // once, not every 5 s
        }
        last_stats_error_ = error;
    }

    void reload() {
        auto loaded = load_policyd_config(config_path_);
        if (!loaded) {
            for (const auto& problem : loaded.error()) {
                logger_.write(LOG_ERR, "reload refused: " + problem.to_string());
            }
            return;
        }
        PolicydConfig next = std::move(loaded.value());
        for (const auto& key : keys_needing_restart(config_, next)) {
            logger_.write(LOG_WARNING, "reload: '" + key + "' changed; it takes effect after a restart");
        }
        keep_restart_only_keys(next);
        service_.reload(next);
        config_ = std::move(next);
        logger_.write(LOG_INFO, "reloaded " + config_path_);
    }

    /// The keys a reload cannot apply keep their running values, so that config_ always
    /// describes what is running.
    void keep_restart_only_keys(PolicydConfig& next) const {
        next.listen = config_.listen;
        next.threads = config_.threads;
        next.cache_max_entries = config_.cache_max_entries;
        next.log = config_.log;
        next.stats_file = config_.stats_file;
    }

    std::string config_path_;
    PolicydConfig config_;
    Logger& logger_;
    PolicyService service_;
    PolicyServer server_;
    boost::asio::io_context io_;
    boost::asio::signal_set signals_;
    boost::asio::steady_timer stats_timer_;
    std::string last_stats_error_;
};

} // namespace

int main(int argc, char** argv) {
    const auto arguments = parse_arguments(argc, argv);
    if (!arguments) {
        std::cerr << kUsage;
        return kExitUsage;
    }
    auto config = load_policyd_config(arguments->config_path);
    if (!config) {
        print_problems(config.error());
        return kExitUsage;
    }
    if (arguments->check_config) {
        std::cout << arguments->config_path << ": valid\n";
        return 0;
    }
    std::signal(SIGPIPE, SIG_IGN); // a peer that went away is an error code, not a death
    Logger logger(config->log == LogTarget::syslog && !arguments->foreground);
    Daemon daemon(arguments->config_path, std::move(config.value()), logger);
    return daemon.run();
}
