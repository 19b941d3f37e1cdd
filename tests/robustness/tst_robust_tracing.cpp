// Robustness of the tracing side (issue #18): answers from Jaeger that never end or announce
// gigabytes, a trace whose spans form a 100,000-deep chain. Each CLI case runs the real binary
// under an address-space limit, so an unbounded allocation fails here instead of on a user's
// machine.
#include "LimitedProcess.h"
#include "StreamingServer.h"

#include "core/tracing/JaegerClient.h"
#include "core/tracing/JaegerReply.h"
#include "core/tracing/JaegerTraceId.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using obslab::test::StreamingServer;

namespace obslab {

class TestRobustTracing : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void endlessAnswerStopsAtTheLimit_data();
    void endlessAnswerStopsAtTheLimit();
    void cliTraceAgainstAnEndlessJaeger();
    void cliTraceOfADeepChain();
    void cliTraceOfAFileOverTheLimit();
    void cliOutOfMemorySaysSo();

private:
    QProcessEnvironment isolatedEnv(int maxResponseMiB);
    QTemporaryDir dir_;
};

namespace {
constexpr qint64 kMemoryLimit = qint64(1) << 30;  // 1 GiB of address space for the CLI
}

void TestRobustTracing::initTestCase()
{
    QVERIFY(dir_.isValid());
}

QProcessEnvironment TestRobustTracing::isolatedEnv(int maxResponseMiB)
{
    // A throw-away HOME and config dir holding ObsLab's settings file with the limit to test.
    const QString config = dir_.filePath(u"config-%1"_s.arg(maxResponseMiB));
    QDir().mkpath(config + u"/ObsLab"_s);
    QFile conf(config + u"/ObsLab/obslab.conf"_s);
    if (conf.open(QIODevice::WriteOnly))
        conf.write("[jaeger]\nmaxResponseMiB=" + QByteArray::number(maxResponseMiB) + "\n");
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, dir_.path());
    env.insert(u"XDG_CONFIG_HOME"_s, config);
    return env;
}

void TestRobustTracing::endlessAnswerStopsAtTheLimit_data()
{
    QTest::addColumn<int>("mode");
    QTest::newRow("no-length-never-ends") << int(StreamingServer::Mode::Endless);
    QTest::newRow("announces-10-gib") << int(StreamingServer::Mode::HugeLength);
}

void TestRobustTracing::endlessAnswerStopsAtTheLimit()
{
    QFETCH(int, mode);
    StreamingServer server{StreamingServer::Mode(mode)};
    JaegerClient client;
    client.setMaxResponseBytes(2 << 20);
    client.setBaseUrl(QUrl(u"http://127.0.0.1:%1"_s.arg(server.port())));
    JaegerReply* reply = client.trace(JaegerTraceId::fromString(u"463ac35c9f6413ad"_s));
    QSignalSpy finished(reply, &JaegerReply::finished);
    QVERIFY(finished.wait(30000));
    QCOMPARE(reply->status(), JaegerReply::Status::TooLarge);
    QVERIFY2(reply->error().message.contains(u"larger than 2 MiB"_s),
             qPrintable(reply->error().message));
    QVERIFY(reply->error().hint.contains(u"maxResponseMiB"_s));
    // The client hung up instead of reading on.
    QTRY_VERIFY_WITH_TIMEOUT(server.clientsGone() >= 1, 10000);
    QVERIFY2(server.bytesWritten() < (64 << 20),
             qPrintable(QString::number(server.bytesWritten())));
    reply->deleteLater();
}

void TestRobustTracing::cliTraceAgainstAnEndlessJaeger()
{
    StreamingServer server{StreamingServer::Mode::Endless};
    const auto run = test::runLimited(QStringLiteral(OBSLAB_BINARY),
                                      {u"trace"_s, u"463ac35c9f6413ad"_s, u"--jaeger"_s,
                                       u"http://127.0.0.1:%1"_s.arg(server.port())},
                                      kMemoryLimit, 120000, isolatedEnv(8));
    QVERIFY(!run.timedOut);
    QVERIFY2(!run.crashed, run.err.constData());
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("larger than 8 MiB"), run.err.constData());
}

void TestRobustTracing::cliTraceOfADeepChain()
{
    // 100,000 spans, each the child of the one before.
    constexpr int n = 100000;
    QJsonArray spans;
    for (int i = 0; i < n; ++i) {
        QJsonArray refs;
        if (i > 0)
            refs.append(QJsonObject{{u"refType"_s, u"CHILD_OF"_s},
                                    {u"traceID"_s, u"463ac35c9f6413ad"_s},
                                    {u"spanID"_s, u"%1"_s.arg(i, 16, 16, QChar(u'0'))}});
        spans.append(QJsonObject{{u"traceID"_s, u"463ac35c9f6413ad"_s},
                                 {u"spanID"_s, u"%1"_s.arg(i + 1, 16, 16, QChar(u'0'))},
                                 {u"operationName"_s, u"op%1"_s.arg(i)},
                                 {u"references"_s, refs},
                                 {u"startTime"_s, 1600000000000000LL + i},
                                 {u"duration"_s, n - i + 1},
                                 {u"processID"_s, u"p1"_s}});
    }
    const QJsonObject trace{
        {u"traceID"_s, u"463ac35c9f6413ad"_s},
        {u"spans"_s, spans},
        {u"processes"_s, QJsonObject{{u"p1"_s, QJsonObject{{u"serviceName"_s, u"chain"_s}}}}}};
    const QString path = dir_.filePath(u"chain.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(QJsonObject{{u"data"_s, QJsonArray{trace}}}).toJson());
    file.close();

    const auto run =
        test::runLimited(QStringLiteral(OBSLAB_BINARY), {u"trace"_s, u"--file"_s, path},
                         kMemoryLimit, 240000, isolatedEnv(64));
    QVERIFY(!run.timedOut);
    QVERIFY2(!run.crashed, run.err.constData());
    QCOMPARE(run.exitCode, 0);
    const QList<QByteArray> lines = run.out.split('\n');
    QCOMPARE(lines.size(), n + 2);  // the header, a line per span, the final newline
    // Indentation stops growing; the depth is said instead.
    const QByteArray last = lines.at(n);
    QVERIFY2(last.contains("[depth 99999] chain  op99999"), last.constData());
    QVERIFY2(last.size() < 200, last.constData());
}

void TestRobustTracing::cliTraceOfAFileOverTheLimit()
{
    const QString path = dir_.filePath(u"big.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(file.resize(qint64(3) << 20));  // 3 MiB of zeros, over a 2 MiB limit
    file.close();
    const auto run =
        test::runLimited(QStringLiteral(OBSLAB_BINARY), {u"trace"_s, u"--file"_s, path},
                         kMemoryLimit, 60000, isolatedEnv(2));
    QVERIFY2(!run.crashed, run.err.constData());
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("larger than 2 MiB"), run.err.constData());
}

void TestRobustTracing::cliOutOfMemorySaysSo()
{
    if (test::sanitizedBuild())
        QSKIP("AddressSanitizer needs terabytes of address space: no limit can make it fail");
    // The limit raised to 4 GiB, 150 MB of input, 300 MB of address space: an allocation
    // fails, and the command says so and exits 1 instead of aborting.
    const QString path = dir_.filePath(u"spaces.json"_s);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    const QByteArray block(1 << 20, ' ');
    for (int i = 0; i < 150; ++i)
        QCOMPARE(file.write(block), qint64(block.size()));
    file.close();
    const auto run = test::runLimited(QStringLiteral(OBSLAB_BINARY),
                                      {u"trace"_s, u"--file"_s, path}, qint64(300) << 20, 60000,
                                      isolatedEnv(4096));
    QVERIFY2(!run.crashed, run.err.constData());
    QCOMPARE(run.exitCode, 1);
    QVERIFY2(run.err.contains("out of memory"), run.err.constData());
}

}  // namespace obslab

QTEST_GUILESS_MAIN(obslab::TestRobustTracing)
#include "tst_robust_tracing.moc"
