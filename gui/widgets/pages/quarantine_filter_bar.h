// The quarantine page's filter bar: type, sender, recipient, subject and minimum spam
// score, as quarantine.list filters them. Enter, a new type or Apply applies it.
#pragma once

#include <QWidget>

#include "models/quarantine_model.h"

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;

namespace mailng::gui {

class QuarantineFilterBar : public QWidget {
    Q_OBJECT
public:
    explicit QuarantineFilterBar(QWidget* parent = nullptr);

    QuarantineModel::Filter filter() const;
    void focusFirstField();

signals:
    void applied(const mailng::gui::QuarantineModel::Filter& filter);

private:
    QLineEdit* addField(const QString& placeholder);
    void clear();

    QComboBox* type_;
    QLineEdit* sender_ = nullptr;
    QLineEdit* recipient_ = nullptr;
    QLineEdit* subject_ = nullptr;
    QDoubleSpinBox* minScore_;
};

} // namespace mailng::gui
