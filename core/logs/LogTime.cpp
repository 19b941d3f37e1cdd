#include "core/logs/LogTime.h"

#include <cstdio>
#include <cstring>

namespace obslab::logtime {

namespace {

bool digits(QByteArrayView t, qsizetype pos, int n, int& out)
{
    if (pos + n > t.size())
        return false;
    int v = 0;
    for (int i = 0; i < n; ++i) {
        const char c = t[pos + i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    out = v;
    return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (the classic era/day-of-era method).
qint64 daysFromCivil(qint64 y, int m, int d)
{
    y -= m <= 2 ? 1 : 0;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const qint64 yoe = y - era * 400;
    const qint64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const qint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civilFromDays(qint64 z, qint64& y, int& m, int& d)
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const qint64 doe = z - era * 146097;
    const qint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const qint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const qint64 mp = (5 * doy + 2) / 153;
    d = int(doy - (153 * mp + 2) / 5 + 1);
    m = int(mp < 10 ? mp + 3 : mp - 9);
    y = yoe + era * 400 + (m <= 2 ? 1 : 0);
}

}  // namespace

qsizetype parseIso(QByteArrayView t, qint64& us)
{
    // Consecutive lines mostly share their minute: "YYYY-MM-DDTHH:MM" is checked and converted
    // once, and a line whose first 16 bytes are the same reuses it.
    struct MinuteCache
    {
        char key[16];
        qint64 seconds = 0;  // of the minute, since the epoch
        bool valid = false;
    };
    thread_local MinuteCache cache;
    if (t.size() < 19)
        return 0;
    qint64 minuteSeconds = 0;
    if (cache.valid && std::memcmp(t.data(), cache.key, 16) == 0) {
        minuteSeconds = cache.seconds;
    } else {
        int year, month, day, hour, minute;
        if (!digits(t, 0, 4, year) || t[4] != '-' || !digits(t, 5, 2, month) || t[7] != '-' ||
            !digits(t, 8, 2, day) || (t[10] != 'T' && t[10] != ' ' && t[10] != 't') ||
            !digits(t, 11, 2, hour) || t[13] != ':' || !digits(t, 14, 2, minute))
            return 0;
        if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59)
            return 0;
        minuteSeconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60;
        std::memcpy(cache.key, t.data(), 16);
        cache.seconds = minuteSeconds;
        cache.valid = true;
    }
    int second = 0;
    if (t[16] != ':' || !digits(t, 17, 2, second) || second > 60)
        return 0;
    qsizetype pos = 19;
    qint64 micros = 0;
    if (pos < t.size() && (t[pos] == '.' || t[pos] == ',')) {
        ++pos;
        int n = 0;
        while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
            if (n < 6)
                micros = micros * 10 + (t[pos] - '0');
            ++n;
            ++pos;
        }
        if (n == 0)
            return 0;
        for (int i = n; i < 6; ++i)
            micros *= 10;
    }
    qint64 offsetSeconds = 0;
    if (pos < t.size() && (t[pos] == 'Z' || t[pos] == 'z')) {
        ++pos;
    } else if (pos < t.size() && (t[pos] == '+' || t[pos] == '-')) {
        int oh = 0;
        int om = 0;
        const bool colon = pos + 3 < t.size() && t[pos + 3] == ':';
        if (digits(t, pos + 1, 2, oh) && digits(t, pos + (colon ? 4 : 3), 2, om)) {
            offsetSeconds = (oh * 3600 + om * 60) * (t[pos] == '-' ? -1 : 1);
            pos += colon ? 6 : 5;
        }
    }
    const qint64 secs = minuteSeconds + second - offsetSeconds;
    us = secs * 1000000 + micros;
    return pos;
}

qint64 parse(QByteArrayView t)
{
    if (t.isEmpty())
        return kMissing;
    qint64 us = 0;
    if (parseIso(t, us) == t.size())
        return us;
    // Epoch seconds, optionally with a fraction.
    qint64 secs = 0;
    qsizetype pos = 0;
    while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9' && pos < 12)
        secs = secs * 10 + (t[pos++] - '0');
    if (pos == 0)
        return kMissing;
    qint64 micros = 0;
    if (pos < t.size() && t[pos] == '.') {
        ++pos;
        int n = 0;
        while (pos < t.size() && t[pos] >= '0' && t[pos] <= '9') {
            if (n < 6)
                micros = micros * 10 + (t[pos] - '0');
            ++n;
            ++pos;
        }
        for (int i = n; i < 6; ++i)
            micros *= 10;
    }
    if (pos != t.size())
        return kMissing;
    return secs * 1000000 + micros;
}

qsizetype writeIso(qint64 us, char* buf)
{
    if (us == kMissing)
        return 0;
    qint64 secs = us / 1000000;
    qint64 micros = us % 1000000;
    if (micros < 0) {
        micros += 1000000;
        secs -= 1;
    }
    qint64 days = secs / 86400;
    qint64 rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days -= 1;
    }
    qint64 y = 0;
    int m = 0;
    int d = 0;
    civilFromDays(days, y, m, d);
    if (y >= 0 && y <= 9999) {
        // The common case without printf: this runs for every line the CLI prints.
        const auto put = [&buf](int at, qint64 value, int width) {
            for (int i = width - 1; i >= 0; --i) {
                buf[at + i] = char('0' + value % 10);
                value /= 10;
            }
        };
        put(0, y, 4);
        buf[4] = '-';
        put(5, m, 2);
        buf[7] = '-';
        put(8, d, 2);
        buf[10] = 'T';
        put(11, rem / 3600, 2);
        buf[13] = ':';
        put(14, rem / 60 % 60, 2);
        buf[16] = ':';
        put(17, rem % 60, 2);
        buf[19] = '.';
        put(20, micros, 6);
        buf[26] = 'Z';
        buf[27] = '\0';
        return 27;
    }
    const int n = std::snprintf(buf, 40, "%04lld-%02d-%02dT%02d:%02d:%02d.%06lldZ",
                                static_cast<long long>(y), m, d, int(rem / 3600),
                                int(rem / 60 % 60), int(rem % 60), static_cast<long long>(micros));
    return n < 0 ? 0 : qMin<qsizetype>(n, 39);
}

QString toIsoString(qint64 us)
{
    char buf[40];
    return QString::fromLatin1(buf, writeIso(us, buf));
}

}  // namespace obslab::logtime
