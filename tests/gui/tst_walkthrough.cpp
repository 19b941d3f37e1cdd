// The first ten minutes (issue #20), driven as a newcomer would on a machine with no cluster: the
// first window offers the rehearsal first and the sample log second; the rehearsal of the
// built-in lab plays to the end without taking the person to another tab; each step shows its
// own output; the sample log's trace gets a lane; presenter mode goes on and off and every font
// comes back. At one screen size per run (OBSLAB_WALK_SCREEN=WxH, an offscreen screen of that
// size), light and dark, 100 % and 150 % type. Screenshots go to OBSLAB_SCREENSHOT_OUT (the build
// tree); checks: the window and every dialog fit the screen, no button or one-line label of the
// visible areas is cut (an elided one has its full text in its tooltip), fonts restored.
#include "GuiTestSupport.h"

#include "core/common/AppSettings.h"
#include "core/kube/ClusterContext.h"
#include "core/process/BackgroundJobs.h"
#include "core/process/CommandRunner.h"
#include "core/process/Transcript.h"
#include "core/rehearsal/RehearsalPlayer.h"
#include "gui/app/ConsoleArea.h"
#include "gui/app/MainWindow.h"
#include "gui/app/SettingsDialog.h"
#include "gui/app/ShortcutsDialog.h"
#include "gui/common/ThemeManager.h"
#include "gui/lab/LabArea.h"
#include "gui/logs/LogTableModel.h"
#include "gui/logs/LogsArea.h"
#include "gui/logs/TraceLane.h"
#include "gui/presenter/CommandBanner.h"
#include "gui/presenter/PresenterMode.h"
#include "gui/presenter/RehearsalPanel.h"
#include "gui/tracing/TracesArea.h"
#include "gui/widgets/Banner.h"
#include "gui/widgets/EmptyState.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QScreen>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocument>
#include <QToolBar>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

QSize screenSize()
{
    const QStringList wh = qEnvironmentVariable("OBSLAB_WALK_SCREEN", u"1366x768"_s).split(u'x');
    return wh.size() == 2 ? QSize(wh.at(0).toInt(), wh.at(1).toInt()) : QSize(1366, 768);
}

QString plain(const QLabel* label)
{
    if (label->textFormat() == Qt::PlainText || !Qt::mightBeRichText(label->text()))
        return label->text();
    QTextDocument doc;
    doc.setHtml(label->text());
    return doc.toPlainText();
}

// Visible to the person: shown, with some of it on screen (not behind another tab).
bool onScreen(const QWidget* w, const QWidget* window)
{
    return w->isVisibleTo(window) && w->isVisible() && !w->visibleRegion().isEmpty() &&
           w->width() > 0 && w->height() > 0;
}

}  // namespace

class TestWalkthrough : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanup();
    void firstTenMinutes_data();
    void firstTenMinutes();

private:
    QFont appFont_;
    QPalette appPalette_;
    static void save(QWidget* widget, const QString& name);
    // Buttons and one-line labels of the visible areas that are cut; empty when none.
    static QStringList clipped(QWidget* window);
    static QHash<QWidget*, qreal> fontSizes(QWidget* window);
    static void checkFits(QWidget* window);
};

void TestWalkthrough::initTestCase()
{
    QCOMPARE(QGuiApplication::primaryScreen()->availableGeometry().size(), screenSize());
    appFont_ = QApplication::font();
    appPalette_ = QApplication::palette();
}

// Each row starts from the platform's font and palette (a ThemeManager takes the application's
// font as the system one).
void TestWalkthrough::cleanup()
{
    QApplication::setFont(appFont_);
    QApplication::setPalette(appPalette_);
}

void TestWalkthrough::firstTenMinutes_data()
{
    QTest::addColumn<int>("theme");
    QTest::addColumn<double>("scale");
    QTest::newRow("light-100") << int(ThemeChoice::Light) << 1.0;
    QTest::newRow("dark-100") << int(ThemeChoice::Dark) << 1.0;
    QTest::newRow("light-150") << int(ThemeChoice::Light) << 1.5;
    QTest::newRow("dark-150") << int(ThemeChoice::Dark) << 1.5;
}

void TestWalkthrough::firstTenMinutes()
{
    QFETCH(int, theme);
    QFETCH(double, scale);
    const QSize screen = screenSize();
    const QString tag = u"%1x%2-%3"_s.arg(screen.width())
                            .arg(screen.height())
                            .arg(QString::fromLatin1(QTest::currentDataTag()));
    // Every icon the first ten minutes show exists.
    QTest::failOnWarning(QRegularExpression(u"no icon named"_s));
    test::isolateSettings();
    QTemporaryDir dir;
    AppSettings settings;
    // A kubectl with no context at all: the first run of someone without a cluster.
    settings.setKubectlPath(test::writeFakeKubectl(dir.path(), QString(), QString()));
    settings.setTheme(ThemeChoice(theme));
    settings.setFontScale(scale);
    ThemeManager themes(&settings);
    themes.apply();
    Transcript transcript;
    CommandRunner runner(&transcript);
    BackgroundJobs jobs(&transcript);

    MainWindow window(AppServices{&settings, &transcript, &runner, &jobs, &themes});
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_COMPARE(window.clusterContext()->status().state, ClusterStatus::State::NoContext);
    QTRY_VERIFY(window.banner()->isVisible());
    // The window settles inside the screen once the banner is laid out.
    const auto placement = [&] {
        const QRect f = window.frameGeometry();
        const QSize m = window.minimumSizeHint().expandedTo(window.minimumSize());
        return u"frame %1,%2 %3x%4, minimum %5x%6"_s.arg(f.x())
            .arg(f.y())
            .arg(f.width())
            .arg(f.height())
            .arg(m.width())
            .arg(m.height());
    };
    QTRY_VERIFY2(window.screen()->availableGeometry().contains(window.frameGeometry()),
                 qPrintable(placement()));
    checkFits(&window);

    // 1. The first window leads: the rehearsal first, the sample log second — in the Lab area
    //    and in the banner.
    QTRY_VERIFY(window.banner()->isVisible());
    QStringList bannerButtons;
    for (QPushButton* b : window.banner()->findChildren<QPushButton*>())
        if (!b->isHidden() && !b->text().isEmpty())
            bannerButtons << b->text();
    QVERIFY2(bannerButtons.size() >= 2, qPrintable(bannerButtons.join(u", "_s)));
    QCOMPARE(bannerButtons.at(0), u"Rehearse the built-in lab (no cluster needed)"_s);
    QCOMPARE(bannerButtons.at(1), u"Open the sample log"_s);
    QPushButton* rehearse = nullptr;
    QStringList labButtons;
    const auto readLabButtons = [&] {
        labButtons.clear();
        for (QPushButton* b : window.labArea()->emptyState()->findChildren<QPushButton*>())
            if (!b->isHidden())
                labButtons << b->text();
        return labButtons.size() >= 2;
    };
    QTRY_VERIFY(readLabButtons());
    QVERIFY2(labButtons.size() >= 2, qPrintable(labButtons.join(u", "_s)));
    QCOMPARE(labButtons.at(0), u"Rehearse the built-in lab (no cluster needed)"_s);
    QCOMPARE(labButtons.at(1), u"Open the sample log"_s);
    save(&window, u"walk-%1-first-run.png"_s.arg(tag));
    // The Console is a strip until something runs; the Lab gets the height.
    QDockWidget* console = window.dock(MainWindow::Area::Console);
    QDockWidget* lab = window.dock(MainWindow::Area::Lab);
    // (The docks settle once the window is back inside the screen.)
    QTRY_VERIFY2(
        console->height() * 3 < lab->height(),
        qPrintable(u"console %1 px, lab %2 px"_s.arg(console->height()).arg(lab->height())));
    qInfo("console %d px, lab %d px", console->height(), lab->height());
    // A strip shows commands, not a toolbar cut in half.
    auto* consoleArea = qobject_cast<ConsoleArea*>(console->widget());
    QVERIFY(consoleArea);
    QVERIFY(consoleArea->isStrip());
    for (const QToolBar* bar : consoleArea->findChildren<QToolBar*>())
        QVERIFY(!bar->isVisible());
    QVERIFY2(clipped(&window).isEmpty(), qPrintable(clipped(&window).join(u"\n"_s)));

    // Reading the lab with no context: running it says so and offers the rehearsal (no plan).
    window.labArea()->openLab(LabArea::builtInLabId());
    window.labArea()->runAllRemaining();
    QVERIFY(window.labArea()->noClusterNotice()->isVisibleTo(window.labArea()));
    QVERIFY(window.labArea()->noClusterNotice()->message().contains(u"no kube context"_s));
    QVERIFY(!window.findChild<QDialog*>());

    // 2. The rehearsal, from the first window's offer, played to the end.
    rehearse = nullptr;
    for (QPushButton* b : window.banner()->findChildren<QPushButton*>())
        if (b->text().startsWith(u"Rehearse"_s))
            rehearse = b;
    QVERIFY(rehearse);
    rehearse->click();
    RehearsalPanel* panel = window.rehearsalPanel();
    QVERIFY(panel->hasRecording());
    QVERIFY(onScreen(panel, &window));
    panel->setSpeed(0);
    QSignalSpy finished(panel->player(), &rehearsal::RehearsalPlayer::finished);
    panel->playAll();
    QVERIFY(finished.wait(20000));
    // No tab jumps: the rehearsal is still the area in front.
    QVERIFY(onScreen(panel, &window));
    QVERIFY(!onScreen(window.tracesArea(), &window));
    const int steps = panel->player()->stepCount();
    QVERIFY(steps >= 9);
    // Each step shows its own output: step 7's (the logs) has not the trace of step 9.
    auto* list = panel->findChild<QListWidget*>(u"rehearsalSteps"_s);
    list->setCurrentRow(6);
    QCOMPARE(panel->currentStep(), 6);
    QVERIFY(panel->outputText().contains(u"traceID="_s));
    QVERIFY(!panel->outputText().contains(u"9428dc71a3a4d7c0"_s));
    list->setCurrentRow(8);
    QVERIFY(panel->outputText().contains(u"9428dc71a3a4d7c0"_s));
    QVERIFY(!panel->outputText().contains(u"traceID="_s));
    // Step 8 ran nothing when it was recorded, and says so.
    list->setCurrentRow(7);
    QVERIFY2(panel->outputText().contains(u"Nothing ran in this step"_s),
             qPrintable(panel->outputText()));
    QVERIFY(clipped(&window).isEmpty());
    save(&window, u"walk-%1-rehearsal.png"_s.arg(tag));

    // 3. The sample log, a highlighted trace, its lane (Ctrl+T keeps the line in view).
    QSignalSpy shown(window.logsArea(), &LogsArea::fileShown);
    window.openSampleLog();
    QVERIFY(shown.wait());
    LogsArea* logs = window.logsArea();
    QTRY_VERIFY(logs->model()->rowCount() > 20);
    int traced = -1;
    for (int row = 20; row < logs->model()->rowCount() && traced < 0; ++row)
        if (!logs->model()->index(row, 0).data(LogTableModel::TraceIdRole).toString().isEmpty())
            traced = row;
    QVERIFY(traced >= 0);
    logs->goToLine(traced);
    logs->openTraceLaneForCurrent();
    QTRY_VERIFY(logs->traceLane()->isVisible());
    QTRY_VERIFY(!logs->traceLane()->isSearching());
    QTRY_VERIFY(!logs->traceLane()->lines().hops.empty());
    const QModelIndex current = logs->table()->currentIndex();
    QTRY_VERIFY(
        logs->table()->viewport()->rect().contains(logs->table()->visualRect(current).center()));
    // The status line counts the file's lines once it is read (it updates on a short timer).
    const auto* status = logs->findChild<QLabel*>(u"logStatus"_s);
    QVERIFY(status);
    QTRY_VERIFY2(status->text().startsWith(QLocale().toString(logs->model()->rowCount()) + u' '),
                 qPrintable(status->text()));
    save(&window, u"walk-%1-trace-lane.png"_s.arg(tag));
    // Rows of the table left beside the lane: at least five at 100 % type, three at 150 % (on a
    // 768-pixel screen the histogram gives its height to the lines there).
    const int tableRows = logs->table()->viewport()->height() /
                          qMax(1, logs->table()->verticalHeader()->defaultSectionSize());
    qInfo("%d table rows visible with the trace lane open", tableRows);
    QVERIFY2(tableRows >= (scale < 1.2 ? 5 : 3), qPrintable(QString::number(tableRows)));
    QVERIFY2(clipped(&window).isEmpty(), qPrintable(clipped(&window).join(u"\n"_s)));

    // 4. Presenter mode on and off: the banner takes no space, the bar names the step's command,
    //    and every font comes back.
    window.showArea(MainWindow::Area::Lab);
    window.rehearsalDock()->raise();
    const QHash<QWidget*, qreal> before = fontSizes(&window);
    window.setPresenterMode(true);
    QVERIFY(window.presenterMode()->isActive());
    QVERIFY(!window.banner()->isVisible());
    list->setCurrentRow(8);
    QVERIFY2(window.presenterMode()->commandBanner()->commandText().contains(u"exec"_s),
             qPrintable(window.presenterMode()->commandBanner()->commandText()));
    list->setCurrentRow(7);
    QCOMPARE(window.presenterMode()->commandBanner()->commandText(), u"$ "_s);
    QCoreApplication::processEvents();
    save(&window, u"walk-%1-presenter.png"_s.arg(tag));
    window.setPresenterMode(false);
    window.setPresenterMode(true);
    window.setPresenterMode(false);
    QVERIFY(window.banner()->isVisible());
    // The font changes reach the widgets through posted events: wait until every one has its
    // size back (or the wait ends and the first difference is reported).
    const auto differences = [&] {
        QStringList out;
        const QHash<QWidget*, qreal> after = fontSizes(&window);
        for (auto it = before.cbegin(); it != before.cend(); ++it) {
            if (!after.contains(it.key()))
                continue;  // a widget that is gone or hidden now
            if (!qFuzzyCompare(after.value(it.key()), it.value()))
                out << u"%1 (%2): %3 pt, was %4 pt"_s.arg(
                    QString::fromLatin1(it.key()->metaObject()->className()),
                    it.key()->objectName(), QString::number(after.value(it.key())),
                    QString::number(it.value()));
        }
        return out;
    };
    QTRY_VERIFY2(differences().isEmpty(), qPrintable(differences().join(u"\n"_s)));

    // 5. Dialogs fit the screen; the shortcuts list shows more than 8 rows at once.
    window.showShortcuts();
    auto* shortcuts = window.findChild<ShortcutsDialog*>();
    QVERIFY(shortcuts);
    QVERIFY(QTest::qWaitForWindowExposed(shortcuts));
    checkFits(shortcuts);
    auto* table = shortcuts->findChild<QTableWidget*>();
    QVERIFY(table);
    const int rowsShown = table->viewport()->height() / qMax(1, table->rowHeight(0));
    QVERIFY2(rowsShown > 8, qPrintable(QString::number(rowsShown)));
    save(shortcuts, u"walk-%1-shortcuts.png"_s.arg(tag));
    shortcuts->close();
    window.showSettings();
    auto* settingsDialog = window.findChild<SettingsDialog*>();
    QVERIFY(settingsDialog);
    QVERIFY(QTest::qWaitForWindowExposed(settingsDialog));
    checkFits(settingsDialog);
    settingsDialog->close();
}

void TestWalkthrough::checkFits(QWidget* window)
{
    const QRect available = window->screen()->availableGeometry();
    const QRect frame = window->frameGeometry();
    QVERIFY2(available.contains(frame),
             qPrintable(u"%1: %2,%3 %4×%5 on a %6×%7 screen"_s
                            .arg(QString::fromLatin1(window->metaObject()->className()))
                            .arg(frame.x())
                            .arg(frame.y())
                            .arg(frame.width())
                            .arg(frame.height())
                            .arg(available.width())
                            .arg(available.height())));
}

QStringList TestWalkthrough::clipped(QWidget* window)
{
    QStringList out;
    for (QAbstractButton* b : window->findChildren<QAbstractButton*>()) {
        if (!onScreen(b, window) || b->text().isEmpty() || b->inherits("QToolBarExtension"))
            continue;
        if (b->sizeHint().width() > b->width() + 1)
            out << u"button '%1': needs %2 px, has %3"_s.arg(b->text())
                       .arg(b->sizeHint().width())
                       .arg(b->width());
    }
    for (QLabel* l : window->findChildren<QLabel*>()) {
        if (!onScreen(l, window) || l->wordWrap() || l->text().isEmpty() || !l->pixmap().isNull())
            continue;
        const QString text = plain(l);
        if (text.contains(u'\n'))
            continue;
        const int need = l->fontMetrics().horizontalAdvance(text);
        const bool elided = text.contains(u"…"_s) && !l->toolTip().isEmpty();
        if (need > l->contentsRect().width() + 1 && !elided)
            out << u"label '%1' (%2): needs %3 px, has %4"_s.arg(text, l->objectName())
                       .arg(need)
                       .arg(l->contentsRect().width());
    }
    return out;
}

QHash<QWidget*, qreal> TestWalkthrough::fontSizes(QWidget* window)
{
    QHash<QWidget*, qreal> out;
    for (QWidget* w : window->findChildren<QWidget*>()) {
        if (!w->isVisible())
            continue;
        out.insert(w, w->font().pointSizeF() > 0 ? w->font().pointSizeF()
                                                 : qreal(w->font().pixelSize()));
    }
    return out;
}

void TestWalkthrough::save(QWidget* widget, const QString& name)
{
    const QString dir = qEnvironmentVariable("OBSLAB_SCREENSHOT_OUT");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    QVERIFY2(widget->grab().save(QDir(dir).filePath(name)), qPrintable(dir));
}

// The screen the walk happens on: an offscreen screen of OBSLAB_WALK_SCREEN's size (Qt's
// offscreen platform reads its screens from a JSON file), unless a platform is named already.
int main(int argc, char** argv)
{
    const QSize size = screenSize();
    QTemporaryDir configDir;
    QList<QByteArray> args;
    for (int i = 0; i < argc; ++i)
        args << QByteArray(argv[i]);
    if (!args.contains("-platform") && configDir.isValid()) {
        const QString path = configDir.filePath(u"screens.json"_s);
        QFile f(path);
        if (f.open(QIODevice::WriteOnly))
            f.write(QStringLiteral(R"({"screens":[{"name":"walk","x":0,"y":0,"width":%1,)"
                                   R"("height":%2,"logicalDpi":96,"dpr":1}]})")
                        .arg(size.width())
                        .arg(size.height())
                        .toUtf8());
        f.close();
        args << "-platform"
             << "offscreen:configfile=" + path.toLocal8Bit();
    }
    QList<char*> argp;
    for (QByteArray& a : args)
        argp << a.data();
    int count = int(argp.size());
    QApplication app(count, argp.data());
    app.setAttribute(Qt::AA_Use96Dpi, true);
    TestWalkthrough test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, count, argp.data());
}

#include "tst_walkthrough.moc"
