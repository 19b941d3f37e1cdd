#include "core/cli/Cli.h"

#include <QBuffer>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab::cli;

namespace {
struct Captured
{
    QBuffer out;
    QBuffer err;
    QBuffer in;
    Captured()
    {
        out.open(QIODevice::WriteOnly);
        err.open(QIODevice::WriteOnly);
        in.open(QIODevice::ReadOnly);
    }
    CliContext ctx() { return CliContext{&in, &out, &err}; }
    QString stdoutText() const { return QString::fromUtf8(out.data()); }
    QString stderrText() const { return QString::fromUtf8(err.data()); }
};
}  // namespace

class TestCli : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void isHeadless_data();
    void isHeadless();
    void run_data();
    void run();
    void subcommandHelp();
    void summariesInOneVoice();
};

void TestCli::isHeadless_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<bool>("headless");
    QTest::newRow("no-args-opens-gui") << QStringList{} << false;
    QTest::newRow("help") << QStringList{u"--help"_s} << true;
    QTest::newRow("version") << QStringList{u"--version"_s} << true;
    QTest::newRow("unknown-option") << QStringList{u"--frobnicate"_s} << true;
    QTest::newRow("gui-open-log") << QStringList{u"--open-log"_s} << false;
    QTest::newRow("gui-lab") << QStringList{u"--lab"_s, u"istio-tracing-jaeger"_s} << false;
    QTest::newRow("gui-trace") << QStringList{u"--trace"_s, u"3ba55609c3cde496"_s} << false;
    QTest::newRow("gui-trace-equals") << QStringList{u"--trace=3ba55609c3cde496"_s} << false;
    QTest::newRow("gui-jaeger-then-trace")
        << QStringList{u"--jaeger"_s, u"http://127.0.0.1:16686"_s, u"--trace"_s, u"abc"_s} << false;
    QTest::newRow("trace-subcommand-stays-headless")
        << QStringList{u"trace"_s, u"3ba55609c3cde496"_s} << true;
    QTest::newRow("look-alike-option") << QStringList{u"--tracer"_s} << true;
    QTest::newRow("unknown-word") << QStringList{u"frobnicate"_s} << true;
    QTest::newRow("missing-file-path") << QStringList{u"/no/such/file.log"_s} << false;
    QTest::newRow("missing-file-name") << QStringList{u"proxy.log"_s} << false;
    QTest::newRow("existing-file")
        << QStringList{QStringLiteral(OBSLAB_SOURCE_DIR "/CMakeLists.txt")} << false;
}

void TestCli::isHeadless()
{
    QFETCH(QStringList, args);
    QFETCH(bool, headless);
    QCOMPARE(Dispatcher().isHeadless(args), headless);
}

void TestCli::run_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("stdoutContains");
    QTest::addColumn<QString>("stderrContains");
    QTest::newRow("help") << QStringList{u"--help"_s} << 0 << u"Usage:"_s << QString();
    QTest::newRow("short-help") << QStringList{u"-h"_s} << 0 << u"obslab --version"_s << QString();
    QTest::newRow("version") << QStringList{u"--version"_s} << 0 << u"obslab " OBSLAB_VERSION ""_s
                             << QString();
    QTest::newRow("unknown-option")
        << QStringList{u"--frobnicate"_s} << 2 << QString() << u"unknown option '--frobnicate'"_s;
    QTest::newRow("unknown-subcommand")
        << QStringList{u"frobnicate"_s} << 2 << QString() << u"'frobnicate' is not a subcommand"_s;
    // The first word decides: what follows an option of obslab's own does not matter.
    QTest::newRow("version-then-junk") << QStringList{u"-V"_s, u"--frobnicate"_s} << 0
                                       << u"obslab " OBSLAB_VERSION ""_s << QString();
    QTest::newRow("help-then-junk")
        << QStringList{u"--help"_s, u"--frobnicate"_s} << 0 << u"Subcommands:"_s << QString();
    QTest::newRow("help-for-a-subcommand")
        << QStringList{u"--help"_s, u"logs"_s} << 0 << u"Usage: obslab logs"_s << QString();
    QTest::newRow("junk-then-help") << QStringList{u"--frobnicate"_s, u"--help"_s} << 2 << QString()
                                    << u"unknown option '--frobnicate'"_s;
    QTest::newRow("help-with-a-value")
        << QStringList{u"--help=1"_s} << 2 << QString() << u"unknown option '--help=1'"_s;
    QTest::newRow("compacted-with-a-stranger")
        << QStringList{u"-hx"_s} << 2 << QString() << u"unknown option '-hx'"_s;
    QTest::newRow("subcommand-help-anywhere")
        << QStringList{u"kube"_s, u"check"_s, u"--context"_s, u"-h"_s} << 0
        << u"Usage: obslab kube check"_s << QString();
}

void TestCli::run()
{
    QFETCH(QStringList, args);
    QFETCH(int, exitCode);
    QFETCH(QString, stdoutContains);
    QFETCH(QString, stderrContains);
    Captured io;
    QCOMPARE(Dispatcher().run(args, io.ctx()), exitCode);
    if (!stdoutContains.isEmpty())
        QVERIFY2(io.stdoutText().contains(stdoutContains), qPrintable(io.stdoutText()));
    else
        QVERIFY(io.stdoutText().isEmpty());
    if (!stderrContains.isEmpty())
        QVERIFY2(io.stderrText().contains(stderrContains), qPrintable(io.stderrText()));
    else
        QVERIFY(io.stderrText().isEmpty());
}

void TestCli::subcommandHelp()
{
    Dispatcher d;
    int ran = 0;
    d.add(Subcommand{u"demo"_s, u"a demo"_s, u"usage: obslab demo ARG\n"_s,
                     [&](const QStringList& args, const CliContext& ctx) {
                         ++ran;
                         ctx.print(args.join(u','));
                         return args.size() == 1 ? 0 : 2;
                     }});
    Captured io;
    QCOMPARE(d.run({u"demo"_s, u"--help"_s}, io.ctx()), 0);
    QCOMPARE(io.stdoutText(), u"usage: obslab demo ARG\n"_s);
    QCOMPARE(ran, 0);
    Captured io2;
    QCOMPARE(d.run({u"demo"_s, u"x"_s}, io2.ctx()), 0);
    QCOMPARE(io2.stdoutText(), u"x"_s);
    Captured io3;
    QCOMPARE(d.run({u"help"_s, u"demo"_s}, io3.ctx()), 0);
    QCOMPARE(io3.stdoutText(), u"usage: obslab demo ARG\n"_s);
    QVERIFY(d.helpText().contains(u"demo"_s));
    QVERIFY(d.isHeadless({u"demo"_s}));
}

void TestCli::summariesInOneVoice()
{
    // `obslab --help` lists every subcommand in the imperative, capitalised, without a full stop.
    const Dispatcher d;
    const QStringList verbs = {u"Parse"_s, u"Follow"_s, u"Print"_s, u"Replay"_s, u"List"_s,
                               u"Check"_s, u"Find"_s,   u"Run"_s,   u"Show"_s,   u"Open"_s};
    QVERIFY(d.subcommands().size() >= 7);
    for (const Subcommand& s : d.subcommands()) {
        const QString first = s.summary.section(u' ', 0, 0).remove(u',');
        QVERIFY2(verbs.contains(first), qPrintable(s.name + u": "_s + s.summary));
        QVERIFY2(!s.summary.endsWith(u'.'), qPrintable(s.summary));
        QVERIFY2(d.helpText().contains(s.summary), qPrintable(s.summary));
    }
    QVERIFY(d.helpText().contains(u"3 incomplete"_s));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
