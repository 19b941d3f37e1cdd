#pragma once

#include "core/process/CommandResult.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

namespace obslab {

enum class RolloutPhase
{
    Unknown,           // a line that is not rollout progress
    WaitingForSpec,    // `Waiting for deployment spec update to be observed...`
    UpdatingReplicas,  // `… rollout to finish: 1 out of 2 new replicas have been updated...`
    TerminatingOld,    // `… rollout to finish: 1 old replicas are pending termination...`
    WaitingAvailable,  // `… rollout to finish: 1 of 2 updated replicas are available...`
    RolledOut,         // `deployment "x" successfully rolled out`
    DeadlineExceeded,  // `error: deployment "x" exceeded its progress deadline`
    TimedOut           // `error: timed out waiting for the condition`
};

// One line of `kubectl rollout status deployment/x` (stdout, and stderr for the failures).
struct RolloutStatusLine
{
    RolloutPhase phase = RolloutPhase::Unknown;
    QString deployment;  // empty in the lines that do not name it
    int current = 0;     // updated / old pending / available
    int total = 0;       // desired / 0 / updated
    QString line;

    bool isFinal() const
    {
        return phase == RolloutPhase::RolledOut || phase == RolloutPhase::DeadlineExceeded ||
               phase == RolloutPhase::TimedOut;
    }
};

// How a finished `rollout status` ended: rolled out or not, and the line that says so.
struct RolloutEnd
{
    bool ok = false;
    QString line;  // the last progress line; when it is not a final one, kubectl's explanation
};

namespace RolloutStatus {
RolloutStatusLine parseLine(QStringView line);
// Every progress line, in order (Unknown lines dropped); the last one says where it ended.
QList<RolloutStatusLine> parse(QByteArrayView output);
QList<RolloutStatusLine> parse(const CommandResult& result);  // stdout and stderr
RolloutEnd ended(const CommandResult& result);
}  // namespace RolloutStatus

}  // namespace obslab
