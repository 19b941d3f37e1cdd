#pragma once

#include "core/common/Allocator.h"

#include <QtGlobal>

#include <memory>
#include <vector>

namespace obslab {

// An append-only array in fixed-size chunks: no reallocation copy while it grows, and at most
// one partly filled chunk of slack, so memory stays proportional to the element count (a
// std::vector can hold twice what it needs after a doubling). The chunks are index memory
// (mapLargeMemory): the first in 4 KiB pages, touched as it fills, the rest in huge pages where
// the system has them. T is trivially copyable. Not thread-safe.
// A read-only view of the first `size` elements of a ChunkedVector, safe to use from another
// thread while the owner appends (appending never moves existing chunks) as long as the owner
// neither truncates nor clears it meanwhile.
template <typename T, int ChunkBits = 16>
class ChunkedView
{
public:
    ChunkedView() = default;
    ChunkedView(std::vector<const T*> chunks, qsizetype size)
        : chunks_(std::move(chunks))
        , size_(size)
    {}
    qsizetype size() const { return size_; }
    const T& operator[](qsizetype i) const
    {
        return chunks_[size_t(i >> ChunkBits)][i & ((qsizetype(1) << ChunkBits) - 1)];
    }

private:
    std::vector<const T*> chunks_;
    qsizetype size_ = 0;
};

template <typename T, int ChunkBits = 16>
class ChunkedVector
{
public:
    static constexpr qsizetype kChunk = qsizetype(1) << ChunkBits;

    qsizetype size() const { return size_; }
    bool empty() const { return size_ == 0; }

    const T& operator[](qsizetype i) const
    {
        return chunks_[size_t(i >> ChunkBits)][i & (kChunk - 1)];
    }
    T& operator[](qsizetype i) { return chunks_[size_t(i >> ChunkBits)][i & (kChunk - 1)]; }
    const T& back() const { return (*this)[size_ - 1]; }

    void push_back(const T& value)
    {
        if ((size_ & (kChunk - 1)) == 0 && size_ >> ChunkBits == qsizetype(chunks_.size()))
            chunks_.push_back(makeLargeArray<T>(size_t(kChunk), !chunks_.empty()));
        (*this)[size_] = value;
        ++size_;
    }

    template <typename It>
    void append(It first, It last)
    {
        for (; first != last; ++first)
            push_back(*first);
    }

    // Drops elements past n (keeps the chunks for reuse).
    void truncate(qsizetype n)
    {
        if (n < size_)
            size_ = n;
    }

    void clear()
    {
        chunks_.clear();
        size_ = 0;
    }

    ChunkedView<T, ChunkBits> view() const
    {
        std::vector<const T*> chunks;
        chunks.reserve(chunks_.size());
        for (const auto& c : chunks_)
            chunks.push_back(c.get());
        return {std::move(chunks), size_};
    }

    qsizetype bytesAllocated() const
    {
        return qsizetype(chunks_.size()) * kChunk * qsizetype(sizeof(T));
    }

private:
    std::vector<LargeArray<T>> chunks_;
    qsizetype size_ = 0;
};

}  // namespace obslab
