#include "core/rehearsal/Handout.h"

#include <QSet>

using namespace Qt::Literals::StringLiterals;

namespace obslab::rehearsal {

namespace {

// A fence longer than any backtick run inside, so output with ``` in it cannot end the block.
QString fenceFor(const QString& text)
{
    int longest = 0;
    int run = 0;
    for (const QChar c : text) {
        run = c == u'`' ? run + 1 : 0;
        longest = qMax(longest, run);
    }
    return QString(qMax(3, longest + 1), u'`');
}

QString codeBlock(const QString& text, const QString& lang = {})
{
    const QString fence = fenceFor(text);
    QString body = text;
    if (!body.endsWith(u'\n'))
        body += u'\n';
    return fence + lang + u'\n' + body + fence + u'\n';
}

QString cutLines(const QByteArray& bytes, qsizetype maxLines)
{
    QStringList lines = QString::fromUtf8(bytes).split(u'\n');
    while (!lines.isEmpty() && lines.constLast().isEmpty())
        lines.removeLast();
    if (lines.size() <= maxLines)
        return lines.join(u'\n');
    const qsizetype cut = lines.size() - maxLines;
    lines = lines.mid(0, maxLines);
    lines << u"… (%1 more lines)"_s.arg(cut);
    return lines.join(u'\n');
}

QString checkMark(const RehearsalEvent& e)
{
    if (e.checkPassed())
        return u"✅"_s;
    if (e.checkState == u"skipped")
        return u"⏭️"_s;
    return u"❌"_s;
}

QString stepSection(const Recording& rec, const RehearsalEvent& step,
                    const QList<RehearsalEvent>& events, const Handout::Options& options)
{
    QString md = u"\n## %1. %2\n\n"_s.arg(step.step + 1).arg(step.title);
    if (!step.text.trimmed().isEmpty())
        md += step.text.trimmed() + u"\n\n"_s;
    QStringList checks;
    QList<RecordedLogLine> logLines;
    QStringList traces;
    for (const RehearsalEvent& e : events) {
        switch (e.kind) {
        case RehearsalEvent::Kind::Command: {
            if (!e.title.isEmpty())
                md += e.title + (e.background ? u" (runs in the background)"_s : QString()) +
                      u":\n\n"_s;
            QString line = e.shellLine();
            if (!e.stdinText.isEmpty())
                line += u" <<'EOF'\n"_s + e.stdinText +
                        (e.stdinText.endsWith(u'\n') ? u""_s : u"\n"_s) + u"EOF"_s;
            md += codeBlock(line, u"sh"_s);
            if (options.includeResults && !e.background) {
                const QString out = cutLines(e.stdoutData + e.stderrData, options.maxOutputLines);
                if (!out.isEmpty())
                    md += u"\n"_s + codeBlock(out, u"text"_s);
                if (e.status != CommandStatus::Succeeded)
                    md += u"\n_Exit code %1 (%2)._\n"_s.arg(e.exitCode)
                              .arg(commandStatusName(e.status));
            }
            md += u'\n';
            break;
        }
        case RehearsalEvent::Kind::Check:
            if (options.includeResults) {
                QString c = u"- %1 %2"_s.arg(checkMark(e), e.title);
                if (!e.message.isEmpty())
                    c += u" — "_s + e.message;
                if (!e.checkPassed() && !e.hint.isEmpty())
                    c += u"  \n  Hint: "_s + e.hint;
                checks << c;
            } else {
                checks << u"- %1"_s.arg(e.title);
            }
            break;
        case RehearsalEvent::Kind::Logs:
            logLines += e.logLines;
            break;
        case RehearsalEvent::Kind::Trace:
            traces << e.traceId;
            break;
        case RehearsalEvent::Kind::Step:
            break;
        }
    }
    if (!checks.isEmpty())
        md += u"Checks:\n\n"_s + checks.join(u'\n') + u"\n\n"_s;
    if (options.includeResults && !logLines.isEmpty()) {
        QString text;
        const qsizetype shown = qMin(logLines.size(), options.maxLogLinesPerStep);
        for (qsizetype i = 0; i < shown; ++i) {
            const RecordedLogLine& l = logLines.at(i);
            text += u"[pod/%1/%2] %3\n"_s.arg(l.pod, l.container, QString::fromUtf8(l.text));
        }
        if (shown < logLines.size())
            text += u"… (%1 more lines)\n"_s.arg(logLines.size() - shown);
        md += u"Access-log lines followed:\n\n"_s + codeBlock(text, u"text"_s) + u'\n';
    }
    if (options.includeResults && !traces.isEmpty())
        md += u"Trace opened: "_s + u"`"_s + traces.join(u"`, `"_s) + u"`\n\n"_s;
    Q_UNUSED(rec)
    return md;
}

}  // namespace

QString Handout::toMarkdown(const Recording& rec, const Options& options)
{
    const QString title = rec.labTitle.isEmpty() ? rec.labId : rec.labTitle;
    QString md = u"# %1\n\n"_s.arg(title.isEmpty() ? u"ObsLab lab"_s : title);
    if (options.includeResults) {
        md += u"What was run, and what it printed"_s;
        if (rec.recordedAt.isValid())
            md += u", on %1 UTC"_s.arg(rec.recordedAt.toUTC().toString(u"yyyy-MM-dd HH:mm"_s));
        md += u".\n"_s;
        if (rec.source.isSimulated())
            md += u"\n> **Recorded against the simulated mesh of ObsLab's tests (test equipment, "
                  "not a cluster).** Your cluster prints the same kind of output with its own "
                  "names, times and ids.\n"_s;
        else if (!rec.source.label.isEmpty())
            md += u"\n> "_s + rec.source.label + u'\n';
    } else {
        md += u"The steps and commands of the lab.\n"_s;
    }
    md += u"\nSecret values were replaced by `<redacted>`.\n"_s;

    for (int s = 0; s < rec.stepCount(); ++s) {
        const RehearsalEvent* step = rec.stepEvent(s);
        if (step)
            md += stepSection(rec, *step, rec.stepEvents(s), options);
    }
    if (options.includeResults) {
        const QStringList ids = rec.traceIdsSeen();
        md += u"\n## Trace ids seen\n\n"_s;
        if (ids.isEmpty())
            md += u"None.\n"_s;
        for (const QString& id : ids)
            md += u"- `%1`\n"_s.arg(id);
    }
    return md;
}

}  // namespace obslab::rehearsal
