#include "core/logs/LogQuery.h"

#include <QDateTime>
#include <QTimeZone>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

using Node = LogQuery::Node;
using NodePtr = std::shared_ptr<const Node>;

bool isHex(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
}

// A trace id as the user may paste it: bare hex (16 or 32, or any 1–32 as Jaeger accepts),
// a W3C traceparent, a B3 single header, or a Jaeger uber-trace-id. Returns 32 lower-case hex.
QByteArray normaliseTraceForQuery(const QString& value)
{
    QString id = value.trimmed();
    const QStringList dashed = id.split(u'-');
    if (dashed.size() >= 3 && dashed.at(0).size() == 2 && dashed.at(1).size() == 32)
        id = dashed.at(1);  // traceparent: version-traceid-parentid-flags
    else if (dashed.size() >= 2 && (dashed.at(0).size() == 16 || dashed.at(0).size() == 32))
        id = dashed.at(0);  // b3: traceid-spanid[-sampled[-parent]]
    else if (id.contains(u':'))
        id = id.section(u':', 0, 0);  // uber-trace-id: trace:span:parent:flags
    if (id.isEmpty() || id.size() > 32)
        return {};
    for (QChar c : id) {
        if (!isHex(c))
            return {};
    }
    QByteArray out = id.toLatin1().toLower();
    out.prepend(QByteArray(32 - out.size(), '0'));
    if (out == QByteArray(32, '0'))
        return {};
    return out;
}

QString globToRegex(const QString& glob)
{
    QString rx = u"^"_s;
    for (QChar c : glob) {
        if (c == u'*')
            rx += u".*"_s;
        else if (c == u'?')
            rx += u'.';
        else
            rx += QRegularExpression::escape(QString(c));
    }
    rx += u'$';
    return rx;
}

QString compareName(QueryTerm::Compare c)
{
    switch (c) {
    case QueryTerm::Compare::Less:
        return u"<"_s;
    case QueryTerm::Compare::LessEqual:
        return u"<="_s;
    case QueryTerm::Compare::Greater:
        return u">"_s;
    case QueryTerm::Compare::GreaterEqual:
        return u">="_s;
    case QueryTerm::Compare::Equal:
        break;
    }
    return u"="_s;
}

// Reads a comparison operator at the start of text; returns its length (0 when none).
int readCompare(QStringView text, QueryTerm::Compare* compare)
{
    if (text.startsWith(u">="))
        return *compare = QueryTerm::Compare::GreaterEqual, 2;
    if (text.startsWith(u"<="))
        return *compare = QueryTerm::Compare::LessEqual, 2;
    if (text.startsWith(u'>'))
        return *compare = QueryTerm::Compare::Greater, 1;
    if (text.startsWith(u'<'))
        return *compare = QueryTerm::Compare::Less, 1;
    if (text.startsWith(u'='))
        return *compare = QueryTerm::Compare::Equal, 1;
    return 0;
}

class Parser
{
public:
    Parser(const QString& text, qint64 nowMs)
        : s_(text)
        , now_(nowMs)
    {}

    Result<NodePtr> parseAll()
    {
        skipSpace();
        if (atEnd())
            return NodePtr{};
        NodePtr root = parseOr();
        if (failed())
            return error();
        skipSpace();
        if (!atEnd()) {
            if (s_.at(i_) == u')')
                return fail(i_, u"')' without a matching '('"_s), error();
            return fail(i_, u"unexpected '%1'"_s.arg(s_.at(i_))), error();
        }
        return root;
    }

private:
    bool atEnd() const { return i_ >= s_.size(); }
    bool failed() const { return !message_.isEmpty(); }
    Error error() const
    {
        return Error{u"position %1: %2"_s.arg(errorPos_ + 1).arg(message_),
                     u"Filter syntax: text, \"a phrase\", /regex/, trace:ID, req:ID, status:5xx, "
                     "flag:UF, pod:glob, svc:NAME, method:GET, path:glob, dur>100ms, since:TIME, "
                     "until:TIME, -term to exclude, OR, (…)"_s};
    }
    NodePtr fail(qsizetype pos, const QString& message)
    {
        if (!failed()) {
            errorPos_ = pos;
            message_ = message;
        }
        return {};
    }
    void skipSpace()
    {
        while (!atEnd() && s_.at(i_).isSpace())
            ++i_;
    }
    bool atWord(QStringView word) const
    {
        if (!QStringView(s_).mid(i_).startsWith(word))
            return false;
        const qsizetype after = i_ + word.size();
        return after >= s_.size() || s_.at(after).isSpace() || s_.at(after) == u'(';
    }

    static NodePtr combine(Node::Type type, QList<NodePtr> children)
    {
        if (children.size() == 1)
            return children.first();
        auto node = std::make_shared<Node>();
        node->type = type;
        node->children = std::move(children);
        return node;
    }

    NodePtr parseOr()
    {
        QList<NodePtr> alternatives;
        alternatives << parseAnd();
        while (!failed()) {
            skipSpace();
            if (!atWord(u"OR"))
                break;
            const qsizetype orPos = i_;
            i_ += 2;
            skipSpace();
            if (atEnd() || s_.at(i_) == u')')
                return fail(orPos, u"OR needs a term on both sides"_s);
            alternatives << parseAnd();
        }
        return failed() ? NodePtr{} : combine(Node::Type::Or, alternatives);
    }

    NodePtr parseAnd()
    {
        QList<NodePtr> all;
        while (!failed()) {
            skipSpace();
            if (atEnd() || s_.at(i_) == u')' || atWord(u"OR"))
                break;
            all << parseUnary();
        }
        if (failed())
            return {};
        if (all.isEmpty())
            return fail(i_, atEnd() ? u"the filter ends where a term was expected"_s
                                    : u"expected a term"_s);
        return combine(Node::Type::And, all);
    }

    NodePtr parseUnary()
    {
        skipSpace();
        const qsizetype start = i_;
        if (s_.at(i_) == u'-') {
            ++i_;
            if (atEnd() || s_.at(i_).isSpace())
                return fail(start,
                            u"'-' must be followed by the term to exclude, as in -status:200"_s);
            NodePtr inner = parseUnary();
            if (failed())
                return {};
            auto node = std::make_shared<Node>();
            node->type = Node::Type::Not;
            node->children << inner;
            return node;
        }
        if (s_.at(i_) == u'(') {
            ++i_;
            NodePtr inner = parseOr();
            if (failed())
                return {};
            skipSpace();
            if (atEnd() || s_.at(i_) != u')')
                return fail(start, u"'(' is never closed"_s);
            ++i_;
            return inner;
        }
        return parseTerm();
    }

    // A quoted string starting at i_ (on the quote); returns its unescaped text.
    bool readQuoted(QString* out)
    {
        const qsizetype start = i_;
        ++i_;
        while (!atEnd()) {
            const QChar c = s_.at(i_++);
            if (c == u'\\' && !atEnd()) {
                *out += s_.at(i_++);
            } else if (c == u'"') {
                return true;
            } else {
                *out += c;
            }
        }
        fail(start, u"the quote is never closed"_s);
        return false;
    }

    // A bare value: up to white space or a closing parenthesis.
    QString readBare()
    {
        const qsizetype start = i_;
        while (!atEnd() && !s_.at(i_).isSpace() && s_.at(i_) != u')')
            ++i_;
        return s_.mid(start, i_ - start);
    }

    NodePtr termNode(QueryTerm term)
    {
        auto node = std::make_shared<Node>();
        node->term = std::move(term);
        return node;
    }

    NodePtr parseTerm()
    {
        const qsizetype start = i_;
        QueryTerm term;
        term.position = int(start);
        const QChar c = s_.at(i_);
        if (c == u'/') {
            ++i_;
            QString pattern;
            bool closed = false;
            while (!atEnd()) {
                const QChar ch = s_.at(i_++);
                if (ch == u'\\' && !atEnd() && s_.at(i_) == u'/') {
                    pattern += u'/';
                    ++i_;
                } else if (ch == u'/') {
                    closed = true;
                    break;
                } else {
                    pattern += ch;
                }
            }
            if (!closed)
                return fail(start, u"the regular expression is never closed with '/'"_s);
            if (pattern.isEmpty())
                return fail(start, u"the regular expression is empty"_s);
            term.kind = QueryTerm::Kind::Regex;
            term.regex = QRegularExpression(pattern);
            if (!term.regex.isValid())
                return fail(start + 1 + term.regex.patternErrorOffset(),
                            u"invalid regular expression: %1"_s.arg(term.regex.errorString()));
            term.regex.optimize();
            return termNode(std::move(term));
        }
        if (c == u'"') {
            QString phrase;
            if (!readQuoted(&phrase))
                return {};
            if (phrase.isEmpty())
                return fail(start, u"the quoted text is empty"_s);
            return textTerm(std::move(term), phrase);
        }

        // dur>100ms, dur<=2s, dur:>100ms
        if (QStringView(s_).mid(i_).startsWith(u"dur")) {
            qsizetype j = i_ + 3;
            if (j < s_.size() && s_.at(j) == u':')
                ++j;
            QueryTerm::Compare compare = QueryTerm::Compare::Equal;
            const int opLen = readCompare(QStringView(s_).mid(j), &compare);
            if (opLen > 0 || (j > i_ + 3)) {
                i_ = j + opLen;
                const qsizetype valuePos = i_;
                const QString value = readBare();
                const Result<qint64> ms = parseQueryDuration(value);
                if (!ms)
                    return fail(valuePos, ms.error().message);
                term.kind = QueryTerm::Kind::Duration;
                term.compare = compare;
                term.number = *ms;
                return termNode(std::move(term));
            }
        }

        // key:value for the keys we know; anything else (e.g. a URL) is free text.
        const qsizetype colon = s_.indexOf(u':', i_);
        qsizetype wordEnd = i_;
        while (wordEnd < s_.size() && !s_.at(wordEnd).isSpace() && s_.at(wordEnd) != u')')
            ++wordEnd;
        if (colon > i_ && colon < wordEnd) {
            const QString key = s_.mid(i_, colon - i_).toLower();
            static const QStringList keys{u"trace"_s, u"req"_s,  u"status"_s, u"flag"_s,
                                          u"pod"_s,   u"svc"_s,  u"method"_s, u"path"_s,
                                          u"since"_s, u"until"_s};
            if (keys.contains(key)) {
                i_ = colon + 1;
                const qsizetype valuePos = i_;
                QString value;
                if (!atEnd() && s_.at(i_) == u'"') {
                    if (!readQuoted(&value))
                        return {};
                } else {
                    value = readBare();
                }
                if (value.isEmpty())
                    return fail(valuePos, u"'%1:' needs a value"_s.arg(key));
                return keyedTerm(std::move(term), key, value, valuePos);
            }
        }
        i_ = wordEnd;
        return textTerm(std::move(term), s_.mid(start, wordEnd - start));
    }

    NodePtr textTerm(QueryTerm term, const QString& text)
    {
        term.kind = QueryTerm::Kind::Text;
        term.text = text.toUtf8();
        // Smart case: lower-case text matches any case; any capital makes it exact.
        term.caseSensitive = text != text.toLower();
        return termNode(std::move(term));
    }

    NodePtr keyedTerm(QueryTerm term, const QString& key, const QString& value, qsizetype valuePos)
    {
        using Kind = QueryTerm::Kind;
        if (key == u"trace") {
            term.kind = Kind::Trace;
            term.text = normaliseTraceForQuery(value);
            if (term.text.isEmpty())
                return fail(valuePos, u"'%1' is not a trace id (16 or 32 hex digits, a traceparent "
                                      "or a b3 header)"_s.arg(value));
        } else if (key == u"req") {
            term.kind = Kind::Request;
            term.text = value.toUtf8();
        } else if (key == u"status") {
            term.kind = Kind::Status;
            const QString v = value.toLower();
            if (v.size() == 3 && v.at(0) >= u'1' && v.at(0) <= u'5' && v.mid(1) == u"xx") {
                term.statusClass = v.at(0).digitValue();
            } else {
                QueryTerm::Compare compare = QueryTerm::Compare::Equal;
                const int opLen = readCompare(v, &compare);
                bool ok = false;
                const int code = v.mid(opLen).toInt(&ok);
                if (!ok || code < 0 || code > 999)
                    return fail(valuePos,
                                u"unknown status '%1' (use 5xx, 404 or >=400)"_s.arg(value));
                term.compare = compare;
                term.number = code;
            }
        } else if (key == u"flag") {
            term.kind = Kind::Flag;
            for (QChar ch : value) {
                if (!ch.isLetter())
                    return fail(valuePos,
                                u"'%1' is not a response flag (e.g. UF, UH, NR)"_s.arg(value));
            }
            term.text = value.toUpper().toLatin1();
        } else if (key == u"method") {
            term.kind = Kind::Method;
            term.text = value.toUpper().toUtf8();
        } else if (key == u"pod" || key == u"path" || key == u"svc") {
            term.kind = key == u"pod" ? Kind::Pod : key == u"path" ? Kind::Path : Kind::Service;
            term.text = value.toUtf8();
            term.regex = QRegularExpression(globToRegex(value));
            term.regex.optimize();
        } else if (key == u"since" || key == u"until") {
            term.kind = key == u"since" ? Kind::Since : Kind::Until;
            const Result<qint64> t = parseQueryTime(value, now_);
            if (!t)
                return fail(valuePos, t.error().message);
            term.number = *t;
        }
        return termNode(std::move(term));
    }

    const QString& s_;
    qint64 now_;
    qsizetype i_ = 0;
    qsizetype errorPos_ = 0;
    QString message_;
};

void collectTerms(const Node* node, QList<const QueryTerm*>& out)
{
    if (!node)
        return;
    if (node->type == Node::Type::Term) {
        out << &node->term;
        return;
    }
    for (const NodePtr& child : node->children)
        collectTerms(child.get(), out);
}

QString describeTerm(const QueryTerm& t)
{
    using Kind = QueryTerm::Kind;
    const QString text = QString::fromUtf8(t.text);
    switch (t.kind) {
    case Kind::Text:
        return u"text%1:\"%2\""_s.arg(t.caseSensitive ? u""_s : u"/i"_s, text);
    case Kind::Regex:
        return u"/%1/"_s.arg(t.regex.pattern());
    case Kind::Trace:
        return u"trace:"_s + text;
    case Kind::Request:
        return u"req:"_s + text;
    case Kind::Status:
        if (t.statusClass)
            return u"status:%1xx"_s.arg(t.statusClass);
        return u"status:%1%2"_s.arg(compareName(t.compare)).arg(t.number);
    case Kind::Flag:
        return u"flag:"_s + text;
    case Kind::Pod:
        return u"pod:\"%1\""_s.arg(text);
    case Kind::Service:
        return u"svc:\"%1\""_s.arg(text);
    case Kind::Method:
        return u"method:"_s + text;
    case Kind::Path:
        return u"path:\"%1\""_s.arg(text);
    case Kind::Duration:
        return u"dur%1%2ms"_s.arg(compareName(t.compare)).arg(t.number);
    case Kind::Since:
    case Kind::Until:
        return u"%1:%2"_s.arg(
            t.kind == Kind::Since ? u"since"_s : u"until"_s,
            QDateTime::fromMSecsSinceEpoch(t.number, Qt::UTC).toString(Qt::ISODateWithMs));
    }
    return {};
}

QString describeNode(const Node* node)
{
    if (!node)
        return u"(ALL)"_s;
    switch (node->type) {
    case Node::Type::Term:
        return describeTerm(node->term);
    case Node::Type::Not:
        return u"(NOT %1)"_s.arg(describeNode(node->children.first().get()));
    case Node::Type::And:
    case Node::Type::Or: {
        QStringList parts;
        for (const NodePtr& child : node->children)
            parts << describeNode(child.get());
        return u"(%1 %2)"_s.arg(node->type == Node::Type::And ? u"AND"_s : u"OR"_s,
                                parts.join(u' '));
    }
    }
    return {};
}

}  // namespace

Result<LogQuery> LogQuery::parse(const QString& text, qint64 nowMs)
{
    Parser parser(text, nowMs);
    Result<NodePtr> root = parser.parseAll();
    if (!root)
        return root.error();
    LogQuery query;
    query.text_ = text;
    query.root_ = *root;
    return query;
}

QList<const QueryTerm*> LogQuery::terms() const
{
    QList<const QueryTerm*> out;
    collectTerms(root_.get(), out);
    return out;
}

QByteArray LogQuery::requiredTraceId() const
{
    if (!root_)
        return {};
    if (root_->type == Node::Type::Term)
        return root_->term.kind == QueryTerm::Kind::Trace ? root_->term.text : QByteArray();
    if (root_->type == Node::Type::And) {
        for (const NodePtr& child : root_->children) {
            if (child->type == Node::Type::Term && child->term.kind == QueryTerm::Kind::Trace)
                return child->term.text;
        }
    }
    return {};
}

QString LogQuery::describe() const
{
    return describeNode(root_.get());
}

Result<qint64> parseQueryDuration(const QString& text)
{
    static const QRegularExpression rx(u"^(\\d+(?:\\.\\d+)?)(ms|s|m|h|us|µs)?$"_s);
    const QRegularExpressionMatch m = rx.match(text.trimmed());
    if (!m.hasMatch())
        return Error{u"'%1' is not a duration (use 100ms, 2s, 1.5s or 3m)"_s.arg(text), {}};
    const double value = m.captured(1).toDouble();
    const QString unit = m.captured(2);
    double ms = value;
    if (unit == u"s")
        ms = value * 1000;
    else if (unit == u"m")
        ms = value * 60'000;
    else if (unit == u"h")
        ms = value * 3'600'000;
    else if (unit == u"us" || unit == u"µs")
        ms = value / 1000;
    if (!std::isfinite(ms) || ms > 1e15)
        return Error{u"'%1' is too long a duration"_s.arg(text), {}};
    return qint64(std::llround(ms));
}

Result<qint64> parseQueryTime(const QString& text, qint64 nowMs)
{
    const QString t = text.trimmed();
    static const QRegularExpression relative(u"^(\\d+)(s|m|h|d)$"_s);
    const QRegularExpressionMatch rel = relative.match(t);
    if (rel.hasMatch()) {
        const qint64 n = rel.captured(1).toLongLong();
        const QString unit = rel.captured(2);
        const qint64 factor = unit == u"s"   ? 1000
                              : unit == u"m" ? 60'000
                              : unit == u"h" ? 3'600'000
                                             : 86'400'000;
        if (n > 100'000'000)
            return Error{u"'%1' reaches too far back"_s.arg(text), {}};
        return nowMs - n * factor;
    }
    QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!dt.isValid())
        dt = QDateTime::fromString(t, Qt::ISODate);
    if (!dt.isValid()) {
        const QDate d = QDate::fromString(t, Qt::ISODate);
        if (d.isValid())
            dt = QDateTime(d, QTime(0, 0), QTimeZone::utc());
    }
    if (!dt.isValid())
        return Error{u"'%1' is not a time (use 2025-11-11T10:31:24Z, 2025-11-11 or 15m for the "
                     "last 15 minutes)"_s.arg(text),
                     {}};
    // A time written without a zone is UTC, as Envoy's START_TIME is.
    if (dt.timeSpec() == Qt::LocalTime)
        dt.setTimeZone(QTimeZone::utc());
    return dt.toMSecsSinceEpoch();
}

}  // namespace obslab
