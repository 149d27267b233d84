// One page of the main window (Dashboard, Queue, ...). The main window only composes
// pages: it asks them to refresh, to focus their search field, and to save and restore
// their own view state; everything a page shows and does is inside the page's class.
#pragma once

#include <QSettings>
#include <QString>
#include <QWidget>

namespace mailng::gui {

class Page : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;

    /// A fixed, untranslated name: `--page NAME` and the settings use it ("queue").
    virtual QString pageName() const = 0;
    /// The translated title shown in the page list.
    virtual QString title() const = 0;

    /// Starts reloading what the page shows and returns at once. refreshFinished()
    /// follows when every host has answered or failed.
    virtual void refresh() = 0;
    /// Puts the keyboard focus on the page's search or filter field (Ctrl+F).
    virtual void focusSearch() = 0;

    /// The page's own view state (column widths, splitters), under `settings`' current
    /// group. Defaults do nothing.
    virtual void saveViewState(QSettings& settings) const { Q_UNUSED(settings) }
    virtual void restoreViewState(const QSettings& settings) { Q_UNUSED(settings) }

signals:
    /// A refresh started by refresh() is complete (answers or errors from every host).
    void refreshFinished();
    /// A one-line message for the status bar: an action's result or error.
    void statusMessage(const QString& text);
};

} // namespace mailng::gui
