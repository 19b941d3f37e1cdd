// PodFollower with the real kubectl against the simulated mesh (tests/sim, test equipment):
// numbered lines across a dropped stream, two rollout restarts and a killed pod arrive exactly
// once each, in order per pod. Also: `obslab follow` headless against the same mesh.
#include "SimMesh.h"
#include "kube/Kubectl.h"
#include "kube/PodFollower.h"
#include "process/Command.h"
#include "process/CommandRunner.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestPodFollowerSim : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void noLineLostNoneTwice();

private:
    // Writes `count` numbered lines into pod's istio-proxy log; returns how many the sim took.
    int write(const QString& pod, int count);
    bool runKubectl(const QStringList& args);
    QString newestPod(const PodFollower& follower, const QSet<QString>& known) const;

    SimMesh sim_;
    int next_ = 1;  // the next line number
};

void TestPodFollowerSim::initTestCase()
{
    // No background traffic: the only lines are the sidecars' start-up lines and ours.
    const QString error = sim_.start(u"healthy-telemetry"_s, {u"--no-traffic"_s});
    if (error.startsWith(u"skip: "))
        QSKIP(qPrintable(error.mid(6)));
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestPodFollowerSim::cleanupTestCase()
{
    sim_.stop();
}

int TestPodFollowerSim::write(const QString& pod, int count)
{
    const QJsonObject answer =
        sim_.control(u"logs/write"_s, {{u"pod"_s, pod},
                                       {u"container"_s, u"istio-proxy"_s},
                                       {u"prefix"_s, u"obslab-follow-test"_s},
                                       {u"from"_s, next_},
                                       {u"count"_s, count}});
    const int written = answer.value(u"written"_s).toInt();
    next_ += written;
    return written;
}

bool TestPodFollowerSim::runKubectl(const QStringList& args)
{
    CommandSpec spec = Kubectl::withKubeconfig({}, sim_.target());
    spec.program = sim_.kubectl();
    spec.arguments = args + spec.arguments + QStringList{u"--context"_s, u"obslab-sim"_s};
    CommandRunner runner;
    Command* command = runner.start(spec);
    QSignalSpy finished(command, &Command::finished);
    if (!finished.wait(60000))
        return false;
    const auto result = finished.first().at(0).value<CommandResult>();
    if (!result.ok())
        qInfo("kubectl %s: %s", qPrintable(args.join(u' ')), result.stderrData.constData());
    return result.ok();
}

QString TestPodFollowerSim::newestPod(const PodFollower& follower, const QSet<QString>& known) const
{
    for (const auto& status : follower.pods()) {
        if (!known.contains(status.pod) && status.state != PodFollower::PodState::Ended)
            return status.pod;
    }
    return {};
}

void TestPodFollowerSim::noLineLostNoneTwice()
{
    FollowOptions options;
    options.selector = u"app=backend"_s;
    options.container = u"istio-proxy"_s;
    PodFollower follower(sim_.target(), options);

    static const QRegularExpression numbered(u"^obslab-follow-test n=(\\d+)$"_s);
    QHash<QString, QList<int>> perPod;  // line numbers as they arrived, per pod
    QHash<QString, int> anyLines;       // every line (start-up lines too), per pod
    qsizetype received = 0;
    connect(&follower, &PodFollower::linesReady, this,
            [&](const QVector<kube::FollowedLine>& lines) {
                for (const auto& line : lines) {
                    QCOMPARE(line.container, u"istio-proxy"_s);
                    QVERIFY(!line.timestamp.isEmpty());
                    QVERIFY(line.timeNs > 0);
                    ++anyLines[line.pod];
                    const auto m = numbered.match(QString::fromUtf8(line.text));
                    if (m.hasMatch()) {
                        perPod[line.pod] << m.captured(1).toInt();
                        ++received;
                    }
                }
            });
    QSignalSpy failed(&follower, &PodFollower::failed);
    follower.start();

    // The first pod, followed from its first line (the sidecar's start-up line).
    QSet<QString> known;
    QTRY_VERIFY_WITH_TIMEOUT(!newestPod(follower, known).isEmpty(), 30000);
    const QString p1 = newestPod(follower, known);
    known << p1;
    QTRY_VERIFY_WITH_TIMEOUT(anyLines.value(p1) > 0, 30000);

    int expected = write(p1, 50);
    QCOMPARE(expected, 50);
    QTRY_COMPARE_WITH_TIMEOUT(received, qsizetype(expected), 30000);

    // A dropped stream (`error: unexpected EOF`); lines written while it is down.
    QCOMPARE(sim_.control(u"logs/drop"_s, {{u"pod"_s, p1}, {u"container"_s, u"istio-proxy"_s}})
                 .value(u"streams"_s)
                 .toInt(),
             1);
    expected += write(p1, 50);
    QCOMPARE(expected, 100);
    QTRY_COMPARE_WITH_TIMEOUT(received, qsizetype(expected), 30000);
    // The reconnect replayed at least the last line seen (--since-time is in whole seconds).
    QVERIFY(follower.duplicatesDropped() > 0);

    // Two rollout restarts: each creates a new pod; the old one outlives it briefly and gets lines
    // until it is deleted.
    QString current = p1;
    for (int restart = 0; restart < 2; ++restart) {
        // The old pod's stream must be connected: once a pod is deleted its log cannot be read.
        QTRY_COMPARE_WITH_TIMEOUT(received, qsizetype(expected), 30000);
        // kubectl refuses a second restart within the same second (its annotation has second
        // precision): retried until it takes.
        bool restarted = false;
        for (QDeadlineTimer deadline(30000); !deadline.hasExpired() && !restarted;) {
            restarted = runKubectl(
                {u"rollout"_s, u"restart"_s, u"deployment/backend"_s, u"-n"_s, u"default"_s});
            if (!restarted)
                QTest::qWait(250);
        }
        QVERIFY(restarted);
        expected += write(current, 30);  // the old pod, while it lasts (the sim says what it took)
        QTRY_VERIFY_WITH_TIMEOUT(!newestPod(follower, known).isEmpty(), 30000);
        const QString fresh = newestPod(follower, known);
        known << fresh;
        const int taken = write(fresh, 40);  // before or after its stream starts: both fine
        QCOMPARE(taken, 40);
        expected += taken;
        current = fresh;
    }
    QTRY_COMPARE_WITH_TIMEOUT(received, qsizetype(expected), 30000);

    // A killed pod: lines written while its stream is connected arrive before the stream ends.
    QTRY_VERIFY_WITH_TIMEOUT(anyLines.value(current) > 0, 30000);
    expected += write(current, 25);
    QCOMPARE(sim_.control(u"pods/kill"_s, {{u"pod"_s, current}}).value(u"killed"_s).toString(),
             current);
    QTRY_VERIFY_WITH_TIMEOUT(!newestPod(follower, known).isEmpty(), 30000);
    const QString replacement = newestPod(follower, known);
    known << replacement;
    expected += write(replacement, 25);
    QTRY_COMPARE_WITH_TIMEOUT(received, qsizetype(expected), 30000);

    // Stop: every kubectl exits, the last batch is flushed, nothing more arrives.
    QSignalSpy stopped(&follower, &PodFollower::stopped);
    follower.stop();
    QVERIFY(stopped.wait(15000));
    QCOMPARE(follower.activeStreams(), 0);
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.first().at(0).toString()));

    // Exactly the lines the sim took: none lost, none twice, in order per pod.
    QCOMPARE(received, qsizetype(expected));
    QSet<int> distinct;
    for (auto it = perPod.cbegin(); it != perPod.cend(); ++it) {
        const QList<int>& numbers = it.value();
        for (qsizetype i = 0; i < numbers.size(); ++i) {
            distinct.insert(numbers.at(i));
            if (i > 0)
                QVERIFY2(numbers.at(i) > numbers.at(i - 1),
                         qPrintable(u"pod %1: line %2 after %3"_s.arg(it.key())
                                        .arg(numbers.at(i))
                                        .arg(numbers.at(i - 1))));
        }
    }
    QCOMPARE(distinct.size(), expected);
    QCOMPARE(*std::min_element(distinct.cbegin(), distinct.cend()), 1);
    QCOMPARE(*std::max_element(distinct.cbegin(), distinct.cend()), expected);
    QVERIFY(known.size() >= 4);
    qInfo("%d numbered lines from %d pods; %lld duplicates dropped on reconnect", expected,
          int(perPod.size()), follower.duplicatesDropped());
}

QTEST_GUILESS_MAIN(TestPodFollowerSim)
#include "tst_podfollower_sim.moc"
