#include "core/lab/LabProgress.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

QString labStepStateName(LabStepState state)
{
    switch (state) {
    case LabStepState::Pending:
        return u"pending"_s;
    case LabStepState::Running:
        return u"running"_s;
    case LabStepState::Passed:
        return u"passed"_s;
    case LabStepState::Failed:
        return u"failed"_s;
    case LabStepState::Skipped:
        return u"skipped"_s;
    }
    return {};
}

LabStepState labStepStateFromName(const QString& name)
{
    if (name == u"passed")
        return LabStepState::Passed;
    if (name == u"failed")
        return LabStepState::Failed;
    if (name == u"skipped")
        return LabStepState::Skipped;
    return LabStepState::Pending;  // "running" too: a run that the app did not see end
}

LabProgressStore::LabProgressStore(QString dir)
    : dir_(std::move(dir))
{
    if (dir_.isEmpty())
        dir_ = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + u"/labs"_s;
}

QString LabProgressStore::pathFor(const QString& labId) const
{
    QString safe = labId;
    for (QChar& c : safe)
        if (!c.isLetterOrNumber() && c != u'-' && c != u'_')
            c = u'_';
    return QDir(dir_).filePath(safe + u".json"_s);
}

LabProgress LabProgressStore::load(const QString& labId) const
{
    LabProgress p;
    QFile f(pathFor(labId));
    if (!f.open(QIODevice::ReadOnly))
        return p;
    const QJsonObject o = QJsonDocument::fromJson(f.read(1024 * 1024)).object();
    p.planAccepted = o.value(u"planAccepted"_s).toBool();
    const QJsonObject steps = o.value(u"steps"_s).toObject();
    for (auto it = steps.begin(); it != steps.end(); ++it)
        p.steps.insert(it.key(), labStepStateFromName(it.value().toString()));
    const QJsonObject ids = o.value(u"traceIds"_s).toObject();
    for (auto it = ids.begin(); it != ids.end(); ++it)
        p.traceIds.insert(it.key(), it.value().toString());
    return p;
}

bool LabProgressStore::save(const QString& labId, const LabProgress& progress) const
{
    if (!QDir().mkpath(dir_))
        return false;
    QJsonObject steps;
    for (auto it = progress.steps.cbegin(); it != progress.steps.cend(); ++it)
        steps.insert(it.key(),
                     labStepStateName(it.value() == LabStepState::Running ? LabStepState::Pending
                                                                          : it.value()));
    QJsonObject ids;
    for (auto it = progress.traceIds.cbegin(); it != progress.traceIds.cend(); ++it)
        ids.insert(it.key(), it.value());
    const QJsonObject o{{u"version"_s, 1},
                        {u"planAccepted"_s, progress.planAccepted},
                        {u"steps"_s, steps},
                        {u"traceIds"_s, ids}};
    QSaveFile f(pathFor(labId));
    if (!f.open(QIODevice::WriteOnly))
        return false;
    f.write(QJsonDocument(o).toJson());
    return f.commit();
}

bool LabProgressStore::forget(const QString& labId) const
{
    return QFile::remove(pathFor(labId));
}

}  // namespace obslab
