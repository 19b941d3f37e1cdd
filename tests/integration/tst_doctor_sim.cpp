// The tracing doctor against the simulated mesh (tests/sim, test equipment) with the real kubectl
// and the stand-in istioctl: every scenario yields exactly its expected findings, the healthy ones
// pass every check, each finding's Fix, run against the sim, turns it green, and an unreachable
// cluster answers at once; none of the doctor's own commands changes the cluster. The scenario
// rows are split into shards (OBSLAB_DOCTOR_SHARD=i/n) so that CTest runs them in parallel, one
// sim per scenario.
#include "SimMesh.h"
#include "core/cli/Cli.h"
#include "core/doctor/Doctor.h"
#include "core/doctor/DoctorChecks.h"
#include "core/kube/ClusterGuidance.h"
#include "core/kube/MutationGuard.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"

#include <QBuffer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMap>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

QString istioctlPath()
{
    return QStringLiteral(OBSLAB_SOURCE_DIR) + u"/tests/sim/istioctl"_s;
}

QStringList problems(const QList<DoctorFinding>& findings)
{
    QStringList ids;
    for (const DoctorFinding& f : findings)
        if (f.isProblem())
            ids << f.id;
    ids.sort();
    return ids;
}

QString describe(const QList<DoctorFinding>& findings)
{
    QStringList lines;
    for (const DoctorFinding& f : findings)
        lines << u"%1 %2: %3"_s.arg(DoctorFindings::severityName(f.severity), f.id, f.summary);
    return lines.join(u'\n');
}

// `obslab doctor --output json` on the sim, in-process; its exit code, stdout in *out.
int runCliDoctor(const SimMesh& sim, bool withJaeger, QByteArray* out)
{
    QBuffer stdoutBuffer;
    QBuffer stderrBuffer;
    stdoutBuffer.open(QIODevice::WriteOnly);
    stderrBuffer.open(QIODevice::WriteOnly);
    cli::CliContext ctx{nullptr, &stdoutBuffer, &stderrBuffer};
    QStringList args{u"doctor"_s,     u"--kubeconfig"_s, sim.target().kubeconfig,
                     u"--context"_s,  u"obslab-sim"_s,   u"-n"_s,
                     u"default"_s,    u"--kubectl"_s,    sim.kubectl(),
                     u"--istioctl"_s, istioctlPath(),    u"--output"_s,
                     u"json"_s};
    if (withJaeger)
        args << u"--jaeger"_s << sim.jaegerUrl();
    const int rc = cli::Dispatcher().run(args, ctx);
    *out = stdoutBuffer.data();
    return rc;
}

bool inShard(int row)
{
    const QString shard = qEnvironmentVariable("OBSLAB_DOCTOR_SHARD");
    if (shard.isEmpty())
        return true;
    const int index = shard.section(u'/', 0, 0).toInt();
    const int count = shard.section(u'/', 1, 1).toInt();
    return count <= 0 || row % count == index - 1;
}

bool firstShard()
{
    const QString shard = qEnvironmentVariable("OBSLAB_DOCTOR_SHARD");
    return shard.isEmpty() || shard.startsWith(u"1/");
}

}  // namespace

class TestDoctorSim : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void unreachableAnswersFast();
    void cliUnreachable();
    void noContext();
    void clusterGoneMidRun();
    void scenarios_data();
    void scenarios();

private:
    QList<DoctorFinding> runDoctor(SimMesh& sim, const DoctorOptions& options);
    DoctorOptions options(const SimMesh& sim) const;
    bool runSteps(const QList<CommandSpec>& steps, QString* why);

    CommandRunner runner_;
};

void TestDoctorSim::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    qRegisterMetaType<QList<obslab::DoctorFinding>>();
}

DoctorOptions TestDoctorSim::options(const SimMesh& sim) const
{
    DoctorOptions o;
    o.target = sim.target();
    o.istioctl = istioctlPath();
    o.jaegerUrl = QUrl(sim.jaegerUrl());  // bare: the doctor finds Istio's /jaeger base path
    o.forwards = QList<DoctorForward>{};  // known: ObsLab runs none
    return o;
}

QList<DoctorFinding> TestDoctorSim::runDoctor(SimMesh& sim, const DoctorOptions& options)
{
    Q_UNUSED(sim);
    Doctor doctor(&runner_);
    QSignalSpy finished(&doctor, &Doctor::finished);
    // The doctor only reads: none of its commands would need the mutation gate.
    QStringList changing;
    const QMetaObject::Connection audit =
        connect(&runner_, &CommandRunner::commandStarted, this, [&changing](Command* command) {
            if (MutationGuard::isMutating(command->spec()))
                changing << command->spec().toShellLine();
        });
    doctor.run(options);
    const bool done = finished.wait(60000);
    disconnect(audit);
    if (!done) {
        qWarning("the doctor did not finish");
        return {};
    }
    if (!changing.isEmpty()) {
        qWarning("the doctor ran commands that change the cluster: %s",
                 qPrintable(changing.join(u'\n')));
        return {};
    }
    return doctor.findings();
}

bool TestDoctorSim::runSteps(const QList<CommandSpec>& steps, QString* why)
{
    for (const CommandSpec& step : steps) {
        Command* command = runner_.start(step);
        QSignalSpy finished(command, &Command::finished);
        if (!finished.wait(120000)) {
            *why = u"timed out: "_s + step.toShellLine();
            return false;
        }
        const auto result = finished.first().at(0).value<CommandResult>();
        if (!result.ok()) {
            *why = u"%1 failed: %2 %3"_s.arg(step.toShellLine(),
                                             QString::fromUtf8(result.stderrData), result.message);
            return false;
        }
    }
    return true;
}

void TestDoctorSim::unreachableAnswersFast()
{
    if (!firstShard())
        QSKIP("runs in shard 1");
    const QString kubectl = QStandardPaths::findExecutable(u"kubectl"_s);
    if (kubectl.isEmpty())
        QSKIP("no kubectl on PATH");
    QTemporaryDir dir;
    QDir().mkpath(dir.path() + u"/home"_s);
    qputenv("HOME", (dir.path() + u"/home"_s).toUtf8());
    // Port 1 on localhost: nothing listens, the connection is refused at once.
    QFile file(dir.path() + u"/kubeconfig"_s);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: "
               "http://127.0.0.1:1\ncontexts:\n- name: gone\n  context: {cluster: c, user: u}\n"
               "current-context: gone\nusers:\n- name: u\n  user: {}\n");
    file.close();
    DoctorOptions o;
    o.target.kubectl = kubectl;
    o.target.kubeconfig = file.fileName();
    o.istioctl = istioctlPath();
    Doctor doctor(&runner_);
    QSignalSpy finished(&doctor, &Doctor::finished);
    QElapsedTimer timer;
    timer.start();
    doctor.run(o);
    QVERIFY(finished.wait(30000));
    const qint64 ms = timer.elapsed();
    const QList<DoctorFinding>& findings = doctor.findings();
    qInfo("unreachable cluster answered in %lld ms", ms);
    QVERIFY2(ms < 5000, qPrintable(QString::number(ms)));
    QCOMPARE(findings.size(), DoctorChecks::all().size());
    QCOMPARE(findings.first().id, u"cluster.reachable"_s);
    QCOMPARE(findings.first().severity, DoctorFinding::Severity::Fail);
    QVERIFY2(findings.first().summary.contains(u"does not answer"_s),
             qPrintable(findings.first().summary));
    QCOMPARE(doctor.snapshot().context, u"gone"_s);
    for (qsizetype i = 1; i < findings.size(); ++i) {
        QCOMPARE(findings.at(i).severity, DoctorFinding::Severity::Skipped);
        QVERIFY(findings.at(i).summary.contains(u"did not answer"_s));
    }
}

void TestDoctorSim::cliUnreachable()
{
    if (!firstShard())
        QSKIP("runs in shard 1");
    const QString kubectl = QStandardPaths::findExecutable(u"kubectl"_s);
    if (kubectl.isEmpty())
        QSKIP("no kubectl on PATH");
    QTemporaryDir dir;
    QDir().mkpath(dir.path() + u"/home"_s);
    qputenv("HOME", (dir.path() + u"/home"_s).toUtf8());
    QFile file(dir.path() + u"/kubeconfig"_s);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: "
               "http://127.0.0.1:1\ncontexts:\n- name: gone\n  context: {cluster: c, user: u}\n"
               "current-context: gone\nusers:\n- name: u\n  user: {}\n");
    file.close();
    QBuffer out;
    QBuffer err;
    out.open(QIODevice::WriteOnly);
    err.open(QIODevice::WriteOnly);
    cli::CliContext ctx{nullptr, &out, &err};
    cli::Dispatcher dispatcher;
    const int rc = dispatcher.run({u"doctor"_s, u"--kubeconfig"_s, file.fileName(), u"--output"_s,
                                   u"json"_s, u"--istioctl"_s, istioctlPath()},
                                  ctx);
    QCOMPARE(rc, int(cli::ExitFailure));
    const QJsonObject json = QJsonDocument::fromJson(out.data()).object();
    QCOMPARE(json.value(u"result"_s).toString(), u"fail"_s);
    const QJsonArray checks = json.value(u"checks"_s).toArray();
    QCOMPARE(checks.first().toObject().value(u"id"_s).toString(), u"cluster.reachable"_s);
    QCOMPARE(checks.first().toObject().value(u"severity"_s).toString(), u"fail"_s);

    out.setData({});
    out.open(QIODevice::WriteOnly);
    QCOMPARE(dispatcher.run({u"doctor"_s, u"--output"_s, u"yaml"_s}, ctx), int(cli::ExitUsage));

    // Text for a terminal: a context named with a window-title OSC, clear screen and a C1 CSI (a
    // kubeconfig someone handed over) is printed with those characters visible, never raw.
    QFile hostile(dir.path() + u"/hostile-kubeconfig"_s);
    QVERIFY(hostile.open(QIODevice::WriteOnly));
    const QByteArray name = "\"gone\\e]0;pwned\\a\\e[2J\\x9b31m\"";
    hostile.write("apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: "
                  "http://127.0.0.1:1\ncontexts:\n- name: " +
                  name + "\n  context: {cluster: c, user: u}\ncurrent-context: " + name +
                  "\nusers:\n- name: u\n  user: {}\n");
    hostile.close();
    QBuffer text;
    text.open(QIODevice::WriteOnly);
    cli::CliContext textCtx{nullptr, &text, &err};
    QCOMPARE(dispatcher.run({u"doctor"_s, u"--kubeconfig"_s, hostile.fileName(), u"--istioctl"_s,
                             istioctlPath()},
                            textCtx),
             int(cli::ExitFailure));
    const QByteArray shown = text.data();
    // The name is there, made visible (so the check below looks at the name's own bytes).
    QVERIFY2(shown.contains("gone\xef\xbf\xbd]0;pwned\xef\xbf\xbd\xef\xbf\xbd[2J\xef\xbf\xbd"
                            "31m"),
             shown.constData());
    for (const char ch : shown) {
        const auto u = static_cast<unsigned char>(ch);
        QVERIFY2((u >= 0x20 && u != 0x7f) || u == '\n' || u == '\t', shown.constData());
    }
    QVERIFY(!shown.contains("\xc2\x9b"));
}

// The API server stops answering while the doctor reads: the verdict is "inconclusive" (not a
// list of failed checks that blame the mesh), in the app's Doctor and in `obslab doctor` (exit 3,
// JSON result "inconclusive"), and neither waits for more than its timeouts.
// An empty kubeconfig (a fresh machine: KUBECONFIG names an empty file, or none exists) has no
// current context: the doctor says that — not kubectl's "localhost:8080 was refused" — in the
// app and in the CLI alike, at once.
void TestDoctorSim::noContext()
{
    if (!firstShard())
        QSKIP("runs in shard 1");
    const QString kubectl = QStandardPaths::findExecutable(u"kubectl"_s);
    if (kubectl.isEmpty())
        QSKIP("no kubectl on PATH");
    QTemporaryDir dir;
    QDir().mkpath(dir.path() + u"/home"_s);
    const QByteArray oldHome = qgetenv("HOME");
    const QByteArray oldKubeconfig = qgetenv("KUBECONFIG");
    qputenv("HOME", (dir.path() + u"/home"_s).toUtf8());
    QFile empty(dir.path() + u"/empty-kubeconfig"_s);
    QVERIFY(empty.open(QIODevice::WriteOnly));
    empty.close();
    for (const QString& kubeconfig : {empty.fileName(), QString()}) {
        // Set to an empty file, then unset with no ~/.kube/config.
        if (kubeconfig.isEmpty())
            qunsetenv("KUBECONFIG");
        else
            qputenv("KUBECONFIG", kubeconfig.toUtf8());
        DoctorOptions o;
        o.target.kubectl = kubectl;
        o.istioctl = istioctlPath();
        Doctor doctor(&runner_);
        QSignalSpy finished(&doctor, &Doctor::finished);
        QElapsedTimer timer;
        timer.start();
        doctor.run(o);
        QVERIFY(finished.wait(30000));
        qInfo("no context: the app's doctor answered in %lld ms", timer.elapsed());
        const DoctorFinding* reachable =
            DoctorFindings::find(doctor.findings(), u"cluster.reachable"_s);
        QVERIFY(reachable);
        QCOMPARE(reachable->severity, DoctorFinding::Severity::Fail);
        QCOMPARE(reachable->summary, ClusterGuidance::noContextSentence());
        QVERIFY(reachable->fixCommand.contains(u"kubectl config use-context"_s));
        QCOMPARE(doctor.outcome().verdict, DoctorOutcome::Verdict::Failed);

        QBuffer out;
        QBuffer err;
        out.open(QIODevice::WriteOnly);
        err.open(QIODevice::WriteOnly);
        cli::CliContext ctx{nullptr, &out, &err};
        const int rc = cli::Dispatcher().run(
            {u"doctor"_s, u"--kubectl"_s, kubectl, u"--istioctl"_s, istioctlPath()}, ctx);
        QCOMPARE(rc, int(cli::ExitFailure));
        const QString text = QString::fromUtf8(out.data());
        QVERIFY2(text.contains(u"No Kubernetes context"_s), qPrintable(text));
        QVERIFY2(!text.contains(u"localhost:8080"_s), qPrintable(text));
    }
    qputenv("HOME", oldHome);
    if (oldKubeconfig.isNull())
        qunsetenv("KUBECONFIG");
    else
        qputenv("KUBECONFIG", oldKubeconfig);
}

void TestDoctorSim::clusterGoneMidRun()
{
    const QString shard = qEnvironmentVariable("OBSLAB_DOCTOR_SHARD");
    if (!shard.isEmpty() && !shard.startsWith(u"2/"))
        QSKIP("runs in shard 2");
    for (const bool cli : {false, true}) {
        SimMesh sim;
        const QString why = sim.start(u"healthy-legacy"_s, {u"--no-traffic"_s});
        if (why.startsWith(u"skip: "))
            QSKIP(qPrintable(why));
        QVERIFY2(why.isEmpty(), qPrintable(why));
        // A few kubectl runs get through (the doctor's first read among them), then the server
        // refuses connections.
        QVERIFY(!sim.control(u"api/outage"_s, QJsonObject{{u"after_connections"_s, 6}}).isEmpty());
        QElapsedTimer timer;
        timer.start();
        if (!cli) {
            Doctor doctor(&runner_);
            QSignalSpy finished(&doctor, &Doctor::finished);
            doctor.run(options(sim));
            QVERIFY(finished.wait(90000));
            QCOMPARE(doctor.outcome().verdict, DoctorOutcome::Verdict::Inconclusive);
            QVERIFY2(doctor.outcome().reason.contains(u"stopped answering"_s),
                     qPrintable(doctor.outcome().reason));
            QVERIFY(doctor.outcome().reason.contains(u"kubectl cluster-info"_s));
            // The first read got through, so it is not "the cluster is unreachable".
            const DoctorFinding* reachable =
                DoctorFindings::find(doctor.findings(), u"cluster.reachable"_s);
            QVERIFY(reachable);
            QCOMPARE(reachable->severity, DoctorFinding::Severity::Pass);
        } else {
            QByteArray out;
            const int rc = runCliDoctor(sim, true, &out);
            QVERIFY2(rc == 3, out.constData());
            const QJsonObject json = QJsonDocument::fromJson(out).object();
            QCOMPARE(json.value(u"result"_s).toString(), u"inconclusive"_s);
            QVERIFY(json.value(u"reason"_s).toString().contains(u"stopped answering"_s));
        }
        qInfo("%s: inconclusive after %lld ms", cli ? "cli" : "app", timer.elapsed());
    }
}

void TestDoctorSim::scenarios_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QStringList>("expected");  // the ids of the Warn/Fail findings
    const QList<std::pair<const char*, QStringList>> rows = {
        {"healthy-legacy", {}},
        {"healthy-telemetry", {}},
        {"native-sidecars", {}},
        {"empty", {u"istio.installed"_s}},
        {"workshop-start", {u"mesh.access-log"_s, u"mesh.tracer"_s}},
        {"tracing-disabled", {u"mesh.tracing-enabled"_s}},
        {"sampling-1pct", {u"mesh.sampling"_s}},
        {"no-provider", {u"mesh.tracer"_s}},
        {"provider-bad-service", {u"mesh.provider-service"_s}},
        {"otel-provider-b3-client", {u"mesh.propagation"_s}},
        {"stale-pods", {u"workloads.restart"_s}},
        {"no-injection", {u"istio.analyze"_s, u"workloads.injection"_s, u"workloads.sidecars"_s}},
        {"pod-without-sidecar", {u"istio.analyze"_s, u"workloads.sidecars"_s}},
        {"ambient", {u"istio.mode"_s}},
        {"no-trace-id-in-log", {u"mesh.access-log"_s}},
        {"json-access-log", {u"mesh.access-log"_s}},
        {"no-jaeger", {u"jaeger.addon"_s}},
    };
    for (int i = 0; i < rows.size(); ++i)
        if (inShard(i))
            QTest::newRow(rows.at(i).first)
                << QString::fromLatin1(rows.at(i).first) << rows.at(i).second;
}

void TestDoctorSim::scenarios()
{
    QFETCH(QString, scenario);
    QFETCH(QStringList, expected);
    SimMesh sim;
    const QString why = sim.start(scenario, {u"--no-traffic"_s, u"--rollout-delay"_s, u"0"_s});
    if (why.startsWith(u"skip: "))
        QSKIP(qPrintable(why));
    QVERIFY2(why.isEmpty(), qPrintable(why));
    sim.control(u"traffic"_s, QJsonObject{{u"count"_s, 20}});

    QElapsedTimer timer;
    timer.start();
    QList<DoctorFinding> findings = runDoctor(sim, options(sim));
    qInfo("%s: doctor took %lld ms", qPrintable(scenario), timer.elapsed());
    QCOMPARE(findings.size(), DoctorChecks::all().size());
    QVERIFY2(problems(findings) == expected, qPrintable(describe(findings)));
    if (expected.isEmpty()) {
        // Healthy: every check passes; nothing is skipped (kubectl, istioctl and Jaeger are there).
        for (const DoctorFinding& f : findings)
            QVERIFY2(f.severity == DoctorFinding::Severity::Pass,
                     qPrintable(f.id + u": "_s + f.summary));
        if (scenario == u"healthy-telemetry") {
            // A port-forward aimed at the collector instead of the UI is called out.
            DoctorOptions o = options(sim);
            o.forwards = QList<DoctorForward>{{u"istio-system"_s, u"svc/jaeger-collector"_s, 9411,
                                               QUrl(u"http://127.0.0.1:9411"_s)}};
            const QList<DoctorFinding> again = runDoctor(sim, o);
            QCOMPARE(problems(again), QStringList{u"jaeger.reachable"_s});
            QVERIFY(DoctorFindings::find(again, u"jaeger.reachable"_s)
                        ->fixCommand.contains(u"svc/tracing 16686:80"_s));
        }
        if (scenario == u"healthy-legacy") {
            // The CLI on the same cluster: JSON, every check passes, exit 0.
            QByteArray out;
            const int rc = runCliDoctor(sim, true, &out);
            const QJsonObject json = QJsonDocument::fromJson(out).object();
            QVERIFY2(rc == cli::ExitOk, out.constData());
            QCOMPARE(json.value(u"result"_s).toString(), u"pass"_s);
            QCOMPARE(json.value(u"checks"_s).toArray().size(), DoctorChecks::all().size());

            // With no Jaeger URL anywhere, the CLI and the app (which knows it runs no
            // port-forward) decide every check the same way, in the same words.
            const int noJaeger = runCliDoctor(sim, false, &out);
            QVERIFY2(noJaeger == cli::ExitOk, out.constData());
            QMap<QString, QString> cliChecks;
            const QJsonArray checks =
                QJsonDocument::fromJson(out).object().value(u"checks"_s).toArray();
            for (const QJsonValue& c : checks) {
                const QJsonObject o = c.toObject();
                cliChecks.insert(o.value(u"id"_s).toString(), o.value(u"severity"_s).toString() +
                                                                  u": "_s +
                                                                  o.value(u"summary"_s).toString());
            }
            DoctorOptions app = options(sim);
            app.jaegerUrl = QUrl();
            QMap<QString, QString> appChecks;
            for (const DoctorFinding& f : runDoctor(sim, app))
                appChecks.insert(f.id,
                                 DoctorFindings::severityName(f.severity) + u": "_s + f.summary);
            QCOMPARE(appChecks.size(), DoctorChecks::all().size());
            QCOMPARE(cliChecks, appChecks);
            QVERIFY(appChecks.value(u"jaeger.reachable"_s).startsWith(u"skipped: "_s));
        }
        return;
    }

    // Each finding's Fix, run against the sim, turns it green.
    for (const QString& id : expected) {
        const DoctorFinding* f = DoctorFindings::find(findings, id);
        QVERIFY(f);
        if (!f->isProblem())
            continue;  // an earlier fix already cured it (e.g. injection also cures IST0102)
        QVERIFY2(f->hasFix(), qPrintable(id + u" has no runnable fix"_s));
        QVERIFY(!f->fixCommand.isEmpty());
        QString failure;
        QVERIFY2(runSteps(f->fixSteps, &failure), qPrintable(id + u": "_s + failure));
        sim.control(u"traffic"_s, QJsonObject{{u"count"_s, 20}});
        findings = runDoctor(sim, options(sim));
        const DoctorFinding* after = DoctorFindings::find(findings, id);
        QVERIFY(after);
        QVERIFY2(!after->isProblem(),
                 qPrintable(u"after the fix for %1:\n%2"_s.arg(id, describe(findings))));
    }
}

QTEST_GUILESS_MAIN(TestDoctorSim)
#include "tst_doctor_sim.moc"
