#include "gui/lab/LabStepView.h"

#include "core/lab/LabPlan.h"
#include "core/lab/LabRunner.h"
#include "gui/common/MarkdownText.h"
#include "gui/widgets/Icons.h"
#include "gui/widgets/Tone.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QScrollBar>
#include <QTextBrowser>
#include <QTextDocument>
#include <QToolButton>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

QString LabStepView::linkTraceIds(const QString& line)
{
    static const QRegularExpression re(
        u"(traceID=|trace id:? |trace id is |/trace/|trace )([0-9a-fA-F]{16}(?:[0-9a-fA-F]{16})?)(?![0-9a-fA-F])"_s);
    QString html;
    qsizetype last = 0;
    for (auto it = re.globalMatch(line); it.hasNext();) {
        const auto m = it.next();
        html += line.mid(last, m.capturedStart(2) - last).toHtmlEscaped();
        const QString id = m.captured(2);
        html += u"<a href=\"trace:%1\"><b>%1</b></a>"_s.arg(id.toHtmlEscaped());
        last = m.capturedEnd(2);
    }
    html += line.mid(last).toHtmlEscaped();
    return html;
}

QString LabStepView::markdownToHtml(const QString& markdown)
{
    return markdowntext::toHtml(markdown);
}

LabStepView::LabStepView(LabRunner* runner, const QString& stepId, QWidget* parent)
    : QWidget(parent)
    , runner_(runner)
    , stepId_(stepId)
{
    setObjectName(u"labStep-"_s + stepId);
    const LabStep* step = runner_->lab().step(stepId);
    auto* layout = new QVBoxLayout(this);
    layout->setSpacing(fontMetrics().height() / 2);
    auto* title = new QLabel(u"<h2>%1</h2>"_s.arg(step->title.toHtmlEscaped()), this);
    title->setObjectName(u"labStepTitle"_s);
    title->setWordWrap(true);
    layout->addWidget(title);

    auto* text = new QLabel(this);
    text->setObjectName(u"labStepText"_s);
    text->setWordWrap(true);
    text->setTextFormat(Qt::RichText);
    text->setTextInteractionFlags(Qt::TextBrowserInteraction);
    text->setOpenExternalLinks(true);
    text->setText(markdownToHtml(substituteVariables(step->text, runner_->variables())));
    layout->addWidget(text);

    for (int i = 0; i < step->actions.size(); ++i)
        layout->addWidget(makeActionCard(i));

    if (!step->checks.isEmpty()) {
        auto* heading = new QLabel(u"<b>%1</b>"_s.arg(tr("Checks")), this);
        layout->addWidget(heading);
        for (int i = 0; i < step->checks.size(); ++i)
            layout->addWidget(makeCheckRow(i, step->checks.at(i)));
    }

    auto* buttons = new QHBoxLayout;
    runStep_ = new QPushButton(Icons::icon(u"running"_s), tr("Run Step"), this);
    runStep_->setObjectName(u"labRunStep"_s);
    runStep_->setToolTip(tr("Run every action of this step, then its checks"));
    check_ = new QPushButton(Icons::icon(u"ok"_s), tr("Check"), this);
    check_->setObjectName(u"labCheckStep"_s);
    check_->setToolTip(tr("Run only the checks (after you did the step yourself)"));
    check_->setEnabled(!step->checks.isEmpty());
    skip_ = new QPushButton(tr("Skip"), this);
    skip_->setObjectName(u"labSkipStep"_s);
    buttons->addWidget(runStep_);
    buttons->addWidget(check_);
    buttons->addWidget(skip_);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    layout->addStretch(1);
    connect(runStep_, &QPushButton::clicked, this, [this] { Q_EMIT runStepRequested(stepId_); });
    connect(check_, &QPushButton::clicked, this, [this] { Q_EMIT checkRequested(stepId_); });
    connect(skip_, &QPushButton::clicked, this, [this] { Q_EMIT skipRequested(stepId_); });
}

QWidget* LabStepView::makeActionCard(int index)
{
    const LabAction& a = runner_->lab().step(stepId_)->actions.at(index);
    auto* card = new QFrame(this);
    card->setObjectName(u"labActionCard"_s);
    card->setFrameShape(QFrame::StyledPanel);
    card->setAutoFillBackground(true);
    QPalette pal = card->palette();
    pal.setColor(QPalette::Window, toneBackground(Tone::Neutral, palette()));
    card->setPalette(pal);
    auto* layout = new QVBoxLayout(card);
    QString heading = substituteVariables(labActionSummary(a), runner_->variables());
    if (a.whenIstio.op != VersionCondition::Any)
        heading += u"  ·  "_s + tr("only for Istio %1").arg(a.whenIstio.text);
    auto* title = new QLabel(u"<b>%1</b>"_s.arg(heading.toHtmlEscaped()), card);
    title->setWordWrap(true);
    layout->addWidget(title);

    ActionCard c;
    auto* row = new QHBoxLayout;
    c.command = new QLabel(card);
    c.command->setObjectName(u"labActionCommand"_s);
    c.command->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    c.command->setWordWrap(true);
    c.command->setTextInteractionFlags(Qt::TextSelectableByMouse);
    c.command->setText(runner_->actionCommandLine(stepId_, index));
    row->addWidget(c.command, 1);
    auto* copy = new QToolButton(card);
    copy->setObjectName(u"labActionCopy"_s);
    copy->setIcon(Icons::icon(u"copy"_s));
    copy->setToolTip(tr("Copy the command"));
    copy->setAutoRaise(true);
    connect(copy, &QToolButton::clicked, this,
            [label = c.command] { QGuiApplication::clipboard()->setText(label->text()); });
    row->addWidget(copy, 0, Qt::AlignTop);
    c.run = new QPushButton(tr("Run"), card);
    c.run->setObjectName(u"labActionRun"_s);
    c.run->setToolTip(tr("Run this action only"));
    connect(c.run, &QPushButton::clicked, this,
            [this, index] { Q_EMIT runActionRequested(stepId_, index); });
    row->addWidget(c.run, 0, Qt::AlignTop);
    layout->addLayout(row);

    c.output = new QTextBrowser(card);
    c.output->setObjectName(u"labActionOutput"_s);
    c.output->setOpenLinks(false);
    c.output->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    c.output->setLineWrapMode(QTextEdit::NoWrap);
    c.output->document()->setMaximumBlockCount(500);
    c.output->hide();
    connect(c.output, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() == u"trace")
            Q_EMIT traceClicked(url.path());
    });
    layout->addWidget(c.output);
    c.status = new QLabel(card);
    c.status->setObjectName(u"labActionStatus"_s);
    c.status->setWordWrap(true);
    c.status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    c.status->hide();
    layout->addWidget(c.status);
    cards_ << c;
    return card;
}

QWidget* LabStepView::makeCheckRow(int index, const LabCheck& check)
{
    auto* box = new QWidget(this);
    box->setObjectName(u"labCheck"_s);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* row = new QHBoxLayout;
    CheckRow c;
    c.icon = new QLabel(box);
    const int size = fontMetrics().height();
    c.icon->setFixedSize(size, size);
    row->addWidget(c.icon, 0, Qt::AlignTop);
    auto* text = new QVBoxLayout;
    auto* summary = new QLabel(
        substituteVariables(labCheckSummary(check), runner_->variables()).toHtmlEscaped(), box);
    summary->setWordWrap(true);
    text->addWidget(summary);
    c.message = new QLabel(box);
    c.message->setObjectName(u"labCheckMessage"_s);
    c.message->setWordWrap(true);
    c.message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    c.message->hide();
    text->addWidget(c.message);
    row->addLayout(text, 1);
    c.hintButton = new QPushButton(tr("Hint"), box);
    c.hintButton->setObjectName(u"labCheckHint"_s);
    c.hintButton->setCheckable(true);
    row->addWidget(c.hintButton, 0, Qt::AlignTop);
    QPushButton* solution = nullptr;
    if (!check.solution.isEmpty()) {
        solution = new QPushButton(tr("Solution"), box);
        solution->setObjectName(u"labCheckSolution"_s);
        solution->setCheckable(true);
        row->addWidget(solution, 0, Qt::AlignTop);
    }
    c.doctor = new QPushButton(Icons::icon(u"doctor"_s), tr("Ask the Doctor"), box);
    c.doctor->setObjectName(u"labCheckDoctor"_s);
    c.doctor->setToolTip(tr("Check the tracing setup for the usual reasons this fails"));
    c.doctor->hide();
    connect(c.doctor, &QPushButton::clicked, this,
            [this, focus = check.focus] { Q_EMIT doctorRequested(focus); });
    row->addWidget(c.doctor, 0, Qt::AlignTop);
    layout->addLayout(row);

    auto makeNote = [&](const QString& markdown, Tone tone) {
        auto* note = new QLabel(box);
        note->setWordWrap(true);
        note->setTextFormat(Qt::RichText);
        note->setTextInteractionFlags(Qt::TextBrowserInteraction);
        note->setText(markdownToHtml(substituteVariables(markdown, runner_->variables())));
        note->setAutoFillBackground(true);
        QPalette pal = note->palette();
        pal.setColor(QPalette::Window, toneBackground(tone, palette()));
        note->setPalette(pal);
        note->setMargin(fontMetrics().height() / 3);
        note->hide();
        layout->addWidget(note);
        return note;
    };
    c.hint = makeNote(check.hint, Tone::Warning);
    c.hint->setObjectName(u"labCheckHintText"_s);
    connect(c.hintButton, &QPushButton::toggled, c.hint, &QWidget::setVisible);
    if (solution) {
        c.solution = makeNote(check.solution, Tone::Info);
        c.solution->setObjectName(u"labCheckSolutionText"_s);
        connect(solution, &QPushButton::toggled, c.solution, &QWidget::setVisible);
    }
    checks_ << c;
    setCheckIcon(index, u"info"_s);
    return box;
}

void LabStepView::setCheckIcon(int index, const QString& iconName)
{
    const int size = fontMetrics().height();
    checks_[index].icon->setPixmap(Icons::icon(iconName).pixmap(size, size));
    checks_[index].icon->setProperty("iconName", iconName);
}

void LabStepView::setBusy(bool busy)
{
    runStep_->setEnabled(!busy);
    check_->setEnabled(!busy && !checks_.isEmpty());
    skip_->setEnabled(!busy);
    for (const ActionCard& c : std::as_const(cards_))
        c.run->setEnabled(!busy);
}

void LabStepView::refreshCommands()
{
    for (int i = 0; i < cards_.size(); ++i)
        cards_[i].command->setText(runner_->actionCommandLine(stepId_, i));
}

void LabStepView::actionStarted(int index, const QString& commandLine)
{
    if (index < 0 || index >= cards_.size())
        return;
    ActionCard& c = cards_[index];
    c.command->setText(commandLine);
    c.output->clear();
    c.output->hide();
    c.status->setText(tr("Running…"));
    c.status->show();
}

void LabStepView::actionOutput(int index, const QString& line, bool isError)
{
    if (index < 0 || index >= cards_.size())
        return;
    ActionCard& c = cards_[index];
    c.output->show();
    QString html = linkTraceIds(line);
    if (isError)
        html = u"<span style=\"color:%1\">%2</span>"_s.arg(
            toneAccent(Tone::Danger, palette()).name(), html);
    c.output->append(html);
    // As tall as its lines, up to nine: a two-line answer does not get a tall empty box.
    const int lines = std::min(c.output->document()->blockCount(), 9);
    const int frame = 2 * c.output->frameWidth() + int(c.output->document()->documentMargin() * 2);
    c.output->setFixedHeight(lines * QFontMetrics(c.output->font()).lineSpacing() + frame +
                             c.output->horizontalScrollBar()->sizeHint().height() / 2);
    c.output->verticalScrollBar()->setValue(c.output->verticalScrollBar()->maximum());
}

void LabStepView::actionFinished(int index, bool ok, const QString& message)
{
    if (index < 0 || index >= cards_.size())
        return;
    ActionCard& c = cards_[index];
    const QColor color = toneAccent(ok ? Tone::Good : Tone::Danger, palette());
    c.status->setText(u"<span style=\"color:%1\">%2</span> %3"_s.arg(
        color.name(), ok ? u"✔"_s : u"✘"_s, linkTraceIds(message)));
    c.status->setTextFormat(Qt::RichText);
    c.status->setTextInteractionFlags(Qt::TextBrowserInteraction);
    c.status->disconnect(this);
    connect(c.status, &QLabel::linkActivated, this, [this](const QString& link) {
        if (link.startsWith(u"trace:"))
            Q_EMIT traceClicked(link.mid(6));
    });
    c.status->show();
}

void LabStepView::checkStarted(int index)
{
    if (index < 0 || index >= checks_.size())
        return;
    setCheckIcon(index, u"running"_s);
    checks_[index].message->setText(tr("Checking…"));
    checks_[index].message->show();
    checks_[index].doctor->hide();
}

void LabStepView::checkAttemptFailed(int index, const QString& reason)
{
    if (index < 0 || index >= checks_.size())
        return;
    checks_[index].message->setText(tr("Not yet (trying again): %1").arg(reason));
}

void LabStepView::checkFinished(int index, bool passed, const QString& message)
{
    if (index < 0 || index >= checks_.size())
        return;
    CheckRow& c = checks_[index];
    setCheckIcon(index, passed ? u"ok"_s : u"error"_s);
    c.message->setText(message);
    c.message->show();
    c.doctor->setVisible(!passed);
    if (!passed)
        c.hintButton->setChecked(true);  // a failure shows what to do at once
}

}  // namespace obslab
