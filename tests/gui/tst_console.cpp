#include "GuiTestSupport.h"

#include "core/process/Transcript.h"
#include "gui/app/ConsoleArea.h"

#include <QAbstractItemModelTester>
#include <QClipboard>
#include <QFile>
#include <QGuiApplication>
#include <QListView>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestConsole : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { test::isolateSettings(); }
    void entriesAppearLive();
    void copyCommandAndOutput();
    void exportMarkdownAndScript();
    void followsNewEntriesUnlessScrolledUp();
    void controlCharactersAreShownNotObeyed();

private:
    static quint64 addCommand(Transcript& transcript, const QStringList& arguments,
                              const QByteArray& output, bool finish = true);
};

quint64 TestConsole::addCommand(Transcript& transcript, const QStringList& arguments,
                                const QByteArray& output, bool finish)
{
    CommandSpec spec;
    spec.program = u"kubectl"_s;
    spec.arguments = arguments;
    spec.title = u"List the pods"_s;
    const quint64 id = transcript.begin(spec, false, QDateTime::currentDateTimeUtc());
    if (!output.isEmpty())
        transcript.appendOutput(id, output, false);
    if (finish) {
        CommandResult result;
        result.status = CommandStatus::Succeeded;
        result.exitCode = 0;
        result.startedAt = QDateTime::currentDateTimeUtc();
        result.durationMs = 12;
        result.stdoutData = output;
        transcript.finish(id, result);
    }
    return id;
}

void TestConsole::entriesAppearLive()
{
    Transcript transcript;
    QAbstractItemModelTester tester(&transcript,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
    ConsoleArea console(&transcript);
    console.show();
    QCOMPARE(console.view()->model()->rowCount(), 0);
    const quint64 id = addCommand(transcript, {u"get"_s, u"pods"_s}, {}, /*finish=*/false);
    QCOMPARE(console.view()->model()->rowCount(), 1);
    transcript.appendOutput(id, "productpage-v1-7d8b9c   2/2   Running", false);
    // The newest entry's output follows live (repainted on a short timer).
    QTRY_VERIFY(console.outputText().contains(u"productpage-v1-7d8b9c"_s));
    addCommand(transcript, {u"get"_s, u"svc"_s}, "details   ClusterIP");
    QCOMPARE(console.view()->model()->rowCount(), 2);
    QTRY_VERIFY(console.outputText().contains(u"details   ClusterIP"_s));
    // Selecting an older entry shows its output.
    console.view()->setCurrentIndex(transcript.index(0));
    QTRY_VERIFY(console.outputText().contains(u"productpage-v1-7d8b9c"_s));
}

void TestConsole::copyCommandAndOutput()
{
    Transcript transcript;
    ConsoleArea console(&transcript);
    addCommand(transcript, {u"get"_s, u"pods"_s, u"-l"_s, u"app=product page"_s}, "pod-a");
    console.view()->setCurrentIndex(transcript.index(0));
    QSignalSpy messages(&console, &ConsoleArea::statusMessage);
    console.copyCommand();
    const QString shellLine = transcript.entries().constFirst().shellLine;
    QVERIFY(shellLine.contains(u"'app=product page'"_s));
    QCOMPARE(QGuiApplication::clipboard()->text(), shellLine);
    QCOMPARE(messages.size(), 1);
    console.copyOutput();
    QVERIFY(QGuiApplication::clipboard()->text().contains(u"pod-a"_s));
}

void TestConsole::exportMarkdownAndScript()
{
    Transcript transcript;
    ConsoleArea console(&transcript);
    addCommand(transcript, {u"get"_s, u"pods"_s}, "pod-a");
    addCommand(transcript, {u"get"_s, u"svc"_s}, "svc-a");
    QTemporaryDir dir;
    QSignalSpy exported(&console, &ConsoleArea::exported);

    const QString markdown = dir.filePath(u"transcript.md"_s);
    console.exportTranscript(ConsoleArea::ExportFormat::Markdown, markdown);
    QVERIFY(exported.wait());
    QCOMPARE(exported.last().at(1).toBool(), true);
    QFile md(markdown);
    QVERIFY(md.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(md.readAll()), transcript.toMarkdown());

    const QString script = dir.filePath(u"transcript.sh"_s);
    console.exportTranscript(ConsoleArea::ExportFormat::ShellScript, script);
    QVERIFY(exported.wait());
    QFile sh(script);
    QVERIFY(sh.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(sh.readAll()), transcript.toShellScript());
    QVERIFY(sh.permissions() & QFile::ExeOwner);

    // A path that cannot be written reports the failure instead of losing it silently.
    console.exportTranscript(ConsoleArea::ExportFormat::Markdown,
                             dir.filePath(u"missing-dir/x.md"_s));
    QVERIFY(exported.wait());
    QCOMPARE(exported.last().at(1).toBool(), false);
}

void TestConsole::followsNewEntriesUnlessScrolledUp()
{
    Transcript transcript;
    ConsoleArea console(&transcript);
    console.resize(600, 300);
    console.show();
    QVERIFY(QTest::qWaitForWindowExposed(&console));
    for (int i = 0; i < 60; ++i)
        addCommand(transcript, {u"get"_s, u"pod"_s, u"p%1"_s.arg(i)}, "x");
    QScrollBar* bar = console.view()->verticalScrollBar();
    QTRY_VERIFY(bar->maximum() > 0);
    QTRY_COMPARE(bar->value(), bar->maximum());

    bar->setValue(0);
    addCommand(transcript, {u"get"_s, u"pod"_s, u"late"_s}, "x");
    QCoreApplication::processEvents();
    QCOMPARE(bar->value(), 0);
}

// Cluster output with terminal sequences (a window title, clear screen, colours, C1 CSI and NEL)
// is shown with its control characters visible: none reaches the view raw.
void TestConsole::controlCharactersAreShownNotObeyed()
{
    Transcript transcript;
    ConsoleArea console(&transcript);
    console.show();
    addCommand(transcript, {u"get"_s, u"cm"_s},
               "title:\x1b]0;pwned\x07 clear:\x1b[2J colour:\x1b[31mred\x1b[0m "
               "c1:\xc2\x9b"
               "31m nel:\xc2\x85 del:\x7f tab:\tend");
    QTRY_VERIFY(console.outputText().contains(u"end"_s));
    const QString shown = console.outputText();
    for (const QChar c : shown) {
        const char16_t u = c.unicode();
        QVERIFY2((u >= 0x20 && u != 0x7f && (u < 0x80 || u > 0x9f)) || u == u'\n' || u == u'\t',
                 qPrintable(u"raw U+%1 in: "_s.arg(int(u), 4, 16, QChar(u'0')) + shown));
    }
    QVERIFY(shown.contains(u"title:\u241b]0;pwned\u2407 clear:\u241b[2J"_s));
    QVERIFY(shown.contains(u"colour:\u241b[31mred\u241b[0m"_s));
    QVERIFY(shown.contains(u"c1:\ufffd31m nel:\ufffd del:\u2421 tab:\tend"_s));
}

QTEST_MAIN(TestConsole)
#include "tst_console.moc"
