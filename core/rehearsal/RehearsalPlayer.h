#pragma once

#include "core/rehearsal/Recording.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace obslab {
class Transcript;
}

namespace obslab::rehearsal {

// Replays a Recording with a lab's step control, running nothing: "Run" serves the step's
// recorded commands, log lines and traces, "Check" its recorded check results, each at its
// recorded time divided by speed() (0 = as fast as the event loop goes). Never blocks: events are
// delivered from a timer, so connect before calling run/check/playAll. Replayed commands are
// added to the Transcript, when one is given, titled "Rehearsal: …". GUI or worker thread.
class RehearsalPlayer : public QObject
{
    Q_OBJECT
public:
    explicit RehearsalPlayer(Recording recording, QObject* parent = nullptr);
    ~RehearsalPlayer() override;

    const Recording& recording() const { return recording_; }
    int stepCount() const { return recording_.stepCount(); }
    int currentStep() const { return step_; }  // -1 before the first
    bool isPlaying() const { return timer_.isActive() || playingAll_; }

    void setSpeed(double speed);  // 1 = real time, 4 = four times faster, 0 = no waiting
    double speed() const { return speed_; }
    void setTranscript(Transcript* transcript);

public Q_SLOTS:
    void goToStep(int step);  // stops what is playing
    void nextStep();
    void previousStep();
    void runStep();    // the current step's commands, logs and traces; runFinished(step)
    void checkStep();  // the current step's check results; checkFinished(step, allPassed)
    void playAll();    // from the current step on: run, then check, every step; finished()
    void stop();

Q_SIGNALS:
    void currentStepChanged(int step);
    void commandStarted(const obslab::rehearsal::RehearsalEvent& command);
    void commandFinished(const obslab::rehearsal::RehearsalEvent& command);
    void checkReported(const obslab::rehearsal::RehearsalEvent& check);
    void logLinesReplayed(const obslab::rehearsal::RehearsalEvent& logs);
    void traceOpened(const obslab::rehearsal::RehearsalEvent& trace);
    void runFinished(int step);
    void checkFinished(int step, bool allPassed);
    void finished();

private:
    enum class Phase
    {
        Run,
        Check
    };
    struct Item
    {
        qint64 atMs = 0;  // relative to the phase start, unscaled
        int event = -1;
        bool commandEnd = false;
    };
    void schedule(Phase phase);
    void deliverDue();
    void armTimer();
    void deliver(const Item& item);
    void phaseDone();

    Recording recording_;
    QPointer<Transcript> transcript_;
    QHash<int, quint64> transcriptIds_;  // event index -> transcript entry of a running command
    double speed_ = 1.0;
    int step_ = -1;
    Phase phase_ = Phase::Run;
    bool playingAll_ = false;
    bool checksPassed_ = true;
    QList<Item> queue_;
    QTimer timer_;
    QElapsedTimer clock_;
    quint64 generation_ = 0;
};

}  // namespace obslab::rehearsal
