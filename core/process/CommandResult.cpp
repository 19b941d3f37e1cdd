#include "core/process/CommandResult.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab {

QString commandStatusName(CommandStatus status)
{
    switch (status) {
    case CommandStatus::Succeeded:
        return u"succeeded"_s;
    case CommandStatus::Failed:
        return u"failed"_s;
    case CommandStatus::Crashed:
        return u"crashed"_s;
    case CommandStatus::TimedOut:
        return u"timed out"_s;
    case CommandStatus::Cancelled:
        return u"cancelled"_s;
    case CommandStatus::NotFound:
        return u"not found"_s;
    case CommandStatus::FailedToStart:
        return u"failed to start"_s;
    }
    return u"unknown"_s;
}

}  // namespace obslab
