#include "core/doctor/CheckGroups.h"

#include "core/doctor/DoctorChecks.h"
#include "core/doctor/DoctorEvaluation.h"
#include "core/doctor/MeshConfig.h"
#include "core/logs/AccessLogParser.h"
#include "core/logs/ParsedLine.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace obslab::DoctorChecks {

using Severity = DoctorFinding::Severity;

namespace {

const QString kTutorialFormat =
    u"[%START_TIME%] \"%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%\" "
    "%RESPONSE_CODE% traceID=%REQ(X-B3-TRACEID)% spanID=%REQ(X-B3-SPANID)% "
    "sampled=%REQ(X-B3-SAMPLED)% service=%DOWNSTREAM_LOCAL_ADDRESS%"_s;

void meshAccessLog(DoctorEvaluation& e, const DoctorFacts& facts)
{
    QString formatEvidence = u"accessLogFile: %1\naccessLogEncoding: %2\nformat: %3"_s.arg(
        facts.mesh.value(u"accessLogFile"_s).toString().isEmpty()
            ? u"(not set)"_s
            : facts.mesh.value(u"accessLogFile"_s).toString(),
        facts.formatJson ? u"JSON"_s : u"TEXT"_s,
        facts.mesh.value(u"accessLogFormat"_s).toString().isEmpty()
            ? u"Istio's default (no trace id; x-request-id only)"_s
            : facts.format);
    if (!facts.accessLogOn) {
        DoctorFinding& f = e.add(u"mesh.access-log"_s, Severity::Warn,
                                 u"Access logging is off: requests cannot be followed in the "
                                 "istio-proxy logs."_s,
                                 formatEvidence);
        QJsonObject fixed = MeshConfig::with(facts.mesh, u"accessLogFile"_s, u"/dev/stdout"_s);
        if (!formatCarriesTraceId(facts.format) && !facts.formatJson)
            fixed = MeshConfig::with(fixed, u"accessLogFormat"_s, kTutorialFormat);
        e.setMeshFix(f, fixed, u"spec:\n  meshConfig:\n    accessLogFile: /dev/stdout\n"_s);
    } else if (!formatCarriesTraceId(facts.format)) {
        DoctorFinding& f =
            e.add(u"mesh.access-log"_s, Severity::Warn,
                  u"The access-log format has no trace id, so log lines cannot be matched to "
                  "traces (only x-request-id, through Jaeger's guid:x-request-id tag)."_s,
                  formatEvidence);
        if (facts.formatJson) {
            QJsonObject keys = QJsonDocument::fromJson(facts.format.toUtf8()).object();
            keys.insert(u"trace_id"_s, u"%REQ(X-B3-TRACEID)%"_s);
            keys.insert(u"span_id"_s, u"%REQ(X-B3-SPANID)%"_s);
            keys.insert(u"sampled"_s, u"%REQ(X-B3-SAMPLED)%"_s);
            const QString json =
                QString::fromUtf8(QJsonDocument(keys).toJson(QJsonDocument::Compact));
            e.setMeshFix(f, MeshConfig::with(facts.mesh, u"accessLogFormat"_s, json),
                         u"spec:\n  meshConfig:\n    accessLogEncoding: JSON\n    accessLogFormat: "
                         "'%1'\n"_s.arg(json));
        } else {
            e.setMeshFix(
                f, MeshConfig::with(facts.mesh, u"accessLogFormat"_s, kTutorialFormat),
                u"spec:\n  meshConfig:\n    accessLogFormat: '%1'\n"_s.arg(kTutorialFormat));
        }
    } else {
        e.add(u"mesh.access-log"_s, Severity::Pass,
              u"Access logging is on and its format carries the trace id."_s, formatEvidence);
    }
}

void propagation(DoctorEvaluation& e, const DoctorSnapshot& s, const DoctorFacts& facts)
{
    if (!facts.tracer.exists()) {
        e.add(u"mesh.propagation"_s, Severity::Skipped, u"Skipped: there is no tracer."_s);
    } else if (facts.tracer.kind == u"zipkin") {
        e.add(u"mesh.propagation"_s, Severity::Pass,
              u"The Zipkin tracer propagates B3 headers, which keeps a B3 client's trace ids."_s,
              u"tracer: zipkin (%1)"_s.arg(facts.tracer.source));
    } else if (facts.tracer.kind != u"opentelemetry") {
        e.add(u"mesh.propagation"_s, Severity::Pass,
              u"Tracer %1: make sure clients send the headers it propagates."_s.arg(
                  facts.tracer.kind));
    } else {
        // Which headers do clients send? Only the access log can tell.
        int total = 0;
        int b3 = 0;
        const bool logsB3 = facts.format.contains(u"X-B3-TRACEID"_s, Qt::CaseInsensitive);
        if (s.proxyLogs.has() && logsB3) {
            ParsedLine parsed;
            for (const QList<QByteArray>& lines : *s.proxyLogs.value) {
                for (const QByteArray& line : lines) {
                    AccessLogParser::parse(line, parsed);
                    if (parsed.kind != LineKind::Request)
                        continue;
                    ++total;
                    if (parsed.has(Field::TraceId))
                        ++b3;
                }
            }
        }
        const QString evidence =
            u"tracer: opentelemetry provider %1 (%2), propagates W3C traceparent\n"
            "access-log lines read: %3, with an x-b3-traceid: %4"_s
                .arg(facts.tracer.provider, facts.tracer.source)
                .arg(total)
                .arg(b3);
        if (b3 > 0) {
            DoctorFinding& f = e.add(
                u"mesh.propagation"_s, Severity::Fail,
                u"Clients send B3 headers but the tracer is OpenTelemetry (W3C traceparent): "
                "spans get new trace ids, so the trace ids in the logs match nothing in Jaeger."_s,
                evidence);
            QJsonArray list = facts.mesh.value(u"extensionProviders"_s).toArray();
            for (qsizetype i = 0; i < list.size(); ++i) {
                QJsonObject p = list.at(i).toObject();
                if (p.value(u"name"_s).toString() != facts.tracer.provider)
                    continue;
                list.replace(i, QJsonObject{{u"name"_s, facts.tracer.provider},
                                            {u"zipkin"_s,
                                             QJsonObject{{u"service"_s, e.collectorService(9411)},
                                                         {u"port"_s, 9411}}}});
            }
            QJsonObject fixed = facts.mesh;
            fixed.insert(u"extensionProviders"_s, list);
            e.setMeshFix(f, fixed,
                         u"spec:\n  meshConfig:\n    extensionProviders:\n    - name: %1\n      "
                         "zipkin:\n        service: %2\n        port: 9411\n"_s.arg(
                             facts.tracer.provider, e.collectorService(9411)));
            f.evidence += u"\nThe other way round also works: make the clients send W3C "
                          "traceparent."_s;
        } else if (total == 0) {
            e.add(u"mesh.propagation"_s, Severity::Skipped,
                  logsB3 ? u"No access-log lines to see which headers clients send."_s
                         : u"The access log does not record X-B3-TraceId, so which headers clients "
                           "send cannot be seen."_s,
                  evidence);
        } else {
            e.add(u"mesh.propagation"_s, Severity::Pass,
                  u"No B3 trace ids in the access log: clients do not rely on B3."_s, evidence);
        }
    }
}

void traceHeaders(DoctorEvaluation& e, const DoctorSnapshot& s, const DoctorFacts& facts)
{
    const QString id = u"logs.trace-headers"_s;
    if (facts.ambient) {
        e.add(id, Severity::Skipped, u"Skipped: ambient namespace, no istio-proxy logs."_s);
        return;
    }
    if (facts.sidecarPods.isEmpty()) {
        e.add(id, Severity::Skipped,
              u"Skipped: no pods with a sidecar in namespace %1."_s.arg(s.target.ns));
        return;
    }
    if (!s.proxyLogs.has()) {
        e.add(id, Severity::Skipped, u"Could not read istio-proxy logs: "_s + s.proxyLogs.error);
        return;
    }
    if (facts.meshOk && !facts.accessLogOn) {
        e.add(id, Severity::Skipped,
              u"Skipped: access logging is off (see “Access log carries "
              "the trace id”)."_s);
        return;
    }
    if (facts.meshOk && !formatCarriesTraceId(facts.format)) {
        e.add(id, Severity::Skipped,
              u"Skipped: the access-log format records no trace id (see “Access log carries the "
              "trace id”)."_s);
        return;
    }
    int total = 0;
    int withTrace = 0;
    int notSampled = 0;
    int samplingLogged = 0;
    ParsedLine parsed;
    for (const QList<QByteArray>& lines : *s.proxyLogs.value) {
        for (const QByteArray& line : lines) {
            AccessLogParser::parse(line, parsed);
            if (parsed.kind != LineKind::Request || parsed.isTcp())
                continue;
            ++total;
            if (parsed.trace.isValid())
                ++withTrace;
            if (parsed.has(Field::Sampled) || parsed.has(Field::Traceparent))
                ++samplingLogged;
            if (parsed.trace.sampling == TraceContext::Sampling::NotSampled)
                ++notSampled;
        }
    }
    if (total == 0) {
        e.add(id, Severity::Skipped,
              u"No access-log lines in the last %1 lines of each istio-proxy: send some traffic "
              "and check again."_s.arg(s.logTail));
        return;
    }
    const int without = total - withTrace;
    const QString evidence =
        u"%1 request line(s) from %2 pod(s): %3 with a trace id, %4 with traceID=-\n%5"_s.arg(total)
            .arg(s.proxyLogs.value->size())
            .arg(withTrace)
            .arg(without)
            .arg(samplingLogged > 0
                     ? u"%1 line(s) record the sampling flag, %2 say not sampled (x-b3-sampled: "
                       "0)"_s.arg(samplingLogged)
                           .arg(notSampled)
                     : u"the format does not record x-b3-sampled, so a client's `0` cannot be "
                       "seen"_s);
    if (without * 2 > total) {
        e.add(id, Severity::Warn,
              u"%1 % of requests carry no trace headers (traceID=-): the client sends none, so "
              "each hop starts its own trace. Send (and forward) B3 or traceparent headers."_s.arg(
                  without * 100 / total),
              evidence)
            .fixYaml = u"# Headers an application must forward from its inbound request:\n"
                       "x-request-id, traceparent, tracestate, x-b3-traceid, x-b3-spanid,\n"
                       "x-b3-parentspanid, x-b3-sampled, x-b3-flags, b3\n"_s;
    } else if (notSampled > 0) {
        e.add(id, Severity::Warn,
              u"%1 request(s) carry x-b3-sampled: 0, which stops the sidecars from tracing them."_s
                  .arg(notSampled),
              evidence)
            .fixYaml = u"# Let the client send x-b3-sampled: 1, or no sampling header at all.\n"_s;
    } else {
        e.add(id, Severity::Pass,
              u"%1 of %2 requests carry a trace id."_s.arg(withTrace).arg(total), evidence);
    }
}

}  // namespace

void accessLogChecks(DoctorEvaluation& e)
{
    const DoctorFacts& facts = e.facts();
    if (!facts.meshOk) {
        const QString why = u"Skipped: the mesh config could not be read: "_s + facts.meshError;
        for (const QString& id : {u"mesh.access-log"_s, u"mesh.propagation"_s})
            e.add(id, Severity::Skipped, why);
    } else {
        meshAccessLog(e, facts);
        propagation(e, e.snapshot(), facts);
    }
    traceHeaders(e, e.snapshot(), facts);
}

}  // namespace obslab::DoctorChecks
