// Where everything of one lab lives below its directory, and how the lab bends the
// cluster model (private paths, loopback) without a second renderer.
#pragma once

#include <string>

#include "mailng/cluster.h"

namespace mailng::lab {

struct Layout {
    std::string dir; // absolute

    std::string lab_json() const { return dir + "/lab.json"; }
    std::string state_file() const { return dir + "/state.json"; }
    std::string added_addresses() const { return dir + "/loopback-addresses"; }
    std::string marker() const { return dir + "/.mailng-lab"; }
    std::string secrets() const { return dir + "/secrets"; }
    std::string ldap_secret() const { return secrets() + "/ldap.secret"; }
    std::string ldap_root_secret() const { return secrets() + "/ldap-root.secret"; }
    std::string tls_cert() const { return dir + "/tls/lab.crt"; }
    std::string tls_key() const { return dir + "/tls/lab.key"; }
    std::string ssh_dir() const { return dir + "/ssh"; }
    std::string client_key() const { return ssh_dir() + "/id_ed25519"; }
    std::string known_hosts() const { return ssh_dir() + "/known_hosts"; }
    std::string authorized_keys() const { return ssh_dir() + "/authorized_keys"; }
    std::string ldap_dir() const { return dir + "/ldap"; }
    std::string mail_root() const { return dir + "/mail"; }
    std::string host_dir(const std::string& host) const { return dir + "/hosts/" + host; }
    std::string log_dir(const std::string& host) const { return host_dir(host) + "/log"; }
};

/// Points every path of every host into the lab directory, and the cluster's secrets
/// and certificates at the lab's own. The three back-end mail areas are shared, as the
/// manual's NFS mounts are.
void apply_lab_paths(Cluster& cluster, const Layout& layout);

} // namespace mailng::lab
