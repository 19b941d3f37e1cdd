#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>

namespace obslab {

// Keeps the C library's allocator from giving memory back to the system and faulting it in again
// on every 8 MiB block of a log index: the index's workers allocate and free a few MiB of line
// offsets and records per block, which by default are fresh mapped pages each time (a third of a
// 1 GiB index's CPU time went to page faults). Freed blocks up to 64 MiB are now reused instead.
// Called once at start, before any thread.
void tuneAllocator();

// Memory for big, long-lived arrays (the index's chunks of line ends and records, the log
// readers' blocks: megabytes each), mapped straight from the system and aligned to 2 MiB. With
// hugePages it is also marked for transparent huge pages where the kernel offers them on
// request: a gigabyte log's index then costs a few dozen page faults instead of thirty thousand
// (in a VM a fault costs microseconds: a tenth of a fresh process's indexing time). The index
// asks for huge pages only once an array has grown past its first chunk, so that a small file
// keeps only the pages it touches. The memory is uninitialised. Throws std::bad_alloc when the
// system refuses.
void* mapLargeMemory(std::size_t bytes, bool hugePages);
void unmapLargeMemory(void* p, std::size_t bytes);

template <typename T>
struct LargeMemoryRelease
{
    std::size_t bytes = 0;
    void operator()(T* p) const { unmapLargeMemory(p, bytes); }
};

template <typename T>
using LargeArray = std::unique_ptr<T[], LargeMemoryRelease<T>>;

// count elements of a trivially copyable T, uninitialised (see mapLargeMemory).
template <typename T>
LargeArray<T> makeLargeArray(std::size_t count, bool hugePages)
{
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    const std::size_t bytes = count * sizeof(T);
    // A byte array begun in the mapping implicitly creates the Ts in it (mmap itself does not).
    auto* storage = ::new (mapLargeMemory(bytes, hugePages)) std::byte[bytes];
    return LargeArray<T>(std::launder(reinterpret_cast<T*>(storage)), LargeMemoryRelease<T>{bytes});
}

}  // namespace obslab
