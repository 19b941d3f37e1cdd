#include "core/common/Allocator.h"

#include <cstdint>
#include <cstdlib>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace obslab {

void tuneAllocator()
{
#if defined(__GLIBC__)
    // Blocks under 32 MiB come from the heap (not their own mapping), and up to 64 MiB of free
    // memory at its top stays there for the next block.
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024);
#endif
}

namespace {
constexpr std::size_t kHugePage = 2 * 1024 * 1024;
}

#if defined(__linux__) && defined(MADV_HUGEPAGE)

void* mapLargeMemory(std::size_t bytes, bool hugePages)
{
    if (bytes == 0)
        bytes = 1;
    // Map one huge page more than asked, keep the 2 MiB-aligned part, give back the rest.
    const std::size_t length = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* const raw = mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE,
                           MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        throw std::bad_alloc();
    const auto begin = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (begin + kHugePage - 1) & ~std::uintptr_t(kHugePage - 1);
    if (aligned > begin)
        munmap(raw, aligned - begin);
    const std::uintptr_t tail = aligned + length;
    const std::uintptr_t mapEnd = begin + length + kHugePage;
    if (mapEnd > tail)
        munmap(reinterpret_cast<void*>(tail), mapEnd - tail);
    void* const p = reinterpret_cast<void*>(aligned);
    if (hugePages)
        madvise(p, length, MADV_HUGEPAGE);  // a hint: without huge pages it works the same
    return p;
}

void unmapLargeMemory(void* p, std::size_t bytes)
{
    if (!p)
        return;
    if (bytes == 0)
        bytes = 1;
    munmap(p, (bytes + kHugePage - 1) / kHugePage * kHugePage);
}

#else

void* mapLargeMemory(std::size_t bytes, bool)
{
    return ::operator new(bytes == 0 ? 1 : bytes, std::align_val_t(kHugePage));
}

void unmapLargeMemory(void* p, std::size_t)
{
    ::operator delete(p, std::align_val_t(kHugePage));
}

#endif

}  // namespace obslab
