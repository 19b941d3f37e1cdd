#pragma once

#include <QByteArray>
#include <QString>

namespace obslab {

// Writes `data` to `path` atomically (a temporary file beside it, renamed over it) with mode 0600
// from the moment the file exists: a recording may hold cluster data, so no other user ever gets
// a chance to open it, not even while it is being written. An existing file at `path` is replaced
// (and so loses wider permissions). False with a message when it cannot be written. Any thread.
bool writePrivateFile(const QString& path, const QByteArray& data, QString* error = nullptr);

}  // namespace obslab
