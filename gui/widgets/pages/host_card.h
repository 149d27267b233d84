// One host on the dashboard: its name and role, up or down (with the reason), the
// services that run or not, load, /var use, queue counts, IMAP/POP3 sessions and, where
// a policy daemon runs, its counters - the texts HostStatusModel gives its row, laid out
// as a card.
#pragma once

#include <QFrame>

class QFormLayout;
class QLabel;

namespace mailng::gui {

class HostStatusModel;

class HostCard : public QFrame {
    Q_OBJECT
public:
    explicit HostCard(const QString& host, QWidget* parent = nullptr);

    const QString& host() const { return host_; }
    /// Fills the card from `model`'s row for the host (nothing if it has none).
    void update(const HostStatusModel& model);

    /// The card's text, for tests and accessibility: "theano relay up ...".
    QString text() const;

private:
    QLabel* addLine(const QString& label);

    QString host_;
    QLabel* title_;
    QLabel* state_;
    QFormLayout* form_; // the labelled lines
    QLabel* services_;
    QLabel* load_;
    QLabel* var_;
    QLabel* queues_;
    QLabel* sessions_;
    QLabel* policy_;
};

} // namespace mailng::gui
