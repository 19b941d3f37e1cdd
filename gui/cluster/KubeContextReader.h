#pragma once

#include "ClusterStatus.h"

#include <QObject>
#include <QPointer>

namespace obslab {

class AppSettings;
class CommandRunner;
struct CommandResult;

// Reads the kube context, namespace and server with kubectl, then checks that the cluster
// answers. Asynchronous: refresh() returns at once and statusChanged() reports each step; a
// refresh while one runs supersedes it (stale results are dropped). GUI thread.
class KubeContextReader : public QObject
{
    Q_OBJECT
public:
    KubeContextReader(CommandRunner* runner, AppSettings* settings, QObject* parent = nullptr);

    const ClusterStatus& status() const { return status_; }

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void statusChanged(const obslab::ClusterStatus& status);

private:
    void readContext(quint64 generation);
    void readDetails(quint64 generation);
    void checkReachable(quint64 generation);
    void publish();
    static QString lastMeaningfulLine(const CommandResult& result);

    QPointer<CommandRunner> runner_;
    QPointer<AppSettings> settings_;
    ClusterStatus status_;
    quint64 generation_ = 0;
    int pendingDetails_ = 0;
};

}  // namespace obslab
