#include "JaegerTraceId.h"

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
    const QStringView t = text.trimmed();
    JaegerTraceId id;
    QString hex;
    if (!t.isEmpty() && t.size() <= 32 && isHex(t))
        hex = t.toString().toLower();
    else
        hex = fromBase64(t, 16);
    if (hex.isEmpty() || hex.count(u'0') == hex.size())
        return id;
    id.key_ = QString(32 - hex.size(), u'0') + hex;
    return id;
}

QString JaegerTraceId::toUrlForm() const
{
    if (key_.startsWith(u"0000000000000000"))
        return key_.mid(16);
    return key_;
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
