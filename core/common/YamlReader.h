#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <yaml-cpp/node/node.h>

namespace obslab {

// A problem found while reading YAML, at a 1-based line and column of the text read.
struct YamlIssue
{
    enum class Kind
    {
        TooLarge,      // more bytes than YamlOptions::maxBytes
        TooDeep,       // nested deeper than YamlOptions::maxDepth
        TooManyNodes,  // aliases that expand to more values than the text could hold
        Syntax,        // yaml-cpp refused the text; detail is its message
        Failure,       // yaml-cpp failed otherwise (out of memory, …); detail is what()
        Tag,           // plainOnly: a tag such as `!!binary` or `!custom`; detail is the tag
        MergeKey,      // plainOnly: a merge key `<<`
    };
    Kind kind = Kind::Syntax;
    int line = 1;
    int column = 1;
    QString detail;

    // True for the kinds that leave no documents to read (all but Tag and MergeKey).
    bool isFatal() const { return kind != Kind::Tag && kind != Kind::MergeKey; }
    QString message() const;                      // "not valid YAML: …"
    QString toString(const QString& file) const;  // "FILE:LINE:COL: message"
};

struct YamlOptions
{
    qsizetype maxBytes = 8 * 1024 * 1024;
    int maxDepth = 64;
    // Refuse what hides what a text says (the lab format): tags and merge keys are issues; the
    // documents are still returned so that the caller reports its own problems too.
    bool plainOnly = false;
};

struct YamlDocuments
{
    QList<YAML::Node> documents;  // empty when fatal() is set
    QList<YamlIssue> issues;      // a fatal issue alone, or the plainOnly issues in text order

    const YamlIssue* fatal() const;
};

// The one way core reads YAML (labs, manifests, the mesh config): bounded before yaml-cpp sees
// the text — its size, and a conservative estimate of its nesting depth, so that yaml-cpp's
// recursion stays shallow — and bounded after: aliases may not expand the documents to more
// values than the text could hold, nor deeper than maxDepth. yaml-cpp's exceptions never escape.
// Pure functions, any thread.
namespace YamlReader {

// Every document of the text (yaml-cpp's LoadAll).
YamlDocuments readAll(QByteArrayView text, const YamlOptions& options = {});
// The first document (yaml-cpp's Load): always one document (a null node for an empty text)
// unless an issue is fatal.
YamlDocuments read(QByteArrayView text, const YamlOptions& options = {});

// The nesting estimate on its own: false, with the 1-based position of the first line that
// goes deeper than maxDepth, when the text may nest deeper (open block indentation levels,
// compact `- - x` indicators and flow brackets outside quotes and comments).
bool depthWithinLimit(QByteArrayView text, int maxDepth, int* badLine, int* badColumn);

}  // namespace YamlReader

}  // namespace obslab
