#include "core/kube/TracedRequest.h"

#include "core/kube/Kubectl.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"

#include <QRandomGenerator>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

QString randomHex(int bytes)
{
    QString hex;
    // Never all zeros: an all-zero trace or span id is invalid in both B3 and W3C.
    do {
        hex.clear();
        for (int i = 0; i < bytes; i += 8) {
            const quint64 value = QRandomGenerator::global()->generate64();
            hex += u"%1"_s.arg(value, 16, 16, QLatin1Char('0'));
        }
        hex.truncate(bytes * 2);
    } while (hex.count(u'0') == hex.size());
    return hex;
}

}  // namespace

TraceHeaders TraceHeaders::make(TracePropagation propagation, const QString& traceId,
                                const QString& spanId)
{
    TraceHeaders out;
    out.traceId = traceId.toLower();
    out.spanId = spanId.toLower();
    if (propagation == TracePropagation::B3) {
        out.headers = {{u"x-b3-traceid"_s, out.traceId},
                       {u"x-b3-spanid"_s, out.spanId},
                       {u"x-b3-sampled"_s, u"1"_s}};
    } else {
        out.headers = {{u"traceparent"_s, u"00-%1-%2-01"_s.arg(out.traceId, out.spanId)}};
    }
    return out;
}

TraceHeaders TraceHeaders::generate(TracePropagation propagation)
{
    return make(propagation, randomHex(16), randomHex(8));
}

TracePropagation propagationForProvider(const QString& providerKind)
{
    return providerKind.compare(u"opentelemetry"_s, Qt::CaseInsensitive) == 0
               ? TracePropagation::W3C
               : TracePropagation::B3;
}

TracedRequest::TracedRequest(CommandRunner* runner, QObject* parent)
    : QObject(parent)
    , runner_(runner)
{}

CommandSpec TracedRequest::command(const KubeTarget& target, const TracedRequestOptions& options,
                                   const TraceHeaders& headers)
{
    QStringList curl{u"curl"_s, u"-s"_s, options.url};
    for (const auto& [name, value] : headers.headers)
        curl << u"-H"_s << u"%1: %2"_s.arg(name, value);
    for (const auto& [name, value] : options.extraHeaders)
        curl << u"-H"_s << u"%1: %2"_s.arg(name, value);
    CommandSpec spec = Kubectl::exec(target, options.workload, options.container, curl);
    spec.title = u"Send a traced request from %1 to %2 (trace %3)"_s.arg(
        options.workload, options.url, headers.traceId);
    return spec;
}

QString TracedRequest::send(const KubeTarget& target, const TracedRequestOptions& options)
{
    const TraceHeaders headers = TraceHeaders::generate(options.propagation);
    const QString traceId = headers.traceId;
    if (!runner_)
        return traceId;
    Command* run = runner_->start(TracedRequest::command(target, options, headers));
    connect(run, &Command::finished, this,
            [this, traceId](const CommandResult& result) { Q_EMIT finished(traceId, result); });
    return traceId;
}

}  // namespace obslab
