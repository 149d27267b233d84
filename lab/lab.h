// mailng-lab: the manual's cluster as real daemons on loopback addresses.
#pragma once

#include <string>

namespace mailng::lab {

struct Options {
    std::string dir;          // the lab directory (created if missing)
    std::string cluster_file; // default: resources/lab/cluster.toml
    std::string resource_dir; // default: the build's resources/
    bool verbose = false;
    std::string host;   // stop/start: one daemon of one host
    std::string daemon; // "postfix", "dovecot", "slapd", "bridge", "agent", ...
};

/// Exit codes: 0 up (or already up), 1 a daemon failed or a port is taken (nothing is
/// left running), 2 a bad cluster or fixture file.
int lab_up(const Options& options);

/// Stops every process the lab started; 0 when none is left, 1 otherwise.
int lab_down(const Options& options);

/// Stops one daemon of a running lab (for failure tests); 0 when it is gone.
int lab_stop_daemon(const Options& options);

/// Starts a daemon that lab_stop_daemon stopped and waits until it answers; 0 when it does.
int lab_start_daemon(const Options& options);

/// Prints each daemon with its pid and whether it answers; 0 all up, 1 otherwise.
int lab_status(const Options& options);

} // namespace mailng::lab
