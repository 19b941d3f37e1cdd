#include "core/logs/TraceId.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace obslab {

namespace hex {

namespace {

#if defined(__SSE2__)
// Exactly 16 hex digits at s (the length of every span id and of most trace ids), 16 bytes at
// a time: each byte checked and turned into its nibble in one pass, the nibbles then gathered.
bool parse16(const char* s, quint64& out)
{
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
    const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    const __m128i isDigit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                          _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    const __m128i isLetter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                           _mm_cmplt_epi8(lower, _mm_set1_epi8('f' + 1)));
    if (_mm_movemask_epi8(_mm_or_si128(isDigit, isLetter)) != 0xffff)
        return false;
    const __m128i nibbles =
        _mm_or_si128(_mm_and_si128(isDigit, _mm_sub_epi8(v, _mm_set1_epi8('0'))),
                     _mm_andnot_si128(isDigit, _mm_sub_epi8(lower, _mm_set1_epi8('a' - 10))));
    alignas(16) quint64 halves[2];
    _mm_store_si128(reinterpret_cast<__m128i*>(halves), nibbles);
    // Byte k of a half is the k-th digit (little-endian): pairs, then quads, then the whole.
    const auto gather = [](quint64 x) {
        x = ((x << 4) & 0x00f000f000f000f0ULL) | ((x >> 8) & 0x000f000f000f000fULL);
        x = ((x << 8) & 0x0000ff000000ff00ULL) | ((x >> 16) & 0x000000ff000000ffULL);
        x = ((x << 16) & 0x00000000ffff0000ULL) | ((x >> 32) & 0x000000000000ffffULL);
        return x;
    };
    out = (gather(halves[0]) << 32) | gather(halves[1]);
    return true;
}
#endif

}  // namespace

bool parseU64(QByteArrayView text, quint64& out)
{
    if (text.isEmpty() || text.size() > 16)
        return false;
#if defined(__SSE2__)
    if (text.size() == 16)
        return parse16(text.data(), out);
#endif
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
