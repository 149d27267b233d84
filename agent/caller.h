// Who is calling: the SSH user the agent runs as, or the admin behind sudo.
#pragma once

#include <string>

namespace mailng::agent {

/// The caller's user name: SUDO_USER when the agent runs as root under sudo (sudo sets
/// it; a root login that sets it itself only lowers its own access), otherwise the
/// name of the real uid. "uid:N" when the uid has no passwd entry.
std::string current_caller();

} // namespace mailng::agent
