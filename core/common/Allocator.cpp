#include "core/common/Allocator.h"

#include <cstdlib>  // defines __GLIBC__ on glibc

#if defined(__GLIBC__)
#include <malloc.h>
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

}  // namespace obslab
