// Preparing the lab directory before any daemon starts: keys, certificates, secrets,
// rendered configuration and the directories each daemon insists on owning.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>

#include "fixtures.h"
#include "layout.h"
#include "mailng/cluster.h"
#include "mailng/result.h"

namespace mailng::lab {

using Status = Result<bool, std::string>;
using Step = std::function<Status()>;

/// Runs `steps` in order and stops at the first that fails, returning its error.
Status in_order(std::initializer_list<Step> steps);

/// Empties a previous lab in `layout.dir` (only one that carries the lab's marker) and
/// creates the skeleton. Refuses a non-empty directory that is not a lab.
Status prepare_lab_dir(const Layout& layout);

/// Random secrets (LDAP service and root passwords), a self-signed TLS pair, the SSH
/// client key, one host key per host, known_hosts and authorized_keys.
Status make_credentials(const Layout& layout, const Cluster& cluster);

/// Renders every host's files and writes them with their modes and owners, then the
/// per-daemon directories (queues, mail store, amavis home).
Status write_host_files(const Layout& layout, const Cluster& cluster,
                        const std::string& resource_dir);

/// slapd.conf and the fixture LDIF, loaded with slapadd.
Status write_directory(const Layout& layout, const Cluster& cluster, const Fixtures& fixtures,
                       const std::string& resource_dir);

/// sshd_config for every host.
Status write_sshd_configs(const Layout& layout, const Cluster& cluster,
                          const std::string& resource_dir);

/// Reads a whole file; empty when unreadable.
std::string read_file(const std::string& path);

/// Writes `content` to `path` atomically with `mode`, owned by user:group when given.
Status write_file(const std::string& path, const std::string& content, int mode,
                  const std::string& user = {}, const std::string& group = {});

} // namespace mailng::lab
