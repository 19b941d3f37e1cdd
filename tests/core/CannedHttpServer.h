#pragma once

#include <QByteArray>
#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTcpServer>
#include <QUrl>

#include <functional>

namespace obslab::test {

// A tiny HTTP/1.1 server on 127.0.0.1:<free port> for client tests: canned answers per path,
// optional delays, and a "never answer" mode for timeouts. Closes each connection after the
// answer. Lives in the test's thread; nothing here blocks.
class CannedHttpServer : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QString path;                             // decoded path, no query
        QUrl url;                                 // path + query as sent
        QString query(const QString& key) const;  // decoded value of a query item
    };
    struct Response
    {
        int status = 200;
        QByteArray body;
        QByteArray contentType = "application/json";
        int delayMs = 0;     // answer after this long (QTimer)
        bool never = false;  // read the request, never answer
    };
    using Handler = std::function<Response(const Request&)>;

    explicit CannedHttpServer(QObject* parent = nullptr);
    bool listen();
    QUrl url() const;  // http://127.0.0.1:PORT
    void close() { server_.close(); }

    void on(const QString& path, Response response);
    void on(const QString& path, Handler handler);
    // For paths with no handler; Go's plain-text 404 unless changed.
    void setFallback(Handler handler) { fallback_ = std::move(handler); }

    const QList<Request>& requests() const { return requests_; }
    QStringList requestedPaths() const;

    static Response json(const QByteArray& body, int status = 200);
    static Response html();  // Jaeger 1.x's UI page with <base href="/jaeger/">
    static Response goNotFound();

private:
    void serve(class QTcpSocket* socket);

    QTcpServer server_;
    QHash<QString, Handler> handlers_;
    Handler fallback_;
    QList<Request> requests_;
};

}  // namespace obslab::test
