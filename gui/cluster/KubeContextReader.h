#pragma once

#include "gui/cluster/ClusterStatus.h"

#include <QObject>
#include <QPointer>

namespace obslab {

class AppSettings;
class ClusterContext;
class CommandRunner;
struct CommandResult;

// The app's view of the cluster for the toolbar, the banner and the Lab: finds kubectl, lets
// its ClusterContext (the context and namespace every command uses, and the context-safety
// policy) read the kubeconfig, then checks that the cluster answers. Asynchronous: refresh()
// returns at once and statusChanged() reports each step; a refresh while one runs supersedes it
// (stale results are dropped). GUI thread. Owns the ClusterContext.
class KubeContextReader : public QObject
{
    Q_OBJECT
public:
    KubeContextReader(CommandRunner* runner, AppSettings* settings, QObject* parent = nullptr);

    const ClusterStatus& status() const { return status_; }
    ClusterContext* context() const { return context_; }

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void statusChanged(const obslab::ClusterStatus& status);

private:
    void onContextRead();
    void onContextFailed(const QString& message, const QString& hint);
    void checkReachable(quint64 generation);
    void publish();
    static QString lastMeaningfulLine(const CommandResult& result);

    QPointer<CommandRunner> runner_;
    QPointer<AppSettings> settings_;
    ClusterContext* context_ = nullptr;
    ClusterStatus status_;
    quint64 generation_ = 0;
    bool reading_ = false;  // the context's refresh belongs to the current generation
};

}  // namespace obslab
