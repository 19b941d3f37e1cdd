#include "core/kube/RolloutStatus.h"

#include "core/kube/KubeError.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace obslab::RolloutStatus {

RolloutStatusLine parseLine(QStringView raw)
{
    RolloutStatusLine status;
    const QString line = raw.trimmed().toString();
    status.line = line;
    // kubectl ≥ 1.x names the deployment in `Waiting for deployment "x" rollout…`; some older
    // builds print `Waiting for rollout to finish…` without it.
    static const QRegularExpression waiting(
        u"^Waiting for (?:deployment \"([^\"]+)\" )?rollout to finish: (.*)$"_s);
    static const QRegularExpression updating(
        u"^(\\d+) out of (\\d+) new replicas have been updated"_s);
    static const QRegularExpression old(u"^(\\d+) old replicas are pending termination"_s);
    static const QRegularExpression available(
        u"^(\\d+) of (\\d+) updated replicas are available"_s);
    static const QRegularExpression done(u"^deployment \"([^\"]+)\" successfully rolled out"_s);
    static const QRegularExpression deadline(
        u"deployment \"([^\"]+)\" exceeded its progress deadline"_s);

    if (const auto m = waiting.match(line); m.hasMatch()) {
        status.deployment = m.captured(1);
        const QString rest = m.captured(2);
        if (const auto u = updating.match(rest); u.hasMatch()) {
            status.phase = RolloutPhase::UpdatingReplicas;
            status.current = u.captured(1).toInt();
            status.total = u.captured(2).toInt();
        } else if (const auto o = old.match(rest); o.hasMatch()) {
            status.phase = RolloutPhase::TerminatingOld;
            status.current = o.captured(1).toInt();
        } else if (const auto a = available.match(rest); a.hasMatch()) {
            status.phase = RolloutPhase::WaitingAvailable;
            status.current = a.captured(1).toInt();
            status.total = a.captured(2).toInt();
        }
        return status;
    }
    if (line.startsWith(u"Waiting for deployment spec update to be observed")) {
        status.phase = RolloutPhase::WaitingForSpec;
        return status;
    }
    if (const auto m = done.match(line); m.hasMatch()) {
        status.phase = RolloutPhase::RolledOut;
        status.deployment = m.captured(1);
        return status;
    }
    if (const auto m = deadline.match(line); m.hasMatch()) {
        status.phase = RolloutPhase::DeadlineExceeded;
        status.deployment = m.captured(1);
        return status;
    }
    if (line.contains(u"timed out waiting for the condition"))
        status.phase = RolloutPhase::TimedOut;
    return status;
}

QList<RolloutStatusLine> parse(QByteArrayView output)
{
    QList<RolloutStatusLine> lines;
    for (const QString& line : QString::fromUtf8(output).split(u'\n')) {
        RolloutStatusLine status = parseLine(line);
        if (status.phase != RolloutPhase::Unknown)
            lines.append(status);
    }
    return lines;
}

QList<RolloutStatusLine> parse(const CommandResult& result)
{
    return parse(result.allOutput());
}

RolloutEnd ended(const CommandResult& result)
{
    const QList<RolloutStatusLine> lines = parse(result);
    if (result.ok() && !lines.isEmpty() && lines.last().phase == RolloutPhase::RolledOut)
        return {true, lines.last().line};
    if (!lines.isEmpty() && lines.last().isFinal())
        return {false, lines.last().line};
    return {false, KubeErrors::classify(result).message};
}

}  // namespace obslab::RolloutStatus
