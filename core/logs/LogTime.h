#pragma once

#include <QByteArrayView>
#include <QString>

#include <limits>

namespace obslab {

// Log timestamps as microseconds since the Unix epoch (UTC), parsed without QDateTime so the
// parser's hot path stays allocation-free.
namespace logtime {

inline constexpr qint64 kMissing = std::numeric_limits<qint64>::min();

// RFC 3339 / ISO 8601 as Envoy, kubectl --timestamps and pilot-agent print it:
// `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH:MM]` (no zone = UTC, as Envoy's own log lines).
// Returns the number of bytes consumed (0 = not a timestamp) and sets us.
qsizetype parseIso(QByteArrayView text, qint64& us);
// The whole text as a timestamp: ISO as above, or epoch seconds with an optional fraction
// (`%START_TIME(%s.%3f)%`). kMissing when it is neither.
qint64 parse(QByteArrayView text);
// `2020-11-25T21:26:18.409000Z`, or empty for kMissing.
QString toIsoString(qint64 us);
// The same into buf (at least 40 bytes) without allocating; returns the length written.
qsizetype writeIso(qint64 us, char* buf);

}  // namespace logtime
}  // namespace obslab
