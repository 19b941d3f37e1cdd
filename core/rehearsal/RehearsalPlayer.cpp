#include "core/rehearsal/RehearsalPlayer.h"

#include "core/process/CommandSpec.h"
#include "core/process/Transcript.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace obslab::rehearsal {

RehearsalPlayer::RehearsalPlayer(Recording recording, QObject* parent)
    : QObject(parent)
    , recording_(std::move(recording))
{
    timer_.setSingleShot(true);
    connect(&timer_, &QTimer::timeout, this, &RehearsalPlayer::deliverDue);
}

RehearsalPlayer::~RehearsalPlayer() = default;

void RehearsalPlayer::setSpeed(double speed)
{
    speed_ = qMax(0.0, speed);
}

void RehearsalPlayer::setTranscript(Transcript* transcript)
{
    transcript_ = transcript;
}

void RehearsalPlayer::goToStep(int step)
{
    stop();
    step = qBound(-1, step, stepCount() - 1);
    if (step == step_)
        return;
    step_ = step;
    Q_EMIT currentStepChanged(step_);
}

void RehearsalPlayer::nextStep()
{
    if (step_ + 1 < stepCount())
        goToStep(step_ + 1);
}

void RehearsalPlayer::previousStep()
{
    if (step_ > 0)
        goToStep(step_ - 1);
}

void RehearsalPlayer::stop()
{
    ++generation_;
    timer_.stop();
    queue_.clear();
    playingAll_ = false;
    // A command cut short still gets its transcript entry closed.
    if (transcript_) {
        for (auto it = transcriptIds_.cbegin(); it != transcriptIds_.cend(); ++it) {
            CommandResult cancelled;
            cancelled.status = CommandStatus::Cancelled;
            cancelled.message = u"Rehearsal stopped"_s;
            transcript_->finish(it.value(), cancelled);
        }
    }
    transcriptIds_.clear();
}

void RehearsalPlayer::runStep()
{
    if (step_ < 0) {
        if (stepCount() == 0)
            return;
        step_ = 0;
        Q_EMIT currentStepChanged(step_);
    }
    stop();
    schedule(Phase::Run);
}

void RehearsalPlayer::checkStep()
{
    if (step_ < 0)
        return;
    stop();
    schedule(Phase::Check);
}

void RehearsalPlayer::playAll()
{
    stop();
    if (stepCount() == 0) {
        QMetaObject::invokeMethod(this, &RehearsalPlayer::finished, Qt::QueuedConnection);
        return;
    }
    if (step_ < 0) {
        step_ = 0;
        Q_EMIT currentStepChanged(step_);
    }
    playingAll_ = true;
    schedule(Phase::Run);
}

void RehearsalPlayer::schedule(Phase phase)
{
    ++generation_;
    phase_ = phase;
    checksPassed_ = true;
    queue_.clear();
    qint64 origin = -1;
    for (int i = 0; i < recording_.events.size(); ++i) {
        const RehearsalEvent& e = recording_.events.at(i);
        if (e.step != step_ || e.kind == RehearsalEvent::Kind::Step)
            continue;
        const bool isCheck = e.kind == RehearsalEvent::Kind::Check || e.forCheck;
        if (isCheck != (phase == Phase::Check))
            continue;
        if (origin < 0)
            origin = e.atMs;
        queue_.append({e.atMs - origin, i, false});
        if (e.kind == RehearsalEvent::Kind::Command)
            queue_.append({e.atMs - origin + e.durationMs, i, true});
    }
    std::stable_sort(queue_.begin(), queue_.end(),
                     [](const Item& a, const Item& b) { return a.atMs < b.atMs; });
    clock_.start();
    // Even an empty phase reports asynchronously, like one with events.
    timer_.start(0);
}

void RehearsalPlayer::armTimer()
{
    if (queue_.isEmpty()) {
        timer_.start(0);
        return;
    }
    const qint64 due = speed_ <= 0 ? 0 : qint64(double(queue_.constFirst().atMs) / speed_);
    timer_.start(int(qBound<qint64>(0, due - clock_.elapsed(), qint64(24) * 3600 * 1000)));
}

void RehearsalPlayer::deliverDue()
{
    if (queue_.isEmpty()) {
        phaseDone();
        return;
    }
    // Deliver everything due now (all of it at speed 0), then wait for the next.
    const qint64 elapsed = clock_.elapsed();
    while (!queue_.isEmpty()) {
        const Item& next = queue_.constFirst();
        const qint64 due = speed_ <= 0 ? 0 : qint64(double(next.atMs) / speed_);
        if (due > elapsed)
            break;
        const Item item = queue_.takeFirst();
        const quint64 generation = generation_;
        deliver(item);
        if (generation != generation_)
            return;  // a slot stopped or restarted the player
    }
    armTimer();
}

void RehearsalPlayer::deliver(const Item& item)
{
    const RehearsalEvent& e = recording_.events.at(item.event);
    switch (e.kind) {
    case RehearsalEvent::Kind::Command:
        if (!item.commandEnd) {
            if (transcript_) {
                CommandSpec spec;
                spec.program = e.program;
                spec.arguments = e.arguments;
                spec.stdinData = e.stdinText.toUtf8();
                spec.title = u"Rehearsal: %1"_s.arg(e.title.isEmpty() ? e.program : e.title);
                transcriptIds_.insert(
                    item.event,
                    transcript_->begin(spec, e.background, QDateTime::currentDateTimeUtc()));
            }
            Q_EMIT commandStarted(e);
            if (e.background && transcript_) {
                // Background jobs have no recorded end here: mark the entry as started only.
                CommandResult r;
                r.status = CommandStatus::Succeeded;
                r.exitCode = 0;
                transcript_->finish(transcriptIds_.take(item.event), r);
            }
        } else {
            if (transcript_ && transcriptIds_.contains(item.event)) {
                const quint64 id = transcriptIds_.take(item.event);
                for (const QByteArray& line : e.stdoutData.split('\n'))
                    if (!line.isEmpty())
                        transcript_->appendOutput(id, line, false);
                for (const QByteArray& line : e.stderrData.split('\n'))
                    if (!line.isEmpty())
                        transcript_->appendOutput(id, line, true);
                CommandResult r;
                r.status = e.status;
                r.exitCode = e.exitCode;
                r.stdoutData = e.stdoutData;
                r.stderrData = e.stderrData;
                r.durationMs = e.durationMs;
                r.startedAt = QDateTime::currentDateTimeUtc();
                transcript_->finish(id, r);
            }
            Q_EMIT commandFinished(e);
        }
        break;
    case RehearsalEvent::Kind::Check:
        checksPassed_ = checksPassed_ && e.checkPassed();
        Q_EMIT checkReported(e);
        break;
    case RehearsalEvent::Kind::Logs:
        Q_EMIT logLinesReplayed(e);
        break;
    case RehearsalEvent::Kind::Trace:
        Q_EMIT traceOpened(e);
        break;
    case RehearsalEvent::Kind::Step:
        break;
    }
}

void RehearsalPlayer::phaseDone()
{
    const int step = step_;
    if (phase_ == Phase::Run) {
        Q_EMIT runFinished(step);
        if (playingAll_)
            schedule(Phase::Check);
        return;
    }
    Q_EMIT checkFinished(step, checksPassed_);
    if (!playingAll_)
        return;
    if (step_ + 1 >= stepCount()) {
        playingAll_ = false;
        Q_EMIT finished();
        return;
    }
    ++step_;
    Q_EMIT currentStepChanged(step_);
    schedule(Phase::Run);
}

}  // namespace obslab::rehearsal
