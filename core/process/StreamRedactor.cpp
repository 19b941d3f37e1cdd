#include "core/process/StreamRedactor.h"

#include "core/process/Redactor.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

struct YamlLine
{
    bool blank = true;  // empty or a comment
    bool separator = false;
    bool listItem = false;
    qsizetype indent = 0;
    qsizetype keyColumn = -1;  // -1: no `key:` on this line
    QString key;
    qsizetype valueStart = -1;
    QString value;  // trimmed, comment removed
};

bool isSpace(QChar c)
{
    return c == u' ' || c == u'\t' || c == u'\r';
}

YamlLine parseLine(const QString& line)
{
    YamlLine p;
    const qsizetype n = line.size();
    qsizetype i = 0;
    while (i < n && line.at(i) == u' ')
        ++i;
    p.indent = i;
    if (i == n || line.at(i) == u'#' || line.mid(i).trimmed().isEmpty())
        return p;
    p.blank = false;
    if (i == 0 && ((line.startsWith(u"---"_s) && (n == 3 || isSpace(line.at(3)))) ||
                   line.trimmed() == u"..."_s)) {
        p.separator = true;
        return p;
    }
    while (i + 1 < n && line.at(i) == u'-' && isSpace(line.at(i + 1))) {
        p.listItem = true;
        i += 2;
        while (i < n && line.at(i) == u' ')
            ++i;
    }
    if (i >= n)
        return p;
    qsizetype colon = -1;
    const QChar first = line.at(i);
    if (first == u'"' || first == u'\'') {
        const qsizetype close = line.indexOf(first, i + 1);
        if (close < 0)
            return p;
        qsizetype j = close + 1;
        while (j < n && isSpace(line.at(j)))
            ++j;
        if (j < n && line.at(j) == u':') {
            colon = j;
            p.key = line.mid(i + 1, close - i - 1);
        }
    } else if (first != u'{' && first != u'[' && first != u'|' && first != u'>') {
        for (qsizetype j = i; j < n; ++j) {
            if (line.at(j) == u':' && (j + 1 == n || isSpace(line.at(j + 1)))) {
                colon = j;
                p.key = line.mid(i, j - i).trimmed();
                break;
            }
            if (line.at(j) == u'#' && j > i && isSpace(line.at(j - 1)))
                break;
        }
    }
    if (colon < 0)
        return p;
    p.keyColumn = i;
    qsizetype v = colon + 1;
    while (v < n && isSpace(line.at(v)))
        ++v;
    p.valueStart = v;
    p.value = line.mid(v).trimmed();
    if (p.value.startsWith(u'#'))
        p.value.clear();
    return p;
}

QString normalizedScalar(QString value)
{
    if (const qsizetype hash = value.indexOf(u" #"_s); hash >= 0)
        value.truncate(hash);
    value = value.trimmed();
    if (value.endsWith(u','))
        value.chop(1);
    if (value.size() >= 2 && (value.front() == u'"' || value.front() == u'\'') &&
        value.back() == value.front())
        value = value.mid(1, value.size() - 2);
    return value;
}

QString mask()
{
    return QString::fromLatin1(Redactor::kMask);
}

}  // namespace

StreamRedactor::StreamRedactor(QHash<int, QString> knownKinds)
    : knownKinds_(std::move(knownKinds))
    , twoPass_(true)
{}

bool StreamRedactor::isSecretObject(int id) const
{
    if (twoPass_)
        return knownKinds_.value(id) == u"Secret";
    const auto it = kinds_.constFind(id);
    return it == kinds_.cend() || *it == u"Secret";
}

std::optional<QString> StreamRedactor::redactLine(const QString& line)
{
    const YamlLine p = parseLine(line);
    if (p.separator) {
        scopes_.clear();
        block_ = Block::None;
        newObjectAtNextKey_ = false;
        return line;
    }

    // Object tracking first, independent of masking, so that both passes number objects alike.
    int id = -1;
    if (p.keyColumn >= 0) {
        const qsizetype c = p.keyColumn;
        while (!scopes_.isEmpty() && scopes_.last().column > c)
            scopes_.removeLast();
        if (p.listItem || newObjectAtNextKey_) {
            if (!scopes_.isEmpty() && scopes_.last().column == c)
                scopes_.removeLast();
            scopes_.append({c, nextId_++});
            newObjectAtNextKey_ = false;
        } else if (scopes_.isEmpty() || scopes_.last().column < c) {
            scopes_.append({c, nextId_++});
        }
        id = scopes_.last().id;
        if (p.key == u"kind")
            kinds_.insert(id, normalizedScalar(p.value));
    } else if (!p.blank && line.mid(p.indent).startsWith(u'{')) {
        newObjectAtNextKey_ = true;  // pretty-printed JSON: a new object, e.g. an item of a list
    }

    if (block_ == Block::Yaml) {
        if (p.blank)
            return line;
        if (p.indent > blockColumn_) {
            if (childColumn_ < 0 && p.keyColumn >= 0)
                childColumn_ = p.keyColumn;
            if (p.keyColumn >= 0 && p.keyColumn == childColumn_ && !p.listItem)
                return p.value.isEmpty() ? line : line.left(p.valueStart) + mask();
            return std::nullopt;
        }
        block_ = Block::None;
    } else if (block_ == Block::Json) {
        const QString trimmed = line.trimmed();
        if (p.indent <= blockColumn_ && trimmed.startsWith(u'}')) {
            block_ = Block::None;
            return line;
        }
        if (p.keyColumn >= 0)
            return line.left(p.valueStart) + u'"' + mask() + u'"' +
                   (trimmed.endsWith(u',') ? u","_s : QString());
        return std::nullopt;
    }

    if (p.keyColumn >= 0 && (p.key == u"data" || p.key == u"stringData") && isSecretObject(id)) {
        if (p.value.isEmpty()) {
            block_ = Block::Yaml;
            blockColumn_ = p.keyColumn;
            childColumn_ = -1;
            return line;
        }
        if (p.value == u"{") {
            block_ = Block::Json;
            blockColumn_ = p.indent;
            return line;
        }
        return line.left(p.valueStart) + mask() + (p.value.endsWith(u',') ? u","_s : QString());
    }
    return Redactor::redactLine(line);
}

}  // namespace obslab
