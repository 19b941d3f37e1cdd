#pragma once

#include "core/common/Result.h"

#include <QByteArray>
#include <QList>
#include <QRegularExpression>
#include <QString>

#include <memory>

namespace obslab {

// One condition of a log filter. Which fields it reads is decided by `kind`.
struct QueryTerm
{
    enum class Kind
    {
        Text,      // free text: a literal substring; case-insensitive unless it has upper case
        Regex,     // /regex/ over the raw line
        Trace,     // trace:ID (any accepted trace id form; matched on the normalised id)
        Request,   // req:ID (x-request-id)
        Status,    // status:5xx | status:404 | status:>=400
        Flag,      // flag:UF (one Envoy response flag)
        Pod,       // pod:glob
        Service,   // svc:name (matches the upstream cluster's service or the authority)
        Method,    // method:GET
        Path,      // path:glob
        Duration,  // dur>100ms, dur<=2s, dur=5ms
        Since,     // since:TIME (inclusive)
        Until,     // until:TIME (exclusive)
    };
    enum class Compare
    {
        Equal,
        Less,
        LessEqual,
        Greater,
        GreaterEqual
    };

    Kind kind = Kind::Text;
    QByteArray text;  // Text, Trace (normalised 32 hex), Request, Flag, Method: the value
    bool caseSensitive = false;        // Text
    QRegularExpression regex;          // Regex, and Pod/Path/Service globs compiled once
    int statusClass = 0;               // Status: 1..5 for "5xx", else 0
    Compare compare = Compare::Equal;  // Status (with a number) and Duration
    qint64 number = 0;                 // Status code, Duration in milliseconds, Since/Until in ms
                                       // since the epoch (UTC)
    int position = 0;                  // where the term starts in the query text (for messages)
};

// A parsed filter: a tree of AND / OR / NOT over terms. An empty query matches everything.
class LogQuery
{
public:
    struct Node
    {
        enum class Type
        {
            Term,
            And,
            Or,
            Not
        };
        Type type = Type::Term;
        QueryTerm term;
        QList<std::shared_ptr<const Node>> children;
    };

    // Grammar: or := and ("OR" and)* ; and := unary+ ; unary := "-" unary | "(" or ")" | term.
    // A term is `key:value`, `dur<op>value`, `/regex/`, a "quoted phrase" or a bare word.
    // nowMs anchors relative times (since:15m = the last 15 minutes).
    // Errors say what is wrong and at which character (1-based), e.g.
    // "position 8: unknown status 'abc' (use 5xx, 404 or >=400)".
    static Result<LogQuery> parse(const QString& text, qint64 nowMs);

    bool isEmpty() const { return !root_; }
    const Node* root() const { return root_.get(); }
    QString text() const { return text_; }

    // Every term in the tree, left to right (for highlighting and for index shortcuts).
    QList<const QueryTerm*> terms() const;

    // The one trace id the query requires (a top-level, non-negated trace: term), if any, so the
    // store can answer from its trace index instead of scanning.
    QByteArray requiredTraceId() const;

    // For tests and the CLI: a canonical rendering, e.g. (AND status:5xx (NOT pod:"front*")).
    QString describe() const;

private:
    QString text_;
    std::shared_ptr<const Node> root_;
};

// Parses a time for since:/until: — RFC 3339 (`2025-11-11T10:31:24Z`, fractions and offsets
// allowed), a date (`2025-11-11`, midnight UTC), a date and time without zone (UTC), or a
// duration before now (`15m`, `2h`, `1d`, `30s`). Returns ms since the epoch.
Result<qint64> parseQueryTime(const QString& text, qint64 nowMs);

// Parses `100ms`, `2s`, `1.5s`, `3m`, `250` (ms) into milliseconds.
Result<qint64> parseQueryDuration(const QString& text);

}  // namespace obslab
