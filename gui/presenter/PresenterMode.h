#pragma once

#include <QList>
#include <QObject>
#include <QPointer>

class QAction;
class QDockWidget;
class QMainWindow;
class QToolBar;

namespace obslab {

class AppSettings;
class BackgroundJobs;
class CommandBanner;
class CommandRunner;
class KeyHintBar;
class ThemeManager;

// Presenter mode for a projector: fonts scaled up and a high-contrast palette (ThemeManager), the
// running command shown big across the top (CommandBanner), a key hint bar at the bottom, every
// dock hidden but the ones keptDocks() names, full screen. Keys: F11 toggles; Page Down / N next
// step, Page Up / P previous (what a presentation clicker sends), R run, C check, H hint, Esc
// leaves. Step keys call the step target's slots nextStep(), previousStep(), runStep(),
// checkStep(), showHint() when it has them, and are signals too. The state is remembered per lab
// (setCurrentLab). GUI thread; owned by the window.
class PresenterMode : public QObject
{
    Q_OBJECT
public:
    PresenterMode(QMainWindow* window, AppSettings* settings, ThemeManager* theme);

    bool isActive() const { return active_; }
    QAction* toggleAction() const { return toggle_; }
    QList<QAction*> actions() const;  // every presenter key, for the shortcuts dialog
    CommandBanner* commandBanner() const { return banner_; }
    KeyHintBar* keyHintBar() const { return hints_; }
    QToolBar* commandBar() const { return bannerBar_; }
    QToolBar* hintBar() const { return hintBar_; }

    // The docks that stay visible in presenter mode (the Lab area and its output); the first is
    // brought to the front.
    void setKeptDocks(const QList<QDockWidget*>& docks);
    void setStepTarget(QObject* target);
    QObject* stepTarget() const { return target_; }

    // The lab now open (its id; empty for none): presenter mode turns on or off as it was the
    // last time this lab was open.
    void setCurrentLab(const QString& labId);
    QString currentLab() const { return lab_; }

    // Feeds the banner from real commands (foreground and background).
    void watch(CommandRunner* runner);
    void watch(BackgroundJobs* jobs);

    static QString settingsKey(const QString& labId);

public Q_SLOTS:
    void setActive(bool on);
    void showCommand(const QString& shellLine, const QString& title);
    void showCommandFinished(bool ok, const QString& how);
    void showUpcomingCommand(const QString& shellLine, const QString& title);

Q_SIGNALS:
    void activeChanged(bool on);
    void nextStepRequested();
    void previousStepRequested();
    void runRequested();
    void checkRequested();
    void hintRequested();

private:
    QAction* addKey(const QString& objectName, const QString& text, const QList<QKeySequence>& keys,
                    void (PresenterMode::*signal)(), const char* slot);
    void callTarget(const char* slot);

    QMainWindow* window_;
    QPointer<AppSettings> settings_;
    QPointer<ThemeManager> theme_;
    QAction* toggle_ = nullptr;
    QAction* exit_ = nullptr;
    QList<QAction*> stepActions_;
    QToolBar* bannerBar_ = nullptr;
    QToolBar* hintBar_ = nullptr;
    CommandBanner* banner_ = nullptr;
    KeyHintBar* hints_ = nullptr;
    QList<QPointer<QDockWidget>> kept_;
    QPointer<QObject> target_;
    QString lab_;
    QByteArray savedState_;
    bool wasFullScreen_ = false;
    bool active_ = false;
};

}  // namespace obslab
