#pragma once

#include "core/kube/KubeTarget.h"

#include <QAbstractListModel>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QUrl>

#include <chrono>

class QNetworkAccessManager;
class QNetworkReply;

namespace obslab {

class BackgroundJob;
class Transcript;
struct CommandResult;

struct PortForwardOptions
{
    QString resource;  // svc/tracing, pod/NAME, deploy/NAME
    int remotePort = 80;
    int preferredLocalPort = 0;  // 0: any; a taken port falls back to one kubectl picks
    QString probePath = QStringLiteral("/");
    int maxAttempts = 6;  // consecutive starts that never got ready before giving up (Failed)
    std::chrono::milliseconds probeTimeout{3000};
    int probeTries = 10;  // HTTP probes (200 ms apart) before the run counts as broken
    std::chrono::milliseconds maxBackoff{15000};
};

// One supervised `kubectl port-forward RESOURCE LOCAL:REMOTE --address 127.0.0.1`. Ready when
// kubectl has printed its "Forwarding from" line AND an HTTP GET of probePath through it gets
// any HTTP answer. Restarted with back-off when kubectl exits (the tunnel dropped, the pod was
// replaced), when it reports a connection that failed inside the tunnel (kubectl 1.20 does not
// exit then) or when the probe never answers; the local port is kept across restarts when it is
// still free. GUI thread; never
// blocks. The kubectl process dies with ObsLab (Command sets PR_SET_PDEATHSIG for background
// commands), and is stopped by stop(), the destructor or PortForwards.
class PortForward : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Idle,
        Starting,    // kubectl runs, no "Forwarding from" yet
        Probing,     // kubectl listens; waiting for an HTTP answer through it
        Ready,       //
        Restarting,  // it died or never answered; a new kubectl starts after a back-off
        Stopped,     // stop() was called
        Failed,      // kubectl is missing, or maxAttempts starts in a row failed
    };
    Q_ENUM(State)

    PortForward(KubeTarget target, PortForwardOptions options, Transcript* transcript = nullptr,
                QObject* parent = nullptr);
    ~PortForward() override;  // kills a running kubectl

    const KubeTarget& target() const { return target_; }
    const PortForwardOptions& options() const { return options_; }
    State state() const { return state_; }
    bool isActive() const
    {
        return state_ != State::Idle && state_ != State::Stopped && state_ != State::Failed;
    }
    QUrl localUrl() const;  // http://127.0.0.1:PORT (empty before the first ready)
    int localPort() const { return localPort_; }
    int restarts() const { return restarts_; }
    QString lastError() const { return lastError_; }
    QString title() const;  // "svc/tracing in istio-system, port 80"

    void start();  // no-op while active
    void stop();   // async: stopped() once kubectl has exited

    static bool isLocalPortFree(int port);
    static QString stateName(State state);

Q_SIGNALS:
    void ready(const QUrl& localUrl);
    void stateChanged(obslab::PortForward::State state);
    void failed(const QString& message);
    void stopped();

private:
    void launch();
    void onStdout(const QByteArray& line);
    void onStderr(const QByteArray& line);
    void onFinished(const CommandResult& result);
    void probe();
    void onProbeFinished(QNetworkReply* reply);
    void setState(State state);
    void fail(const QString& message);

    KubeTarget target_;
    PortForwardOptions options_;
    QPointer<Transcript> transcript_;
    QPointer<BackgroundJob> job_;
    QNetworkAccessManager* network_ = nullptr;
    QPointer<QNetworkReply> probeReply_;
    QTimer retryTimer_;
    QTimer probeTimer_;
    State state_ = State::Idle;
    int localPort_ = 0;   // the port of the current or last ready run
    int listenPort_ = 0;  // the port the current kubectl printed
    int attempts_ = 0;    // consecutive runs without ready
    int probesLeft_ = 0;
    int restarts_ = 0;
    bool portTaken_ = false;
    bool everReady_ = false;
    QString lastError_;
};

// The app's port-forwards, as a list model (one row per forward: DisplayRole = title, StateRole,
// UrlRole, ForwardRole). Owns them. Stops every forward when destroyed and at
// QCoreApplication::aboutToQuit, so ObsLab never leaves a forward behind. GUI thread.
class PortForwards : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        StateRole = Qt::UserRole + 1,
        UrlRole,
        ForwardRole,
        ActiveRole,
    };

    explicit PortForwards(Transcript* transcript = nullptr, QObject* parent = nullptr);
    ~PortForwards() override;

    // Starts (or returns the active one for the same target, resource and remote port).
    PortForward* start(const KubeTarget& target, const PortForwardOptions& options);
    void stop(int row);
    bool remove(int row);  // a stopped or failed forward; false while it runs
    void stopAll();
    int activeCount() const;
    PortForward* forward(int row) const;
    QList<PortForward*> forwards() const { return forwards_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void activeCountChanged(int count);

private:
    void onChanged(PortForward* forward);

    QPointer<Transcript> transcript_;
    QList<PortForward*> forwards_;
    int lastActive_ = 0;
};

}  // namespace obslab
