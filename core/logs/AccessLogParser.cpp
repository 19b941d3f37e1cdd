#include "core/logs/AccessLogParser.h"

#include "core/logs/AccessLogLineParser.h"

#include <cstring>
#include <limits>

namespace obslab {

namespace accesslog {

LogLevel parseLevel(QByteArrayView v)
{
    auto is = [&](const char* s) { return v.compare(s, Qt::CaseInsensitive) == 0; };
    if (is("info"))
        return LogLevel::Info;
    if (is("warning") || is("warn"))
        return LogLevel::Warning;
    if (is("error") || is("err"))
        return LogLevel::Error;
    if (is("debug"))
        return LogLevel::Debug;
    if (is("trace"))
        return LogLevel::Trace;
    if (is("critical") || is("fatal") || is("panic"))
        return LogLevel::Critical;
    return LogLevel::None;
}

void LineParser::run()
{
    end_ = qMin<Sz>(size_, std::numeric_limits<quint32>::max());
    while (end_ > 0 && (d_[end_ - 1] == '\r' || d_[end_ - 1] == ' ' || d_[end_ - 1] == '\t'))
        --end_;
    Sz p = 0;
    readPrefixes(p);
    if (p >= end_)
        return;
    const char c = d_[p];
    bool structured = false;
    if (c == '{') {
        parseJson(p);
        structured = out_.format != LineFormat::Unknown;
    } else if (c == '[') {
        structured = parseEnvoyLog(p) || parseTextAccess(p);
    } else if (isDigit(c)) {
        structured = parseIstioLog(p);
    }
    if (!structured) {
        parseKeyValues(p);
        if (out_.format == LineFormat::Unknown)
            scanTokens(p, end_);
    }
    if (out_.timeUs == ParsedLine::kMissing)
        out_.timeUs = out_.kubeTimeUs;
}

void LineParser::readPrefixes(Sz& p)
{
    for (int round = 0; round < 2 && p < end_; ++round) {
        if (end_ - p > 5 && std::memcmp(d_ + p, "[pod/", 5) == 0 && !out_.has(Field::Pod)) {
            const Sz close = findByte(d_, p + 5, qMin(end_, p + 600), ']');
            if (close < 0)
                return;
            const Sz lastSlash = bytescan::findLast(d_, p + 5, close, '/');
            const Sz slash = lastSlash < 0 ? -1 : lastSlash - (p + 5);
            if (slash <= 0)
                return;
            out_.set(Field::Pod, p + 5, slash);
            out_.set(Field::Container, p + 5 + slash + 1, close - (p + 5 + slash + 1));
            p = close + 1;
            if (p < end_ && d_[p] == ' ')
                ++p;
            continue;
        }
        if (isDigit(d_[p]) && !out_.has(Field::KubeTimestamp)) {
            qint64 us = 0;
            const Sz n = logtime::parseIso(v(p, qMin<Sz>(end_ - p, 40)), us);
            // kubectl separates its timestamp with a space; istio's own lines use a tab.
            const bool rfc3339 =
                n > 20 && d_[p + 10] == 'T' && (d_[p + n - 1] == 'Z' || d_[p + n - 3] == ':');
            if (rfc3339 && p + n < end_ && d_[p + n] == ' ') {
                out_.set(Field::KubeTimestamp, p, n);
                out_.kubeTimeUs = us;
                p += n + 1;
                continue;
            }
        }
        return;
    }
}

}  // namespace accesslog

void AccessLogParser::parse(QByteArrayView line, ParsedLine& out)
{
    out.clear();
    accesslog::LineParser(line, out).run();
}

}  // namespace obslab
