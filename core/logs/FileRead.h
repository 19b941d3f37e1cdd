#pragma once

#include <QtGlobal>

namespace obslab {

// pread() until `size` bytes are read or the file ends, retrying on EINTR. Returns the bytes
// read (less than size at end of file), or -1 when nothing could be read. Thread-safe: it does
// not move the descriptor's file position.
qint64 preadFully(int fd, char* buffer, qint64 size, qint64 offset);

}  // namespace obslab
