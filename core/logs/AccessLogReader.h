#pragma once

#include "core/logs/ByteScan.h"
#include "core/logs/ParsedLine.h"

#include <QByteArrayView>

// The byte-level tools of the access-log parser (AccessLogParser.cpp and one file per layout):
// character classes, counts, levels and the Reader of space-separated TEXT tokens. Inline: they
// run for every byte of every line.
namespace obslab::accesslog {

using Sz = qsizetype;

inline bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

inline bool isAlnum(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

inline Sz findByte(const char* d, Sz from, Sz end, char c)
{
    return bytescan::find(d, from, end, c);
}

inline bool parseCount(QByteArrayView v, qint64& out)
{
    if (v.isEmpty() || v.size() > 18)
        return false;
    qint64 n = 0;
    for (char c : v) {
        if (!isDigit(c))
            return false;
        n = n * 10 + (c - '0');
    }
    out = n;
    return true;
}

// "info", "warn", "ERROR", … as a LogLevel; LogLevel::None for anything else.
LogLevel parseLevel(QByteArrayView v);

// Reads space-separated tokens of a TEXT access line.
struct Reader
{
    const char* d;
    Sz pos;
    Sz end;

    bool atEnd() const { return pos >= end; }
    void skipSpaces()
    {
        while (pos < end && d[pos] == ' ')
            ++pos;
    }
    // An unquoted token up to the next space.
    bool word(Sz& off, Sz& len)
    {
        if (atEnd() || d[pos] == '"')
            return false;
        off = pos;
        pos = bytescan::findOrEnd(d, pos, end, ' ');
        len = pos - off;
        skipSpaces();
        return true;
    }
    // Any token up to the next space, quotes and all (recovery).
    void anyToken()
    {
        const Sz sp = findByte(d, pos, end, ' ');
        pos = sp < 0 ? end : sp;
        skipSpaces();
    }
    // `"…"`: Envoy does not escape quotes, so the field ends at a quote followed by a space or
    // the end of the line.
    bool quoted(Sz& off, Sz& len)
    {
        if (atEnd() || d[pos] != '"')
            return false;
        Sz q = pos + 1;
        for (;;) {
            const Sz f = findByte(d, q, end, '"');
            if (f < 0)
                return false;
            if (f + 1 == end || d[f + 1] == ' ') {
                off = pos + 1;
                len = f - off;
                pos = f + 1;
                skipSpaces();
                return true;
            }
            q = f + 1;
        }
    }
    // The quoted fields the look-ahead of quotedBefore read, so that they are not read twice.
    struct QuotedRun
    {
        static constexpr int kMax = 3;
        Sz off[kMax] = {};
        Sz len[kMax] = {};
        Sz end = 0;  // the position after the last of them
        bool valid = false;
    };
    bool quotedRunFollows(int count, QuotedRun& run) const
    {
        Reader t = *this;
        for (int i = 0; i < count; ++i) {
            Sz o = 0;
            Sz l = 0;
            if (!t.quoted(o, l) || findByte(d, o, o + l, '"') >= 0)
                return false;
            run.off[i] = o;
            run.len[i] = l;
        }
        run.end = t.pos;
        run.valid = true;
        return true;
    }
    // A quoted field that may itself contain `" ` (a user agent): the right end is the one after
    // which `count` (at most QuotedRun::kMax) well-formed quoted fields follow; those are in
    // run when it is valid.
    bool quotedBefore(int count, Sz& off, Sz& len, QuotedRun& run)
    {
        run.valid = false;
        if (atEnd() || d[pos] != '"')
            return false;
        Sz q = pos + 1;
        for (int candidates = 0; candidates < 64; ++candidates) {
            const Sz f = findByte(d, q, end, '"');
            if (f < 0)
                break;
            if (f + 1 < end && d[f + 1] == ' ') {
                Reader t{d, f + 1, end};
                t.skipSpaces();
                if (t.quotedRunFollows(count, run)) {
                    off = pos + 1;
                    len = f - off;
                    pos = t.pos;
                    return true;
                }
                run.valid = false;
            }
            q = f + 1;
        }
        return quoted(off, len);
    }
};

}  // namespace obslab::accesslog
