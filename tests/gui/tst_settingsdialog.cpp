#include "GuiTestSupport.h"

#include "core/common/AppSettings.h"
#include "gui/app/SettingsDialog.h"
#include "gui/common/ThemeManager.h"

#include <QApplication>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestSettingsDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { test::isolateSettings(); }
    void roundTrip();
    void invalidJaegerUrlBlocksApply();
    void toolValidation();
    void darkTheme();
    void fontScale();
};

void TestSettingsDialog::roundTrip()
{
    QTemporaryDir dir;
    const QString kubectl = test::writeFakeKubectl(dir.path(), u"kind-a"_s, u"default"_s);
    AppSettings settings;
    {
        SettingsDialog dialog(&settings);
        dialog.findChild<QLineEdit*>(u"kubectlPath"_s)->setText(kubectl);
        dialog.findChild<QLineEdit*>(u"istioctlPath"_s)->setText(u"/opt/istio/bin/istioctl"_s);
        dialog.findChild<QLineEdit*>(u"jaegerUrl"_s)->setText(u"http://localhost:16686/jaeger"_s);
        dialog.findChild<QSpinBox*>(u"fontScale"_s)->setValue(175);
        auto* theme = dialog.findChild<QComboBox*>(u"theme"_s);
        theme->setCurrentIndex(theme->findData(int(ThemeChoice::Dark)));
        dialog.apply();
    }
    QCOMPARE(settings.kubectlPath(), kubectl);
    QCOMPARE(settings.istioctlPath(), u"/opt/istio/bin/istioctl"_s);
    QCOMPARE(settings.jaegerUrl(), QUrl(u"http://localhost:16686/jaeger"_s));
    QCOMPARE(settings.fontScale(), 1.75);
    QCOMPARE(settings.theme(), ThemeChoice::Dark);

    // A fresh settings object and dialog read back exactly what was written.
    AppSettings reread;
    SettingsDialog dialog(&reread);
    QCOMPARE(dialog.findChild<QLineEdit*>(u"kubectlPath"_s)->text(), kubectl);
    QCOMPARE(dialog.findChild<QLineEdit*>(u"istioctlPath"_s)->text(), u"/opt/istio/bin/istioctl"_s);
    QCOMPARE(dialog.findChild<QLineEdit*>(u"jaegerUrl"_s)->text(),
             u"http://localhost:16686/jaeger"_s);
    QCOMPARE(dialog.findChild<QSpinBox*>(u"fontScale"_s)->value(), 175);
    QCOMPARE(dialog.findChild<QComboBox*>(u"theme"_s)->currentData().toInt(),
             int(ThemeChoice::Dark));

    // Clearing the fields means "find on PATH" and "port-forward": empty values, not garbage.
    dialog.findChild<QLineEdit*>(u"kubectlPath"_s)->clear();
    dialog.findChild<QLineEdit*>(u"jaegerUrl"_s)->clear();
    dialog.apply();
    QCOMPARE(reread.kubectlPath(), QString());
    QVERIFY(reread.jaegerUrl().isEmpty());
}

void TestSettingsDialog::invalidJaegerUrlBlocksApply()
{
    AppSettings settings;
    SettingsDialog dialog(&settings);
    auto* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
    dialog.findChild<QLineEdit*>(u"jaegerUrl"_s)->setText(u"ftp://example.org"_s);
    QVERIFY(!ok->isEnabled());
    dialog.apply();
    QVERIFY(settings.jaegerUrl().isEmpty());
    dialog.findChild<QLineEdit*>(u"jaegerUrl"_s)->setText(u"https://jaeger.example.org"_s);
    QVERIFY(ok->isEnabled());
}

void TestSettingsDialog::toolValidation()
{
    QTemporaryDir dir;
    QDir(dir.path()).mkdir(u"empty"_s);
    test::PathGuard path(dir.filePath(u"empty"_s));
    const QString kubectl = test::writeFakeKubectl(dir.path(), u"kind-a"_s, u"default"_s);
    AppSettings settings;
    SettingsDialog dialog(&settings);
    QTRY_VERIFY(dialog.toolStatus(Tool::Kubectl).contains(u"kubectl was not found on PATH"_s));
    QTRY_VERIFY(dialog.toolStatus(Tool::Istioctl).contains(u"istioctl was not found on PATH"_s));
    dialog.findChild<QLineEdit*>(u"kubectlPath"_s)->setText(kubectl);
    QTRY_COMPARE(dialog.toolStatus(Tool::Kubectl), u"✓ Found at %1"_s.arg(kubectl));
    dialog.findChild<QLineEdit*>(u"kubectlPath"_s)->setText(dir.filePath(u"nope"_s));
    QTRY_VERIFY(dialog.toolStatus(Tool::Kubectl).startsWith(u"✗ The configured kubectl"_s));
    QVERIFY(
        dialog.toolStatus(Tool::Kubectl).contains(u"https://kubernetes.io/docs/tasks/tools/"_s));
}

void TestSettingsDialog::darkTheme()
{
    AppSettings settings;
    ThemeManager theme(&settings);
    theme.apply();
    settings.setTheme(ThemeChoice::Dark);
    QVERIFY(theme.isDark());
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 80);
    QVERIFY(QApplication::palette().color(QPalette::WindowText).lightness() > 180);
    QCOMPARE(QApplication::style()->name().toLower(), u"fusion"_s);
    settings.setTheme(ThemeChoice::Light);
    QVERIFY(!theme.isDark());
    QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 180);
    settings.setTheme(ThemeChoice::System);
    QCOMPARE(theme.isDark(), theme.systemIsDark());
}

void TestSettingsDialog::fontScale()
{
    AppSettings settings;
    const QFont base = QApplication::font();
    ThemeManager theme(&settings);
    theme.apply();
    settings.setFontScale(2.0);
    QCOMPARE(QApplication::font().pointSizeF(), base.pointSizeF() * 2.0);
    settings.setFontScale(1.0);
    QCOMPARE(QApplication::font().pointSizeF(), base.pointSizeF());
}

QTEST_MAIN(TestSettingsDialog)
#include "tst_settingsdialog.moc"
