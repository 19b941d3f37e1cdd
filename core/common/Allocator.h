#pragma once

namespace obslab {

// Keeps the C library's allocator from giving memory back to the system and faulting it in again
// on every 8 MiB block of a log index: the index's workers allocate and free a few MiB of line
// offsets and records per block, which by default are fresh mapped pages each time (a third of a
// 1 GiB index's CPU time went to page faults). Freed blocks up to 64 MiB are now reused instead.
// Called once at start, before any thread.
void tuneAllocator();

}  // namespace obslab
