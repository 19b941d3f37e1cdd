#pragma once

#include "core/kube/KubeTarget.h"
#include "gui/logs/FilterBar.h"
#include "gui/logs/HistogramStrip.h"

#include "core/common/TempDirs.h"

#include <QPointer>
#include <QSet>
#include <QTemporaryDir>
#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QSplitter;
class QStackedWidget;
class QTableView;
class QTextBrowser;

namespace obslab {

class AppSettings;
class WholeLineViewer;
class Banner;
class EmptyState;
class LiveLogStore;
class LogFile;
class LogFilter;
class LogSession;
class LogsToolbar;
class Navigator;
class PodFollower;
class Transcript;
class LogRowDelegate;
class LogTableModel;
class TraceLane;

// The Logs area: istio-proxy logs as a fast virtual table (files of any size, .gz, growing and
// rotated files), a filter bar (filter or highlight mode), a histogram of the traffic, the
// selected line decoded, and a trace lane that follows one request across pods.
// Opening is asynchronous: the first screen shows as soon as the first block is indexed.
// What is open, and the jobs on it (filter, histogram, export, live follows), is the area's
// LogSession (core); the area shows it. Its code is in LogsArea.cpp (the viewer),
// LogsAreaSources.cpp (opening and showing sources), LogsAreaLive.cpp
// (live sources) and LogsAreaLanes.cpp (trace lanes and navigation), the top row in LogsToolbar.
class LogsArea : public QWidget
{
    Q_OBJECT
public:
    explicit LogsArea(QWidget* parent = nullptr);
    ~LogsArea() override;

    void setSettings(AppSettings* settings);
    // Live follows are recorded in the transcript (the Console); the target says which kubectl,
    // kubeconfig and context they use (default: the kubectl from the settings, its current
    // context).
    void setTranscript(Transcript* transcript);
    // Where a clicked trace or request id, and "Open a log…", are sent.
    void setNavigator(Navigator* navigator) { navigator_ = navigator; }
    void setKubeTarget(const KubeTarget& target)
    {
        kubeTarget_ = target;
        kubeTargetSet_ = true;
    }

    // Shows a live source (lines appended to store, e.g. by follower); the session takes
    // ownership of both (follower may be null) and feeds the store from the follower. Follows the
    // end; pod replacements are marked. Returns its index.
    int addLiveSource(const QString& title, LiveLogStore* store, PodFollower* follower);
    // Saves everything followed in the current live source to path (async; status bar says when).
    bool saveSession(const QString& path);

    // Opens the files (once each; a bundled ":/" resource is copied to a temporary file first)
    // and shows the first one given; several new files given at once open as one log, merged by
    // time (LogMerge). Failures are shown in the area's banner.
    void openFiles(const QStringList& paths);
    QStringList files() const;
    QString currentFile() const;
    static QString sampleLogPath();

    // The widgets, for tests and the main window.
    EmptyState* emptyState() const { return empty_; }
    QTableView* table() const { return table_; }
    LogTableModel* model() const { return model_; }
    FilterBar* filterBar() const { return filterBar_; }
    HistogramStrip* histogram() const { return histogram_; }
    TraceLane* traceLane() const { return lane_; }
    QTextBrowser* details() const { return details_; }
    Banner* banner() const { return banner_; }
    LogFile* logFile() const;
    LogFilter* logFilter() const;
    LogSession* session() const { return session_; }
    // The text of rows [first, first + count) as shown (raw lines), for tests and copy.
    QString visibleText(int first = 0, int count = 50) const;

    // The area's keys (Ctrl+F, Ctrl+L, F3, Ctrl+G, Ctrl+T, Space …) as actions, for the main
    // window's shortcut list; they act while the focus is in the area.
    QList<QAction*> keyActions() const { return keyActions_; }

    bool isFollowing() const { return follow_; }
    void setFollowing(bool follow);
    void setRawMode(bool raw);
    void setUtc(bool utc);
    void goToLine(qint64 line);  // 0-based; selects and scrolls to it (or the nearest shown)
    void jumpToMatch(bool forward);
    void openTraceLaneForCurrent();
    void openTraceLane(const QString& traceId);
    // A window with the whole of one line, read lazily (nullptr when there is no such line).
    WholeLineViewer* openWholeLine(qint64 line);
    void openRequestLane(const QString& requestId);
    // Writes the lines the table shows (the filtered ones in filter mode) to path in the
    // background; exportFinished reports the outcome.
    void exportLines(const QString& path);
    QString selectedAsText() const;
    QString selectedAsMarkdown() const;

public Q_SLOTS:
    // The log lines of a trace (and of its request ids), as the Traces area asks for them.
    void showTraceLines(const QString& traceId, const QStringList& requestIds);
    // Follow the istio-proxy logs of the pods a selector picks, live.
    void followSelector(const QString& namespaceName, const QString& selector,
                        const QString& container);

Q_SIGNALS:
    void filesOpened(const QStringList& paths);
    void fileShown(const QString& path);  // the first lines of the file are visible
    void exportFinished(const QString& path, qint64 lines, const QString& error);
    void sessionSaved(const QString& path, const QString& error);
    void histogramUpdated();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void buildViewer();
    void createShortcuts();
    void showSource(int index);
    void attachFile(LogFile* file);
    void connectSession();
    void connectLiveSession();
    void onQuery(const LogQuery& query);
    void applyMode();
    void updateStatus();
    void scheduleStatus();
    void updateDetails();
    void updateFonts();
    void computeHistogram();
    void showError(const QString& html);
    void showLaneKeepingLine();
    void onRowsInserted();
    QString localCopyOf(const QString& resource);
    QList<int> selectedRows() const;
    void setTimeRange(qint64 fromMs, qint64 toMs);

    int addSource(int index);
    void updateLiveControls();
    void showWarning(const QString& html);

    QPointer<AppSettings> settings_;
    QPointer<Transcript> transcript_;
    Navigator* navigator_ = nullptr;
    KubeTarget kubeTarget_;
    bool kubeTargetSet_ = false;
    LogSession* session_ = nullptr;
    QSet<int> shown_;  // sources whose first lines were shown (fileShown emitted)
    LogQuery query_;
    QTemporaryDir tempDir_{TempDirs::pattern()};

    QStackedWidget* stack_ = nullptr;
    EmptyState* empty_ = nullptr;
    Banner* banner_ = nullptr;
    LogsToolbar* toolbar_ = nullptr;
    FilterBar* filterBar_ = nullptr;
    HistogramStrip* histogram_ = nullptr;
    QTableView* table_ = nullptr;
    LogTableModel* model_ = nullptr;
    LogRowDelegate* delegate_ = nullptr;
    QTextBrowser* details_ = nullptr;
    TraceLane* lane_ = nullptr;
    QSplitter* vertical_ = nullptr;
    QLabel* status_ = nullptr;
    QLineEdit* goTo_ = nullptr;

    QList<QAction*> keyActions_;
    bool follow_ = false;
    bool autoScrolling_ = false;
    QTimer statusTimer_;
};

}  // namespace obslab
