#pragma once

#include "core/rehearsal/Recording.h"

#include "core/common/TempDirs.h"
#include <QPointer>

#include <QTemporaryDir>
#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QTextBrowser;
class QToolButton;

namespace obslab {

class Banner;
class Transcript;
namespace rehearsal {
class RehearsalPlayer;
}

// A rehearsal in the window: the recorded lab's steps with the same step control as a lab run
// (previous / run / check / hint / next, or play all), at real speed or faster, marked
// "Rehearsal — no cluster is touched" (and, for a recording made against the simulated mesh,
// saying so). Nothing runs: outputs, log lines, check results and traces come from the file.
// Opened traces are written to a temporary file and announced with traceFileReady() so that the
// Traces area shows them in its native timeline. GUI thread.
class RehearsalPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RehearsalPanel(Transcript* transcript, QWidget* parent = nullptr);
    ~RehearsalPanel() override;

    // False with a message shown in the panel when the file is not a readable rehearsal.
    bool open(const QString& path);
    void setRecording(const rehearsal::Recording& recording);
    bool hasRecording() const { return player_ != nullptr; }
    const rehearsal::Recording* recording() const;
    rehearsal::RehearsalPlayer* player() const { return player_.get(); }

    int currentStep() const;
    QString outputText() const;
    QString stepTitle() const;
    QString markingText() const;  // what the banner says
    void setSpeed(double speed);  // 1 real time … 0 no waiting
    // Writes the Markdown handout (Handout::toMarkdown) off the GUI thread; handoutExported().
    void exportHandout(const QString& path, bool withResults);

public Q_SLOTS:
    void nextStep();
    void previousStep();
    void runStep();
    void checkStep();
    void showHint();
    void playAll();
    void stop();

Q_SIGNALS:
    void currentStepChanged(int step);
    void commandShown(const QString& shellLine, const QString& title);
    // The step now shown and the first command its Run replays (empty when it runs none), so
    // that a presenter's command bar names this step's command before it runs.
    void stepCommandChanged(const QString& shellLine, const QString& title);
    void commandEnded(bool ok, const QString& how);
    void traceFileReady(const QString& path, const QString& traceId);
    void logLinesReplayed(const QList<obslab::rehearsal::RecordedLogLine>& lines);
    void closeRequested();
    void handoutExported(const QString& path, bool ok, const QString& error);

protected:
    void changeEvent(QEvent* event) override;

private:
    void rebuildSteps();
    void showStep(int step);
    // Each step keeps its own output; the view shows the current step's only.
    void appendHtml(int step, const QString& html);
    void appendText(int step, const QString& text);
    void appendLogLine(int step, const rehearsal::RecordedLogLine& line);
    void noteEmptyRun(int step);
    void updateOutputFont();
    void updateButtons();
    void onTrace(const rehearsal::RehearsalEvent& e);
    void chooseHandout(bool withResults);

    Transcript* transcript_ = nullptr;  // not owned; outlives the panel (AppServices)
    std::unique_ptr<rehearsal::RehearsalPlayer> player_;
    QTemporaryDir traceDir_{TempDirs::pattern()};
    Banner* banner_ = nullptr;
    QLabel* labTitle_ = nullptr;
    QListWidget* steps_ = nullptr;
    QLabel* stepTitle_ = nullptr;
    QTextBrowser* stepText_ = nullptr;
    QPlainTextEdit* output_ = nullptr;
    QComboBox* speed_ = nullptr;
    QPushButton* previous_ = nullptr;
    QPushButton* run_ = nullptr;
    QPushButton* check_ = nullptr;
    QPushButton* hint_ = nullptr;
    QPushButton* next_ = nullptr;
    QPushButton* playAll_ = nullptr;
    QToolButton* handout_ = nullptr;
    QList<int> stepStates_;  // per step: 0 not checked, 1 passed, 2 failed
    struct OutputPiece
    {
        bool html = false;
        QString text;
    };
    QList<QList<OutputPiece>> outputs_;  // per step
    int shownOutput_ = -1;               // the step whose output the view shows
};

}  // namespace obslab
