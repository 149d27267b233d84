// The status bar's row of hosts: each host's name with a coloured mark for its
// connection state, and the reason in the tooltip when it is not connected.
#pragma once

#include <QHash>
#include <QString>
#include <QStringList>
#include <QWidget>

#include "host_connection.h"

class QHBoxLayout;
class QLabel;

namespace mailng::gui {

class HostStateBar : public QWidget {
    Q_OBJECT
public:
    explicit HostStateBar(QWidget* parent = nullptr);

    /// One entry per host, in this order, each Disconnected until told otherwise.
    void setHosts(const QStringList& hosts);
    void setHostState(const QString& host, HostConnection::State state, const QString& reason);

    /// The entry's text and tooltip, for tests: "theano: connected".
    QString entryText(const QString& host) const;
    QString entryToolTip(const QString& host) const;

    /// "connected", "connecting", ... translated.
    static QString stateText(HostConnection::State state);

private:
    QHBoxLayout* layout_;
    QHash<QString, QLabel*> labels_;
};

} // namespace mailng::gui
