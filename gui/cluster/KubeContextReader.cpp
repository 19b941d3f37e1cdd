#include "gui/cluster/KubeContextReader.h"

#include "core/common/AppSettings.h"
#include "core/kube/ClusterContext.h"
#include "core/kube/KubeContext.h"
#include "core/kube/Kubectl.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/process/ToolLocator.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

KubeContextReader::KubeContextReader(CommandRunner* runner, AppSettings* settings, QObject* parent)
    : QObject(parent)
    , runner_(runner)
    , settings_(settings)
    , context_(new ClusterContext(runner, this))
{
    connect(context_, &ClusterContext::refreshed, this, &KubeContextReader::onContextRead);
    connect(context_, &ClusterContext::refreshFailed, this, &KubeContextReader::onContextFailed);
}

void KubeContextReader::publish()
{
    Q_EMIT statusChanged(status_);
}

void KubeContextReader::refresh()
{
    const quint64 generation = ++generation_;
    reading_ = false;
    status_ = ClusterStatus{};
    status_.state = ClusterStatus::State::Checking;
    publish();

    // Looking along PATH touches the disk: off the GUI thread.
    const QString configured = settings_ ? settings_->kubectlPath() : QString();
    auto* watcher = new QFutureWatcher<Result<QString>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != generation_)
            return;
        const Result<QString> found = watcher->result();
        if (!found) {
            status_.state = ClusterStatus::State::KubectlMissing;
            status_.kubectlMessage = found.error().message;
            status_.kubectlHint = found.error().hint;
            publish();
            return;
        }
        status_.kubectlPath = found.value();
        reading_ = true;
        context_->setKubectl(status_.kubectlPath);
        context_->refresh();
    });
    watcher->setFuture(
        QtConcurrent::run([configured] { return ToolLocator::locate(Tool::Kubectl, configured); }));
}

QString KubeContextReader::lastMeaningfulLine(const CommandResult& result)
{
    const QStringList lines = QString::fromUtf8(result.stderrData).split(u'\n', Qt::SkipEmptyParts);
    // kubectl prefixes klog noise ("E0101 10:44:52 … memcache.go") before the sentence that
    // matters, which it prints last.
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        const QString line = it->trimmed();
        if (!line.isEmpty())
            return line;
    }
    return result.message;
}

void KubeContextReader::onContextRead()
{
    if (!reading_)
        return;  // a refresh of the context started elsewhere (a context switch): no check
    reading_ = false;
    status_.context = context_->context();
    status_.kubeNamespace = context_->ns();
    status_.server = context_->server();
    status_.local = context_->looksLocal();
    publish();
    checkReachable(generation_);
}

void KubeContextReader::onContextFailed(const QString& message, const QString& hint)
{
    if (!reading_)
        return;
    reading_ = false;
    status_.state = ClusterStatus::State::NoContext;
    status_.error = hint.isEmpty() ? message : message + u' ' + hint;
    publish();
}

void KubeContextReader::checkReachable(quint64 generation)
{
    if (!runner_)
        return;
    Command* command = runner_->start(Kubectl::withKubeconfig(
        KubeContext::versionCommand(status_.kubectlPath, status_.context), context_->target()));
    connect(command, &Command::finished, this, [this, generation](const CommandResult& result) {
        if (generation != generation_)
            return;
        const auto versions = KubeContext::parseVersionJson(result.stdoutData);
        if (versions)
            status_.versions = versions.value();
        if (result.ok() && versions && status_.versions.server.isValid()) {
            status_.state = ClusterStatus::State::Reachable;
            status_.skewWarning = KubeContext::versionSkewWarning(status_.versions);
        } else {
            status_.state = ClusterStatus::State::Unreachable;
            status_.error = lastMeaningfulLine(result);
        }
        publish();
    });
}

}  // namespace obslab
