#include "core/tracing/JaegerClient.h"

#include "core/common/AppSettings.h"
#include "core/common/Logging.h"
#include "core/kube/PortForward.h"
#include "core/tracing/JaegerJson.h"
#include "core/tracing/JaegerUrls.h"

#include <QDateTime>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <memory>
#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

const QString kPortForwardHint =
    u"Start the port-forward (kubectl -n istio-system port-forward svc/tracing 16686:80, or "
    u"istioctl dashboard jaeger --browser=false) or correct the Jaeger URL in Settings."_s;

QString origin(const QUrl& url)
{
    return url.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment).toString();
}

QString shortBody(const QByteArray& body)
{
    QString text = QString::fromUtf8(body.left(200)).simplified();
    return text;
}

Error malformed(const QUrl& url, const Error& parseError)
{
    return Error{u"Jaeger's answer from %1 is not usable JSON: %2"_s.arg(url.toDisplayString(),
                                                                         parseError.message),
                 u"Check that the URL points at Jaeger's query service (svc/tracing in "
                 u"istio-system, port 16686), not at the collector or another service."_s};
}

std::atomic<qint64> defaultMaxResponse{qint64(AppSettings::kDefaultJaegerMaxResponseMiB) << 20};

}  // namespace

void JaegerClient::setDefaultMaxResponseBytes(qint64 bytes)
{
    defaultMaxResponse = std::max<qint64>(bytes, 1);
}

qint64 JaegerClient::defaultMaxResponseBytes()
{
    return defaultMaxResponse;
}

JaegerClient::JaegerClient(QObject* parent)
    : QObject(parent)
    , network_(new QNetworkAccessManager(this))
    , baseUrl_(u"http://localhost:16686"_s)
{}

QUrl JaegerClient::defaultBaseUrl(const AppSettings* settings)
{
    if (settings) {
        const QUrl url = settings->jaegerUrl();
        if (url.isValid() && !url.isEmpty())
            return url;
    }
    return QUrl(u"http://localhost:16686"_s);
}

void JaegerClient::setBaseUrl(const QUrl& url)
{
    baseUrl_ = url;
    resolved_ = QUrl();
    v1Search_ = true;
    discovery_ = Discovery::Unknown;
    ++generation_;
    // Calls queued behind a discovery of the old URL restart against the new one.
    const auto waiting = std::exchange(waiting_, {});
    for (const auto& [reply, step] : waiting) {
        if (reply && !reply->isFinished())
            whenResolved(reply, step);
    }
}

JaegerReply* JaegerClient::newReply()
{
    return new JaegerReply(this);
}

void JaegerClient::failLater(JaegerReply* reply, JaegerReply::Status status, Error error)
{
    // The caller has not connected to finished() yet: report on the next event-loop turn.
    QMetaObject::invokeMethod(
        reply, [reply, status, error] { reply->fail(status, error); }, Qt::QueuedConnection);
}

void JaegerClient::followForward(PortForward* forward)
{
    QObject::disconnect(forwardReady_);
    forward_ = forward;
    if (!forward)
        return;
    // A restart that had to take another local port moves the API with it.
    forwardReady_ = connect(forward, &PortForward::ready, this, [this](const QUrl& local) {
        if (local.port() != baseUrl_.port() || local.host() != baseUrl_.host())
            setBaseUrl(local);
    });
    if (forward->state() == PortForward::State::Ready && forward->localUrl() != baseUrl_)
        setBaseUrl(forward->localUrl());
}

PortForward* JaegerClient::forward() const
{
    return forward_;
}

void JaegerClient::get(JaegerReply* reply, const QUrl& url, HttpHandler done)
{
    if (reply)
        reply->url_ = url;
    const qint64 deadline = QDateTime::currentMSecsSinceEpoch() + timeout_.count();
    send(QPointer<JaegerReply>(reply), reply != nullptr, url, std::move(done), deadline, 1);
}

void JaegerClient::send(const QPointer<JaegerReply>& guard, bool forReply, const QUrl& url,
                        HttpHandler done, qint64 deadline, int attempt)
{
    QNetworkRequest request(url);
    request.setTransferTimeout(int(timeout_.count()));
    request.setRawHeader("Accept", "application/json");
    qCDebug(lcTracing) << "GET" << url.toDisplayString() << (attempt > 1 ? "(again)" : "");
    QNetworkReply* net = network_->get(request);
    // The body is taken as it arrives and counted; past the limit (or with a Content-Length
    // over it) the transfer ends. Qt's own buffer is kept small, so a fast sender waits for us.
    const qint64 limit = maxResponseBytes_;
    struct Body
    {
        QByteArray bytes;
        bool tooLarge = false;
    };
    auto body = std::make_shared<Body>();
    net->setReadBufferSize(qint64(1) << 20);
    const auto take = [net, limit, body](qint64 announced) {
        if (body->tooLarge)
            return;
        if (announced <= limit && net->isOpen())
            body->bytes += net->read(limit + 1 - body->bytes.size());
        if (announced > limit || body->bytes.size() > limit) {
            body->tooLarge = true;
            body->bytes.clear();
            net->abort();
        }
    };
    connect(net, &QNetworkReply::readyRead, this, [take] { take(-1); });
    connect(net, &QNetworkReply::downloadProgress, this,
            [take](qint64, qint64 total) { take(total); });
    connect(
        net, &QNetworkReply::finished, this,
        [this, net, guard, forReply, url, deadline, attempt, body, take, done = std::move(done)] {
            net->deleteLater();
            if (forReply && (!guard || guard->isFinished()))
                return;
            take(-1);  // what arrived with the end
            Http http;
            http.url = net->url();
            http.error = net->error();
            http.errorString = net->errorString();
            http.status = net->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            http.tooLarge = body->tooLarge;
            // A transfer timeout aborts the reply, which Qt reports as "cancelled"; we
            // abort nothing else that reaches this handler but an oversized answer.
            http.timedOut = !http.tooLarge && http.status == 0 &&
                            (http.error == QNetworkReply::OperationCanceledError ||
                             http.error == QNetworkReply::TimeoutError);
            http.body = std::move(body->bytes);
            const auto again = [=, this] {
                if (forReply && (!guard || guard->isFinished()))
                    return;  // the caller gave up meanwhile
                // The forward may be back on another local port.
                QUrl next = url;
                if (forward_ && forward_->localPort() > 0)
                    next.setPort(forward_->localPort());
                send(guard, forReply, next, done, deadline, attempt + 1);
            };
            if (!waitForForward(http, deadline, attempt, guard, again))
                done(http);
        });
    if (guard) {
        connect(guard, &JaegerReply::finished, net, [net] {
            if (net->isRunning())
                net->abort();
        });
    }
}

bool JaegerClient::waitForForward(const Http& http, qint64 deadline, int attempt,
                                  const QPointer<JaegerReply>& reply, std::function<void()> again)
{
    const bool connectionLost = http.status == 0 && !http.timedOut &&
                                (http.error == QNetworkReply::ConnectionRefusedError ||
                                 http.error == QNetworkReply::RemoteHostClosedError ||
                                 http.error == QNetworkReply::UnknownNetworkError);
    const qint64 left = deadline - QDateTime::currentMSecsSinceEpoch();
    if (!connectionLost || !forward_ || !forward_->isActive() || attempt >= 3 || left <= 0)
        return false;
    qCInfo(lcTracing) << "Jaeger through the port-forward:" << http.errorString
                      << "- sending again once the forward is back";
    // One shot: whichever comes first of the forward being ready again, giving up, or the time
    // running out. When kubectl has not yet noticed the broken tunnel, the forward still looks
    // ready; then it gets a moment to notice before the request simply goes again.
    auto* waiter = new QObject(this);
    auto fired = std::make_shared<bool>(false);
    const auto fire = [waiter, fired, again] {
        if (std::exchange(*fired, true))
            return;
        waiter->deleteLater();
        again();
    };
    connect(forward_, &PortForward::ready, waiter, fire);
    connect(forward_, &PortForward::failed, waiter, fire);
    connect(forward_, &PortForward::stopped, waiter, fire);
    QTimer::singleShot(std::chrono::milliseconds(std::min<qint64>(left, 1500)), waiter,
                       [this, fire] {
                           if (!forward_ || forward_->state() == PortForward::State::Ready)
                               fire();
                       });
    QTimer::singleShot(std::chrono::milliseconds(left), waiter, fire);
    if (reply)
        connect(reply, &JaegerReply::finished, waiter, &QObject::deleteLater);
    return true;
}

JaegerReply::Status JaegerClient::classify(const Http& http, Error& error) const
{
    using S = JaegerReply::Status;
    const QString where = origin(http.url);
    if (http.tooLarge) {
        error = {u"Jaeger's answer from %1 is larger than %2 MiB, the most ObsLab reads; it "
                 u"stopped reading there."_s.arg(http.url.toDisplayString())
                     .arg(double(maxResponseBytes_) / double(1 << 20)),
                 u"Raise \"Largest Jaeger answer\" in Settings (jaeger/maxResponseMiB in "
                 u"ObsLab's settings file) if the trace is really that big, or check that the "
                 u"URL points at Jaeger's query service."_s};
        return S::TooLarge;
    }
    if (http.status == 0) {
        if (http.timedOut) {
            error = {u"Jaeger at %1 did not answer within %2 s."_s.arg(where).arg(
                         double(timeout_.count()) / 1000.0),
                     u"Check that the port-forward is still running and that the Jaeger pod is "
                     u"ready: kubectl -n istio-system get pods -l app=jaeger."_s};
            return S::Timeout;
        }
        if (http.error == QNetworkReply::ConnectionRefusedError) {
            error = {u"Cannot connect to Jaeger at %1: connection refused."_s.arg(where),
                     kPortForwardHint};
            return S::ConnectionRefused;
        }
        error = {u"Cannot reach Jaeger at %1: %2."_s.arg(where, http.errorString),
                 kPortForwardHint};
        return S::NetworkError;
    }
    if (jaegerjson::looksLikeHtml(http.body)) {
        error = {u"%1 answered with a web page instead of JSON."_s.arg(http.url.toDisplayString()),
                 u"Check the base path: Istio's add-on serves Jaeger under /jaeger, e.g. "
                 u"http://localhost:16686/jaeger."_s};
        return S::HtmlInsteadOfJson;
    }
    if (http.status == 404) {
        const QString message = jaegerjson::apiErrorMessage(http.body);
        error = {message.isEmpty() ? u"Not found."_s : message, {}};
        return S::NotFound;
    }
    if (http.status >= 400) {
        QString message = jaegerjson::apiErrorMessage(http.body);
        if (message.isEmpty())
            message = shortBody(http.body);
        const QString hint =
            http.status >= 500
                ? u"Jaeger's query service or its storage failed. Retry in a moment; if it "
                  u"persists, look at its log: kubectl -n istio-system logs deploy/jaeger."_s
                : u"Jaeger refused the request as sent; check the Jaeger URL in Settings (it "
                  u"should be the query service, svc/tracing)."_s;
        error = {u"Jaeger answered HTTP %1 for %2: %3"_s.arg(http.status)
                     .arg(http.url.toDisplayString(), message),
                 hint};
        return S::HttpError;
    }
    return S::Ok;
}

bool JaegerClient::endpointMissing(const Http& http)
{
    // Jaeger's 404s for missing data say what is missing ("trace not found", "No traces
    // found"); a removed or unknown route answers Go's "404 page not found", as plain text or
    // wrapped in Jaeger's error envelope.
    if (http.status != 404)
        return false;
    const QString message = jaegerjson::apiErrorMessage(http.body);
    return message.isEmpty() || message.contains(u"page not found", Qt::CaseInsensitive);
}

Error JaegerClient::notFoundError(const QString& what)
{
    return {what,
            u"Spans reach Jaeger a few seconds after the request: wait and retry. If it never "
            u"appears, the request was not sampled (Istio samples 1 % by default; raise "
            u"randomSamplingPercentage in a Telemetry resource) or the client used another "
            u"propagation format than the mesh (B3 vs W3C). Send some traffic and try again."_s};
}

// ---- base-path discovery ----

void JaegerClient::whenResolved(JaegerReply* reply, Step step)
{
    if (discovery_ == Discovery::Done) {
        step();
        return;
    }
    waiting_.append({reply, std::move(step)});
    if (discovery_ == Discovery::Running)
        return;
    discovery_ = Discovery::Running;
    sawHtml_ = false;
    sawMalformed_ = false;
    candidates_ = {baseUrl_};
    QString path = baseUrl_.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (!path.endsWith(u"/jaeger"))
        candidates_.append(jaegerurls::join(baseUrl_, u"jaeger"_s));
    probe(0);
}

void JaegerClient::probe(int candidate)
{
    using S = JaegerReply::Status;
    if (candidate >= candidates_.size()) {
        const QString where = baseUrl_.toDisplayString();
        if (sawHtml_) {
            finishDiscovery(S::HtmlInsteadOfJson,
                            {u"%1 answers with a web page, not with Jaeger's API."_s.arg(where),
                             u"Check the base path: Istio's add-on serves Jaeger under /jaeger "
                             u"(http://localhost:16686/jaeger); a custom QUERY_BASE_PATH or "
                             u"base_path needs that path in the URL."_s});
        } else if (sawMalformed_) {
            finishDiscovery(S::MalformedJson,
                            {u"%1 does not answer with Jaeger's JSON."_s.arg(where),
                             u"Check that the URL points at Jaeger's query service (svc/tracing "
                             u"in istio-system, port 16686), not at the collector."_s});
        } else {
            finishDiscovery(S::NoQueryApi,
                            {u"No Jaeger query API at %1 (tried /api/services and "
                             u"/api/v3/services, with and without /jaeger)."_s.arg(where),
                             u"Check the URL and port: the query service is svc/tracing (port 80 "
                             u"→ 16686) in istio-system, not the collector (14268, 4317)."_s});
        }
        return;
    }
    const QUrl base = candidates_[candidate];
    const quint64 generation = generation_;
    get(nullptr, jaegerurls::v1Services(base), [=, this](const Http& http) {
        if (generation != generation_)
            return;
        Error error;
        const S status = classify(http, error);
        if (http.status == 0 || status == S::TooLarge) {
            finishDiscovery(status, error);
            return;
        }
        if (status == S::HtmlInsteadOfJson) {
            sawHtml_ = true;
            // Jaeger 1.x's page names its base path: <base href="/jaeger/">.
            const QString path = jaegerjson::htmlBasePath(http.body);
            if (!path.isEmpty()) {
                QUrl hinted = base;
                hinted.setPath(path);
                if (!candidates_.contains(hinted))
                    candidates_.insert(candidate + 1, hinted);
            }
            probe(candidate + 1);
            return;
        }
        if (status == S::Ok) {
            if (jaegerjson::parseNameList(http.body)) {
                resolved_ = base;
                v1Search_ = true;
                finishDiscovery(S::Ok, {});
            } else {
                sawMalformed_ = true;
                probe(candidate + 1);
            }
            return;
        }
        if (http.status != 404) {
            // Jaeger's own JSON error (a 500 from its storage): this is Jaeger, and the call
            // itself will report the problem. Anything else is not Jaeger.
            if (jaegerjson::apiErrorMessage(http.body).isEmpty()) {
                probe(candidate + 1);
                return;
            }
            resolved_ = base;
            finishDiscovery(S::Ok, {});
            return;
        }
        // v1 /api/services answers 404 only when the route is gone (Jaeger after v2.20).
        get(nullptr, jaegerurls::v3Services(base), [=, this](const Http& v3) {
            if (generation != generation_)
                return;
            if (v3.status == 200 && jaegerjson::parseNameList(v3.body)) {
                resolved_ = base;
                v1Search_ = false;
                finishDiscovery(S::Ok, {});
                return;
            }
            if (v3.status == 0 || v3.tooLarge) {
                Error e;
                finishDiscovery(classify(v3, e), e);
                return;
            }
            probe(candidate + 1);
        });
    });
}

void JaegerClient::finishDiscovery(JaegerReply::Status status, const Error& error)
{
    const auto waiting = std::exchange(waiting_, {});
    if (status == JaegerReply::Status::Ok) {
        discovery_ = Discovery::Done;
        qCInfo(lcTracing) << "Jaeger API at" << resolved_.toDisplayString()
                          << (v1Search_ ? "(v1)" : "(v3 only)");
        Q_EMIT baseUrlResolved(resolved_);
        for (const auto& [reply, step] : waiting) {
            if (reply && !reply->isFinished())
                step();
        }
        return;
    }
    // Not cached: the next call tries again (the user may have started the port-forward).
    discovery_ = Discovery::Unknown;
    for (const auto& [reply, step] : waiting) {
        if (reply)
            reply->fail(status, error);
    }
}

// ---- calls ----

bool JaegerClient::parseNamesInto(JaegerReply* reply, const Http& http)
{
    Error error;
    const JaegerReply::Status status = classify(http, error);
    if (status != JaegerReply::Status::Ok) {
        reply->fail(status, error);
        return false;
    }
    auto names = jaegerjson::parseNameList(http.body);
    if (!names) {
        reply->fail(JaegerReply::Status::MalformedJson, malformed(http.url, names.error()));
        return false;
    }
    reply->names_ = names.value();
    return true;
}

void JaegerClient::listCall(JaegerReply* reply, const QUrl& v1, const QUrl& v3)
{
    const auto onV3 = [this, reply](const Http& http) {
        if (parseNamesInto(reply, http))
            reply->succeed();
    };
    if (!v1Search_) {
        get(reply, v3, onV3);
        return;
    }
    get(reply, v1, [this, reply, v3, onV3](const Http& http) {
        // v1 answers "nothing" with 200 and empty data; a 404 means the endpoint is gone.
        if (http.status == 404) {
            // Jaeger after v2.20 removed these v1 endpoints.
            v1Search_ = false;
            get(reply, v3, onV3);
            return;
        }
        if (parseNamesInto(reply, http))
            reply->succeed();
    });
}

JaegerReply* JaegerClient::services()
{
    JaegerReply* reply = newReply();
    whenResolved(reply, [this, reply] {
        listCall(reply, jaegerurls::v1Services(resolved_), jaegerurls::v3Services(resolved_));
    });
    return reply;
}

JaegerReply* JaegerClient::operations(const QString& service)
{
    JaegerReply* reply = newReply();
    whenResolved(reply, [this, reply, service] {
        listCall(reply, jaegerurls::v1Operations(resolved_, service),
                 jaegerurls::v3Operations(resolved_, service));
    });
    return reply;
}

void JaegerClient::searchOnce(JaegerReply* reply, const TraceQuery& query,
                              std::function<void(const QList<Trace>&)> done)
{
    using S = JaegerReply::Status;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const auto onV3 = [this, reply, done](const Http& http) {
        Error error;
        const S status = classify(http, error);
        if (status == S::NotFound && !endpointMissing(http)) {
            done({});  // api_v3 answers a search without match with 404
            return;
        }
        if (status == S::NotFound) {
            reply->fail(S::NoQueryApi,
                        {u"Jaeger at %1 has neither v1 nor v3 trace search."_s.arg(
                             resolved_.toDisplayString()),
                         u"Check the Jaeger URL and version (ObsLab needs Jaeger ≥ 1.35)."_s});
            return;
        }
        if (status != S::Ok) {
            reply->fail(status, error);
            return;
        }
        auto traces = jaegerjson::parseOtlpTraces(http.body);
        if (!traces) {
            reply->fail(S::MalformedJson, malformed(http.url, traces.error()));
            return;
        }
        done(traces.value());
    };
    const QUrl v3 = jaegerurls::v3Search(resolved_, query, now);
    if (!v1Search_) {
        get(reply, v3, onV3);
        return;
    }
    get(reply, jaegerurls::v1Search(resolved_, query, now),
        [this, reply, done, v3, onV3](const Http& http) {
            if (http.status == 404) {
                v1Search_ = false;
                get(reply, v3, onV3);
                return;
            }
            Error error;
            const S status = classify(http, error);
            if (status != S::Ok) {
                reply->fail(status, error);
                return;
            }
            auto traces = jaegerjson::parseV1Traces(http.body);
            if (!traces) {
                reply->fail(S::MalformedJson, malformed(http.url, traces.error()));
                return;
            }
            done(traces.value());
        });
}

JaegerReply* JaegerClient::searchTraces(const TraceQuery& query)
{
    JaegerReply* reply = newReply();
    whenResolved(reply, [this, reply, query] {
        searchOnce(reply, query, [reply](const QList<Trace>& traces) {
            reply->traces_ = traces;
            reply->succeed();
        });
    });
    return reply;
}

JaegerReply* JaegerClient::trace(const JaegerTraceId& id)
{
    using S = JaegerReply::Status;
    JaegerReply* reply = newReply();
    if (!id.isValid()) {
        failLater(reply, S::NotFound,
                  {u"That is not a trace id (expected 1–32 hex digits, not all zero)."_s, {}});
        return reply;
    }
    const auto finishWith = [this, reply, id](const Http& http, bool v3) {
        Error error;
        const S status = classify(http, error);
        if (status == S::NotFound) {
            reply->fail(S::NotFound,
                        notFoundError(u"Trace %1 was not found in Jaeger."_s.arg(id.toUrlForm())));
            return;
        }
        if (status != S::Ok) {
            reply->fail(status, error);
            return;
        }
        auto traces =
            v3 ? jaegerjson::parseOtlpTraces(http.body) : jaegerjson::parseV1Traces(http.body);
        if (!traces) {
            reply->fail(S::MalformedJson, malformed(http.url, traces.error()));
            return;
        }
        QList<Trace> found;
        for (const Trace& t : traces.value()) {
            if (!t.isEmpty())
                found.append(t);
        }
        if (found.isEmpty()) {
            reply->fail(S::NotFound,
                        notFoundError(u"Trace %1 was not found in Jaeger."_s.arg(id.toUrlForm())));
            return;
        }
        reply->traces_ = found;
        if (!v3)
            reply->v1Body_ = http.body;
        reply->succeed();
    };
    whenResolved(reply, [this, reply, id, finishWith] {
        // /api/traces/{id} survives the removal of the other v1 endpoints; v3 only as fallback.
        get(reply, jaegerurls::v1Trace(resolved_, id), [=, this](const Http& http) {
            if (endpointMissing(http)) {
                get(reply, jaegerurls::v3Trace(resolved_, id),
                    [finishWith](const Http& v3) { finishWith(v3, true); });
                return;
            }
            finishWith(http, false);
        });
    });
    return reply;
}

JaegerReply* JaegerClient::findTraceByRequestId(const QString& service, const QString& requestId,
                                                std::chrono::seconds lookback)
{
    using S = JaegerReply::Status;
    JaegerReply* reply = newReply();
    const QString id = requestId.trimmed();
    if (id.isEmpty() || id == u"-") {
        failLater(reply, S::NotFound, {u"The log line has no x-request-id."_s, {}});
        return reply;
    }
    TraceQuery query;
    query.tags = {{u"guid:x-request-id"_s, id}};
    query.lookback = lookback;
    query.limit = 5;
    const auto notFound = [id, lookback](const QString& where) {
        return notFoundError(
            u"No trace in Jaeger carries x-request-id %1 (searched %2, last %3 h)."_s.arg(id, where)
                .arg(lookback.count() / 3600));
    };
    const auto finishWithFirst = [reply](const QList<Trace>& traces) {
        for (const Trace& t : traces) {
            if (!t.isEmpty()) {
                reply->traces_ = {t};
                reply->succeed();
                return true;
            }
        }
        return false;
    };

    if (!service.isEmpty()) {
        whenResolved(reply, [=, this] {
            TraceQuery q = query;
            q.service = service;
            searchOnce(reply, q, [=](const QList<Trace>& traces) {
                if (!finishWithFirst(traces))
                    reply->fail(S::NotFound, notFound(service));
            });
        });
        return reply;
    }

    // Jaeger's v1 search needs a service: ask each in turn, the ingress gateway first since it
    // sees every request from outside.
    JaegerReply* list = services();
    list->setParent(reply);
    connect(list, &JaegerReply::finished, reply, [=, this] {
        if (!list->ok()) {
            reply->fail(list->status(), list->error());
            return;
        }
        QStringList names = list->names();
        std::stable_partition(names.begin(), names.end(),
                              [](const QString& n) { return n.contains(u"ingressgateway"); });
        auto next = std::make_shared<std::function<void(int)>>();
        *next = [=, this, weakNext = std::weak_ptr(next)](int i) {
            if (i >= names.size()) {
                reply->fail(S::NotFound, notFound(u"all %1 services"_s.arg(names.size())));
                return;
            }
            TraceQuery q = query;
            q.service = names[i];
            searchOnce(reply, q, [=](const QList<Trace>& traces) {
                if (finishWithFirst(traces))
                    return;
                if (auto n = weakNext.lock())
                    (*n)(i + 1);
            });
        };
        // The chain keeps itself alive through the reply until it finishes.
        connect(reply, &JaegerReply::finished, reply, [next] {});
        (*next)(0);
    });
    return reply;
}

}  // namespace obslab
