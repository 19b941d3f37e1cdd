#include "core/kube/PodFollower.h"

#include <QDateTime>

#include "core/common/Logging.h"
#include "core/kube/KubeObjects.h"
#include "core/kube/Kubectl.h"
#include "core/process/BackgroundJob.h"
#include "core/process/CommandResult.h"
#include "core/process/Transcript.h"

#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace obslab {

namespace {

constexpr qsizetype kMaxBatch = 4096;

QString firstLine(const QByteArray& text)
{
    const QByteArray trimmed = text.trimmed();
    const qsizetype nl = trimmed.lastIndexOf('\n');
    return QString::fromUtf8(nl < 0 ? trimmed : trimmed.sliced(nl + 1)).left(300);
}

}  // namespace

PodFollower::PodFollower(KubeTarget target, FollowOptions options, Transcript* transcript,
                         QObject* parent)
    : QObject(parent)
    , target_(std::move(target))
    , options_(std::move(options))
    , transcript_(transcript)
{
    if (options_.maxStreams < 1)
        options_.maxStreams = 1;
    flushTimer_.setSingleShot(true);
    connect(&flushTimer_, &QTimer::timeout, this, &PodFollower::flush);
    watchRetry_.setSingleShot(true);
    connect(&watchRetry_, &QTimer::timeout, this, &PodFollower::startWatch);
}

PodFollower::~PodFollower()
{
    // BackgroundJob's destructor kills its process; no signals back into a half-destroyed object.
    if (watch_)
        watch_->disconnect(this);
    for (auto& [name, stream] : streams_) {
        if (stream->job)
            stream->job->disconnect(this);
    }
}

QList<PodFollower::PodStatus> PodFollower::pods() const
{
    QList<PodStatus> out;
    for (const QString& name : order_) {
        if (const auto it = streams_.find(name); it != streams_.end())
            out << it->second->status;
    }
    return out;
}

int PodFollower::activeStreams() const
{
    int n = 0;
    for (const auto& [name, stream] : streams_) {
        if (stream->status.state == PodState::Following ||
            stream->status.state == PodState::Reconnecting)
            ++n;
    }
    return n;
}

void PodFollower::start()
{
    if (running_)
        return;
    running_ = true;
    stopping_ = false;
    stoppedEmitted_ = false;
    startedMs_ = QDateTime::currentMSecsSinceEpoch();
    unansweredSinceMs_ = 0;
    watchFailures_ = 0;
    gaveUp_ = false;
    startWatch();
}

void PodFollower::stop()
{
    if (!running_ || stopping_)
        return;
    stopping_ = true;
    watchRetry_.stop();
    if (watch_)
        watch_->stop();
    for (auto& [name, stream] : streams_) {
        if (stream->retry)
            stream->retry->stop();
        if (stream->job)
            stream->job->stop();
    }
    flush();
    // Reported from the event loop, also when nothing was running.
    QMetaObject::invokeMethod(this, &PodFollower::checkStopped, Qt::QueuedConnection);
}

void PodFollower::checkStopped()
{
    if (!stopping_ || stoppedEmitted_)
        return;
    if (watch_)
        return;
    for (const auto& [name, stream] : streams_) {
        if (stream->job)
            return;
    }
    flush();
    for (const QString& name : std::as_const(order_)) {
        if (const auto it = streams_.find(name);
            it != streams_.end() && it->second->status.state != PodState::Ended)
            setState(*it->second, PodState::Ended, u"stopped"_s);
    }
    running_ = false;
    stoppedEmitted_ = true;
    Q_EMIT stopped();
}

std::chrono::milliseconds PodFollower::backoff(int attempts) const
{
    // 100 ms, 200 ms, 400 ms … up to maxBackoff: a dropped stream is retried at once, a pod
    // that keeps failing does not make kubectl spin.
    std::chrono::milliseconds delay = 100ms;
    for (int i = 0; i < attempts && delay < options_.maxBackoff; ++i)
        delay *= 2;
    return std::min(delay, options_.maxBackoff);
}

// --- the pod watch ---------------------------------------------------------------------------
// A watch rather than polling `get pods`: one process, new pods are seen at once (a pod that a
// rollout creates and a second rollout deletes within a polling interval would otherwise be missed
// with its lines), and the stand-in API server and every kubectl since 1.20 speak it.

void PodFollower::startWatch()
{
    if (!running_ || stopping_ || watch_)
        return;
    CommandSpec spec = Kubectl::watch(target_, u"pods"_s, options_.selector);
    spec.title = u"Watch pods with %1 in namespace %2"_s.arg(options_.selector, target_.ns);
    spec.captureLimit = 64 * 1024;
    auto* job = new BackgroundJob(spec, transcript_, this);
    watch_ = job;
    watchSplitter_.reset();
    watchError_.clear();
    connect(job, &BackgroundJob::stdoutLine, this, [this](const QByteArray& line) {
        watchSplitter_.feed(line, [this](const QByteArray& object) { onWatchObject(object); });
    });
    connect(job, &BackgroundJob::stderrLine, this,
            [this](const QByteArray& line) { watchError_ = line; });
    connect(job, &BackgroundJob::finished, this, &PodFollower::onWatchFinished);
    job->start();
}

void PodFollower::onWatchObject(const QByteArray& json)
{
    const auto event = KubeObjects::parseWatchEvent(json);
    if (!event.ok())
        return;
    watchAttempts_ = 0;
    unansweredSinceMs_ = 0;  // the API server answers
    watchFailures_ = 0;
    const QString& type = event->type;
    if (type == u"ERROR") {
        // e.g. 410 Gone: the watch ends and is started again, which lists the pods afresh.
        qCInfo(lcKube) << "pod watch error event" << event->object.raw;
        return;
    }
    if (event->object.kind != u"Pod" && !event->object.kind.isEmpty())
        return;
    podSeen(event->object.name, event->object.raw, type == u"DELETED");
}

void PodFollower::onWatchFinished(const CommandResult& result)
{
    if (watch_)
        watch_->deleteLater();
    watch_ = nullptr;
    if (stopping_) {
        checkStopped();
        return;
    }
    if (result.status == CommandStatus::NotFound || result.status == CommandStatus::FailedToStart) {
        Q_EMIT failed(result.message);
        stop();
        return;
    }
    // A watch ends normally after the server's timeout; anything else is worth saying.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (result.ok() || result.durationMs >= 5000) {
        unansweredSinceMs_ = 0;  // it ran: the API server was there
        watchFailures_ = 0;
    }
    if (!result.ok()) {
        if (unansweredSinceMs_ == 0)
            unansweredSinceMs_ =
                result.startedAt.isValid() ? result.startedAt.toMSecsSinceEpoch() : now;
        ++watchFailures_;
        const qint64 limit = qint64(options_.giveUpAfter.count());
        if (limit > 0 && now - unansweredSinceMs_ >= limit) {
            gaveUp_ = true;
            Q_EMIT failed(
                u"gave up after %1 s without an answer from the API server: `kubectl get pods "
                "-l %2 -w -n %3%4` failed %5 time(s) since %6 (retrying with back-off up to %7 "
                "s); last error: %8"_s.arg(
                    QString::number((now - unansweredSinceMs_) / 1000), options_.selector,
                    target_.ns,
                    target_.context.isEmpty() ? QString() : u" --context "_s + target_.context,
                    QString::number(watchFailures_),
                    QDateTime::fromMSecsSinceEpoch(unansweredSinceMs_)
                        .toUTC()
                        .toString(Qt::ISODate),
                    QString::number(options_.maxBackoff.count() / 1000),
                    watchError_.isEmpty() ? result.message : firstLine(watchError_)));
            stop();
            return;
        }
    }
    if (!result.ok() && !watchError_.isEmpty())
        Q_EMIT warning(u"Watching pods failed (%1); retrying."_s.arg(firstLine(watchError_)));
    watchRetry_.start(backoff(watchAttempts_++));
}

void PodFollower::podSeen(const QString& name, const QJsonObject& pod, bool deleted)
{
    if (name.isEmpty())
        return;
    auto it = streams_.find(name);
    const auto container = PodFollowerParsing::containerState(pod, options_.container);
    const QString uid = pod.value(u"metadata"_s).toObject().value(u"uid"_s).toString();
    if (it != streams_.end() && !uid.isEmpty() && !it->second->uid.isEmpty() &&
        it->second->uid != uid) {
        // Another pod with a name seen before (a StatefulSet's web-0 after a restart): once the
        // old one's stream has ended, follow the new one from its first line.
        if (deleted || it->second->status.state != PodState::Ended || it->second->job)
            return;
        streams_.erase(it);
        order_.removeAll(name);
        it = streams_.end();
    }
    if (it == streams_.end()) {
        if (deleted)
            return;
        if (container.kind == PodFollowerParsing::ContainerState::Absent) {
            // Warn once per pod: ambient pods and pods without injection have no istio-proxy.
            auto stream = std::make_unique<Stream>();
            stream->status.pod = name;
            stream->uid = uid;
            stream->status.state = PodState::Ended;
            stream->status.message = u"no container %1 in this pod"_s.arg(options_.container);
            order_ << name;
            streams_.emplace(name, std::move(stream));
            Q_EMIT warning(
                u"Pod %1 has no container %2; not following it."_s.arg(name, options_.container));
            return;
        }
        auto stream = std::make_unique<Stream>();
        stream->status.pod = name;
        stream->uid = uid;
        stream->status.state = PodState::Waiting;
        const QDateTime created = QDateTime::fromString(
            pod.value(u"metadata"_s).toObject().value(u"creationTimestamp"_s).toString(),
            Qt::ISODate);
        stream->existedAtStart = !created.isValid() || created.toMSecsSinceEpoch() < startedMs_;
        order_ << name;
        it = streams_.emplace(name, std::move(stream)).first;
        Q_EMIT podAppeared(name);
        Q_EMIT podStateChanged(name, PodState::Waiting, container.reason);
    }
    Stream& stream = *it->second;
    if (deleted) {
        stream.podDeleted = true;
        // A running stream delivers what is left and ends by itself; nothing else can start.
        if (stream.status.state != PodState::Following && stream.status.state != PodState::Ended) {
            if (stream.retry)
                stream.retry->stop();
            setState(stream, PodState::Ended, u"pod deleted"_s);
            schedule();
        }
        return;
    }
    stream.containerReady = container.kind == PodFollowerParsing::ContainerState::Running ||
                            container.kind == PodFollowerParsing::ContainerState::Terminated;
    if (stream.status.state == PodState::Waiting) {
        if (stream.containerReady)
            schedule();
        else if (stream.status.message != container.reason)
            setState(stream, PodState::Waiting, container.reason);
    }
}

void PodFollower::setState(Stream& stream, PodState state, const QString& message)
{
    if (stream.status.state == state && stream.status.message == message)
        return;
    stream.status.state = state;
    stream.status.message = message;
    Q_EMIT podStateChanged(stream.status.pod, state, message);
}

// Gives free stream slots to ready pods, first come first served.
void PodFollower::schedule()
{
    if (!running_ || stopping_)
        return;
    int active = activeStreams();
    for (const QString& name : std::as_const(order_)) {
        const auto it = streams_.find(name);
        if (it == streams_.end())
            continue;
        Stream& stream = *it->second;
        const bool ready = (stream.status.state == PodState::Waiting && stream.containerReady) ||
                           stream.status.state == PodState::Queued;
        if (!ready)
            continue;
        if (active < options_.maxStreams) {
            ++active;
            startStream(stream);
        } else if (stream.status.state != PodState::Queued) {
            setState(stream, PodState::Queued,
                     u"%1 streams already run (the limit, like kubectl's --max-log-requests)"_s.arg(
                         options_.maxStreams));
        }
    }
}

// --- one pod's stream ------------------------------------------------------------------------

void PodFollower::startStream(Stream& stream)
{
    Kubectl::LogsOptions logs;
    logs.pod = stream.status.pod;
    logs.container = options_.container;
    logs.follow = true;
    logs.timestamps = true;
    // The server truncates --since-time to the second: the replay is de-duplicated below.
    logs.sinceTime = QString::fromLatin1(stream.lastTimestamp);
    if (!stream.lastTimestamp.isEmpty()) {
        stream.dedup.beginReplay();
    } else if (stream.existedAtStart && stream.status.reconnects == 0 && stream.status.lines == 0) {
        // The first stream of a pod that was there before: where the user asked to begin.
        logs.tail = options_.tail;
        logs.since = options_.since;
    }
    CommandSpec spec = Kubectl::logs(target_, logs);
    spec.captureLimit = 64 * 1024;  // lines are streamed; keep only the start for errors
    auto* job = new BackgroundJob(spec, transcript_, this);
    stream.job = job;
    stream.lastError.clear();
    stream.linesThisConnection = 0;
    const QString pod = stream.status.pod;
    connect(job, &BackgroundJob::stdoutLine, this,
            [this, pod](const QByteArray& line) { onStreamLine(pod, line); });
    connect(job, &BackgroundJob::stderrLine, this, [this, pod](const QByteArray& line) {
        if (const auto it = streams_.find(pod); it != streams_.end() && !line.trimmed().isEmpty())
            it->second->lastError = line;
    });
    connect(job, &BackgroundJob::finished, this,
            [this, pod](const CommandResult& result) { onStreamFinished(pod, result); });
    const bool again = stream.status.state == PodState::Reconnecting;
    setState(stream, PodState::Following, again ? u"reconnected"_s : QString());
    job->start();
}

void PodFollower::onStreamLine(const QString& pod, const QByteArray& line)
{
    const auto it = streams_.find(pod);
    if (it == streams_.end())
        return;
    Stream& stream = *it->second;
    auto parsed = PodFollowerParsing::splitTimestamped(line);
    if (!parsed.timestamp.isEmpty() && !stream.dedup.accept(parsed.timeNs, parsed.text)) {
        ++duplicates_;
        return;
    }
    if (!parsed.timestamp.isEmpty() && parsed.timeNs >= stream.dedup.lastTimeNs())
        stream.lastTimestamp = parsed.timestamp;
    stream.attempts = 0;
    ++stream.linesThisConnection;
    ++stream.status.lines;
    pending_.append(kube::FollowedLine{pod, options_.container, std::move(parsed.timestamp),
                                       parsed.timeNs, std::move(parsed.text)});
    if (pending_.size() >= kMaxBatch)
        flush();
    else if (!flushTimer_.isActive())
        flushTimer_.start(options_.flushInterval);
}

void PodFollower::onStreamFinished(const QString& pod, const CommandResult& result)
{
    const auto it = streams_.find(pod);
    if (it == streams_.end())
        return;
    Stream& stream = *it->second;
    if (stream.job)
        stream.job->deleteLater();
    stream.job = nullptr;
    if (stopping_) {
        checkStopped();
        return;
    }
    if (result.status == CommandStatus::NotFound || result.status == CommandStatus::FailedToStart) {
        setState(stream, PodState::Ended, result.message);
        Q_EMIT failed(result.message);
        stop();
        return;
    }
    const QString error = firstLine(stream.lastError);
    const bool notFound = error.contains(u"NotFound"_s) || error.contains(u"not found"_s);
    const bool waiting = error.contains(u"waiting to start"_s) ||
                         error.contains(u"ContainerCreating"_s) ||
                         error.contains(u"PodInitializing"_s);
    if (stream.podDeleted || notFound) {
        setState(stream, PodState::Ended, stream.podDeleted ? u"pod deleted"_s : error);
        schedule();
        return;
    }
    if (waiting) {
        stream.containerReady = false;
        setState(stream, PodState::Waiting, error);
        // The watch reports when it runs; retry anyway in case that event was missed.
        retryLater(stream);
        return;
    }
    // A clean end (the container stopped, or the pod is being deleted and the watch has not said
    // so yet) or a dropped connection (`error: unexpected EOF`): reconnect from the last line.
    ++stream.status.reconnects;
    setState(stream, PodState::Reconnecting,
             result.ok() ? u"stream ended"_s : (error.isEmpty() ? result.message : error));
    retryLater(stream);
}

void PodFollower::retryLater(Stream& stream)
{
    if (!stream.retry) {
        stream.retry = std::make_unique<QTimer>();
        stream.retry->setSingleShot(true);
        const QString pod = stream.status.pod;
        connect(stream.retry.get(), &QTimer::timeout, this, [this, pod] {
            const auto it = streams_.find(pod);
            if (it == streams_.end() || stopping_)
                return;
            Stream& s = *it->second;
            if (s.status.state == PodState::Reconnecting)
                startStream(s);
            else if (s.status.state == PodState::Waiting) {
                s.containerReady = true;  // try: kubectl says when it is not
                schedule();
            }
        });
    }
    stream.retry->start(backoff(stream.attempts++));
}

void PodFollower::flush()
{
    flushTimer_.stop();
    if (pending_.isEmpty())
        return;
    QVector<kube::FollowedLine> batch;
    batch.swap(pending_);
    delivered_ += batch.size();
    Q_EMIT linesReady(batch);
}

}  // namespace obslab
