#include "core/logs/AccessLogLineParser.h"

#include <cstring>

namespace obslab::accesslog {

// istio-proxy's own log lines: Envoy's (`[TIME][thread][level][logger] message`) and the
// pilot-agent's (`TIME\tlevel\tscope\tmessage`).

bool LineParser::parseEnvoyLog(Sz p)
{
    static constexpr char kEpoch[] = "[Envoy (Epoch ";
    if (end_ - p > Sz(sizeof kEpoch) && std::memcmp(d_ + p, kEpoch, sizeof kEpoch - 1) == 0) {
        const Sz close = findByte(d_, p, qMin(end_, p + 40), ']');
        if (close < 0)
            return false;
        p = close + 1;
        while (p < end_ && d_[p] == ' ')
            ++p;
    }
    if (p >= end_ || d_[p] != '[')
        return false;
    // `[TIME][` before the time is parsed: an access line (`[TIME] "…`) parses it later.
    const Sz firstClose = findByte(d_, p + 1, qMin(end_, p + 42), ']');
    if (firstClose < 0 || firstClose + 1 >= end_ || d_[firstClose + 1] != '[')
        return false;
    qint64 us = 0;
    const Sz n = logtime::parseIso(v(p + 1, qMin<Sz>(end_ - p - 1, 40)), us);
    if (n == 0 || p + 1 + n + 1 >= end_ || d_[p + 1 + n] != ']' || d_[p + 2 + n] != '[')
        return false;
    out_.set(Field::StartTime, p + 1, n);
    out_.timeUs = us;
    Sz q = p + 2 + n;
    // Up to three bracket groups follow: thread, level, logger.
    for (int group = 0; group < 3 && q < end_ && d_[q] == '['; ++group) {
        const Sz close = findByte(d_, q + 1, qMin(end_, q + 80), ']');
        if (close < 0)
            break;
        const Sz off = q + 1;
        const Sz len = close - off;
        if (out_.level == LogLevel::None) {
            const LogLevel level = parseLevel(v(off, len));
            if (level != LogLevel::None) {
                out_.level = level;
                out_.set(Field::Level, off, len);
                out_.addHighlight(HighlightKind::Level, out_.range(Field::Level));
            }
        } else if (!out_.has(Field::Logger)) {
            out_.set(Field::Logger, off, len);
        }
        q = close + 1;
    }
    if (out_.level == LogLevel::None)
        return false;
    while (q < end_ && d_[q] == ' ')
        ++q;
    if (q < end_)
        out_.set(Field::Message, q, end_ - q);
    out_.kind = LineKind::ProxyLog;
    out_.format = LineFormat::EnvoyLog;
    out_.complete = true;
    scanTokens(q, end_);
    return true;
}

bool LineParser::parseIstioLog(Sz p)
{
    qint64 us = 0;
    const Sz n = logtime::parseIso(v(p, qMin<Sz>(end_ - p, 40)), us);
    if (n == 0 || p + n >= end_ || d_[p + n] != '\t')
        return false;
    const Sz lvl = p + n + 1;
    Sz tab = findByte(d_, lvl, qMin(end_, lvl + 12), '\t');
    const Sz lvlEnd = tab < 0 ? end_ : tab;
    const LogLevel level = parseLevel(v(lvl, lvlEnd - lvl));
    if (level == LogLevel::None)
        return false;
    out_.set(Field::StartTime, p, n);
    out_.timeUs = us;
    out_.level = level;
    out_.set(Field::Level, lvl, lvlEnd - lvl);
    out_.addHighlight(HighlightKind::Level, out_.range(Field::Level));
    Sz msg = lvlEnd < end_ ? lvlEnd + 1 : end_;
    // istio's scoped loggers print `scope\tmessage`; scopes are short ("envoy config", "ads").
    tab = findByte(d_, msg, qMin(end_, msg + 32), '\t');
    if (tab > msg) {
        out_.set(Field::Logger, msg, tab - msg);
        msg = tab + 1;
    }
    if (msg < end_)
        out_.set(Field::Message, msg, end_ - msg);
    out_.kind = LineKind::ProxyLog;
    out_.format = LineFormat::IstioLog;
    out_.complete = true;
    scanTokens(msg, end_);
    return true;
}

}  // namespace obslab::accesslog
