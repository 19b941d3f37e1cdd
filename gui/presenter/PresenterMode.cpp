#include "gui/presenter/PresenterMode.h"

#include "core/common/AppSettings.h"
#include "core/process/BackgroundJob.h"
#include "core/process/BackgroundJobs.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/process/Redactor.h"
#include "gui/common/ThemeManager.h"
#include "gui/presenter/CommandBanner.h"
#include "gui/presenter/KeyHintBar.h"
#include "gui/widgets/Icons.h"

#include <QAction>
#include <QDockWidget>
#include <QMainWindow>
#include <QMetaMethod>
#include <QToolBar>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
constexpr int kPresenterStateVersion = 0x5e5e;
}

PresenterMode::PresenterMode(QMainWindow* window, AppSettings* settings, ThemeManager* theme)
    : QObject(window)
    , window_(window)
    , settings_(settings)
    , theme_(theme)
{
    toggle_ = new QAction(Icons::icon(u"lab"_s), tr("&Presenter Mode"), window);
    toggle_->setObjectName(u"presenterMode"_s);
    toggle_->setCheckable(true);
    toggle_->setShortcut(QKeySequence(Qt::Key_F11));
    toggle_->setToolTip(tr("Presenter mode: large type, high contrast, the running command shown "
                           "big, only the lab (F11)"));
    connect(toggle_, &QAction::toggled, this, &PresenterMode::setActive);
    window->addAction(toggle_);

    exit_ = new QAction(tr("Leave Presenter Mode"), window);
    exit_->setObjectName(u"presenterExit"_s);
    exit_->setShortcut(QKeySequence(Qt::Key_Escape));
    exit_->setEnabled(false);
    connect(exit_, &QAction::triggered, this, [this] { setActive(false); });
    window->addAction(exit_);

    addKey(u"presenterNext"_s, tr("Next step"),
           {QKeySequence(Qt::Key_PageDown), QKeySequence(Qt::Key_N)},
           &PresenterMode::nextStepRequested, "nextStep");
    addKey(u"presenterPrevious"_s, tr("Previous step"),
           {QKeySequence(Qt::Key_PageUp), QKeySequence(Qt::Key_P)},
           &PresenterMode::previousStepRequested, "previousStep");
    addKey(u"presenterRun"_s, tr("Run the step"), {QKeySequence(Qt::Key_R)},
           &PresenterMode::runRequested, "runStep");
    addKey(u"presenterCheck"_s, tr("Check the step"), {QKeySequence(Qt::Key_C)},
           &PresenterMode::checkRequested, "checkStep");
    addKey(u"presenterHint"_s, tr("Show the hint"), {QKeySequence(Qt::Key_H)},
           &PresenterMode::hintRequested, "showHint");

    banner_ = new CommandBanner;
    bannerBar_ = new QToolBar(tr("Running command"), window);
    bannerBar_->setObjectName(u"presenterCommandBar"_s);
    bannerBar_->setMovable(false);
    bannerBar_->setFloatable(false);
    bannerBar_->toggleViewAction()->setVisible(false);
    bannerBar_->addWidget(banner_);
    banner_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    window->addToolBarBreak(Qt::TopToolBarArea);
    window->addToolBar(Qt::TopToolBarArea, bannerBar_);
    bannerBar_->hide();

    hints_ = new KeyHintBar;
    hints_->setHints({{tr("PgDn"), tr("next step")},
                      {tr("PgUp"), tr("previous")},
                      {u"R"_s, tr("run")},
                      {u"C"_s, tr("check")},
                      {u"H"_s, tr("hint")},
                      {u"F11"_s, tr("leave presenter mode")}});
    hints_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    hintBar_ = new QToolBar(tr("Keys"), window);
    hintBar_->setObjectName(u"presenterHintBar"_s);
    hintBar_->setMovable(false);
    hintBar_->setFloatable(false);
    hintBar_->toggleViewAction()->setVisible(false);
    hintBar_->addWidget(hints_);
    window->addToolBar(Qt::BottomToolBarArea, hintBar_);
    hintBar_->hide();
}

QAction* PresenterMode::addKey(const QString& objectName, const QString& text,
                               const QList<QKeySequence>& keys, void (PresenterMode::*signal)(),
                               const char* slot)
{
    auto* action = new QAction(text, window_);
    action->setObjectName(objectName);
    action->setShortcuts(keys);
    // Only in presenter mode: single letters must not steal keys from the rest of the app.
    action->setEnabled(false);
    connect(action, &QAction::triggered, this, [this, signal, slot] {
        Q_EMIT(this->*signal)();
        callTarget(slot);
    });
    window_->addAction(action);
    stepActions_ << action;
    return action;
}

QList<QAction*> PresenterMode::actions() const
{
    return QList<QAction*>{toggle_} + stepActions_ + QList<QAction*>{exit_};
}

void PresenterMode::setKeptDocks(const QList<QDockWidget*>& docks)
{
    kept_.clear();
    for (QDockWidget* d : docks)
        kept_ << d;
    if (active_) {
        for (QDockWidget* d : window_->findChildren<QDockWidget*>()) {
            const bool keep = docks.contains(d);
            if (keep && d->isHidden())
                d->show();
            else if (!keep && !d->isHidden())
                d->hide();
        }
    }
}

void PresenterMode::setStepTarget(QObject* target)
{
    target_ = target;
}

void PresenterMode::callTarget(const char* slot)
{
    if (!target_)
        return;
    const QMetaObject* meta = target_->metaObject();
    const QByteArray signature = QMetaObject::normalizedSignature(slot) + QByteArray("()");
    const int index = meta->indexOfMethod(signature.constData());
    if (index >= 0)
        meta->method(index).invoke(target_.data(), Qt::DirectConnection);
}

QString PresenterMode::settingsKey(const QString& labId)
{
    return u"presenter/labs/"_s + QString::fromLatin1(labId.toUtf8().toPercentEncoding());
}

void PresenterMode::setCurrentLab(const QString& labId)
{
    lab_ = labId;
    if (labId.isEmpty() || !settings_)
        return;
    const QVariant remembered = settings_->raw().value(settingsKey(labId));
    if (remembered.isValid())
        setActive(remembered.toBool());
}

void PresenterMode::setActive(bool on)
{
    if (on == active_)
        return;
    active_ = on;
    if (!lab_.isEmpty() && settings_)
        settings_->raw().setValue(settingsKey(lab_), on);

    if (on) {
        savedState_ = window_->saveState(kPresenterStateVersion);
        wasFullScreen_ = window_->isFullScreen();
        for (QDockWidget* d : window_->findChildren<QDockWidget*>()) {
            const bool keep = std::any_of(kept_.cbegin(), kept_.cend(),
                                          [d](const QPointer<QDockWidget>& k) { return k == d; });
            if (keep) {
                d->setFloating(false);
                d->show();
            } else {
                d->hide();
            }
        }
        if (!kept_.isEmpty() && kept_.constFirst())
            kept_.constFirst()->raise();
        if (theme_)
            theme_->setPresenter(true);
        bannerBar_->show();
        hintBar_->show();
        if (window_->isVisible() && !wasFullScreen_)
            window_->setWindowState(window_->windowState() | Qt::WindowFullScreen);
    } else {
        if (theme_)
            theme_->setPresenter(false);
        bannerBar_->hide();
        hintBar_->hide();
        if (!savedState_.isEmpty())
            window_->restoreState(savedState_, kPresenterStateVersion);
        if (!wasFullScreen_)
            window_->setWindowState(window_->windowState() & ~Qt::WindowFullScreen);
    }
    for (QAction* a : std::as_const(stepActions_))
        a->setEnabled(on);
    exit_->setEnabled(on);
    {
        const QSignalBlocker block(toggle_);
        toggle_->setChecked(on);
    }
    Q_EMIT activeChanged(on);
}

void PresenterMode::showCommand(const QString& shellLine, const QString& title)
{
    banner_->showCommand(shellLine, title);
}

void PresenterMode::showCommandFinished(bool ok, const QString& how)
{
    banner_->showFinished(ok, how);
}

void PresenterMode::showUpcomingCommand(const QString& shellLine, const QString& title)
{
    banner_->showUpcoming(shellLine, title);
}

void PresenterMode::watch(CommandRunner* runner)
{
    connect(runner, &CommandRunner::commandStarted, this, [this](Command* command) {
        const CommandSpec& spec = command->spec();
        showCommand(Redactor::redactSpec(spec).toShellLine(), spec.title);
        connect(command, &Command::finished, this, [this](const CommandResult& result) {
            showCommandFinished(result.ok(),
                                result.ok() ? tr("done") : commandStatusName(result.status));
        });
    });
}

void PresenterMode::watch(BackgroundJobs* jobs)
{
    connect(jobs, &QAbstractItemModel::rowsInserted, this,
            [this, jobs](const QModelIndex&, int first, int last) {
                for (int row = first; row <= last; ++row) {
                    if (BackgroundJob* job = jobs->job(row)) {
                        showCommand(Redactor::redactSpec(job->spec()).toShellLine(), job->title());
                        showCommandFinished(true, tr("in the background"));
                    }
                }
            });
}

}  // namespace obslab
