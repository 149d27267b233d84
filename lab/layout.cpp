#include "layout.h"

namespace mailng::lab {
namespace {

void point_host_into_lab(Host& host, const Layout& layout) {
    const std::string home = layout.host_dir(host.name);
    const std::string logs = layout.log_dir(host.name);
    HostPaths& p = host.paths;
    p.config_output_dir = home + "/root";
    p.postfix_config_dir = home + "/postfix";
    p.postfix_queue_dir = home + "/spool";
    p.postfix_data_dir = home + "/postfix-data";
    p.postfix_maillog = logs + "/postfix.log";
    p.dovecot_config = home + "/dovecot/dovecot.conf";
    p.dovecot_base_dir = home + "/dovecot/run";
    p.dovecot_state_dir = home + "/dovecot/state";
    p.dovecot_log = logs + "/dovecot.log";
    p.mail_root = layout.mail_root() + "/maildirs";
    p.index_root = layout.mail_root() + "/index";
    p.control_root = layout.mail_root() + "/control";
    p.sieve_dir = home + "/sieve";
    p.amavis_config = home + "/amavis/amavisd.conf";
    p.amavis_home = home + "/amavis/home";
    p.amavis_quarantine = home + "/amavis/quarantine";
    p.amavis_log = logs + "/amavisd.log";
    p.amavis_release_socket = home + "/amavis/home/amavisd.sock";
    p.mailng_config_dir = home + "/mailng";
    p.mailng_state_dir = home + "/mailng-state";
}

} // namespace

void apply_lab_paths(Cluster& cluster, const Layout& layout) {
    for (auto& host : cluster.hosts)
        point_host_into_lab(host, layout);
    cluster.ldap.bind_password_file = layout.ldap_secret();
    cluster.tls.cert_file = layout.tls_cert();
    cluster.tls.key_file = layout.tls_key();
}

} // namespace mailng::lab
