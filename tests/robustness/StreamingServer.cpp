#include "StreamingServer.h"

#include <QTcpServer>
#include <QTcpSocket>

namespace obslab::test {

StreamingServer::StreamingServer(Mode mode)
    : mode_(mode)
{
    start();
    ready_.acquire();
}

StreamingServer::~StreamingServer()
{
    quit();
    wait();
}

void StreamingServer::run()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost);
    port_ = server.serverPort();
    const QByteArray chunk = QByteArray(",{\"traceID\":\"463ac35c9f6413ad\",\"pad\":\"") +
                             QByteArray(64 * 1024, 'x') + QByteArray("\"}");
    QObject::connect(&server, &QTcpServer::newConnection, &server, [&] {
        while (QTcpSocket* socket = server.nextPendingConnection()) {
            auto pump = [this, socket, chunk] {
                // Keep about one chunk queued: the client's reading paces the writing.
                if (socket->state() == QAbstractSocket::ConnectedState &&
                    socket->bytesToWrite() < chunk.size()) {
                    written_ += socket->write(chunk);
                }
            };
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, pump] {
                const QByteArray request = socket->readAll();
                if (!request.contains("\r\n\r\n") || socket->property("answered").toBool())
                    return;
                socket->setProperty("answered", true);
                QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
                head += mode_ == Mode::HugeLength ? "Content-Length: 10737418240\r\n\r\n"
                                                  : "Connection: close\r\n\r\n";
                socket->write(head + "{\"data\":[{\"x\":1}");
                pump();
            });
            QObject::connect(socket, &QTcpSocket::bytesWritten, socket, pump);
            QObject::connect(socket, &QTcpSocket::disconnected, socket, [this, socket] {
                ++gone_;
                socket->deleteLater();
            });
        }
    });
    ready_.release();
    exec();
}

}  // namespace obslab::test
