#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

class QNetworkAccessManager;

namespace obslab {
class LabRunner;
}

namespace obslab::rehearsal {

class Recorder;

// Records what a LabRunner reports into a Recorder: a step event when a step starts running, each
// check's result (title and hint with the lab's variables substituted), and, when an openTrace
// action succeeds, the trace's JSON fetched from the runner's Jaeger (asynchronously; idle()
// says when no fetch is pending). Commands are recorded by Recorder::attach(CommandRunner*).
// Same thread as the runner.
class LabRunRecorder : public QObject
{
    Q_OBJECT
public:
    LabRunRecorder(LabRunner* runner, Recorder* recorder, QObject* parent = nullptr);

    bool isIdle() const { return pending_ == 0; }

Q_SIGNALS:
    void idle();

private:
    void fetchTrace(const QUrl& base, const QString& traceId, int attempt, int step, qint64 atMs);

    QPointer<LabRunner> runner_;
    QPointer<Recorder> recorder_;
    QNetworkAccessManager* network_ = nullptr;
    QString stepId_;
    int pending_ = 0;
};

}  // namespace obslab::rehearsal
