#include "core/logs/LineJsonWriter.h"

#include <charconv>

namespace obslab {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one.
int utf8Length(QByteArrayView s, qsizetype i)
{
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80)
        return 1;
    int n = 0;
    char32_t cp = 0;
    if ((b & 0xE0) == 0xC0) {
        n = 2;
        cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
        n = 3;
        cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
        n = 4;
        cp = b & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    for (int k = 1; k < n; ++k) {
        const auto c = static_cast<unsigned char>(s[i + k]);
        if ((c & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (c & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    return n;
}

constexpr char kReplacement[] = "\xEF\xBF\xBD";

void appendKey(QByteArray& out, const char* key)
{
    out.append(",\"");
    out.append(key);
    out.append("\":");
}

void appendNumber(QByteArray& out, qint64 n)
{
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, r.ptr - buf);
}

// A field's bytes for output: a view into the line unless JSON escapes must be decoded.
void appendField(QByteArray& out, QByteArrayView line, const ParsedLine& p, Field f)
{
    const QByteArrayView v = p.view(line, f);
    if (p.escapesJson() && v.contains('\\'))
        LineJsonWriter::appendJsonString(out, p.bytes(line, f));
    else
        LineJsonWriter::appendJsonString(out, v);
}

}  // namespace

void LineJsonWriter::appendJsonString(QByteArray& out, QByteArrayView s)
{
    static constexpr char hexDigits[] = "0123456789abcdef";
    out.append('"');
    for (qsizetype i = 0; i < s.size();) {
        // Copy runs of plain ASCII with one append: most values are nothing else.
        qsizetype run = i;
        while (run < s.size()) {
            const auto u = static_cast<unsigned char>(s[run]);
            if (u < 0x20 || u >= 0x80 || u == '"' || u == '\\')
                break;
            ++run;
        }
        if (run > i) {
            out.append(s.sliced(i, run - i));
            i = run;
            continue;
        }
        const char c = s[i];
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x80) {
            switch (c) {
            case '"':
                out.append("\\\"");
                break;
            case '\\':
                out.append("\\\\");
                break;
            case '\n':
                out.append("\\n");
                break;
            case '\r':
                out.append("\\r");
                break;
            case '\t':
                out.append("\\t");
                break;
            default: {
                const char esc[] = {'\\', 'u', '0', '0', hexDigits[u >> 4], hexDigits[u & 0xf]};
                out.append(esc, sizeof esc);
            }
            }
            ++i;
            continue;
        }
        const int n = utf8Length(s, i);
        if (n == 0) {
            out.append(kReplacement);
            ++i;
        } else {
            out.append(s.sliced(i, n));
            i += n;
        }
    }
    out.append('"');
}

void LineJsonWriter::appendDisplayText(QByteArray& out, QByteArrayView s, qsizetype maxBytes)
{
    const qsizetype limit = qMin(s.size(), maxBytes);
    for (qsizetype i = 0; i < limit;) {
        const auto u = static_cast<unsigned char>(s[i]);
        if (u >= 0x20 && u < 0x7F) {
            out.append(char(u));
            ++i;
            continue;
        }
        const int n = u < 0x80 ? 0 : utf8Length(s, i);
        // C1 controls (U+0080–U+009F: CSI, OSC, NEL…) act on a terminal like ESC sequences.
        const bool c1 = n == 2 && u == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
        if (n == 0 || c1) {
            out.append(kReplacement);
            i += c1 ? 2 : 1;
        } else {
            out.append(s.sliced(i, n));
            i += n;
        }
    }
    if (s.size() > maxBytes)
        out.append("\xE2\x80\xA6");  // …
}

void LineJsonWriter::appendJson(QByteArray& out, QByteArrayView line, const ParsedLine& p,
                                qint64 lineNumber)
{
    out.append("{\"line\":");
    appendNumber(out, lineNumber);
    appendKey(out, "kind");
    appendJsonString(out, ParsedLine::kindName(p.kind));
    appendKey(out, "format");
    appendJsonString(out, ParsedLine::formatName(p.format));
    appendKey(out, "complete");
    out.append(p.complete ? "true" : "false");
    if (p.kind == LineKind::Request) {
        appendKey(out, "transport");
        appendJsonString(out, p.isTcp() ? "tcp" : "http");
    }
    if (p.timeUs != ParsedLine::kMissing) {
        appendKey(out, "time");
        char buf[40];
        appendJsonString(out, QByteArrayView(buf, logtime::writeIso(p.timeUs, buf)));
        appendKey(out, "time_us");
        appendNumber(out, p.timeUs);
    }
    for (int i = 0; i < kFieldCount; ++i) {
        const auto f = Field(i);
        if (!p.has(f))
            continue;
        // Numeric fields print the parsed number under the field's own name.
        const qint64* number = f == Field::BytesReceived         ? &p.bytesReceived
                               : f == Field::BytesSent           ? &p.bytesSent
                               : f == Field::Duration            ? &p.durationMs
                               : f == Field::UpstreamServiceTime ? &p.upstreamServiceTimeMs
                                                                 : nullptr;
        if (number || f == Field::ResponseCode) {
            appendKey(out, ParsedLine::fieldName(f));
            appendNumber(out, number ? *number : p.responseCode);
            continue;
        }
        if (f == Field::Level) {
            appendKey(out, "level");
            appendJsonString(out, ParsedLine::levelName(p.level));
            continue;
        }
        appendKey(out, ParsedLine::fieldName(f));
        appendField(out, line, p, f);
    }
    if (!p.responseFlags.isEmpty()) {
        appendKey(out, "response_flags_explained");
        out.append('[');
        int count = 0;
        const ResponseFlags::Info* table = ResponseFlags::table(&count);
        bool first = true;
        for (int i = 0; i < count; ++i) {
            if (!p.responseFlags.has(table[i].flag))
                continue;
            if (!first)
                out.append(',');
            first = false;
            out.append('"');
            out.append(table[i].code);
            out.append(": ");
            out.append(table[i].meaning);
            out.append('"');
        }
        if (p.responseFlags.has(ResponseFlags::UnknownFlag))
            out.append(first ? "\"unknown flag\"" : ",\"unknown flag\"");
        out.append(']');
    }
    if (p.clusterKind != UpstreamCluster::Kind::None) {
        appendKey(out, "upstream_cluster_kind");
        appendJsonString(out, UpstreamCluster::kindName(p.clusterKind));
        if (p.clusterDirection != UpstreamCluster::Direction::None) {
            appendKey(out, "upstream_cluster_direction");
            appendJsonString(out, UpstreamCluster::directionName(p.clusterDirection));
        }
        if (p.clusterPort >= 0) {
            appendKey(out, "upstream_cluster_port");
            appendNumber(out, p.clusterPort);
        }
    }
    if (p.trace.traceId.isValid()) {
        char buf[32];
        p.trace.traceId.writeHex(buf);
        appendKey(out, "trace_id");
        appendJsonString(out, QByteArrayView(buf, 32));
    }
    if (p.trace.spanId != 0) {
        appendKey(out, "span_id");
        char buf[16];
        hex::writeU64(p.trace.spanId, buf);
        appendJsonString(out, QByteArrayView(buf, 16));
    }
    if (p.trace.parentSpanId != 0) {
        appendKey(out, "parent_span_id");
        char buf[16];
        hex::writeU64(p.trace.parentSpanId, buf);
        appendJsonString(out, QByteArrayView(buf, 16));
    }
    if (p.trace.sampling != TraceContext::Sampling::Unknown) {
        appendKey(out, "sampled");
        appendJsonString(out, ParsedLine::samplingName(p.trace.sampling));
    }
    appendKey(out, "highlights");
    out.append('[');
    for (int i = 0; i < p.highlightCount; ++i) {
        const Highlight& h = p.highlights[size_t(i)];
        if (i > 0)
            out.append(',');
        out.append("{\"kind\":");
        appendJsonString(out, ParsedLine::highlightName(h.kind));
        out.append(",\"offset\":");
        appendNumber(out, h.range.offset);
        out.append(",\"length\":");
        appendNumber(out, h.range.length);
        out.append('}');
    }
    out.append("]}\n");
}

namespace {

// " <ISO time>", or nothing when the line has no time.
void appendTime(QByteArray& out, qint64 us)
{
    if (us == ParsedLine::kMissing)
        return;
    char buf[41];
    buf[0] = ' ';
    out.append(buf, 1 + logtime::writeIso(us, buf + 1));
}

}  // namespace

void LineJsonWriter::appendSummary(QByteArray& out, QByteArrayView line, const ParsedLine& p,
                                   qint64 lineNumber)
{
    out.append(QByteArray::number(lineNumber));
    out.append(' ');
    auto field = [&](const char* label, Field f, qsizetype max = 120) {
        if (!p.has(f))
            return;
        out.append(' ');
        if (label) {
            out.append(label);
            out.append('=');
        }
        appendDisplayText(out, p.bytes(line, f), max);
    };
    switch (p.kind) {
    case LineKind::Request: {
        out.append(p.isTcp() ? "TCP    " : "HTTP   ");
        appendTime(out, p.timeUs);
        out.append(' ');
        out.append(p.responseCode >= 0 ? QByteArray::number(p.responseCode) : QByteArray("-"));
        if (!p.responseFlags.isEmpty()) {
            out.append(' ');
            appendDisplayText(out, p.bytes(line, Field::ResponseFlags), 40);
        }
        field(nullptr, Field::Method, 16);
        field(nullptr, Field::Authority, 80);
        field(nullptr, Field::Path, 120);
        if (p.durationMs != ParsedLine::kMissing)
            out.append(' ' + QByteArray::number(p.durationMs) + "ms");
        if (p.clusterKind != UpstreamCluster::Kind::None) {
            out.append(' ');
            out.append(UpstreamCluster::directionName(p.clusterDirection));
            field(nullptr, Field::ClusterFqdn, 80);
        }
        break;
    }
    case LineKind::ProxyLog:
        out.append("PROXY  ");
        appendTime(out, p.timeUs);
        out.append(' ');
        out.append(ParsedLine::levelName(p.level));
        field(nullptr, Field::Logger, 40);
        field(nullptr, Field::Message, 160);
        break;
    case LineKind::Unknown:
        out.append("OTHER   ");
        appendDisplayText(out, line.first(qMin<qsizetype>(line.size(), 160)), 160);
        break;
    }
    field("pod", Field::Pod, 80);
    if (p.trace.traceId.isValid()) {
        // As the log wrote it: a 64-bit id logged with 16 digits stays 16 (ndjson's trace_id is
        // the normalised 32 digits, with trace_id_raw beside it).
        const bool logged16 =
            p.trace.traceId.is64Bit() && p.view(line, Field::TraceId).size() == 16;
        const QByteArray hex = p.trace.traceId.toHex();
        out.append(" trace=" + (logged16 ? hex.right(16) : hex));
    }
    if (p.trace.spanId != 0)
        out.append(" span=" + hex::spanIdToHex(p.trace.spanId));
    field("req", Field::RequestId, 80);
    out.append('\n');
}

}  // namespace obslab
