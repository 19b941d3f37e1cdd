#pragma once

#include <QAbstractListModel>
#include <QCache>
#include <QDialog>
#include <QPointer>

#include <functional>

class QLabel;
class QListView;

namespace obslab {

class LogFile;

// One long line as rows of about kRowBytes bytes, read from the file only when a row is shown
// (a few rows are cached): a 256 MiB line costs a scroll bar, never 256 MiB. A row never splits
// a UTF-8 character (it starts after the previous row's last one); control characters are shown
// as their visible symbols (U+2400…).
class LineChunkModel : public QAbstractListModel
{
    Q_OBJECT
public:
    // Reads up to size bytes of the line from offset (fewer at its end; empty when unreadable).
    using Reader = std::function<QByteArray(qint64 offset, qint64 size)>;

    explicit LineChunkModel(QObject* parent = nullptr);
    void setLine(qint64 length, Reader reader);
    void clear();
    qint64 length() const { return length_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QString rowText(int row) const;

    static constexpr qint64 kRowBytes = 256;

private:
    qint64 length_ = 0;
    Reader reader_;
    mutable QCache<int, QString> rows_;
};

// A window with the whole of one line of a LogFile, however long (opened from the Logs area's
// details, its context menu, or a double-click in Raw mode). It reads the line through the
// LogFile, lazily, and empties itself when the file is closed.
class WholeLineViewer : public QDialog
{
    Q_OBJECT
public:
    WholeLineViewer(LogFile* file, qint64 line, QWidget* parent = nullptr);

    LineChunkModel* model() const { return model_; }
    QListView* view() const { return view_; }
    qint64 line() const { return line_; }

private:
    QPointer<LogFile> file_;
    qint64 line_;
    LineChunkModel* model_;
    QListView* view_;
    QLabel* header_;
};

}  // namespace obslab
