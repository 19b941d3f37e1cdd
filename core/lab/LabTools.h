#pragma once

#include "core/lab/Lab.h"

#include <QString>
#include <QStringList>

// Which tools a lab's steps need beyond kubectl, so that a missing istioctl is said before Start
// (the plan, `obslab kube check`) instead of at the step that runs it. Pure.
namespace obslab::LabTools {

// "id (title)" of every step with an istioctl action (istioctl …, istioInstall) or check.
QStringList istioctlSteps(const Lab& lab);
// The sentence the plan and `kube check` show when istioctl is missing; empty when no step needs
// it.
QString istioctlMissingNote(const Lab& lab);

}  // namespace obslab::LabTools
