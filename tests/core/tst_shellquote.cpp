#include "core/process/CommandRunner.h"
#include "core/process/CommandSpec.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using obslab::CommandSpec;

class TestShellQuote : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void quote_data();
    void quote();
    void roundTripThroughSh_data() { quote_data(); }
    void roundTripThroughSh();
    void toShellLine_data();
    void toShellLine();
};

void TestShellQuote::quote_data()
{
    QTest::addColumn<QString>("word");
    QTest::addColumn<QString>("expected");

    QTest::newRow("plain") << u"abc"_s << u"abc"_s;
    QTest::newRow("flag-with-value")
        << u"--namespace=istio-system"_s << u"--namespace=istio-system"_s;
    QTest::newRow("path") << u"/usr/bin/kubectl"_s << u"/usr/bin/kubectl"_s;
    QTest::newRow("selector") << u"app=web,version=v1"_s << u"app=web,version=v1"_s;
    QTest::newRow("empty") << QString() << u"''"_s;
    QTest::newRow("space") << u"a b"_s << u"'a b'"_s;
    QTest::newRow("single-quote") << u"it's"_s << u"'it'\\''s'"_s;
    QTest::newRow("only-quotes") << u"''"_s << u"''\\'''\\'''"_s;
    QTest::newRow("dollar-and-backticks") << u"$HOME `id` $(id)"_s << u"'$HOME `id` $(id)'"_s;
    QTest::newRow("glob") << u"*.yaml"_s << u"'*.yaml'"_s;
    QTest::newRow("tilde") << u"~/x"_s << u"'~/x'"_s;
    QTest::newRow("jsonpath") << u"{.items[*].metadata.name}"_s << u"'{.items[*].metadata.name}'"_s;
    QTest::newRow("newline") << u"a\nb"_s << u"'a\nb'"_s;
    QTest::newRow("semicolon-pipe") << u"a;b|c&d"_s << u"'a;b|c&d'"_s;
    QTest::newRow("double-quote-backslash") << u"\"\\"_s << u"'\"\\'"_s;
    QTest::newRow("unicode") << u"café"_s << u"'café'"_s;
    QTest::newRow("hash") << u"#x"_s << u"'#x'"_s;
}

void TestShellQuote::quote()
{
    QFETCH(QString, word);
    QFETCH(QString, expected);
    QCOMPARE(obslab::shellQuote(word), expected);
}

void TestShellQuote::roundTripThroughSh()
{
    // The quoted word, given to a real POSIX shell, must come back byte for byte.
    QFETCH(QString, word);
    obslab::CommandRunner runner;
    CommandSpec spec;
    spec.program = u"sh"_s;
    spec.arguments = {u"-c"_s, u"printf '%s' "_s + obslab::shellQuote(word)};
    spec.environment.insert(u"HOME"_s, u"/nonexistent-home"_s);
    obslab::Command* command = runner.start(spec);
    QSignalSpy finished(command, &obslab::Command::finished);
    QVERIFY(finished.wait(20000));
    const auto result = finished.at(0).at(0).value<obslab::CommandResult>();
    QCOMPARE(result.status, obslab::CommandStatus::Succeeded);
    QCOMPARE(QString::fromUtf8(result.stdoutData), word);
}

void TestShellQuote::toShellLine_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("envName");
    QTest::addColumn<QString>("envValue");
    QTest::addColumn<QString>("workingDirectory");
    QTest::addColumn<QByteArray>("stdinData");
    QTest::addColumn<QString>("expected");

    QTest::newRow("simple") << u"kubectl"_s << QStringList{u"get"_s, u"pods"_s} << QString()
                            << QString() << QString() << QByteArray() << u"kubectl get pods"_s;
    QTest::newRow("no-arguments") << u"kubectl"_s << QStringList{} << QString() << QString()
                                  << QString() << QByteArray() << u"kubectl"_s;
    QTest::newRow("quoted-arguments")
        << u"kubectl"_s
        << QStringList{u"get"_s, u"pods"_s, u"-o"_s, u"jsonpath={.items[*]}"_s, u""_s} << QString()
        << QString() << QString() << QByteArray()
        << u"kubectl get pods -o 'jsonpath={.items[*]}' ''"_s;
    QTest::newRow("environment") << u"kubectl"_s << QStringList{u"version"_s} << u"KUBECONFIG"_s
                                 << u"/tmp/my config"_s << QString() << QByteArray()
                                 << u"KUBECONFIG='/tmp/my config' kubectl version"_s;
    QTest::newRow("working-directory")
        << u"./run.sh"_s << QStringList{} << QString() << QString() << u"/tmp/a b"_s << QByteArray()
        << u"(cd '/tmp/a b' && ./run.sh)"_s;
    QTest::newRow("stdin-noted") << u"kubectl"_s << QStringList{u"apply"_s, u"-f"_s, u"-"_s}
                                 << QString() << QString() << QString() << QByteArray("abc")
                                 << u"kubectl apply -f -  # stdin: 3 bytes"_s;
    QTest::newRow("program-with-space")
        << u"/opt/my tools/istioctl"_s << QStringList{u"x"_s} << QString() << QString() << QString()
        << QByteArray() << u"'/opt/my tools/istioctl' x"_s;
    QTest::newRow("program-with-equals") << u"a=b"_s << QStringList{} << QString() << QString()
                                         << QString() << QByteArray() << u"'a=b'"_s;
}

void TestShellQuote::toShellLine()
{
    QFETCH(QString, program);
    QFETCH(QStringList, arguments);
    QFETCH(QString, envName);
    QFETCH(QString, envValue);
    QFETCH(QString, workingDirectory);
    QFETCH(QByteArray, stdinData);
    QFETCH(QString, expected);
    CommandSpec spec;
    spec.program = program;
    spec.arguments = arguments;
    if (!envName.isEmpty())
        spec.environment.insert(envName, envValue);
    spec.workingDirectory = workingDirectory;
    spec.stdinData = stdinData;
    QCOMPARE(spec.toShellLine(), expected);
}

QTEST_GUILESS_MAIN(TestShellQuote)
#include "tst_shellquote.moc"
