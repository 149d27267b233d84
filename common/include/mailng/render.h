// The config renderer: cluster model + host -> the files that host's daemons read.
//
// Templates are Mustache files under resources/templates/ (see its README for the
// context keys). Rendering is pure: nothing here touches the disk except reading
// templates, and secrets come in through RenderOptions, never from the model.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "mailng/cluster.h"
#include "mailng/result.h"

namespace mailng {

struct RenderOptions {
    std::string ldap_bind_password; // goes only into files that must carry it
    bool policy_service = false;    // relays ask mailng-policyd at RCPT
    bool soft_bounce = false;       // the manual's safety net during changes
    bool lab = false;               // lab-only settings: no DNS, loopback quirks
    std::string daemon_user = "amavis";
    std::string mail_user = "mail";
    std::string mail_group = "mail";
};

struct RenderedFile {
    std::string template_name; // e.g. "postfix/main.cf.relay"
    std::string path;          // absolute path on the host
    std::string content;
    int mode = 0644;   // 0640 for files that carry a secret
    std::string group; // owning group when it matters ("postfix"), else empty
};

/// The Mustache context for `host`. Every key in resources/templates/README.md is
/// present; empty strings become `false` so that `{{#key}}` tests for non-empty.
nlohmann::json render_context(const Cluster& cluster, const Host& host,
                              const RenderOptions& options);

/// Renders `template_text` against `context`. Returns the text, or the template
/// engine's error message (unbalanced sections and the like). Nothing is escaped.
Result<std::string, std::string> render_template(const std::string& template_text,
                                                 const nlohmann::json& context);

/// Every file that `host`'s role needs, rendered from the templates in
/// `template_dir`. Fails with "TEMPLATE: message" on the first template that is
/// missing or does not render.
Result<std::vector<RenderedFile>, std::string> render_host(const Cluster& cluster, const Host& host,
                                                           const RenderOptions& options,
                                                           const std::string& template_dir);

/// resources/templates of the build tree, or $MAILNG_RESOURCE_DIR/templates.
std::string default_template_dir();

/// resources/ of the build tree, or $MAILNG_RESOURCE_DIR.
std::string default_resource_dir();

} // namespace mailng
