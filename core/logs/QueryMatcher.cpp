#include "core/logs/QueryMatcher.h"

#include "core/logs/AccessLogParser.h"
#include "core/logs/LineService.h"
#include "core/logs/ResponseFlags.h"

#include <QString>

#include <cstring>

namespace obslab {

namespace {

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
}

bool globMatch(const QRegularExpression& rx, QByteArrayView value)
{
    return rx.match(QString::fromUtf8(value)).hasMatch();
}

bool compare(qint64 value, QueryTerm::Compare op, qint64 target)
{
    switch (op) {
    case QueryTerm::Compare::Less:
        return value < target;
    case QueryTerm::Compare::LessEqual:
        return value <= target;
    case QueryTerm::Compare::Greater:
        return value > target;
    case QueryTerm::Compare::GreaterEqual:
        return value >= target;
    case QueryTerm::Compare::Equal:
        break;
    }
    return value == target;
}

}  // namespace

qsizetype QueryMatcher::indexOfIgnoreCase(QByteArrayView haystack, QByteArrayView needleLower)
{
    if (needleLower.isEmpty())
        return 0;
    const qsizetype n = needleLower.size();
    if (haystack.size() < n)
        return -1;
    const char first = needleLower.front();
    const char firstUpper = (first >= 'a' && first <= 'z') ? char(first - 32) : first;
    const char* p = haystack.data();
    const char* const last = haystack.data() + haystack.size() - n;
    // The next place each case of the first character occurs, searched again only once passed:
    // searching both at every candidate rescanned the rest of the haystack for a case that is
    // not there (an 'E' in a log full of 'e'), 200 ms for a 64 MiB filter.
    const char* nextLower = nullptr;
    const char* nextUpper = nullptr;
    bool lowerGone = false;
    bool upperGone = firstUpper == first;
    const auto advance = [&](const char*& next, bool& gone, char c) {
        if (!gone && (!next || next < p)) {
            next = static_cast<const char*>(std::memchr(p, c, size_t(last - p + 1)));
            gone = !next;
        }
    };
    while (p <= last) {
        advance(nextLower, lowerGone, first);
        advance(nextUpper, upperGone, firstUpper);
        const char* hit = lowerGone   ? (upperGone ? nullptr : nextUpper)
                          : upperGone ? nextLower
                                      : std::min(nextLower, nextUpper);
        if (!hit)
            return -1;
        qsizetype i = 1;
        while (i < n && lower(hit[i]) == needleLower[i])
            ++i;
        if (i == n)
            return hit - haystack.data();
        p = hit + 1;
    }
    return -1;
}

bool QueryMatcher::containsIgnoreCase(QByteArrayView haystack, QByteArrayView needleLower)
{
    return indexOfIgnoreCase(haystack, needleLower) >= 0;
}

QueryMatcher::QueryMatcher(const LogQuery& query, const PodTable& pods)
    : query_(query)
    , pods_(&pods)
{
    empty_ = query_.isEmpty();
    if (!empty_)
        root_ = compile(query_.root());
}

QueryMatcher::Compiled QueryMatcher::compile(const LogQuery::Node* node)
{
    Compiled c;
    c.type = node->type;
    if (node->type == LogQuery::Node::Type::Term) {
        Term t;
        t.term = &node->term;
        switch (node->term.kind) {
        case QueryTerm::Kind::Trace:
            t.traceId = TraceId::fromHex(node->term.text);
            t.hash = traceHash(t.traceId);
            break;
        case QueryTerm::Kind::Flag:
            if (const ResponseFlags::Info* info = ResponseFlags::infoByCode(node->term.text))
                t.flagBits = info->flag;
            break;
        case QueryTerm::Kind::Text:
            t.textLower = node->term.text.toLower();
            break;
        default:
            break;
        }
        c.term = int(terms_.size());
        terms_.push_back(std::move(t));
        return c;
    }
    for (const auto& child : node->children)
        c.children.push_back(compile(child.get()));
    return c;
}

bool QueryMatcher::isPlainText() const
{
    return !empty_ && root_.type == LogQuery::Node::Type::Term &&
           terms_[size_t(root_.term)].term->kind == QueryTerm::Kind::Text;
}

QByteArray QueryMatcher::plainText() const
{
    return isPlainText() ? terms_[size_t(root_.term)].term->text : QByteArray();
}

bool QueryMatcher::plainTextCaseSensitive() const
{
    return isPlainText() && terms_[size_t(root_.term)].term->caseSensitive;
}

const ParsedLine& QueryMatcher::parsed(QByteArrayView line)
{
    if (parsedFor_ != line.data() || parsedSize_ != line.size()) {
        AccessLogParser::parse(line, parsed_);
        parsedFor_ = line.data();
        parsedSize_ = line.size();
    }
    return parsed_;
}

bool QueryMatcher::matches(const LineRecord& record, qint64 timeMs, QByteArrayView line)
{
    parsedFor_ = nullptr;  // a new line (a buffer may be reused at the same address)
    return empty_ || evalNode(root_, record, timeMs, line);
}

bool QueryMatcher::evalNode(const Compiled& node, const LineRecord& r, qint64 timeMs,
                            QByteArrayView line)
{
    switch (node.type) {
    case LogQuery::Node::Type::Term:
        return evalTerm(terms_[size_t(node.term)], r, timeMs, line);
    case LogQuery::Node::Type::Not:
        return !evalNode(node.children.front(), r, timeMs, line);
    case LogQuery::Node::Type::And:
        for (const Compiled& child : node.children) {
            if (!evalNode(child, r, timeMs, line))
                return false;
        }
        return true;
    case LogQuery::Node::Type::Or:
        for (const Compiled& child : node.children) {
            if (evalNode(child, r, timeMs, line))
                return true;
        }
        return false;
    }
    return false;
}

bool QueryMatcher::evalTerm(Term& t, const LineRecord& r, qint64 timeMs, QByteArrayView line)
{
    const QueryTerm& q = *t.term;
    using Kind = QueryTerm::Kind;
    switch (q.kind) {
    case Kind::Text:
        return q.caseSensitive ? line.contains(QByteArrayView(q.text))
                               : containsIgnoreCase(line, t.textLower);
    case Kind::Regex:
        return q.regex.match(QString::fromUtf8(line)).hasMatch();
    case Kind::Trace:
        return r.traceHash == t.hash && parsed(line).trace.traceId == t.traceId;
    case Kind::Request:
        // The id must be in the line; parse only the few lines that have it.
        return line.contains(QByteArrayView(q.text)) &&
               parsed(line).view(line, Field::RequestId) == QByteArrayView(q.text);
    case Kind::Status:
        if (r.status == LineRecord::kNoStatus)
            return false;
        if (q.statusClass)
            return r.status / 100 == q.statusClass;
        return compare(r.status, q.compare, q.number);
    case Kind::Flag:
        return t.flagBits
                   ? (r.flags & t.flagBits) != 0
                   : parsed(line).view(line, Field::ResponseFlags).contains(QByteArrayView(q.text));
    case Kind::Pod: {
        if (r.pod == LineRecord::kNoPod)
            return false;
        if (t.podMatch.size() <= r.pod)
            t.podMatch.resize(size_t(r.pod) + 1, -1);
        qint8& known = t.podMatch[r.pod];
        if (known < 0)
            known = globMatch(q.regex, pods_->name(r.pod)) ? 1 : 0;
        return known == 1;
    }
    case Kind::Service: {
        const QByteArrayView svc = serviceOf(parsed(line), line);
        if (svc.isEmpty())
            return false;
        // `svc:httpbin` matches httpbin, httpbin.foo and httpbin.foo.svc.cluster.local.
        const QByteArrayView name(q.text);
        if (svc == name ||
            (svc.startsWith(name) && svc.size() > name.size() && svc[name.size()] == '.'))
            return true;
        return globMatch(q.regex, svc);
    }
    case Kind::Method:
        return parsed(line).view(line, Field::Method) == QByteArrayView(q.text);
    case Kind::Path: {
        const ParsedLine& p = parsed(line);
        return p.has(Field::Path) && globMatch(q.regex, p.view(line, Field::Path));
    }
    case Kind::Duration:
        return r.durationMs != LineRecord::kNoDuration &&
               compare(r.durationMs, q.compare, q.number);
    case Kind::Since:
        return timeMs != ParsedLine::kMissing && timeMs >= q.number;
    case Kind::Until:
        return timeMs != ParsedLine::kMissing && timeMs < q.number;
    }
    return false;
}

}  // namespace obslab
