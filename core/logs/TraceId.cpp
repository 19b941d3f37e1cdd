#include "core/logs/TraceId.h"

namespace obslab {

namespace hex {

bool parseU64(QByteArrayView text, quint64& out)
{
    if (text.isEmpty() || text.size() > 16)
        return false;
    quint64 v = 0;
    int bad = 0;
    for (char c : text) {
        const int d = digit(c);
        bad |= d;  // any -1 sets the sign bit; one test after the loop
        v = (v << 4) | quint64(d & 0xf);
    }
    if (bad < 0)
        return false;
    out = v;
    return true;
}

quint64 spanIdFromHex(QByteArrayView text)
{
    quint64 v = 0;
    if (text.size() != 16 || !parseU64(text, v))
        return 0;
    return v;
}

quint64 spanIdFromHexLenient(QByteArrayView text)
{
    quint64 v = 0;
    if (!parseU64(text, v))
        return 0;
    return v;
}

void writeU64(quint64 value, char* out16)
{
    static constexpr char digits[] = "0123456789abcdef";
    for (int i = 15; i >= 0; --i) {
        out16[i] = digits[value & 0xf];
        value >>= 4;
    }
}

QByteArray spanIdToHex(quint64 spanId)
{
    if (spanId == 0)
        return {};
    QByteArray out(16, Qt::Uninitialized);
    writeU64(spanId, out.data());
    return out;
}

}  // namespace hex

TraceId TraceId::fromHex(QByteArrayView text)
{
    if (text.size() != 16 && text.size() != 32)
        return {};
    return fromHexLenient(text);
}

TraceId TraceId::fromHexLenient(QByteArrayView text)
{
    if (text.isEmpty() || text.size() > 32)
        return {};
    quint64 high = 0;
    quint64 low = 0;
    const qsizetype lowDigits = qMin<qsizetype>(16, text.size());
    const QByteArrayView highPart = text.first(text.size() - lowDigits);
    if (!highPart.isEmpty() && !hex::parseU64(highPart, high))
        return {};
    if (!hex::parseU64(text.last(lowDigits), low))
        return {};
    return TraceId(high, low);
}

TraceId TraceId::fromString(const QString& text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.size() > 32)
        return {};
    return fromHexLenient(trimmed.toLatin1());
}

void TraceId::writeHex(char* out) const
{
    hex::writeU64(high_, out);
    hex::writeU64(low_, out + 16);
}

QByteArray TraceId::toHex() const
{
    if (!isValid())
        return {};
    QByteArray out(32, Qt::Uninitialized);
    writeHex(out.data());
    return out;
}

QString TraceId::toShortString() const
{
    const QByteArray full = toHex();
    return QString::fromLatin1(is64Bit() ? full.mid(16) : full);
}

}  // namespace obslab
