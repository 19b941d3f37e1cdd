#pragma once

#include "core/process/CommandResult.h"

#include <QByteArrayView>
#include <QList>
#include <QString>

namespace obslab {

enum class KubeErrorKind
{
    None,  // nothing on stderr that looks like an error
    Unreachable,
    NotFound,
    Forbidden,
    Unauthorized,
    MaxLogRequests,
    UnknownResourceType,
    AlreadyExists,
    Invalid,
    Conflict,
    Timeout,
    Other
};

QString kubeErrorKindName(KubeErrorKind kind);  // "unreachable", "not-found", …

// One error kubectl (or istioctl) reported, classified from its stderr text (kubectl 1.20 to
// 1.32: the texts are the same apart from the klog lines newer versions print first).
struct KubeError
{
    KubeErrorKind kind = KubeErrorKind::None;
    QString object;   // what it is about: `deployments.apps/x`, the resource type, the server
    QString line;     // the line kubectl printed (without klog noise)
    QString message;  // for people: what happened and what to do
    int streams = 0;  // MaxLogRequests: how many streams were asked for, and the limit
    int limit = 0;

    bool isError() const { return kind != KubeErrorKind::None; }
};

namespace KubeErrors {
// Every error line on stderr, in order; klog lines (`E1127 07:44:46.288 …`) and warnings are
// skipped, and the klog lines only count when nothing else explains the failure.
QList<KubeError> classifyAll(QByteArrayView stderrData);
// The one error that explains a failure: the first one, but Unreachable/Unauthorized win since
// they explain everything after them. None when stderr has no error.
KubeError classify(QByteArrayView stderrData);
// The same for a finished command: NotFound/FailedToStart/TimedOut statuses of the runner
// become errors too, and a failed command with an unrecognised stderr is Other.
KubeError classify(const CommandResult& result);
// The last line kubectl printed on stderr (the sentence that matters comes after klog's noise),
// else the runner's message: for showing a failure as kubectl put it.
QString lastLine(const CommandResult& result);
// `No resources found in NS namespace.` (stderr, exit 0): not an error, but worth telling.
bool isNoResourcesFound(QByteArrayView stderrData);
}  // namespace KubeErrors

}  // namespace obslab
