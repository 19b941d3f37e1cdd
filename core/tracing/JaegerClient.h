#pragma once

#include "core/tracing/JaegerReply.h"
#include "core/tracing/JaegerTraceId.h"
#include "core/tracing/TraceQuery.h"

#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QUrl>

#include <chrono>
#include <functional>

class QNetworkAccessManager;

namespace obslab {

class AppSettings;
class PortForward;

// Jaeger's query API over HTTP (FORMATS §4). Lives on and must be used from one thread (the GUI
// thread); every call is asynchronous and returns a JaegerReply that ends with finished().
// The first call discovers the base path (a bare http://host:16686 that serves Istio's add-on
// under /jaeger) and whether v1 search exists; the answer is cached until setBaseUrl().
class JaegerClient : public QObject
{
    Q_OBJECT
public:
    explicit JaegerClient(QObject* parent = nullptr);

    // The URL the user gave or a managed port-forward's local address, e.g.
    // http://127.0.0.1:16686 or http://localhost:16686/jaeger. Forgets the discovered path.
    void setBaseUrl(const QUrl& url);
    QUrl baseUrl() const { return baseUrl_; }
    // After a successful call: the base URL including the discovered base path.
    QUrl resolvedBaseUrl() const { return resolved_; }
    // False once the server answered the v1 search endpoints with 404 (calls then use api_v3).
    bool hasV1Search() const { return v1Search_; }

    // Per-request transfer timeout (default 10 s).
    void setTimeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }
    // The largest answer read (default: defaultMaxResponseBytes()); a longer one is cut off
    // and the call fails with TooLarge, so a server that never ends its body costs bounded
    // memory.
    void setMaxResponseBytes(qint64 bytes) { maxResponseBytes_ = bytes; }
    qint64 maxResponseBytes() const { return maxResponseBytes_; }
    // Process-wide default for clients created afterwards: the app and the CLI set it from
    // AppSettings::jaegerMaxResponseMiB() at start.
    static void setDefaultMaxResponseBytes(qint64 bytes);
    static qint64 defaultMaxResponseBytes();

    // Calls go through `forward`, a managed port-forward to Jaeger (null: none). The base URL
    // follows its local address. A request that cannot connect or loses its connection while the
    // forward is active (the tunnel dropped, the pod was replaced) is not lost: it waits until the
    // forward is ready again and is sent again, at most twice, within the request's timeout
    // (counted from the first try); only then does it fail with the connection error.
    void followForward(PortForward* forward);
    PortForward* forward() const;

    JaegerReply* services();
    JaegerReply* operations(const QString& service);
    // Finds traces; no match is Ok with no traces.
    JaegerReply* searchTraces(const TraceQuery& query);
    // One trace; NotFound when Jaeger has no such trace.
    JaegerReply* trace(const JaegerTraceId& id);
    // The trace whose spans carry tag guid:x-request-id = requestId (Istio's default logs have
    // only that id). With an empty service every service is searched in turn. NotFound if none.
    JaegerReply* findTraceByRequestId(const QString& service, const QString& requestId,
                                      std::chrono::seconds lookback = std::chrono::hours(48));

    // Settings' Jaeger URL, else http://localhost:16686 (istioctl dashboard's default port).
    static QUrl defaultBaseUrl(const AppSettings* settings);

Q_SIGNALS:
    void baseUrlResolved(const QUrl& url);

private:
    struct Http
    {
        QUrl url;
        QNetworkReply::NetworkError error = QNetworkReply::NoError;
        QString errorString;
        bool timedOut = false;
        bool tooLarge = false;
        int status = 0;
        QByteArray body;
    };
    using HttpHandler = std::function<void(const Http&)>;
    using Step = std::function<void()>;

    void get(JaegerReply* reply, const QUrl& url, HttpHandler done);
    void send(const QPointer<JaegerReply>& reply, bool forReply, const QUrl& url, HttpHandler done,
              qint64 deadline, int attempt);
    bool waitForForward(const Http& http, qint64 deadline, int attempt,
                        const QPointer<JaegerReply>& reply, std::function<void()> again);
    // Runs `step` once the base path is known, or fails `reply` with discovery's error.
    void whenResolved(JaegerReply* reply, Step step);
    void probe(int candidate);
    void finishDiscovery(JaegerReply::Status status, const Error& error);
    JaegerReply* newReply();
    void failLater(JaegerReply* reply, JaegerReply::Status status, Error error);

    // Turns an HTTP failure into a status and a message with a hint; Ok when it is a success.
    JaegerReply::Status classify(const Http& http, Error& error) const;
    static bool endpointMissing(const Http& http);

    void listCall(JaegerReply* reply, const QUrl& v1, const QUrl& v3);
    void searchOnce(JaegerReply* reply, const TraceQuery& query,
                    std::function<void(const QList<Trace>&)> done);
    bool parseNamesInto(JaegerReply* reply, const Http& http);
    static Error notFoundError(const QString& what);

    QNetworkAccessManager* network_ = nullptr;
    QPointer<PortForward> forward_;
    QMetaObject::Connection forwardReady_;
    QUrl baseUrl_;
    QUrl resolved_;
    bool v1Search_ = true;
    std::chrono::milliseconds timeout_{10000};
    qint64 maxResponseBytes_ = defaultMaxResponseBytes();

    enum class Discovery
    {
        Unknown,
        Running,
        Done
    };
    Discovery discovery_ = Discovery::Unknown;
    QList<QUrl> candidates_;
    bool sawHtml_ = false;
    bool sawMalformed_ = false;
    QList<std::pair<QPointer<JaegerReply>, Step>> waiting_;
    quint64 generation_ = 0;  // bumped by setBaseUrl so late discovery answers are dropped
};

}  // namespace obslab
