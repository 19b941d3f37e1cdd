#pragma once

#include "core/doctor/Doctor.h"
#include "core/kube/MutationGuard.h"

#include <QPointer>
#include <QWidget>

#include <functional>

class QDialog;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace obslab {

class CommandRunner;
class DoctorFixRun;

// The Doctor panel: runs the tracing doctor (core/doctor) and shows its findings grouped, each
// with its evidence (expand the row) and, for problems, the exact fix. "Fix…" shows the commands
// and asks (naming the context, with the mutation gate's question); core's DoctorFixRun applies
// them, then the panel checks again. GUI thread; never blocks (the doctor and the fixes are
// asynchronous).
class DoctorPanel : public QWidget
{
    Q_OBJECT
public:
    explicit DoctorPanel(CommandRunner* runner, QWidget* parent = nullptr);

    // Where the checks and fixes go; `policy` decides whether a fix needs confirmation.
    void setOptions(const DoctorOptions& options, const MutationPolicy& policy);
    const DoctorOptions& options() const { return options_; }
    // kubectl has no context (the toolbar's state): the header says so in ObsLab's words.
    void setNoContext(bool noContext);
    // Called before each run: the port-forwards ObsLab runs (unset: not known).
    void setForwardsSource(std::function<std::optional<QList<DoctorForward>>()> source);
    // Asks before a fix runs: return true to run. The default is a QMessageBox question.
    void setConfirm(std::function<bool(const QString& question)> confirm);

    // The default confirmation: the question's first paragraph, then what runs in a box that
    // scrolls, Yes/Cancel always on screen (sized to the screen's available height).
    static QDialog* createFixDialog(const QString& question, QWidget* parent);

    Doctor* doctor() const { return doctor_; }
    QTreeWidget* tree() const { return tree_; }
    QPushButton* fixButton() const { return fixButton_; }
    QString selectedCheck() const;
    bool hasRun() const { return hasRun_; }
    // The last run's verdict (Inconclusive: the cluster stopped answering during it).
    DoctorOutcome::Verdict verdict() const { return verdict_; }

public Q_SLOTS:
    void runChecks();
    // Selects (and expands) a check; runs the doctor first if it has never run.
    void focusCheck(const QString& checkId);
    // Asks, runs the fix of the selected (or given) check, then checks again.
    void fixCheck(const QString& checkId = {});

Q_SIGNALS:
    void checksFinished();
    void fixFinished(const QString& checkId, bool ok, const QString& message);

private:
    void onFinished(const QList<DoctorFinding>& findings);
    void showDetails();
    void endFix(const QString& id, bool ok, const QString& message);
    const DoctorFinding* finding(const QString& id) const;

    QPointer<CommandRunner> runner_;
    Doctor* doctor_ = nullptr;
    DoctorFixRun* fixRun_ = nullptr;
    DoctorOptions options_;
    MutationPolicy policy_;
    std::function<bool(const QString&)> confirm_;
    std::function<std::optional<QList<DoctorForward>>()> forwardsSource_;
    QList<DoctorFinding> findings_;
    bool hasRun_ = false;
    bool noContext_ = false;
    DoctorOutcome::Verdict verdict_ = DoctorOutcome::Verdict::Passed;
    QString focus_;

    QLabel* header_ = nullptr;
    QLabel* summary_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QPushButton* runButton_ = nullptr;
    QTreeWidget* tree_ = nullptr;
    QLabel* detailTitle_ = nullptr;
    QLabel* detailSummary_ = nullptr;
    QPlainTextEdit* fixText_ = nullptr;
    QPushButton* fixButton_ = nullptr;
    QLabel* fixStatus_ = nullptr;
    QPushButton* docs_ = nullptr;
    QString docsUrl_;
};

}  // namespace obslab
