#include "core/lab/LabRunner.h"
#include "core/lab/LabRunnerText.h"

#include "core/lab/LabHost.h"
#include "core/lab/LabTrust.h"

#include "core/kube/Istioctl.h"
#include "core/kube/KubeError.h"
#include "core/kube/Kubectl.h"
#include "core/kube/MutationGate.h"
#include "core/kube/TracedRequest.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/process/Redactor.h"
#include "core/process/StreamRedactor.h"

#include <QDir>
#include <QFile>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace obslab {

namespace labrunner {

QString firstLine(const QByteArray& bytes)
{
    const QString text = QString::fromUtf8(bytes).trimmed();
    const QStringList lines = text.split(u'\n');
    for (auto it = lines.crbegin(); it != lines.crend(); ++it)
        if (it->trimmed().startsWith(u"error", Qt::CaseInsensitive))
            return it->trimmed();
    return lines.value(0).trimmed();
}

QString failureText(const CommandResult& r)
{
    // A cluster that does not answer is said as such, with what to do (not kubectl's hint).
    if (const KubeError e = KubeErrors::classify(r); e.kind == KubeErrorKind::Unreachable)
        return e.message;
    QString why = firstLine(r.stderrData);
    if (why.isEmpty())
        why = r.message;
    if (why.isEmpty())
        why = commandStatusName(r.status);
    return why;
}

}  // namespace labrunner

// ---------------------------------------------------------------------------------------------
// Commands

QString LabRunner::sub(const QString& text) const
{
    return substituteVariables(text, vars_);
}

QStringList LabRunner::sub(const QStringList& list) const
{
    QStringList out;
    out.reserve(list.size());
    for (const QString& s : list)
        out << sub(s);
    return out;
}

QString LabRunner::nsOf(const QString& ns) const
{
    return ns.isEmpty() ? vars_.value(u"namespace"_s) : sub(ns);
}

KubeTarget LabRunner::target(const QString& ns) const
{
    KubeTarget t = options_.kube;
    t.ns = nsOf(ns);
    return t;
}

CommandSpec LabRunner::rawSpec(const QString& tool, const QStringList& labArgs,
                               const QString& ns) const
{
    const QStringList args = sub(labArgs);
    CommandSpec spec;
    // Lab files in the arguments (`apply -f manifests/x.yaml`) were checked relative to the lab's
    // folder: kubectl and istioctl must resolve them there too, wherever obslab was started.
    spec.workingDirectory = lab_.dir;
    QStringList flags;
    if (!options_.kube.kubeconfig.isEmpty())
        flags << u"--kubeconfig"_s << options_.kube.kubeconfig;
    if (!options_.kube.context.isEmpty())
        flags << u"--context"_s << options_.kube.context;
    if (tool == u"kubectl") {
        spec.program = options_.kube.kubectl;
        bool hasNs = false;
        for (const QString& a : args)
            if (a == u"-n" || a.startsWith(u"--namespace") || a == u"-A" ||
                a == u"--all-namespaces" ||
                (a.startsWith(u"-n") && a.size() > 2 && !a.startsWith(u"--")))
                hasNs = true;
        if (!hasNs)
            flags << u"-n"_s << nsOf(ns);
    } else {
        spec.program = options_.istio.istioctl;
    }
    // The flags go before a `--` (after which words belong to another program).
    const qsizetype dashdash = args.indexOf(u"--"_s);
    spec.arguments =
        dashdash < 0 ? args + flags : args.mid(0, dashdash) + flags + args.mid(dashdash);
    spec.title = u"%1 %2"_s.arg(tool, args.value(0));
    spec.timeout = 120s;
    return spec;
}

Result<QByteArray> LabRunner::manifest(const LabAction& a) const
{
    const CommandPolicy::Scope scope = LabTrust::scope(lab_, vars_, a.ns);
    if (!a.inline_.isEmpty()) {
        const QByteArray text = sub(a.inline_).toUtf8();
        const QStringList problems = CommandPolicy::manifestProblems(
            text, scope.defaultNamespace, scope, a.kind == LabActionKind::Delete);
        if (!problems.isEmpty())
            return Error{u"Refused: "_s + problems.join(u"; "), {}};
        return text;
    }
    if (a.file.isEmpty())
        return Error{u"This action has no manifest."_s, {}};
    const QString rel = sub(a.file);
    if (lab_.dir.isEmpty())
        return Error{u"The lab was not loaded from a folder, so '%1' cannot be read."_s.arg(rel),
                     {}};
    // Checked now, with the values in effect and symlinks resolved: what is read is what the
    // plan showed.
    QString canonical;
    if (const QString why = CommandPolicy::checkLabFile(rel, lab_.dir, &canonical); !why.isEmpty())
        return Error{u"Refused: "_s + why, {}};
    QFile f(canonical);
    if (!f.open(QIODevice::ReadOnly))
        return Error{u"Cannot read %1: %2"_s.arg(f.fileName(), f.errorString()), {}};
    const QByteArray text = sub(QString::fromUtf8(f.read(4 * 1024 * 1024))).toUtf8();
    const QStringList problems = CommandPolicy::manifestProblems(
        text, scope.defaultNamespace, scope, a.kind == LabActionKind::Delete);
    if (!problems.isEmpty())
        return Error{u"Refused: "_s + problems.join(u"; "), {}};
    return text;
}

CommandSpec LabRunner::requestSpec(const LabAction& a, const QString& traceId,
                                   const QString& spanId) const
{
    // The request as core/kube's TracedRequest builds it (B3 headers: the lab's provider is a
    // zipkin one), with ids chosen here so that the trace id is known before anything runs.
    TracedRequestOptions o;
    o.workload = u"deploy/"_s + sub(a.from);
    o.container = sub(a.container);
    o.url = sub(a.target);
    CommandSpec spec = TracedRequest::command(
        target(a.ns), o, TraceHeaders::make(TracePropagation::B3, traceId, spanId));
    spec.timeout = 30s;
    return spec;
}

CommandSpec LabRunner::specFor(const QString& stepId, const LabAction& a) const
{
    Q_UNUSED(stepId);
    switch (a.kind) {
    case LabActionKind::Apply: {
        if (!a.url.isEmpty())
            return Kubectl::apply(target(a.ns), {});
        const auto m = manifest(a);
        return Kubectl::apply(target(a.ns), m.ok() ? m.value() : QByteArray());
    }
    case LabActionKind::Delete: {
        const auto m = manifest(a);
        return Kubectl::deleteManifest(target(a.ns), m.ok() ? m.value() : QByteArray());
    }
    case LabActionKind::Kubectl:
        return rawSpec(u"kubectl"_s, a.args, a.ns);
    case LabActionKind::Istioctl:
        return rawSpec(u"istioctl"_s, a.args, a.ns);
    case LabActionKind::IstioInstall: {
        IstioTarget t = options_.istio;
        t.kubeconfig = options_.kube.kubeconfig;
        t.context = options_.kube.context;
        return Istioctl::installFile(t, QDir(lab_.dir).filePath(sub(a.file)));
    }
    case LabActionKind::Restart: {
        QStringList deployments;
        for (const QString& d : sub(a.deployments))
            deployments << (d.contains(u'/') ? d : u"deployment/"_s + d);
        return Kubectl::rolloutRestart(target(a.ns), deployments);
    }
    case LabActionKind::WaitRollout:
        return Kubectl::rolloutStatus(target(a.ns), sub(a.deployments.value(0)),
                                      a.timeout.count() > 0 ? a.timeout : 180s);
    case LabActionKind::FollowLogs: {
        Kubectl::LogsOptions o;
        o.selector = sub(a.selector);
        o.container = sub(a.container);
        o.follow = true;
        o.prefix = true;
        o.timestamps = true;
        return Kubectl::logs(target(a.ns), o);
    }
    case LabActionKind::PortForward:
        return Kubectl::portForward(target(a.ns.isEmpty() ? u"istio-system"_s : a.ns),
                                    u"svc/"_s + sub(a.service), 0, a.port);
    case LabActionKind::TracedRequest:
    case LabActionKind::StartTraffic:
        return requestSpec(a, u"<new trace id>"_s, u"<new span id>"_s);
    case LabActionKind::StopTraffic:
    case LabActionKind::OpenTrace:
    case LabActionKind::OpenSearch:
    case LabActionKind::RunDoctor:
        break;
    }
    return {};
}

QString LabRunner::actionCommandLine(const QString& stepId, int index) const
{
    const LabAction* a = action(stepId, index);
    if (!a)
        return {};
    if (a->kind == LabActionKind::Apply && !a->url.isEmpty())
        return u"kubectl apply -f - < %1   (fetched and shown to you first)"_s.arg(a->url);
    const CommandSpec spec = specFor(stepId, *a);
    if (!spec.program.isEmpty()) {
        QString line = spec.toShellLine();
        if ((a->kind == LabActionKind::Apply || a->kind == LabActionKind::Delete) &&
            !a->file.isEmpty())
            line = line.section(u'\n', 0, 0).section(u" #"_s, 0, 0) + u" < "_s + sub(a->file);
        return line;
    }
    switch (a->kind) {
    case LabActionKind::StopTraffic:
        return u"(stop the requests started earlier)"_s;
    case LabActionKind::OpenTrace:
        return u"(open the trace of '%1' in Jaeger)"_s.arg(a->action);
    case LabActionKind::OpenSearch:
        return u"(search Jaeger for %1)"_s.arg(sub(a->service));
    case LabActionKind::RunDoctor:
        return u"obslab doctor"_s;
    default:
        return {};
    }
}

void LabRunner::runCommand(const QString& stepId, int index, const CommandSpec& spec,
                           std::function<void(const CommandResult&)> done)
{
    const quint64 gen = generation_;
    // One yes covers the rest of the run: the plan already showed every command.
    const MutationGate::Confirm confirm = [this](const QString& question,
                                                 const QString& commandLine) {
        if (!options_.guardMutations || mutationConfirmed_)
            return true;
        mutationConfirmed_ = host_ && host_->confirm(question, commandLine);
        return mutationConfirmed_;
    };
    // Lab commands run with nothing in their environment that could start another program.
    CommandSpec scrubbed = spec;
    scrubbed.scrubEnvironment = true;
    const Result<Command*> started =
        MutationGate::start(runner_, scrubbed, options_.policy, confirm);
    if (!started.ok()) {
        CommandResult r;
        r.status = CommandStatus::Cancelled;
        r.message = started.error().message;
        QMetaObject::invokeMethod(
            this, [done, r] { done(r); }, Qt::QueuedConnection);
        return;
    }
    Command* command = started.value();
    running_ << command;
    if (!stepId.isEmpty()) {
        // Secret values never leave the runner: its output feeds `lab run`, the GUI, recordings
        // and handouts alike.
        auto redactor = std::make_shared<StreamRedactor>();
        connect(command, &Command::stdoutLine, this,
                [this, stepId, index, redactor](const QByteArray& l) {
                    if (const auto line = redactor->redactLine(QString::fromUtf8(l)))
                        Q_EMIT actionOutput(stepId, index, Redactor::redactLine(*line), false);
                });
        connect(command, &Command::stderrLine, this, [this, stepId, index](const QByteArray& l) {
            Q_EMIT actionOutput(stepId, index, Redactor::redactLine(QString::fromUtf8(l)), true);
        });
    }
    connect(command, &Command::finished, this, [this, gen, done](const CommandResult& r) {
        if (gen != generation_)
            return;
        done(r);
    });
}

}  // namespace obslab
