#include "core/rehearsal/Recording.h"

#include "core/logs/AccessLogParser.h"
#include "core/logs/ParsedLine.h"
#include "core/logs/TraceId.h"
#include "core/process/CommandSpec.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QStringDecoder>

using namespace Qt::Literals::StringLiterals;

namespace obslab::rehearsal {

namespace {

constexpr qint64 kMaxFileBytes = 256LL * 1024 * 1024;

const char* const kStatusNames[] = {"succeeded", "failed",    "crashed",        "timed-out",
                                    "cancelled", "not-found", "failed-to-start"};

QString statusKey(CommandStatus status)
{
    return QString::fromLatin1(kStatusNames[int(status)]);
}

CommandStatus statusFromKey(const QString& key)
{
    for (int i = 0; i < int(std::size(kStatusNames)); ++i) {
        if (key == QLatin1String(kStatusNames[i]))
            return CommandStatus(i);
    }
    return CommandStatus::Failed;
}

// Output kept as text when it is UTF-8 (the usual case: readable in a diff), else base64.
void putBytes(QJsonObject& o, const QString& key, const QByteArray& bytes)
{
    if (bytes.isEmpty())
        return;
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder(bytes);
    if (!decoder.hasError())
        o.insert(key, text);
    else
        o.insert(key + u"Base64"_s, QString::fromLatin1(bytes.toBase64()));
}

QByteArray getBytes(const QJsonObject& o, const QString& key)
{
    if (o.contains(key))
        return o.value(key).toString().toUtf8();
    return QByteArray::fromBase64(o.value(key + u"Base64"_s).toString().toLatin1());
}

QStringList toStringList(const QJsonArray& array)
{
    QStringList list;
    list.reserve(array.size());
    for (const QJsonValue& v : array)
        list << v.toString();
    return list;
}

void collectTraceIds(QByteArrayView text, QStringList& out, QSet<QString>& seen)
{
    ParsedLine parsed;
    qsizetype start = 0;
    while (start < text.size()) {
        qsizetype end = text.indexOf('\n', start);
        if (end < 0)
            end = text.size();
        const QByteArrayView line = text.sliced(start, end - start);
        start = end + 1;
        if (line.size() < 16)
            continue;
        parsed.clear();
        AccessLogParser::parse(line, parsed);
        for (int i = 0; i < parsed.highlightCount; ++i) {
            const Highlight& h = parsed.highlights[size_t(i)];
            if (h.kind != HighlightKind::TraceId)
                continue;
            const TraceId id = TraceId::fromHex(line.sliced(h.range.offset, h.range.length));
            if (id.isValid() && !seen.contains(id.toString())) {
                seen.insert(id.toString());
                out << id.toShortString();
            }
        }
    }
}

QJsonObject eventObject(const RehearsalEvent& e)
{
    QJsonObject o;
    o.insert(u"type"_s, kindName(e.kind));
    o.insert(u"t"_s, e.atMs);
    o.insert(u"step"_s, e.step);
    switch (e.kind) {
    case RehearsalEvent::Kind::Step:
        o.insert(u"id"_s, e.stepId);
        o.insert(u"title"_s, e.title);
        o.insert(u"text"_s, e.text);
        break;
    case RehearsalEvent::Kind::Command:
        o.insert(u"title"_s, e.title);
        o.insert(u"program"_s, e.program);
        o.insert(u"args"_s, QJsonArray::fromStringList(e.arguments));
        if (!e.stdinText.isEmpty())
            o.insert(u"stdin"_s, e.stdinText);
        putBytes(o, u"stdout"_s, e.stdoutData);
        putBytes(o, u"stderr"_s, e.stderrData);
        o.insert(u"exitCode"_s, e.exitCode);
        o.insert(u"status"_s, statusKey(e.status));
        o.insert(u"durationMs"_s, e.durationMs);
        if (e.background)
            o.insert(u"background"_s, true);
        if (e.forCheck)
            o.insert(u"forCheck"_s, true);
        break;
    case RehearsalEvent::Kind::Check:
        o.insert(u"id"_s, e.checkId);
        o.insert(u"title"_s, e.title);
        o.insert(u"state"_s, e.checkState);
        o.insert(u"message"_s, e.message);
        if (!e.hint.isEmpty())
            o.insert(u"hint"_s, e.hint);
        break;
    case RehearsalEvent::Kind::Logs: {
        QJsonArray lines;
        for (const RecordedLogLine& l : e.logLines) {
            QJsonObject line;
            line.insert(u"pod"_s, l.pod);
            line.insert(u"container"_s, l.container);
            line.insert(u"ts"_s, QString::fromLatin1(l.timestamp));
            putBytes(line, u"text"_s, l.text);
            lines.append(line);
        }
        o.insert(u"lines"_s, lines);
        if (e.fromSnapshot)
            o.insert(u"fromSnapshot"_s, true);
        break;
    }
    case RehearsalEvent::Kind::Trace: {
        o.insert(u"traceId"_s, e.traceId);
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(e.traceJson, &error);
        if (error.error == QJsonParseError::NoError && doc.isObject())
            o.insert(u"json"_s, doc.object());
        else
            putBytes(o, u"raw"_s, e.traceJson);
        break;
    }
    }
    return o;
}

Result<RehearsalEvent> eventFromObject(const QJsonObject& o, bool* known)
{
    RehearsalEvent e;
    const QString type = o.value(u"type"_s).toString();
    *known = true;
    if (type == u"step")
        e.kind = RehearsalEvent::Kind::Step;
    else if (type == u"command")
        e.kind = RehearsalEvent::Kind::Command;
    else if (type == u"check")
        e.kind = RehearsalEvent::Kind::Check;
    else if (type == u"logs")
        e.kind = RehearsalEvent::Kind::Logs;
    else if (type == u"trace")
        e.kind = RehearsalEvent::Kind::Trace;
    else {
        *known = false;
        return e;
    }
    e.atMs = qMax<qint64>(0, qint64(o.value(u"t"_s).toDouble()));
    e.step = o.value(u"step"_s).toInt(-1);
    switch (e.kind) {
    case RehearsalEvent::Kind::Step:
        e.stepId = o.value(u"id"_s).toString();
        e.title = o.value(u"title"_s).toString();
        e.text = o.value(u"text"_s).toString();
        break;
    case RehearsalEvent::Kind::Command:
        e.title = o.value(u"title"_s).toString();
        e.program = o.value(u"program"_s).toString();
        if (e.program.isEmpty())
            return Error{u"a command without a program"_s, {}};
        e.arguments = toStringList(o.value(u"args"_s).toArray());
        e.stdinText = o.value(u"stdin"_s).toString();
        e.stdoutData = getBytes(o, u"stdout"_s);
        e.stderrData = getBytes(o, u"stderr"_s);
        e.exitCode = o.value(u"exitCode"_s).toInt(-1);
        e.status = statusFromKey(o.value(u"status"_s).toString());
        e.durationMs = qMax<qint64>(0, qint64(o.value(u"durationMs"_s).toDouble()));
        e.background = o.value(u"background"_s).toBool();
        e.forCheck = o.value(u"forCheck"_s).toBool();
        break;
    case RehearsalEvent::Kind::Check:
        e.checkId = o.value(u"id"_s).toString();
        e.title = o.value(u"title"_s).toString();
        e.checkState = o.value(u"state"_s).toString();
        e.message = o.value(u"message"_s).toString();
        e.hint = o.value(u"hint"_s).toString();
        break;
    case RehearsalEvent::Kind::Logs:
        e.fromSnapshot = o.value(u"fromSnapshot"_s).toBool();
        for (const QJsonValue& v : o.value(u"lines"_s).toArray()) {
            const QJsonObject line = v.toObject();
            e.logLines.append(
                {line.value(u"pod"_s).toString(), line.value(u"container"_s).toString(),
                 line.value(u"ts"_s).toString().toLatin1(), getBytes(line, u"text"_s)});
        }
        break;
    case RehearsalEvent::Kind::Trace:
        e.traceId = o.value(u"traceId"_s).toString();
        if (o.value(u"json"_s).isObject())
            e.traceJson =
                QJsonDocument(o.value(u"json"_s).toObject()).toJson(QJsonDocument::Compact);
        else
            e.traceJson = getBytes(o, u"raw"_s);
        break;
    }
    return e;
}

}  // namespace

QString kindName(RehearsalEvent::Kind kind)
{
    switch (kind) {
    case RehearsalEvent::Kind::Step:
        return u"step"_s;
    case RehearsalEvent::Kind::Command:
        return u"command"_s;
    case RehearsalEvent::Kind::Check:
        return u"check"_s;
    case RehearsalEvent::Kind::Logs:
        return u"logs"_s;
    case RehearsalEvent::Kind::Trace:
        return u"trace"_s;
    }
    return {};
}

QString RehearsalEvent::shellLine() const
{
    QStringList words{shellQuote(program)};
    for (const QString& a : arguments)
        words << shellQuote(a);
    return words.join(u' ');
}

int Recording::stepCount() const
{
    int n = 0;
    for (const RehearsalEvent& e : events)
        n += e.kind == RehearsalEvent::Kind::Step ? 1 : 0;
    return n;
}

QList<RehearsalEvent> Recording::stepEvents(int step) const
{
    QList<RehearsalEvent> out;
    for (const RehearsalEvent& e : events) {
        if (e.step == step)
            out << e;
    }
    return out;
}

const RehearsalEvent* Recording::stepEvent(int step) const
{
    for (const RehearsalEvent& e : events) {
        if (e.kind == RehearsalEvent::Kind::Step && e.step == step)
            return &e;
    }
    return nullptr;
}

qint64 Recording::durationMs() const
{
    qint64 end = 0;
    for (const RehearsalEvent& e : events)
        end = qMax(end, e.atMs + e.durationMs);
    return end;
}

QStringList Recording::traceIdsSeen() const
{
    QStringList out;
    QSet<QString> seen;
    for (const RehearsalEvent& e : events) {
        switch (e.kind) {
        case RehearsalEvent::Kind::Trace: {
            const TraceId id = TraceId::fromString(e.traceId);
            if (id.isValid() && !seen.contains(id.toString())) {
                seen.insert(id.toString());
                out << id.toShortString();
            }
            break;
        }
        case RehearsalEvent::Kind::Command:
            collectTraceIds(e.stdoutData, out, seen);
            break;
        case RehearsalEvent::Kind::Logs:
            for (const RecordedLogLine& l : e.logLines)
                collectTraceIds(l.text, out, seen);
            break;
        default:
            break;
        }
    }
    return out;
}

QByteArray Recording::headerLine() const
{
    QJsonObject o;
    o.insert(u"type"_s, u"rehearsal"_s);
    o.insert(u"version"_s, version);
    o.insert(u"labId"_s, labId);
    o.insert(u"labTitle"_s, labTitle);
    o.insert(u"recordedAt"_s, recordedAt.toUTC().toString(Qt::ISODateWithMs));
    o.insert(u"obslab"_s, obslabVersion);
    QJsonObject src;
    src.insert(u"kind"_s, source.kind);
    src.insert(u"label"_s, source.label);
    if (!source.context.isEmpty())
        src.insert(u"context"_s, source.context);
    o.insert(u"source"_s, src);
    return QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
}

QByteArray Recording::eventLine(const RehearsalEvent& event)
{
    return QJsonDocument(eventObject(event)).toJson(QJsonDocument::Compact) + '\n';
}

QByteArray Recording::toNdjson() const
{
    QByteArray out = headerLine();
    for (const RehearsalEvent& e : events)
        out += eventLine(e);
    return out;
}

Result<Recording> Recording::fromNdjson(const QByteArray& data)
{
    Recording rec;
    bool haveHeader = false;
    int lineNumber = 0;
    qsizetype start = 0;
    while (start < data.size()) {
        qsizetype end = data.indexOf('\n', start);
        if (end < 0)
            end = data.size();
        const QByteArray line = data.mid(start, end - start).trimmed();
        start = end + 1;
        ++lineNumber;
        if (line.isEmpty())
            continue;
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            // A recorder stopped mid-write leaves a cut last line: keep what came before it.
            if (haveHeader && end == data.size())
                break;
            return Error{u"line %1 is not a JSON object (%2)"_s.arg(lineNumber)
                             .arg(error.error != QJsonParseError::NoError ? error.errorString()
                                                                          : u"not an object"_s),
                         u"Is this an ObsLab rehearsal (.ndjson)? Record one again."_s};
        }
        const QJsonObject o = doc.object();
        if (!haveHeader) {
            if (o.value(u"type"_s).toString() != u"rehearsal")
                return Error{u"line 1 is not a rehearsal header"_s,
                             u"An ObsLab rehearsal starts with {\"type\":\"rehearsal\",…}."_s};
            rec.version = o.value(u"version"_s).toInt(0);
            if (rec.version < 1 || rec.version > kVersion)
                return Error{u"rehearsal format version %1 is not supported (this ObsLab reads "
                             "version %2)"_s.arg(rec.version)
                                 .arg(kVersion),
                             u"Update ObsLab, or record the rehearsal again."_s};
            rec.labId = o.value(u"labId"_s).toString();
            rec.labTitle = o.value(u"labTitle"_s).toString();
            rec.recordedAt =
                QDateTime::fromString(o.value(u"recordedAt"_s).toString(), Qt::ISODateWithMs);
            rec.obslabVersion = o.value(u"obslab"_s).toString();
            const QJsonObject src = o.value(u"source"_s).toObject();
            rec.source.kind = src.value(u"kind"_s).toString(u"unknown"_s);
            rec.source.label = src.value(u"label"_s).toString();
            rec.source.context = src.value(u"context"_s).toString();
            haveHeader = true;
            continue;
        }
        bool known = true;
        Result<RehearsalEvent> event = eventFromObject(o, &known);
        if (!event)
            return Error{u"line %1: %2"_s.arg(lineNumber).arg(event.error().message), {}};
        if (known)
            rec.events << std::move(event).value();
    }
    if (!haveHeader)
        return Error{u"the file is empty"_s, u"Record the rehearsal again."_s};
    // Steps are numbered by their order in the file, whatever the file says.
    int step = -1;
    for (RehearsalEvent& e : rec.events) {
        if (e.kind == RehearsalEvent::Kind::Step)
            ++step;
        e.step = step;
    }
    return rec;
}

Result<Recording> Recording::load(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{u"cannot open %1: %2"_s.arg(path, file.errorString()), u"Check the path."_s};
    if (file.size() > kMaxFileBytes)
        return Error{u"%1 is larger than 256 MiB: not a rehearsal"_s.arg(path), {}};
    Result<Recording> rec = fromNdjson(file.readAll());
    if (!rec)
        return Error{path + u": "_s + rec.error().message, rec.error().hint};
    return rec;
}

}  // namespace obslab::rehearsal
