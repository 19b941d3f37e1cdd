#pragma once

#include "core/common/Result.h"
#include "core/tracing/Trace.h"

#include <QList>
#include <QObject>
#include <QStringList>
#include <QUrl>

namespace obslab {

// The outcome of one JaegerClient call. Created by the client (its child) in the Pending state;
// emits finished() exactly once, always after the call that created it has returned. The caller
// owns it from then on and should deleteLater() it in its finished() handler.
class JaegerReply : public QObject
{
    Q_OBJECT
public:
    enum class Status
    {
        Pending,
        Ok,
        ConnectionRefused,  // nothing listens: the port-forward is not running
        Timeout,            // no answer within the client's timeout
        NotFound,           // unknown trace id / no trace with that request id
        HtmlInsteadOfJson,  // the UI page answered: wrong base path
        MalformedJson,      // not Jaeger's JSON
        NoQueryApi,         // neither v1 nor v3 endpoints exist at that URL
        HttpError,          // any other 4xx/5xx
        NetworkError,       // DNS, TLS, reset…
        TooLarge,           // the answer outgrew the client's limit (maxResponseBytes)
        Cancelled
    };
    Q_ENUM(Status)

    explicit JaegerReply(QObject* parent = nullptr);

    Status status() const { return status_; }
    bool isFinished() const { return status_ != Status::Pending; }
    bool ok() const { return status_ == Status::Ok; }
    // What went wrong and what to do next; empty message when ok().
    const Error& error() const { return error_; }
    // The last URL requested for this call (after base-path discovery).
    QUrl url() const { return url_; }

    const QList<Trace>& traces() const { return traces_; }  // search, trace(), findTrace…()
    const QStringList& names() const { return names_; }     // services(), operations()
    // trace(): Jaeger's answer as it came, when it came from the v1 /api/traces/{id} (the JSON
    // the Jaeger UI itself asks for); empty after a v3 fallback.
    const QByteArray& v1Body() const { return v1Body_; }

    // Finishes with Cancelled at once; late network answers are then ignored.
    void abort();

Q_SIGNALS:
    void finished();

private:
    friend class JaegerClient;
    void succeed();
    void fail(Status status, Error error);

    Status status_ = Status::Pending;
    Error error_;
    QUrl url_;
    QList<Trace> traces_;
    QStringList names_;
    QByteArray v1Body_;
};

}  // namespace obslab
