// mailng-lab up|status|down --dir DIR [--cluster FILE] [--resources DIR]
// mailng-lab stop|start --dir DIR --host NAME --daemon NAME   (one daemon, for failure tests)
#include <iostream>
#include <string>

#include "lab.h"

namespace {

int usage() {
    std::cerr << "usage: mailng-lab up|status|down --dir DIR [--cluster FILE] [--resources DIR]\n"
                 "       mailng-lab stop|start --dir DIR --host NAME --daemon NAME\n";
    return 2;
}

bool parse(int argc, char** argv, mailng::lab::Options& options) {
    for (int i = 2; i < argc; ++i) {
        std::string arg = argv[i];
        if (i + 1 >= argc)
            return false;
        if (arg == "--dir")
            options.dir = argv[++i];
        else if (arg == "--cluster")
            options.cluster_file = argv[++i];
        else if (arg == "--resources")
            options.resource_dir = argv[++i];
        else if (arg == "--host")
            options.host = argv[++i];
        else if (arg == "--daemon")
            options.daemon = argv[++i];
        else
            return false;
    }
    return !options.dir.empty();
}

} // namespace

int main(int argc, char** argv) {
    mailng::lab::Options options;
    if (argc < 2 || !parse(argc, argv, options))
        return usage();
    const std::string command = argv[1];
    if (command == "up")
        return mailng::lab::lab_up(options);
    if (command == "down")
        return mailng::lab::lab_down(options);
    if (command == "status")
        return mailng::lab::lab_status(options);
    if ((command == "stop" || command == "start") &&
        (options.host.empty() || options.daemon.empty()))
        return usage();
    if (command == "stop")
        return mailng::lab::lab_stop_daemon(options);
    if (command == "start")
        return mailng::lab::lab_start_daemon(options);
    return usage();
}
