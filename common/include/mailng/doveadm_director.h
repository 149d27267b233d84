// Output of Dovecot 2.3's `doveadm director status` and `doveadm who`, as pure
// functions over bytes.
//
// The agent runs doveadm with `-f tab` (`doveadm -c FILE -f tab director status`):
// the default table formatter pads columns with spaces, and an empty column (the
// director's `tag`, nearly always empty) then cannot be told from the padding. The tab
// formatter writes a header line of column names and one line per row, fields
// separated by TAB. Columns are found by name, so added or reordered columns are fine.
// tests/data/doveadm holds real output of each command from the lab.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mailng/result.h"

namespace mailng {

/// One `-f tab` output: column names and rows of exactly that many fields.
struct DoveadmTable {
    std::vector<std::string> columns;
    std::vector<std::vector<std::string>> rows;

    /// The index of the column called `name`, or nullopt.
    std::optional<std::size_t> column(std::string_view name) const;
};

/// Splits `-f tab` output. The first line is the header; a trailing LF (or CRLF) is
/// optional; empty lines are skipped. Errors: no header, or a row whose field count
/// differs from the header's (the message gives the line number).
Result<DoveadmTable, std::string> parse_doveadm_tab(std::string_view output);

/// One back-end in `doveadm director status`.
struct DirectorBackend {
    std::string address;        // "mail server ip"
    std::string tag;            // usually empty
    std::uint32_t vhosts = 0;   // the weight; 0 = drained
    std::string state;          // "up" or "down"
    std::string state_changed;  // "-" or a time, as doveadm prints it
    std::uint64_t users = 0;
};

/// Parses `doveadm -f tab director status`. Errors: a missing column or a field that
/// should be a number and is not.
Result<std::vector<DirectorBackend>, std::string> parse_director_status(std::string_view output);

/// `doveadm -f tab director status USER`: where the director sends that user.
struct DirectorUserStatus {
    std::string current;         // the back-end the user is on now, or "n/a"
    std::string expires;         // when that assignment expires, as printed
    std::string hashed;          // where the hash would send the user
    std::string initial_config;  // where the hash sent the user with the initial config
};

/// Parses `doveadm -f tab director status USER` (one row). Errors as above.
Result<DirectorUserStatus, std::string> parse_director_user_status(std::string_view output);

/// True when doveadm's stderr says that no director answers on this host (Dovecot
/// without a director service: "Fatal: ... director-admin) failed: ..."); the agent
/// answers not_supported then, instead of tool_failed.
bool director_unavailable(std::string_view stderr_text);

/// One line of `doveadm who`: a user with their connections of one protocol.
/// With `who -1` each connection is its own entry with one pid and one ip.
struct WhoEntry {
    std::string username;
    std::uint32_t connections = 0;
    std::string protocol;         // imap, pop3, ...
    std::vector<std::uint64_t> pids;
    std::vector<std::string> ips;
};

/// Parses `doveadm -f tab who` (columns username, #, proto, (pids), (ips)) or
/// `doveadm -f tab who -1` (username, proto, pid, ip; connections = 1).
Result<std::vector<WhoEntry>, std::string> parse_doveadm_who(std::string_view output);

} // namespace mailng
