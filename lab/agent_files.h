// What each lab host needs for mailng-agent: its agent.toml (its own postfix -c,
// doveadm -c, quarantine, pid files, policyd's stats file, state directory, a 10 s
// metrics interval for the lab's `serve`) and, on relays, a copy of
// amavisd-release that talks to that relay's amavisd (the script has its socket path
// built in; a host with several amavisd instances does the same).
#pragma once

#include <string>

#include "layout.h"
#include "mailng/cluster.h"
#include "mailng/result.h"

namespace mailng::lab {

/// Users the lab's agents know besides root (admin), for the role tests: a caller
/// becomes one of them with SUDO_USER, as under `sudo -n mailng-agent stdio`.
inline constexpr const char* kLabOperator = "lab-operator";
inline constexpr const char* kLabViewer = "lab-viewer";

std::string agent_config_path(const Layout& layout, const std::string& host);

/// The command an SSH login runs to start the host's agent in stdio mode.
std::string agent_command(const Layout& layout, const std::string& host);

/// Writes agent.toml for every host and amavisd-release for every relay.
Result<bool, std::string> write_agent_files(const Layout& layout, const Cluster& cluster);

/// Where the lab writes the pid of a daemon it runs in the foreground (policyd,
/// bridge, agent), so that the agent finds it the way it finds the others.
std::string foreground_pid_file(const Host& host, const std::string& daemon);

/// Where mailng-policyd on `host` writes its counters: the `stats_file` that
/// resources/templates/mailng/policyd.toml renders from paths.mailng_state_dir.
/// agent.toml names it for the mailng-policyd service, so host.status shows them.
std::string policyd_stats_file(const Host& host);

} // namespace mailng::lab
