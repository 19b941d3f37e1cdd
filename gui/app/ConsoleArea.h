#pragma once

#include <QPointer>
#include <QWidget>

class QAction;
class QListView;
class QToolBar;
class QPlainTextEdit;
class QStackedWidget;
class QTimer;

namespace obslab {

class EmptyState;
class Transcript;
struct TranscriptEntry;

// The Console: every command the app ran, live, as the Transcript records it; the selected
// command's output below. Copies a command or its output, exports the whole transcript as
// Markdown or as a shell script (written off the GUI thread; exported() reports the end).
class ConsoleArea : public QWidget
{
    Q_OBJECT
public:
    enum class ExportFormat
    {
        Markdown,
        ShellScript
    };

    explicit ConsoleArea(Transcript* transcript, QWidget* parent = nullptr);

    QListView* view() const { return view_; }
    QString outputText() const;
    // The selected entry, or the newest one when nothing is selected.
    const TranscriptEntry* currentEntry() const;
    // A strip (until something runs): the commands only, no toolbar, so that what fits in a
    // few lines is not a toolbar cut in half. The actions stay on the list's context menu.
    void setStrip(bool strip);
    bool isStrip() const { return strip_; }

public Q_SLOTS:
    void copyCommand();
    void copyOutput();
    void exportTranscript(obslab::ConsoleArea::ExportFormat format, const QString& path);
    void chooseExport(obslab::ConsoleArea::ExportFormat format);

Q_SIGNALS:
    void statusMessage(const QString& text);
    void exported(const QString& path, bool ok, const QString& message);

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateOutput();
    void updateActions();
    void updateFonts();
    void showContextMenu(const QPoint& pos);

    QPointer<Transcript> transcript_;
    QStackedWidget* stack_ = nullptr;
    EmptyState* empty_ = nullptr;
    QListView* view_ = nullptr;
    QPlainTextEdit* output_ = nullptr;
    QTimer* outputTimer_ = nullptr;
    QAction* copyCommand_ = nullptr;
    QAction* copyOutput_ = nullptr;
    QAction* exportMarkdown_ = nullptr;
    QAction* exportScript_ = nullptr;
    QToolBar* bar_ = nullptr;
    bool strip_ = false;
    bool followNewest_ = true;
    bool selectionOnNewest_ = true;
    quint64 shownEntry_ = 0;
};

}  // namespace obslab
