#include "KubeContextReader.h"

#include "common/AppSettings.h"
#include "process/Command.h"
#include "process/CommandRunner.h"
#include "process/ToolLocator.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

KubeContextReader::KubeContextReader(CommandRunner* runner, AppSettings* settings, QObject* parent)
    : QObject(parent)
    , runner_(runner)
    , settings_(settings)
{}

void KubeContextReader::publish()
{
    Q_EMIT statusChanged(status_);
}

void KubeContextReader::refresh()
{
    const quint64 generation = ++generation_;
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
        readContext(generation);
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

void KubeContextReader::readContext(quint64 generation)
{
    if (!runner_)
        return;
    Command* command = runner_->start(KubeContext::currentContextCommand(status_.kubectlPath));
    connect(command, &Command::finished, this, [this, generation](const CommandResult& result) {
        if (generation != generation_)
            return;
        if (result.status == CommandStatus::NotFound ||
            result.status == CommandStatus::FailedToStart) {
            status_.state = ClusterStatus::State::KubectlMissing;
            status_.kubectlMessage = result.message;
            publish();
            return;
        }
        const Result<QString> context =
            result.ok() ? KubeContext::parseCurrentContext(result.stdoutData)
                        : Result<QString>(Error{lastMeaningfulLine(result), {}});
        if (!context) {
            status_.state = ClusterStatus::State::NoContext;
            status_.error = context.error().message;
            publish();
            return;
        }
        status_.context = context.value();
        status_.local = KubeContext::looksLocal(status_.context, {});
        publish();
        readDetails(generation);
    });
}

void KubeContextReader::readDetails(quint64 generation)
{
    pendingDetails_ = 2;
    auto oneDone = [this, generation] {
        if (--pendingDetails_ == 0) {
            status_.local = KubeContext::looksLocal(status_.context, status_.server);
            publish();
            checkReachable(generation);
        }
    };
    Command* ns =
        runner_->start(KubeContext::namespaceCommand(status_.kubectlPath, status_.context));
    connect(ns, &Command::finished, this, [this, generation, oneDone](const CommandResult& result) {
        if (generation != generation_)
            return;
        status_.kubeNamespace = KubeContext::parseMinifiedNamespace(
            result.ok() ? QByteArrayView(result.stdoutData) : QByteArrayView());
        oneDone();
    });
    Command* server =
        runner_->start(KubeContext::serverCommand(status_.kubectlPath, status_.context));
    connect(server, &Command::finished, this,
            [this, generation, oneDone](const CommandResult& result) {
                if (generation != generation_)
                    return;
                if (result.ok())
                    status_.server = KubeContext::parseMinifiedServer(result.stdoutData);
                oneDone();
            });
}

void KubeContextReader::checkReachable(quint64 generation)
{
    Command* command =
        runner_->start(KubeContext::versionCommand(status_.kubectlPath, status_.context));
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
