#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringList>

namespace obslab {

// Envoy's %RESPONSE_FLAGS% as a bit set, with each flag explained in words. Parsing accepts the
// short codes (`UF,URX`) and the long names of %RESPONSE_FLAGS_LONG% (`UpstreamConnectionFailure`);
// `-` is no flag. Parsing never allocates.
class ResponseFlags
{
public:
    enum Flag : quint32
    {
        NoHealthyUpstream = 1u << 0,                  // UH
        UpstreamConnectionFailure = 1u << 1,          // UF
        UpstreamOverflow = 1u << 2,                   // UO
        NoRouteFound = 1u << 3,                       // NR
        UpstreamRetryLimitExceeded = 1u << 4,         // URX
        NoClusterFound = 1u << 5,                     // NC
        DurationTimeout = 1u << 6,                    // DT
        DownstreamConnectionTermination = 1u << 7,    // DC
        FailedLocalHealthCheck = 1u << 8,             // LH
        UpstreamRequestTimeout = 1u << 9,             // UT
        LocalReset = 1u << 10,                        // LR
        UpstreamRemoteReset = 1u << 11,               // UR
        UpstreamConnectionTermination = 1u << 12,     // UC
        DelayInjected = 1u << 13,                     // DI
        FaultInjected = 1u << 14,                     // FI
        RateLimited = 1u << 15,                       // RL
        UnauthorizedExternalService = 1u << 16,       // UAEX
        RateLimitServiceError = 1u << 17,             // RLSE
        InvalidEnvoyRequestHeaders = 1u << 18,        // IH
        StreamIdleTimeout = 1u << 19,                 // SI
        DownstreamProtocolError = 1u << 20,           // DPE
        UpstreamProtocolError = 1u << 21,             // UPE
        UpstreamMaxStreamDurationReached = 1u << 22,  // UMSDR
        OverloadManager = 1u << 23,                   // OM
        DnsResolutionFailed = 1u << 24,               // DF
        UnknownFlag = 1u << 31,                       // a code this table does not know
    };

    struct Info
    {
        Flag flag;
        const char* code;      // "UF"
        const char* longName;  // "UpstreamConnectionFailure"
        const char* meaning;   // "upstream connection failure"
    };

    constexpr ResponseFlags() = default;
    constexpr explicit ResponseFlags(quint32 bits)
        : bits_(bits)
    {}

    static ResponseFlags parse(QByteArrayView text);
    static const Info* info(Flag flag);
    static const Info* infoByCode(QByteArrayView code);  // short code or long name
    static const Info* table(int* count);

    quint32 bits() const { return bits_; }
    bool isEmpty() const { return bits_ == 0; }
    bool has(Flag f) const { return (bits_ & f) != 0; }

    QStringList codes() const;         // {"UF", "URX"}; an unknown flag is not listed
    QStringList explanations() const;  // {"UF: upstream connection failure", …}

private:
    quint32 bits_ = 0;
};

}  // namespace obslab
