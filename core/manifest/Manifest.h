#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>
#include <QStringList>

namespace obslab {

// One problem in a manifest, at a 1-based line and column of the whole text.
struct ManifestIssue
{
    enum class Severity
    {
        Error,    // kubectl would refuse the document (or could not even read it)
        Warning,  // it may work, but probably is not what was meant
    };
    Severity severity = Severity::Error;
    int line = 1;
    int column = 1;
    int document = 0;  // 0-based index of the YAML document
    QString message;

    bool isError() const { return severity == Severity::Error; }
    QString toString() const;  // "12:5: error: …"
};

// One Kubernetes object a manifest holds (a `kind: List` contributes its items).
struct ManifestResource
{
    QString apiVersion;
    QString kind;
    QString name;      // metadata.name (or generateName followed by "…")
    QString ns;        // metadata.namespace; empty: the namespace of the command
    int document = 0;  // 0-based index of the YAML document
    int line = 1;      // 1-based line where the object starts
    bool knownKind = false;
    QStringList secretKeys;  // Secret only: keys of data and stringData (never the values)

    QString displayName() const;  // "Deployment frontend (ns shop)"
};

struct ManifestParse
{
    QList<ManifestResource> resources;
    QList<ManifestIssue> issues;  // in text order
    int documents = 0;            // YAML documents, empty ones included

    int errorCount() const;
    int warningCount() const;
    bool hasErrors() const { return errorCount() > 0; }
};

// Parses and checks a multi-document manifest. Pure functions, any thread; never throw. Each
// document is parsed on its own, so a broken one does not hide the problems of the others.
namespace Manifest {

// Limits that keep hostile input cheap: bigger texts are refused with an error, and nesting
// deeper than kMaxDepth (no manifest needs it) is refused before yaml-cpp recurses into it.
inline constexpr qsizetype kMaxBytes = 8 * 1024 * 1024;
inline constexpr int kMaxDepth = 64;

ManifestParse parse(QByteArrayView yaml);
// The text with every value under data/stringData of Secret documents masked, for any display
// or record (the same masking the Transcript applies).
QString maskSecrets(const QString& yaml);
// "1 Deployment, 2 Services": a short summary of the resources.
QString summary(const QList<ManifestResource>& resources);

}  // namespace Manifest

}  // namespace obslab
