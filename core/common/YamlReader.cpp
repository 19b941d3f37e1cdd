#include "core/common/YamlReader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <string>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

QString YamlIssue::message() const
{
    switch (kind) {
    case Kind::TooLarge:
        return u"the text is larger than %1 bytes"_s.arg(detail);
    case Kind::TooDeep:
        return u"nested more than %1 levels deep; ObsLab does not read this"_s.arg(detail);
    case Kind::TooManyNodes:
        return u"its aliases expand to more than %1 values; write the values out"_s.arg(detail);
    case Kind::Syntax:
    case Kind::Failure:
        return detail.isEmpty() ? u"not valid YAML"_s : u"not valid YAML: "_s + detail;
    case Kind::Tag:
        return u"a YAML tag ('%1') where plain values are expected"_s.arg(detail);
    case Kind::MergeKey:
        return u"a YAML merge key ('<<') where the values should be written out"_s;
    }
    return {};
}

QString YamlIssue::toString(const QString& file) const
{
    return u"%1:%2:%3: %4"_s.arg(file).arg(line).arg(column).arg(message());
}

const YamlIssue* YamlDocuments::fatal() const
{
    for (const YamlIssue& issue : issues)
        if (issue.isFatal())
            return &issue;
    return nullptr;
}

namespace {

YamlIssue issueAt(YamlIssue::Kind kind, const YAML::Mark& mark, QString detail)
{
    YamlIssue issue;
    issue.kind = kind;
    issue.line = mark.line >= 0 ? mark.line + 1 : 1;
    issue.column = mark.column >= 0 ? mark.column + 1 : 1;
    issue.detail = std::move(detail);
    return issue;
}

// After yaml-cpp: every node once per path to it (an alias is walked again each time it is
// used), within a budget of values and maxDepth; with plainOnly, tags and merge keys.
class Walk
{
public:
    Walk(const YamlOptions& options, qsizetype textSize, QList<YamlIssue>& issues)
        : options_(options)
        , budget_(2 * qint64(textSize) + 1024)
        , limit_(budget_)
        , issues_(issues)
    {}

    bool failed() const { return failed_; }

    void node(const YAML::Node& n, int depth)
    {
        if (failed_)
            return;
        if (--budget_ < 0) {
            fail(YamlIssue::Kind::TooManyNodes, n, QString::number(limit_));
            return;
        }
        if (depth > options_.maxDepth) {
            fail(YamlIssue::Kind::TooDeep, n, QString::number(options_.maxDepth));
            return;
        }
        if (options_.plainOnly) {
            const std::string& tag = n.Tag();
            if (!tag.empty() && tag != "?" && tag != "!")
                issues_.append(
                    issueAt(YamlIssue::Kind::Tag, n.Mark(), QString::fromStdString(tag)));
        }
        if (n.IsMap()) {
            for (auto it = n.begin(); it != n.end(); ++it) {
                const YAML::Node k = it->first;
                if (options_.plainOnly && k.IsScalar() && k.Scalar() == "<<" && k.Tag() != "!")
                    issues_.append(issueAt(YamlIssue::Kind::MergeKey, k.Mark(), {}));
                node(k, depth + 1);
                node(it->second, depth + 1);
            }
        } else if (n.IsSequence()) {
            for (const YAML::Node& item : n)
                node(item, depth + 1);
        }
    }

private:
    void fail(YamlIssue::Kind kind, const YAML::Node& at, const QString& detail)
    {
        failed_ = true;
        issues_ = {issueAt(kind, at.Mark(), detail)};
    }

    const YamlOptions& options_;
    qint64 budget_;
    qint64 limit_;
    QList<YamlIssue>& issues_;
    bool failed_ = false;
};

YamlDocuments readDocuments(QByteArrayView text, const YamlOptions& options, bool all)
{
    YamlDocuments out;
    if (text.size() > options.maxBytes) {
        out.issues.append({YamlIssue::Kind::TooLarge, 1, 1, QString::number(options.maxBytes)});
        return out;
    }
    int badLine = 0;
    int badColumn = 0;
    if (!YamlReader::depthWithinLimit(text, options.maxDepth, &badLine, &badColumn)) {
        out.issues.append(
            {YamlIssue::Kind::TooDeep, badLine, badColumn, QString::number(options.maxDepth)});
        return out;
    }
    try {
        const std::string bytes(text.data(), size_t(text.size()));
        if (all) {
            for (const YAML::Node& doc : YAML::LoadAll(bytes))
                out.documents.append(doc);
        } else {
            out.documents.append(YAML::Load(bytes));
        }
        Walk walk(options, text.size(), out.issues);
        for (const YAML::Node& doc : std::as_const(out.documents))
            walk.node(doc, 0);
        if (walk.failed())
            out.documents.clear();
    } catch (const YAML::Exception& e) {
        out.documents.clear();
        out.issues = {issueAt(YamlIssue::Kind::Syntax, e.mark, QString::fromStdString(e.msg))};
    } catch (const std::exception& e) {
        out.documents.clear();
        out.issues = {{YamlIssue::Kind::Failure, 1, 1, QString::fromLocal8Bit(e.what())}};
    }
    return out;
}

// True when the value part of a line (from `from`) is a block scalar header: `|`, `>-`, `|2+`.
bool isBlockScalarHeader(QByteArrayView line, qsizetype from)
{
    while (from < line.size() && line.at(from) == ' ')
        ++from;
    if (from >= line.size() || (line.at(from) != '|' && line.at(from) != '>'))
        return false;
    ++from;
    while (from < line.size()) {
        const char c = line.at(from);
        if (c == ' ' || c == '\t' || c == '\r')
            break;
        if (c != '+' && c != '-' && !(c >= '1' && c <= '9'))
            return false;
        ++from;
    }
    while (from < line.size() && (line.at(from) == ' ' || line.at(from) == '\t'))
        ++from;
    return from >= line.size() || line.at(from) == '#' || line.at(from) == '\r';
}

}  // namespace

namespace YamlReader {

// A conservative (over-)estimate of the nesting depth yaml-cpp would recurse to.
bool depthWithinLimit(QByteArrayView text, int maxDepth, int* badLine, int* badColumn)
{
    QList<qsizetype> indents;
    int flowDepth = 0;
    int line = 0;
    qsizetype pos = 0;
    qsizetype blockScalarIndent = -1;  // skipping the content of a block scalar
    while (pos < text.size()) {
        qsizetype end = text.indexOf('\n', pos);
        if (end < 0)
            end = text.size();
        const QByteArrayView current = text.sliced(pos, end - pos);
        pos = end + 1;
        ++line;
        qsizetype indent = 0;
        while (indent < current.size() && current.at(indent) == ' ')
            ++indent;
        const bool blank =
            indent >= current.size() || current.at(indent) == '#' || current.at(indent) == '\r';
        if (blockScalarIndent >= 0) {
            if (blank || indent > blockScalarIndent)
                continue;
            blockScalarIndent = -1;
        }
        if (blank)
            continue;
        if (flowDepth == 0) {
            while (!indents.isEmpty() && indents.last() > indent)
                indents.removeLast();
            if (indents.isEmpty() || indents.last() < indent)
                indents.append(indent);
        }
        int compact = 0;
        qsizetype i = indent;
        while (i + 1 < current.size() && (current.at(i) == '-' || current.at(i) == '?') &&
               current.at(i + 1) == ' ') {
            ++compact;
            i += 2;
            while (i < current.size() && current.at(i) == ' ')
                ++i;
        }
        int lineMax = flowDepth;
        char previous = ' ';
        for (; i < current.size(); ++i) {
            const char c = current.at(i);
            const bool tokenStart = previous == ' ' || previous == '\t' || previous == '[' ||
                                    previous == '{' || previous == ',' || previous == ':';
            if (c == '#' && (previous == ' ' || previous == '\t'))
                break;
            if ((c == '"' || c == '\'') && tokenStart) {
                qsizetype j = i + 1;
                while (j < current.size()) {
                    if (c == '"' && current.at(j) == '\\') {
                        j += 2;
                        continue;
                    }
                    if (current.at(j) == c) {
                        if (c == '\'' && j + 1 < current.size() && current.at(j + 1) == '\'') {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    ++j;
                }
                i = std::min(j, current.size());
                previous = c;
                continue;
            }
            if (c == '[' || c == '{') {
                ++flowDepth;
                lineMax = std::max(lineMax, flowDepth);
            } else if ((c == ']' || c == '}') && flowDepth > 0) {
                --flowDepth;
            } else if (flowDepth == 0 && (c == ':' || c == '-') && i + 1 < current.size() &&
                       current.at(i + 1) == ' ' && isBlockScalarHeader(current, i + 1)) {
                blockScalarIndent = indent;
            }
            previous = c;
        }
        if (flowDepth == 0 && isBlockScalarHeader(current, indent + 2 * compact))
            blockScalarIndent = indent;
        const qsizetype depth = indents.size() + compact + lineMax;
        if (depth > maxDepth) {
            *badLine = line;
            *badColumn = int(indent) + 1;
            return false;
        }
    }
    return true;
}

YamlDocuments readAll(QByteArrayView text, const YamlOptions& options)
{
    return readDocuments(text, options, true);
}

YamlDocuments read(QByteArrayView text, const YamlOptions& options)
{
    return readDocuments(text, options, false);
}

}  // namespace YamlReader

}  // namespace obslab
