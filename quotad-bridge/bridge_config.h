// mailng-quotad-bridge's configuration file (TOML), as DESIGN.md fixes its keys and
// resources/templates/mailng/quotad-bridge.toml renders it. Documented, with every key,
// in resources/examples/quotad-bridge.toml.
//
// Contract: parsing reports every problem it finds, each as file:line:column at the key
// or value that is wrong, and refuses unknown keys (a typo must not silently become a
// default). The LDAP bind password is read from `bind_password_file` and is never part
// of any message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <optional>

#include "mailng/policy_server.h"
#include "mailng/result.h"
#include "recipient_resolver.h"

namespace mailng::bridge {

enum class LogTarget { syslog, stderr_stream };

struct BridgeConfig {
    std::string listen;                 // "192.0.2.21:10041": an IP literal and a port
    /// Client networks (address/prefix; a bare address is widened to /32 or /128).
    /// Default when the key is absent: loopback only. An empty list is refused, since
    /// the server would read it as "every client".
    std::vector<std::string> allow{"127.0.0.0/8", "::1/128"};
    std::size_t threads = 4;            // resolver workers, one LDAP connection each
    LogTarget log = LogTarget::syslog;
    std::string bind_password_file;     // resolved against the config file's folder
    ResolverConfig resolver;            // bind_password filled from bind_password_file
    /// [tls]: `cert`, `key` (required in the table), `client_ca` (clients must then
    /// present a certificate signed by it). Paths resolved against the config file's
    /// folder; the key file must not be readable by group or others. Absent: plain TCP.
    /// Applied at start only (a reload does not change it).
    std::optional<TlsServerSettings> tls;
};

/// Parses `text` as if read from `file_name` (which also anchors a relative
/// bind_password_file), and reads the bind password file. Every problem is reported,
/// in file order.
Result<BridgeConfig, std::vector<Problem>> parse_bridge_config(std::string_view text,
                                                               const std::string& file_name);

/// Reads `path` and parses it; an unreadable file is one Problem at line 0.
Result<BridgeConfig, std::vector<Problem>> load_bridge_config(const std::string& path);

/// Reads a secret from a regular file that only its owner may read: the file is refused
/// when group or others have read permission, so that the bridge does not use a
/// password that other local users could read. One trailing newline is stripped; an
/// empty secret, or one with a line break or NUL inside, is refused. The error names the
/// file and never contains the secret.
Result<std::string, std::string> read_secret_file(const std::string& path);

/// Checks that `path` is a regular file that group and others cannot read (a TLS
/// private key); the error names the file and the mode.
Result<bool, std::string> check_private_file(const std::string& path);

} // namespace mailng::bridge
