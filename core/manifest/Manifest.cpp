#include "core/manifest/Manifest.h"

#include "core/common/YamlReader.h"

#include "core/manifest/KnownKinds.h"
#include "core/process/Redactor.h"

#include <yaml-cpp/yaml.h>

#include <QByteArray>
#include <QHash>
#include <QMap>
#include <QSet>

#include <algorithm>
#include <exception>
#include <string>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

QString ManifestIssue::toString() const
{
    return u"%1:%2: %3: %4"_s.arg(line).arg(column).arg(
        severity == Severity::Error ? u"error"_s : u"warning"_s, message);
}

QString ManifestResource::displayName() const
{
    QString text = kind.isEmpty() ? u"(no kind)"_s : kind;
    text += u' ' + (name.isEmpty() ? u"(no name)"_s : name);
    if (!ns.isEmpty())
        text += u" (namespace "_s + ns + u')';
    return text;
}

int ManifestParse::errorCount() const
{
    return int(std::count_if(issues.cbegin(), issues.cend(),
                             [](const ManifestIssue& i) { return i.isError(); }));
}

int ManifestParse::warningCount() const
{
    return int(issues.size()) - errorCount();
}

namespace {

struct Chunk
{
    int firstLine = 0;  // 0-based line of the whole text where the chunk starts
    QByteArrayView text;
    bool explicitStart = false;  // began with a `---` line
};

bool isMarkerLine(QByteArrayView line, const char* marker)
{
    if (!line.startsWith(marker))
        return false;
    if (line.size() == 3)
        return true;
    const char next = line.at(3);
    return next == ' ' || next == '\t' || next == '\r';
}

// Splits at `---` (the separator stays at the start of the next chunk, so yaml-cpp's marks only
// need the chunk's line offset) and at `...` (dropped).
QList<Chunk> splitDocuments(QByteArrayView text)
{
    QList<Chunk> chunks;
    qsizetype chunkStart = 0;
    int chunkLine = 0;
    bool chunkExplicit = false;
    qsizetype pos = 0;
    int line = 0;
    auto close = [&](qsizetype end) {
        chunks.append({chunkLine, text.sliced(chunkStart, end - chunkStart), chunkExplicit});
    };
    while (pos < text.size()) {
        qsizetype end = text.indexOf('\n', pos);
        if (end < 0)
            end = text.size();
        const QByteArrayView current = text.sliced(pos, end - pos);
        const qsizetype next = end < text.size() ? end + 1 : end;
        if (isMarkerLine(current, "---")) {
            close(pos);
            chunkStart = pos;
            chunkLine = line;
            chunkExplicit = true;
        } else if (isMarkerLine(current, "...")) {
            close(pos);
            chunkStart = next;
            chunkLine = line + 1;
            chunkExplicit = false;
        }
        pos = next;
        ++line;
    }
    close(text.size());
    return chunks;
}

bool isBlank(QByteArrayView text)
{
    qsizetype pos = 0;
    while (pos < text.size()) {
        qsizetype end = text.indexOf('\n', pos);
        if (end < 0)
            end = text.size();
        const QByteArrayView line = text.sliced(pos, end - pos).trimmed();
        if (!line.isEmpty() && !line.startsWith('#'))
            return false;
        pos = end + 1;
    }
    return true;
}

// The key node of a mapping entry: its mark is where the entry starts (the value of a block
// mapping starts on the next line).
YAML::Node keyOf(const YAML::Node& map, const char* key)
{
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == key)
            return it->first;
    }
    return map;
}

QString scalar(const YAML::Node& node)
{
    if (!node || !node.IsScalar())
        return {};
    return QString::fromStdString(node.Scalar());
}

class DocumentChecker
{
public:
    DocumentChecker(ManifestParse& out, QSet<QString>& seen, int document, int lineOffset)
        : out_(out)
        , seen_(seen)
        , document_(document)
        , lineOffset_(lineOffset)
    {}

    void check(const YAML::Node& root, bool inList)
    {
        if (!root || root.IsNull())
            return;
        if (!root.IsMap()) {
            error(root, inList ? u"a List item must be a Kubernetes object (a mapping with "
                                 "apiVersion, kind and metadata)"_s
                               : u"a document must be a Kubernetes object (a mapping with "
                                 "apiVersion, kind and metadata)"_s);
            return;
        }
        ManifestResource resource;
        resource.document = document_;
        resource.line = root.Mark().line + lineOffset_ + 1;
        const YAML::Node apiVersion = root["apiVersion"];
        const YAML::Node kind = root["kind"];
        const YAML::Node metadata = root["metadata"];
        resource.apiVersion = scalar(apiVersion);
        resource.kind = scalar(kind);
        if (!apiVersion)
            error(root, u"apiVersion is missing"_s);
        else if (resource.apiVersion.isEmpty())
            error(apiVersion, u"apiVersion must be a string such as apps/v1"_s);
        if (!kind)
            error(root, u"kind is missing"_s);
        else if (resource.kind.isEmpty())
            error(kind, u"kind must be a string such as Deployment"_s);

        const KnownKinds::Kind* known = KnownKinds::find(resource.kind);
        resource.knownKind = known != nullptr;
        if (!resource.kind.isEmpty() && !known) {
            warning(kind,
                    u"%1 is not a kind ObsLab knows; kubectl will ask the cluster whether it "
                    "serves it (a custom resource needs its CRD installed)"_s.arg(resource.kind));
        } else if (known && !resource.apiVersion.isEmpty() &&
                   !known->apiVersions.contains(resource.apiVersion)) {
            warning(apiVersion,
                    u"%1 is served as %2, not %3"_s.arg(
                        resource.kind, known->apiVersions.join(u" or "_s), resource.apiVersion));
        }

        if (resource.kind == u"List" && root["items"]) {
            const YAML::Node items = root["items"];
            if (!items.IsSequence()) {
                error(items, u"items of a List must be a sequence of objects"_s);
                return;
            }
            for (const YAML::Node& item : items)
                check(item, true);
            return;
        }

        if (!metadata) {
            error(root, u"metadata is missing (it needs at least a name)"_s);
        } else if (!metadata.IsMap()) {
            error(metadata, u"metadata must be a mapping with a name"_s);
        } else {
            resource.name = scalar(metadata["name"]);
            resource.ns = scalar(metadata["namespace"]);
            const QString generateName = scalar(metadata["generateName"]);
            if (resource.name.isEmpty() && !generateName.isEmpty())
                resource.name = generateName + u"…"_s;
            if (resource.name.isEmpty() && resource.kind != u"IstioOperator")
                error(metadata["name"] ? metadata["name"] : keyOf(root, "metadata"),
                      u"metadata.name is missing"_s);
            if (known && !known->namespaced && !resource.ns.isEmpty())
                warning(metadata["namespace"], u"%1 is cluster-scoped: metadata.namespace is "
                                               "ignored"_s.arg(resource.kind));
        }

        if (resource.kind == u"Secret") {
            for (const char* field : {"data", "stringData"}) {
                const YAML::Node values = root[field];
                if (!values)
                    continue;
                if (!values.IsMap()) {
                    if (!values.IsNull())
                        error(values, u"%1 of a Secret must be a mapping of keys to values"_s.arg(
                                          QLatin1String(field)));
                    continue;
                }
                for (auto it = values.begin(); it != values.end(); ++it) {
                    const QString key = scalar(it->first);
                    if (!key.isEmpty() && !resource.secretKeys.contains(key))
                        resource.secretKeys << key;
                    if (std::string_view(field) == "data" && it->second.IsScalar() &&
                        !looksBase64(it->second.Scalar())) {
                        // Say where, never what: the value is a secret.
                        error(it->second, u"data.%1 is not base64 (put plain text under "
                                          "stringData instead)"_s.arg(key));
                    }
                }
            }
        }

        const QString identity = resource.kind + u'/' + resource.ns + u'/' + resource.name;
        if (!resource.name.isEmpty() && !resource.kind.isEmpty()) {
            if (seen_.contains(identity))
                warning(root,
                        u"%1 appears twice; the later one wins"_s.arg(resource.displayName()));
            seen_.insert(identity);
        }
        out_.resources.append(resource);
    }

private:
    static bool looksBase64(const std::string& value)
    {
        int count = 0;
        for (const char c : value) {
            if (c == '\n' || c == '\r' || c == ' ')
                continue;
            const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=' ||
                            c == '-' || c == '_';
            if (!ok)
                return false;
            ++count;
        }
        return count % 4 == 0;
    }

    void add(ManifestIssue::Severity severity, const YAML::Node& at, const QString& message)
    {
        ManifestIssue issue;
        issue.severity = severity;
        const YAML::Mark mark = at ? at.Mark() : YAML::Mark::null_mark();
        issue.line = (mark.line >= 0 ? mark.line : 0) + lineOffset_ + 1;
        issue.column = (mark.column >= 0 ? mark.column : 0) + 1;
        issue.document = document_;
        issue.message = message;
        out_.issues.append(issue);
    }
    void error(const YAML::Node& at, const QString& message)
    {
        add(ManifestIssue::Severity::Error, at, message);
    }
    void warning(const YAML::Node& at, const QString& message)
    {
        add(ManifestIssue::Severity::Warning, at, message);
    }

    ManifestParse& out_;
    QSet<QString>& seen_;
    int document_;
    int lineOffset_;
};

QString parserMessage(const QString& msg)
{
    const QString text = msg.trimmed();
    if (text.isEmpty())
        return u"not valid YAML"_s;
    return u"not valid YAML: "_s + text;
}

}  // namespace

namespace Manifest {

ManifestParse parse(QByteArrayView yaml)
{
    ManifestParse out;
    if (yaml.size() > kMaxBytes) {
        out.issues.append({ManifestIssue::Severity::Error, 1, 1, 0,
                           u"the manifest is larger than %1 MiB; split it into several files"_s.arg(
                               kMaxBytes / (1024 * 1024))});
        return out;
    }
    QSet<QString> seen;
    int document = 0;
    for (const Chunk& chunk : splitDocuments(yaml)) {
        if (!chunk.explicitStart && isBlank(chunk.text))
            continue;  // nothing before the first `---` (or after a `...`)
        const int index = document++;
        // The size was checked above; depth, aliases and syntax per document.
        const YamlDocuments read = YamlReader::read(chunk.text, {kMaxBytes, kMaxDepth, false});
        if (const YamlIssue* issue = read.fatal()) {
            ManifestIssue error;
            error.line = chunk.firstLine + issue->line;
            error.column = issue->column;
            error.document = index;
            switch (issue->kind) {
            case YamlIssue::Kind::Syntax:
            case YamlIssue::Kind::Failure:
                error.message = parserMessage(issue->detail);
                break;
            default:
                error.message = issue->message();
                break;
            }
            out.issues.append(error);
            continue;
        }
        DocumentChecker checker(out, seen, index, chunk.firstLine);
        try {
            checker.check(read.documents.first(), false);
        } catch (const YAML::Exception& e) {
            ManifestIssue issue;
            issue.line = (e.mark.line >= 0 ? e.mark.line : 0) + chunk.firstLine + 1;
            issue.column = (e.mark.column >= 0 ? e.mark.column : 0) + 1;
            issue.document = index;
            issue.message = parserMessage(QString::fromStdString(e.msg));
            out.issues.append(issue);
        } catch (const std::exception& e) {
            out.issues.append({ManifestIssue::Severity::Error, chunk.firstLine + 1, 1, index,
                               parserMessage(QString::fromStdString(e.what()))});
        }
    }
    out.documents = document;
    std::stable_sort(out.issues.begin(), out.issues.end(),
                     [](const ManifestIssue& a, const ManifestIssue& b) {
                         return a.line != b.line ? a.line < b.line : a.column < b.column;
                     });
    return out;
}

QString maskSecrets(const QString& yaml)
{
    return Redactor::redactManifest(yaml);
}

QString summary(const QList<ManifestResource>& resources)
{
    if (resources.isEmpty())
        return u"no resources"_s;
    QMap<QString, int> counts;
    QStringList order;
    for (const ManifestResource& r : resources) {
        const QString kind = r.kind.isEmpty() ? u"object without kind"_s : r.kind;
        if (!counts.contains(kind))
            order << kind;
        ++counts[kind];
    }
    QStringList parts;
    for (const QString& kind : order) {
        const int n = counts.value(kind);
        parts << (n == 1 ? u"1 "_s + kind : u"%1 %2s"_s.arg(n).arg(kind));
    }
    return parts.join(u", "_s);
}

}  // namespace Manifest

}  // namespace obslab
