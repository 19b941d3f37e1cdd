#pragma once

#include "core/lab/Lab.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace obslab {

// One problem in a lab file, with where it is.
struct LabIssue
{
    QString file;
    LabPos pos;
    QString message;

    QString toString() const;  // "FILE:LINE:COL: message" (as compilers print, for editors)
};

struct LabLoadResult
{
    std::optional<Lab> lab;  // set only when there are no errors
    QList<LabIssue> errors;
    bool ok() const { return lab.has_value(); }
};

// Reads a lab (YAML, format version 1) with yaml-cpp and checks it completely: structure, types,
// unknown keys (with the nearest known key suggested), references between actions and checks,
// `${variables}`, manifest paths, and the trust model (LabTrust). Every error is collected, each
// with file:line:column; yaml-cpp's exceptions never escape. Pure; any thread.
namespace LabLoader {

constexpr qint64 kMaxFileSize = 1024 * 1024;

LabLoadResult loadFile(const QString& path);
// fileName is used in messages; dir is where manifest paths point (empty: files are not checked
// for existence).
LabLoadResult loadBytes(const QByteArray& yaml, const QString& fileName, const QString& dir = {});

// The known key closest to `key` by edit distance (case-insensitive), if it is close enough to be
// a misspelling; else empty.
QString nearestKey(const QString& key, const QStringList& known);

// `${name}` references in text, in order (duplicates kept).
QStringList variableReferences(const QString& text);

}  // namespace LabLoader
}  // namespace obslab
