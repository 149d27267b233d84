// What the console shows when no cluster file is known yet (no --cluster, none
// remembered): open a cluster file, open the example cluster of the manual
// (resources/examples/emailng.toml, embedded), or describe the hosts and save a first
// cluster file. Whatever is chosen is read with the cluster loader before it is taken;
// its problems are shown and the dialog stays open. File dialogs are opened with
// open(), never exec(). File > Open cluster shows the same choices (Purpose::Switch).
#pragma once

#include <QDialog>
#include <QList>

#include "host_connection.h"

class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableWidget;

namespace mailng::gui {

struct ClusterDraft;

class FirstRunDialog : public QDialog {
    Q_OBJECT
public:
    /// FirstRun: nothing is open yet, the last button quits. Switch: a cluster is open
    /// and stays open unless another one is chosen; the last button cancels.
    enum class Purpose { FirstRun, Switch };

    explicit FirstRunDialog(QWidget* parent = nullptr, Purpose purpose = Purpose::FirstRun);

    /// Reads `path` with the cluster loader; on success emits clusterChosen and
    /// accepts, else shows the problems. Returns whether it was taken.
    bool tryCluster(const QString& path);
    /// Copies the embedded example to the application's data folder and tries it.
    bool openExample();
    /// The problems shown now (tests).
    QString problems() const;

    /// The draft as the "describe" form holds it.
    ClusterDraft draft() const;

signals:
    void clusterChosen(const QString& path, const QList<mailng::gui::HostEndpoint>& endpoints);

private:
    QWidget* buildChoicePage(Purpose purpose);
    QWidget* buildDescribePage();
    void chooseFile();
    void addHostRow(const QString& role);
    void saveDraft();
    void writeDraft(const QString& path);

    QStackedWidget* stack_;
    QLabel* problems_;
    QLineEdit* name_ = nullptr;
    QLineEdit* domain_ = nullptr;
    QLineEdit* networks_ = nullptr;
    QLineEdit* ldapUri_ = nullptr;
    QTableWidget* hosts_ = nullptr;
};

} // namespace mailng::gui
