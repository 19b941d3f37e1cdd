#include "CannedHttpServer.h"

#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

namespace obslab::test {

QString CannedHttpServer::Request::query(const QString& key) const
{
    return QUrlQuery(url).queryItemValue(key, QUrl::FullyDecoded);
}

CannedHttpServer::CannedHttpServer(QObject* parent)
    : QObject(parent)
    , fallback_([](const Request&) { return goNotFound(); })
{
    connect(&server_, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* socket = server_.nextPendingConnection())
            serve(socket);
    });
}

bool CannedHttpServer::listen()
{
    return server_.listen(QHostAddress::LocalHost, 0);
}

QUrl CannedHttpServer::url() const
{
    return QUrl(u"http://127.0.0.1:%1"_s.arg(server_.serverPort()));
}

void CannedHttpServer::on(const QString& path, Response response)
{
    handlers_.insert(path, [response](const Request&) { return response; });
}

void CannedHttpServer::on(const QString& path, Handler handler)
{
    handlers_.insert(path, std::move(handler));
}

QStringList CannedHttpServer::requestedPaths() const
{
    QStringList paths;
    for (const Request& r : requests_)
        paths.append(r.path);
    return paths;
}

CannedHttpServer::Response CannedHttpServer::json(const QByteArray& body, int status)
{
    Response r;
    r.status = status;
    r.body = body;
    return r;
}

CannedHttpServer::Response CannedHttpServer::html()
{
    Response r;
    r.contentType = "text/html; charset=utf-8";
    r.body = "<!doctype html><html lang=\"en\"><head><base href=\"/jaeger/\" data-inject-target="
             "\"BASE_URL\"/><title>Jaeger UI</title></head><body><div id=\"jaeger-ui-root\">"
             "</div></body></html>";
    return r;
}

CannedHttpServer::Response CannedHttpServer::goNotFound()
{
    Response r;
    r.status = 404;
    r.contentType = "text/plain; charset=utf-8";
    r.body = "404 page not found\n";
    return r;
}

void CannedHttpServer::serve(QTcpSocket* socket)
{
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
        // The request so far is kept on the socket; we only need the head (GET has no body).
        const QByteArray buffer = socket->property("buffer").toByteArray() + socket->readAll();
        socket->setProperty("buffer", buffer);
        if (!buffer.contains("\r\n\r\n") || socket->property("answered").toBool())
            return;
        socket->setProperty("answered", true);
        const QByteArray requestLine = buffer.left(buffer.indexOf("\r\n"));
        const QList<QByteArray> parts = requestLine.split(' ');
        Request request;
        request.url = QUrl::fromEncoded(parts.value(1));
        request.path = request.url.path(QUrl::FullyDecoded);
        requests_.append(request);
        const Handler handler = handlers_.value(request.path, fallback_);
        const Response response = handler(request);
        if (response.never)
            return;
        const auto answer = [socket, response] {
            QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + " Canned\r\n";
            out += "Content-Type: " + response.contentType + "\r\n";
            out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
            out += "Connection: close\r\n\r\n";
            out += response.body;
            socket->write(out);
            socket->disconnectFromHost();
        };
        if (response.delayMs > 0)
            QTimer::singleShot(response.delayMs, socket, answer);
        else
            answer();
    });
}

}  // namespace obslab::test
