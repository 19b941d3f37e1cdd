#pragma once

#include <QString>
#include <QStringList>

namespace obslab::rehearsal {

// The rehearsals shipped with ObsLab (compiled in from resources/rehearsals/), shared by the CLI
// (`obslab rehearse ID`, `lab run ID --rehearse`) and the GUI (File ▸ Rehearse …).

// The IDs of the shipped rehearsals, sorted.
QStringList shippedRehearsals();

// Where a rehearsal ID or path resolves to: an existing file, else the shipped
// ":/rehearsals/ID.ndjson"; empty when neither exists.
QString resolveRehearsal(const QString& fileOrId);

}  // namespace obslab::rehearsal
