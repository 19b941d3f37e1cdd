#pragma once

#include <QWidget>

class QAction;
class QComboBox;
class QMenu;
class QProgressBar;
class QToolButton;

namespace obslab {

// The Logs area's top row: the source picker, indexing progress (with Stop), Stop following,
// and the view buttons (trace lane, raw, UTC, follow) and the Export menu. It only says what
// was asked; the area acts.
class LogsToolbar : public QWidget
{
    Q_OBJECT
public:
    explicit LogsToolbar(QWidget* parent = nullptr);

    QComboBox* sources() const { return sourceBox_; }
    QMenu* exportMenu() const { return exportMenu_; }
    QToolButton* followButton() const { return followButton_; }

    // Indexing or merging: format is the bar's text ("Indexing %p%"); done < total shows it.
    void showProgress(const QString& format, qint64 done, qint64 total);
    void setBusy(bool busy);
    void setFollowing(bool follow);
    void setRaw(bool raw);
    void setUtc(bool utc);
    // A live source shows Stop following (while it runs) and Save Live Session.
    void setLive(bool live, bool running);
    void hideStopLive();

Q_SIGNALS:
    void sourceActivated(int index);
    void cancelIndexingRequested();
    void followToggled(bool follow);
    void rawToggled(bool raw);
    void utcToggleRequested();
    void laneRequested();
    void exportRequested(const QString& path);
    void copyRequested();
    void copyMarkdownRequested();
    void stopLiveRequested();
    void saveSessionRequested(const QString& path);

private:
    QComboBox* sourceBox_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QToolButton* cancelIndexing_ = nullptr;
    QToolButton* followButton_ = nullptr;
    QToolButton* rawButton_ = nullptr;
    QToolButton* utcButton_ = nullptr;
    QToolButton* exportButton_ = nullptr;
    QToolButton* laneButton_ = nullptr;
    QToolButton* stopLive_ = nullptr;
    QMenu* exportMenu_ = nullptr;
    QAction* saveSession_ = nullptr;
};

}  // namespace obslab
