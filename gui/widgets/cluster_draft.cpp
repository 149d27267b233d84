#include "cluster_draft.h"

namespace mailng::gui {

QString tomlString(const QString& text) {
    QString out = QStringLiteral("\"");
    for (QChar c : text) {
        switch (c.unicode()) {
        case '"':
            out += QStringLiteral("\\\"");
            break;
        case '\\':
            out += QStringLiteral("\\\\");
            break;
        case '\n':
            out += QStringLiteral("\\n");
            break;
        case '\t':
            out += QStringLiteral("\\t");
            break;
        case '\r':
            out += QStringLiteral("\\r");
            break;
        default:
            if (c.unicode() < 0x20 || c.unicode() == 0x7f)
                out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
            else
                out += c;
        }
    }
    return out + QLatin1Char('"');
}

QString clusterFileText(const ClusterDraft& draft) {
    QStringList lines;
    lines << QStringLiteral("# Written by the mailng console's first-run dialog; see "
                            "docs/cluster-file.md for every key.");
    lines << QString() << QStringLiteral("[cluster]");
    lines << QStringLiteral("name = ") + tomlString(draft.name);
    lines << QStringLiteral("domain = ") + tomlString(draft.domain);
    lines << QString() << QStringLiteral("[network]");
    QStringList networks;
    for (const QString& network : draft.networks)
        networks << tomlString(network);
    lines << QStringLiteral("mynetworks = [%1]").arg(networks.join(QStringLiteral(", ")));
    if (!draft.ldapUri.isEmpty()) {
        lines << QString() << QStringLiteral("[ldap]");
        lines << QStringLiteral("uri = ") + tomlString(draft.ldapUri);
    }
    for (const ClusterDraft::Host& host : draft.hosts) {
        lines << QString() << QStringLiteral("[[hosts]]");
        lines << QStringLiteral("name = ") + tomlString(host.name);
        lines << QStringLiteral("role = ") + tomlString(host.role);
        lines << QStringLiteral("address = ") + tomlString(host.address);
        if (!host.ssh.isEmpty())
            lines << QStringLiteral("ssh = ") + tomlString(host.ssh);
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace mailng::gui
