// Which daemons each lab host runs, on which endpoints, and how to start each one.
#pragma once

#include <string>
#include <vector>

#include "layout.h"
#include "mailng/cluster.h"
#include "mailng/result.h"
#include "state.h"

namespace mailng::lab {

/// Every daemon the lab runs for `cluster`, in start order, with its pid file and the
/// endpoints it must answer on.
std::vector<DaemonRecord> plan_daemons(const Layout& layout, const Cluster& cluster);

/// Starts `record`'s daemon and fills in its pid; the error says what failed and
/// where its log is.
Result<bool, std::string> start_daemon(DaemonRecord& record, const Layout& layout,
                                       const Cluster& cluster);

/// `relative` (e.g. "policyd/mailng-policyd") in the build tree this mailng-lab came from.
std::string sibling_program(const std::string& relative);

/// True when mailng-policyd and mailng-quotad-bridge are built: then the relays ask
/// them at RCPT and the lab runs them.
bool policy_programs_built();

/// True when mailng-agent is built: then every host runs `mailng-agent serve` (daemon
/// "agent"), so that metrics.history has samples for the console's charts.
bool agent_program_built();

/// The daemons a host of `role` runs, in start order ("postfix", "dovecot", "amavisd",
/// "policyd", "bridge", "slapd", "sshd", "agent"). The agent comes last: its first
/// sample then sees the others started.
std::vector<std::string> lab_daemons_of(Role role);

/// The pid file of `daemon` on `host`; empty for the ones that run in the foreground.
std::string lab_pid_file(const std::string& daemon, const Host& host, const Layout& layout);

/// The services (lab.json `ports`) a host of `role` offers.
std::vector<std::string> services_of(Role role);


} // namespace mailng::lab
