#pragma once

#include <QByteArrayView>
#include <QString>

#include <utility>

namespace obslab {

// An x-request-id: the correlation key that links the client-side and server-side sidecar lines
// of one hop (Envoy copies it unchanged), separate from the trace id. Envoy generates UUIDv4s and
// packs its trace decision into character 14; callers may send any other string, kept verbatim.
class RequestId
{
public:
    enum class TraceDecision
    {
        NotAUuid,
        NotTraced,
        Sampled,
        Forced,
        ClientForced
    };

    RequestId() = default;
    explicit RequestId(QString value)
        : value_(std::move(value))
    {}
    static RequestId fromUtf8(QByteArrayView bytes) { return RequestId(QString::fromUtf8(bytes)); }

    bool isEmpty() const { return value_.isEmpty(); }
    const QString& toString() const { return value_; }
    // Lower-case when it is a UUID (hex case is not significant there), else verbatim.
    QString key() const;
    TraceDecision traceDecision() const { return traceDecisionOf(value_.toLatin1()); }

    // 8-4-4-4-12 hex digits (any hex at the version position: Envoy overwrites it).
    static bool isUuid(QByteArrayView text);
    static TraceDecision traceDecisionOf(QByteArrayView text);

    friend bool operator==(const RequestId& a, const RequestId& b) { return a.key() == b.key(); }

private:
    QString value_;
};

}  // namespace obslab
