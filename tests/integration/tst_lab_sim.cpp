// The built-in tracing lab, run headless (obslab lab run) with the real kubectl and the stand-in
// istioctl against the simulated mesh (tests/sim, test equipment): from the workshop's starting
// point every check passes and the teardown removes what the lab created; in broken scenarios the
// right check fails with its hint. Also LabRunner's states, refusal and saved progress.
#include "core/cli/Cli.h"
#include "core/cli/LabCommand.h"
#include "core/kube/PortForward.h"
#include "core/lab/LabCatalog.h"
#include "core/lab/LabHost.h"
#include "core/lab/LabLoader.h"
#include "core/lab/LabRunner.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"

#include <QBuffer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

QString sourceDir()
{
    return QString::fromUtf8(OBSLAB_SOURCE_DIR);
}

// One simulated mesh per test function (scenarios differ).
class Sim
{
public:
    ~Sim()
    {
        if (process_.state() == QProcess::NotRunning)
            return;
        process_.closeWriteChannel();
        if (!process_.waitForFinished(15000))
            process_.kill();
    }
    bool start(const QString& scenario, const QString& dir)
    {
        dir_ = dir;
        process_.setProgram(QStandardPaths::findExecutable(u"python3"_s));
        process_.setArguments({sourceDir() + u"/tests/sim/obslab-sim"_s, u"--scenario"_s, scenario,
                               u"--interval"_s, u"0.2"_s, u"--state-dir"_s, dir + u"/sim"_s});
        process_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        QObject::connect(&process_, &QProcess::readyReadStandardOutput, &process_,
                         [this] { output_ += process_.readAllStandardOutput(); });
        process_.start();
        if (!process_.waitForStarted(10000))
            return false;
        QSignalSpy ready(&process_, &QProcess::readyReadStandardOutput);
        while (!output_.contains("READY ")) {
            if (!ready.wait(30000))
                return false;
        }
        QFile ports(dir + u"/sim/ports.json"_s);
        if (!ports.open(QIODevice::ReadOnly))
            return false;
        ports_ = QJsonDocument::fromJson(ports.readAll()).object();
        return true;
    }
    QString kubeconfig() const { return dir_ + u"/sim/kubeconfig"_s; }
    QString jaegerUi() const { return ports_.value(u"jaeger_ui"_s).toString(); }
    int jaegerPort() const { return ports_.value(u"jaeger_port"_s).toInt(); }
    // POST /_sim/PATH on the sim's control endpoint; whether it answered 200.
    bool control(const QString& path, const QJsonObject& body) const
    {
        QNetworkAccessManager network;
        QNetworkRequest request(QUrl(ports_.value(u"api"_s).toString() + u"/_sim/"_s + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        QNetworkReply* reply = network.post(request, QJsonDocument(body).toJson());
        QSignalSpy done(reply, &QNetworkReply::finished);
        const bool ok = done.wait(10000) && reply->error() == QNetworkReply::NoError;
        reply->deleteLater();
        return ok;
    }

private:
    QProcess process_;
    QByteArray output_;
    QString dir_;
    QJsonObject ports_;
};

struct Run
{
    int code = -1;
    QString out;
    QString err;
};

class AutoHost : public LabHost
{
public:
    bool confirm(const QString&, const QString&) override { return true; }
};

}  // namespace

class TestLabSim : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void workshopStartPassesAndTearsDown();
    void tracingDisabledFailsTheJaegerCheck();
    void noTraceIdInLogFailsTheLogsCheck();
    void runnerStatesAndResume();
    void portForwardFeedsTheJaegerChecks();
    void clusterGoneMidRun();

private:
    Run run(const Sim& sim, const QStringList& extra, bool jaegerUrl = true);
    QTemporaryDir dir_;
    QString kubectl_;
};

void TestLabSim::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(dir_.isValid());
    QDir().mkpath(dir_.path() + u"/home"_s);
    qputenv("HOME", (dir_.path() + u"/home"_s).toUtf8());
    qunsetenv("KUBECONFIG");
    qunsetenv("OBSLAB_SIM_URL");
    kubectl_ = qEnvironmentVariable("OBSLAB_TEST_KUBECTL");
    if (kubectl_.isEmpty())
        kubectl_ = QStandardPaths::findExecutable(u"kubectl"_s);
    if (kubectl_.isEmpty())
        QSKIP("no kubectl on PATH (Debian: apt-get install kubernetes-client)");
    if (QStandardPaths::findExecutable(u"python3"_s).isEmpty())
        QSKIP("no python3 for the simulated mesh");
}

Run TestLabSim::run(const Sim& sim, const QStringList& extra, bool jaegerUrl)
{
    QBuffer in, out, err;
    in.open(QIODevice::ReadOnly);
    out.open(QIODevice::WriteOnly);
    err.open(QIODevice::WriteOnly);
    // Without --jaeger-url the lab's open-jaeger step starts a real kubectl port-forward to
    // svc/tracing, which the sim serves; with it the Jaeger checks use the stand-in Jaeger's URL.
    QStringList args = QStringList{u"lab"_s,
                                   u"run"_s,
                                   u"tracing-jaeger"_s,
                                   u"--kubeconfig"_s,
                                   sim.kubeconfig(),
                                   u"--context"_s,
                                   u"obslab-sim"_s,
                                   u"--kubectl"_s,
                                   kubectl_,
                                   u"--istioctl"_s,
                                   sourceDir() + u"/tests/sim/istioctl"_s} +
                       extra;
    if (jaegerUrl)
        args << u"--jaeger-url"_s << sim.jaegerUi();
    cli::Dispatcher d;
    Run r;
    r.code = d.run(args, {&in, &out, &err});
    r.out = QString::fromUtf8(out.data());
    r.err = QString::fromUtf8(err.data());
    return r;
}

void TestLabSim::workshopStartPassesAndTearsDown()
{
    Sim sim;
    QVERIFY(sim.start(u"workshop-start"_s, dir_.path() + u"/ws"_s));
    const Run r = run(sim, {u"--yes"_s, u"--teardown"_s}, false);
    qInfo().noquote() << r.out.right(6000) << r.err;
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(u"Passed: 11 of 11 steps done"_s));
    QVERIFY(!r.out.contains(u"... FAIL"_s));
    QVERIFY(r.out.count(u"... pass"_s) >= 15);
    // The variant for Istio 1.24: provider + Telemetry, not the deprecated zipkin address.
    QVERIFY(r.out.contains(u"manifests/istio-tracing-telemetry.yaml -y"_s));
    QVERIFY(r.out.contains(u"Skipped: only for Istio <1.22 (this cluster runs 1.24.0)"_s));
    // The open-jaeger step reached Jaeger through the real kubectl's port-forward.
    QVERIFY(r.out.contains(u"port-forward svc/tracing"_s));
    QVERIFY(r.out.contains(u"Jaeger UI forwarded to http://127.0.0.1:"_s));
    // The traced request's id was printed before it was sent, and Jaeger has that very trace.
    const qsizetype at = r.out.indexOf(u"trace id: "_s);
    QVERIFY(at > 0);
    const QString id = r.out.mid(at + 10, 16);
    QVERIFY(r.out.contains(u"Jaeger has trace %1"_s.arg(id)));
    QVERIFY(r.out.contains(u"traceID="_s));
    // Headless, the lab's doctor action runs the doctor here: after the lab nothing is wrong.
    QVERIFY(r.out.contains(u"The doctor found nothing wrong"_s));
    QVERIFY(r.out.contains(u"Teardown done."_s));

    // The teardown removed the apps.
    QProcess kubectl;
    kubectl.start(kubectl_, {u"--kubeconfig"_s, sim.kubeconfig(), u"get"_s, u"deployment"_s,
                             u"frontend"_s, u"-n"_s, u"default"_s});
    QVERIFY(kubectl.waitForFinished(30000));
    QVERIFY(kubectl.exitCode() != 0);
    QVERIFY(kubectl.readAllStandardError().contains("NotFound"));
}

void TestLabSim::tracingDisabledFailsTheJaegerCheck()
{
    Sim sim;
    QVERIFY(sim.start(u"tracing-disabled"_s, dir_.path() + u"/td"_s));
    const Run r =
        run(sim, {u"--yes"_s, u"--step"_s, u"open-jaeger"_s, u"--check-timeout"_s, u"4"_s});
    qInfo().noquote() << r.out << r.err;
    QCOMPARE(r.code, 1);
    QVERIFY(r.out.contains(u"check: Jaeger knows the service frontend.default ... FAIL"_s));
    QVERIFY(r.out.contains(u"Jaeger has no service frontend.default"_s));
    QVERIFY(r.out.contains(u"tracing is off"_s));  // the hint
    QVERIFY(r.out.contains(u"obslab doctor (check mesh.tracer)"_s));
    QVERIFY(r.out.contains(u"-- step open-jaeger: failed"_s));
}

void TestLabSim::noTraceIdInLogFailsTheLogsCheck()
{
    Sim sim;
    QVERIFY(sim.start(u"no-trace-id-in-log"_s, dir_.path() + u"/nt"_s));
    const Run r = run(sim, {u"--yes"_s, u"--step"_s, u"logs"_s, u"--check-timeout"_s, u"4"_s});
    qInfo().noquote() << r.out << r.err;
    QCOMPARE(r.code, 1);
    QVERIFY(r.out.contains(u"logs of app=frontend match /traceID=[0-9a-f]{16,32}/ ... FAIL"_s));
    QVERIFY(r.out.contains(u"format has no trace id"_s));
}

void TestLabSim::runnerStatesAndResume()
{
    Sim sim;
    QVERIFY(sim.start(u"healthy-telemetry"_s, dir_.path() + u"/hr"_s));
    const LabLoadResult loaded = LabLoader::loadFile(LabCatalog::resolve(u"tracing-jaeger"_s));
    QVERIFY(loaded.ok());
    LabRunnerOptions o;
    o.kube.kubectl = kubectl_;
    o.kube.kubeconfig = sim.kubeconfig();
    o.kube.context = u"obslab-sim"_s;
    o.istio.istioctl = sourceDir() + u"/tests/sim/istioctl"_s;
    o.guardMutations = false;
    o.jaegerUrl = QUrl(sim.jaegerUi());
    CommandRunner commands;
    AutoHost host;
    LabProgressStore store(dir_.path() + u"/progress"_s);
    {
        LabRunner runner(*loaded.lab, &commands, &host, o);
        runner.setProgressStore(&store);
        QSignalSpy refused(&runner, &LabRunner::refused);
        runner.runStep(u"prerequisites"_s);
        QCOMPARE(refused.size(), 1);  // the plan was not accepted: nothing ran
        QVERIFY(!runner.isBusy());
        runner.acceptPlan();

        QSignalSpy states(&runner, &LabRunner::stepStateChanged);
        QSignalSpy finished(&runner, &LabRunner::finished);
        runner.runStep(u"prerequisites"_s);
        QVERIFY(runner.isBusy());
        runner.runStep(u"namespace"_s);  // busy: refused
        QCOMPARE(refused.size(), 2);
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().at(0).toBool(), true);
        QCOMPARE(runner.stepState(u"prerequisites"_s), LabStepState::Passed);
        QCOMPARE(states.first().at(1).value<LabStepState>(), LabStepState::Running);

        runner.skipStep(u"namespace"_s);
        QCOMPARE(runner.stepState(u"namespace"_s), LabStepState::Skipped);
        QCOMPARE(runner.currentStepId(), u"deploy-apps"_s);

        // A traced request in a healthy mesh: its trace reaches Jaeger.
        finished.clear();
        runner.runStep(u"traced-request"_s);
        QVERIFY(finished.wait(90000));
        QVERIFY(finished.first().at(0).toBool());
        QVERIFY(!runner.traceId(u"my-request"_s).isEmpty());
        QCOMPARE(runner.doneCount(), 3);
    }
    // A new runner (the app restarted) resumes from the saved progress.
    LabRunner again(*loaded.lab, &commands, &host, o);
    again.setProgressStore(&store);
    QVERIFY(again.planAccepted());
    QCOMPARE(again.stepState(u"prerequisites"_s), LabStepState::Passed);
    QCOMPARE(again.stepState(u"namespace"_s), LabStepState::Skipped);
    QCOMPARE(again.stepState(u"traced-request"_s), LabStepState::Passed);
    QCOMPARE(again.currentStepId(), u"deploy-apps"_s);
    QVERIFY(!again.traceId(u"my-request"_s).isEmpty());
    again.resetProgress();
    QCOMPARE(again.doneCount(), 0);
    QVERIFY(again.planAccepted());
}

void TestLabSim::portForwardFeedsTheJaegerChecks()
{
    // The lab's portForward action runs the real kubectl against the sim's port-forward and
    // supplies the URL the Jaeger checks use.
    Sim sim;
    QVERIFY(sim.start(u"healthy-telemetry"_s, dir_.path() + u"/pf"_s));
    const QByteArray yaml =
        "obslab-lab: 1\nid: pf\ntitle: PF\nsteps:\n- id: ui\n  title: UI\n"
        "  actions:\n  - portForward: {service: tracing, namespace: istio-system}\n"
        "  checks:\n  - jaegerHasService: {service: frontend.default}\n"
        "    timeout: 30\n    hint: no spans\n";
    const LabLoadResult loaded = LabLoader::loadBytes(yaml, u"pf.yaml"_s, dir_.path());
    QVERIFY(loaded.ok());
    LabRunnerOptions o;
    o.kube.kubectl = kubectl_;
    o.kube.kubeconfig = sim.kubeconfig();
    o.kube.context = u"obslab-sim"_s;
    o.guardMutations = false;
    CommandRunner commands;
    AutoHost host;
    LabRunner runner(*loaded.lab, &commands, &host, o);
    runner.acceptPlan();
    QSignalSpy finished(&runner, &LabRunner::finished);
    QSignalSpy started(&runner, &LabRunner::actionStarted);
    runner.runStep(u"ui"_s);
    QVERIFY(finished.wait(60000));
    QVERIFY(started.first().at(2).toString().contains(u"port-forward svc/tracing"_s));
    QCOMPARE(finished.first().at(0).toBool(), true);
    QCOMPARE(runner.jaegerUrl().host(), u"127.0.0.1"_s);
    QVERIFY(runner.jaegerUrl().port() > 0);
    QVERIFY(runner.jaegerUrl().port() != sim.jaegerPort());
    QCOMPARE(runner.stepState(u"ui"_s), LabStepState::Passed);

    // With the app's list of forwards, the lab's forward is listed there and outlives the lab.
    PortForwards forwards;
    o.forwards = &forwards;
    {
        LabRunner shared(*loaded.lab, &commands, &host, o);
        shared.acceptPlan();
        QSignalSpy done(&shared, &LabRunner::finished);
        shared.runStep(u"ui"_s);
        QVERIFY(done.wait(60000));
        QVERIFY(done.first().at(0).toBool());
        QCOMPARE(forwards.rowCount(), 1);
        QCOMPARE(shared.jaegerUrl(), forwards.forward(0)->localUrl());
    }
    QCOMPARE(forwards.activeCount(), 1);
    forwards.stopAll();
}

// The API server goes away after the first steps: the run ends (no hang: --check-timeout bounds
// the checks), the failed step is named, and what to do about the cluster is said.
void TestLabSim::clusterGoneMidRun()
{
    Sim sim;
    QVERIFY(sim.start(u"workshop-start"_s, dir_.path() + u"/gone"_s));
    QVERIFY(sim.control(u"api/outage"_s, QJsonObject{{u"after_connections"_s, 12}}));
    QElapsedTimer timer;
    timer.start();
    const Run r = run(sim, {u"--yes"_s, u"--check-timeout"_s, u"5"_s}, true);
    qInfo().noquote() << r.out.right(3000) << r.err;
    qInfo("the run ended after %lld ms", timer.elapsed());
    QCOMPARE(r.code, 1);
    QVERIFY(r.out.contains(u"Failed at step "_s));
    QVERIFY(!r.out.contains(u"Passed: "_s));
    QVERIFY2(r.out.contains(u"does not answer. Start the cluster"_s),
             qPrintable(r.out.right(3000)));
}

QTEST_GUILESS_MAIN(TestLabSim)
#include "tst_lab_sim.moc"
