// DoctorFixRun: a finding's fix steps run in order through the mutation gate against a fake
// kubectl that records its calls, stop at the first failure with kubectl's explanation, are
// refused in read-only mode before anything runs, and need no second yes on a context that does
// not look local (the person said yes to the whole fix).
#include "core/doctor/DoctorFixRun.h"
#include "core/doctor/DoctorFixes.h"
#include "core/process/CommandRunner.h"

#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestDoctorFixRun : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void runsStepsInOrder();
    void stopsAtTheFirstFailure();
    void readOnlyRefusesBeforeAnythingRuns();
    void remoteContextAsksOnceBefore();
    void nothingToRun();

private:
    DoctorFinding restartFix(const QStringList& deployments) const;
    QStringList calls() const;
    QTemporaryDir dir_;
    KubeTarget target_;
};

void TestDoctorFixRun::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(dir_.isValid());
    // Records every call; a deployment named "broken" fails the way kubectl reports it.
    QFile fake(dir_.path() + u"/kubectl"_s);
    QVERIFY(fake.open(QIODevice::WriteOnly));
    fake.write("#!/usr/bin/env python3\n"
               "import os, sys\n"
               "with open(os.environ['FAKE_LOG'], 'a') as f:\n"
               "    f.write(' '.join(sys.argv[1:]) + '\\n')\n"
               "if 'deployment/broken' in sys.argv:\n"
               "    print('Error from server (NotFound): deployments.apps \"broken\" not found',\n"
               "          file=sys.stderr)\n"
               "    sys.exit(1)\n");
    fake.close();
    fake.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    qputenv("FAKE_LOG", (dir_.path() + u"/calls.log"_s).toUtf8());
    target_.kubectl = fake.fileName();
    target_.context = u"kind-lab"_s;
    target_.ns = u"default"_s;
}

void TestDoctorFixRun::init()
{
    QFile::remove(dir_.path() + u"/calls.log"_s);
}

DoctorFinding TestDoctorFixRun::restartFix(const QStringList& deployments) const
{
    DoctorFinding f;
    f.id = u"workloads.restart"_s;
    f.severity = DoctorFinding::Severity::Fail;
    f.fixSteps = DoctorFixes::restartDeployments(target_, deployments);
    return f;
}

QStringList TestDoctorFixRun::calls() const
{
    QFile file(dir_.path() + u"/calls.log"_s);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
}

void TestDoctorFixRun::runsStepsInOrder()
{
    CommandRunner runner;
    DoctorFixRun run(&runner);
    QSignalSpy steps(&run, &DoctorFixRun::stepStarted);
    QSignalSpy finished(&run, &DoctorFixRun::finished);
    const DoctorFinding fix = restartFix({u"frontend"_s, u"backend"_s});
    const MutationPolicy local{u"kind-lab"_s, u"https://127.0.0.1:6443"_s, false};
    QVERIFY(DoctorFixRun::review(fix, local).message.isEmpty());
    QVERIFY(run.start(fix, local));
    QVERIFY(run.isRunning());
    QCOMPARE(run.checkId(), u"workloads.restart"_s);
    QVERIFY(!run.start(fix, local));  // one fix at a time
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(0).toString(), u"workloads.restart"_s);
    QCOMPARE(finished.first().at(1).toBool(), true);
    QVERIFY(!run.isRunning());
    QCOMPARE(steps.size(), 3);
    for (int i = 0; i < steps.size(); ++i)
        QCOMPARE(steps.at(i).at(1).toString(), fix.fixSteps.at(i).title);
    const QStringList made = calls();
    QCOMPARE(made.size(), 3);
    QVERIFY2(made.at(0).contains(u"rollout restart deployment/frontend deployment/backend"_s),
             qPrintable(made.at(0)));
    QVERIFY(made.at(1).contains(u"rollout status deployment/frontend"_s));
    QVERIFY(made.at(2).contains(u"rollout status deployment/backend"_s));
}

void TestDoctorFixRun::stopsAtTheFirstFailure()
{
    CommandRunner runner;
    DoctorFixRun run(&runner);
    QSignalSpy finished(&run, &DoctorFixRun::finished);
    const DoctorFinding fix = restartFix({u"broken"_s, u"backend"_s});
    QVERIFY(run.start(fix, MutationPolicy{u"kind-lab"_s, {}, false}));
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(1).toBool(), false);
    QVERIFY2(finished.first().at(2).toString().contains(u"broken"_s),
             qPrintable(finished.first().at(2).toString()));
    QCOMPARE(calls().size(), 1);  // the rollout status steps never ran
}

void TestDoctorFixRun::readOnlyRefusesBeforeAnythingRuns()
{
    CommandRunner runner;
    DoctorFixRun run(&runner);
    QSignalSpy finished(&run, &DoctorFixRun::finished);
    const DoctorFinding fix = restartFix({u"frontend"_s});
    const MutationPolicy readOnly{u"kind-lab"_s, {}, true};
    const DoctorFixRun::Review review = DoctorFixRun::review(fix, readOnly);
    QVERIFY(review.refused);
    QVERIFY2(review.message.contains(u"Read-only"_s), qPrintable(review.message));
    // Started anyway, the gate refuses the first step: nothing runs.
    QVERIFY(run.start(fix, readOnly));
    QVERIFY(finished.wait(5000));
    QCOMPARE(finished.first().at(1).toBool(), false);
    QVERIFY(finished.first().at(2).toString().contains(u"Read-only"_s));
    QVERIFY(calls().isEmpty());
}

void TestDoctorFixRun::remoteContextAsksOnceBefore()
{
    CommandRunner runner;
    DoctorFixRun run(&runner);
    QSignalSpy finished(&run, &DoctorFixRun::finished);
    KubeTarget remote = target_;
    remote.context = u"prod-eks"_s;
    DoctorFinding fix;
    fix.id = u"workloads.injection"_s;
    fix.fixSteps = {
        DoctorFixes::labelNamespace(remote, u"default"_s, {{u"istio-injection"_s, u"enabled"_s}})};
    const MutationPolicy policy{u"prod-eks"_s, u"https://x.eks.amazonaws.com"_s, false};
    const DoctorFixRun::Review review = DoctorFixRun::review(fix, policy);
    QVERIFY(!review.refused);
    QVERIFY2(review.message.contains(u"prod-eks"_s), qPrintable(review.message));
    QVERIFY(run.start(fix, policy));
    QVERIFY(finished.wait(20000));
    QVERIFY2(finished.first().at(1).toBool(), qPrintable(finished.first().at(2).toString()));
    QCOMPARE(calls().size(), 1);
    QVERIFY(calls().first().startsWith(u"label namespace default "_s));
    QVERIFY(calls().first().contains(u"istio-injection=enabled"_s));
}

void TestDoctorFixRun::nothingToRun()
{
    CommandRunner runner;
    DoctorFixRun run(&runner);
    QSignalSpy finished(&run, &DoctorFixRun::finished);
    DoctorFinding pass;
    pass.id = u"mesh.sampling"_s;
    QVERIFY(!run.start(pass, MutationPolicy{}));
    QVERIFY(!run.isRunning());
    QCOMPARE(finished.size(), 0);
}

QTEST_GUILESS_MAIN(TestDoctorFixRun)
#include "tst_doctorfixrun.moc"
