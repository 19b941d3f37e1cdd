#include "core/kube/PortForward.h"

#include "core/common/Logging.h"
#include "core/kube/Kubectl.h"
#include "core/kube/PortForwardOutput.h"
#include "core/process/BackgroundJob.h"
#include "core/process/CommandResult.h"
#include "core/process/Transcript.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTcpServer>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace obslab {

PortForward::PortForward(KubeTarget target, PortForwardOptions options, Transcript* transcript,
                         QObject* parent)
    : QObject(parent)
    , target_(std::move(target))
    , options_(std::move(options))
    , transcript_(transcript)
    , network_(new QNetworkAccessManager(this))
{
    retryTimer_.setSingleShot(true);
    connect(&retryTimer_, &QTimer::timeout, this, &PortForward::launch);
    probeTimer_.setSingleShot(true);
    connect(&probeTimer_, &QTimer::timeout, this, &PortForward::probe);
}

PortForward::~PortForward()
{
    if (probeReply_) {
        probeReply_->disconnect(this);
        probeReply_->abort();
    }
    // BackgroundJob's destructor kills kubectl; no signals back into a half-destroyed object.
    if (job_)
        job_->disconnect(this);
}

QString PortForward::stateName(State state)
{
    switch (state) {
    case State::Idle:
        return u"idle"_s;
    case State::Starting:
        return u"starting"_s;
    case State::Probing:
        return u"checking"_s;
    case State::Ready:
        return u"ready"_s;
    case State::Restarting:
        return u"restarting"_s;
    case State::Stopped:
        return u"stopped"_s;
    case State::Failed:
        return u"failed"_s;
    }
    return {};
}

QUrl PortForward::localUrl() const
{
    if (localPort_ <= 0)
        return {};
    return QUrl(u"http://127.0.0.1:%1"_s.arg(localPort_));
}

QString PortForward::title() const
{
    return u"%1 in %2, port %3"_s.arg(options_.resource, target_.ns).arg(options_.remotePort);
}

bool PortForward::isLocalPortFree(int port)
{
    if (port <= 0)
        return false;
    QTcpServer server;
    return server.listen(QHostAddress::LocalHost, quint16(port));
}

void PortForward::start()
{
    if (isActive() || job_)
        return;
    attempts_ = 0;
    everReady_ = false;
    launch();
}

void PortForward::stop()
{
    if (!isActive())
        return;
    retryTimer_.stop();
    probeTimer_.stop();
    if (probeReply_)
        probeReply_->abort();
    if (job_) {
        setState(State::Stopped);  // finished() arrives later and finds it stopped
        job_->stop();
        return;
    }
    setState(State::Stopped);
    Q_EMIT stopped();
}

void PortForward::launch()
{
    // The last working port first (a Jaeger view keeps its URL across restarts), else the
    // preferred one; when taken, port 0 lets kubectl pick a free one and print it.
    int port = localPort_ > 0 ? localPort_ : options_.preferredLocalPort;
    if (portTaken_ || (port > 0 && !isLocalPortFree(port)))
        port = 0;
    portTaken_ = false;
    listenPort_ = 0;
    probesLeft_ = options_.probeTries;
    CommandSpec spec = Kubectl::portForward(target_, options_.resource, port, options_.remotePort);
    spec.captureLimit = 64 * 1024;
    auto* job = new BackgroundJob(spec, transcript_, this);
    job_ = job;
    connect(job, &BackgroundJob::stdoutLine, this, &PortForward::onStdout);
    connect(job, &BackgroundJob::stderrLine, this, &PortForward::onStderr);
    connect(job, &BackgroundJob::finished, this, &PortForward::onFinished);
    setState(State::Starting);
    job->start();
}

void PortForward::onStdout(const QByteArray& line)
{
    const ForwardingLine forwarding = PortForwardOutput::parseLine(QString::fromUtf8(line));
    // kubectl prints one line per address (127.0.0.1 and, without --address, [::1]).
    if (!forwarding.ready || listenPort_ > 0 || state_ != State::Starting)
        return;
    listenPort_ = forwarding.localPort;
    setState(State::Probing);
    probe();
}

void PortForward::onStderr(const QByteArray& line)
{
    const QString text = QString::fromUtf8(line).trimmed();
    if (text.isEmpty() || text.startsWith(u"Handling connection"_s))
        return;
    lastError_ = text.left(500);
    if (text.contains(u"address already in use"_s) || text.contains(u"unable to listen"_s))
        portTaken_ = true;
    // A connection failed inside the tunnel: the pod behind it is gone or its port is closed.
    // kubectl 1.27 and newer end the session and exit by themselves; older ones (Debian's 1.20)
    // keep listening and fail every connection, so restart it here: a new kubectl resolves the
    // service to a pod that exists.
    const bool brokenTunnel = text.contains(u"an error occurred forwarding"_s) ||
                              text.contains(u"lost connection to pod"_s) ||
                              text.contains(u"error creating error stream"_s) ||
                              text.contains(u"error creating forwarding stream"_s);
    if (brokenTunnel && job_ && (state_ == State::Ready || state_ == State::Probing)) {
        qCInfo(lcKube) << "port-forward" << options_.resource << "broken:" << lastError_;
        job_->stop();
    }
}

void PortForward::probe()
{
    if (state_ != State::Probing || listenPort_ <= 0)
        return;
    QNetworkRequest request(
        QUrl(u"http://127.0.0.1:%1%2"_s.arg(listenPort_).arg(options_.probePath)));
    request.setTransferTimeout(int(options_.probeTimeout.count()));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    // No kept-alive connection: it would hold the tunnel (and the port) open after a restart.
    request.setRawHeader("Connection", "close");
    QNetworkReply* reply = network_->get(request);
    probeReply_ = reply;
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onProbeFinished(reply); });
}

void PortForward::onProbeFinished(QNetworkReply* reply)
{
    reply->deleteLater();
    if (reply != probeReply_ || state_ != State::Probing)
        return;
    probeReply_ = nullptr;
    // Any HTTP answer (even 404) proves the tunnel reaches a server.
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (status.isValid() && status.toInt() > 0) {
        localPort_ = listenPort_;
        attempts_ = 0;
        everReady_ = true;
        setState(State::Ready);
        Q_EMIT ready(localUrl());
        return;
    }
    lastError_ = u"No HTTP answer through the forward: %1"_s.arg(reply->errorString());
    if (--probesLeft_ > 0) {
        probeTimer_.start(200ms);
        return;
    }
    // kubectl listens but nothing answers behind it: start it afresh.
    if (job_)
        job_->stop();
}

void PortForward::onFinished(const CommandResult& result)
{
    if (job_)
        job_->deleteLater();
    job_ = nullptr;
    probeTimer_.stop();
    network_->clearConnectionCache();
    if (probeReply_) {
        probeReply_->disconnect(this);
        probeReply_->abort();
        probeReply_ = nullptr;
    }
    if (state_ == State::Stopped) {
        Q_EMIT stopped();
        return;
    }
    if (result.status == CommandStatus::NotFound || result.status == CommandStatus::FailedToStart) {
        fail(result.message);
        return;
    }
    if (lastError_.isEmpty())
        lastError_ = result.message;
    ++restarts_;
    // A run that was ready resets the count; a taken port is retried at once on another port.
    if (state_ == State::Ready)
        attempts_ = 0;
    if (!portTaken_ && ++attempts_ >= options_.maxAttempts) {
        fail(u"kubectl port-forward %1 keeps failing (%2 tries): %3"_s.arg(options_.resource)
                 .arg(attempts_)
                 .arg(lastError_));
        return;
    }
    setState(State::Restarting);
    std::chrono::milliseconds delay = portTaken_ ? 0ms : 250ms;
    for (int i = 1; i < attempts_ && delay < options_.maxBackoff; ++i)
        delay *= 2;
    retryTimer_.start(std::min(delay, options_.maxBackoff));
}

void PortForward::fail(const QString& message)
{
    lastError_ = message;
    setState(State::Failed);
    Q_EMIT failed(message);
}

void PortForward::setState(State state)
{
    if (state_ == state)
        return;
    state_ = state;
    qCDebug(lcKube) << "port-forward" << options_.resource << stateName(state);
    Q_EMIT stateChanged(state);
}

// --- PortForwards ------------------------------------------------------------------------------

PortForwards::PortForwards(Transcript* transcript, QObject* parent)
    : QAbstractListModel(parent)
    , transcript_(transcript)
{
    if (auto* app = QCoreApplication::instance())
        connect(app, &QCoreApplication::aboutToQuit, this, &PortForwards::stopAll);
}

PortForwards::~PortForwards()
{
    // Each forward's destructor kills its kubectl (SIGKILL, without waiting).
    qDeleteAll(forwards_);
}

PortForward* PortForwards::start(const KubeTarget& target, const PortForwardOptions& options)
{
    for (PortForward* f : std::as_const(forwards_)) {
        if (f->isActive() && f->options().resource == options.resource &&
            f->options().remotePort == options.remotePort && f->target().ns == target.ns &&
            f->target().context == target.context && f->target().kubeconfig == target.kubeconfig)
            return f;
    }
    auto* forward = new PortForward(target, options, transcript_, nullptr);
    beginInsertRows({}, int(forwards_.size()), int(forwards_.size()));
    forwards_ << forward;
    endInsertRows();
    connect(forward, &PortForward::stateChanged, this, [this, forward] { onChanged(forward); });
    connect(forward, &PortForward::ready, this, [this, forward] { onChanged(forward); });
    forward->start();
    onChanged(forward);
    return forward;
}

void PortForwards::stop(int row)
{
    if (PortForward* f = forward(row))
        f->stop();
}

bool PortForwards::remove(int row)
{
    PortForward* f = forward(row);
    if (!f || f->isActive())
        return false;
    beginRemoveRows({}, row, row);
    forwards_.removeAt(row);
    endRemoveRows();
    f->deleteLater();
    return true;
}

void PortForwards::stopAll()
{
    for (PortForward* f : std::as_const(forwards_))
        f->stop();
}

int PortForwards::activeCount() const
{
    return int(std::count_if(forwards_.cbegin(), forwards_.cend(),
                             [](const PortForward* f) { return f->isActive(); }));
}

PortForward* PortForwards::forward(int row) const
{
    return row >= 0 && row < forwards_.size() ? forwards_.at(row) : nullptr;
}

int PortForwards::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(forwards_.size());
}

QVariant PortForwards::data(const QModelIndex& index, int role) const
{
    const PortForward* f = forward(index.row());
    if (!f || index.column() != 0)
        return {};
    switch (role) {
    case Qt::DisplayRole:
        return f->title();
    case Qt::ToolTipRole:
        return f->lastError().isEmpty() ? f->localUrl().toString()
                                        : f->localUrl().toString() + u'\n' + f->lastError();
    case StateRole:
        return QVariant::fromValue(f->state());
    case UrlRole:
        return f->localUrl();
    case ForwardRole:
        return QVariant::fromValue(static_cast<QObject*>(const_cast<PortForward*>(f)));
    case ActiveRole:
        return f->isActive();
    default:
        return {};
    }
}

void PortForwards::onChanged(PortForward* forward)
{
    const int row = int(forwards_.indexOf(forward));
    if (row >= 0)
        Q_EMIT dataChanged(index(row), index(row));
    const int active = activeCount();
    if (active != lastActive_) {
        lastActive_ = active;
        Q_EMIT activeCountChanged(active);
    }
}

}  // namespace obslab
