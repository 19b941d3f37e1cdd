#include "gui/lab/LabPlanDialog.h"

#include "core/lab/Lab.h"
#include "core/lab/LabPlan.h"

#include <QDialogButtonBox>
#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

QString LabPlanDialog::planHtml(const Lab& lab, const LabPlan& plan, const QString& context)
{
    QString html =
        tr("<p>The lab <b>%1</b> will run <b>kubectl</b> and <b>istioctl</b> against "
           "the context <b>%2</b>. Nothing runs until you agree; every command is "
           "shown before it runs.</p>")
            .arg(lab.title.toHtmlEscaped(),
                 context.isEmpty() ? tr("(kubectl's current context)") : context.toHtmlEscaped());
    auto section = [&](const QString& title, const QStringList& items) {
        if (items.isEmpty())
            return;
        html += u"<h4>"_s + title + u"</h4><ul>"_s;
        for (const QString& i : items)
            html += u"<li>"_s + i.toHtmlEscaped() + u"</li>"_s;
        html += u"</ul>"_s;
    };
    section(tr("Before you start"), plan.needs);
    section(tr("Creates or changes (kubectl apply)"), plan.creates);
    section(tr("Changes"), plan.changes);
    section(tr("Deletes (its teardown included)"), plan.deletes);
    section(tr("Also"), plan.other);
    // The same lists as `obslab lab plan`: every local file read, every namespace touched.
    QStringList files;
    const QDir dir(lab.dir);
    for (const QString& f : plan.filesRead)
        files << (lab.dir.isEmpty() ? f : dir.relativeFilePath(f));
    section(tr("Local files it reads (all inside %1)")
                .arg(lab.dir.isEmpty() ? tr("the lab's folder") : lab.dir.toHtmlEscaped()),
            files);
    section(tr("Namespaces it reads or changes"), plan.namespaces);
    section(tr("Refused by the trust model (the lab will not run)"), plan.problems);
    html += u"<p>"_s +
            tr("Marks: <b>%1</b> removes something, <b>%2</b> acts beyond one namespace.")
                .arg(QString::fromLatin1(LabPlan::kDestructiveMark),
                     QString::fromLatin1(LabPlan::kClusterMark)) +
            u"</p>"_s;
    return html;
}

LabPlanDialog::LabPlanDialog(const Lab& lab, const LabPlan& plan, const QString& context,
                             QWidget* parent)
    : QDialog(parent)
{
    setObjectName(u"labPlanDialog"_s);
    setWindowTitle(tr("Before the lab starts"));
    auto* layout = new QVBoxLayout(this);
    auto* view = new QTextBrowser(this);
    view->setObjectName(u"labPlanText"_s);
    view->setOpenLinks(false);
    view->setHtml(planHtml(lab, plan, context));
    layout->addWidget(view);
    auto* buttons = new QDialogButtonBox(this);
    auto* start = buttons->addButton(tr("Start the Lab"), QDialogButtonBox::AcceptRole);
    start->setObjectName(u"labPlanAccept"_s);
    // A lab the trust model refuses (with the values in effect) cannot be started from here.
    start->setEnabled(plan.problems.isEmpty());
    buttons->addButton(QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(fontMetrics().averageCharWidth() * 90, fontMetrics().height() * 30);
}

}  // namespace obslab
