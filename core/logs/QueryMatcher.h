#pragma once

#include "core/logs/LineRecord.h"
#include "core/logs/LogQuery.h"
#include "core/logs/ParsedLine.h"

#include <QByteArray>
#include <QByteArrayView>
#include <vector>

namespace obslab {

// Evaluates a LogQuery on lines. Terms that the index answers (status, flags, duration, time,
// pod, trace hash) are checked on the LineRecord first; the line is parsed only
// when a term needs its text (free text, regex, method, path, service) or a hash must be
// confirmed. One matcher per thread: it keeps scratch state.
class QueryMatcher
{
public:
    // pods: the pod table the records' pod numbers refer to.
    QueryMatcher(const LogQuery& query, const PodTable& pods);

    // timeMs: the line's time (UTC ms; ParsedLine::kMissing when none).
    bool matches(const LineRecord& record, qint64 timeMs, QByteArrayView line);

    // Whether matching reads the record's trace hash / pod: a caller that decodes records for
    // this matcher alone may leave out what it does not read.
    bool readsTraceHash() const { return usesKind(QueryTerm::Kind::Trace); }
    bool readsPod() const { return usesKind(QueryTerm::Kind::Pod); }

    // The query is a single free-text term: a caller may search whole blocks instead of lines.
    bool isPlainText() const;
    QByteArray plainText() const;
    bool plainTextCaseSensitive() const;

    // Case-insensitive (ASCII) substring search; needleLower must be lower case. The position
    // of the first match, or -1.
    static qsizetype indexOfIgnoreCase(QByteArrayView haystack, QByteArrayView needleLower);
    static bool containsIgnoreCase(QByteArrayView haystack, QByteArrayView needleLower);

private:
    bool usesKind(QueryTerm::Kind kind) const
    {
        for (const Term& t : terms_) {
            if (t.term->kind == kind)
                return true;
        }
        return false;
    }
    struct Term
    {
        const QueryTerm* term = nullptr;
        quint32 hash = 0;             // Trace
        TraceId traceId;              // Trace
        quint32 flagBits = 0;         // Flag
        QByteArray textLower;         // Text (case-insensitive)
        std::vector<qint8> podMatch;  // Pod: per pod number, -1 unknown, 0 no, 1 yes
    };
    struct Compiled
    {
        LogQuery::Node::Type type = LogQuery::Node::Type::Term;
        int term = -1;
        std::vector<Compiled> children;
    };
    Compiled compile(const LogQuery::Node* node);
    bool evalNode(const Compiled& node, const LineRecord& r, qint64 timeMs, QByteArrayView line);
    bool evalTerm(Term& t, const LineRecord& r, qint64 timeMs, QByteArrayView line);
    const ParsedLine& parsed(QByteArrayView line);

    LogQuery query_;
    const PodTable* pods_;
    std::vector<Term> terms_;
    Compiled root_;
    bool empty_ = true;
    ParsedLine parsed_;
    const char* parsedFor_ = nullptr;  // the line parsed_ holds (pointer + size identify it)
    qsizetype parsedSize_ = -1;
};

}  // namespace obslab
