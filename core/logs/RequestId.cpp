#include "core/logs/RequestId.h"

#include "core/logs/TraceId.h"

namespace obslab {

bool RequestId::isUuid(QByteArrayView t)
{
    if (t.size() != 36)
        return false;
    for (qsizetype i = 0; i < 36; ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? t[i] != '-' : !hex::isDigit(t[i]))
            return false;
    }
    return true;
}

RequestId::TraceDecision RequestId::traceDecisionOf(QByteArrayView t)
{
    if (!isUuid(t))
        return TraceDecision::NotAUuid;
    // Envoy's uuid request-id extension writes its decision at byte 14 (TRACE_BYTE_POSITION).
    switch (t[14]) {
    case '9':
        return TraceDecision::Sampled;
    case 'a':
    case 'A':
        return TraceDecision::Forced;
    case 'b':
    case 'B':
        return TraceDecision::ClientForced;
    default:
        return TraceDecision::NotTraced;
    }
}

QString RequestId::key() const
{
    return isUuid(value_.toLatin1()) ? value_.toLower() : value_;
}

}  // namespace obslab
