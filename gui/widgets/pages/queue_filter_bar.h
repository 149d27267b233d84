// The queue page's filter bar: queue, sender, recipient, recipient domain, delay reason
// and minimum age, as the agent filters them (QueueViewFilter). Enter in a field, a new
// queue or age, or Apply applies it; Clear empties it.
#pragma once

#include <QWidget>

#include "models/queue_view_filter.h"

class QComboBox;
class QLineEdit;
class QSpinBox;

namespace mailng::gui {

class QueueFilterBar : public QWidget {
    Q_OBJECT
public:
    explicit QueueFilterBar(QWidget* parent = nullptr);

    /// The conditions as the fields hold them now.
    QueueViewFilter filter() const;
    void setFilter(const QueueViewFilter& filter);
    /// Focuses the first text field and selects its text (Ctrl+F).
    void focusFirstField();

signals:
    /// The admin applied the fields' conditions (or cleared them).
    void applied(const mailng::gui::QueueViewFilter& filter);

private:
    QLineEdit* addField(const QString& placeholder, const QString& name);
    void apply();
    void clear();

    QComboBox* queue_;
    QLineEdit* sender_ = nullptr;
    QLineEdit* recipient_ = nullptr;
    QLineEdit* domain_ = nullptr;
    QLineEdit* reason_ = nullptr;
    QSpinBox* minAge_;
};

} // namespace mailng::gui
