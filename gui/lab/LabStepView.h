#pragma once

#include <QList>
#include <QWidget>

class QLabel;
class QPushButton;
class QTextBrowser;
class QToolButton;

namespace obslab {

class LabRunner;
struct LabCheck;

// One step of a lab: its Markdown text, a card per action (the exact command with Copy and
// Run, its output inline with trace ids as links), and its checks (result, Hint, Solution, and
// the doctor when one fails). Shows what LabRunner reports; asks for runs through signals.
// GUI thread.
class LabStepView : public QWidget
{
    Q_OBJECT
public:
    LabStepView(LabRunner* runner, const QString& stepId, QWidget* parent = nullptr);

    QString stepId() const { return stepId_; }
    void setBusy(bool busy);
    void refreshCommands();  // after the context or the variables changed

    void actionStarted(int index, const QString& commandLine);
    void actionOutput(int index, const QString& line, bool isError);
    void actionFinished(int index, bool ok, const QString& message);
    void checkStarted(int index);
    void checkAttemptFailed(int index, const QString& reason);
    void checkFinished(int index, bool passed, const QString& message);

    // HTML for one output line: escaped, trace ids after `traceID=`, `trace id:` or `/trace/` as
    // `trace:ID` links.
    static QString linkTraceIds(const QString& line);
    // Markdown to the rich text a QLabel shows.
    static QString markdownToHtml(const QString& markdown);

Q_SIGNALS:
    void runStepRequested(const QString& stepId);
    void checkRequested(const QString& stepId);
    void skipRequested(const QString& stepId);
    void runActionRequested(const QString& stepId, int index);
    void traceClicked(const QString& traceId);
    void doctorRequested(const QString& focus);

private:
    struct ActionCard
    {
        QLabel* command = nullptr;
        QPushButton* run = nullptr;
        QTextBrowser* output = nullptr;
        QLabel* status = nullptr;
    };
    struct CheckRow
    {
        QLabel* icon = nullptr;
        QLabel* message = nullptr;
        QLabel* hint = nullptr;
        QLabel* solution = nullptr;
        QPushButton* hintButton = nullptr;
        QPushButton* doctor = nullptr;
    };
    QWidget* makeActionCard(int index);
    QWidget* makeCheckRow(int index, const LabCheck& check);
    void setCheckIcon(int index, const QString& iconName);

    LabRunner* runner_ = nullptr;
    QString stepId_;
    QList<ActionCard> cards_;
    QList<CheckRow> checks_;
    QPushButton* runStep_ = nullptr;
    QPushButton* check_ = nullptr;
    QPushButton* skip_ = nullptr;
};

}  // namespace obslab
