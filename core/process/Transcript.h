#pragma once

#include "CommandResult.h"
#include "CommandSpec.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

namespace obslab {

// One recorded command. Everything in it is already redacted.
struct TranscriptEntry
{
    quint64 id = 0;
    QString title;
    QString program;
    QStringList arguments;
    QString shellLine;  // copy-pasteable, redacted
    QString stdinText;  // redacted; empty when nothing was sent
    bool background = false;
    bool running = true;
    QDateTime startedAt;    // UTC
    qint64 durationMs = -1; // -1 while running
    CommandStatus status = CommandStatus::Succeeded;
    int exitCode = -1;
    QString output;          // stdout and stderr interleaved as read, redacted, capped
    bool outputTruncated = false;
    QString message;
};

// Every command the app ran, in order: a list model for the Console (DisplayRole = shell line,
// EntryRole = the entry's index) and exports. GUI thread only. Output is capped per entry
// (kOutputCap) so a flood cannot exhaust memory; the cap is noted in the entry.
class Transcript : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { EntryIdRole = Qt::UserRole + 1, StatusRole, RunningRole };
    static constexpr qsizetype kOutputCap = 256 * 1024;

    explicit Transcript(QObject* parent = nullptr);

    quint64 begin(const CommandSpec& spec, bool background, const QDateTime& startedAt);
    void appendOutput(quint64 id, const QByteArray& line, bool isStderr);
    void finish(quint64 id, const CommandResult& result);

    const QList<TranscriptEntry>& entries() const { return entries_; }
    const TranscriptEntry* entry(quint64 id) const;
    void clear();

    // "# ObsLab transcript" with one section per command: title, the command in a ```sh block,
    // when, how long, status, output in a ``` block.
    QString toMarkdown() const;
    // A bash script that re-runs the commands in order (stdin as heredocs), each preceded by a
    // comment with its title; background jobs are noted but commented out.
    QString toShellScript() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void entryAdded(quint64 id);
    void entryOutputAppended(quint64 id, const QString& text);
    void entryFinished(quint64 id);

private:
    int rowOf(quint64 id) const;
    QList<TranscriptEntry> entries_;
    quint64 nextId_ = 1;
};

}  // namespace obslab
