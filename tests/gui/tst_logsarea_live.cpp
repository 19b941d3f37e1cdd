// The Logs area following a workload live against the simulated mesh
// (test equipment: the real kubectl talks to a stand-in API server): lines stream in, pods are
// coloured by name, a rollout restart's new pod is marked, the session can be saved.
#include "GuiTestSupport.h"
#include "SimMesh.h"
#include "core/common/AppSettings.h"
#include "core/kube/Kubectl.h"
#include "core/kube/PodFollower.h"
#include "core/logs/LogFile.h"
#include "core/process/CommandRunner.h"
#include "gui/logs/LogTableModel.h"
#include "gui/logs/LogsArea.h"
#include "gui/widgets/Banner.h"

#include <QSet>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestLogsAreaLive : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void followsAWorkloadAcrossARestart();

private:
    SimMesh sim_;
};

void TestLogsAreaLive::initTestCase()
{
    test::isolateSettings();
    const QString error = sim_.start(u"healthy-legacy"_s, {u"--interval"_s, u"0.2"_s});
    if (error.startsWith(u"skip: "))
        QSKIP(qPrintable(error.mid(6)));
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void TestLogsAreaLive::cleanupTestCase()
{
    sim_.stop();
}

void TestLogsAreaLive::followsAWorkloadAcrossARestart()
{
    LogsArea area;
    area.resize(1200, 700);
    area.show();
    area.setKubeTarget(sim_.target());
    area.followSelector(u"default"_s, u"app=backend"_s, u"istio-proxy"_s);
    QVERIFY(area.isFollowing());
    LogTableModel* model = area.model();
    QTRY_VERIFY_WITH_TIMEOUT(model->rowCount() >= 5, 60000);
    QSet<QString> pods;
    for (int r = 0; r < model->rowCount(); ++r)
        pods << model->index(r, LogTableModel::PodColumn).data().toString();
    QVERIFY2(std::all_of(pods.cbegin(), pods.cend(),
                         [](const QString& p) { return p.startsWith(u"backend-"_s); }),
             qPrintable(QStringList(pods.cbegin(), pods.cend()).join(u", "_s)));

    // A rollout restart: the new pod's lines come in, its first one marked.
    CommandSpec spec = Kubectl::withKubeconfig({}, sim_.target());
    spec.program = sim_.kubectl();
    spec.arguments = QStringList{u"rollout"_s, u"restart"_s,   u"deployment/backend"_s, u"-n"_s,
                                 u"default"_s, u"--context"_s, u"obslab-sim"_s} +
                     spec.arguments;
    CommandRunner runner;
    Command* command = runner.start(spec);
    QSignalSpy finished(command, &Command::finished);
    QVERIFY(finished.wait(60000));
    QVERIFY2(command->result().ok(), qPrintable(command->result().message));
    auto marked = [&] {
        for (int r = 0; r < model->rowCount(); ++r) {
            if (model->index(r, 0).data(LogTableModel::NewPodRole).toBool())
                return true;
        }
        return false;
    };
    // What the follower and the table saw, for a failure message that says where it stopped.
    auto diagnosis = [&] {
        QStringList out;
        if (const auto* follower = area.findChild<PodFollower*>()) {
            for (const PodFollower::PodStatus& s : follower->pods())
                out << u"%1 %2 (%3) lines=%4 reconnects=%5"_s.arg(
                    s.pod,
                    QString::fromLatin1(
                        QMetaEnum::fromType<PodFollower::PodState>().valueToKey(int(s.state))),
                    s.message, QString::number(s.lines), QString::number(s.reconnects));
        } else {
            out << u"no follower"_s;
        }
        QSet<QString> seen;
        for (int r = 0; r < model->rowCount(); ++r)
            seen << model->index(r, LogTableModel::PodColumn).data().toString();
        out << u"rows=%1 pods in the table: %2"_s.arg(model->rowCount())
                   .arg(QStringList(seen.cbegin(), seen.cend()).join(u", "_s));
        out << u"banner: "_s + (area.banner()->isVisible() ? area.banner()->message() : QString());
        return out.join(u"; "_s);
    };
    QTRY_VERIFY2_WITH_TIMEOUT(marked(), qPrintable(diagnosis()), 90000);

    QTemporaryDir dir;
    QSignalSpy saved(&area, &LogsArea::sessionSaved);
    QVERIFY(area.saveSession(dir.filePath(u"session.log"_s)));
    QVERIFY(saved.wait(30000));
    QVERIFY(saved.at(0).at(1).toString().isEmpty());
    QVERIFY(!area.banner()->isVisible() || !area.banner()->message().contains(u"stopped"_s));
}

QTEST_MAIN(TestLogsAreaLive)
#include "tst_logsarea_live.moc"
