// LabRunner on its own: a lab read by LabLoader, run against a stand-in kubectl (a /bin/sh script
// that logs every call and answers a few reads) — actions and checks, a passing check, a failing
// one with its reason and its hint (through `obslab lab run`), a stopped run, variables
// substituted into what really runs, a command refused at run time that never starts, and
// secret values redacted in the output.
#include "core/cli/Cli.h"
#include "core/lab/LabHost.h"
#include "core/lab/LabLoader.h"
#include "core/lab/LabRunner.h"
#include "core/process/CommandRunner.h"

#include <QBuffer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

// Only shell builtins (lab commands run with a scrubbed environment), and /bin/sleep for a
// command that is still running when the run is stopped.
constexpr auto kFakeKubectl =
    "#!/bin/sh\n"
    "printf '%s\\n' \"$*\" >> \"@DIR@/calls.log\"\n"
    "case \"$*\" in\n"
    "*\"version --client\"*)\n"
    "    echo '{\"clientVersion\":{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.4\"}}' "
    ";;\n"
    "\"config get-contexts\"*) echo \"kind-unit\" ;;\n"
    "\"config current-context\"*) echo \"kind-unit\" ;;\n"
    "\"config view\"*)\n"
    "    case \"$*\" in\n"
    "    *namespace*) printf '%s' \"lab\" ;;\n"
    "    *server*) printf '%s' \"https://127.0.0.1:40443\" ;;\n"
    "    esac ;;\n"
    "*\"get deployment web \"*)\n"
    "    echo "
    "'{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"generation\":2},\"spec\":{"
    "\"replicas\":2},\"status\":{\"observedGeneration\":2,\"replicas\":2,\"updatedReplicas\":2,"
    "\"readyReplicas\":2,\"availableReplicas\":2}}' ;;\n"
    "*\"get deployment slow \"*)\n"
    "    echo "
    "'{\"kind\":\"Deployment\",\"metadata\":{\"name\":\"slow\",\"generation\":1},\"spec\":{"
    "\"replicas\":3},\"status\":{\"observedGeneration\":1,\"replicas\":3,\"updatedReplicas\":3,"
    "\"readyReplicas\":1,\"availableReplicas\":1}}' ;;\n"
    "*\"get configmap creds \"*)\n"
    "    printf 'apiVersion: v1\\nkind: Secret\\nmetadata:\\n  name: creds\\ndata:\\n  password: "
    "aHVudGVyMg==\\n'\n"
    "    echo \"user: admin\" >&2; echo \"Authorization: Bearer s3cr3t-t0ken\" >&2 ;;\n"
    "*\"get configmap \"*) echo \"configmap found: $3\" ;;\n"
    "*\"get pods wait\"*) exec /bin/sleep 30 ;;\n"
    "*) echo \"error: stand-in kubectl: unexpected arguments: $*\" >&2; exit 1 ;;\n"
    "esac\n";

constexpr auto kLab = "obslab-lab: 1\n"
                      "id: unit-lab\n"
                      "title: Unit lab\n"
                      "variables:\n"
                      "  namespace: lab\n"
                      "  app: web\n"
                      "  target: lab\n"
                      "namespaces: [lab]\n"
                      "steps:\n"
                      "- id: deploy\n"
                      "  title: Deploy\n"
                      "  actions:\n"
                      "  - kubectl: [get, configmap, \"${app}-config\", -o, name]\n"
                      "  checks:\n"
                      "  - rolloutReady: {deployment: \"${app}\"}\n"
                      "    hint: The ${app} pods are not ready.\n"
                      "- id: broken\n"
                      "  title: Broken\n"
                      "  checks:\n"
                      "  - rolloutReady: {deployment: slow}\n"
                      "    hint: Look at `kubectl describe deployment slow` in ${namespace}.\n"
                      "    timeout: 2s\n"
                      "    every: 1s\n"
                      "- id: secrets\n"
                      "  title: Secrets\n"
                      "  actions:\n"
                      "  - kubectl: [get, configmap, creds, -o, yaml]\n"
                      "- id: refused\n"
                      "  title: Refused\n"
                      "  actions:\n"
                      "  - kubectl: [delete, configmap, old, -n, \"${target}\"]\n"
                      "- id: long\n"
                      "  title: Long\n"
                      "  actions:\n"
                      "  - kubectl: [get, pods, wait]\n";

class YesHost : public LabHost
{
public:
    bool confirm(const QString&, const QString&) override { return true; }
};

}  // namespace

class TestLabRunner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void passingCheckAndSubstitution();
    void failingCheckSaysWhy();
    void failingCheckPrintsItsHint();
    void refusedCommandNeverStarts();
    void secretValuesAreRedacted();
    void stopEndsTheRun();
    void nothingRunsBeforeThePlanIsAccepted();

private:
    Lab loadLab() const;
    LabRunnerOptions options(const QHash<QString, QString>& variables = {}) const;
    QStringList calls() const;

    QTemporaryDir dir_;
    QString kubectl_;
};

void TestLabRunner::initTestCase()
{
    QVERIFY(dir_.isValid());
    kubectl_ = dir_.filePath(u"kubectl"_s);
    QFile script(kubectl_);
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write(QString::fromUtf8(kFakeKubectl).replace(u"@DIR@"_s, dir_.path()).toUtf8());
    script.close();
    QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    QFile lab(dir_.filePath(u"lab.yaml"_s));
    QVERIFY(lab.open(QIODevice::WriteOnly));
    lab.write(kLab);
}

void TestLabRunner::init()
{
    QFile::remove(dir_.filePath(u"calls.log"_s));
}

Lab TestLabRunner::loadLab() const
{
    const LabLoadResult loaded = LabLoader::loadFile(dir_.filePath(u"lab.yaml"_s));
    for (const LabIssue& issue : loaded.errors)
        qWarning().noquote() << issue.toString();
    return loaded.lab.value_or(Lab{});
}

LabRunnerOptions TestLabRunner::options(const QHash<QString, QString>& variables) const
{
    LabRunnerOptions o;
    o.kube.kubectl = kubectl_;
    o.kube.context = u"kind-unit"_s;
    o.guardMutations = false;
    o.variables = variables;
    return o;
}

QStringList TestLabRunner::calls() const
{
    QFile log(dir_.filePath(u"calls.log"_s));
    if (!log.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(log.readAll()).split(u'\n', Qt::SkipEmptyParts);
}

void TestLabRunner::passingCheckAndSubstitution()
{
    const Lab lab = loadLab();
    QVERIFY(!lab.steps.isEmpty());
    CommandRunner commands;
    YesHost host;
    LabRunner runner(lab, &commands, &host, options({{u"app"_s, u"web"_s}}));
    runner.acceptPlan();
    // The command line shown is the one that runs: in the lab's folder (where its files are),
    // variables substituted, the lab's namespace and the chosen context added.
    QCOMPARE(runner.actionCommandLine(u"deploy"_s, 0),
             u"(cd %1 && %2 get configmap web-config -o name --context kind-unit -n lab)"_s.arg(
                 lab.dir, kubectl_));

    QSignalSpy output(&runner, &LabRunner::actionOutput);
    QSignalSpy actions(&runner, &LabRunner::actionFinished);
    QSignalSpy checks(&runner, &LabRunner::checkFinished);
    QSignalSpy finished(&runner, &LabRunner::finished);
    runner.runStep(u"deploy"_s);
    QVERIFY(runner.isBusy());
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(0).toBool(), true);
    QCOMPARE(runner.stepState(u"deploy"_s), LabStepState::Passed);
    QCOMPARE(actions.size(), 1);
    QCOMPARE(actions.first().at(2).toBool(), true);
    QCOMPARE(output.first().at(2).toString(), u"configmap found: web-config"_s);
    QCOMPARE(checks.size(), 1);
    QCOMPARE(checks.first().at(2).toBool(), true);
    QCOMPARE(checks.first().at(3).toString(), u"deployment/web: 2/2 ready"_s);
    const QStringList ran = calls();
    QCOMPARE(ran.value(0), u"get configmap web-config -o name --context kind-unit -n lab"_s);
    QCOMPARE(ran.value(1), u"get deployment web --context kind-unit -n lab -o json"_s);
    QCOMPARE(runner.doneCount(), 1);
    QCOMPARE(runner.currentStepId(), u"broken"_s);
}

void TestLabRunner::failingCheckSaysWhy()
{
    CommandRunner commands;
    YesHost host;
    const Lab lab = loadLab();
    QVERIFY(!lab.steps.isEmpty());
    LabRunner runner(lab, &commands, &host, options());
    runner.acceptPlan();
    QSignalSpy attempts(&runner, &LabRunner::checkAttemptFailed);
    QSignalSpy checks(&runner, &LabRunner::checkFinished);
    QSignalSpy finished(&runner, &LabRunner::finished);
    runner.runStep(u"broken"_s);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QCOMPARE(runner.stepState(u"broken"_s), LabStepState::Failed);
    // Tried again every second until its two seconds were up, then failed with the reason.
    QCOMPARE(attempts.size(), 1);
    QCOMPARE(checks.size(), 1);
    QCOMPARE(checks.first().at(2).toBool(), false);
    QCOMPARE(checks.first().at(3).toString(), u"deployment/slow: 1 of 3 pods updated and ready"_s);
    QCOMPARE(calls().filter(u"get deployment slow"_s).size(), 2);
}

void TestLabRunner::failingCheckPrintsItsHint()
{
    // `obslab lab run` prints a failed check's reason and its hint, variables substituted.
    QBuffer in;
    QBuffer out;
    QBuffer err;
    in.open(QIODevice::ReadOnly);
    out.open(QIODevice::WriteOnly);
    err.open(QIODevice::WriteOnly);
    cli::Dispatcher d;
    const int code =
        d.run({u"lab"_s, u"run"_s, dir_.filePath(u"lab.yaml"_s), u"--step"_s, u"broken"_s,
               u"--yes"_s, u"--kubectl"_s, kubectl_, u"--context"_s, u"kind-unit"_s},
              {&in, &out, &err});
    const QString text = QString::fromUtf8(out.data());
    QVERIFY2(code == 1, qPrintable(text + QString::fromUtf8(err.data())));
    QVERIFY2(text.contains(u"deployment/slow: 1 of 3 pods updated and ready"_s), qPrintable(text));
    QVERIFY2(text.contains(u"Look at `kubectl describe deployment slow` in lab."_s),
             qPrintable(text));
    QVERIFY(!text.contains(u"${namespace}"_s));
}

void TestLabRunner::refusedCommandNeverStarts()
{
    // The lab passes lint with its defaults; --set target=kube-system makes the same action
    // change a system namespace, which the runner checks again on the values in effect.
    CommandRunner commands;
    YesHost host;
    const Lab lab = loadLab();
    QVERIFY(!lab.steps.isEmpty());
    LabRunner runner(lab, &commands, &host, options({{u"target"_s, u"kube-system"_s}}));
    runner.acceptPlan();
    QSignalSpy actions(&runner, &LabRunner::actionFinished);
    QSignalSpy finished(&runner, &LabRunner::finished);
    runner.runStep(u"refused"_s);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QCOMPARE(actions.size(), 1);
    QCOMPARE(actions.first().at(2).toBool(), false);
    const QString message = actions.first().at(3).toString();
    QVERIFY2(message.startsWith(u"Refused: "_s) && message.contains(u"kube-system"_s),
             qPrintable(message));
    QVERIFY2(calls().filter(u"delete"_s).isEmpty(), qPrintable(calls().join(u'\n')));
    QCOMPARE(runner.stepState(u"refused"_s), LabStepState::Failed);

    // With the defaults the same action runs (and the stand-in answers it with an error).
    LabRunner defaults(lab, &commands, &host, options());
    defaults.acceptPlan();
    QSignalSpy done(&defaults, &LabRunner::finished);
    defaults.runStep(u"refused"_s);
    QVERIFY(done.wait(20000));
    QCOMPARE(calls().filter(u"delete configmap old -n lab"_s).size(), 1);
}

void TestLabRunner::secretValuesAreRedacted()
{
    CommandRunner commands;
    YesHost host;
    const Lab lab = loadLab();
    QVERIFY(!lab.steps.isEmpty());
    LabRunner runner(lab, &commands, &host, options());
    runner.acceptPlan();
    QSignalSpy output(&runner, &LabRunner::actionOutput);
    QSignalSpy finished(&runner, &LabRunner::finished);
    runner.runStep(u"secrets"_s);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(0).toBool(), true);
    QStringList lines;
    for (const QList<QVariant>& signal : std::as_const(output))
        lines << signal.at(2).toString();
    const QString all = lines.join(u'\n');
    QVERIFY2(all.contains(u"kind: Secret"_s), qPrintable(all));
    QVERIFY2(all.contains(u"password: <redacted>"_s), qPrintable(all));
    QVERIFY2(!all.contains(u"aHVudGVyMg=="_s), qPrintable(all));
    QVERIFY2(!all.contains(u"s3cr3t-t0ken"_s), qPrintable(all));
    QVERIFY2(all.contains(u"user: admin"_s), qPrintable(all));
}

void TestLabRunner::stopEndsTheRun()
{
    CommandRunner commands;
    YesHost host;
    const Lab lab = loadLab();
    QVERIFY(!lab.steps.isEmpty());
    LabRunner runner(lab, &commands, &host, options());
    runner.acceptPlan();
    QSignalSpy started(&runner, &LabRunner::actionStarted);
    QSignalSpy finished(&runner, &LabRunner::finished);
    QSignalSpy busy(&runner, &LabRunner::busyChanged);
    runner.runStep(u"long"_s);
    QVERIFY(started.wait(20000) || started.size() == 1);
    // Stopped while the command still runs: the run ends at once, the step is failed, and a
    // new run is accepted.
    QTRY_VERIFY_WITH_TIMEOUT(calls().filter(u"get pods wait"_s).size() == 1, 20000);
    runner.cancel();
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished.first().at(0).toBool(), false);
    QVERIFY(!runner.isBusy());
    QCOMPARE(busy.last().at(0).toBool(), false);
    QCOMPARE(runner.stepState(u"long"_s), LabStepState::Failed);
    finished.clear();
    runner.runStep(u"deploy"_s);
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(0).toBool(), true);
}

void TestLabRunner::nothingRunsBeforeThePlanIsAccepted()
{
    CommandRunner commands;
    YesHost host;
    const Lab lab = loadLab();
    QVERIFY(!lab.steps.isEmpty());
    LabRunner runner(lab, &commands, &host, options());
    QSignalSpy refused(&runner, &LabRunner::refused);
    runner.runStep(u"deploy"_s);
    runner.runAll();
    QCOMPARE(refused.size(), 2);
    QVERIFY(!runner.isBusy());
    runner.runStep(u"no-such-step"_s);
    QCOMPARE(refused.size(), 3);
    QVERIFY(calls().isEmpty());
}

QTEST_GUILESS_MAIN(TestLabRunner)
#include "tst_labrunner.moc"
