#include "gui/presenter/RehearsalPanel.h"

#include "core/logs/DecodedLine.h"
#include "core/logs/ParsedLine.h"
#include "core/process/Transcript.h"
#include "core/rehearsal/Handout.h"
#include "core/rehearsal/RehearsalPlayer.h"
#include "gui/common/MarkdownText.h"
#include "gui/widgets/Banner.h"
#include "gui/widgets/Icons.h"

#include <QComboBox>
#include <QEvent>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

using rehearsal::RecordedLogLine;
using rehearsal::Recording;
using rehearsal::RehearsalEvent;
using rehearsal::RehearsalPlayer;

RehearsalPanel::RehearsalPanel(Transcript* transcript, QWidget* parent)
    : QWidget(parent)
    , transcript_(transcript)
{
    setObjectName(u"rehearsalPanel"_s);
    banner_ = new Banner(this);
    banner_->setObjectName(u"rehearsalBanner"_s);
    connect(banner_, &Banner::dismissed, this, [this] { banner_->show(); });  // always marked
    labTitle_ = new QLabel(this);
    QFont titleFont = labTitle_->font();
    titleFont.setBold(true);
    labTitle_->setFont(titleFont);

    steps_ = new QListWidget(this);
    steps_->setObjectName(u"rehearsalSteps"_s);
    // Whole titles: wrapped, and in the tooltip (a projector's large type makes them long).
    steps_->setWordWrap(true);
    steps_->setTextElideMode(Qt::ElideMiddle);
    steps_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(steps_, &QListWidget::currentRowChanged, this, [this](int row) {
        if (player_ && row != player_->currentStep() && row >= 0)
            player_->goToStep(row);
    });

    stepTitle_ = new QLabel(this);
    stepTitle_->setObjectName(u"rehearsalStepTitle"_s);
    stepTitle_->setWordWrap(true);
    stepText_ = new QTextBrowser(this);
    stepText_->setOpenExternalLinks(true);
    output_ = new QPlainTextEdit(this);
    output_->setObjectName(u"rehearsalOutput"_s);
    output_->setReadOnly(true);
    output_->setMaximumBlockCount(20000);
    updateOutputFont();

    speed_ = new QComboBox(this);
    speed_->setObjectName(u"rehearsalSpeed"_s);
    speed_->addItem(tr("Real time"), 1.0);
    speed_->addItem(tr("2× faster"), 2.0);
    speed_->addItem(tr("5× faster"), 5.0);
    speed_->addItem(tr("No waiting"), 0.0);
    speed_->setCurrentIndex(1);
    connect(speed_, &QComboBox::currentIndexChanged, this, [this] {
        if (player_)
            player_->setSpeed(speed_->currentData().toDouble());
    });

    previous_ = new QPushButton(tr("Previous"), this);
    run_ = new QPushButton(Icons::icon(u"running"_s), tr("Run"), this);
    run_->setObjectName(u"rehearsalRun"_s);
    check_ = new QPushButton(Icons::icon(u"ok"_s), tr("Check"), this);
    hint_ = new QPushButton(Icons::icon(u"info"_s), tr("Hint"), this);
    next_ = new QPushButton(tr("Next"), this);
    playAll_ = new QPushButton(tr("Play All"), this);
    auto* close = new QPushButton(tr("Close Rehearsal"), this);
    handout_ = new QToolButton(this);
    handout_->setObjectName(u"rehearsalHandout"_s);
    handout_->setText(tr("Export Handout"));
    handout_->setIcon(Icons::icon(u"export"_s));
    handout_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    handout_->setPopupMode(QToolButton::InstantPopup);
    auto* handoutMenu = new QMenu(handout_);
    handoutMenu->addAction(tr("Handout with this run's results (Markdown)…"), this,
                           [this] { chooseHandout(true); });
    handoutMenu->addAction(tr("Handout: steps and commands only (Markdown)…"), this,
                           [this] { chooseHandout(false); });
    handout_->setMenu(handoutMenu);
    connect(previous_, &QPushButton::clicked, this, &RehearsalPanel::previousStep);
    connect(run_, &QPushButton::clicked, this, &RehearsalPanel::runStep);
    connect(check_, &QPushButton::clicked, this, &RehearsalPanel::checkStep);
    connect(hint_, &QPushButton::clicked, this, &RehearsalPanel::showHint);
    connect(next_, &QPushButton::clicked, this, &RehearsalPanel::nextStep);
    connect(playAll_, &QPushButton::clicked, this, &RehearsalPanel::playAll);
    connect(close, &QPushButton::clicked, this, &RehearsalPanel::closeRequested);

    auto* top = new QHBoxLayout;
    top->addWidget(labTitle_, 1);
    top->addWidget(new QLabel(tr("Speed:"), this));
    top->addWidget(speed_);
    top->addWidget(handout_);
    top->addWidget(close);

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(stepTitle_);
    auto* split = new QSplitter(Qt::Vertical, right);
    split->addWidget(stepText_);
    split->addWidget(output_);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 3);
    rightLayout->addWidget(split, 1);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {previous_, run_, check_, hint_, next_})
        buttons->addWidget(b);
    buttons->addStretch(1);
    buttons->addWidget(playAll_);
    rightLayout->addLayout(buttons);

    auto* body = new QSplitter(Qt::Horizontal, this);
    body->addWidget(steps_);
    body->addWidget(right);
    body->setStretchFactor(0, 1);
    body->setStretchFactor(1, 3);
    const int em = fontMetrics().height();
    body->setSizes({em * 16, em * 48});

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(banner_);
    layout->addLayout(top);
    layout->addWidget(body, 1);
    updateButtons();
}

RehearsalPanel::~RehearsalPanel() = default;

const Recording* RehearsalPanel::recording() const
{
    return player_ ? &player_->recording() : nullptr;
}

bool RehearsalPanel::open(const QString& path)
{
    auto loaded = Recording::load(path);
    if (!loaded) {
        banner_->setMessage(
            Tone::Danger, u"error"_s,
            tr("<b>This rehearsal cannot be played.</b> %1 %2")
                .arg(loaded.error().message.toHtmlEscaped(), loaded.error().hint.toHtmlEscaped()));
        return false;
    }
    setRecording(*loaded);
    return true;
}

QString RehearsalPanel::markingText() const
{
    return banner_->message();
}

void RehearsalPanel::setRecording(const Recording& recording)
{
    if (player_)
        player_->stop();
    player_ = std::make_unique<RehearsalPlayer>(recording);
    player_->setTranscript(transcript_);
    player_->setSpeed(speed_->currentData().toDouble());
    RehearsalPlayer* p = player_.get();

    QString marking = tr("<b>Rehearsal — no cluster is touched.</b> Everything below is played "
                         "back from a recording.");
    if (recording.source.isSimulated())
        marking += u" "_s + tr("It was recorded against the <b>simulated mesh</b> of ObsLab's "
                               "tests (test equipment, not a cluster).");
    else if (!recording.source.label.isEmpty())
        marking += u" "_s + recording.source.label.toHtmlEscaped();
    banner_->setMessage(Tone::Warning, u"warning"_s, marking);
    labTitle_->setText(recording.labTitle.isEmpty() ? recording.labId : recording.labTitle);

    connect(p, &RehearsalPlayer::currentStepChanged, this, [this](int step) {
        showStep(step);
        Q_EMIT currentStepChanged(step);
    });
    connect(p, &RehearsalPlayer::commandStarted, this, [this](const RehearsalEvent& e) {
        if (e.forCheck) {
            // A check's own command: shown small, its output is the check's result.
            appendHtml(e.step, u"<span style='color:%1'>%2 $ %3</span>"_s.arg(
                                   palette().color(QPalette::PlaceholderText).name(),
                                   tr("checking:"), e.shellLine().toHtmlEscaped()));
            return;
        }
        appendHtml(e.step,
                   u"<b>$ %1</b>%2"_s.arg(e.shellLine().toHtmlEscaped(),
                                          e.background ? tr("  (in the background)") : QString()));
        Q_EMIT commandShown(e.shellLine(), e.title);
    });
    connect(p, &RehearsalPlayer::commandFinished, this, [this](const RehearsalEvent& e) {
        if (e.forCheck)
            return;
        // A log snapshot's lines follow as followed lines, trace ids highlighted.
        const bool logSnapshot =
            e.arguments.contains(u"logs"_s) && e.arguments.contains(u"--prefix"_s);
        const QString out = QString::fromUtf8(e.stdoutData + e.stderrData).trimmed();
        if (!out.isEmpty() && !logSnapshot)
            appendText(e.step, out);
        const bool ok = e.status == CommandStatus::Succeeded;
        if (!ok)
            appendHtml(e.step, u"<span style='color:%1'>[%2, exit code %3]</span>"_s
                                   .arg(toneAccent(Tone::Danger, palette()).name(),
                                        commandStatusName(e.status))
                                   .arg(e.exitCode));
        Q_EMIT commandEnded(ok, ok ? tr("done") : commandStatusName(e.status));
    });
    connect(p, &RehearsalPlayer::logLinesReplayed, this, [this](const RehearsalEvent& e) {
        for (const RecordedLogLine& l : e.logLines)
            appendLogLine(e.step, l);
        Q_EMIT logLinesReplayed(e.logLines);
    });
    connect(p, &RehearsalPlayer::traceOpened, this, &RehearsalPanel::onTrace);
    connect(p, &RehearsalPlayer::checkReported, this, [this](const RehearsalEvent& e) {
        const Tone tone = e.checkPassed() ? Tone::Good : Tone::Danger;
        appendHtml(e.step,
                   u"<span style='color:%1'><b>%2 %3</b></span>%4"_s.arg(
                       toneAccent(tone, palette()).name(), e.checkPassed() ? u"✓"_s : u"✗"_s,
                       e.title.toHtmlEscaped(),
                       e.message.isEmpty() ? QString() : u" — "_s + e.message.toHtmlEscaped()));
    });
    connect(p, &RehearsalPlayer::checkFinished, this, [this](int step, bool passed) {
        if (step >= 0 && step < stepStates_.size()) {
            stepStates_[step] = passed ? 1 : 2;
            if (QListWidgetItem* item = steps_->item(step))
                item->setIcon(Icons::icon(passed ? u"ok"_s : u"error"_s));
        }
        updateButtons();
    });
    connect(p, &RehearsalPlayer::runFinished, this, [this](int step) {
        noteEmptyRun(step);
        updateButtons();
    });
    connect(p, &RehearsalPlayer::finished, this, [this] {
        appendHtml(player_->currentStep(), tr("<i>End of the rehearsal.</i>"));
        updateButtons();
    });
    rebuildSteps();
    output_->clear();
    shownOutput_ = -1;
    p->goToStep(0);
    if (p->currentStep() == 0)
        showStep(0);
    updateButtons();
}

void RehearsalPanel::rebuildSteps()
{
    const QSignalBlocker block(steps_);
    steps_->clear();
    stepStates_.clear();
    const Recording& rec = player_->recording();
    for (int s = 0; s < rec.stepCount(); ++s) {
        const RehearsalEvent* e = rec.stepEvent(s);
        auto* item = new QListWidgetItem(u"%1. %2"_s.arg(s + 1).arg(e ? e->title : QString()));
        item->setToolTip(item->text());
        steps_->addItem(item);
        stepStates_ << 0;
    }
    outputs_ = QList<QList<OutputPiece>>(rec.stepCount());
}

void RehearsalPanel::showStep(int step)
{
    const RehearsalEvent* e = player_ ? player_->recording().stepEvent(step) : nullptr;
    {
        const QSignalBlocker block(steps_);
        steps_->setCurrentRow(step);
    }
    if (step != shownOutput_) {
        shownOutput_ = step;
        output_->clear();
        for (const OutputPiece& piece : outputs_.value(step)) {
            if (piece.html)
                output_->appendHtml(piece.text);
            else
                output_->appendPlainText(piece.text);
        }
    }
    QString firstCommand;
    QString firstTitle;
    if (player_) {
        for (const RehearsalEvent& ev : player_->recording().stepEvents(step)) {
            if (ev.kind == RehearsalEvent::Kind::Command && !ev.forCheck) {
                firstCommand = ev.shellLine();
                firstTitle = ev.title;
                break;
            }
        }
    }
    Q_EMIT stepCommandChanged(firstCommand, firstTitle);
    if (!e) {
        stepTitle_->clear();
        stepText_->clear();
        return;
    }
    stepTitle_->setText(tr("<h2>Step %1 of %2: %3</h2>")
                            .arg(step + 1)
                            .arg(player_->stepCount())
                            .arg(e->title.toHtmlEscaped()));
    stepText_->setMarkdown(e->text);
    markdowntext::followWidgetFont(stepText_->document());
    updateButtons();
}

void RehearsalPanel::appendHtml(int step, const QString& html)
{
    if (step >= 0 && step < outputs_.size())
        outputs_[step].append({true, html});
    if (step == shownOutput_ || step < 0)
        output_->appendHtml(html);
}

void RehearsalPanel::appendText(int step, const QString& text)
{
    if (step >= 0 && step < outputs_.size())
        outputs_[step].append({false, text});
    if (step == shownOutput_ || step < 0)
        output_->appendPlainText(text);
}

void RehearsalPanel::noteEmptyRun(int step)
{
    // A step whose run left nothing in the recording (the lab's port-forward was not needed
    // because Jaeger's address was known, or its actions happen inside ObsLab) says so instead
    // of showing nothing.
    if (!player_)
        return;
    for (const RehearsalEvent& e : player_->recording().stepEvents(step)) {
        if (e.kind != RehearsalEvent::Kind::Step && e.kind != RehearsalEvent::Kind::Check &&
            !e.forCheck)
            return;
    }
    appendHtml(step, tr("<i>Nothing ran in this step when it was recorded (its action was "
                        "already done, or happens inside ObsLab). Its checks replay with "
                        "Check.</i>"));
}

void RehearsalPanel::appendLogLine(int step, const RecordedLogLine& line)
{
    // Trace ids highlighted as the Logs area does: where they are comes from core.
    const DecodedLine decoded = DecodedLine::of(line.text);
    QString html = u"<span style='color:%1'>[pod/%2/%3]</span> "_s.arg(
        toneAccent(Tone::Info, palette()).name(), line.pod.toHtmlEscaped(),
        line.container.toHtmlEscaped());
    qsizetype at = 0;
    const QColor mark = toneBackground(Tone::Warning, palette());
    for (const DecodedLine::Span& span : decoded.traceIdSpans()) {
        html += QString::fromUtf8(line.text.mid(at, span.offset - at)).toHtmlEscaped();
        html += u"<span style='background-color:%1; font-weight:bold'>%2</span>"_s.arg(
            mark.name(),
            QString::fromUtf8(line.text.mid(span.offset, span.length)).toHtmlEscaped());
        at = span.offset + span.length;
    }
    html += QString::fromUtf8(line.text.mid(at)).toHtmlEscaped();
    appendHtml(step, html);
}

void RehearsalPanel::onTrace(const RehearsalEvent& e)
{
    appendHtml(e.step, tr("Trace <b>%1</b> is open in the Traces area (Alt+4 shows it).")
                           .arg(e.traceId.toHtmlEscaped()));
    if (!traceDir_.isValid())
        return;
    const QString path = traceDir_.filePath(u"trace-%1.json"_s.arg(e.traceId));
    QFile f(path);
    if (f.open(QIODevice::WriteOnly) && f.write(e.traceJson) == e.traceJson.size()) {
        f.close();
        Q_EMIT traceFileReady(path, e.traceId);
    }
}

void RehearsalPanel::updateButtons()
{
    const bool have = player_ && player_->stepCount() > 0;
    const int step = have ? player_->currentStep() : -1;
    previous_->setEnabled(have && step > 0);
    next_->setEnabled(have && step + 1 < player_->stepCount());
    run_->setEnabled(have);
    check_->setEnabled(have && step >= 0);
    hint_->setEnabled(have && step >= 0);
    playAll_->setEnabled(have);
}

int RehearsalPanel::currentStep() const
{
    return player_ ? player_->currentStep() : -1;
}

QString RehearsalPanel::outputText() const
{
    return output_->toPlainText();
}

QString RehearsalPanel::stepTitle() const
{
    return stepTitle_->text();
}

void RehearsalPanel::setSpeed(double speed)
{
    for (int i = 0; i < speed_->count(); ++i) {
        if (qFuzzyCompare(speed_->itemData(i).toDouble() + 1, speed + 1)) {
            speed_->setCurrentIndex(i);
            return;
        }
    }
    if (player_)
        player_->setSpeed(speed);
}

void RehearsalPanel::nextStep()
{
    if (player_)
        player_->nextStep();
}

void RehearsalPanel::previousStep()
{
    if (player_)
        player_->previousStep();
}

void RehearsalPanel::runStep()
{
    if (!player_)
        return;
    player_->runStep();
}

void RehearsalPanel::checkStep()
{
    if (!player_)
        return;
    player_->checkStep();
}

void RehearsalPanel::showHint()
{
    if (!player_)
        return;
    QStringList hints;
    for (const RehearsalEvent& e : player_->recording().stepEvents(player_->currentStep())) {
        if (e.kind == RehearsalEvent::Kind::Check && !e.hint.isEmpty())
            hints << u"%1: %2"_s.arg(e.title, e.hint);
    }
    appendHtml(player_->currentStep(),
               hints.isEmpty() ? tr("<i>Hint: every check of this step passed when it was "
                                    "recorded; no hint was needed.</i>")
                               : tr("<b>Hint</b> — %1").arg(hints.join(u"; "_s).toHtmlEscaped()));
}

void RehearsalPanel::playAll()
{
    if (!player_)
        return;
    player_->playAll();
}

void RehearsalPanel::changeEvent(QEvent* event)
{
    // The output's monospace font follows the application's size (and presenter mode's).
    if (event->type() == QEvent::FontChange)
        updateOutputFont();
    QWidget::changeEvent(event);
}

void RehearsalPanel::updateOutputFont()
{
    // The same size from the start as after any change, so leaving presenter mode restores it.
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (font().pointSizeF() > 0)
        mono.setPointSizeF(font().pointSizeF() * 0.9);
    output_->setFont(mono);
}

void RehearsalPanel::stop()
{
    if (player_)
        player_->stop();
}

void RehearsalPanel::chooseHandout(bool withResults)
{
    if (!player_)
        return;
    auto* dialog = new QFileDialog(this, tr("Export a handout"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setNameFilter(tr("Markdown (*.md)"));
    dialog->setDefaultSuffix(u"md"_s);
    dialog->selectFile(player_->recording().labId + u"-handout.md"_s);
    connect(dialog, &QFileDialog::fileSelected, this,
            [this, withResults](const QString& path) { exportHandout(path, withResults); });
    dialog->open();
}

void RehearsalPanel::exportHandout(const QString& path, bool withResults)
{
    if (!player_)
        return;
    rehearsal::Handout::Options options;
    options.includeResults = withResults;
    const QString markdown = rehearsal::Handout::toMarkdown(player_->recording(), options);
    // Written off the GUI thread: the disk may be slow (a network share, a USB stick).
    auto* watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcher<QString>::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        const QString error = watcher->result();
        Q_EMIT handoutExported(path, error.isEmpty(), error);
    });
    watcher->setFuture(QtConcurrent::run([path, markdown]() -> QString {
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(markdown.toUtf8()) < 0 || !file.commit())
            return file.errorString();
        return {};
    }));
}

}  // namespace obslab
