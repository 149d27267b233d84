// The console's five pages, in the order of the page list and Ctrl+1..5: Dashboard,
// Queue, Quarantine, Director, Audit - composed into a MainWindow over a session.
#pragma once

namespace mailng::gui {

class ClusterSession;
class MainWindow;

/// Adds the five pages to `window`, each talking to `session` (which must outlive
/// them). The director page learns which host has which address from the session's
/// endpoints.
void addStandardPages(MainWindow& window, ClusterSession& session);

} // namespace mailng::gui
