#include "core/kube/TrafficGenerator.h"

#include "core/process/Command.h"
#include "core/process/CommandRunner.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab {

TrafficGenerator::TrafficGenerator(KubeTarget target, TrafficOptions options, CommandRunner* runner,
                                   QObject* parent)
    : QObject(parent)
    , target_(std::move(target))
    , options_(std::move(options))
    , runner_(runner)
{
    options_.ratePerSecond = qBound(0.05, options_.ratePerSecond, 10.0);
    connect(&timer_, &QTimer::timeout, this, &TrafficGenerator::tick);
}

TrafficGenerator::~TrafficGenerator()
{
    if (inFlight_) {
        inFlight_->disconnect(this);
        inFlight_->cancel();
    }
}

QString TrafficGenerator::title() const
{
    return u"Traffic from %1 to %2, %3 per second"_s
        .arg(options_.request.workload, options_.request.url)
        .arg(options_.ratePerSecond);
}

void TrafficGenerator::start()
{
    if (running_ || !runner_)
        return;
    running_ = true;
    stopping_ = false;
    consecutiveFailures_ = 0;
    timer_.start(int(1000.0 / options_.ratePerSecond));
    Q_EMIT runningChanged(true);
    tick();
}

void TrafficGenerator::stop()
{
    if (!running_ || stopping_)
        return;
    stopping_ = true;
    timer_.stop();
    if (inFlight_) {
        inFlight_->cancel();  // finished() arrives, then finish()
        return;
    }
    finish();
}

void TrafficGenerator::finish()
{
    running_ = false;
    stopping_ = false;
    timer_.stop();
    Q_EMIT runningChanged(false);
    Q_EMIT stopped();
}

void TrafficGenerator::tick()
{
    if (!running_ || stopping_ || !runner_)
        return;
    if (inFlight_) {
        ++skipped_;
        return;
    }
    if (options_.count > 0 && sent_ >= options_.count) {
        stop();
        return;
    }
    TraceHeaders headers;
    if (options_.traceHeaders)
        headers = TraceHeaders::generate(options_.request.propagation);
    CommandSpec spec = TracedRequest::command(target_, options_.request, headers);
    spec.title = title();
    Command* command = runner_->start(spec);
    inFlight_ = command;
    ++sent_;
    const QString traceId = headers.traceId;
    lastTraceId_ = traceId;
    connect(command, &Command::finished, this,
            [this, traceId](const CommandResult& result) { onFinished(traceId, result); });
}

void TrafficGenerator::onFinished(const QString& traceId, const CommandResult& result)
{
    inFlight_ = nullptr;
    if (stopping_) {
        finish();
        return;
    }
    const bool ok = result.ok();
    Q_EMIT requestFinished(traceId, ok);
    if (ok) {
        consecutiveFailures_ = 0;
    } else {
        ++failures_;
        if (++consecutiveFailures_ >= options_.maxConsecutiveFailures ||
            result.status == CommandStatus::NotFound) {
            const QString why = QString::fromUtf8(result.stderrData.trimmed()).left(300);
            Q_EMIT failed(
                u"Traffic stopped after %1 failed requests in a row: %2"_s.arg(consecutiveFailures_)
                    .arg(why.isEmpty() ? result.message : why));
            stop();
            return;
        }
    }
    if (options_.count > 0 && sent_ >= options_.count)
        stop();
}

}  // namespace obslab
