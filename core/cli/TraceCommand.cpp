#include "core/cli/TraceCommand.h"

#include "core/cli/OptionParser.h"
#include "core/common/AppSettings.h"
#include "core/tracing/JaegerClient.h"
#include "core/tracing/JaegerJson.h"
#include "core/tracing/TraceLayout.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace obslab::cli {

namespace {

const QString kUsage =
    u"Usage: obslab trace ID [--jaeger URL] [--output text|json] [--timeout SECONDS]\n"
    "       obslab trace --file FILE [--output text|json]\n\n"
    "Prints a trace as an indented timeline: start offset, duration, service, operation, span\n"
    "kind and HTTP status; '!' marks errors, '*' spans on the critical path.\n\n"
    "  ID               trace id (16 or 32 hex digits, as in the access log or Jaeger)\n"
    "  --jaeger URL     Jaeger query URL (default: the app's setting, else\n"
    "                   http://localhost:16686; Istio's /jaeger base path is found by itself)\n"
    "  --file FILE      a saved trace: Jaeger's JSON (\"Download JSON\", /api/traces/ID) or OTLP "
    "JSON\n"
    "  --output FORMAT  text (default) or json\n"
    "  --timeout S      seconds to wait for Jaeger (default 10)\n\n"
    "Exit codes: 0 printed, 1 not found or Jaeger unreachable, 2 usage error.\n"_s;

struct Options
{
    QString id;
    QString file;
    QUrl jaeger;
    bool json = false;
    int timeoutSeconds = 10;
};

QString parseOptions(const QStringList& args, Options& o)
{
    OptionParser parser({QCommandLineOption(u"jaeger"_s, u"Jaeger query URL"_s, u"URL"_s),
                         QCommandLineOption(u"file"_s, u"a saved trace"_s, u"FILE"_s),
                         QCommandLineOption(u"output"_s, u"text or json"_s, u"FORMAT"_s),
                         QCommandLineOption(u"timeout"_s, u"seconds to wait"_s, u"S"_s)});
    if (!parser.parse(args)) {
        const OptionParser::Problem& problem = parser.problem();
        if (problem.kind != OptionParser::Problem::Kind::MissingValue)
            return u"unknown option '%1'"_s.arg(problem.argument);
        if (problem.option == u"--jaeger")
            return u"--jaeger needs a URL"_s;
        if (problem.option == u"--file")
            return u"--file needs a path"_s;
        if (problem.option == u"--output")
            return u"--output needs text or json"_s;
        return u"--timeout needs a positive number of seconds"_s;
    }
    if (parser.isSet(u"jaeger"_s)) {
        const QString url = parser.value(u"jaeger"_s);
        o.jaeger = QUrl::fromUserInput(url);
        if (!o.jaeger.isValid() || o.jaeger.scheme().isEmpty())
            return u"'%1' is not a URL"_s.arg(url);
    }
    o.file = parser.value(u"file"_s);
    const std::optional<QString> output =
        parser.choice(u"output"_s, {u"text"_s, u"json"_s}, u"text"_s);
    if (!output)
        return u"unknown output format '%1' (text or json)"_s.arg(parser.value(u"output"_s));
    o.json = *output == u"json";
    if (!parser.positiveNumber(u"timeout"_s, &o.timeoutSeconds))
        return u"--timeout needs a positive number of seconds"_s;
    if (!parser.oneWord(&o.id))
        return u"only one trace id, please"_s;
    if (o.id.isEmpty() && o.file.isEmpty())
        return u"give a trace id or --file FILE"_s;
    if (!o.id.isEmpty() && !o.file.isEmpty())
        return u"give a trace id or --file FILE, not both"_s;
    return {};
}

QString rowMarkers(const TraceLayout::Row& row)
{
    return QString(row.error ? u'!' : u' ') + (row.onCriticalPath ? u'*' : u' ');
}

// Reads up to limit bytes in steps, so the limit is a bound and not an allocation.
QByteArray readAtMost(QIODevice& device, qint64 limit)
{
    QByteArray out;
    constexpr qint64 kStep = qint64(1) << 20;
    while (out.size() < limit) {
        const QByteArray part = device.read(std::min(kStep, limit - out.size()));
        if (part.isEmpty())
            break;
        out += part;
    }
    return out;
}

// Past this depth rows stop moving right and say their depth instead: a chain of 100,000 spans
// would otherwise print 10^10 spaces.
constexpr int kMaxIndentDepth = 24;

QString indentFor(int depth)
{
    if (depth <= kMaxIndentDepth)
        return QString(depth * 2, u' ');
    return QString(kMaxIndentDepth * 2, u' ') + u"[depth %1] "_s.arg(depth);
}

// Written line by line, so a trace of any size costs one line of memory here.
void printTextTimeline(const TraceLayout& layout, const CliContext& ctx)
{
    const Trace& trace = layout.trace();
    ctx.print(u"Trace %1  %2 spans  %3 services  %4  %5 errors\n"_s.arg(
        trace.traceId, QString::number(trace.spans.size()),
        QString::number(layout.services().size()), TraceLayout::formatDuration(layout.durationUs()),
        QString::number(trace.errorCount())));
    for (int r = 0; r < layout.rows().size(); ++r) {
        const TraceLayout::Row& row = layout.rows()[r];
        const Span& span = layout.spanAt(r);
        QString line = rowMarkers(row) + u" +"_s +
                       TraceLayout::formatDuration(row.offsetUs).leftJustified(9) + u' ' +
                       TraceLayout::formatDuration(row.durationUs).rightJustified(9) + u"  "_s +
                       indentFor(row.depth) + span.serviceName + u"  "_s + span.operationName;
        if (span.kind != SpanKind::Unspecified)
            line += u" ["_s + Span::kindName(span.kind) + u']';
        if (const int status = span.httpStatus())
            line += u' ' + QString::number(status);
        if (const QString flags = span.responseFlags(); !flags.isEmpty())
            line += u" flags="_s + flags;
        if (row.followsFrom)
            line += u" (follows from parent)"_s;
        ctx.print(line + u'\n');
    }
    for (const QString& w : trace.warnings)
        ctx.print(u"warning: "_s + w + u'\n');
}

QJsonObject jsonTimeline(const TraceLayout& layout)
{
    QJsonArray spans;
    for (int r = 0; r < layout.rows().size(); ++r) {
        const TraceLayout::Row& row = layout.rows()[r];
        const Span& span = layout.spanAt(r);
        QJsonObject o{{u"spanId"_s, span.spanId},
                      {u"parentSpanId"_s,
                       row.parentRow >= 0 ? layout.spanAt(row.parentRow).spanId : QString()},
                      {u"depth"_s, row.depth},
                      {u"service"_s, span.serviceName},
                      {u"operation"_s, span.operationName},
                      {u"kind"_s, Span::kindName(span.kind)},
                      {u"offsetUs"_s, row.offsetUs},
                      {u"durationUs"_s, row.durationUs},
                      {u"error"_s, row.error},
                      {u"criticalPath"_s, row.onCriticalPath}};
        if (const int status = span.httpStatus())
            o.insert(u"httpStatus"_s, status);
        if (const QString flags = span.responseFlags(); !flags.isEmpty())
            o.insert(u"responseFlags"_s, flags);
        if (const QString id = span.requestId(); !id.isEmpty())
            o.insert(u"requestId"_s, id);
        spans.append(o);
    }
    return {{u"traceId"_s, layout.trace().traceId},
            {u"durationUs"_s, layout.durationUs()},
            {u"services"_s, QJsonArray::fromStringList(layout.services())},
            {u"spans"_s, spans}};
}

int print(const QList<Trace>& traces, bool json, const CliContext& ctx)
{
    QJsonArray all;
    bool first = true;
    for (const Trace& t : traces) {
        const TraceLayout layout(t);
        if (json) {
            all.append(jsonTimeline(layout));
        } else {
            if (!first)
                ctx.print(u"\n"_s);
            printTextTimeline(layout, ctx);
            first = false;
        }
    }
    if (json) {
        const QJsonDocument doc =
            all.size() == 1 ? QJsonDocument(all.first().toObject()) : QJsonDocument(all);
        ctx.write(doc.toJson(QJsonDocument::Indented));
    }
    return ExitOk;
}

int printError(const CliContext& ctx, const Error& error)
{
    ctx.printError(u"obslab trace: "_s + error.message + u'\n');
    if (!error.hint.isEmpty())
        ctx.printError(error.hint + u'\n');
    return ExitFailure;
}

int run(const QStringList& args, const CliContext& ctx)
{
    Options o;
    if (const QString problem = parseOptions(args, o); !problem.isEmpty()) {
        ctx.printError(u"obslab trace: %1.\n\n"_s.arg(problem) + kUsage);
        return ExitUsage;
    }
    const AppSettings settings;
    JaegerClient::setDefaultMaxResponseBytes(qint64(settings.jaegerMaxResponseMiB()) << 20);
    if (!o.file.isEmpty()) {
        QFile f(o.file);
        if (!f.open(QIODevice::ReadOnly))
            return printError(ctx, {u"cannot read %1: %2"_s.arg(o.file, f.errorString()), {}});
        // The same limit as an answer from Jaeger: JSON is parsed whole.
        const qint64 limit = JaegerClient::defaultMaxResponseBytes();
        const QByteArray text = readAtMost(f, limit + 1);
        if (text.size() > limit) {
            return printError(
                ctx,
                {u"%1 is larger than %2 MiB, the most ObsLab reads of a trace."_s.arg(o.file).arg(
                     double(limit) / double(1 << 20)),
                 u"Raise \"Largest Jaeger answer\" in Settings (jaeger/maxResponseMiB in "
                 u"ObsLab's settings file) if the trace is really that big."_s});
        }
        const auto traces = jaegerjson::parseTraceDocument(text);
        if (!traces)
            return printError(ctx, traces.error());
        if (traces->isEmpty() || traces->first().isEmpty())
            return printError(ctx, {u"%1 holds no spans."_s.arg(o.file), {}});
        return print(*traces, o.json, ctx);
    }
    const JaegerTraceId id = JaegerTraceId::fromString(o.id);
    if (!id.isValid()) {
        ctx.printError(u"obslab trace: '%1' is not a trace id (1–32 hex digits).\n"_s.arg(o.id));
        return ExitUsage;
    }
    if (o.jaeger.isEmpty())
        o.jaeger = JaegerClient::defaultBaseUrl(&settings);
    JaegerClient client;
    client.setBaseUrl(o.jaeger);
    client.setTimeout(std::chrono::seconds(o.timeoutSeconds));
    JaegerReply* reply = client.trace(id);
    QEventLoop loop;
    QObject::connect(reply, &JaegerReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    if (!reply->ok()) {
        Error error = reply->error();
        if (reply->status() == JaegerReply::Status::NotFound)
            error.message = u"trace %1 not found in Jaeger at %2."_s.arg(
                id.toUrlForm(), client.resolvedBaseUrl().toDisplayString());
        return printError(ctx, error);
    }
    return print(reply->traces(), o.json, ctx);
}

}  // namespace

Subcommand traceSubcommand()
{
    return Subcommand{u"trace"_s, u"Print a trace from Jaeger (or a saved file) as a timeline"_s,
                      kUsage, &run};
}

}  // namespace obslab::cli
