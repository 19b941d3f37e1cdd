#pragma once

#include "core/process/CommandResult.h"
#include "core/process/CommandSpec.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <map>
#include <memory>

namespace obslab {

// One recorded command. Everything in it is already redacted.
struct TranscriptEntry
{
    quint64 id = 0;
    QString title;
    QString program;
    QStringList arguments;
    QString shellLine;   // copy-pasteable, redacted
    QString scriptLine;  // shellLine without the stdin note: followed by a heredoc of stdinText
    QString stdinText;   // redacted; empty when nothing was sent
    bool background = false;
    bool running = true;
    QDateTime startedAt;     // UTC
    qint64 durationMs = -1;  // -1 while running
    CommandStatus status = CommandStatus::Succeeded;
    int exitCode = -1;
    QString output;  // stdout and stderr lines interleaved as read, redacted, capped
    bool outputTruncated = false;
    QString message;
};

// Every command the app ran, in order: a list model for the Console (DisplayRole = shell line,
// EntryRole = the entry's index) and exports. GUI thread only. Output is capped per entry
// (kOutputCap) so a flood cannot exhaust memory; the cap is noted in the entry.
// While a command runs its output is redacted line by line, conservatively (every `data:` whose
// object is not yet known to be a non-Secret is masked); finish() re-redacts the whole output
// knowing each object's kind, so read entry()->output again after entryFinished().
class Transcript : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        EntryIdRole = Qt::UserRole + 1,
        StatusRole,
        RunningRole
    };
    static constexpr qsizetype kOutputCap = 256 * 1024;

    explicit Transcript(QObject* parent = nullptr);
    ~Transcript() override;

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
    void entryOutputAppended(quint64 id, const QString& text);  // one redacted line, no '\n'
    void entryFinished(quint64 id);

private:
    struct LiveOutput;
    int rowOf(quint64 id) const;
    QList<TranscriptEntry> entries_;
    std::map<quint64, std::unique_ptr<LiveOutput>> live_;  // entries still running
    quint64 nextId_ = 1;
    quint64 firstId_ = 1;  // id of entries_.first(): ids are consecutive
};

}  // namespace obslab
