#include "core/process/Transcript.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using obslab::CommandResult;
using obslab::CommandSpec;
using obslab::CommandStatus;
using obslab::Transcript;
using obslab::TranscriptEntry;

namespace {

QDateTime at(int minute, int second)
{
    return QDateTime(QDate(2026, 1, 2), QTime(3, minute, second), Qt::UTC);
}

CommandSpec spec(const QString& title, const QStringList& arguments,
                 const QByteArray& stdinData = {})
{
    CommandSpec s;
    s.program = u"kubectl"_s;
    s.title = title;
    s.arguments = arguments;
    s.stdinData = stdinData;
    return s;
}

CommandResult result(CommandStatus status, int exitCode, qint64 durationMs,
                     const QString& message = {})
{
    CommandResult r;
    r.status = status;
    r.exitCode = exitCode;
    r.durationMs = durationMs;
    r.message = message;
    return r;
}

// The transcript of a short lab session, used by both export tests.
void record(Transcript& t)
{
    quint64 id =
        t.begin(spec(u"Read the current kube context"_s, {u"config"_s, u"current-context"_s}),
                false, at(4, 5));
    t.appendOutput(id, "kind-lab", false);
    t.finish(id, result(CommandStatus::Succeeded, 0, 12));

    id = t.begin(spec(u"Create the demo Secret"_s, {u"apply"_s, u"-f"_s, u"-"_s},
                      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n"
                      "  password: hunter2\n"),
                 false, at(5, 0));
    t.appendOutput(id, "secret/db created", false);
    t.finish(id, result(CommandStatus::Succeeded, 0, 340));

    id = t.begin(spec(QString(), {u"--token"_s, u"abc"_s, u"get"_s, u"pods"_s, u"-n"_s, u"it's"_s}),
                 false, at(5, 30));
    t.appendOutput(id, "Error from server (Forbidden): ```denied```", true);
    t.finish(id, result(CommandStatus::Failed, 1, 50, u"kubectl exited with code 1."_s));

    id = t.begin(spec(u"Follow the proxy logs"_s,
                      {u"logs"_s, u"-f"_s, u"deploy/productpage"_s, u"-c"_s, u"istio-proxy"_s}),
                 true, at(6, 0));
    t.appendOutput(id, "[2026-01-02T03:06:01Z] \"GET / HTTP/1.1\" 200", false);
}

}  // namespace

class TestTranscript : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void entries();
    void redaction_data();
    void redaction();
    void outputRedactedAgainAtFinish();
    void markdown();
    void shellScript();
    void heredocDelimiterAvoidsCollision();
    void outputCap();
    void unknownIdsAndClear();
};

void TestTranscript::entries()
{
    Transcript t;
    QAbstractItemModelTester tester(&t, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QSignalSpy added(&t, &Transcript::entryAdded);
    QSignalSpy appended(&t, &Transcript::entryOutputAppended);
    QSignalSpy finished(&t, &Transcript::entryFinished);

    CommandSpec s = spec(u"List pods"_s, {u"get"_s, u"pods"_s, u"-l"_s, u"app in (a,b)"_s});
    s.environment.insert(u"KUBECONFIG"_s, u"/tmp/kc"_s);
    const quint64 id = t.begin(s, false, at(1, 2));
    QCOMPARE(added.size(), 1);
    QCOMPARE(t.rowCount(), 1);
    const QModelIndex row = t.index(0);
    QCOMPARE(row.data().toString(), u"KUBECONFIG=/tmp/kc kubectl get pods -l 'app in (a,b)'"_s);
    QCOMPARE(row.data(Transcript::EntryIdRole).toULongLong(), id);
    QCOMPARE(row.data(Transcript::RunningRole).toBool(), true);
    QCOMPARE(row.data(Qt::ToolTipRole).toString(), u"List pods"_s);

    t.appendOutput(id, "NAME  READY", false);
    t.appendOutput(id, "warning: x", true);
    QCOMPARE(appended.size(), 2);
    QCOMPARE(appended.at(1).at(1).toString(), u"warning: x"_s);
    const TranscriptEntry* e = t.entry(id);
    QVERIFY(e);
    QVERIFY(e->running);
    QCOMPARE(e->durationMs, -1);
    QCOMPARE(e->output, u"NAME  READY\nwarning: x\n"_s);

    t.finish(id, result(CommandStatus::Failed, 2, 77, u"kubectl exited with code 2."_s));
    QCOMPARE(finished.size(), 1);
    e = t.entry(id);
    QVERIFY(!e->running);
    QCOMPARE(e->title, u"List pods"_s);
    QCOMPARE(e->program, u"kubectl"_s);
    QCOMPARE(e->arguments, (QStringList{u"get"_s, u"pods"_s, u"-l"_s, u"app in (a,b)"_s}));
    QCOMPARE(e->startedAt, at(1, 2));
    QCOMPARE(e->durationMs, 77);
    QCOMPARE(e->status, CommandStatus::Failed);
    QCOMPARE(e->exitCode, 2);
    QCOMPARE(e->message, u"kubectl exited with code 2."_s);
    QCOMPARE(row.data(Transcript::StatusRole).toInt(), int(CommandStatus::Failed));
    QCOMPARE(row.data(Transcript::RunningRole).toBool(), false);
}

void TestTranscript::redaction_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("envName");
    QTest::addColumn<QString>("envValue");
    QTest::addColumn<QByteArray>("stdinData");
    QTest::addColumn<QByteArrayList>("output");
    QTest::addColumn<QStringList>("expectedArguments");
    QTest::addColumn<QString>("expectedShellLine");
    QTest::addColumn<QString>("expectedStdin");
    QTest::addColumn<QString>("expectedOutput");

    QTest::newRow("token-argument")
        << QStringList{u"--token"_s, u"s3cr3t"_s, u"get"_s, u"ns"_s} << QString() << QString()
        << QByteArray() << QByteArrayList{}
        << QStringList{u"--token"_s, u"<redacted>"_s, u"get"_s, u"ns"_s}
        << u"kubectl --token '<redacted>' get ns"_s << QString() << QString();
    QTest::newRow("secret-environment")
        << QStringList{u"version"_s} << u"MY_API_TOKEN"_s << u"abc"_s << QByteArray()
        << QByteArrayList{} << QStringList{u"version"_s}
        << u"MY_API_TOKEN='<redacted>' kubectl version"_s << QString() << QString();
    QTest::newRow("secret-stdin")
        << QStringList{u"apply"_s, u"-f"_s, u"-"_s} << QString() << QString()
        << QByteArray("kind: Secret\nmetadata:\n  name: x\ndata:\n  key: dmFsdWU=\n")
        << QByteArrayList{"secret/x configured"} << QStringList{u"apply"_s, u"-f"_s, u"-"_s}
        << u"kubectl apply -f -  # stdin: 55 bytes"_s
        << u"kind: Secret\nmetadata:\n  name: x\ndata:\n  key: <redacted>\n"_s
        << u"secret/x configured\n"_s;
    QTest::newRow("secret-in-output")
        << QStringList{u"get"_s, u"secret"_s, u"x"_s, u"-o"_s, u"yaml"_s} << QString() << QString()
        << QByteArray() << QByteArrayList{"apiVersion: v1", "data:",     "  key: dmFsdWU=",
                                          "kind: Secret",   "metadata:", "  name: x"}
        << QStringList{u"get"_s, u"secret"_s, u"x"_s, u"-o"_s, u"yaml"_s}
        << u"kubectl get secret x -o yaml"_s << QString()
        << u"apiVersion: v1\ndata:\n  key: <redacted>\nkind: Secret\nmetadata:\n  name: x\n"_s;
    QTest::newRow("kubeconfig-in-output")
        << QStringList{u"config"_s, u"view"_s, u"--raw"_s} << QString() << QString() << QByteArray()
        << QByteArrayList{"users:", "- name: u", "  user:", "    token: abc.def",
                          "    client-key-data: LS0t"}
        << QStringList{u"config"_s, u"view"_s, u"--raw"_s} << u"kubectl config view --raw"_s
        << QString()
        << u"users:\n- name: u\n  user:\n    token: <redacted>\n    client-key-data: <redacted>\n"_s;
    QTest::newRow("bearer-in-output")
        << QStringList{u"get"_s, u"--raw"_s, u"/"_s, u"-v=9"_s} << QString() << QString()
        << QByteArray() << QByteArrayList{"-H \"Authorization: Bearer eyJhbGciOiJSUzI1NiJ9\""}
        << QStringList{u"get"_s, u"--raw"_s, u"/"_s, u"-v=9"_s} << u"kubectl get --raw / -v=9"_s
        << QString() << u"-H \"Authorization: Bearer <redacted>\"\n"_s;
}

void TestTranscript::redaction()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, envName);
    QFETCH(QString, envValue);
    QFETCH(QByteArray, stdinData);
    QFETCH(QByteArrayList, output);
    QFETCH(QStringList, expectedArguments);
    QFETCH(QString, expectedShellLine);
    QFETCH(QString, expectedStdin);
    QFETCH(QString, expectedOutput);

    Transcript t;
    QSignalSpy appended(&t, &Transcript::entryOutputAppended);
    CommandSpec s = spec(u"t"_s, arguments, stdinData);
    if (!envName.isEmpty())
        s.environment.insert(envName, envValue);
    const quint64 id = t.begin(s, false, at(0, 0));
    for (const QByteArray& line : output)
        t.appendOutput(id, line, false);
    t.finish(id, result(CommandStatus::Succeeded, 0, 1));
    const TranscriptEntry* e = t.entry(id);
    QCOMPARE(e->arguments, expectedArguments);
    QCOMPARE(e->shellLine, expectedShellLine);
    QCOMPARE(e->stdinText, expectedStdin);
    QCOMPARE(e->output, expectedOutput);
    // Nothing secret went out while streaming either.
    for (const QList<QVariant>& args : appended) {
        const QString text = args.at(1).toString();
        for (const QString& secret : {u"dmFsdWU"_s, u"abc.def"_s, u"LS0t"_s, u"eyJhbGci"_s})
            QVERIFY2(!text.contains(secret), qPrintable(text));
    }
    const QString exported = t.toMarkdown() + t.toShellScript();
    for (const QString& secret :
         {u"s3cr3t"_s, u"dmFsdWU"_s, u"abc.def"_s, u"LS0t"_s, u"eyJhbGci"_s})
        QVERIFY2(!exported.contains(secret), qPrintable(exported));
}

void TestTranscript::outputRedactedAgainAtFinish()
{
    // Streaming cannot know that `data:` belongs to a ConfigMap (kind: comes later): masked
    // while running, shown once the whole output is known.
    Transcript t;
    QSignalSpy appended(&t, &Transcript::entryOutputAppended);
    const quint64 id =
        t.begin(spec(u"cm"_s, {u"get"_s, u"cm"_s, u"-o"_s, u"yaml"_s}), false, at(0, 0));
    for (const char* line : {"data:", "  mesh: accessLogFile", "kind: ConfigMap"})
        t.appendOutput(id, line, false);
    QCOMPARE(appended.at(1).at(1).toString(), u"  mesh: <redacted>"_s);
    QCOMPARE(t.entry(id)->output, u"data:\n  mesh: <redacted>\nkind: ConfigMap\n"_s);
    t.finish(id, result(CommandStatus::Succeeded, 0, 1));
    QCOMPARE(t.entry(id)->output, u"data:\n  mesh: accessLogFile\nkind: ConfigMap\n"_s);
}

void TestTranscript::markdown()
{
    Transcript t;
    record(t);
    const QString expected = uR"(# ObsLab transcript

## 1. Read the current kube context

```sh
kubectl config current-context
```

- Started: 2026-01-02T03:04:05Z
- Duration: 12 ms
- Result: succeeded (exit code 0)

```text
kind-lab
```

## 2. Create the demo Secret

```sh
kubectl apply -f - <<'EOF'
apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: <redacted>
EOF
```

- Started: 2026-01-02T03:05:00Z
- Duration: 340 ms
- Result: succeeded (exit code 0)

```text
secret/db created
```

## 3. kubectl

```sh
kubectl --token '<redacted>' get pods -n 'it'\''s'
```

- Started: 2026-01-02T03:05:30Z
- Duration: 50 ms
- Result: failed (exit code 1)
- Note: kubectl exited with code 1.

````text
Error from server (Forbidden): ```denied```
````

## 4. Follow the proxy logs (background job)

```sh
kubectl logs -f deploy/productpage -c istio-proxy
```

- Started: 2026-01-02T03:06:00Z
- Result: running

```text
[2026-01-02T03:06:01Z] "GET / HTTP/1.1" 200
```
)"_s;
    QCOMPARE(t.toMarkdown(), expected);
}

void TestTranscript::shellScript()
{
    Transcript t;
    record(t);
    const QString expected = uR"(#!/usr/bin/env bash
# Commands run by ObsLab, in order. Secret values were replaced by <redacted>:
# put the real values back before running it.

# 1. Read the current kube context
kubectl config current-context

# 2. Create the demo Secret
kubectl apply -f - <<'EOF'
apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: <redacted>
EOF

# 3. kubectl
# When recorded: failed (exit code 1).
kubectl --token '<redacted>' get pods -n 'it'\''s'

# 4. Follow the proxy logs
# A background job: run it in another terminal.
# kubectl logs -f deploy/productpage -c istio-proxy
)"_s;
    QCOMPARE(t.toShellScript(), expected);
}

void TestTranscript::heredocDelimiterAvoidsCollision()
{
    Transcript t;
    const quint64 id =
        t.begin(spec(u"x"_s, {u"apply"_s, u"-f"_s, u"-"_s}, "a\nEOF\nEOF_1\nb"), false, at(0, 0));
    t.finish(id, result(CommandStatus::Succeeded, 0, 1));
    QVERIFY2(
        t.toShellScript().endsWith(u"kubectl apply -f - <<'EOF_2'\na\nEOF\nEOF_1\nb\nEOF_2\n"_s),
        qPrintable(t.toShellScript()));
}

void TestTranscript::outputCap()
{
    Transcript t;
    const quint64 id = t.begin(spec(u"flood"_s, {u"logs"_s}), false, at(0, 0));
    const QByteArray line(999, 'y');
    for (int i = 0; i < 1000; ++i)  // ~1 MB, four times the cap
        t.appendOutput(id, line, false);
    const TranscriptEntry* e = t.entry(id);
    QVERIFY(e->outputTruncated);
    QCOMPARE(e->output.size(), Transcript::kOutputCap);
    t.finish(id, result(CommandStatus::Succeeded, 0, 1));
    QCOMPARE(t.entry(id)->output.size(), Transcript::kOutputCap);
    QVERIFY(t.toMarkdown().contains(u"_Output truncated at 256 KiB._"_s));
}

void TestTranscript::unknownIdsAndClear()
{
    Transcript t;
    QAbstractItemModelTester tester(&t, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const quint64 first = t.begin(spec(u"a"_s, {}), false, at(0, 0));
    t.appendOutput(first + 5, "lost", false);
    t.finish(first + 5, result(CommandStatus::Succeeded, 0, 1));
    QCOMPARE(t.entry(first + 5), nullptr);
    t.clear();
    QCOMPARE(t.rowCount(), 0);
    QCOMPARE(t.entry(first), nullptr);
    t.appendOutput(first, "after clear", false);  // a command still running: ignored
    const quint64 second = t.begin(spec(u"b"_s, {}), false, at(0, 0));
    QVERIFY(second > first);
    QCOMPARE(t.entry(second)->title, u"b"_s);
    QCOMPARE(t.toMarkdown().count(u"## "_s), 1);
}

QTEST_GUILESS_MAIN(TestTranscript)
#include "tst_transcript.moc"
