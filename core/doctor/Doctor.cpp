#include "core/doctor/Doctor.h"

#include "core/common/Logging.h"
#include "core/doctor/DoctorChecks.h"
#include "core/kube/Istioctl.h"
#include "core/kube/KubeError.h"
#include "core/kube/Kubectl.h"
#include "core/kube/ToolVersions.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/tracing/JaegerClient.h"

#include <QDateTime>
#include <QMetaEnum>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace obslab {

namespace {

QString failureText(const CommandResult& result)
{
    const KubeError error = KubeErrors::classify(result);
    if (!error.message.isEmpty())
        return error.message;
    if (!error.line.isEmpty())
        return error.line;
    return result.message.isEmpty() ? commandStatusName(result.status) : result.message;
}

Result<QList<KubeObject>> objectsOf(const CommandResult& result)
{
    if (!result.ok())
        return Error{failureText(result), {}};
    return KubeObjects::parse(result.stdoutData);
}

// The API server (or the way to it) stopped answering: not an answer about the cluster.
bool lostContact(const CommandResult& result)
{
    if (result.status == CommandStatus::TimedOut)
        return true;
    const KubeErrorKind kind = KubeErrors::classify(result).kind;
    return kind == KubeErrorKind::Unreachable || kind == KubeErrorKind::Timeout;
}

}  // namespace

QString DoctorOutcome::verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Passed:
        return u"pass"_s;
    case Verdict::Failed:
        return u"fail"_s;
    case Verdict::Inconclusive:
        break;
    }
    return u"inconclusive"_s;
}

DoctorOutcome Doctor::outcomeOf(const QList<DoctorFinding>& findings,
                                const DoctorSnapshot& snapshot)
{
    DoctorOutcome outcome;
    if (!snapshot.lostContact.isEmpty()) {
        int skipped = 0;
        for (const DoctorFinding& f : findings)
            skipped += f.severity == DoctorFinding::Severity::Skipped ? 1 : 0;
        outcome.verdict = DoctorOutcome::Verdict::Inconclusive;
        outcome.reason =
            u"Inconclusive: the cluster stopped answering during the checks (%1 of %2 reads "
            "failed: %3), so %4 of %5 checks could not decide. Check again once `kubectl "
            "cluster-info` answers."_s.arg(
                QString::number(snapshot.lostContact.size()),
                QString::number(snapshot.clusterReads),
                snapshot.lostContact.mid(0, 3).join(u", "_s) +
                    (snapshot.lostContact.size() > 3 ? u", …"_s : QString()),
                QString::number(skipped), QString::number(findings.size()));
        return outcome;
    }
    if (DoctorFindings::worst(findings) == DoctorFinding::Severity::Fail)
        outcome.verdict = DoctorOutcome::Verdict::Failed;
    return outcome;
}

Doctor::Doctor(CommandRunner* runner, QObject* parent)
    : QObject(parent)
    , runner_(runner)
    , jaeger_(new JaegerClient(this))
{
    qRegisterMetaType<QList<obslab::DoctorFinding>>();
}

Doctor::~Doctor()
{
    cancel();
}

void Doctor::cancel()
{
    ++generation_;
    queue_.clear();
    for (const QPointer<Command>& c : active_)
        if (c)
            c->cancel();
    active_.clear();
    if (jaegerReply_)
        jaegerReply_->abort();
    outstanding_ = 0;
    running_ = false;
}

void Doctor::run(const DoctorOptions& options)
{
    cancel();
    options_ = options;
    snapshot_ = DoctorSnapshot{};
    snapshot_.target = options.target;
    snapshot_.context = options.target.context;
    snapshot_.jaegerUrl = options.jaegerUrl;
    if (snapshot_.jaegerUrl.isEmpty() && options.forwards)
        snapshot_.jaegerUrl = jaegerForwardUrl(*options.forwards);
    snapshot_.forwards = options.forwards;
    snapshot_.logTail = options.logTail;
    findings_.clear();
    done_ = total_ = 0;
    phaseTwo_ = logsQueued_ = false;
    running_ = true;
    startedMs_ = QDateTime::currentMSecsSinceEpoch();

    const Result<QString> kubectl = ToolVersions::locate(Tool::Kubectl, options.target.kubectl);
    const Result<QString> istioctl = ToolVersions::locate(Tool::Istioctl, options.istioctl);
    snapshot_.istioctlFound = istioctl.ok();
    if (istioctl.ok())
        snapshot_.istioctlPath = istioctl.value();
    else
        snapshot_.istioctlError = istioctl.error().message;
    if (!kubectl.ok()) {
        snapshot_.kubectlFound = false;
        snapshot_.kubectlError = kubectl.error().hint.isEmpty()
                                     ? kubectl.error().message
                                     : kubectl.error().message + u' ' + kubectl.error().hint;
        const quint64 generation = generation_;
        QTimer::singleShot(0, this, [this, generation] {
            if (generation == generation_)
                finish();
        });
        return;
    }
    snapshot_.target.kubectl = kubectl.value();

    const KubeTarget& t = snapshot_.target;
    enqueue(Kubectl::withKubeconfig(KubeContext::versionCommand(t.kubectl, t.context), t),
            [this](const CommandResult& r) {
                const Result<KubeContext::Versions> v = KubeContext::parseVersionJson(r.stdoutData);
                if (v.ok())
                    snapshot_.versions = v.value();
                snapshot_.reachable = v.ok() && v.value().server.isValid();
                if (!snapshot_.reachable)
                    snapshot_.unreachableReason = failureText(r);
            });
    if (t.context.isEmpty()) {
        enqueue(Kubectl::withKubeconfig(KubeContext::currentContextCommand(t.kubectl), t),
                [this](const CommandResult& r) {
                    const Result<QString> c = KubeContext::parseCurrentContext(r.stdoutData);
                    if (r.ok() && c.ok())
                        snapshot_.context = c.value();
                    else if (r.status == CommandStatus::Failed || r.ok())
                        snapshot_.noContext = true;  // kubectl ran and named no context
                });
    }
    enqueue(Kubectl::withKubeconfig(KubeContext::serverCommand(t.kubectl, t.context), t),
            [this](const CommandResult& r) {
                if (r.ok())
                    snapshot_.server = KubeContext::parseMinifiedServer(r.stdoutData);
            });
}

QUrl Doctor::jaegerForwardUrl(const QList<DoctorForward>& forwards)
{
    for (const DoctorForward& fw : forwards) {
        const QString name = fw.resource.section(u'/', -1);
        const bool ui = name == u"tracing" || name == u"jaeger-query" ||
                        (fw.remotePort == 16686 && !name.startsWith(u"jaeger-collector"));
        if (ui && fw.localUrl.isValid() && !fw.localUrl.isEmpty())
            return fw.localUrl;
    }
    return {};
}

void Doctor::enqueue(const CommandSpec& spec, Handler done)
{
    queue_.append(Job{spec, std::move(done)});
    ++outstanding_;
    ++total_;
    pump();
}

void Doctor::pump()
{
    if (!runner_) {
        queue_.clear();
        return;
    }
    // The Jaeger request counts against the bound as well.
    const int busy = int(active_.size()) + (jaegerReply_ ? 1 : 0);
    int free = std::max(1, options_.maxConcurrent) - busy;
    while (free-- > 0 && !queue_.isEmpty()) {
        Job job = queue_.takeFirst();
        Command* command = runner_->start(job.spec);
        active_.append(command);
        const quint64 generation = generation_;
        const QString title = job.spec.title;
        connect(command, &Command::finished, this,
                [this, generation, command, title,
                 done = std::move(job.done)](const CommandResult& result) {
                    if (generation != generation_)
                        return;
                    active_.removeAll(command);
                    if (phaseTwo_) {
                        ++snapshot_.clusterReads;
                        if (lostContact(result))
                            snapshot_.lostContact << title;
                    }
                    done(result);
                    --outstanding_;
                    ++done_;
                    Q_EMIT progressed(done_, total_, title);
                    pump();
                    maybeFinish();
                });
    }
}

void Doctor::maybeFinish()
{
    if (!running_ || outstanding_ > 0)
        return;
    if (!phaseTwo_ && snapshot_.reachable) {
        startPhaseTwo();
        return;
    }
    finish();
}

void Doctor::startPhaseTwo()
{
    phaseTwo_ = true;
    const KubeTarget t = snapshot_.target;
    KubeTarget system = t;
    system.ns = u"istio-system"_s;
    IstioTarget istio;
    istio.istioctl = snapshot_.istioctlPath;
    istio.kubeconfig = t.kubeconfig;
    istio.context = t.context;

    enqueue(Kubectl::get(t, u"namespaces"_s), [this](const CommandResult& r) {
        const auto objects = objectsOf(r);
        if (objects.ok())
            snapshot_.namespaces.value = objects.value();
        else
            snapshot_.namespaces.error = objects.error().message;
    });
    enqueue(Kubectl::get(t, u"pods"_s), [this](const CommandResult& r) {
        const auto objects = objectsOf(r);
        if (objects.ok())
            snapshot_.pods.value = objects.value();
        else
            snapshot_.pods.error = objects.error().message;
        readLogs();
    });
    enqueue(Kubectl::get(t, u"deployments"_s), [this](const CommandResult& r) {
        const auto objects = objectsOf(r);
        if (objects.ok())
            snapshot_.deployments.value = objects.value();
        else
            snapshot_.deployments.error = objects.error().message;
    });
    enqueue(Kubectl::get(system, u"deployments,services"_s), [this](const CommandResult& r) {
        const auto objects = objectsOf(r);
        if (objects.ok())
            snapshot_.istioSystem.value = objects.value();
        else
            snapshot_.istioSystem.error = objects.error().message;
    });
    Kubectl::GetOptions all;
    all.allNamespaces = true;
    enqueue(Kubectl::get(t, u"services"_s, all), [this](const CommandResult& r) {
        const auto objects = objectsOf(r);
        if (objects.ok())
            snapshot_.services.value = objects.value();
        else
            snapshot_.services.error = objects.error().message;
    });
    Kubectl::GetOptions named;
    named.name = u"istio"_s;
    enqueue(Kubectl::get(system, u"configmap"_s, named), [this](const CommandResult& r) {
        if (!r.ok() && KubeErrors::classify(r).kind == KubeErrorKind::NotFound) {
            snapshot_.meshConfigMapMissing = true;
            return;
        }
        const auto objects = objectsOf(r);
        if (objects.ok() && !objects.value().isEmpty())
            snapshot_.meshConfigMap.value = objects.value().first();
        else
            snapshot_.meshConfigMap.error =
                objects.ok() ? u"kubectl printed no ConfigMap"_s : objects.error().message;
    });
    enqueue(Kubectl::get(t, u"telemetries.telemetry.istio.io"_s, all),
            [this](const CommandResult& r) {
                // Without Istio's CRDs there is no such resource type: no Telemetry at all.
                if (!r.ok() && KubeErrors::classify(r).kind == KubeErrorKind::UnknownResourceType) {
                    snapshot_.telemetries.value = QList<KubeObject>{};
                    return;
                }
                const auto objects = objectsOf(r);
                if (objects.ok())
                    snapshot_.telemetries.value = objects.value();
                else
                    snapshot_.telemetries.error = objects.error().message;
            });
    if (snapshot_.istioctlFound) {
        enqueue(Istioctl::version(istio, true), [this](const CommandResult& r) {
            const IstioVersionInfo info = IstioVersion::parse(r);
            if (!info.client.isEmpty() || !info.controlPlane.isEmpty() || info.controlPlaneMissing)
                snapshot_.istioVersion.value = info;
            else
                snapshot_.istioVersion.error = failureText(r);
        });
        enqueue(Istioctl::analyze(istio, t.ns), [this](const CommandResult& r) {
            const AnalyzeReport report = AnalyzeFindings::parse(r);
            if (r.ok() || !report.findings.isEmpty() || report.noIssues)
                snapshot_.analyze.value = report;
            else
                snapshot_.analyze.error = failureText(r);
        });
    }
    askJaeger();
}

void Doctor::readLogs()
{
    if (logsQueued_ || !snapshot_.pods.has())
        return;
    logsQueued_ = true;
    snapshot_.proxyLogs.value = QMap<QString, QList<QByteArray>>{};
    int count = 0;
    for (const KubeObject& pod : *snapshot_.pods.value) {
        if (!KubeObjects::podState(pod).hasIstioProxy ||
            pod.raw.value(u"metadata"_s).toObject().contains(u"deletionTimestamp"_s))
            continue;
        if (count++ >= options_.maxLogPods)
            break;
        Kubectl::LogsOptions logs;
        logs.pod = pod.name;
        logs.container = u"istio-proxy"_s;
        logs.tail = options_.logTail;
        CommandSpec spec = Kubectl::logs(snapshot_.target, logs);
        spec.timeout = 20s;
        spec.captureLimit = 4 * 1024 * 1024;
        const QString name = pod.name;
        enqueue(spec, [this, name](const CommandResult& r) {
            if (!r.ok()) {
                // One pod that cannot be read (being replaced, say) does not spoil the others.
                qCDebug(lcDoctor) << "logs of" << name << "failed:" << failureText(r);
                return;
            }
            (*snapshot_.proxyLogs.value)[name] = r.stdoutData.split('\n');
        });
    }
}

void Doctor::askJaeger()
{
    if (snapshot_.jaegerUrl.isEmpty())
        return;
    jaeger_->setBaseUrl(snapshot_.jaegerUrl);
    jaeger_->setTimeout(5s);
    ++outstanding_;
    ++total_;
    JaegerReply* reply = jaeger_->services();
    jaegerReply_ = reply;
    const quint64 generation = generation_;
    connect(reply, &JaegerReply::finished, this, [this, reply, generation] {
        reply->deleteLater();
        if (generation != generation_)
            return;
        jaegerReply_.clear();
        if (reply->ok()) {
            snapshot_.jaegerServices.value = reply->names();
            snapshot_.jaegerResolvedUrl = jaeger_->resolvedBaseUrl();
        } else {
            const Error& e = reply->error();
            snapshot_.jaegerServices.error =
                e.hint.isEmpty() ? e.message : e.message + u' ' + e.hint;
            snapshot_.jaegerFailureKind = QString::fromLatin1(
                QMetaEnum::fromType<JaegerReply::Status>().valueToKey(int(reply->status())));
        }
        --outstanding_;
        ++done_;
        Q_EMIT progressed(done_, total_, u"Ask Jaeger for its services"_s);
        pump();
        maybeFinish();
    });
}

void Doctor::finish()
{
    running_ = false;
    findings_ = DoctorChecks::evaluate(snapshot_);
    durationMs_ = QDateTime::currentMSecsSinceEpoch() - startedMs_;
    qCDebug(lcDoctor) << "doctor finished in" << durationMs_ << "ms," << total_ << "probes";
    Q_EMIT finished(findings_);
}

}  // namespace obslab
