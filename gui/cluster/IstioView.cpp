#include "gui/cluster/IstioView.h"

#include "core/common/AppSettings.h"
#include "core/common/TempDirs.h"
#include "core/kube/AnalyzeFindings.h"
#include "core/kube/ApplyResult.h"
#include "core/kube/ClusterContext.h"
#include "core/kube/IstioInstallProgress.h"
#include "core/kube/IstioVersion.h"
#include "core/kube/Istioctl.h"
#include "core/kube/KubeError.h"
#include "core/kube/Kubectl.h"
#include "core/manifest/Manifest.h"
#include "core/process/Command.h"
#include "gui/cluster/CodeEditor.h"
#include "gui/cluster/YamlHighlighter.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDoubleSpinBox>
#include <QFile>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

QTreeWidget* makeTable(const QStringList& headers, const QString& name)
{
    auto* tree = new QTreeWidget;
    tree->setObjectName(name);
    tree->setHeaderLabels(headers);
    tree->setRootIsDecorated(false);
    tree->setAlternatingRowColors(true);
    tree->setWordWrap(true);
    tree->header()->setStretchLastSection(true);
    return tree;
}

QString docsUrl(const QString& code)
{
    return u"https://istio.io/latest/docs/reference/config/analysis/%1/"_s.arg(code.toLower());
}

QString eventText(InstallEvent event)
{
    switch (event) {
    case InstallEvent::Prompt:
        return QObject::tr("asks");
    case InstallEvent::Processing:
        return QObject::tr("working");
    case InstallEvent::ComponentInstalled:
        return QObject::tr("✔ installed");
    case InstallEvent::ComponentFailed:
        return QObject::tr("✘ failed");
    case InstallEvent::Complete:
        return QObject::tr("✔ complete");
    case InstallEvent::Cancelled:
        return QObject::tr("cancelled");
    case InstallEvent::AmbientReady:
        return QObject::tr("✔ ambient ready");
    case InstallEvent::Error:
        return QObject::tr("✘ error");
    case InstallEvent::Other:
        break;
    }
    return {};
}

}  // namespace

IstioView::IstioView(ClusterContext* context, AppSettings* settings, QWidget* parent)
    : QWidget(parent)
    , context_(context)
    , settings_(settings)
    , confirm_(ClusterActions::dialogConfirmer(this))
{
    setObjectName(u"istioView"_s);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* tabs = new QTabWidget;
    tabs->setObjectName(u"istioTabs"_s);
    layout->addWidget(tabs, 1);

    // Install: the form on the left, the YAML and the progress on the right.
    auto* install = new QSplitter(Qt::Horizontal);
    auto* formScroll = new QScrollArea;
    formScroll->setWidgetResizable(true);
    auto* form = new QWidget;
    buildForm(form);
    formScroll->setWidget(form);
    install->addWidget(formScroll);

    auto* right = new QSplitter(Qt::Vertical);
    auto* yamlBox = new QWidget;
    auto* yamlLayout = new QVBoxLayout(yamlBox);
    yamlLayout->setContentsMargins(0, 0, 0, 0);
    auto* yamlTitle = new QLabel(
        tr("<b>IstioOperator</b> — generated from the form; edit it freely before installing"));
    yamlTitle->setWordWrap(true);
    yamlLayout->addWidget(yamlTitle);
    operator_ = new CodeEditor;
    operator_->setObjectName(u"istioOperatorYaml"_s);
    new YamlHighlighter(operator_->document());
    yamlLayout->addWidget(operator_, 3);
    auto* telemetryTitle =
        new QLabel(tr("<b>Telemetry</b> — applied after the install (Istio ≥ 1.22; empty: none)"));
    telemetryTitle->setWordWrap(true);
    yamlLayout->addWidget(telemetryTitle);
    telemetry_ = new CodeEditor;
    telemetry_->setObjectName(u"telemetryYaml"_s);
    new YamlHighlighter(telemetry_->document());
    yamlLayout->addWidget(telemetry_, 1);
    auto* buttons = new QHBoxLayout;
    auto* regenerateButton = new QPushButton(tr("Regenerate from form"));
    connect(regenerateButton, &QPushButton::clicked, this, &IstioView::regenerate);
    auto* installButton = new QPushButton(tr("Install"));
    installButton->setObjectName(u"installButton"_s);
    installButton->setToolTip(tr("istioctl install -f FILE -y, then kubectl apply the Telemetry"));
    connect(installButton, &QPushButton::clicked, this, &IstioView::install);
    buttons->addWidget(regenerateButton);
    buttons->addStretch(1);
    buttons->addWidget(installButton);
    yamlLayout->addLayout(buttons);
    right->addWidget(yamlBox);
    progress_ = makeTable({tr("Step"), tr("Component"), tr("Detail")}, u"installProgress"_s);
    right->addWidget(progress_);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 1);
    install->addWidget(right);
    install->setStretchFactor(0, 2);
    install->setStretchFactor(1, 3);
    tabs->addTab(install, tr("Install"));

    // Version and analyze.
    auto* status = new QWidget;
    auto* statusLayout = new QVBoxLayout(status);
    auto* statusButtons = new QHBoxLayout;
    auto* versionButton = new QPushButton(tr("istioctl version"));
    versionButton->setObjectName(u"versionButton"_s);
    connect(versionButton, &QPushButton::clicked, this, &IstioView::checkVersion);
    auto* analyzeButton = new QPushButton(tr("istioctl analyze"));
    analyzeButton->setObjectName(u"analyzeButton"_s);
    connect(analyzeButton, &QPushButton::clicked, this, &IstioView::analyze);
    statusButtons->addWidget(versionButton);
    statusButtons->addWidget(analyzeButton);
    statusButtons->addStretch(1);
    statusLayout->addLayout(statusButtons);
    version_ = makeTable({tr("Part"), tr("Version"), tr("Note")}, u"istioVersion"_s);
    version_->setMaximumHeight(140);
    statusLayout->addWidget(version_);
    analyze_ = makeTable({tr("Level"), tr("Code"), tr("Object"), tr("Message"), tr("Docs")},
                         u"istioAnalyze"_s);
    analyze_->header()->setStretchLastSection(false);
    analyze_->header()->setSectionResizeMode(3, QHeaderView::Stretch);
    connect(analyze_, &QTreeWidget::itemActivated, this, [](QTreeWidgetItem* item, int) {
        const QString url = item->data(4, Qt::UserRole).toString();
        if (!url.isEmpty())
            QDesktopServices::openUrl(QUrl(url));
    });
    statusLayout->addWidget(analyze_, 1);
    tabs->addTab(status, tr("Version && analyze"));
    tabs_ = tabs;

    command_ = new QLineEdit;
    command_->setObjectName(u"istioCommand"_s);
    command_->setReadOnly(true);
    command_->setPlaceholderText(tr("The command an action runs shows here before it runs."));
    layout->addWidget(command_);
    status_ = new QLabel;
    status_->setObjectName(u"istioStatus"_s);
    status_->setWordWrap(true);
    layout->addWidget(status_);

    updateFormats();
    regenerate();
}

IstioView::~IstioView() = default;

void IstioView::showInstallPage(bool install)
{
    tabs_->setCurrentIndex(install ? 0 : 1);
}

void IstioView::buildForm(QWidget* formWidget)
{
    auto* form = new QFormLayout(formWidget);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    versionBox_ = new QComboBox;
    versionBox_->setObjectName(u"istioVersionBox"_s);
    for (int minor = 20; minor <= 28; ++minor)
        versionBox_->addItem(u"1.%1"_s.arg(minor), minor);
    versionBox_->setCurrentIndex(versionBox_->findData(24));
    versionBox_->setToolTip(tr("The Istio version istioctl installs (istioctl version tells)"));
    form->addRow(tr("Istio version"), versionBox_);

    profile_ = new QComboBox;
    profile_->setObjectName(u"profileBox"_s);
    profile_->addItems({u"demo"_s, u"default"_s, u"minimal"_s, u"ambient"_s, u"empty"_s});
    form->addRow(tr("Profile"), profile_);

    sampling_ = new QDoubleSpinBox;
    sampling_->setObjectName(u"samplingBox"_s);
    sampling_->setRange(0, 100);
    sampling_->setDecimals(2);
    sampling_->setSuffix(u" %"_s);
    sampling_->setValue(100);
    sampling_->setToolTip(tr("Share of requests traced when the client does not decide "
                             "(x-b3-sampled / traceparent flags win). 100 % for a workshop."));
    form->addRow(tr("Sampling"), sampling_);

    auto* backendBox = new QGroupBox(tr("Tracing backend"));
    auto* backendLayout = new QVBoxLayout(backendBox);
    zipkin_ = new QRadioButton(tr("Zipkin (B3 headers)"));
    zipkin_->setObjectName(u"zipkinButton"_s);
    otel_ = new QRadioButton(tr("OpenTelemetry (traceparent)"));
    otel_->setObjectName(u"otelButton"_s);
    noTracing_ = new QRadioButton(tr("None"));
    zipkin_->setChecked(true);
    auto* group = new QButtonGroup(this);
    for (QRadioButton* b : {zipkin_, otel_, noTracing_}) {
        group->addButton(b);
        backendLayout->addWidget(b);
    }
    backendNote_ = new QLabel;
    backendNote_->setObjectName(u"backendNote"_s);
    backendNote_->setWordWrap(true);
    backendLayout->addWidget(backendNote_);
    form->addRow(backendBox);

    collector_ = new QLineEdit(IstioInstallOptions().collectorService);
    collector_->setObjectName(u"collectorEdit"_s);
    collector_->setToolTip(tr("The collector Service (Zipkin port 9411, OTLP gRPC port 4317)"));
    form->addRow(tr("Collector"), collector_);

    accessLog_ = new QCheckBox(tr("Write access logs"));
    accessLog_->setChecked(true);
    form->addRow(accessLog_);
    logFile_ = new QLineEdit(u"/dev/stdout"_s);
    form->addRow(tr("Log file"), logFile_);
    encoding_ = new QComboBox;
    encoding_->addItem(u"TEXT"_s, int(AccessLogEncoding::Text));
    encoding_->addItem(u"JSON"_s, int(AccessLogEncoding::Json));
    form->addRow(tr("Encoding"), encoding_);
    format_ = new QComboBox;
    format_->setObjectName(u"formatBox"_s);
    form->addRow(tr("Format"), format_);
    formatNote_ = new QLabel;
    formatNote_->setWordWrap(true);
    form->addRow(formatNote_);

    connect(versionBox_, &QComboBox::currentIndexChanged, this, [this] {
        updateFormats();
        regenerate();
    });
    for (QRadioButton* b : {zipkin_, otel_, noTracing_})
        connect(b, &QRadioButton::toggled, this, [this](bool on) {
            if (on) {
                updateFormats();
                regenerate();
            }
        });
    connect(encoding_, &QComboBox::currentIndexChanged, this, [this] {
        updateFormats();
        regenerate();
    });
    connect(format_, &QComboBox::currentIndexChanged, this, [this] {
        formatNote_->setText(format_->currentData(Qt::ToolTipRole).toString());
        regenerate();
    });
    connect(profile_, &QComboBox::currentIndexChanged, this, &IstioView::regenerate);
    connect(sampling_, &QDoubleSpinBox::valueChanged, this, &IstioView::regenerate);
    connect(collector_, &QLineEdit::editingFinished, this, &IstioView::regenerate);
    connect(logFile_, &QLineEdit::editingFinished, this, &IstioView::regenerate);
    connect(accessLog_, &QCheckBox::toggled, this, [this](bool on) {
        logFile_->setEnabled(on);
        encoding_->setEnabled(on);
        format_->setEnabled(on);
        regenerate();
    });
}

void IstioView::updateFormats()
{
    const int minor = versionBox_->currentData().toInt();
    const bool telemetryApi = IstioOperatorBuilder::usesTelemetryApi(minor);
    // Before 1.22 the form writes the legacy defaultConfig.tracing, which only speaks Zipkin.
    otel_->setEnabled(telemetryApi);
    if (!telemetryApi && otel_->isChecked())
        zipkin_->setChecked(true);
    const TracingBackend backend = zipkin_->isChecked() ? TracingBackend::Zipkin
                                   : otel_->isChecked() ? TracingBackend::OpenTelemetry
                                                        : TracingBackend::None;
    backendNote_->setText(IstioOperatorBuilder::backendExplanation(backend, minor) +
                          (telemetryApi ? QString()
                                        : tr(" OpenTelemetry needs the Telemetry API form: pick "
                                             "Istio 1.22 or newer.")));
    const auto encoding = AccessLogEncoding(encoding_->currentData().toInt());
    const QString previous = format_->currentData().toString();
    const QSignalBlocker block(format_);
    format_->clear();
    for (const AccessLogFormatChoice& c :
         IstioOperatorBuilder::accessLogFormats(backend, encoding, minor)) {
        format_->addItem(c.carriesTraceId ? c.title : c.title + tr("  ⚠"), c.id);
        const int row = format_->count() - 1;
        format_->setItemData(row, c.format, Qt::UserRole + 1);
        format_->setItemData(
            row, QString(c.explanation + (c.format.isEmpty() ? QString() : u"\n\n"_s + c.format)),
            Qt::ToolTipRole);
    }
    const int keep = format_->findData(previous);
    format_->setCurrentIndex(keep >= 0 ? keep : 0);
    formatNote_->setText(format_->currentData(Qt::ToolTipRole).toString());
}

IstioInstallOptions IstioView::options() const
{
    IstioInstallOptions o;
    o.istioMinor = versionBox_->currentData().toInt();
    o.profile = profile_->currentText();
    o.samplingPercent = sampling_->value();
    o.backend = zipkin_->isChecked() ? TracingBackend::Zipkin
                : otel_->isChecked() ? TracingBackend::OpenTelemetry
                                     : TracingBackend::None;
    o.collectorService = collector_->text().trimmed();
    o.accessLog = accessLog_->isChecked();
    o.accessLogFile = logFile_->text().trimmed();
    o.accessLogEncoding = AccessLogEncoding(encoding_->currentData().toInt());
    o.accessLogFormat = format_->currentData(Qt::UserRole + 1).toString();
    return o;
}

void IstioView::setOptions(const IstioInstallOptions& o)
{
    versionBox_->setCurrentIndex(std::max(0, versionBox_->findData(o.istioMinor)));
    profile_->setCurrentText(o.profile);
    sampling_->setValue(o.samplingPercent);
    (o.backend == TracingBackend::Zipkin          ? zipkin_
     : o.backend == TracingBackend::OpenTelemetry ? otel_
                                                  : noTracing_)
        ->setChecked(true);
    collector_->setText(o.collectorService);
    accessLog_->setChecked(o.accessLog);
    logFile_->setText(o.accessLogFile);
    encoding_->setCurrentIndex(encoding_->findData(int(o.accessLogEncoding)));
    updateFormats();
    for (int i = 0; i < format_->count(); ++i) {
        if (format_->itemData(i, Qt::UserRole + 1).toString() == o.accessLogFormat)
            format_->setCurrentIndex(i);
    }
    regenerate();
}

void IstioView::regenerate()
{
    const IstioInstallOptions o = options();
    operator_->setPlainText(QString::fromUtf8(IstioOperatorBuilder::istioOperator(o)));
    telemetry_->setPlainText(QString::fromUtf8(IstioOperatorBuilder::telemetry(o)));
}

void IstioView::showStatus(const QString& text, bool error)
{
    status_->setText(error ? u"<b>%1</b>"_s.arg(text.toHtmlEscaped()) : text.toHtmlEscaped());
}

QString IstioView::istioctl() const
{
    if (!istioctl_.isEmpty())
        return istioctl_;
    if (settings_ && !settings_->istioctlPath().isEmpty())
        return settings_->istioctlPath();
    return u"istioctl"_s;
}

bool IstioView::startCommand(const CommandSpec& spec,
                             const std::function<void(const CommandResult&)>& done,
                             const std::function<void(const QByteArray&)>& line)
{
    command_->setText(u"$ "_s + ClusterActions::shownCommand(spec));
    // One confirmation covers the whole install (istioctl, then the Telemetry).
    ClusterActions::Confirmer confirm = [this](const QString& q, const QString& c) {
        if (confirmedForInstall_)
            return true;
        return confirmedForInstall_ = confirm_ && confirm_(q, c);
    };
    const auto started = ClusterActions::start(context_, spec, confirm);
    if (!started.command) {
        showStatus(started.error, true);
        return false;
    }
    if (line) {
        connect(started.command, &Command::stdoutLine, this, line);
        connect(started.command, &Command::stderrLine, this, line);
    }
    connect(started.command, &Command::finished, this, done);
    return true;
}

void IstioView::install()
{
    confirmedForInstall_ = false;
    const QByteArray yaml = operator_->toPlainText().toUtf8();
    const ManifestParse parsed = Manifest::parse(yaml);
    if (parsed.hasErrors() || parsed.resources.isEmpty()) {
        showStatus(
            parsed.resources.isEmpty()
                ? tr("The IstioOperator is empty: regenerate it from the form.")
                : tr("The IstioOperator has errors: %1").arg(parsed.issues.first().toString()),
            true);
        Q_EMIT installFinished(false);
        return;
    }
    const QByteArray telemetryYaml = telemetry_->toPlainText().trimmed().toUtf8();
    if (!telemetryYaml.isEmpty() && Manifest::parse(telemetryYaml).hasErrors()) {
        showStatus(tr("The Telemetry has errors: %1")
                       .arg(Manifest::parse(telemetryYaml).issues.first().toString()),
                   true);
        Q_EMIT installFinished(false);
        return;
    }
    if (!context_ || !context_->isReady()) {
        showStatus(tr("No cluster context yet: check the cluster first."), true);
        Q_EMIT installFinished(false);
        return;
    }
    // istioctl reads the operator from a file (`-f -` is not read by every istioctl).
    tempDir_ = std::make_unique<QTemporaryDir>(TempDirs::pattern());
    const QString path = tempDir_->filePath(u"istio-operator.yaml"_s);
    QFile file(path);
    if (!tempDir_->isValid() || !file.open(QIODevice::WriteOnly) || file.write(yaml) < 0) {
        showStatus(
            tr("Could not write the IstioOperator to a temporary file: %1").arg(file.errorString()),
            true);
        Q_EMIT installFinished(false);
        return;
    }
    file.close();
    progress_->clear();
    const CommandSpec spec = Istioctl::installFile(context_->istioTarget(istioctl()), path);
    const bool started = startCommand(
        spec,
        [this](const CommandResult& result) {
            tempDir_.reset();
            if (!IstioInstallProgress::succeeded(result)) {
                const KubeError error = KubeErrors::classify(result);
                showStatus(tr("istioctl install failed: %1").arg(error.message), true);
                confirmedForInstall_ = false;
                Q_EMIT installFinished(false);
                return;
            }
            applyTelemetry();
        },
        [this](const QByteArray& raw) {
            const InstallProgressLine line =
                IstioInstallProgress::parseLine(QString::fromUtf8(raw));
            if (line.event == InstallEvent::Other)
                return;
            auto* item = new QTreeWidgetItem(progress_,
                                             {eventText(line.event), line.component, line.detail});
            item->setToolTip(2, line.line);
            progress_->resizeColumnToContents(0);
            progress_->resizeColumnToContents(1);
            progress_->scrollToItem(item);
        });
    if (!started) {
        tempDir_.reset();
        Q_EMIT installFinished(false);
        return;
    }
    showStatus(tr("Installing Istio… (this takes minutes on a real cluster)"));
}

void IstioView::applyTelemetry()
{
    const QByteArray yaml = telemetry_->toPlainText().trimmed().toUtf8();
    if (yaml.isEmpty()) {
        showStatus(tr("Istio installed. Restart the workloads so their sidecars read the new "
                      "settings."));
        confirmedForInstall_ = false;
        Q_EMIT installFinished(true);
        return;
    }
    KubeTarget target = context_->target();
    const ManifestParse parsed = Manifest::parse(yaml);
    target.ns = parsed.resources.isEmpty() || parsed.resources.first().ns.isEmpty()
                    ? u"istio-system"_s
                    : parsed.resources.first().ns;
    const bool started = startCommand(Kubectl::apply(target, yaml), [this](const CommandResult& r) {
        confirmedForInstall_ = false;
        for (const AppliedObject& o : ApplyResult::parse(r.stdoutData))
            new QTreeWidgetItem(progress_,
                                {tr("✔ applied"), o.resource + u'/' + o.name, o.operationText});
        if (!r.ok()) {
            showStatus(tr("Istio installed, but the Telemetry was not applied: %1")
                           .arg(KubeErrors::classify(r).message),
                       true);
            Q_EMIT installFinished(false);
            return;
        }
        showStatus(tr("Istio installed and the Telemetry applied. Tracing providers reach running "
                      "sidecars at once; restart workloads for defaultConfig changes."));
        Q_EMIT installFinished(true);
    });
    if (!started) {
        confirmedForInstall_ = false;
        Q_EMIT installFinished(false);
    }
}

void IstioView::checkVersion()
{
    if (!context_ || !context_->isReady()) {
        showStatus(tr("No cluster context yet: check the cluster first."), true);
        Q_EMIT versionShown(false);
        return;
    }
    const bool started = startCommand(
        Istioctl::version(context_->istioTarget(istioctl())), [this](const CommandResult& r) {
            version_->clear();
            const Result<IstioVersionInfo> read = IstioVersion::read(r);
            if (!read) {
                showStatus(tr("istioctl version failed: %1").arg(read.error().message), true);
                Q_EMIT versionShown(false);
                return;
            }
            const IstioVersionInfo& info = read.value();
            new QTreeWidgetItem(version_, {tr("Client (istioctl)"), info.client, {}});
            new QTreeWidgetItem(version_,
                                {tr("Control plane (istiod)"),
                                 info.controlPlaneMissing ? tr("not installed") : info.controlPlane,
                                 {}});
            if (info.dataPlane.isEmpty())
                new QTreeWidgetItem(version_, {tr("Data plane (sidecars)"), tr("none"), {}});
            for (const auto& d : info.dataPlane)
                new QTreeWidgetItem(
                    version_, {tr("Data plane (sidecars)"), d.version,
                               d.proxies == 1 ? tr("1 proxy") : tr("%1 proxies").arg(d.proxies)});
            version_->resizeColumnToContents(0);
            const int minor = IstioVersionInfo::minorOf(
                info.controlPlane.isEmpty() ? info.client : info.controlPlane);
            const int index = versionBox_->findData(minor);
            if (index >= 0)
                versionBox_->setCurrentIndex(index);
            showStatus(tr("istioctl version: client %1.").arg(info.client));
            Q_EMIT versionShown(true);
        });
    if (!started)
        Q_EMIT versionShown(false);
}

void IstioView::analyze()
{
    if (!context_ || !context_->isReady()) {
        showStatus(tr("No cluster context yet: check the cluster first."), true);
        Q_EMIT analyzeShown(false);
        return;
    }
    const QString ns = context_->ns();
    const bool started = startCommand(
        Istioctl::analyze(context_->istioTarget(istioctl()), ns), [this](const CommandResult& r) {
            analyze_->clear();
            const AnalyzeReport report = AnalyzeFindings::parse(r);
            for (const AnalyzeFinding& f : report.findings) {
                QString object =
                    f.kind + u' ' + f.name + (f.ns.isEmpty() ? QString() : u'.' + f.ns);
                if (!f.file.isEmpty())
                    object += u" (%1:%2)"_s.arg(f.file).arg(f.fileLine);
                auto* item =
                    new QTreeWidgetItem(analyze_, {AnalyzeFindings::levelName(f.level), f.code,
                                                   object, f.message, docsUrl(f.code)});
                item->setData(4, Qt::UserRole, docsUrl(f.code));
                item->setToolTip(3, f.message);
                item->setForeground(4, palette().color(QPalette::Link));
            }
            if (report.findings.isEmpty() && report.noIssues)
                new QTreeWidgetItem(
                    analyze_, {tr("✔"), {}, report.scope, tr("No validation issues found."), {}});
            for (int c = 0; c < 3; ++c)
                analyze_->resizeColumnToContents(c);
            const bool ok = r.ok() || !report.findings.isEmpty();
            showStatus(
                ok ? (report.findings.isEmpty()
                          ? tr("istioctl analyze: no findings.")
                          : tr("istioctl analyze: %1 finding(s).").arg(report.findings.size()))
                   : tr("istioctl analyze failed: %1").arg(KubeErrors::classify(r).message),
                !ok);
            Q_EMIT analyzeShown(ok);
        });
    if (!started)
        Q_EMIT analyzeShown(false);
}

}  // namespace obslab
