// mailng-agent: the program the console reaches over SSH on every server.
//
//   mailng-agent [--config FILE] stdio          JSON-RPC 2.0 on stdin/stdout
//   mailng-agent [--config FILE] serve [--foreground]
//   mailng-agent [--config FILE] check queue    Nagios plugin (exit 0/1/2/3)
//   mailng-agent --version
//
// Without --config, /etc/mailng/agent.toml is read when it exists, else the defaults.
#include "agent_config.h"
#include "caller.h"
#include "dispatcher.h"
#include "queue_check.h"
#include "serve.h"
#include "stdio_session.h"

#include <csignal>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

namespace {

using mailng::agent::AgentConfig;

constexpr const char* kDefaultConfig = "/etc/mailng/agent.toml";
constexpr int kUsageError = 2;

struct Arguments {
    std::string config;
    std::vector<std::string> command;
    bool foreground = false;
};

int usage() {
    std::cerr << "usage: mailng-agent [--config FILE] stdio\n"
                 "       mailng-agent [--config FILE] serve [--foreground]\n"
                 "       mailng-agent [--config FILE] check queue\n"
                 "       mailng-agent --version\n";
    return kUsageError;
}

bool parse_arguments(int argc, char** argv, Arguments& arguments) {
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--config" && i + 1 < argc)
            arguments.config = argv[++i];
        else if (arg == "--foreground")
            arguments.foreground = true;
        else if (!arg.empty() && arg[0] == '-')
            return false;
        else
            arguments.command.push_back(arg);
    }
    return !arguments.command.empty();
}

std::optional<AgentConfig> load_config(const std::string& path) {
    std::error_code ignored;
    if (path.empty() && !std::filesystem::exists(kDefaultConfig, ignored))
        return mailng::agent::default_agent_config();
    auto loaded = mailng::agent::load_agent_config(path.empty() ? kDefaultConfig : path);
    if (loaded)
        return *loaded;
    for (const auto& problem : loaded.error())
        std::cerr << "mailng-agent: " << problem.to_string() << '\n';
    return std::nullopt;
}

int run_stdio(const AgentConfig& config) {
    std::signal(SIGPIPE, SIG_IGN);
    auto methods = mailng::agent::standard_methods();
    mailng::agent::Dispatcher dispatcher(config, methods, mailng::agent::current_caller());
    return mailng::agent::run_stdio_session(dispatcher);
}

} // namespace

int main(int argc, char** argv) {
    if (argc == 2 && std::string(argv[1]) == "--version") {
        std::cout << "mailng-agent " << MAILNG_VERSION << '\n';
        return 0;
    }
    Arguments arguments;
    if (!parse_arguments(argc, argv, arguments))
        return usage();
    auto config = load_config(arguments.config);
    if (!config)
        return kUsageError;
    const auto& command = arguments.command;
    if (command == std::vector<std::string>{"stdio"})
        return run_stdio(*config);
    if (command == std::vector<std::string>{"serve"})
        return mailng::agent::run_serve(*config, arguments.foreground);
    if (command == std::vector<std::string>{"check", "queue"})
        return mailng::agent::run_check_queue(*config, std::cout);
    return usage();
}
