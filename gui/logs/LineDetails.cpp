#include "gui/logs/LineDetails.h"

#include "core/logs/LineRecord.h"
#include "gui/logs/LogColors.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("LineDetails", text);
}

QString row(const QString& name, const QString& valueHtml)
{
    return u"<tr><td style=\"padding:1px 10px 1px 0; color:%3\">%1</td><td>%2</td></tr>"_s.arg(
        name.toHtmlEscaped(), valueHtml, u"palette(placeholder-text)"_s);
}

QString section(const QString& title)
{
    return u"<tr><td colspan=2 style=\"padding-top:8px\"><b>%1</b></td></tr>"_s.arg(
        title.toHtmlEscaped());
}

QString timeHtml(qint64 ms, bool utc)
{
    if (ms == ParsedLine::kMissing)
        return {};
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    const QString primary = utc ? t.toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s) + u" UTC"_s
                                : t.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss.zzz t"_s);
    return primary.toHtmlEscaped();
}

}  // namespace

QString LineDetails::html(const DecodedLine& decoded, qint64 lineNumber, bool utc,
                          const QPalette& palette, qint64 wholeLength)
{
    const QByteArray& line = decoded.bytes;
    const ParsedLine& p = decoded.parsed;
    const QString muted = palette.color(QPalette::PlaceholderText).name();
    QString out = u"<table cellspacing=0 cellpadding=0>"_s;
    auto add = [&](const QString& name, const QString& value) {
        if (value.isEmpty())
            return;
        QString shown = value.left(kFieldChars).toHtmlEscaped();
        if (value.size() > kFieldChars)
            shown += u" <i style=\"color:%1\">%2</i>"_s.arg(
                muted, tr("… (%1 more characters)").arg(value.size() - kFieldChars));
        out += row(name, shown).replace(u"palette(placeholder-text)"_s, muted);
    };
    auto addHtml = [&](const QString& name, const QString& html) {
        if (!html.isEmpty())
            out += row(name, html).replace(u"palette(placeholder-text)"_s, muted);
    };
    auto field = [&](Field f) { return p.text(line, f); };

    const char* kind = p.kind == LineKind::Request    ? "Request"
                       : p.kind == LineKind::ProxyLog ? "Proxy log"
                                                      : "Unrecognised line";
    out += section(tr("Line %1 — %2").arg(lineNumber + 1).arg(tr(kind)));
    const qint64 length = std::max<qint64>(wholeLength, line.size());
    if (length > kFieldChars) {
        const QString link =
            u"<a href=\"obslab-line:%1\">%2</a>"_s.arg(lineNumber).arg(tr("open the whole line"));
        addHtml(tr("Length"), length > line.size()
                                  ? tr("%1 bytes — truncated: only the first %2 are read; %3")
                                        .arg(length)
                                        .arg(line.size())
                                        .arg(link)
                                  : tr("%1 bytes — %2").arg(length).arg(link));
    }
    add(tr("Format"), QString::fromLatin1(ParsedLine::formatName(p.format)));
    if (p.timeUs != ParsedLine::kMissing)
        addHtml(tr("Time"), timeHtml(p.timeUs / 1000, utc));
    add(tr("Pod"), field(Field::Pod));
    add(tr("Container"), field(Field::Container));

    if (p.kind == LineKind::Request) {
        out += section(tr("Request"));
        if (p.isTcp())
            add(tr("Protocol"), tr("TCP connection"));
        else
            add(tr("Request"),
                field(Field::Method) + u' ' + field(Field::Path) + u' ' + field(Field::Protocol));
        add(tr("Authority"), field(Field::Authority));
        if (p.responseCode >= 0) {
            const QColor c =
                logcolors::forStatusClass(logcolors::statusClass(p.responseCode), palette);
            addHtml(tr("Status"),
                    u"<b style=\"color:%1\">%2</b>"_s.arg(
                        c.name(), p.responseCode == 0 ? tr("0 (no response)")
                                                      : QString::number(p.responseCode)));
        }
        add(tr("Details"), field(Field::ResponseCodeDetails));
        if (p.durationMs != ParsedLine::kMissing)
            add(tr("Duration"), tr("%1 ms").arg(p.durationMs));
        if (p.upstreamServiceTimeMs != ParsedLine::kMissing)
            add(tr("Upstream time"),
                tr("%1 ms (the application's own time)").arg(p.upstreamServiceTimeMs));
        if (p.bytesReceived != ParsedLine::kMissing || p.bytesSent != ParsedLine::kMissing)
            add(tr("Bytes"), tr("%1 received, %2 sent")
                                 .arg(p.bytesReceived == ParsedLine::kMissing ? 0 : p.bytesReceived)
                                 .arg(p.bytesSent == ParsedLine::kMissing ? 0 : p.bytesSent));
        if (p.has(Field::RequestId)) {
            const QString id = field(Field::RequestId);
            addHtml(tr("Request id"),
                    u"<a href=\"obslab-request:%1\">%2</a>"_s.arg(
                        QString::fromLatin1(QUrl::toPercentEncoding(id)), id.toHtmlEscaped()));
        }
        add(tr("User agent"), field(Field::UserAgent));

        if (!p.responseFlags.isEmpty()) {
            out += section(tr("Response flags"));
            for (const QString& e : p.responseFlags.explanations()) {
                const qsizetype colon = e.indexOf(u':');
                addHtml(colon > 0 ? e.left(colon) : e,
                        (colon > 0 ? e.mid(colon + 1).trimmed() : QString()).toHtmlEscaped());
            }
            if (p.responseFlags.has(ResponseFlags::UnknownFlag))
                add(tr("?"), tr("a flag this version of ObsLab does not know"));
        }

        if (p.has(Field::UpstreamCluster)) {
            out += section(tr("Upstream cluster"));
            const QByteArray name = p.bytes(line, Field::UpstreamCluster);
            const UpstreamCluster c = UpstreamCluster::parse(name);
            add(tr("Name"), QString::fromUtf8(name));
            switch (c.direction) {
            case UpstreamCluster::Direction::Inbound:
                add(tr("Direction"), tr("inbound — this pod's sidecar received the request"));
                break;
            case UpstreamCluster::Direction::Outbound:
                add(tr("Direction"), tr("outbound — this pod's sidecar sent the request"));
                break;
            case UpstreamCluster::Direction::None:
                add(tr("Kind"), QString::fromLatin1(UpstreamCluster::kindName(c.kind)));
                break;
            }
            if (c.port > 0)
                add(tr("Port"), QString::number(c.port));
            add(tr("Subset"), QString::fromUtf8(c.subset.toByteArray()));
            add(tr("Service"), QString::fromUtf8(c.fqdn.toByteArray()));
        }
        out += section(tr("Addresses"));
        add(tr("Upstream host"), field(Field::UpstreamHost));
        add(tr("Upstream local"), field(Field::UpstreamLocalAddress));
        add(tr("Downstream local"), field(Field::DownstreamLocalAddress));
        add(tr("Downstream remote"), field(Field::DownstreamRemoteAddress));
        add(tr("service= (as logged)"), field(Field::Service));
        add(tr("Server name (SNI)"), field(Field::RequestedServerName));
        add(tr("Route"), field(Field::RouteName));
    } else {
        if (p.level != LogLevel::None)
            add(tr("Level"), QString::fromLatin1(ParsedLine::levelName(p.level)));
        add(tr("Logger"), field(Field::Logger));
        add(tr("Message"), field(Field::Message));
    }

    out += section(tr("Trace"));
    if (p.trace.isValid()) {
        const QString id = p.trace.traceId.toString();
        const QColor c = logcolors::forTrace(traceHash(p.trace.traceId), palette);
        addHtml(tr("Trace id"),
                u"<a href=\"obslab-trace:%1\" style=\"color:%2\"><b>%3</b></a>"_s.arg(
                    id, c.name(), p.trace.traceId.toShortString()));
        if (p.trace.spanId)
            add(tr("Span id"), QString::number(p.trace.spanId, 16).rightJustified(16, u'0'));
        if (p.trace.parentSpanId)
            add(tr("Parent span"),
                QString::number(p.trace.parentSpanId, 16).rightJustified(16, u'0'));
        add(tr("Sampled"), QString::fromLatin1(ParsedLine::samplingName(p.trace.sampling)));
    } else {
        addHtml(tr("Trace id"),
                u"<span style=\"color:%1\">%2</span>"_s.arg(
                    muted, tr("none in this line — the access log format may not include "
                              "%REQ(X-B3-TRACEID)%, or the request carried no trace headers")
                               .toHtmlEscaped()));
    }
    out += u"</table>"_s;
    return out;
}

}  // namespace obslab
