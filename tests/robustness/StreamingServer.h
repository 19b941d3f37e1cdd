#pragma once

#include <QByteArray>
#include <QSemaphore>
#include <QThread>

#include <atomic>

namespace obslab::test {

// An HTTP server on 127.0.0.1 in its own thread (so a test may block on a child process while it
// serves) that answers every request 200 with a JSON-looking body that never ends, or with a
// Content-Length far larger than it sends. Counts what it wrote; stops with the object.
class StreamingServer : public QThread
{
public:
    enum class Mode
    {
        Endless,    // no length, writes until the client goes away
        HugeLength  // announces 10 GiB, then writes slowly
    };
    explicit StreamingServer(Mode mode);
    ~StreamingServer() override;

    quint16 port() const { return port_; }
    qint64 bytesWritten() const { return written_; }
    int clientsGone() const { return gone_; }

protected:
    void run() override;

private:
    Mode mode_;
    quint16 port_ = 0;
    QSemaphore ready_;
    std::atomic<qint64> written_{0};
    std::atomic<int> gone_{0};
};

}  // namespace obslab::test
