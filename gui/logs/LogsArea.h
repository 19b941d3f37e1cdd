#pragma once

#include "FilePreview.h"

#include <QHash>
#include <QWidget>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QStackedWidget;

namespace obslab {

class EmptyState;

// The Logs area. For now: open saved istio-proxy logs (dialog, drop, command line) and see each
// file's size and first megabyte, read off the GUI thread. The indexed log view replaces the
// preview in a later issue.
class LogsArea : public QWidget
{
    Q_OBJECT
public:
    explicit LogsArea(QWidget* parent = nullptr);

    // Adds the files to the list (once each) and previews the first one added.
    void openFiles(const QStringList& paths);
    QStringList files() const { return files_; }
    QString previewText() const;
    EmptyState* emptyState() const { return empty_; }

    static QString sampleLogPath();

Q_SIGNALS:
    void openRequested();
    void filesOpened(const QStringList& paths);
    void previewShown(const QString& path);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void showFile(const QString& path);
    void showPreview(const FilePreview& preview);
    void updateMonospace();

    QStringList files_;
    QString current_;
    QHash<QString, FilePreview> previews_;
    QStackedWidget* stack_ = nullptr;
    EmptyState* empty_ = nullptr;
    QListWidget* list_ = nullptr;
    QLabel* header_ = nullptr;
    QPlainTextEdit* preview_ = nullptr;
};

}  // namespace obslab
