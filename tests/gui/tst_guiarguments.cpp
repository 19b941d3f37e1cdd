// The window's command-line options (gui/app/GuiArguments): parsing, and the deep link
// `obslab --trace ID [--jaeger URL]` opening the Traces area at that trace, asked of the given
// Jaeger (the simulated mesh's stand-in Jaeger, test equipment; offscreen, so the timeline).
#include "GuiTestSupport.h"
#include "SimServer.h"
#include "core/common/AppSettings.h"
#include "core/process/BackgroundJobs.h"
#include "core/process/CommandRunner.h"
#include "core/process/Transcript.h"
#include "gui/app/GuiArguments.h"
#include "gui/app/MainWindow.h"
#include "gui/tracing/TraceTimelinePanel.h"
#include "gui/tracing/TraceTimelineView.h"
#include "gui/tracing/TracesArea.h"

#include <QDir>
#include <QDockWidget>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestGuiArguments : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void traceDeepLinkOpensTheTracesArea();
};

void TestGuiArguments::parse_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("trace");
    QTest::addColumn<QUrl>("jaeger");
    QTest::addColumn<QString>("lab");
    QTest::addColumn<int>("files");
    QTest::addColumn<QString>("problem");
    QTest::newRow("trace") << QStringList{u"--trace"_s, u" 3ba55609c3cde496 "_s}
                           << u"3ba55609c3cde496"_s << QUrl() << QString() << 0 << QString();
    QTest::newRow("trace-equals-and-jaeger")
        << QStringList{u"--jaeger=http://127.0.0.1:16686/jaeger"_s, u"--trace=abc"_s} << u"abc"_s
        << QUrl(u"http://127.0.0.1:16686/jaeger"_s) << QString() << 0 << QString();
    QTest::newRow("host-only-jaeger")
        << QStringList{u"--trace"_s, u"abc"_s, u"--jaeger"_s, u"localhost:16686"_s} << u"abc"_s
        << QUrl(u"http://localhost:16686"_s) << QString() << 0 << QString();
    QTest::newRow("not-a-jaeger-url")
        << QStringList{u"--jaeger"_s, u"ftp://x/"_s, u"--trace"_s, u"abc"_s} << u"abc"_s << QUrl()
        << QString() << 0 << u"--jaeger: 'ftp://x/' is not an http(s) URL"_s;
    QTest::newRow("trace-without-value") << QStringList{u"--trace"_s} << QString() << QUrl()
                                         << QString() << 0 << u"--trace needs a value"_s;
    QTest::newRow("lab-and-files")
        << QStringList{u"--lab"_s, u"tracing-jaeger"_s, u"a.log"_s, u"--"_s, u"--trace"_s}
        << QString() << QUrl() << u"tracing-jaeger"_s << 2 << QString();
}

void TestGuiArguments::parse()
{
    QFETCH(QStringList, args);
    QFETCH(QString, trace);
    QFETCH(QUrl, jaeger);
    QFETCH(QString, lab);
    QFETCH(int, files);
    QFETCH(QString, problem);
    const GuiArguments parsed = GuiArguments::parse(QStringList{u"obslab"_s} + args);
    QCOMPARE(parsed.trace, trace);
    QCOMPARE(parsed.jaeger, jaeger);
    QCOMPARE(parsed.lab, lab);
    QCOMPARE(parsed.files.size(), files);
    QCOMPARE(parsed.problems.value(0), problem);
}

void TestGuiArguments::traceDeepLinkOpensTheTracesArea()
{
    test::isolateSettings();
    QTemporaryDir dir;
    QDir(dir.path()).mkdir(u"emptybin"_s);
    test::PathGuard path(dir.filePath(u"emptybin"_s));  // no kubectl: the developer's is never used
    test::SimServer sim;
    if (!sim.start(u"healthy-telemetry"_s, {u"--no-traffic"_s, u"--load-traces"_s,
                                            test::SimServer::fixture(u"jaeger-trace.json"_s)}))
        QSKIP(qPrintable(sim.why()));
    AppSettings settings;
    settings.setKubectlPath(dir.filePath(u"no-such-kubectl"_s));
    Transcript transcript;
    CommandRunner runner(&transcript);
    BackgroundJobs jobs(&transcript);
    MainWindow window(AppServices{&settings, &transcript, &runner, &jobs});
    window.show();
    const GuiArguments args =
        GuiArguments::parse({u"obslab"_s, u"--trace"_s, u"3ba55609c3cde49649cd77d1f9dcd936"_s,
                             u"--jaeger"_s, sim.jaegerUrl().toString()});
    QVERIFY(args.problems.isEmpty());
    QSignalSpy shown(window.tracesArea(), &TracesArea::traceShown);
    args.applyTo(window);
    QVERIFY(shown.wait(30000));
    QCOMPARE(shown.first().first().toString(), u"3ba55609c3cde49649cd77d1f9dcd936"_s);
    QVERIFY(window.dock(MainWindow::Area::Traces)->isVisible());
    QCOMPARE(window.tracesArea()->jaegerUrl(), sim.jaegerUrl());
    QCOMPARE(window.tracesArea()->panel()->timeline()->layout().rows().size(), 4);
    QCOMPARE(settings.jaegerUrl(), QUrl());  // for this session only
}

QTEST_MAIN(TestGuiArguments)
#include "tst_guiarguments.moc"
