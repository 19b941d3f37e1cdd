#include "GuiTestSupport.h"

#include "core/common/AppSettings.h"
#include "core/kube/ClusterContext.h"
#include "core/process/BackgroundJobs.h"
#include "core/process/CommandRunner.h"
#include "core/process/Transcript.h"
#include "gui/app/ConsoleArea.h"
#include "gui/app/MainWindow.h"
#include "gui/app/SettingsDialog.h"
#include "gui/common/ThemeManager.h"
#include "gui/logs/LogsArea.h"

#include <QDir>
#include <QGuiApplication>
#include <QHash>
#include <QImage>
#include <QLabel>
#include <QPixmap>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

// Runs on a real X server (Xvfb in CI): the main window must paint a real, non-blank picture.
// OBSLAB_SCREENSHOT_OUT (set by CMake: the build dir) receives the PNGs; OBSLAB_SCREENSHOT_DIR,
// when set by hand, receives copies for the README (docs/screenshots).
class TestScreenshot : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void mainWindowIsNotBlank_data();
    void mainWindowIsNotBlank();
    void gallery();

private:
    static void save(const QImage& image, const QString& name);
};

void TestScreenshot::initTestCase()
{
    if (QGuiApplication::platformName() == u"offscreen")
        qInfo("running offscreen; CI runs this under Xvfb (xcb)");
    test::isolateSettings();
}

void TestScreenshot::mainWindowIsNotBlank_data()
{
    QTest::addColumn<int>("theme");
    QTest::addColumn<QString>("file");
    QTest::newRow("light") << int(ThemeChoice::Light) << u"main-window.png"_s;
    QTest::newRow("dark") << int(ThemeChoice::Dark) << u"main-window-dark.png"_s;
}

void TestScreenshot::mainWindowIsNotBlank()
{
    QFETCH(int, theme);
    QFETCH(QString, file);
    test::isolateSettings();
    QTemporaryDir dir(QDir::tempPath() + u"/obslab-demo-XXXXXX"_s);
    AppSettings settings;
    settings.setKubectlPath(test::writeFakeKubectl(dir.path(), u"kind-obslab"_s, u"bookinfo"_s));
    settings.setTheme(ThemeChoice(theme));
    ThemeManager themes(&settings);
    themes.apply();
    Transcript transcript;
    CommandRunner runner(&transcript);
    BackgroundJobs jobs(&transcript);

    MainWindow window(AppServices{&settings, &transcript, &runner, &jobs});
    window.resize(1360, 860);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_COMPARE(window.clusterContext()->status().state, ClusterStatus::State::Reachable);
    QSignalSpy shown(window.logsArea(), &LogsArea::fileShown);
    window.openFiles({LogsArea::sampleLogPath()});
    QVERIFY(shown.wait());
    // The Logs area's status line catches up on a short timer: wait until it counts the lines.
    const QRegularExpression counted(u"^[1-9][0-9,.\u00a0\u202f]* lines"_s);
    const auto counts = [&] {
        const QList<QLabel*> labels = window.logsArea()->findChildren<QLabel*>();
        return std::any_of(labels.cbegin(), labels.cend(), [&](const QLabel* label) {
            return counted.match(label->text()).hasMatch();
        });
    };
    QTRY_VERIFY(counts());
    // The console repaints output on a short timer: wait for it, as a person would see it.
    QTRY_VERIFY(!window.consoleArea()->outputText().isEmpty());

    const QImage image = window.grab().toImage().convertToFormat(QImage::Format_RGB32);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 1000 && image.height() >= 600);
    save(image, file);

    QHash<QRgb, qsizetype> histogram;
    for (int y = 0; y < image.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x)
            ++histogram[line[x]];
    }
    qsizetype commonest = 0;
    for (qsizetype count : std::as_const(histogram))
        commonest = qMax(commonest, count);
    const qsizetype pixels = qsizetype(image.width()) * image.height();
    qInfo("%lld distinct colours; the commonest covers %.1f %% of the window",
          qlonglong(histogram.size()), 100.0 * double(commonest) / double(pixels));
    // Text, icons and antialiasing give hundreds of colours; a blank or single-colour
    // window gives a handful.
    QVERIFY(histogram.size() > 200);
    QVERIFY(commonest < pixels * 0.85);
}

// For people reviewing the look (only with OBSLAB_SCREENSHOT_DIR): first run without kubectl
// at 150 % type, and the settings dialog.
void TestScreenshot::gallery()
{
    if (qEnvironmentVariableIsEmpty("OBSLAB_SCREENSHOT_DIR"))
        QSKIP("set OBSLAB_SCREENSHOT_DIR to save the gallery");
    test::isolateSettings();
    QTemporaryDir dir;
    QDir(dir.path()).mkdir(u"bin"_s);
    test::PathGuard path(dir.filePath(u"bin"_s));
    AppSettings settings;
    settings.setTheme(ThemeChoice::Light);
    settings.setFontScale(1.5);
    ThemeManager themes(&settings);
    themes.apply();
    Transcript transcript;
    CommandRunner runner(&transcript);
    BackgroundJobs jobs(&transcript);
    {
        MainWindow window(AppServices{&settings, &transcript, &runner, &jobs});
        window.resize(1500, 950);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_COMPARE(window.clusterContext()->status().state, ClusterStatus::State::KubectlMissing);
        window.showArea(MainWindow::Area::Cluster);
        QCoreApplication::processEvents();
        save(window.grab().toImage(), u"no-kubectl-150.png"_s);
        window.showSettings();
        auto* dialog = window.findChild<SettingsDialog*>();
        QVERIFY(dialog);
        QTRY_VERIFY(dialog->toolStatus(Tool::Kubectl).startsWith(u"✗"_s));
        save(dialog->grab().toImage(), u"settings.png"_s);
    }
    settings.setFontScale(1.0);
}

void TestScreenshot::save(const QImage& image, const QString& name)
{
    for (const char* variable : {"OBSLAB_SCREENSHOT_OUT", "OBSLAB_SCREENSHOT_DIR"}) {
        const QString dir = qEnvironmentVariable(variable);
        if (dir.isEmpty())
            continue;
        QDir().mkpath(dir);
        QVERIFY2(image.save(QDir(dir).filePath(name)), qPrintable(dir));
    }
}

QTEST_MAIN(TestScreenshot)
#include "tst_screenshot.moc"
