#pragma once

#include <QtGlobal>

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace obslab::bytescan {

// Byte searches for the parser's short spans (a token, a quoted field): inline, 16 bytes at a
// time with SSE2 where the target has it, so that a 3-byte field does not pay for a libc call
// and a 60-byte cluster name does not go byte by byte. Only whole 16-byte loads inside [from, end)
// are made; the last few bytes are checked one by one.

// The first i in [from, end) with d[i] == c, or -1.
inline qsizetype find(const char* d, qsizetype from, qsizetype end, char c)
{
    qsizetype i = from;
#if defined(__SSE2__)
    const __m128i needle = _mm_set1_epi8(c);
    for (; i + 16 <= end; i += 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i));
        const int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(block, needle));
        if (mask != 0)
            return i + __builtin_ctz(unsigned(mask));
        if (i - from >= 256) {
            // A long span: libc's memchr (wider vectors) takes over.
            const void* p = std::memchr(d + i + 16, c, size_t(end - i - 16));
            return p ? static_cast<const char*>(p) - d : -1;
        }
    }
#endif
    for (; i < end; ++i) {
        if (d[i] == c)
            return i;
    }
    return -1;
}

// The first i in [from, end) with d[i] == a or d[i] == b, or -1.
inline qsizetype findEither(const char* d, qsizetype from, qsizetype end, char a, char b)
{
    qsizetype i = from;
#if defined(__SSE2__)
    const __m128i na = _mm_set1_epi8(a);
    const __m128i nb = _mm_set1_epi8(b);
    for (; i + 16 <= end; i += 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i));
        const int mask =
            _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(block, na), _mm_cmpeq_epi8(block, nb)));
        if (mask != 0)
            return i + __builtin_ctz(unsigned(mask));
    }
#endif
    for (; i < end; ++i) {
        if (d[i] == a || d[i] == b)
            return i;
    }
    return -1;
}

// The last i in [from, end) with d[i] == c, or -1 (for short spans: a plain loop).
inline qsizetype findLast(const char* d, qsizetype from, qsizetype end, char c)
{
    for (qsizetype i = end - 1; i >= from; --i) {
        if (d[i] == c)
            return i;
    }
    return -1;
}

// Whether [from, end) holds c.
inline bool contains(const char* d, qsizetype from, qsizetype end, char c)
{
    return find(d, from, end, c) >= 0;
}

// The first i in [from, end) with d[i] == c, or end.
inline qsizetype findOrEnd(const char* d, qsizetype from, qsizetype end, char c)
{
    const qsizetype i = find(d, from, end, c);
    return i < 0 ? end : i;
}

// How many bytes of [from, end) equal c (16 at a time with SSE2: compare, mask, popcount).
inline qint64 count(const char* d, qsizetype from, qsizetype end, char c)
{
    qint64 n = 0;
    qsizetype i = from;
#if defined(__SSE2__)
    const __m128i needle = _mm_set1_epi8(c);
    for (; i + 16 <= end; i += 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i));
        n += __builtin_popcount(unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(block, needle))));
    }
#endif
    for (; i < end; ++i)
        n += d[i] == c;
    return n;
}

// The first i in [from, end - n] where every d[i + k] | 0x20 equals folded[k] (folded: the
// needle's bytes | 0x20), or -1. A superset of the ASCII case-insensitive matches (it also pairs
// '@' with '`' and the like), for prefilters whose candidates are checked afterwards. The first
// and last bytes are compared 16 positions at a time (SSE2), the rest only where both agree.
inline qsizetype findFolded(const char* d, qsizetype from, qsizetype end, const char* folded,
                            qsizetype n)
{
    if (n <= 0)
        return from <= end ? from : -1;
    const auto agrees = [&](qsizetype i) {
        for (qsizetype k = 0; k < n; ++k) {
            if (char(d[i + k] | 0x20) != folded[k])
                return false;
        }
        return true;
    };
    qsizetype i = from;
#if defined(__SSE2__)
    const __m128i bit = _mm_set1_epi8(0x20);
    const __m128i first = _mm_set1_epi8(folded[0]);
    const __m128i last = _mm_set1_epi8(folded[n - 1]);
    for (; i + n - 1 + 16 <= end; i += 16) {
        const __m128i a =
            _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i)), bit);
        const __m128i b =
            _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(d + i + n - 1)), bit);
        unsigned mask = unsigned(
            _mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(a, first), _mm_cmpeq_epi8(b, last))));
        while (mask != 0) {
            const qsizetype at = i + __builtin_ctz(mask);
            if (agrees(at))
                return at;
            mask &= mask - 1;
        }
    }
#endif
    for (; i + n <= end; ++i) {
        if (agrees(i))
            return i;
    }
    return -1;
}

}  // namespace obslab::bytescan
