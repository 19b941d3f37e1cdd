#pragma once

#include "core/common/Allocator.h"

#include <QtGlobal>

#include <limits>
#include <memory>
#include <vector>

namespace obslab {

// Byte offsets of line ends, ascending, in 4 bytes each instead of 8: stored in chunks of 512 Ki
// lines as 32-bit distances from the chunk's first offset. A chunk whose lines span 4 GiB or more
// (lines averaging 8 KiB) switches to full 64-bit offsets, so any file works; the 32-bit copy
// it had is kept until clear() because views handed out earlier may still read it.
//
// LineEndsView reads the first `size` offsets from another thread while the owner appends:
// appending never moves or frees what a view points to. Not thread-safe otherwise.
class LineEndsView
{
public:
    struct Chunk
    {
        qint64 base = 0;
        const quint32* narrow = nullptr;  // used when wide is null
        const qint64* wide = nullptr;
    };
    LineEndsView() = default;
    LineEndsView(std::vector<Chunk> chunks, qsizetype size)
        : chunks_(std::move(chunks))
        , size_(size)
    {}
    qsizetype size() const { return size_; }
    qint64 operator[](qsizetype i) const
    {
        const Chunk& c = chunks_[size_t(i >> kBits)];
        const qsizetype j = i & (kChunk - 1);
        return c.wide ? c.wide[j] : c.base + qint64(c.narrow[j]);
    }

    static constexpr int kBits = 19;  // 2 MiB chunks: one huge page each
    static constexpr qsizetype kChunk = qsizetype(1) << kBits;

private:
    std::vector<Chunk> chunks_;
    qsizetype size_ = 0;
};

class LineEnds
{
public:
    static constexpr qsizetype kChunk = LineEndsView::kChunk;

    qsizetype size() const { return size_; }
    bool empty() const { return size_ == 0; }
    qint64 operator[](qsizetype i) const
    {
        const Chunk& c = chunks_[size_t(i >> LineEndsView::kBits)];
        const qsizetype j = i & (kChunk - 1);
        return c.wide ? c.wide[j] : c.base + qint64(c.narrow[j]);
    }
    qint64 back() const { return (*this)[size_ - 1]; }

    void push_back(qint64 end)
    {
        const qsizetype j = size_ & (kChunk - 1);
        if (j == 0) {
            Chunk c;
            c.base = end;
            c.narrow = makeLargeArray<quint32>(size_t(kChunk), !chunks_.empty());
            chunks_.push_back(std::move(c));
        }
        Chunk& c = chunks_.back();
        if (!c.wide && quint64(end - c.base) > std::numeric_limits<quint32>::max()) {
            c.wide = makeLargeArray<qint64>(size_t(kChunk), true);
            for (qsizetype k = 0; k < j; ++k)
                c.wide[k] = c.base + qint64(c.narrow[k]);
        }
        if (c.wide)
            c.wide[j] = end;
        else
            c.narrow[j] = quint32(end - c.base);
        ++size_;
    }

    template <typename It>
    void append(It first, It last)
    {
        for (; first != last; ++first)
            push_back(*first);
    }

    void clear()
    {
        chunks_.clear();
        size_ = 0;
    }

    LineEndsView view() const
    {
        std::vector<LineEndsView::Chunk> chunks;
        chunks.reserve(chunks_.size());
        for (const Chunk& c : chunks_)
            chunks.push_back({c.base, c.narrow.get(), c.wide.get()});
        return {std::move(chunks), size_};
    }

    qsizetype bytesAllocated() const
    {
        qsizetype total = 0;
        for (const Chunk& c : chunks_)
            total += kChunk * qsizetype(sizeof(quint32)) + (c.wide ? kChunk * 8 : 0);
        return total;
    }

private:
    struct Chunk
    {
        qint64 base = 0;
        LargeArray<quint32> narrow;
        LargeArray<qint64> wide;
    };
    std::vector<Chunk> chunks_;
    qsizetype size_ = 0;
};

}  // namespace obslab
