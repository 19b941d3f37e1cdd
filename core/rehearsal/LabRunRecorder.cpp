#include "core/rehearsal/LabRunRecorder.h"

#include "core/lab/LabPlan.h"
#include "core/lab/LabRunner.h"
#include "core/rehearsal/Recorder.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace obslab::rehearsal {

namespace {
constexpr int kAttempts = 10;
constexpr int kRetryMs = 500;
}  // namespace

LabRunRecorder::LabRunRecorder(LabRunner* runner, Recorder* recorder, QObject* parent)
    : QObject(parent)
    , runner_(runner)
    , recorder_(recorder)
    , network_(new QNetworkAccessManager(this))
{
    recorder->setLab(runner->lab().id, runner->lab().title);
    connect(runner, &LabRunner::stepStateChanged, this,
            [this](const QString& stepId, LabStepState state) {
                if (state != LabStepState::Running || stepId == stepId_ || !recorder_)
                    return;
                stepId_ = stepId;
                if (stepId == LabRunner::kTeardownStep) {
                    recorder_->beginStep(stepId, tr("Teardown"), {});
                    return;
                }
                if (const LabStep* s = runner_->lab().step(stepId))
                    recorder_->beginStep(stepId, s->title,
                                         substituteVariables(s->text, runner_->variables()));
            });
    connect(runner, &LabRunner::checkStarted, this, [this] {
        if (recorder_)
            recorder_->setCheckPhase(true);
    });
    connect(runner, &LabRunner::checkFinished, this,
            [this](const QString& stepId, int index, bool passed, const QString& message) {
                if (recorder_)
                    recorder_->setCheckPhase(false);
                const LabStep* s = runner_ ? runner_->lab().step(stepId) : nullptr;
                if (!s || index < 0 || index >= s->checks.size() || !recorder_)
                    return;
                const LabCheck& c = s->checks.at(index);
                const auto vars = runner_->variables();
                const QString title = c.title.isEmpty() ? labCheckSummary(c) : c.title;
                recorder_->addCheck(c.id.isEmpty() ? u"%1-%2"_s.arg(stepId).arg(index) : c.id,
                                    substituteVariables(title, vars),
                                    passed ? u"passed"_s : u"failed"_s, message,
                                    substituteVariables(c.hint, vars).trimmed());
            });
    connect(runner, &LabRunner::actionFinished, this,
            [this](const QString& stepId, int index, bool ok, const QString&) {
                const LabAction* a = runner_ ? runner_->action(stepId, index) : nullptr;
                if (!ok || !a || a->kind != LabActionKind::OpenTrace)
                    return;
                const QString id = runner_->traceId(a->action);
                if (!id.isEmpty())
                    fetchTrace(runner_->jaegerUrl(), id, 0, recorder_->currentStep(),
                               recorder_->elapsedMs());
            });
}

void LabRunRecorder::fetchTrace(const QUrl& base, const QString& traceId, int attempt, int step,
                                qint64 atMs)
{
    if (!base.isValid() || !recorder_)
        return;
    ++pending_;
    QUrl url = base;
    QString path = base.path();
    if (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + u"/api/traces/"_s + traceId);
    QNetworkRequest request(url);
    request.setTransferTimeout(5000);
    QNetworkReply* reply = network_->get(request);
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, base, traceId, attempt, step, atMs] {
                reply->deleteLater();
                const QByteArray body = reply->readAll();
                // Jaeger answers {"data":[…]} once the spans are stored; until then an empty list
                // or 404.
                const bool found =
                    reply->error() == QNetworkReply::NoError && body.contains("\"spans\"");
                --pending_;
                if (found && recorder_) {
                    recorder_->addTrace(traceId, body, step, atMs);
                } else if (attempt + 1 < kAttempts) {
                    ++pending_;
                    QTimer::singleShot(kRetryMs, this, [this, base, traceId, attempt, step, atMs] {
                        --pending_;
                        fetchTrace(base, traceId, attempt + 1, step, atMs);
                    });
                    return;
                }
                if (pending_ == 0)
                    Q_EMIT idle();
            });
}

}  // namespace obslab::rehearsal
