#pragma once

#include <QString>
#include <QtGlobal>

namespace obslab {

// pread() until `size` bytes are read or the file ends, retrying on EINTR. Returns the bytes
// read (less than size only at end of file), or -1 (errno set) when a read fails, even after
// some bytes came: a short count would read as the end of the file and hide the error.
// Thread-safe: it does not move the descriptor's file position.
qint64 preadFully(int fd, char* buffer, qint64 size, qint64 offset);

// pwrite()/write() everything, retrying on EINTR and short writes. False (errno set) on error.
bool pwriteFully(int fd, const char* buffer, qint64 size, qint64 offset);
bool writeFully(int fd, const char* buffer, qint64 size);

// A private temporary file, already unlinked: gone from the disk as soon as the last descriptor
// is closed, even after a crash. `purpose` names it while it briefly exists (obslab-PURPOSE-XXXXXX)
// in the user's cache folder, or the temp folder. -1 with *error set when it cannot be created.
int anonymousTempFile(const char* purpose, QString* error);

// strerror() as a QString.
QString errnoText(int error);

}  // namespace obslab
