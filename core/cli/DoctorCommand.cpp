#include "core/cli/DoctorCommand.h"

#include "core/cli/CommonOptions.h"
#include "core/cli/OptionParser.h"
#include "core/cli/TerminalText.h"
#include "core/common/AppSettings.h"
#include "core/doctor/Doctor.h"
#include "core/doctor/DoctorChecks.h"
#include "core/process/CommandRunner.h"
#include "core/tracing/JaegerClient.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace obslab::cli {

namespace {

const QString kUsage =
    u"Usage: obslab doctor [--context NAME] [--namespace NS] [--output text|json]\n"
    "                     [--jaeger URL] [--kubectl PATH] [--kubeconfig FILE] [--istioctl PATH]\n"
    "\n"
    "Finds out why no trace shows up: reads the cluster (kubectl, read-only), Istio's mesh\n"
    "config and Telemetry resources, the workloads' sidecars and recent istio-proxy log\n"
    "lines, istioctl analyze (when istioctl is installed) and Jaeger's query API, and prints\n"
    "every check with its evidence and, for problems, the exact fix. Changes nothing.\n"
    "\n"
    "  --context NAME    kube context (default: kubectl's current context)\n"
    "  --namespace NS    namespace of the workloads (default: default); also -n\n"
    "  --output FORMAT   text (default) or json\n"
    "  --jaeger URL      Jaeger query URL, e.g. http://localhost:16686 after\n"
    "                    `kubectl port-forward -n istio-system svc/tracing 16686:80`\n"
    "                    (default: the app's Jaeger setting; without one the Jaeger API\n"
    "                    checks are skipped)\n"
    "\n"
    "Exit status: 0 no check failed (warnings allowed), 1 a check failed, 2 usage,\n"
    "3 inconclusive: the cluster stopped answering during the checks (check again).\n"_s;

struct Options
{
    CommonOptions::Cluster cluster;
    QString output = u"text"_s;
    QUrl jaeger;
};

QString parseOptions(const QStringList& args, Options& o)
{
    OptionParser parser({CommonOptions::context(), CommonOptions::ns(), CommonOptions::output(),
                         CommonOptions::kubectl(), CommonOptions::kubeconfig(),
                         CommonOptions::istioctl(),
                         QCommandLineOption(u"jaeger"_s, u"Jaeger query URL"_s, u"URL"_s)});
    if (!parser.parse(args)) {
        const OptionParser::Problem& problem = parser.problem();
        if (problem.kind == OptionParser::Problem::Kind::MissingValue)
            return u"doctor: %1 needs a value"_s.arg(problem.option);
        return u"doctor: unknown option '%1'"_s.arg(problem.argument);
    }
    if (!parser.positionalArguments().isEmpty())
        return u"doctor: unknown option '%1'"_s.arg(parser.positionalArguments().constFirst());
    const QString empty =
        parser.givenEmpty({u"context"_s, u"namespace"_s, u"output"_s, u"kubectl"_s, u"kubeconfig"_s,
                           u"istioctl"_s, u"jaeger"_s});
    if (!empty.isEmpty())
        return u"doctor: %1 needs a value"_s.arg(empty);
    o.cluster = CommonOptions::cluster(parser);
    if (parser.isSet(u"jaeger"_s)) {
        o.jaeger = QUrl::fromUserInput(parser.value(u"jaeger"_s));
        if (!o.jaeger.isValid() || o.jaeger.scheme().isEmpty())
            return u"doctor: --jaeger needs a URL such as http://localhost:16686"_s;
    }
    const std::optional<QString> output =
        parser.choice(u"output"_s, {u"text"_s, u"json"_s}, u"text"_s);
    if (!output)
        return u"doctor: --output must be text or json"_s;
    o.output = *output;
    return {};
}

QString mark(DoctorFinding::Severity severity)
{
    switch (severity) {
    case DoctorFinding::Severity::Pass:
        return u"[pass]"_s;
    case DoctorFinding::Severity::Warn:
        return u"[warn]"_s;
    case DoctorFinding::Severity::Fail:
        return u"[FAIL]"_s;
    case DoctorFinding::Severity::Skipped:
        break;
    }
    return u"[skip]"_s;
}

QString indented(const QString& text, const QString& prefix)
{
    QStringList lines = text.split(u'\n');
    for (QString& line : lines)
        line.prepend(prefix);
    return lines.join(u'\n');
}

QString textReport(const QList<DoctorFinding>& findings, const Doctor& doctor)
{
    const DoctorSnapshot& s = doctor.snapshot();
    QStringList out;
    out << u"ObsLab doctor: context %1, namespace %2 (%3 ms)"_s.arg(
        s.context.isEmpty() ? u"(kubectl's current)"_s : s.context, s.target.ns,
        QString::number(doctor.lastDurationMs()));
    QString group;
    int counts[4] = {0, 0, 0, 0};
    for (const DoctorFinding& f : findings) {
        ++counts[int(f.severity)];
        if (f.group != group) {
            group = f.group;
            out << QString() << group;
        }
        out << u"  %1 %2: %3"_s.arg(mark(f.severity), f.title, f.summary);
        if (!f.isProblem()) {
            if (!f.note.isEmpty()) {
                out << u"         note: "_s + f.note;
                if (!f.fixYaml.isEmpty())
                    out << indented(f.fixYaml, u"           "_s);
            }
            continue;
        }
        if (!f.evidence.isEmpty())
            out << indented(f.evidence, u"         | "_s);
        if (!f.fixCommand.isEmpty())
            out << u"         fix:"_s << indented(f.fixCommand, u"           "_s);
        if (!f.fixYaml.isEmpty())
            out << u"         yaml:"_s << indented(f.fixYaml, u"           "_s);
        if (!f.docsUrl.isEmpty())
            out << u"         docs: "_s + f.docsUrl;
    }
    out << QString()
        << u"%1 passed, %2 warning(s), %3 failed, %4 skipped."_s.arg(counts[0])
               .arg(counts[1])
               .arg(counts[2])
               .arg(counts[3]);
    const DoctorOutcome outcome = doctor.outcome();
    if (outcome.verdict == DoctorOutcome::Verdict::Inconclusive)
        out << outcome.reason;
    return out.join(u'\n') + u'\n';
}

QByteArray jsonReport(const QList<DoctorFinding>& findings, const Doctor& doctor)
{
    const DoctorSnapshot& s = doctor.snapshot();
    QJsonArray checks;
    for (const DoctorFinding& f : findings)
        checks.append(DoctorFindings::toJson(f));
    const DoctorOutcome outcome = doctor.outcome();
    QJsonObject root{
        {u"context"_s, s.context},
        {u"namespace"_s, s.target.ns},
        {u"duration_ms"_s, doctor.lastDurationMs()},
        {u"result"_s, outcome.verdict == DoctorOutcome::Verdict::Inconclusive
                          ? DoctorOutcome::verdictName(outcome.verdict)
                          : DoctorFindings::severityName(DoctorFindings::worst(findings))},
        {u"checks"_s, checks}};
    if (!outcome.reason.isEmpty())
        root.insert(u"reason"_s, outcome.reason);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

int run(const Options& o, const CliContext& ctx)
{
    CommandRunner runner;
    Doctor doctor(&runner);
    DoctorOptions options;
    options.target = o.cluster.target;
    options.istioctl = o.cluster.istioctl;
    options.jaegerUrl = o.jaeger;
    {
        const AppSettings settings;
        if (options.jaegerUrl.isEmpty())
            options.jaegerUrl = settings.jaegerUrl();
        JaegerClient::setDefaultMaxResponseBytes(qint64(settings.jaegerMaxResponseMiB()) << 20);
    }
    QEventLoop loop;
    QObject::connect(&doctor, &Doctor::finished, &loop, &QEventLoop::quit);
    doctor.run(options);
    loop.exec();
    const QList<DoctorFinding>& findings = doctor.findings();
    if (o.output == u"json")
        ctx.write(jsonReport(findings, doctor));
    else
        ctx.print(terminalText(textReport(findings, doctor)));  // evidence is cluster data
    switch (doctor.outcome().verdict) {
    case DoctorOutcome::Verdict::Passed:
        return ExitOk;
    case DoctorOutcome::Verdict::Failed:
        return ExitFailure;
    case DoctorOutcome::Verdict::Inconclusive:
        break;
    }
    return ExitIncomplete;
}

}  // namespace

Subcommand doctorSubcommand()
{
    Subcommand sub;
    sub.name = u"doctor"_s;
    sub.summary = u"Find out why no trace shows up (read-only checks, with fixes)"_s;
    sub.usage = kUsage;
    sub.run = [](const QStringList& args, const CliContext& ctx) {
        if (args.contains(u"--help") || args.contains(u"-h")) {
            ctx.print(kUsage);
            return int(ExitOk);
        }
        Options o;
        const QString error = parseOptions(args, o);
        if (!error.isEmpty()) {
            ctx.printError(error + u"\n\n"_s + kUsage);
            return int(ExitUsage);
        }
        return run(o, ctx);
    };
    return sub;
}

}  // namespace obslab::cli
