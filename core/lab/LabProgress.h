#pragma once

#include <QHash>
#include <QString>

namespace obslab {

enum class LabStepState
{
    Pending,
    Running,
    Passed,
    Failed,
    Skipped
};

QString labStepStateName(LabStepState state);  // "pending", "passed", …
LabStepState labStepStateFromName(const QString& name);

// A lab's progress, saved so that the app resumes where the person stopped: each step's state,
// whether they agreed to the plan, and the trace ids of traced requests already sent.
// Stored as JSON, one file per lab id, in a folder (the app data dir's `labs/`). GUI thread.
struct LabProgress
{
    QHash<QString, LabStepState> steps;
    QHash<QString, QString> traceIds;  // action id -> trace id
    bool planAccepted = false;
};

class LabProgressStore
{
public:
    // dir empty: QStandardPaths::AppDataLocation + "/labs".
    explicit LabProgressStore(QString dir = {});
    QString dir() const { return dir_; }
    QString pathFor(const QString& labId) const;
    LabProgress load(const QString& labId) const;  // empty progress when none or unreadable
    bool save(const QString& labId, const LabProgress& progress) const;
    bool forget(const QString& labId) const;

private:
    QString dir_;
};

}  // namespace obslab
