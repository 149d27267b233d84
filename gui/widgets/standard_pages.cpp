#include "standard_pages.h"

#include "cluster_session.h"
#include "main_window.h"
#include "pages/audit_page.h"
#include "pages/dashboard_page.h"
#include "pages/director_page.h"
#include "pages/quarantine_page.h"
#include "pages/queue_page.h"

namespace mailng::gui {

void addStandardPages(MainWindow& window, ClusterSession& session) {
    window.addPage(new DashboardPage(session));
    window.addPage(new QueuePage(session));
    window.addPage(new QuarantinePage(session));
    auto* director = new DirectorPage(session);
    QHash<QString, QString> hostByAddress;
    for (const QString& host : session.hosts())
        if (const HostConnection* connection = session.connection(host))
            hostByAddress.insert(connection->endpoint().address, host);
    director->setHostAddresses(hostByAddress);
    window.addPage(director);
    window.addPage(new AuditPage(session));
}

} // namespace mailng::gui
