#pragma once

#include "core/process/ToolLocator.h"

#include <QDialog>
#include <QPointer>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTimer;

namespace obslab {

class AppSettings;

// Preferences: tool paths (checked live), Jaeger URL, font scale and theme. Apply/OK write to
// AppSettings, whose changed() makes the ThemeManager restyle the app at once.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(AppSettings* settings, QWidget* parent = nullptr);

    // The validation line under a tool path ("Found at …" / "Not found …"), for tests and people.
    QString toolStatus(Tool tool) const;

public Q_SLOTS:
    void apply();
    void load();

Q_SIGNALS:
    void toolChecked(obslab::Tool tool, bool found);

private:
    struct ToolRow
    {
        Tool tool;
        QLineEdit* path = nullptr;
        QLabel* status = nullptr;
        QTimer* debounce = nullptr;
        quint64 generation = 0;
    };

    QWidget* makeToolRow(ToolRow& row);
    void checkTool(ToolRow& row);
    void validateJaegerUrl();

    QPointer<AppSettings> settings_;
    ToolRow kubectl_{Tool::Kubectl};
    ToolRow istioctl_{Tool::Istioctl};
    QLineEdit* jaegerUrl_ = nullptr;
    QLabel* jaegerStatus_ = nullptr;
    QSpinBox* jaegerMaxMiB_ = nullptr;
    QSpinBox* logMaxLineMiB_ = nullptr;
    QSpinBox* fontScale_ = nullptr;
    QComboBox* theme_ = nullptr;
    QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace obslab
