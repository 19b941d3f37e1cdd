#include "core/lab/LabTools.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab::LabTools {

QStringList istioctlSteps(const Lab& lab)
{
    QStringList out;
    for (const LabStep& s : lab.steps) {
        bool needs = false;
        for (const LabAction& a : s.actions)
            needs =
                needs || a.kind == LabActionKind::Istioctl || a.kind == LabActionKind::IstioInstall;
        for (const LabCheck& c : s.checks)
            needs = needs || (c.kind == LabCheckKind::CommandSucceeds && c.tool == u"istioctl");
        if (needs)
            out << u"%1 (%2)"_s.arg(s.id, s.title);
    }
    return out;
}

QString istioctlMissingNote(const Lab& lab)
{
    const QStringList steps = istioctlSteps(lab);
    if (steps.isEmpty())
        return {};
    return u"istioctl was not found: step(s) %1 need it and stop there; every other step runs "
           "with kubectl alone (the Istio version is read from istiod's image). Install istioctl "
           "or set its path to run them."_s.arg(steps.join(u", "_s));
}

}  // namespace obslab::LabTools
