// `mailng-agent serve`: the resident daemon. Every metrics.interval it samples
// host.status into the metrics store (config.metrics_db()) and prunes it to
// retention_days / max_rows, so that metrics.history and `check queue` have a history.
// (`check queue` itself is run_check_queue() in queue_check.h.)
//
// Robustness: a sample that fails (database locked, disk full, state_dir missing) is
// logged and the loop goes on; the database is reopened at the next sample. A part of
// host.status that becomes unavailable (or available again) is logged once, when that
// changes, not every minute. Tools run during sampling get at most 10 s each.
#pragma once

#include "agent_config.h"

namespace mailng::agent {

/// Runs the sampling loop until SIGTERM or SIGINT, which stop it within a second (a
/// sample in progress is waited for, its tools at most 10 s). Logs go to syslog
/// (facility mail, ident mailng-agent) or, with `foreground`, to stderr. Installs its
/// own SIGTERM/SIGINT handlers for the duration of the call and restores the previous
/// ones. Returns the exit status: 0 after a clean stop, 1 when it cannot start (no
/// signal pipe). Never throws.
int run_serve(const AgentConfig& config, bool foreground);

} // namespace mailng::agent
