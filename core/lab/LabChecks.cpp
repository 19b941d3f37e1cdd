#include "core/lab/LabRunner.h"
#include "core/lab/LabRunnerText.h"

#include "core/lab/LabTrust.h"

#include "core/kube/KubeObjects.h"
#include "core/kube/Kubectl.h"
#include "core/tracing/JaegerClient.h"
#include "core/tracing/JaegerTraceId.h"

#include <QElapsedTimer>
#include <QRegularExpression>

#include <memory>

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace obslab {

using labrunner::failureText;
using labrunner::firstLine;

// ---------------------------------------------------------------------------------------------
// Checks

void LabRunner::execCheck(const QString& stepId, int index, const LabCheck& c, Done done)
{
    Q_EMIT checkStarted(stepId, index);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    const quint64 gen = generation_;
    auto attempt = std::make_shared<std::function<void()>>();
    *attempt = [this, stepId, index, c, done, clock, gen, attempt] {
        if (gen != generation_)
            return;
        attemptCheck(c, [this, stepId, index, c, done, clock, gen, attempt](bool ok,
                                                                            const QString& reason) {
            if (gen != generation_)
                return;
            if (ok) {
                *attempt = nullptr;
                Q_EMIT checkFinished(stepId, index, true, reason);
                done(true);
                return;
            }
            const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(c.timeout);
            const auto every = std::chrono::duration_cast<std::chrono::milliseconds>(c.every);
            if (clock->elapsed() + every.count() > timeout.count()) {
                *attempt = nullptr;
                Q_EMIT checkFinished(stepId, index, false, reason);
                done(false);
                return;
            }
            Q_EMIT checkAttemptFailed(stepId, index, reason);
            QTimer::singleShot(every, this, [attempt] {
                if (*attempt)
                    (*attempt)();
            });
        });
    };
    (*attempt)();
}

void LabRunner::attemptCheck(const LabCheck& c, AttemptDone done)
{
    switch (c.kind) {
    case LabCheckKind::RolloutReady:
        return checkRollout(c, done);
    case LabCheckKind::PodsHaveSidecar:
        return checkSidecars(c, done);
    case LabCheckKind::LogsMatch:
        return checkLogs(c, done);
    case LabCheckKind::JaegerHasService:
    case LabCheckKind::JaegerHasTrace:
        return checkJaeger(c, done);
    case LabCheckKind::ResourceExists:
        return checkResource(c, done);
    case LabCheckKind::CommandSucceeds:
        return checkCommand(c, done);
    }
}

void LabRunner::checkRollout(const LabCheck& c, const AttemptDone& done)
{
    const QString ns = nsOf(c.ns);
    Kubectl::GetOptions o;
    o.name = sub(c.deployment);
    runCommand({}, -1, Kubectl::get(target(c.ns), u"deployment"_s, o),
               [done, o, ns](const CommandResult& r) {
                   if (!r.ok())
                       return done(false, failureText(r));
                   const auto objs = KubeObjects::parse(r.stdoutData);
                   if (!objs.ok() || objs->isEmpty())
                       return done(false, u"deployment/%1 not found in %2"_s.arg(o.name, ns));
                   const DeploymentState st = KubeObjects::deploymentState(objs->first());
                   if (st.rolledOut() && st.ready >= st.desired)
                       return done(true,
                                   u"deployment/%1: %2/%3 ready"_s.arg(o.name).arg(st.ready).arg(
                                       st.desired));
                   done(false, u"deployment/%1: %2 of %3 pods updated and ready"_s.arg(o.name)
                                   .arg(std::min(st.updated, st.ready))
                                   .arg(st.desired));
               });
}

void LabRunner::checkSidecars(const LabCheck& c, const AttemptDone& done)
{
    const QString ns = nsOf(c.ns);
    Kubectl::GetOptions o;
    o.selector = sub(c.selector);
    runCommand(
        {}, -1, Kubectl::get(target(c.ns), u"pods"_s, o), [done, o, ns](const CommandResult& r) {
            if (!r.ok())
                return done(false, failureText(r));
            const auto objs = KubeObjects::parse(r.stdoutData);
            if (!objs.ok())
                return done(false, objs.error().message);
            QStringList without;
            int live = 0;
            for (const KubeObject& pod : *objs) {
                if (pod.raw.value(u"metadata"_s).toObject().contains(u"deletionTimestamp"_s))
                    continue;
                ++live;
                if (!KubeObjects::podState(pod).hasIstioProxy)
                    without << pod.name;
            }
            if (live == 0)
                return done(false, u"no pods match %1 in %2"_s.arg(o.selector, ns));
            if (!without.isEmpty())
                return done(false,
                            u"without the istio-proxy sidecar: %1"_s.arg(without.join(u", ")));
            done(true, u"%1 pod(s) with the sidecar"_s.arg(live));
        });
}

void LabRunner::checkLogs(const LabCheck& c, const AttemptDone& done)
{
    Kubectl::LogsOptions o;
    o.selector = sub(c.selector);
    o.container = sub(c.container);
    o.prefix = true;
    o.tail = 200;
    o.maxLogRequests = 10;
    const QRegularExpression re(sub(c.pattern));
    runCommand({}, -1, Kubectl::logs(target(c.ns), o), [done, re, o](const CommandResult& r) {
        if (!r.ok())
            return done(false, failureText(r));
        const QStringList lines = QString::fromUtf8(r.stdoutData).split(u'\n');
        for (auto it = lines.crbegin(); it != lines.crend(); ++it)
            if (re.match(*it).hasMatch())
                return done(true, it->trimmed());
        done(false, u"no line of the %1 logs of %2 matches /%3/ (%4 lines read)"_s
                        .arg(o.container, o.selector, re.pattern())
                        .arg(lines.size() - 1));
    });
}

void LabRunner::checkJaeger(const LabCheck& c, const AttemptDone& done)
{
    if (!jaegerUrl_.isValid())
        return done(false, u"Jaeger is not reachable yet: run the port-forward action (or set "
                           "the Jaeger URL in Settings)"_s);
    if (c.kind == LabCheckKind::JaegerHasService) {
        const QString service = sub(c.service);
        JaegerReply* reply = jaeger_->services();
        connect(reply, &JaegerReply::finished, this, [reply, done, service] {
            reply->deleteLater();
            if (!reply->ok())
                return done(false, reply->error().message);
            if (reply->names().contains(service))
                return done(true, u"Jaeger lists %1"_s.arg(service));
            done(false,
                 u"Jaeger has no service %1 (it lists: %2)"_s.arg(
                     service, reply->names().isEmpty() ? u"none"_s : reply->names().join(u", ")));
        });
        return;
    }
    const QString id = progress_.traceIds.value(c.action);
    if (id.isEmpty())
        return done(false, u"no trace id yet: the action '%1' has not run"_s.arg(c.action));
    JaegerReply* reply = jaeger_->trace(JaegerTraceId::fromString(id));
    connect(reply, &JaegerReply::finished, this, [reply, done, id] {
        reply->deleteLater();
        if (!reply->ok() || reply->traces().isEmpty())
            return done(false, reply->status() == JaegerReply::Status::NotFound
                                   ? u"Jaeger has no trace %1"_s.arg(id)
                                   : reply->error().message);
        done(true,
             u"Jaeger has trace %1 (%2 spans)"_s.arg(id).arg(reply->traces().first().spans.size()));
    });
}

void LabRunner::checkResource(const LabCheck& c, const AttemptDone& done)
{
    Kubectl::GetOptions o;
    o.name = sub(c.name);
    const QString kind = sub(c.resource);
    runCommand({}, -1, Kubectl::get(target(c.ns), kind, o),
               [done, kind, o](const CommandResult& r) {
                   done(r.ok(), r.ok() ? u"%1/%2 exists"_s.arg(kind, o.name) : failureText(r));
               });
}

void LabRunner::checkCommand(const LabCheck& c, const AttemptDone& done)
{
    const auto v = LabTrust::checkCommand(
        lab_, vars_, c.tool == u"istioctl" ? LabActionKind::Istioctl : LabActionKind::Kubectl,
        c.args, c.ns);
    if (!v.ok() || v.mutates)
        return done(false, u"Refused: "_s + (v.ok() ? u"a check may not change the cluster"_s
                                                    : v.refusals.first().message));
    runCommand({}, -1, rawSpec(c.tool, c.args, c.ns), [done](const CommandResult& r) {
        done(r.ok(), r.ok() ? firstLine(r.stdoutData + r.stderrData) : failureText(r));
    });
}

}  // namespace obslab
