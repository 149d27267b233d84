// `mailng-agent stdio`: JSON-RPC over the SSH channel's stdin/stdout until EOF.
#pragma once

#include "dispatcher.h"

namespace mailng::agent {

/// Reads requests from `in_fd`, writes one response line per request to `out_fd`, in
/// order, until end of input or a write error. Returns the process exit status: 0 at
/// end of input, 1 when the output could not be written.
int run_stdio_session(Dispatcher& dispatcher, int in_fd = 0, int out_fd = 1);

} // namespace mailng::agent
