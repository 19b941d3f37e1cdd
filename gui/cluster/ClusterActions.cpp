#include "gui/cluster/ClusterActions.h"

#include "core/kube/ClusterContext.h"
#include "core/process/Command.h"
#include "core/process/Redactor.h"

#include <QMessageBox>
#include <QPointer>

using namespace Qt::Literals::StringLiterals;

namespace obslab::ClusterActions {

Confirmer dialogConfirmer(QWidget* parent)
{
    QPointer<QWidget> guard(parent);
    return [guard](const QString& question, const QString& commandLine) {
        QMessageBox box(guard);
        box.setIcon(QMessageBox::Warning);
        box.setWindowTitle(QObject::tr("Change the cluster?"));
        box.setText(question);
        box.setInformativeText(QObject::tr("ObsLab would run:\n%1").arg(commandLine));
        box.setStandardButtons(QMessageBox::Yes | QMessageBox::No);
        box.setDefaultButton(QMessageBox::No);
        return box.exec() == QMessageBox::Yes;
    };
}

QString shownCommand(const CommandSpec& spec)
{
    return Redactor::redactSpec(spec).toShellLine();
}

Started start(ClusterContext* context, const CommandSpec& spec, const Confirmer& confirm)
{
    if (!context)
        return {nullptr, QObject::tr("No cluster context yet: check the cluster first.")};
    const QString line = shownCommand(spec);
    const auto started = context->start(
        spec, [&](const QString& question) { return confirm && confirm(question, line); });
    if (!started.ok()) {
        return {nullptr, started.error().message};
    }
    return {started.value(), {}};
}

}  // namespace obslab::ClusterActions
