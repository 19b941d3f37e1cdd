#include "core/lab/LabRunner.h"
#include "core/lab/LabRunnerText.h"

#include "core/lab/LabHost.h"
#include "core/lab/LabTrust.h"

#include "core/doctor/Doctor.h"
#include "core/kube/Kubectl.h"
#include "core/kube/PortForward.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/tracing/JaegerClient.h"
#include "core/tracing/JaegerTraceId.h"
#include "core/tracing/JaegerUrls.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace obslab {

namespace {

QString randomHex64()
{
    quint64 v = 0;
    while (v == 0)
        v = QRandomGenerator::global()->generate64();
    return u"%1"_s.arg(v, 16, 16, QChar(u'0'));
}

}  // namespace

using labrunner::failureText;

// ---------------------------------------------------------------------------------------------
// Actions: each kind in its own function; all end with finish(ok, message), never synchronously
// (the caller's sequence continues from the event loop).

void LabRunner::execAction(const QString& stepId, int index, const LabAction& a, Done done)
{
    // These announce the command they really run once they know it (a follow or a snapshot, the
    // request with its trace id, a port-forward or none).
    const bool announcesItself = a.kind == LabActionKind::FollowLogs ||
                                 a.kind == LabActionKind::TracedRequest ||
                                 a.kind == LabActionKind::PortForward;
    if (!announcesItself)
        Q_EMIT actionStarted(stepId, index, actionCommandLine(stepId, index));
    const Finish finish = [this, stepId, index, done](bool ok, const QString& message) {
        Q_EMIT actionFinished(stepId, index, ok, message);
        done(ok);
    };

    switch (a.kind) {
    case LabActionKind::Apply:
    case LabActionKind::Delete:
        if (!a.url.isEmpty())
            execFetchedManifest(stepId, index, a, finish);
        else
            execManifest(stepId, index, a, finish);
        return;
    case LabActionKind::Kubectl:
    case LabActionKind::Istioctl:
    case LabActionKind::IstioInstall:
    case LabActionKind::Restart:
        execCommandAction(stepId, index, a, finish);
        return;
    case LabActionKind::WaitRollout:
        execWaitRollout(stepId, index, a, finish);
        return;
    case LabActionKind::FollowLogs:
        execFollowLogs(stepId, index, a, finish);
        return;
    case LabActionKind::PortForward:
        startPortForward(stepId, index, a, finish);
        return;
    case LabActionKind::TracedRequest:
        execTracedRequest(stepId, index, a, finish);
        return;
    case LabActionKind::StartTraffic:
    case LabActionKind::StopTraffic:
        execTraffic(a, finish);
        return;
    case LabActionKind::OpenTrace:
        execOpenTrace(a, finish);
        return;
    case LabActionKind::OpenSearch:
        execOpenSearch(a, finish);
        return;
    case LabActionKind::RunDoctor:
        execDoctor(stepId, index, a, finish);
        return;
    }
}

void LabRunner::finishLater(const Finish& finish, bool ok, const QString& message)
{
    QMetaObject::invokeMethod(
        this, [finish, ok, message] { finish(ok, message); }, Qt::QueuedConnection);
}

void LabRunner::runToFinish(const QString& stepId, int index, const CommandSpec& spec,
                            const Finish& finish)
{
    runCommand(stepId, index, spec, [finish](const CommandResult& r) {
        finish(r.ok(), r.ok() ? u"Done."_s : failureText(r));
    });
}

// apply/delete of a manifest beside the lab or inline
void LabRunner::execManifest(const QString& stepId, int index, const LabAction& a,
                             const Finish& finish)
{
    const auto m = manifest(a);
    if (!m.ok()) {
        finishLater(finish, false, m.error().message);
        return;
    }
    runToFinish(stepId, index, specFor(stepId, a), finish);
}

// apply: url — fetched, checked and shown to the person before anything is applied
void LabRunner::execFetchedManifest(const QString& stepId, int index, const LabAction& a,
                                    const Finish& finish)
{
    auto* nam = new QNetworkAccessManager(this);
    QNetworkRequest request{QUrl(sub(a.url))};
    request.setTransferTimeout(30000);
    QNetworkReply* reply = nam->get(request);
    const quint64 gen = generation_;
    connect(reply, &QNetworkReply::finished, this, [=, this] {
        reply->deleteLater();
        nam->deleteLater();
        if (gen != generation_)
            return;
        if (reply->error() != QNetworkReply::NoError) {
            finish(false, u"Could not fetch %1: %2"_s.arg(a.url, reply->errorString()));
            return;
        }
        applyFetchedManifest(stepId, index, a, reply->read(4 * 1024 * 1024), finish);
    });
}

void LabRunner::applyFetchedManifest(const QString& stepId, int index, const LabAction& a,
                                     const QByteArray& text, const Finish& finish)
{
    const QStringList objects = describeManifest(text, nsOf(a.ns));
    const CommandPolicy::Scope scope = LabTrust::scope(lab_, vars_, a.ns);
    const QStringList problems =
        CommandPolicy::manifestProblems(text, scope.defaultNamespace, scope, false);
    if (!problems.isEmpty()) {
        finish(false, u"Refused: the manifest from %1: %2"_s.arg(a.url, problems.join(u"; ")));
        return;
    }
    // Its objects were not in the plan: a blanket yes does not cover them.
    if (host_ && !host_->acceptsUnplanned()) {
        finish(false, u"Not applied: the manifest from %1 was not in the plan, so "
                      "--yes does not accept it (apply it from the GUI, or save it "
                      "beside the lab)"_s.arg(a.url));
        return;
    }
    if (!host_ || !host_->confirm(u"Apply this manifest from %1? It creates or changes: %2"_s.arg(
                                      a.url, objects.join(u"; ")),
                                  QString::fromUtf8(text))) {
        finish(false, u"Not applied: you did not accept the manifest from %1."_s.arg(a.url));
        return;
    }
    runToFinish(stepId, index, Kubectl::apply(target(a.ns), text), finish);
}

// kubectl:, istioctl:, istioInstall:, restart:
void LabRunner::execCommandAction(const QString& stepId, int index, const LabAction& a,
                                  const Finish& finish)
{

    // Variables are substituted now: check the trust model again on what will really run.
    QString refusal;
    if (a.kind == LabActionKind::Kubectl || a.kind == LabActionKind::Istioctl) {
        const auto v = LabTrust::checkCommand(lab_, vars_, a.kind, a.args, a.ns);
        if (!v.ok())
            refusal = v.refusals.first().message;
    } else if (a.kind == LabActionKind::IstioInstall) {
        refusal = CommandPolicy::checkLabFile(sub(a.file), lab_.dir);
    } else {
        const CommandPolicy::Scope s = LabTrust::scope(lab_, vars_, a.ns);
        refusal = CommandPolicy::checkMutableNamespace(s.defaultNamespace, s);
    }
    if (!refusal.isEmpty()) {
        finishLater(finish, false, u"Refused: "_s + refusal);
        return;
    }
    runToFinish(stepId, index, specFor(stepId, a), finish);
}

void LabRunner::execWaitRollout(const QString& stepId, int index, const LabAction& a,
                                const Finish& finish)
{
    QList<Task> tasks;
    for (const QString& d : a.deployments) {
        tasks << [this, stepId, index, a, d](Done dd) {
            const CommandSpec spec = Kubectl::rolloutStatus(
                target(a.ns), sub(d), a.timeout.count() > 0 ? a.timeout : 180s);
            // The action's line names the first deployment: every further command is shown too
            // before it runs (nothing runs unseen).
            if (d != a.deployments.constFirst())
                Q_EMIT actionOutput(stepId, index, u"$ "_s + spec.toShellLine(), false);
            runCommand(stepId, index, spec, [this, stepId, index, dd](const CommandResult& r) {
                if (!r.ok())
                    Q_EMIT actionOutput(stepId, index, failureText(r), true);
                dd(r.ok());
            });
        };
    }
    sequence(tasks, [finish](bool ok) {
        finish(ok, ok ? u"Rolled out."_s : u"The rollout did not finish in time."_s);
    });
}

void LabRunner::execFollowLogs(const QString& stepId, int index, const LabAction& a,
                               const Finish& finish)
{
    if (host_ && host_->followLogs(nsOf(a.ns), sub(a.selector), sub(a.container))) {
        Q_EMIT actionStarted(stepId, index, actionCommandLine(stepId, index));
        finishLater(finish, true, u"Following the logs in the Logs area."_s);
        return;
    }
    // Headless: the latest lines of each pod, once.
    Kubectl::LogsOptions o;
    o.selector = sub(a.selector);
    o.container = sub(a.container);
    o.prefix = true;
    o.tail = 5;
    o.maxLogRequests = 10;
    const CommandSpec snapshot = Kubectl::logs(target(a.ns), o);
    Q_EMIT actionStarted(stepId, index, snapshot.toShellLine());
    runCommand(stepId, index, snapshot, [finish](const CommandResult& r) {
        finish(r.ok(), r.ok() ? u"The latest lines of each pod (the app follows them live)."_s
                              : failureText(r));
    });
}

void LabRunner::execTracedRequest(const QString& stepId, int index, const LabAction& a,
                                  const Finish& finish)
{
    const QString traceId = randomHex64();
    const QString spanId = randomHex64();
    progress_.traceIds.insert(a.id, traceId);
    save();
    Q_EMIT traceIdProduced(a.id, traceId);
    const CommandSpec request = requestSpec(a, traceId, spanId);
    Q_EMIT actionStarted(stepId, index, request.toShellLine());
    Q_EMIT actionOutput(stepId, index,
                        u"trace id: %1 (chosen before the request is sent)"_s.arg(traceId), false);
    runCommand(stepId, index, request, [finish, traceId](const CommandResult& r) {
        finish(r.ok(), r.ok() ? u"Sent; its trace id is %1."_s.arg(traceId) : failureText(r));
    });
}

void LabRunner::execTraffic(const LabAction& a, const Finish& finish)
{
    if (a.kind == LabActionKind::StopTraffic) {
        const bool was = traffic_.isActive();
        traffic_.stop();
        finishLater(finish, true, was ? u"Traffic stopped."_s : u"No traffic was running."_s);
        return;
    }
    trafficAction_ = a;
    traffic_.start(int(std::max<qint64>(200, a.interval.count())));
    sendTrafficRequest();
    QMetaObject::invokeMethod(
        this,
        [finish, a, this] {
            finish(true, u"Sending a request from %1 every %2 ms until the traffic is stopped."_s
                             .arg(sub(a.from))
                             .arg(a.interval.count()));
        },
        Qt::QueuedConnection);
}

void LabRunner::execOpenTrace(const LabAction& a, const Finish& finish)
{
    const QString id = progress_.traceIds.value(a.action);
    QString message;
    bool ok = true;
    if (id.isEmpty()) {
        ok = false;
        message = u"No trace id yet: run the action '%1' first."_s.arg(a.action);
    } else if (host_ && host_->openTrace(id, jaegerUrl_)) {
        message = u"Opened trace %1."_s.arg(id);
    } else if (jaegerUrl_.isValid()) {
        message = u"Trace %1: %2"_s.arg(id, jaegerurls::uiTrace(jaeger_->resolvedBaseUrl().isValid()
                                                                    ? jaeger_->resolvedBaseUrl()
                                                                    : jaegerUrl_,
                                                                JaegerTraceId::fromString(id), {})
                                                .toString());
    } else {
        message = u"Trace %1 (start the port-forward to see it in Jaeger)."_s.arg(id);
    }
    finishLater(finish, ok, message);
}

void LabRunner::execOpenSearch(const LabAction& a, const Finish& finish)
{
    const QString service = sub(a.service);
    QString message;
    if (host_ && host_->openSearch(service, jaegerUrl_)) {
        message = u"Searching Jaeger for %1."_s.arg(service);
    } else {
        TraceQuery q;
        q.service = service;
        message =
            jaegerUrl_.isValid()
                ? u"Search: %1"_s.arg(jaegerurls::uiSearch(jaeger_->resolvedBaseUrl().isValid()
                                                               ? jaeger_->resolvedBaseUrl()
                                                               : jaegerUrl_,
                                                           q, QDateTime::currentDateTimeUtc(), {})
                                          .toString())
                : u"Search Jaeger for the service %1."_s.arg(service);
    }
    finishLater(finish, true, message);
}

void LabRunner::execDoctor(const QString& stepId, int index, const LabAction& a,
                           const Finish& finish)
{
    if (host_ && host_->showDoctor(a.focus)) {
        finishLater(finish, true, u"The doctor is open."_s);
        return;
    }
    // Headless: run the doctor here and print what it found.
    auto* doctor = new Doctor(runner_, this);
    DoctorOptions o;
    o.target = target(a.ns);
    o.istioctl = options_.istio.istioctl;
    o.jaegerUrl = jaegerUrl_;
    const quint64 gen = generation_;
    connect(
        doctor, &Doctor::finished, this,
        [this, doctor, finish, stepId, index, gen](const QList<DoctorFinding>& findings) {
            doctor->deleteLater();
            if (gen != generation_)
                return;
            int problems = 0;
            int passed = 0;
            for (const DoctorFinding& f : findings) {
                if (f.severity == DoctorFinding::Severity::Pass)
                    ++passed;
                if (!f.isProblem())
                    continue;
                ++problems;
                Q_EMIT actionOutput(stepId, index,
                                    u"[%1] %2: %3"_s.arg(DoctorFindings::severityName(f.severity),
                                                         f.title, f.summary),
                                    f.severity == DoctorFinding::Severity::Fail);
                if (!f.fixCommand.isEmpty())
                    Q_EMIT actionOutput(stepId, index,
                                        u"    fix: "_s + f.fixCommand.section(u'\n', 0, 0), false);
            }
            finish(true,
                   problems
                       ? u"The doctor found %1 problem(s) (%2 checks passed)."_s.arg(problems).arg(
                             passed)
                       : u"The doctor found nothing wrong (%1 checks passed)."_s.arg(passed));
        });
    doctor->run(o);
}

void LabRunner::startPortForward(const QString& stepId, int index, const LabAction& a,
                                 const Finish& finish)
{
    if (options_.jaegerUrl.isValid()) {
        Q_EMIT actionStarted(
            stepId, index,
            u"(no port-forward: Jaeger is set to %1)"_s.arg(options_.jaegerUrl.toString()));
        QMetaObject::invokeMethod(
            this,
            [finish, url = options_.jaegerUrl] {
                finish(true, u"Jaeger is already reachable at %1 (set in ObsLab): no port-forward "
                             "needed."_s.arg(url.toString()));
            },
            Qt::QueuedConnection);
        return;
    }
    if (forward_ && forward_->state() == PortForward::State::Ready && jaegerUrl_.isValid()) {
        Q_EMIT actionStarted(stepId, index, specFor(stepId, a).toShellLine());
        QMetaObject::invokeMethod(
            this,
            [finish, url = jaegerUrl_] {
                finish(true, u"Already forwarding: %1"_s.arg(url.toString()));
            },
            Qt::QueuedConnection);
        return;
    }
    if (forward_ && ownsForward_) {
        forward_->stop();
        forward_->deleteLater();
    }
    // A supervised forward (core/kube/PortForward): ready once kubectl listens and an HTTP probe
    // answers through it; restarted when the Jaeger pod is replaced.
    const QString ns = a.ns.isEmpty() ? u"istio-system"_s : sub(a.ns);
    PortForwardOptions po;
    po.resource = u"svc/"_s + sub(a.service);
    po.remotePort = a.port;
    po.probePath = u"/jaeger/"_s;
    if (options_.forwards) {
        forward_ = options_.forwards->start(target(ns), po);
        ownsForward_ = false;
    } else {
        forward_ = new PortForward(target(ns), po, runner_ ? runner_->transcript() : nullptr, this);
        ownsForward_ = true;
    }
    if (!forward_) {
        QMetaObject::invokeMethod(
            this, [finish] { finish(false, u"The port-forward could not start."_s); },
            Qt::QueuedConnection);
        return;
    }
    auto settled = std::make_shared<bool>(false);
    const quint64 gen = generation_;
    connect(forward_, &PortForward::ready, this, [this, finish, settled, gen](const QUrl& url) {
        setJaegerUrl(url);
        if (*settled || gen != generation_)
            return;
        *settled = true;
        finish(true, u"Jaeger UI forwarded to %1"_s.arg(url.toString()));
    });
    connect(forward_, &PortForward::failed, this, [finish, settled, gen, this](const QString& why) {
        if (*settled || gen != generation_)
            return;
        *settled = true;
        finish(false, u"The port-forward failed: %1"_s.arg(why));
    });
    Q_EMIT actionStarted(stepId, index, specFor(stepId, a).toShellLine());
    if (forward_->state() == PortForward::State::Ready) {  // the app's forward, already up
        const QUrl url = forward_->localUrl();
        setJaegerUrl(url);
        *settled = true;
        QMetaObject::invokeMethod(
            this,
            [finish, url] { finish(true, u"Jaeger UI forwarded to %1"_s.arg(url.toString())); },
            Qt::QueuedConnection);
        return;
    }
    forward_->start();
}

void LabRunner::sendTrafficRequest()
{
    if (trafficCommand_ || !runner_)
        return;  // the previous request is still on its way
    CommandSpec traffic = requestSpec(trafficAction_, randomHex64(), randomHex64());
    traffic.scrubEnvironment = true;
    trafficCommand_ = runner_->start(traffic);
}

void LabRunner::setJaegerUrl(const QUrl& url)
{
    if (url == jaegerUrl_)
        return;
    jaegerUrl_ = url;
    jaeger_->setBaseUrl(url);
    Q_EMIT jaegerUrlChanged(url);
}

}  // namespace obslab
