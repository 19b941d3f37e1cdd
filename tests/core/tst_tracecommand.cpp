#include "CannedHttpServer.h"
#include "core/cli/Cli.h"
#include "core/cli/TraceCommand.h"

#include <QBuffer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;
using namespace obslab::cli;
using obslab::test::CannedHttpServer;

namespace {

QString fixturePath(const char* name)
{
    return QStringLiteral(OBSLAB_FIXTURES_DIR "/") + QString::fromLatin1(name);
}

QByteArray fixture(const char* name)
{
    QFile f(fixturePath(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("missing fixture %s", name);
    return f.readAll();
}

struct Run
{
    int code = -1;
    QString out;
    QString err;
};

Run runTrace(const QStringList& args)
{
    QBuffer in, out, err;
    in.open(QIODevice::ReadOnly);
    out.open(QIODevice::WriteOnly);
    err.open(QIODevice::WriteOnly);
    const CliContext ctx{&in, &out, &err};
    Run r;
    r.code = Dispatcher().run(QStringList{u"trace"_s} + args, ctx);
    r.out = QString::fromUtf8(out.data());
    r.err = QString::fromUtf8(err.data());
    return r;
}

}  // namespace

class TestTraceCommand : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void registered();
    void fileAsText();
    void fileAsJson();
    void otlpFile();
    void fromJaeger();
    void unknownId();
    void unreachable();
    void usage_data();
    void usage();
    void badFiles_data();
    void badFiles();
};

void TestTraceCommand::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
}

void TestTraceCommand::registered()
{
    const Subcommand* s = Dispatcher().find(u"trace"_s);
    QVERIFY(s);
    QVERIFY(s->usage.contains(u"--jaeger"_s));
    QVERIFY(Dispatcher().isHeadless({u"trace"_s, u"abc"_s}));
}

void TestTraceCommand::fileAsText()
{
    const Run r = runTrace({u"--file"_s, fixturePath("jaeger-trace-bookinfo-8spans.json")});
    QCOMPARE(r.code, int(ExitOk));
    QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
    const QStringList lines = r.out.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 9);  // header + 8 spans
    QVERIFY2(lines[0].startsWith(
                 u"Trace 3ba55609c3cde49649cd77d1f9dcd936  8 spans  5 services  11.9 ms"_s),
             qPrintable(r.out));
    // Indented by depth: the ratings server span (depth 5) sits 10 spaces deeper than the root.
    const auto indentOf = [](const QString& line, const QString& service) {
        const qsizetype at = line.indexOf(service);
        qsizetype spaces = 0;
        while (at - spaces - 1 >= 0 && line[at - spaces - 1] == u' ')
            ++spaces;
        return spaces;
    };
    QCOMPARE(indentOf(lines[8], u"ratings.bookinfo"_s) -
                 indentOf(lines[1], u"istio-ingressgateway"_s),
             10);
    QVERIFY(lines[1].contains(u"+0 µs"_s));
    QVERIFY(lines[1].contains(u"11.9 ms"_s));
    QVERIFY(lines[1].contains(u"[client] 200"_s));
    QVERIFY(lines[4].contains(u"+3.65 ms"_s));  // details server starts at 3645 µs
    QVERIFY(lines[4].contains(u"905 µs"_s));
    QVERIFY(lines[1].startsWith(u" *"_s));  // on the critical path, no error
}

void TestTraceCommand::fileAsJson()
{
    const Run r = runTrace(
        {u"--file"_s, fixturePath("jaeger-ui-model-trace-ui_01.json"), u"--output"_s, u"json"_s});
    QCOMPARE(r.code, int(ExitOk));
    QJsonParseError error;
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(o.value(u"traceId").toString(), u"0000000000000001"_s);
    const QJsonArray spans = o.value(u"spans").toArray();
    QCOMPARE(spans.size(), 5);
    QCOMPARE(spans[3].toObject().value(u"depth").toInt(), 2);
    QCOMPARE(spans[3].toObject().value(u"parentSpanId").toString(), u"0000000000000004"_s);
    QCOMPARE(spans[4].toObject().value(u"error").toBool(), true);
}

void TestTraceCommand::otlpFile()
{
    const Run r = runTrace({u"--file"_s, fixturePath("kiali-istio-bookinfo-trace-otlp.json")});
    QCOMPARE(r.code, int(ExitOk));
    QCOMPARE(r.out.split(u'\n', Qt::SkipEmptyParts).size(), 9);
}

void TestTraceCommand::fromJaeger()
{
    CannedHttpServer server;
    QVERIFY(server.listen());
    server.setFallback([](const CannedHttpServer::Request&) { return CannedHttpServer::html(); });
    server.on(u"/jaeger/api/services"_s, CannedHttpServer::json(R"({"data":["a"]})"));
    server.on(u"/jaeger/api/traces/3ba55609c3cde49649cd77d1f9dcd936"_s,
              CannedHttpServer::json(fixture("jaeger-trace.json")));
    const Run r =
        runTrace({u"3BA55609C3CDE49649CD77D1F9DCD936"_s, u"--jaeger"_s, server.url().toString()});
    QCOMPARE(r.code, int(ExitOk));
    QCOMPARE(r.out.split(u'\n', Qt::SkipEmptyParts).size(), 5);
}

void TestTraceCommand::unknownId()
{
    CannedHttpServer server;
    QVERIFY(server.listen());
    server.on(u"/api/services"_s, CannedHttpServer::json(R"({"data":["a"]})"));
    server.on(u"/api/traces/00000000000000ab"_s,
              CannedHttpServer::json(
                  R"({"data":null,"errors":[{"code":404,"msg":"trace not found"}]})", 404));
    const Run r = runTrace({u"ab"_s, u"--jaeger"_s, server.url().toString()});
    QCOMPARE(r.code, int(ExitFailure));
    QVERIFY(r.out.isEmpty());
    QVERIFY2(r.err.contains(u"not found"_s), qPrintable(r.err));
    QVERIFY(r.err.contains(u"traffic"_s));
}

void TestTraceCommand::unreachable()
{
    CannedHttpServer server;
    QVERIFY(server.listen());
    const QString url = server.url().toString();
    server.close();
    const Run r = runTrace({u"ab"_s, u"--jaeger"_s, url, u"--timeout"_s, u"5"_s});
    QCOMPARE(r.code, int(ExitFailure));
    QVERIFY(r.err.contains(u"refused"_s));
    QVERIFY(r.err.contains(u"port-forward"_s));
}

void TestTraceCommand::usage_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("nothing") << QStringList{} << u"give a trace id"_s;
    QTest::newRow("two-ids") << QStringList{u"ab"_s, u"cd"_s} << u"only one"_s;
    QTest::newRow("id-and-file") << QStringList{u"ab"_s, u"--file"_s, u"x.json"_s} << u"not both"_s;
    QTest::newRow("bad-output") << QStringList{u"ab"_s, u"--output"_s, u"yaml"_s} << u"yaml"_s;
    QTest::newRow("missing-value") << QStringList{u"ab"_s, u"--jaeger"_s} << u"needs a URL"_s;
    QTest::newRow("unknown-option") << QStringList{u"ab"_s, u"--frob"_s} << u"--frob"_s;
    QTest::newRow("bad-timeout") << QStringList{u"ab"_s, u"--timeout"_s, u"-3"_s} << u"--timeout"_s;
    QTest::newRow("not-an-id") << QStringList{u"x-request-id"_s} << u"not a trace id"_s;
}

void TestTraceCommand::usage()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Run r = runTrace(args);
    QCOMPARE(r.code, int(ExitUsage));
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

void TestTraceCommand::badFiles_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");
    QTest::newRow("missing") << u"/no/such/trace.json"_s << u"cannot read"_s;
    QTest::newRow("access-log-not-json")
        << fixturePath("istio-access-log-text-default.log") << u"not valid JSON"_s;
    QTest::newRow("yaml") << fixturePath("istio-addon-jaeger.yaml") << u"not valid JSON"_s;
    QTest::newRow("services-list")
        << fixturePath("jaeger-api-v3-GetServices.json") << u"neither Jaeger JSON nor OTLP"_s;
}

void TestTraceCommand::badFiles()
{
    QFETCH(QString, path);
    QFETCH(QString, message);
    const Run r = runTrace({u"--file"_s, path});
    QCOMPARE(r.code, int(ExitFailure));
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

QTEST_GUILESS_MAIN(TestTraceCommand)
#include "tst_tracecommand.moc"
