#include "gui/doctor/DoctorPanel.h"

#include "core/doctor/DoctorChecks.h"
#include "core/doctor/DoctorFixRun.h"
#include "core/process/CommandRunner.h"
#include "gui/widgets/Icons.h"
#include "gui/widgets/Tone.h"

#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSplitter>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

constexpr int kIdRole = Qt::UserRole + 1;
constexpr int kSeverityRole = Qt::UserRole + 2;  // group rows: the severity their icon shows

QString iconName(DoctorFinding::Severity severity)
{
    switch (severity) {
    case DoctorFinding::Severity::Pass:
        return u"ok"_s;
    case DoctorFinding::Severity::Warn:
        return u"warning"_s;
    case DoctorFinding::Severity::Fail:
        return u"error"_s;
    case DoctorFinding::Severity::Skipped:
        break;
    }
    return u"info"_s;
}

// Skipped < Pass < Warn < Fail: what a group row shows.
int rank(DoctorFinding::Severity severity)
{
    switch (severity) {
    case DoctorFinding::Severity::Skipped:
        return 0;
    case DoctorFinding::Severity::Pass:
        return 1;
    case DoctorFinding::Severity::Warn:
        return 2;
    case DoctorFinding::Severity::Fail:
        break;
    }
    return 3;
}

QString severityWord(DoctorFinding::Severity severity)
{
    switch (severity) {
    case DoctorFinding::Severity::Pass:
        return QObject::tr("Pass");
    case DoctorFinding::Severity::Warn:
        return QObject::tr("Warning");
    case DoctorFinding::Severity::Fail:
        return QObject::tr("Fail");
    case DoctorFinding::Severity::Skipped:
        break;
    }
    return QObject::tr("Skipped");
}

}  // namespace

DoctorPanel::DoctorPanel(CommandRunner* runner, QWidget* parent)
    : QWidget(parent)
    , runner_(runner)
    , doctor_(new Doctor(runner, this))
    , fixRun_(new DoctorFixRun(runner, this))
{
    setObjectName(u"doctorPanel"_s);
    header_ = new QLabel(this);
    header_->setObjectName(u"doctorHeader"_s);
    header_->setTextFormat(Qt::PlainText);
    summary_ = new QLabel(tr("Not run yet: Check finds out why no trace shows up."), this);
    summary_->setObjectName(u"doctorSummary"_s);
    summary_->setWordWrap(true);
    progress_ = new QProgressBar(this);
    progress_->setMaximumHeight(fontMetrics().height() / 2 + 2);
    progress_->setTextVisible(false);
    progress_->hide();
    runButton_ = new QPushButton(Icons::icon(u"refresh"_s), tr("&Check"), this);
    runButton_->setObjectName(u"doctorRun"_s);
    runButton_->setToolTip(tr("Run every check again (read-only: nothing in the cluster changes)"));
    connect(runButton_, &QPushButton::clicked, this, &DoctorPanel::runChecks);

    tree_ = new QTreeWidget(this);
    tree_->setObjectName(u"doctorTree"_s);
    tree_->setColumnCount(2);
    tree_->setHeaderLabels({tr("Check"), tr("Result")});
    tree_->setUniformRowHeights(false);
    tree_->setWordWrap(true);
    tree_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    tree_->header()->setStretchLastSection(true);
    connect(tree_, &QTreeWidget::currentItemChanged, this, &DoctorPanel::showDetails);

    auto* details = new QWidget(this);
    detailTitle_ = new QLabel(details);
    QFont bold = detailTitle_->font();
    bold.setBold(true);
    detailTitle_->setFont(bold);
    detailSummary_ = new QLabel(details);
    detailSummary_->setWordWrap(true);
    detailSummary_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    fixText_ = new QPlainTextEdit(details);
    fixText_->setObjectName(u"doctorFixText"_s);
    fixText_->setReadOnly(true);
    fixText_->setLineWrapMode(QPlainTextEdit::NoWrap);
    fixText_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    fixText_->setPlaceholderText(tr("Select a check to see its evidence and fix."));
    fixButton_ = new QPushButton(Icons::icon(u"ok"_s), tr("&Fix…"), details);
    fixButton_->setObjectName(u"doctorFix"_s);
    fixButton_->setToolTip(tr("Shows the commands, asks, runs them, then checks again"));
    fixButton_->setEnabled(false);
    connect(fixButton_, &QPushButton::clicked, this, [this] { fixCheck(); });
    fixStatus_ = new QLabel(details);
    fixStatus_->setObjectName(u"doctorFixStatus"_s);
    fixStatus_->setWordWrap(true);
    docs_ = new QPushButton(Icons::icon(u"external"_s), tr("Docs"), details);
    docs_->setObjectName(u"doctorDocs"_s);
    docs_->setFlat(true);
    docs_->setEnabled(false);
    connect(docs_, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl(docsUrl_)); });
    detailTitle_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    auto* fixRow = new QHBoxLayout;
    fixRow->addWidget(fixButton_);
    fixRow->addWidget(fixStatus_, 1);
    auto* detailLayout = new QVBoxLayout(details);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    auto* titleRow = new QHBoxLayout;
    titleRow->addWidget(detailTitle_, 1);
    titleRow->addWidget(docs_);
    detailLayout->addLayout(titleRow);
    detailLayout->addWidget(detailSummary_);
    detailLayout->addWidget(fixText_, 1);
    detailLayout->addLayout(fixRow);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(tree_);
    splitter->addWidget(details);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto* top = new QHBoxLayout;
    auto* titles = new QVBoxLayout;
    titles->addWidget(header_);
    titles->addWidget(summary_);
    top->addLayout(titles, 1);
    top->addWidget(runButton_, 0, Qt::AlignTop);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(progress_);
    layout->addWidget(splitter, 1);

    confirm_ = [this](const QString& question) {
        QDialog* dialog = createFixDialog(question, this);
        const bool yes = dialog->exec() == QDialog::Accepted;
        delete dialog;
        return yes;
    };
    connect(doctor_, &Doctor::progressed, this, [this](int done, int total, const QString&) {
        progress_->setMaximum(std::max(1, total));
        progress_->setValue(done);
    });
    connect(doctor_, &Doctor::finished, this, &DoctorPanel::onFinished);
    connect(fixRun_, &DoctorFixRun::stepStarted, this,
            [this](const QString&, const QString& title) {
                fixStatus_->setText(tr("Running: %1").arg(title));
            });
    connect(fixRun_, &DoctorFixRun::finished, this,
            [this](const QString& id, bool ok, const QString& error) {
                endFix(id, ok,
                       ok ? tr("Applied. Checking again…") : tr("The fix failed: %1").arg(error));
            });
    setOptions(options_, policy_);
}

QDialog* DoctorPanel::createFixDialog(const QString& question, QWidget* parent)
{
    // The question's first paragraph on top, what runs below in a box that scrolls: however long
    // the commands (a whole manifest), the dialog fits the screen and Yes/Cancel stay visible.
    const qsizetype cut = question.indexOf(u"\n\n"_s);
    auto* dialog = new QDialog(parent);
    dialog->setObjectName(u"doctorFixDialog"_s);
    dialog->setWindowTitle(tr("Apply the fix?"));
    auto* intro = new QLabel(cut < 0 ? question : question.left(cut), dialog);
    intro->setTextFormat(Qt::PlainText);
    intro->setWordWrap(true);
    auto* body = new QPlainTextEdit(cut < 0 ? QString() : question.mid(cut + 2).trimmed(), dialog);
    body->setObjectName(u"doctorFixDialogText"_s);
    body->setReadOnly(true);
    body->setLineWrapMode(QPlainTextEdit::NoWrap);
    body->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    body->setVisible(cut >= 0);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Yes | QDialogButtonBox::Cancel, dialog);
    buttons->setObjectName(u"doctorFixDialogButtons"_s);
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(intro);
    layout->addWidget(body, 1);
    layout->addWidget(buttons);
    // At most 70 % of the screen (1366×768 included), at least room for a few lines.
    const QScreen* screen =
        parent && parent->screen() ? parent->screen() : QGuiApplication::primaryScreen();
    const QRect avail = screen ? screen->availableGeometry() : QRect(0, 0, 1366, 768);
    const QFontMetrics fm(body->font());
    const int lines = int(body->toPlainText().count(u'\n')) + 2;
    const int bodyHeight = std::min(fm.lineSpacing() * lines + 2 * body->frameWidth() + 8,
                                    avail.height() * 7 / 10 - 6 * fm.lineSpacing());
    body->setMinimumHeight(std::min(bodyHeight, fm.lineSpacing() * 6));
    dialog->resize(std::min(avail.width() * 8 / 10, fm.horizontalAdvance(QLatin1Char('x')) * 100),
                   std::min(avail.height() * 7 / 10, bodyHeight + 6 * fm.lineSpacing()));
    dialog->setMaximumHeight(avail.height() * 9 / 10);
    return dialog;
}

void DoctorPanel::setOptions(const DoctorOptions& options, const MutationPolicy& policy)
{
    options_ = options;
    policy_ = policy;
    header_->setText(noContext_
                         ? tr("Tracing doctor — no context")
                         : tr("Tracing doctor — context %1, namespace %2")
                               .arg(options_.target.context.isEmpty() ? tr("(kubectl's current)")
                                                                      : options_.target.context,
                                    options_.target.ns));
}

void DoctorPanel::setNoContext(bool noContext)
{
    noContext_ = noContext;
    setOptions(options_, policy_);
}

void DoctorPanel::setConfirm(std::function<bool(const QString&)> confirm)
{
    confirm_ = std::move(confirm);
}

void DoctorPanel::setForwardsSource(std::function<std::optional<QList<DoctorForward>>()> source)
{
    forwardsSource_ = std::move(source);
}

void DoctorPanel::runChecks()
{
    if (forwardsSource_)
        options_.forwards = forwardsSource_();
    runButton_->setEnabled(false);
    progress_->setValue(0);
    progress_->show();
    summary_->setText(tr("Checking… (read-only commands; see the Console for each one)"));
    doctor_->run(options_);
}

void DoctorPanel::onFinished(const QList<DoctorFinding>& findings)
{
    hasRun_ = true;
    findings_ = findings;
    runButton_->setEnabled(true);
    progress_->hide();
    const QString previous = focus_.isEmpty() ? selectedCheck() : focus_;
    focus_.clear();

    tree_->clear();
    int counts[4] = {0, 0, 0, 0};
    QTreeWidgetItem* group = nullptr;
    QTreeWidgetItem* select = nullptr;
    for (const DoctorFinding& f : findings) {
        ++counts[int(f.severity)];
        if (!group || group->text(0) != f.group) {
            group = new QTreeWidgetItem(tree_, {f.group});
            QFont font = group->font(0);
            font.setBold(true);
            group->setFont(0, font);
            group->setFirstColumnSpanned(true);
            group->setExpanded(true);
            group->setData(0, kIdRole, QString());
        }
        auto* item = new QTreeWidgetItem(group, {f.title, f.summary});
        item->setIcon(0, Icons::icon(iconName(f.severity)));
        item->setData(0, kIdRole, f.id);
        item->setToolTip(0, u"%1 (%2)"_s.arg(severityWord(f.severity), f.id));
        item->setToolTip(1, f.note.isEmpty() ? f.summary : f.summary + u"\n\n"_s + f.note);
        if (!f.note.isEmpty() && f.severity == DoctorFinding::Severity::Pass)
            item->setIcon(1, Icons::icon(u"info"_s));  // a note to read, not a problem
        // The evidence, one line per row: expand the check to see it.
        for (const QString& line : f.evidence.split(u'\n', Qt::SkipEmptyParts)) {
            auto* evidence = new QTreeWidgetItem(item, {line});
            evidence->setFirstColumnSpanned(true);
            evidence->setData(0, kIdRole, f.id);
            evidence->setForeground(0, palette().brush(QPalette::PlaceholderText));
        }
        if (f.id == previous)
            select = item;
    }
    // Group rows show the worst severity of their checks; a group whose checks were all skipped
    // shows the skipped icon, never a pass.
    for (int i = 0; i < tree_->topLevelItemCount(); ++i) {
        QTreeWidgetItem* g = tree_->topLevelItem(i);
        DoctorFinding::Severity worst = DoctorFinding::Severity::Skipped;
        for (int c = 0; c < g->childCount(); ++c) {
            const DoctorFinding* f = finding(g->child(c)->data(0, kIdRole).toString());
            if (f && rank(f->severity) > rank(worst))
                worst = f->severity;
        }
        g->setIcon(0, Icons::icon(iconName(worst)));
        g->setData(0, kSeverityRole, int(worst));
        g->setToolTip(0, severityWord(worst));
    }
    const QString counted =
        tr("%1 passed, %2 warning(s), %3 failed, %4 skipped — in %5 s")
            .arg(counts[0])
            .arg(counts[1])
            .arg(counts[2])
            .arg(counts[3])
            .arg(QString::number(double(doctor_->lastDurationMs()) / 1000.0, 'f', 1));
    const DoctorOutcome outcome = doctor_->outcome();
    verdict_ = outcome.verdict;
    if (outcome.verdict == DoctorOutcome::Verdict::Inconclusive) {
        // Not a pass: the cluster went away during the run. Said first, in the warning colour.
        summary_->setText(outcome.reason + u"\n"_s + counted);
        summary_->setStyleSheet(
            u"color: %1; font-weight: bold;"_s.arg(toneAccent(Tone::Warning, palette()).name()));
        summary_->setProperty("verdict", u"inconclusive"_s);
    } else {
        summary_->setText(counted);
        summary_->setStyleSheet({});
        summary_->setProperty("verdict", DoctorOutcome::verdictName(outcome.verdict));
    }
    if (!select) {
        // The first failure (else the first warning), so that what to do is on screen at once.
        QTreeWidgetItem* warn = nullptr;
        for (QTreeWidgetItemIterator it(tree_); *it && !select; ++it) {
            if (!(*it)->parent() || (*it)->parent()->parent())
                continue;  // a group or an evidence row
            const DoctorFinding* f = finding((*it)->data(0, kIdRole).toString());
            if (f && f->severity == DoctorFinding::Severity::Fail)
                select = *it;
            else if (f && f->severity == DoctorFinding::Severity::Warn && !warn)
                warn = *it;
        }
        if (!select)
            select = warn;
    }
    if (select) {
        select->setExpanded(true);
        tree_->setCurrentItem(select);
        tree_->scrollToItem(select);
    }
    showDetails();
    Q_EMIT checksFinished();
}

const DoctorFinding* DoctorPanel::finding(const QString& id) const
{
    return DoctorFindings::find(findings_, id);
}

QString DoctorPanel::selectedCheck() const
{
    const QTreeWidgetItem* item = tree_->currentItem();
    return item ? item->data(0, kIdRole).toString() : QString();
}

void DoctorPanel::showDetails()
{
    const DoctorFinding* f = finding(selectedCheck());
    if (!f) {
        detailTitle_->clear();
        detailSummary_->clear();
        fixText_->clear();
        docsUrl_.clear();
        docs_->setEnabled(false);
        docs_->setToolTip({});
        fixButton_->setEnabled(false);
        return;
    }
    detailTitle_->setText(u"%1 — %2"_s.arg(severityWord(f->severity), f->title));
    detailSummary_->setText(f->summary);
    QString text;
    if (!f->note.isEmpty())
        text += tr("# Note\n") + f->note + u"\n\n"_s;
    if (!f->evidence.isEmpty())
        text += tr("# Evidence\n") + f->evidence + u"\n\n"_s;
    if (!f->fixCommand.isEmpty())
        text += tr("# Fix\n") + f->fixCommand + u"\n\n"_s;
    if (!f->fixYaml.isEmpty())
        text += f->fixYaml;
    fixText_->setPlainText(text.trimmed());
    docsUrl_ = f->docsUrl;
    docs_->setEnabled(!docsUrl_.isEmpty());
    docs_->setToolTip(docsUrl_);
    fixButton_->setEnabled(f->hasFix() && f->isProblem() && !fixRun_->isRunning());
}

void DoctorPanel::focusCheck(const QString& checkId)
{
    if (!hasRun_ || doctor_->isRunning()) {
        focus_ = checkId;
        if (!doctor_->isRunning())
            runChecks();
        return;
    }
    for (QTreeWidgetItemIterator it(tree_); *it; ++it) {
        if ((*it)->parent() && !(*it)->parent()->parent() &&
            (*it)->data(0, kIdRole).toString() == checkId) {
            (*it)->setExpanded(true);
            tree_->setCurrentItem(*it);
            tree_->scrollToItem(*it);
            return;
        }
    }
}

void DoctorPanel::fixCheck(const QString& checkId)
{
    const QString id = checkId.isEmpty() ? selectedCheck() : checkId;
    const DoctorFinding* f = finding(id);
    if (!f || !f->hasFix() || fixRun_->isRunning() || !runner_)
        return;
    const DoctorFixRun::Review review = DoctorFixRun::review(*f, policy_);
    if (review.refused) {
        fixStatus_->setText(review.message);
        Q_EMIT fixFinished(id, false, review.message);
        return;
    }
    const QString question =
        tr("Fix “%1” on context %2?\n\nObsLab will run:\n\n%3%4")
            .arg(f->title,
                 options_.target.context.isEmpty() ? tr("(kubectl's current)")
                                                   : options_.target.context,
                 f->fixCommand, review.message.isEmpty() ? QString() : u"\n\n"_s + review.message);
    if (!confirm_ || !confirm_(question)) {
        fixStatus_->setText(tr("Not applied."));
        Q_EMIT fixFinished(id, false, tr("Not applied."));
        return;
    }
    fixButton_->setEnabled(false);
    runButton_->setEnabled(false);
    fixRun_->start(*f, policy_);
}

void DoctorPanel::endFix(const QString& id, bool ok, const QString& message)
{
    fixStatus_->setText(message);
    runButton_->setEnabled(true);
    Q_EMIT fixFinished(id, ok, message);
    if (ok) {
        focus_ = id;
        runChecks();
    } else {
        showDetails();
    }
}

}  // namespace obslab
