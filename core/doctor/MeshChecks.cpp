#include "core/doctor/CheckGroups.h"

#include "core/doctor/DoctorEvaluation.h"
#include "core/doctor/DoctorFixes.h"
#include "core/doctor/MeshConfig.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace obslab::DoctorChecks {

using Severity = DoctorFinding::Severity;

namespace {

QString fmtPercent(double v)
{
    return QString::number(v, 'g', 4) + u" %"_s;
}

struct ServiceRef
{
    QString name;
    QString ns;
    int port = 0;
};

// `zipkin.istio-system.svc.cluster.local`, `zipkin.istio-system:9411`, `http://x.y` → name, ns.
ServiceRef serviceRef(QString host, int port, const QString& fromNs)
{
    if (host.contains(u"://"_s))
        host = host.section(u"://"_s, 1);
    for (const QString& suffix : {u".svc.cluster.local"_s, u".svc"_s})
        if (host.endsWith(suffix))
            host.chop(suffix.size());
    ServiceRef ref;
    ref.name = host.section(u'.', 0, 0);
    ref.ns = host.contains(u'.') ? host.section(u'.', 1, 1) : fromNs;
    ref.port = port;
    return ref;
}

}  // namespace

void meshChecks(DoctorEvaluation& e)
{
    const DoctorSnapshot& s = e.snapshot();
    const DoctorFacts& facts = e.facts();
    if (!facts.meshOk) {
        const QString why = u"Skipped: the mesh config could not be read: "_s + facts.meshError;
        for (const QString& id : {u"mesh.tracing-enabled"_s, u"mesh.telemetry"_s, u"mesh.tracer"_s,
                                  u"mesh.provider-service"_s, u"mesh.sampling"_s})
            e.add(id, Severity::Skipped, why);
        return;
    }
    // enableTracing
    const QJsonValue enable = facts.mesh.value(u"enableTracing"_s);
    if (enable.isBool() && !enable.toBool()) {
        DoctorFinding& f = e.add(u"mesh.tracing-enabled"_s, Severity::Fail,
                                 u"meshConfig.enableTracing is false: sidecars send no spans."_s,
                                 u"configmap/istio (istio-system), mesh:\nenableTracing: false"_s);
        e.setMeshFix(f, MeshConfig::with(facts.mesh, u"enableTracing"_s, true),
                     u"spec:\n  meshConfig:\n    enableTracing: true\n"_s);
    } else {
        e.add(u"mesh.tracing-enabled"_s, Severity::Pass,
              enable.isBool() ? u"meshConfig.enableTracing is true."_s
                              : u"meshConfig.enableTracing is not set (true by default)."_s);
    }

    // Telemetry resources
    const QJsonArray providers = facts.mesh.value(u"extensionProviders"_s).toArray();
    QStringList providerNames;
    for (const QJsonValue& p : providers)
        providerNames << p.toObject().value(u"name"_s).toString();
    const QStringList defaults = [&] {
        QStringList l;
        for (const QJsonValue& v :
             facts.mesh.value(u"defaultProviders"_s).toObject().value(u"tracing"_s).toArray())
            l << v.toString();
        return l;
    }();
    if (!s.telemetries.has()) {
        e.add(u"mesh.telemetry"_s, Severity::Skipped,
              u"Could not list Telemetry resources: "_s + s.telemetries.error);
    } else {
        QStringList lines;
        QStringList missing;
        QString badTelemetry;
        bool noProvider = false;
        for (const KubeObject& t : *s.telemetries.value) {
            const QJsonArray tracing =
                t.raw.value(u"spec"_s).toObject().value(u"tracing"_s).toArray();
            if (tracing.isEmpty())
                continue;
            const QJsonObject entry = tracing.first().toObject();
            QStringList names;
            for (const QJsonValue& p : entry.value(u"providers"_s).toArray())
                names << p.toObject().value(u"name"_s).toString();
            const QJsonValue pct = entry.value(u"randomSamplingPercentage"_s);
            lines << u"Telemetry %1/%2: providers [%3], randomSamplingPercentage %4"_s.arg(
                t.ns, t.name, names.join(u", "_s),
                pct.isDouble() ? fmtPercent(pct.toDouble()) : u"not set"_s);
            for (const QString& n : names) {
                if (!providerNames.contains(n)) {
                    missing << n;
                    badTelemetry = t.ns + u'/' + t.name;
                }
            }
            if (names.isEmpty() && defaults.isEmpty()) {
                noProvider = true;
                badTelemetry = t.ns + u'/' + t.name;
            }
        }
        lines << u"meshConfig.extensionProviders: [%1]"_s.arg(providerNames.join(u", "_s));
        if (!defaults.isEmpty())
            lines << u"meshConfig.defaultProviders.tracing: [%1]"_s.arg(defaults.join(u", "_s));
        if (!missing.isEmpty()) {
            missing.removeDuplicates();
            DoctorFinding& f = e.add(
                u"mesh.telemetry"_s, Severity::Fail,
                u"Telemetry %1 names provider(s) %2 that meshConfig.extensionProviders does not "
                "have: no spans."_s.arg(badTelemetry, missing.join(u", "_s)),
                lines.join(u'\n'));
            QJsonObject fixed = facts.mesh;
            for (const QString& m : missing)
                fixed = e.meshWithZipkinProvider(fixed, m);
            e.setMeshFix(f, fixed,
                         u"spec:\n  meshConfig:\n    extensionProviders:\n    - name: %1\n      "
                         "zipkin:\n        service: %2\n        port: 9411\n"_s.arg(
                             missing.first(), e.collectorService(9411)));
        } else if (noProvider) {
            e.add(u"mesh.telemetry"_s, Severity::Fail,
                  u"Telemetry %1 traces without naming a provider and there is no "
                  "meshConfig.defaultProviders.tracing: no spans (istio/istio#38920)."_s.arg(
                      badTelemetry),
                  lines.join(u'\n'))
                .fixYaml = u"spec:\n  tracing:\n  - providers:\n    - name: jaeger-zipkin\n"_s;
        } else if (lines.size() == 1 + (defaults.isEmpty() ? 0 : 1)) {
            e.add(u"mesh.telemetry"_s, Severity::Pass,
                  u"No Telemetry resource configures tracing (the mesh config decides)."_s,
                  lines.join(u'\n'));
        } else {
            e.add(u"mesh.telemetry"_s, Severity::Pass,
                  u"Every Telemetry names an existing provider."_s, lines.join(u'\n'));
        }
    }

    // The tracer
    const QString tracerEvidence =
        u"Istio %1\nmeshConfig.defaultConfig.tracing: %2\nmeshConfig.extensionProviders: [%3]\n"
        "meshConfig.defaultProviders.tracing: [%4]"_s.arg(
            facts.istioVersion.isEmpty() ? u"?"_s : facts.istioVersion,
            QString::fromUtf8(
                QJsonDocument(MeshConfig::at(facts.mesh, u"defaultConfig.tracing"_s).toObject())
                    .toJson(QJsonDocument::Compact)),
            providerNames.join(u", "_s), defaults.join(u", "_s));
    if (facts.tracer.exists()) {
        DoctorFinding& f = e.add(u"mesh.tracer"_s, Severity::Pass,
                                 u"Spans go to %1:%2 (%3, from %4)."_s.arg(facts.tracer.service)
                                     .arg(facts.tracer.port)
                                     .arg(facts.tracer.kind, facts.tracer.source),
                                 tracerEvidence);
        if (facts.istioMinor >= 22 && facts.tracer.provider.isEmpty() &&
            facts.tracer.source.startsWith(u"meshConfig.defaultConfig.tracing.zipkin")) {
            // Works, but is the deprecated way: say the modern one as information, not a failure.
            const QString provider = u"jaeger-zipkin"_s;
            f.note = u"defaultConfig.tracing.zipkin is deprecated: Istio 1.22 removed the implicit "
                     "default tracer, and the supported way is an extensionProvider named by a "
                     "Telemetry resource (what ObsLab's lab applies). Nothing is broken; the YAML "
                     "below is the modern equivalent."_s;
            f.fixYaml =
                u"# The modern equivalent (IstioOperator, then a mesh-wide Telemetry):\n"
                "spec:\n  meshConfig:\n    extensionProviders:\n    - name: %1\n      zipkin:\n"
                "        service: %2\n        port: %3\n---\n"_s.arg(provider, facts.tracer.service)
                    .arg(facts.tracer.port) +
                QString::fromUtf8(DoctorFixes::telemetryManifest(
                    u"mesh-default"_s, kIstioRoot, provider,
                    MeshConfig::at(facts.mesh, u"defaultConfig.tracing.sampling"_s).toDouble(100)));
        }
    } else if (facts.tracer.telemetryProblem && e.failed(u"mesh.telemetry"_s)) {
        e.add(u"mesh.tracer"_s, Severity::Skipped,
              u"No tracer because of a Telemetry resource (see “Telemetry resources name a "
              "provider”)."_s,
              tracerEvidence);
    } else {
        QString summary = u"No tracer: "_s + facts.tracer.reason;
        if (facts.istioMinor >= 22 && !facts.tracer.telemetryProblem)
            summary = u"No tracer: since Istio 1.22 sidecars send spans nowhere by default; "
                      "there is neither a defaultConfig.tracing.zipkin.address nor an "
                      "extensionProvider named by a Telemetry."_s;
        DoctorFinding& f = e.add(u"mesh.tracer"_s, Severity::Fail, summary, tracerEvidence);
        const QString provider = u"jaeger-zipkin"_s;
        QJsonObject fixed = e.meshWithZipkinProvider(facts.mesh, provider);
        e.setMeshFix(
            f, fixed,
            u"spec:\n  meshConfig:\n    extensionProviders:\n    - name: %1\n      zipkin:\n"
            "        service: %2\n        port: 9411\n"_s.arg(provider, e.collectorService(9411)));
        const QByteArray telemetry =
            DoctorFixes::telemetryManifest(u"mesh-default"_s, kIstioRoot, provider, 100);
        f.fixSteps << DoctorFixes::applyManifest(s.target, kIstioRoot, telemetry,
                                                 u"Apply a mesh-wide Telemetry for tracing"_s);
        f.fixCommand = DoctorFixes::describe(f.fixSteps);
        f.fixYaml += u"---\n"_s + QString::fromUtf8(telemetry);
    }

    // The provider's service:port
    if (!facts.tracer.exists()) {
        e.add(u"mesh.provider-service"_s, Severity::Skipped, u"Skipped: there is no tracer."_s);
    } else if (!s.services.has()) {
        e.add(u"mesh.provider-service"_s, Severity::Skipped,
              u"Could not list Services: "_s + s.services.error);
    } else {
        const ServiceRef ref = serviceRef(facts.tracer.service, facts.tracer.port, s.target.ns);
        std::optional<KubeObject> svc;
        for (const KubeObject& o : *s.services.value)
            if (o.name == ref.name && o.ns == ref.ns)
                svc = o;
        QStringList ports;
        bool portFound = false;
        if (svc) {
            for (const QJsonValue& p :
                 svc->raw.value(u"spec"_s).toObject().value(u"ports"_s).toArray()) {
                const int port = p.toObject().value(u"port"_s).toInt();
                ports << QString::number(port);
                portFound = portFound || port == ref.port;
            }
        }
        const QString evidence = u"tracer: %1 %2:%3 (%4)\nService %5/%6: %7"_s.arg(
            facts.tracer.kind, facts.tracer.service, QString::number(facts.tracer.port),
            facts.tracer.source, ref.ns, ref.name,
            svc ? u"exists, ports "_s + ports.join(u", "_s) : u"not found"_s);
        if (svc && portFound) {
            e.add(u"mesh.provider-service"_s, Severity::Pass,
                  u"Service %1/%2 has port %3."_s.arg(ref.ns, ref.name).arg(ref.port), evidence);
        } else if (!svc && ref.ns == kIstioRoot && kAddonServices.contains(ref.name) &&
                   !facts.jaegerDeployment) {
            e.add(
                u"mesh.provider-service"_s, Severity::Skipped,
                u"Service %1/%2 is missing because the Jaeger add-on is not deployed (see “Jaeger "
                "add-on is deployed and ready”)."_s.arg(ref.ns, ref.name),
                evidence);
        } else {
            const int want = facts.tracer.kind == u"opentelemetry" ? 4317 : 9411;
            DoctorFinding& f = e.add(
                u"mesh.provider-service"_s, Severity::Fail,
                svc ? u"Service %1/%2 has no port %3: spans are dropped."_s.arg(ref.ns, ref.name)
                          .arg(ref.port)
                    : u"The tracer points at %1:%2, but Service %3/%4 does not exist: spans are "
                      "dropped."_s.arg(facts.tracer.service)
                          .arg(facts.tracer.port)
                          .arg(ref.ns, ref.name),
                evidence);
            if (!facts.tracer.provider.isEmpty()) {
                QJsonArray list = facts.mesh.value(u"extensionProviders"_s).toArray();
                for (qsizetype i = 0; i < list.size(); ++i) {
                    QJsonObject p = list.at(i).toObject();
                    if (p.value(u"name"_s).toString() != facts.tracer.provider)
                        continue;
                    QJsonObject cfg = p.value(facts.tracer.kind).toObject();
                    cfg.insert(u"service"_s, e.collectorService(want));
                    cfg.insert(u"port"_s, want);
                    p.insert(facts.tracer.kind, cfg);
                    list.replace(i, p);
                }
                QJsonObject fixed = facts.mesh;
                fixed.insert(u"extensionProviders"_s, list);
                e.setMeshFix(
                    f, fixed,
                    u"spec:\n  meshConfig:\n    extensionProviders:\n    - name: %1\n      "
                    "%2:\n        service: %3\n        port: %4\n"_s.arg(
                        facts.tracer.provider, facts.tracer.kind, e.collectorService(want),
                        QString::number(want)));
            } else {
                const QString address = e.collectorService(9411) + u":9411"_s;
                e.setMeshFix(f,
                             MeshConfig::with(facts.mesh, u"defaultConfig.tracing.zipkin.address"_s,
                                              address),
                             u"spec:\n  meshConfig:\n    defaultConfig:\n      tracing:\n        "
                             "zipkin:\n          address: %1\n"_s.arg(address),
                             e.deploymentsOf(facts.sidecarPods));
            }
        }
    }

    // Sampling
    if (!facts.tracer.exists()) {
        e.add(u"mesh.sampling"_s, Severity::Skipped, u"Skipped: there is no tracer."_s);
    } else {
        const QString evidence =
            u"%1 (from %2)"_s.arg(fmtPercent(facts.tracer.sampling), facts.tracer.samplingSource);
        if (facts.tracer.sampling <= 1.0 || facts.tracer.samplingDefault) {
            DoctorFinding& f = e.add(
                u"mesh.sampling"_s, Severity::Warn,
                u"Sampling is %1: only about %2 request(s) in 100 is traced, so most trace ids in "
                "the logs are not in Jaeger."_s.arg(fmtPercent(facts.tracer.sampling),
                                                    QString::number(facts.tracer.sampling, 'g', 3)),
                evidence);
            if (!facts.tracer.telemetryName.isEmpty() && s.telemetries.has()) {
                for (const KubeObject& t : *s.telemetries.value) {
                    if (t.ns != facts.tracer.telemetryNs || t.name != facts.tracer.telemetryName)
                        continue;
                    QJsonObject spec = t.raw.value(u"spec"_s).toObject();
                    QJsonArray tracing = spec.value(u"tracing"_s).toArray();
                    QJsonObject entry = tracing.first().toObject();
                    entry.insert(u"randomSamplingPercentage"_s, 100);
                    tracing.replace(0, entry);
                    spec.insert(u"tracing"_s, tracing);
                    const QJsonObject manifest{
                        {u"apiVersion"_s, t.apiVersion},
                        {u"kind"_s, u"Telemetry"_s},
                        {u"metadata"_s, QJsonObject{{u"name"_s, t.name}, {u"namespace"_s, t.ns}}},
                        {u"spec"_s, spec}};
                    const QByteArray yaml = MeshConfig::toYaml(manifest);
                    f.fixSteps = {DoctorFixes::applyManifest(s.target, t.ns, yaml,
                                                             u"Sample every request"_s)};
                    f.fixCommand = DoctorFixes::describe(f.fixSteps);
                    f.fixYaml = QString::fromUtf8(yaml);
                }
            } else {
                e.setMeshFix(f,
                             MeshConfig::with(facts.mesh, u"defaultConfig.tracing.sampling"_s, 100),
                             u"spec:\n  meshConfig:\n    defaultConfig:\n      tracing:\n        "
                             "sampling: 100\n"_s,
                             e.deploymentsOf(facts.sidecarPods));
                f.evidence += u"\ndefaultConfig is read when a sidecar starts: the fix restarts "
                              "the workloads."_s;
            }
        } else {
            e.add(u"mesh.sampling"_s, Severity::Pass,
                  u"Sampling is %1."_s.arg(fmtPercent(facts.tracer.sampling)), evidence);
        }
    }
}

}  // namespace obslab::DoctorChecks
