#pragma once

#include "core/kube/IstioOperatorBuilder.h"
#include "gui/cluster/ClusterActions.h"

#include <QPointer>
#include <QTemporaryDir>
#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QTabWidget;
class QTreeWidget;

namespace obslab {

class AppSettings;
class ClusterContext;
class CodeEditor;
struct CommandResult;

// Istio in the cluster: an install form that builds an IstioOperator (and, for Istio ≥ 1.22, a
// Telemetry resource) shown as editable YAML, `istioctl install -f FILE -y` with its progress,
// then the Telemetry applied; `istioctl version` and `istioctl analyze` as tables. GUI thread.
class IstioView : public QWidget
{
    Q_OBJECT
public:
    IstioView(ClusterContext* context, AppSettings* settings, QWidget* parent = nullptr);
    ~IstioView() override;

    void setConfirmer(ClusterActions::Confirmer confirmer) { confirm_ = std::move(confirmer); }
    void setIstioctl(const QString& istioctl) { istioctl_ = istioctl; }

    IstioInstallOptions options() const;
    void setOptions(const IstioInstallOptions& options);
    CodeEditor* operatorEditor() const { return operator_; }
    CodeEditor* telemetryEditor() const { return telemetry_; }
    QTreeWidget* progressView() const { return progress_; }
    QTreeWidget* versionView() const { return version_; }
    QTreeWidget* analyzeView() const { return analyze_; }
    QLabel* statusLabel() const { return status_; }
    QLineEdit* commandLine() const { return command_; }
    QComboBox* formatBox() const { return format_; }
    QLabel* backendExplanation() const { return backendNote_; }
    void showInstallPage(bool install);

public Q_SLOTS:
    void regenerate();  // the YAML from the form (replaces edits)
    void install();
    void checkVersion();
    void analyze();

Q_SIGNALS:
    void installFinished(bool ok);
    void versionShown(bool ok);
    void analyzeShown(bool ok);

private:
    void buildForm(QWidget* form);
    void updateFormats();
    void applyTelemetry();
    void showStatus(const QString& text, bool error = false);
    QString istioctl() const;
    bool startCommand(const CommandSpec& spec,
                      const std::function<void(const CommandResult&)>& done,
                      const std::function<void(const QByteArray&)>& line = {});

    QPointer<ClusterContext> context_;
    QPointer<AppSettings> settings_;
    ClusterActions::Confirmer confirm_;
    QString istioctl_;
    std::unique_ptr<QTemporaryDir> tempDir_;
    bool confirmedForInstall_ = false;

    QTabWidget* tabs_ = nullptr;
    QComboBox* versionBox_ = nullptr;
    QComboBox* profile_ = nullptr;
    QDoubleSpinBox* sampling_ = nullptr;
    QRadioButton* zipkin_ = nullptr;
    QRadioButton* otel_ = nullptr;
    QRadioButton* noTracing_ = nullptr;
    QLabel* backendNote_ = nullptr;
    QLineEdit* collector_ = nullptr;
    QCheckBox* accessLog_ = nullptr;
    QLineEdit* logFile_ = nullptr;
    QComboBox* encoding_ = nullptr;
    QComboBox* format_ = nullptr;
    QLabel* formatNote_ = nullptr;
    CodeEditor* operator_ = nullptr;
    CodeEditor* telemetry_ = nullptr;
    QTreeWidget* progress_ = nullptr;
    QTreeWidget* version_ = nullptr;
    QTreeWidget* analyze_ = nullptr;
    QLineEdit* command_ = nullptr;
    QLabel* status_ = nullptr;
};

}  // namespace obslab
