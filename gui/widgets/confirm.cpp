#include "confirm.h"

#include <QPushButton>

namespace mailng::gui {

QMessageBox* confirmThen(QWidget* parent, const QString& title, const QString& text,
                         const QString& yesLabel, std::function<void()> onYes) {
    auto* box = new QMessageBox(QMessageBox::Question, title, text, QMessageBox::NoButton, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    QPushButton* yes = box->addButton(yesLabel, QMessageBox::AcceptRole);
    QPushButton* cancel = box->addButton(QMessageBox::Cancel);
    box->setDefaultButton(cancel);
    QObject::connect(box, &QMessageBox::finished, box, [box, yes, onYes = std::move(onYes)](int) {
        if (box->clickedButton() == yes)
            onYes();
    });
    box->open();
    return box;
}

void showNotice(QWidget* parent, const QString& title, const QString& text, bool isError) {
    auto* box = new QMessageBox(isError ? QMessageBox::Warning : QMessageBox::Information, title,
                                text, QMessageBox::Ok, parent);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();
}

} // namespace mailng::gui
