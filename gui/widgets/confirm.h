// A yes/no question before a change, asked without a nested event loop: the message
// box is opened window-modal and `onYes` runs when the admin confirms.
#pragma once

#include <QMessageBox>
#include <QString>

#include <functional>

namespace mailng::gui {

/// Asks `text` with the buttons `yesLabel` and Cancel (Cancel is the default, so Enter
/// does not confirm a destructive action). Returns the box, already open; it deletes
/// itself when closed.
QMessageBox* confirmThen(QWidget* parent, const QString& title, const QString& text,
                         const QString& yesLabel, std::function<void()> onYes);

/// Shows `text` (an action's result or error) without waiting.
void showNotice(QWidget* parent, const QString& title, const QString& text, bool isError);

} // namespace mailng::gui
