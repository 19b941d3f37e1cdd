#pragma once

#include "core/kube/KubeTarget.h"
#include "core/process/CommandSpec.h"

#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>

namespace obslab {

class CommandRunner;
struct CommandResult;

// How trace context travels: B3 multi headers for a Zipkin provider (Istio's zipkin tracer, the
// tutorial's), W3C traceparent for an OpenTelemetry provider (which ignores B3 and would start a
// new trace, so the id the user was told would match nothing).
enum class TracePropagation
{
    B3,
    W3C
};

// Headers ObsLab makes for one request: fresh random 128-bit trace id and 64-bit span id,
// always sampled (x-b3-sampled: 1, traceparent flags 01).
struct TraceHeaders
{
    QString traceId;  // 32 lowercase hex
    QString spanId;   // 16 lowercase hex
    QList<QPair<QString, QString>> headers;

    static TraceHeaders generate(TracePropagation propagation);
    static TraceHeaders make(TracePropagation propagation, const QString& traceId,
                             const QString& spanId);
};

// "zipkin" → B3, "opentelemetry" → W3C (the provider kinds of meshConfig.extensionProviders).
TracePropagation propagationForProvider(const QString& providerKind);

struct TracedRequestOptions
{
    QString workload = QStringLiteral("deploy/frontend");  // where curl runs (kubectl exec target)
    QString container;                                     // empty: kubectl's default container
    QString url = QStringLiteral("http://backend");
    TracePropagation propagation = TracePropagation::B3;
    QList<QPair<QString, QString>> extraHeaders;
};

// Sends one request from inside a workload with trace headers ObsLab made:
// `kubectl exec deploy/frontend [-c C] -n NS -- curl -s URL -H 'x-b3-traceid: …' …`.
// send() returns the trace id at once (before anything runs), so the user can look for it in
// the logs and in Jaeger; finished() reports the run. Thread of the runner; never blocks.
class TracedRequest : public QObject
{
    Q_OBJECT
public:
    explicit TracedRequest(CommandRunner* runner, QObject* parent = nullptr);

    static CommandSpec command(const KubeTarget& target, const TracedRequestOptions& options,
                               const TraceHeaders& headers);
    QString send(const KubeTarget& target, const TracedRequestOptions& options);

Q_SIGNALS:
    void finished(const QString& traceId, const obslab::CommandResult& result);

private:
    QPointer<CommandRunner> runner_;
};

}  // namespace obslab
