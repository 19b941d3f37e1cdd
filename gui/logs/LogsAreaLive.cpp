#include "gui/logs/LogsArea.h"

#include "core/common/AppSettings.h"
#include "core/logs/LiveLogStore.h"
#include "core/logs/LogSession.h"
#include "core/process/Transcript.h"
#include "gui/logs/LogTableModel.h"
#include "gui/logs/LogsToolbar.h"
#include "gui/widgets/Banner.h"

#include <QLabel>
#include <QStackedWidget>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

// Live sources: the session follows (PodFollower → LiveLogStore); the area shows what it says.

void LogsArea::connectLiveSession()
{
    connect(session_, &LogSession::followWarning, this,
            [this](int, const QString& message) { showWarning(message.toHtmlEscaped()); });
    connect(session_, &LogSession::followFailed, this, [this](int, const QString& message, bool) {
        showError(tr("Following stopped: %1").arg(message.toHtmlEscaped()));
    });
    connect(session_, &LogSession::podAppeared, this,
            [this](int, const QString& pod) { status_->setText(tr("Following pod %1").arg(pod)); });
    connect(session_, &LogSession::followStopped, this, &LogsArea::updateLiveControls);
    connect(session_, &LogSession::liveWriteFailed, this, [this](int, const QString& message) {
        showError(tr("Followed lines cannot be written to disk (%1); they are kept in memory and "
                     "written when the disk accepts them again.")
                      .arg(message.toHtmlEscaped()));
    });
    connect(session_, &LogSession::liveSaved, this,
            [this](int, const QString& path, const QString& error) {
                if (error.isEmpty())
                    status_->setText(tr("Session saved to %1").arg(path));
                else
                    showError(tr("The session could not be saved: %1").arg(error.toHtmlEscaped()));
                Q_EMIT sessionSaved(path, error);
            });
}

int LogsArea::addLiveSource(const QString& title, LiveLogStore* store, PodFollower* follower)
{
    const int index = addSource(session_->addLive(title, store, follower));
    stack_->setCurrentIndex(1);
    showSource(index);
    setFollowing(true);
    return index;
}

bool LogsArea::saveSession(const QString& path)
{
    return session_->saveLive(session_->current(), path);
}

void LogsArea::updateLiveControls()
{
    const int current = session_->current();
    const bool live = current >= 0 && session_->source(current).live;
    toolbar_->setLive(live, live && session_->isFollowing(current));
}

void LogsArea::followSelector(const QString& namespaceName, const QString& selector,
                              const QString& container)
{
    KubeTarget target = kubeTarget_;
    if (!kubeTargetSet_ && settings_ && !settings_->kubectlPath().isEmpty())
        target.kubectl = settings_->kubectlPath();
    if (!namespaceName.isEmpty())
        target.ns = namespaceName;
    FollowOptions options;
    options.selector = selector;
    if (!container.isEmpty())
        options.container = container;
    const QString title = tr("Live: %1 in %2").arg(selector, target.ns);
    QString error;
    const int index =
        session_->follow(title, target, options, transcript_, LogSession::Spool::Disk, &error);
    if (index < 0) {
        showError(tr("Cannot follow %1: %2").arg(selector.toHtmlEscaped(), error.toHtmlEscaped()));
        stack_->setCurrentIndex(1);
        return;
    }
    addSource(index);
    stack_->setCurrentIndex(1);
    showSource(index);
    setFollowing(true);
    session_->startFollowing(index);
    updateLiveControls();
}

}  // namespace obslab
