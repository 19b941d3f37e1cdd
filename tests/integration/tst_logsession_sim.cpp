// LogSession following a selector with the real kubectl against the simulated mesh (tests/sim,
// test equipment): the session's PodFollower feeds its LiveLogStore, so lines written into a
// sidecar's log appear in the source's LogFile (what the Logs area shows) and in linesFollowed
// (what `obslab follow` prints), once each; the filter works on the live source.
#include "SimMesh.h"
#include "core/logs/LogFile.h"
#include "core/logs/LogFilter.h"
#include "core/logs/LogQuery.h"
#include "core/logs/LogSession.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestLogSessionSim : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void followFeedsTheStore();

private:
    SimMesh sim_;
};

void TestLogSessionSim::initTestCase()
{
    const QString error = sim_.start(u"healthy-telemetry"_s, {u"--no-traffic"_s});
    if (error.startsWith(u"skip: "))
        QSKIP(qPrintable(error.mid(6)));
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestLogSessionSim::followFeedsTheStore()
{
    LogSession session;
    QVector<kube::FollowedLine> followed;
    connect(&session, &LogSession::linesFollowed, this,
            [&](int, const QVector<kube::FollowedLine>& lines) { followed += lines; });
    QSignalSpy appeared(&session, &LogSession::podAppeared);
    QSignalSpy stopped(&session, &LogSession::followStopped);
    FollowOptions options;
    options.selector = u"app=backend"_s;
    QString error;
    const int index = session.follow(u"Live: app=backend"_s, sim_.target(), options, nullptr,
                                     LogSession::Spool::Disk, &error);
    QVERIFY2(index >= 0, qPrintable(error));
    session.setCurrent(index);
    session.startFollowing(index);
    QVERIFY(session.isFollowing(index));
    QTRY_VERIFY_WITH_TIMEOUT(!appeared.isEmpty(), 30000);
    const QString pod = appeared.first().at(1).toString();
    QVERIFY(pod.startsWith(u"backend-"_s));

    const QStringList marks = {u"obslab-session-sim one"_s, u"obslab-session-sim two"_s,
                               u"obslab-session-sim three"_s};
    QJsonArray lines;
    for (const QString& m : marks)
        lines.append(m);
    QCOMPARE(sim_.control(u"logs/write"_s, {{u"pod"_s, pod}, {u"lines"_s, lines}})
                 .value(u"written"_s)
                 .toInt(),
             3);

    auto marked = [](const QByteArray& text) { return text.contains("obslab-session-sim "); };
    LogFile* file = session.currentFile();
    QVERIFY(file);
    auto inFile = [&] {
        QList<QByteArray> out;
        for (qint64 i = 0; i < file->lineCount(); ++i)
            if (marked(file->line(i)))
                out << file->line(i);
        return out;
    };
    QTRY_COMPARE_WITH_TIMEOUT(inFile().size(), 3, 30000);
    const QList<QByteArray> got = inFile();
    for (int i = 0; i < 3; ++i) {
        QVERIFY2(got.at(i).startsWith(QByteArray("[pod/" + pod.toUtf8() + "/istio-proxy] ")),
                 got.at(i).constData());
        QVERIFY(got.at(i).endsWith(marks.at(i).toUtf8()));
    }
    int delivered = 0;
    for (const kube::FollowedLine& line : std::as_const(followed))
        delivered += marked(line.text) ? 1 : 0;
    QCOMPARE(delivered, 3);

    // The session's filter works on the live source.
    QSignalSpy filtered(session.filter(), &LogFilter::finished);
    const Result<LogQuery> query = LogQuery::parse(u"\"session-sim two\""_s, 0);
    QVERIFY(query.ok());
    session.filter()->start(query.value());
    QVERIFY(filtered.wait(10000));
    QCOMPARE(session.filter()->matches().size(), size_t(1));

    session.stopFollowing(index);
    QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 30000);
    QCOMPARE(stopped.first().at(0).toInt(), index);
    QVERIFY(!session.isFollowing(index));
}

QTEST_GUILESS_MAIN(TestLogSessionSim)
#include "tst_logsession_sim.moc"
