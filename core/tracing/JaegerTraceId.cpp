#include "core/tracing/JaegerTraceId.h"

#include <QByteArray>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

bool isHex(QStringView text)
{
    for (QChar c : text) {
        const char16_t u = c.unicode();
        const bool hex =
            (u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f') || (u >= u'A' && u <= u'F');
        if (!hex)
            return false;
    }
    return true;
}

QString fromBase64(QStringView text, int bytes)
{
    // Base64 of 8 bytes is 12 characters, of 16 bytes 24: never an even hex length of 16/32.
    const QByteArray raw = text.toLatin1();
    const auto decoded =
        QByteArray::fromBase64Encoding(raw, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != bytes)
        return {};
    return QString::fromLatin1(decoded.decoded.toHex());
}

}  // namespace

JaegerTraceId JaegerTraceId::fromString(QStringView text)
{
    TraceId id = TraceId::fromString(text.toString());
    if (!id.isValid()) {
        const QString hex = fromBase64(text.trimmed(), 16);
        if (!hex.isEmpty())
            id = TraceId::fromString(hex);
    }
    return fromTraceId(id);
}

JaegerTraceId JaegerTraceId::fromTraceId(const TraceId& id)
{
    JaegerTraceId result;
    if (id.isValid())
        result.key_ = id.toString();
    return result;
}

TraceId JaegerTraceId::toTraceId() const
{
    return TraceId::fromString(key_);
}

QString JaegerTraceId::toUrlForm() const
{
    return toTraceId().toShortString();
}

QString otlpIdToHex(QStringView text, int bytes)
{
    const QStringView t = text.trimmed();
    if (t.isEmpty())
        return {};
    if (t.size() <= bytes * 2 && isHex(t))
        return QString(bytes * 2 - t.size(), u'0') + t.toString().toLower();
    return fromBase64(t, bytes);
}

QString normaliseSpanId(QStringView text)
{
    const QString hex = otlpIdToHex(text, 8);
    return hex.isEmpty() ? text.toString().toLower() : hex;
}

}  // namespace obslab
