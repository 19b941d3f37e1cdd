#include "gui/app/SettingsDialog.h"

#include "core/common/AppSettings.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
QUrl parseJaegerUrl(const QString& text)
{
    return QUrl::fromUserInput(text.trimmed());
}

QString installUrl(Tool tool)
{
    return tool == Tool::Kubectl
               ? u"https://kubernetes.io/docs/tasks/tools/"_s
               : u"https://istio.io/latest/docs/setup/getting-started/#download"_s;
}

bool acceptableJaegerUrl(const QString& text)
{
    if (text.trimmed().isEmpty())
        return true;
    const QUrl url = parseJaegerUrl(text);
    return url.isValid() && (url.scheme() == u"http" || url.scheme() == u"https") &&
           !url.host().isEmpty();
}
}  // namespace

SettingsDialog::SettingsDialog(AppSettings* settings, QWidget* parent)
    : QDialog(parent)
    , settings_(settings)
    , jaegerUrl_(new QLineEdit(this))
    , jaegerStatus_(new QLabel(this))
    , jaegerMaxMiB_(new QSpinBox(this))
    , logMaxLineMiB_(new QSpinBox(this))
    , fontScale_(new QSpinBox(this))
    , theme_(new QComboBox(this))
    , buttons_(new QDialogButtonBox(
          QDialogButtonBox::Ok | QDialogButtonBox::Cancel | QDialogButtonBox::Apply, this))
{
    setWindowTitle(tr("Settings"));
    setObjectName(u"settingsDialog"_s);

    auto* tools = new QGroupBox(tr("Tools"), this);
    auto* toolsForm = new QFormLayout(tools);
    toolsForm->addRow(tr("kubectl:"), makeToolRow(kubectl_));
    toolsForm->addRow(tr("istioctl:"), makeToolRow(istioctl_));
    kubectl_.path->setObjectName(u"kubectlPath"_s);
    istioctl_.path->setObjectName(u"istioctlPath"_s);

    auto* tracing = new QGroupBox(tr("Tracing"), this);
    auto* tracingForm = new QFormLayout(tracing);
    jaegerUrl_->setObjectName(u"jaegerUrl"_s);
    jaegerUrl_->setPlaceholderText(tr("empty: port-forward to svc/tracing when needed"));
    jaegerUrl_->setClearButtonEnabled(true);
    auto* jaegerBox = new QWidget(this);
    auto* jaegerLayout = new QVBoxLayout(jaegerBox);
    jaegerLayout->setContentsMargins(0, 0, 0, 0);
    jaegerLayout->addWidget(jaegerUrl_);
    jaegerLayout->addWidget(jaegerStatus_);
    jaegerStatus_->setWordWrap(true);
    tracingForm->addRow(tr("Jaeger UI:"), jaegerBox);
    connect(jaegerUrl_, &QLineEdit::textChanged, this, &SettingsDialog::validateJaegerUrl);
    jaegerMaxMiB_->setObjectName(u"jaegerMaxResponse"_s);
    jaegerMaxMiB_->setRange(1, 4096);
    jaegerMaxMiB_->setSuffix(u" MiB"_s);
    jaegerMaxMiB_->setToolTip(tr("ObsLab stops reading an answer from Jaeger's API past this "
                                 "size, so a broken server cannot exhaust memory."));
    tracingForm->addRow(tr("Largest Jaeger answer:"), jaegerMaxMiB_);

    auto* logs = new QGroupBox(tr("Logs"), this);
    auto* logsForm = new QFormLayout(logs);
    logMaxLineMiB_->setObjectName(u"logMaxLine"_s);
    logMaxLineMiB_->setRange(1, 256);
    logMaxLineMiB_->setSuffix(u" MiB"_s);
    logMaxLineMiB_->setToolTip(
        tr("A log line longer than this is indexed, searched and shown by its beginning, marked "
           "as truncated; the whole line opens on request. Applies to files opened after."));
    logsForm->addRow(tr("Longest log line read:"), logMaxLineMiB_);

    auto* appearance = new QGroupBox(tr("Appearance"), this);
    auto* appearanceForm = new QFormLayout(appearance);
    fontScale_->setObjectName(u"fontScale"_s);
    fontScale_->setRange(50, 300);
    fontScale_->setSingleStep(10);
    fontScale_->setSuffix(u" %"_s);
    fontScale_->setToolTip(tr("Larger type for projectors; 100 % is your system's size."));
    appearanceForm->addRow(tr("Font size:"), fontScale_);
    theme_->setObjectName(u"theme"_s);
    theme_->addItem(tr("Follow the system"), QVariant::fromValue(int(ThemeChoice::System)));
    theme_->addItem(tr("Light"), QVariant::fromValue(int(ThemeChoice::Light)));
    theme_->addItem(tr("Dark"), QVariant::fromValue(int(ThemeChoice::Dark)));
    appearanceForm->addRow(tr("Theme:"), theme_);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tools);
    layout->addWidget(tracing);
    layout->addWidget(logs);
    layout->addWidget(appearance);
    layout->addStretch();
    layout->addWidget(buttons_);
    connect(buttons_, &QDialogButtonBox::accepted, this, [this] {
        apply();
        accept();
    });
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons_->button(QDialogButtonBox::Apply), &QPushButton::clicked, this,
            &SettingsDialog::apply);

    setMinimumWidth(fontMetrics().averageCharWidth() * 72);
    load();
}

QWidget* SettingsDialog::makeToolRow(ToolRow& row)
{
    auto* box = new QWidget(this);
    auto* column = new QVBoxLayout(box);
    column->setContentsMargins(0, 0, 0, 0);
    auto* line = new QHBoxLayout;
    row.path = new QLineEdit(box);
    row.path->setPlaceholderText(tr("empty: find %1 on PATH").arg(ToolLocator::toolName(row.tool)));
    row.path->setClearButtonEnabled(true);
    auto* browse = new QPushButton(tr("Browse…"), box);
    line->addWidget(row.path, 1);
    line->addWidget(browse);
    row.status = new QLabel(box);
    row.status->setWordWrap(true);
    row.status->setTextFormat(Qt::RichText);
    row.status->setOpenExternalLinks(true);
    row.status->setTextInteractionFlags(Qt::TextBrowserInteraction);
    // Room for two lines from the start, so the dialog does not jump when a check finishes.
    row.status->setMinimumHeight(row.status->fontMetrics().lineSpacing() * 2);
    row.status->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    column->addLayout(line);
    column->addWidget(row.status);

    // Checking a path touches the disk, so it waits until typing pauses and runs off-thread.
    row.debounce = new QTimer(this);
    row.debounce->setSingleShot(true);
    row.debounce->setInterval(250);
    ToolRow* rowPtr = &row;
    connect(row.debounce, &QTimer::timeout, this, [this, rowPtr] { checkTool(*rowPtr); });
    connect(row.path, &QLineEdit::textChanged, row.debounce, qOverload<>(&QTimer::start));
    connect(browse, &QPushButton::clicked, this, [this, rowPtr] {
        auto* dialog =
            new QFileDialog(this, tr("Choose %1").arg(ToolLocator::toolName(rowPtr->tool)));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setFileMode(QFileDialog::ExistingFile);
        connect(dialog, &QFileDialog::fileSelected, rowPtr->path, &QLineEdit::setText);
        dialog->open();
    });
    return box;
}

void SettingsDialog::checkTool(ToolRow& row)
{
    const quint64 generation = ++row.generation;
    const Tool tool = row.tool;
    const QString configured = row.path->text().trimmed();
    row.status->setText(tr("Checking…"));
    auto* watcher = new QFutureWatcher<Result<QString>>(this);
    ToolRow* rowPtr = &row;
    connect(watcher, &QFutureWatcherBase::finished, this,
            [this, watcher, rowPtr, generation, tool] {
                watcher->deleteLater();
                if (generation != rowPtr->generation)
                    return;
                const Result<QString> found = watcher->result();
                if (found) {
                    rowPtr->status->setText(tr("✓ Found at %1").arg(found.value().toHtmlEscaped()));
                    rowPtr->status->setToolTip({});
                } else {
                    // The short message fits under the field; the whole hint is a hover away.
                    rowPtr->status->setText(u"✗ %1 <a href=\"%2\">%3</a>"_s.arg(
                        found.error().message.toHtmlEscaped(), installUrl(tool),
                        tr("How to get %1").arg(ToolLocator::toolName(tool))));
                    rowPtr->status->setToolTip(found.error().hint);
                }
                Q_EMIT toolChecked(tool, bool(found));
            });
    watcher->setFuture(
        QtConcurrent::run([tool, configured] { return ToolLocator::locate(tool, configured); }));
}

QString SettingsDialog::toolStatus(Tool tool) const
{
    return (tool == Tool::Kubectl ? kubectl_ : istioctl_).status->text();
}

void SettingsDialog::validateJaegerUrl()
{
    const bool ok = acceptableJaegerUrl(jaegerUrl_->text());
    jaegerStatus_->setText(ok ? QString()
                              : tr("✗ Enter an http:// or https:// address, e.g. "
                                   "http://localhost:16686/jaeger"));
    jaegerStatus_->setVisible(!ok);
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(ok);
    buttons_->button(QDialogButtonBox::Apply)->setEnabled(ok);
}

void SettingsDialog::load()
{
    if (!settings_)
        return;
    kubectl_.path->setText(settings_->kubectlPath());
    istioctl_.path->setText(settings_->istioctlPath());
    jaegerUrl_->setText(settings_->jaegerUrl().toString());
    jaegerMaxMiB_->setValue(settings_->jaegerMaxResponseMiB());
    logMaxLineMiB_->setValue(settings_->logMaxLineMiB());
    fontScale_->setValue(qRound(settings_->fontScale() * 100));
    theme_->setCurrentIndex(theme_->findData(int(settings_->theme())));
    validateJaegerUrl();
    checkTool(kubectl_);
    checkTool(istioctl_);
}

void SettingsDialog::apply()
{
    if (!settings_ || !acceptableJaegerUrl(jaegerUrl_->text()))
        return;
    settings_->setKubectlPath(kubectl_.path->text());
    settings_->setIstioctlPath(istioctl_.path->text());
    const QString url = jaegerUrl_->text().trimmed();
    settings_->setJaegerUrl(url.isEmpty() ? QUrl() : parseJaegerUrl(url));
    settings_->setJaegerMaxResponseMiB(jaegerMaxMiB_->value());
    settings_->setLogMaxLineMiB(logMaxLineMiB_->value());
    settings_->setFontScale(fontScale_->value() / 100.0);
    settings_->setTheme(ThemeChoice(theme_->currentData().toInt()));
}

}  // namespace obslab
