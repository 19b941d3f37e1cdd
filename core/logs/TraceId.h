#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHashFunctions>
#include <QString>

namespace obslab {

// A 64- or 128-bit trace id, held as two 64-bit halves. The canonical form is 32 lower-case hex
// digits (a 64-bit id is left-padded with zeros), so that a 16-hex id from an access log equals
// Jaeger's form of the same trace. Default-constructed = invalid. Parsing never allocates.
class TraceId
{
public:
    constexpr TraceId() = default;
    constexpr TraceId(quint64 high, quint64 low)
        : high_(high)
        , low_(low)
    {}

    // Exactly 16 or 32 hex digits (either case), not all zeros: B3, W3C and log values.
    static TraceId fromHex(QByteArrayView hex);
    // 1–32 hex digits, left-padded (Jaeger's uber-trace-id and its query API accept this).
    static TraceId fromHexLenient(QByteArrayView hex);
    // fromHexLenient on a QString (user input, URLs); surrounding whitespace ignored.
    static TraceId fromString(const QString& text);

    bool isValid() const { return high_ != 0 || low_ != 0; }
    bool is64Bit() const { return high_ == 0; }
    quint64 high() const { return high_; }
    quint64 low() const { return low_; }

    // Writes the 32 canonical hex digits to out[0..31]; no terminator.
    void writeHex(char* out) const;
    QByteArray toHex() const;  // canonical 32 digits; empty when invalid
    QString toString() const { return QString::fromLatin1(toHex()); }
    // Jaeger v1's display form: 16 digits when the high half is zero, else 32.
    QString toShortString() const;

    friend bool operator==(const TraceId& a, const TraceId& b)
    {
        return a.high_ == b.high_ && a.low_ == b.low_;
    }
    friend bool operator!=(const TraceId& a, const TraceId& b) { return !(a == b); }
    friend bool operator<(const TraceId& a, const TraceId& b)
    {
        return a.high_ < b.high_ || (a.high_ == b.high_ && a.low_ < b.low_);
    }
    friend size_t qHash(const TraceId& id, size_t seed = 0)
    {
        return qHashMulti(seed, id.high_, id.low_);
    }

private:
    quint64 high_ = 0;
    quint64 low_ = 0;
};

// Hex helpers shared by the trace-context parsers (no allocation).
namespace hex {
// -1 when c is not a hex digit. A table: the parser calls this for every byte of every id.
struct DigitTable
{
    signed char value[256];
    constexpr DigitTable()
        : value{}
    {
        for (int i = 0; i < 256; ++i)
            value[i] = -1;
        for (int i = 0; i < 10; ++i)
            value['0' + i] = static_cast<signed char>(i);
        for (int i = 0; i < 6; ++i) {
            value['a' + i] = static_cast<signed char>(10 + i);
            value['A' + i] = static_cast<signed char>(10 + i);
        }
    }
};
inline constexpr DigitTable kDigitTable{};
constexpr int digit(char c)
{
    return kDigitTable.value[static_cast<unsigned char>(c)];
}
constexpr bool isDigit(char c)
{
    return digit(c) >= 0;
}
// Parses 1–16 hex digits; false on any other length or character.
bool parseU64(QByteArrayView text, quint64& out);
// 16 hex digits as a span id, not zero; 0 when invalid.
quint64 spanIdFromHex(QByteArrayView text);
// Jaeger's lenient span id: 1–16 hex digits, not zero; 0 when invalid.
quint64 spanIdFromHexLenient(QByteArrayView text);
void writeU64(quint64 value, char* out16);
QByteArray spanIdToHex(quint64 spanId);  // 16 digits; empty when 0
}  // namespace hex

}  // namespace obslab
