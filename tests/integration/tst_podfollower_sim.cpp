// PodFollower with the real kubectl against the simulated mesh (tests/sim, test equipment):
// numbered lines across a dropped stream, two rollout restarts and a killed pod arrive exactly
// once each, in order per pod. Also: `obslab follow` headless against the same mesh.
#include "SimMesh.h"
#include "core/kube/Kubectl.h"
#include "core/kube/PodFollower.h"
#include "core/kube/PodFollowerModel.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"

#include <QAbstractItemModelTester>
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
    void streamCapQueuesPods();
    void nativeSidecarsAndPodsWithout();

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
    PodFollowerModel model(&follower);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

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
        // QTRY evaluates its expression once more at the end: restart only until it took.
        bool done = false;
        const auto restartOnce = [&] {
            if (!done)
                done = runKubectl(
                    {u"rollout"_s, u"restart"_s, u"deployment/backend"_s, u"-n"_s, u"default"_s});
            return done;
        };
        QTRY_VERIFY_WITH_TIMEOUT(restartOnce(), 30000);
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
    // The model saw every pod, each ended now, with its line count.
    QCOMPARE(model.rowCount(), int(follower.pods().size()));
    qint64 modelLines = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QModelIndex index = model.index(row);
        QCOMPARE(index.data(PodFollowerModel::StateRole).value<PodFollower::PodState>(),
                 PodFollower::PodState::Ended);
        modelLines += index.data(PodFollowerModel::LinesRole).toLongLong();
    }
    QCOMPARE(modelLines, follower.linesDelivered());
    QVERIFY(model.index(0).data(PodFollowerModel::ReconnectsRole).toInt() >= 1);  // p1's drop
    qInfo("%d numbered lines from %d pods; %lld duplicates dropped on reconnect", expected,
          int(perPod.size()), follower.duplicatesDropped());
}

void TestPodFollowerSim::streamCapQueuesPods()
{
    // Two pods, one stream allowed: the second waits (Queued) until the first pod is gone.
    FollowOptions options;
    options.selector = u"app in (frontend,backend)"_s;
    options.maxStreams = 1;
    PodFollower follower(sim_.target(), options);
    QHash<QString, int> lines;
    connect(&follower, &PodFollower::linesReady, this,
            [&](const QVector<kube::FollowedLine>& batch) {
                for (const auto& line : batch)
                    ++lines[line.pod];
            });
    follower.start();
    auto withState = [&](PodFollower::PodState state) {
        for (const auto& pod : follower.pods())
            if (pod.state == state)
                return pod.pod;
        return QString();
    };
    QTRY_VERIFY_WITH_TIMEOUT(!withState(PodFollower::PodState::Queued).isEmpty(), 30000);
    const QString following = withState(PodFollower::PodState::Following);
    const QString queued = withState(PodFollower::PodState::Queued);
    QVERIFY(!following.isEmpty());
    QCOMPARE(follower.activeStreams(), 1);
    QCOMPARE(lines.value(queued), 0);
    // Lines for the queued pod are in its log; they arrive once it gets the stream.
    QCOMPARE(sim_.control(u"logs/write"_s,
                          {{u"pod"_s, queued}, {u"lines"_s, QJsonArray{u"q1"_s, u"q2"_s}}})
                 .value(u"written"_s)
                 .toInt(),
             2);
    QCOMPARE(sim_.control(u"pods/kill"_s, {{u"pod"_s, following}}).value(u"killed"_s).toString(),
             following);
    QTRY_VERIFY_WITH_TIMEOUT(lines.value(queued) >= 3, 30000);  // start-up line, q1, q2
    QVERIFY(follower.activeStreams() <= 1);
    QSignalSpy stopped(&follower, &PodFollower::stopped);
    follower.stop();
    QVERIFY(stopped.wait(15000));
}

void TestPodFollowerSim::nativeSidecarsAndPodsWithout()
{
    // istio-proxy as an init container with restartPolicy: Always is followed like any sidecar.
    {
        SimMesh native;
        const QString error = native.start(u"native-sidecars"_s, {u"--no-traffic"_s});
        QVERIFY2(error.isEmpty(), qPrintable(error));
        FollowOptions options;
        options.selector = u"app=frontend"_s;
        PodFollower follower(native.target(), options);
        QSignalSpy lines(&follower, &PodFollower::linesReady);
        follower.start();
        QVERIFY(lines.wait(30000));
        const auto first = lines.first().at(0).value<QVector<kube::FollowedLine>>();
        QVERIFY(!first.isEmpty());
        QCOMPARE(first.first().container, u"istio-proxy"_s);
        QVERIFY(first.first().text.contains("obslab-sim"));
    }
    // Ambient pods have no istio-proxy: said once per pod, nothing followed, nothing fails.
    {
        SimMesh ambient;
        const QString error = ambient.start(u"ambient"_s, {u"--no-traffic"_s});
        QVERIFY2(error.isEmpty(), qPrintable(error));
        FollowOptions options;
        options.selector = u"app=frontend"_s;
        PodFollower follower(ambient.target(), options);
        QSignalSpy warnings(&follower, &PodFollower::warning);
        QSignalSpy failed(&follower, &PodFollower::failed);
        follower.start();
        QVERIFY(warnings.wait(30000));
        QVERIFY(warnings.first().at(0).toString().contains(u"has no container istio-proxy"_s));
        QCOMPARE(follower.activeStreams(), 0);
        QVERIFY(failed.isEmpty());
    }
}

QTEST_GUILESS_MAIN(TestPodFollowerSim)
#include "tst_podfollower_sim.moc"
