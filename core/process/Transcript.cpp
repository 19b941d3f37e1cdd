#include "core/process/Transcript.h"

#include "core/process/Redactor.h"
#include "core/process/StreamRedactor.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

struct Transcript::LiveOutput
{
    QString raw;  // unredacted, for the final whole-text redaction; dropped when capped
    bool rawComplete = true;
    StreamRedactor redactor;
};

namespace {

QString heredocDelimiter(const QString& text)
{
    const QStringList lines = text.split(u'\n');
    QString delimiter = u"EOF"_s;
    for (int n = 1; lines.contains(delimiter); ++n)
        delimiter = u"EOF_%1"_s.arg(n);
    return delimiter;
}

// The command as bash would run it, stdin as a quoted heredoc (no expansion inside).
QString renderCommand(const TranscriptEntry& e)
{
    if (e.stdinText.isEmpty())
        return e.scriptLine;
    const QString delimiter = heredocDelimiter(e.stdinText);
    QString body = e.stdinText;
    if (!body.endsWith(u'\n'))
        body += u'\n';
    return e.scriptLine + u" <<'"_s + delimiter + u"'\n"_s + body + delimiter;
}

QString fence(const QString& content)
{
    qsizetype longest = 0;
    qsizetype run = 0;
    for (const QChar c : content) {
        run = c == u'`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return QString(std::max<qsizetype>(3, longest + 1), u'`');
}

QString resultText(const TranscriptEntry& e)
{
    if (e.running)
        return u"running"_s;
    if (e.status == CommandStatus::Succeeded || e.status == CommandStatus::Failed)
        return u"%1 (exit code %2)"_s.arg(commandStatusName(e.status)).arg(e.exitCode);
    return commandStatusName(e.status);
}

QString entryTitle(const TranscriptEntry& e)
{
    return e.title.isEmpty() ? e.program : e.title;
}

QString commentedOut(const QString& text)
{
    QStringList lines = text.split(u'\n');
    for (QString& line : lines)
        line.prepend(u"# "_s);
    return lines.join(u'\n');
}

}  // namespace

Transcript::Transcript(QObject* parent)
    : QAbstractListModel(parent)
{}

Transcript::~Transcript() = default;

quint64 Transcript::begin(const CommandSpec& spec, bool background, const QDateTime& startedAt)
{
    TranscriptEntry e;
    e.id = nextId_++;
    e.title = spec.title;
    e.program = spec.program;
    CommandSpec shown = Redactor::redactSpec(spec);
    e.arguments = shown.arguments;
    e.background = background;
    e.running = true;
    e.startedAt = startedAt.toUTC();

    e.stdinText = QString::fromUtf8(shown.stdinData);
    shown.stdinData = spec.stdinData;  // the note gives the size of what was really sent
    e.shellLine = shown.toShellLine();
    shown.stdinData.clear();
    e.scriptLine = shown.toShellLine();

    const int row = int(entries_.size());
    beginInsertRows({}, row, row);
    entries_.append(e);
    live_.emplace(e.id, std::make_unique<LiveOutput>());
    endInsertRows();
    Q_EMIT entryAdded(e.id);
    return e.id;
}

void Transcript::appendOutput(quint64 id, const QByteArray& line, bool isStderr)
{
    Q_UNUSED(isStderr)  // interleaved as read: the order is what a terminal would have shown
    const int row = rowOf(id);
    const auto live = live_.find(id);
    if (row < 0 || live == live_.end())
        return;
    TranscriptEntry& e = entries_[row];
    if (e.outputTruncated)
        return;  // cheap from here on: a flood costs nothing more
    const QString text = QString::fromUtf8(line);
    LiveOutput& l = *live->second;
    if (l.rawComplete) {
        if (l.raw.size() + text.size() + 1 > kOutputCap) {
            l.raw.clear();
            l.rawComplete = false;
        } else {
            l.raw += text + u'\n';
        }
    }
    const std::optional<QString> redacted = l.redactor.redactLine(text);
    if (!redacted)
        return;
    if (e.output.size() + redacted->size() + 1 > kOutputCap) {
        e.output += redacted->left(kOutputCap - e.output.size());
        e.outputTruncated = true;
        return;
    }
    e.output += *redacted + u'\n';
    Q_EMIT entryOutputAppended(id, *redacted);
}

void Transcript::finish(quint64 id, const CommandResult& result)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    TranscriptEntry& e = entries_[row];
    if (const auto live = live_.find(id); live != live_.end()) {
        if (live->second->rawComplete && !e.outputTruncated)
            e.output = Redactor::redactText(live->second->raw);
        live_.erase(live);
    }
    e.running = false;
    e.durationMs = result.durationMs;
    e.status = result.status;
    e.exitCode = result.exitCode;
    e.message = Redactor::redactText(result.message);
    const QModelIndex idx = index(row);
    Q_EMIT dataChanged(idx, idx);
    Q_EMIT entryFinished(id);
}

const TranscriptEntry* Transcript::entry(quint64 id) const
{
    const int row = rowOf(id);
    return row < 0 ? nullptr : &entries_.at(row);
}

void Transcript::clear()
{
    beginResetModel();
    entries_.clear();
    live_.clear();
    firstId_ = nextId_;
    endResetModel();
}

int Transcript::rowOf(quint64 id) const
{
    if (id < firstId_ || id - firstId_ >= quint64(entries_.size()))
        return -1;
    return int(id - firstId_);
}

QString Transcript::toMarkdown() const
{
    QString md = u"# ObsLab transcript\n"_s;
    int n = 0;
    for (const TranscriptEntry& e : entries_) {
        ++n;
        md += u"\n## %1. %2%3\n\n"_s.arg(n).arg(entryTitle(e),
                                                e.background ? u" (background job)"_s : QString());
        const QString command = renderCommand(e);
        const QString commandFence = fence(command);
        md += commandFence + u"sh\n"_s + command + u'\n' + commandFence + u"\n\n"_s;
        md += u"- Started: "_s + e.startedAt.toString(Qt::ISODate) + u'\n';
        if (!e.running)
            md += u"- Duration: %1 ms\n"_s.arg(e.durationMs);
        md += u"- Result: "_s + resultText(e) + u'\n';
        if (!e.message.isEmpty())
            md += u"- Note: "_s + e.message + u'\n';
        if (!e.output.isEmpty()) {
            QString output = e.output;
            if (output.endsWith(u'\n'))
                output.chop(1);
            const QString outputFence = fence(output);
            md += u'\n' + outputFence + u"text\n"_s + output + u'\n' + outputFence + u'\n';
        }
        if (e.outputTruncated)
            md += u"\n_Output truncated at %1 KiB._\n"_s.arg(kOutputCap / 1024);
    }
    return md;
}

QString Transcript::toShellScript() const
{
    QString sh = u"#!/usr/bin/env bash\n"
                 "# Commands run by ObsLab, in order. Secret values were replaced by <redacted>:\n"
                 "# put the real values back before running it.\n"_s;
    int n = 0;
    for (const TranscriptEntry& e : entries_) {
        ++n;
        sh += u"\n# %1. %2\n"_s.arg(n).arg(entryTitle(e));
        if (e.background) {
            sh += u"# A background job: run it in another terminal.\n"_s +
                  commentedOut(renderCommand(e)) + u'\n';
            continue;
        }
        if (!e.running && e.status != CommandStatus::Succeeded)
            sh += u"# When recorded: %1.\n"_s.arg(resultText(e));
        sh += renderCommand(e) + u'\n';
    }
    return sh;
}

int Transcript::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(entries_.size());
}

QVariant Transcript::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TranscriptEntry& e = entries_.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return e.shellLine;
    case Qt::ToolTipRole:
        return entryTitle(e);
    case EntryIdRole:
        return QVariant::fromValue(e.id);
    case StatusRole:
        return int(e.status);
    case RunningRole:
        return e.running;
    default:
        return {};
    }
}

}  // namespace obslab
