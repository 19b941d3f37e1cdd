#pragma once

#include <QObject>

class QSocketNotifier;

namespace obslab {

// Turns SIGTERM, SIGINT and SIGHUP into a Qt signal delivered by the event loop (a self-pipe
// written from the handler), so that a process asked to stop ends like a normal quit: temporary
// folders removed, child processes stopped, settings saved. One per process; the handlers are
// restored to the default when it is destroyed. Thread of the event loop that owns it.
class TerminationSignals : public QObject
{
    Q_OBJECT
public:
    explicit TerminationSignals(QObject* parent = nullptr);
    ~TerminationSignals() override;

    bool isInstalled() const { return notifier_ != nullptr; }

Q_SIGNALS:
    void received(int signalNumber);

private:
    void onReadable();

    QSocketNotifier* notifier_ = nullptr;
};

}  // namespace obslab
