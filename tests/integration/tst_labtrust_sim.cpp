// The lab trust model end to end (issue #17, "Done when"): `obslab lab run --yes` on a lab of every
// allowed command (tests/labs/allowed/every-command.yaml) against the simulated mesh (tests/sim,
// test equipment), with PATH holding only shims (tests/helpers/execshim.cpp) that log every
// program started: kubectl and istioctl (which go on to the real kubectl and the sim's istioctl)
// and tripwires named like programs no lab may start (sh, vi, less, diff…). From the log: only
// kubectl and istioctl ran; every lab command ran in a scrubbed environment with stdin closed;
// every command line is one the run printed; every change is one `lab plan` showed; and nothing
// was written outside the run's own folder (HOME, TMPDIR and the lab's folder compared before and
// after). The recording the run writes is mode 0600.
#include "SimMesh.h"

#include "core/lab/LabLoader.h"
#include "core/lab/LabPlan.h"
#include "core/process/CommandSpec.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

struct Exec
{
    QString name;
    QString env;    // scrubbed variables that were set
    QString stdin;  // eof, data, tty, open, none, file
    QStringList args;
    QByteArray input;
};

QList<Exec> readLog(const QString& path)
{
    QList<Exec> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        const QList<QByteArray> fields = line.split('\x1e');
        Exec e;
        e.name = QString::fromUtf8(fields.value(0));
        e.env = QString::fromUtf8(fields.value(1));
        e.stdin = QString::fromUtf8(fields.value(2));
        if (!fields.value(3).isEmpty())
            for (const QByteArray& a : fields.value(3).split('\x1f'))
                e.args << QString::fromUtf8(a);
        e.input = fields.value(4);
        e.input.replace('\x1d', '\n');
        out << e;
    }
    return out;
}

// Every file and folder under `dir` (hidden ones too, links not followed) with its content's
// hash and mode: two snapshots are equal when nothing was created, removed or changed.
QMap<QString, QByteArray> snapshot(const QString& dir)
{
    QMap<QString, QByteArray> out;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QFileInfo info = it.fileInfo();
        QByteArray value = QByteArray::number(int(info.permissions()), 16);
        if (info.isSymLink()) {
            value += " link " + info.symLinkTarget().toUtf8();
        } else if (info.isFile()) {
            QFile f(path);
            if (f.open(QIODevice::ReadOnly))
                value +=
                    ' ' + QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
        } else {
            value += " dir";
        }
        out.insert(QDir(dir).relativeFilePath(path), value);
    }
    return out;
}

bool copyTree(const QString& from, const QString& to)
{
    QDirIterator it(from, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString target = to + u'/' + QDir(from).relativeFilePath(path);
        if (!QDir().mkpath(QFileInfo(target).path()) || !QFile::copy(path, target))
            return false;
    }
    return true;
}

// The command without what ObsLab adds to every lab command (--kubeconfig, --context, and the
// lab's namespace when the command names none): what the lab wrote, substituted.
QStringList labWords(QStringList args, const QString& labNs)
{
    for (const QString& flag : {u"--kubeconfig"_s, u"--context"_s}) {
        const qsizetype i = args.indexOf(flag);
        if (i >= 0)
            args.remove(i, 2);
    }
    for (qsizetype i = 0; i + 1 < args.size(); ++i)
        if (args.at(i) == u"-n" && args.at(i + 1) == labNs &&
            (i + 2 == args.size() || args.at(i + 2) == u"-f"))
            args.remove(i, 2);
    return args;
}

}  // namespace

class TestLabTrustSim : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void everyAllowedCommandAndNothingElse();

private:
    QByteArray runObslab(const QStringList& args, const QProcessEnvironment& env, int* code,
                         const QString& workDir);
    SimMesh sim_;
    QString python_;
};

void TestLabTrustSim::initTestCase()
{
    const QString error = sim_.start(u"healthy-telemetry"_s, {u"--no-traffic"_s});
    if (error.startsWith(u"skip: "))
        QSKIP(qPrintable(error.mid(6)));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    // The interpreter itself (python3 on PATH may be a wrapper script that needs a shell).
    QProcess py;
    py.start(QStandardPaths::findExecutable(u"python3"_s),
             {u"-c"_s, u"import sys; print(sys.executable)"_s});
    QVERIFY(py.waitForFinished(30000));
    python_ = QString::fromUtf8(py.readAllStandardOutput()).trimmed();
    QVERIFY2(QFileInfo(python_).isExecutable(), qPrintable(python_));
}

QByteArray TestLabTrustSim::runObslab(const QStringList& args, const QProcessEnvironment& env,
                                      int* code, const QString& workDir)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.setWorkingDirectory(workDir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QString::fromUtf8(OBSLAB_BINARY), args);
    if (!p.waitForStarted(10000))
        return {};
    // stdin stays open with answers waiting: a child that inherited it would read them.
    p.write("yes\ny\n");
    if (!p.waitForFinished(300000))
        p.kill();
    *code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return p.readAll();
}

void TestLabTrustSim::everyAllowedCommandAndNothingElse()
{
    QTemporaryDir root;
    QVERIFY(root.isValid());
    const QDir r(root.path());
    for (const QString& d : {u"shims"_s, u"home/.config"_s, u"tmp"_s, u"run"_s, u"lab"_s})
        QVERIFY(r.mkpath(d));
    {
        QFile profile(r.filePath(u"home/.profile"_s));
        QVERIFY(profile.open(QIODevice::WriteOnly) && profile.write("# a user's file\n") > 0);
    }
    const QString labDir = r.filePath(u"lab"_s);
    QVERIFY(copyTree(QString::fromUtf8(OBSLAB_SOURCE_DIR) + u"/tests/labs/allowed"_s, labDir));
    const QString lab = labDir + u"/every-command.yaml"_s;
    const QString shim = QString::fromUtf8(OBSLAB_HELPERS_DIR) + u"/obslab_execshim"_s;
    const QStringList tripwires = {u"sh"_s,      u"bash"_s, u"dash"_s,   u"vi"_s,
                                   u"vim"_s,     u"nano"_s, u"editor"_s, u"sensible-editor"_s,
                                   u"less"_s,    u"more"_s, u"pager"_s,  u"diff"_s,
                                   u"git"_s,     u"curl"_s, u"ssh"_s,    u"python3"_s,
                                   u"xdg-open"_s};
    for (const QString& name : QStringList{u"kubectl"_s, u"istioctl"_s} + tripwires)
        QVERIFY(QFile::link(shim, r.filePath(u"shims/"_s + name)));
    const QString run = r.filePath(u"run"_s);
    const QString log = run + u"/exec.log"_s;

    QProcessEnvironment env;
    env.insert(u"PATH"_s, r.filePath(u"shims"_s));
    env.insert(u"HOME"_s, r.filePath(u"home"_s));
    env.insert(u"TMPDIR"_s, r.filePath(u"tmp"_s));
    env.insert(u"LANG"_s, u"C.UTF-8"_s);
    env.insert(u"QT_QPA_PLATFORM"_s, u"offscreen"_s);
    // Everything the run may write goes into its own folder: ObsLab's settings and state, and
    // kubectl's discovery cache (KUBECACHEDIR, kubectl ≥ 1.30).
    for (const QString& xdg : {u"XDG_CONFIG_HOME"_s, u"XDG_DATA_HOME"_s, u"XDG_CACHE_HOME"_s,
                               u"XDG_STATE_HOME"_s, u"XDG_RUNTIME_DIR"_s})
        env.insert(xdg, run + u'/' + xdg.toLower());
    env.insert(u"KUBECACHEDIR"_s, run + u"/kube-cache"_s);
    // What would start another program if it reached a lab command: each names a tripwire.
    env.insert(u"EDITOR"_s, r.filePath(u"shims/vi"_s));
    env.insert(u"VISUAL"_s, r.filePath(u"shims/vim"_s));
    env.insert(u"KUBE_EDITOR"_s, r.filePath(u"shims/nano"_s));
    env.insert(u"PAGER"_s, r.filePath(u"shims/less"_s));
    env.insert(u"KUBECTL_EXTERNAL_DIFF"_s, r.filePath(u"shims/diff"_s));
    env.insert(u"OBSLAB_SHIM_LOG"_s, log);
    env.insert(u"OBSLAB_SHIM_KUBECTL"_s, sim_.kubectl());
    env.insert(u"OBSLAB_SHIM_PYTHON"_s, python_);
    env.insert(u"OBSLAB_SHIM_ISTIOCTL"_s,
               QString::fromUtf8(OBSLAB_SOURCE_DIR) + u"/tests/sim/istioctl"_s);

    const auto home = snapshot(r.filePath(u"home"_s));
    const auto tmp = snapshot(r.filePath(u"tmp"_s));
    const auto labFiles = snapshot(labDir);
    QVERIFY(labFiles.size() >= 4);

    // The plan, as a person would read it before saying yes.
    int code = -1;
    const QString plan =
        QString::fromUtf8(runObslab({u"lab"_s, u"plan"_s, lab}, env, &code, r.path()));
    QVERIFY2(code == 0, qPrintable(plan));

    const QString record = run + u"/run.ndjson"_s;
    const QString output = QString::fromUtf8(runObslab(
        {u"lab"_s, u"run"_s, lab, u"--yes"_s, u"--teardown"_s, u"--context"_s, u"obslab-sim"_s,
         u"--kubeconfig"_s, sim_.target().kubeconfig, u"--record"_s, record},
        env, &code, r.path()));
    QVERIFY2(code == 0, qPrintable(output));
    QVERIFY2(output.contains(u"Passed: 3 of 3 steps done"_s), qPrintable(output));
    QVERIFY(output.contains(u"Teardown done."_s));

    const QList<Exec> execs = readLog(log);
    QVERIFY(execs.size() >= 40);
    QStringList shown;  // the command lines the run printed
    for (const QString& line : output.split(u'\n'))
        if (line.startsWith(u"$ "_s) || line.startsWith(u"  $ "_s) || line.startsWith(u"check: "_s))
            shown << line;
    const LabLoadResult loaded = LabLoader::loadFile(lab);
    QVERIFY(loaded.ok());
    const QString labNs = u"default"_s;
    const QStringList readVerbs = {u"get"_s,          u"describe"_s, u"logs"_s,
                                   u"wait"_s,         u"version"_s,  u"api-resources"_s,
                                   u"api-versions"_s, u"explain"_s,  u"events"_s,
                                   u"cluster-info"_s, u"analyze"_s,  u"proxy-config"_s};
    bool labStarted = false;
    int changes = 0;
    for (const Exec& e : execs) {
        const QString what = e.name + u' ' + e.args.join(u' ');
        // Only kubectl and istioctl; never a tripwire.
        QVERIFY2(e.name == u"kubectl" || e.name == u"istioctl", qPrintable(what));
        QVERIFY2(e.stdin == u"eof" || e.stdin == u"data", qPrintable(e.stdin + u": "_s + what));
        // Scrubbed environment for everything the run started (ObsLab's own calls included).
        QVERIFY2(e.env.isEmpty(), qPrintable(e.env + u" reached: "_s + what));
        const QString verb = e.args.value(0);
        if (e.name == u"kubectl" && verb == u"config" && !labStarted) {
            // ObsLab's own look at the kubeconfig to find the context, before the lab: reads.
            const QString sub = e.args.value(1);
            QVERIFY2(sub == u"get-contexts" || sub == u"current-context" || sub == u"view",
                     qPrintable(what));
            continue;
        }
        labStarted = true;
        // A lab command: stdin closed unless it carries the manifest.
        const QStringList words = labWords(e.args, labNs);
        QCOMPARE(e.stdin == u"data", words.contains(u"-"_s));
        // The run printed it: the same words, shell-quoted, on a "$ " line.
        QStringList quoted;
        for (const QString& a : e.args)
            quoted << shellQuote(a);
        const QString printed = e.name + u' ' + quoted.join(u' ');
        // (A check prints the lab's words: "check: kubectl get … succeeds ... pass".)
        const QString checkWords = u"check: "_s + e.name + u' ' + words.join(u' ') + u" succeeds"_s;
        bool found = false;
        for (const QString& s : shown)
            found = found || s.contains(printed) || s.startsWith(checkWords);
        QVERIFY2(found, qPrintable(u"not shown: "_s + printed));

        const bool reads =
            readVerbs.contains(verb) || (verb == u"rollout" && e.args.value(1) == u"status");
        if (reads)
            continue;
        // A change: the plan showed it.
        ++changes;
        const QString line = e.name + u' ' + words.join(u' ');
        if (plan.contains(u"  - "_s + line + u'\n') || plan.contains(u"  - "_s + line + u" ["_s))
            continue;
        if (e.stdin == u"data") {
            // apply/delete of a lab manifest: every object in it is in the plan's list.
            const QStringList objects = describeManifest(e.input, labNs);
            QVERIFY2(!objects.isEmpty(), e.input.constData());
            for (const QString& o : objects)
                QVERIFY2(plan.contains(u"  - "_s + o +
                                       (verb == u"delete" ? u" [deletes]"_s : QString())),
                         qPrintable(o));
            continue;
        }
        if (verb == u"rollout" && e.args.value(1) == u"restart") {
            const QString d = words.value(2).section(u'/', 1);
            QVERIFY2(plan.contains(u"restart deployment %1 (namespace %2)"_s.arg(d, labNs)),
                     qPrintable(what));
            continue;
        }
        if (e.name == u"istioctl" && verb == u"install" && words.value(1) == u"-f") {
            const QString file = QDir(labDir).relativeFilePath(words.value(2));
            QVERIFY2(plan.contains(u"install or reconfigure Istio with %1"_s.arg(file)),
                     qPrintable(what));
            continue;
        }
        QFAIL(qPrintable(u"a change the plan did not show: "_s + line + u"\n"_s + plan));
    }
    QVERIFY(changes >= 15);
    // Every kubectl/istioctl action and check of the lab ran (the lab is the allow table).
    for (const LabStep& s : loaded.lab->steps) {
        for (const LabAction& a : s.actions) {
            if (a.kind != LabActionKind::Kubectl && a.kind != LabActionKind::Istioctl)
                continue;
            const QStringList want = [&] {
                QStringList w;
                for (const QString& x : a.args)
                    w << substituteVariables(
                        x, {{u"manifest"_s, u"manifests/app.yaml"_s}, {u"namespace"_s, labNs}});
                return w;
            }();
            bool ran = false;
            for (const Exec& e : execs)
                ran = ran ||
                      (e.name == labActionKindKey(a.kind) && e.args.mid(0, want.size()) == want);
            QVERIFY2(ran, qPrintable(want.join(u' ')));
        }
    }
    // Files read: only the lab's own, and the plan listed each.
    for (const QString& f : {u"manifests/app.yaml"_s, u"manifests/istio.yaml"_s})
        QVERIFY2(plan.contains(u"  - "_s + f + u'\n'), qPrintable(plan));

    // Nothing written outside the run's own folder.
    QCOMPARE(snapshot(r.filePath(u"home"_s)), home);
    QCOMPARE(snapshot(r.filePath(u"tmp"_s)), tmp);
    QCOMPARE(snapshot(labDir), labFiles);
    // The recording is private from its creation (mode 0600).
    struct stat st = {};
    QCOMPARE(::stat(QFile::encodeName(record).constData(), &st), 0);
    QCOMPARE(int(st.st_mode & 07777), 0600);
}

QTEST_GUILESS_MAIN(TestLabTrustSim)
#include "tst_labtrust_sim.moc"
