// The lab's record of what it started (DIR/state.json), written before each start so
// that `down` finds every process even after a failed `up`.
#pragma once

#include <string>
#include <vector>

namespace mailng::lab {

struct Endpoint {
    std::string address;
    int port = 0;
    std::string service; // "smtp", "imap", ... as in lab.json
};

struct DaemonRecord {
    std::string host;
    std::string name;     // "postfix", "dovecot", "amavisd", "slapd", "sshd", "agent", ...
    std::string pid_file; // authoritative when it names a live process
    int pid = 0;          // what was started, for daemons that died early
    std::vector<Endpoint> endpoints;
};

std::vector<DaemonRecord> read_state(const std::string& path);
bool write_state(const std::string& path, const std::vector<DaemonRecord>& records);

/// The live pid of `record`, or 0.
int live_pid(const DaemonRecord& record);

} // namespace mailng::lab
