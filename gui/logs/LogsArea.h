#pragma once

#include "core/kube/KubeTarget.h"
#include "gui/logs/FilterBar.h"
#include "gui/logs/HistogramStrip.h"

#include "core/common/TempDirs.h"
#include <QFuture>
#include <QPointer>

#include <QTemporaryDir>
#include <QTimer>
#include <QWidget>

#include <atomic>
#include <memory>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSplitter;
class QStackedWidget;
class QTableView;
class QTextBrowser;
class QToolButton;

namespace obslab {

class AppSettings;
class WholeLineViewer;
class Banner;
class EmptyState;
class LiveLogStore;
class LogFile;
class LogFilter;
class LogMerge;
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

    // Shows a live source (lines appended to store, e.g. by follower); takes ownership of both
    // (follower may be null). Follows the end; pod replacements are marked. Returns its index.
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
    LogFilter* logFilter() const { return filter_; }
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
    struct Source
    {
        QString path;  // as given (":/…" for the bundled sample)
        QString title;
        LogFile* file = nullptr;
        LogMerge* merge = nullptr;     // several files merged by time
        LiveLogStore* live = nullptr;  // followed from the cluster
        PodFollower* follower = nullptr;
        bool shown = false;
    };
    void buildViewer();
    void createShortcuts();
    void showSource(int index);
    void attachFile(LogFile* file);
    void onQuery(const LogQuery& query);
    void applyMode();
    void updateStatus();
    void scheduleStatus();
    void updateDetails();
    void updateFonts();
    void scheduleHistogram();
    void computeHistogram();
    void stopHistogram();
    void stopExport();
    void showError(const QString& html);
    void showLaneKeepingLine();
    void onRowsInserted();
    QString localCopyOf(const QString& resource);
    QList<int> selectedRows() const;
    void setTimeRange(qint64 fromMs, qint64 toMs);

    int addSource(Source source);
    void updateLiveControls();

    QPointer<AppSettings> settings_;
    QPointer<Transcript> transcript_;
    Navigator* navigator_ = nullptr;
    KubeTarget kubeTarget_;
    bool kubeTargetSet_ = false;
    QList<Source> sources_;
    int current_ = -1;
    LogQuery query_;
    QTemporaryDir tempDir_{TempDirs::pattern()};

    QStackedWidget* stack_ = nullptr;
    EmptyState* empty_ = nullptr;
    Banner* banner_ = nullptr;
    QComboBox* sourceBox_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QToolButton* cancelIndexing_ = nullptr;
    QToolButton* followButton_ = nullptr;
    QToolButton* rawButton_ = nullptr;
    QToolButton* utcButton_ = nullptr;
    QToolButton* exportButton_ = nullptr;
    QToolButton* laneButton_ = nullptr;
    QToolButton* stopLive_ = nullptr;
    QAction* saveSession_ = nullptr;
    FilterBar* filterBar_ = nullptr;
    HistogramStrip* histogram_ = nullptr;
    QTableView* table_ = nullptr;
    LogTableModel* model_ = nullptr;
    LogRowDelegate* delegate_ = nullptr;
    LogFilter* filter_ = nullptr;
    QTextBrowser* details_ = nullptr;
    TraceLane* lane_ = nullptr;
    QSplitter* vertical_ = nullptr;
    QLabel* status_ = nullptr;
    QLineEdit* goTo_ = nullptr;

    QList<QAction*> keyActions_;
    bool follow_ = false;
    bool autoScrolling_ = false;
    QTimer histogramTimer_;
    QTimer statusTimer_;
    std::shared_ptr<std::atomic<bool>> histogramCancel_;
    QFuture<LogHistogram> histogramJob_;
    bool histogramRunning_ = false;
    bool histogramAgain_ = false;
    std::shared_ptr<std::atomic<bool>> exportCancel_;
    QFuture<void> exportJob_;
};

}  // namespace obslab
