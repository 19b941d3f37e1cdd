#include "core/kube/ApplyResult.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace obslab::ApplyResult {

namespace {

ObjectOperation operationFrom(const QString& text)
{
    static const QList<std::pair<QString, ObjectOperation>> table{
        {u"created"_s, ObjectOperation::Created},
        {u"configured"_s, ObjectOperation::Configured},
        {u"unchanged"_s, ObjectOperation::Unchanged},
        {u"serverside-applied"_s, ObjectOperation::ServerSideApplied},
        {u"deleted"_s, ObjectOperation::Deleted},
        {u"restarted"_s, ObjectOperation::Restarted},
        {u"labeled"_s, ObjectOperation::Labeled},
        {u"not labeled"_s, ObjectOperation::NotLabeled},
        {u"unlabeled"_s, ObjectOperation::Unlabeled},
        {u"annotated"_s, ObjectOperation::Annotated},
        {u"patched"_s, ObjectOperation::Patched},
        {u"scaled"_s, ObjectOperation::Scaled},
    };
    for (const auto& [name, operation] : table) {
        if (text == name)
            return operation;
    }
    return ObjectOperation::Other;
}

}  // namespace

QString operationName(ObjectOperation operation)
{
    switch (operation) {
    case ObjectOperation::Created:
        return u"created"_s;
    case ObjectOperation::Configured:
        return u"configured"_s;
    case ObjectOperation::Unchanged:
        return u"unchanged"_s;
    case ObjectOperation::ServerSideApplied:
        return u"serverside-applied"_s;
    case ObjectOperation::Deleted:
        return u"deleted"_s;
    case ObjectOperation::Restarted:
        return u"restarted"_s;
    case ObjectOperation::Labeled:
        return u"labeled"_s;
    case ObjectOperation::NotLabeled:
        return u"not labeled"_s;
    case ObjectOperation::Unlabeled:
        return u"unlabeled"_s;
    case ObjectOperation::Annotated:
        return u"annotated"_s;
    case ObjectOperation::Patched:
        return u"patched"_s;
    case ObjectOperation::Scaled:
        return u"scaled"_s;
    case ObjectOperation::Other:
        return u"other"_s;
    }
    return {};
}

QList<AppliedObject> parse(QByteArrayView stdoutData)
{
    // kubectl's printer: `<resource>/<name> <op>` (apply, restart, label…) and, for delete,
    // `<resource> "<name>" deleted`; newer versions may add ` from <ns> namespace` to deletes.
    static const QRegularExpression slashForm(
        u"^([a-z0-9.-]+)/(\\S+) ([a-z][a-z -]*?)(?: \\((dry run|server dry run)\\))?$"_s);
    static const QRegularExpression quotedForm(
        u"^([a-z0-9.-]+) \"([^\"]+)\" ([a-z][a-z -]*?)(?: from \\S+ namespace)?"
        "(?: \\((dry run|server dry run)\\))?$"_s);
    QList<AppliedObject> objects;
    for (const QString& raw : QString::fromUtf8(stdoutData).split(u'\n')) {
        const QString line = raw.trimmed();
        if (line.isEmpty())
            continue;
        auto match = slashForm.match(line);
        if (!match.hasMatch())
            match = quotedForm.match(line);
        if (!match.hasMatch())
            continue;
        AppliedObject object;
        object.resource = match.captured(1);
        object.name = match.captured(2);
        object.operationText = match.captured(3);
        object.operation = operationFrom(object.operationText);
        const QString dry = match.captured(4);
        object.dryRun = dry.isEmpty()              ? DryRunMark::None
                        : dry == u"server dry run" ? DryRunMark::Server
                                                   : DryRunMark::Client;
        object.line = line;
        objects.append(object);
    }
    return objects;
}

}  // namespace obslab::ApplyResult
