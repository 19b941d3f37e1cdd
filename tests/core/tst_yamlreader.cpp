// core/common/YamlReader: the bounds every YAML text in core is read within (size, nesting depth,
// alias expansion), yaml-cpp's errors as FILE:LINE:COL, tags and merge keys for the lab format,
// and the callers that rely on it (a lab, the mesh config, a lab's manifest check).
#include "core/common/YamlReader.h"
#include "core/doctor/MeshConfig.h"
#include "core/lab/CommandPolicy.h"
#include "core/lab/LabLoader.h"

#include <QElapsedTimer>
#include <QTest>

#include <yaml-cpp/yaml.h>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

// Ten anchors, each a list of ten of the previous: 10^9 values once expanded.
QByteArray billionLaughs(const QByteArray& prefix = {})
{
    QByteArray text = prefix + "a0: &a0 [lol]\n";
    for (int i = 1; i < 10; ++i) {
        text += "a" + QByteArray::number(i) + ": &a" + QByteArray::number(i) + " [";
        for (int j = 0; j < 10; ++j)
            text += (j ? ", *a" : "*a") + QByteArray::number(i - 1);
        text += "]\n";
    }
    return text;
}

}  // namespace

class TestYamlReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsDocuments();
    void syntaxErrorHasItsPosition();
    void tooLarge();
    void tooDeepBeforeParsing_data();
    void tooDeepBeforeParsing();
    void aliasesAreBounded();
    void tagsAndMergeKeysOnlyWhenPlain();
    void labWithAliasBombIsRefused();
    void meshConfigWithAliasBombIsAnError();
    void manifestCheckRefusesWhatItCannotRead();
};

void TestYamlReader::readsDocuments()
{
    const YamlDocuments all = YamlReader::readAll("a: 1\n---\nb: [x, y]\n...\n");
    QVERIFY(!all.fatal());
    QCOMPARE(all.documents.size(), 2);
    QCOMPARE(all.documents.at(1)["b"][1].as<std::string>(), "y");
    const YamlDocuments one = YamlReader::read("a: 1\n");
    QCOMPARE(one.documents.size(), 1);
    QCOMPARE(one.documents.first()["a"].as<int>(), 1);
    // An empty text is one null document, as yaml-cpp's Load gives it.
    const YamlDocuments empty = YamlReader::read("");
    QCOMPARE(empty.documents.size(), 1);
    QVERIFY(empty.documents.first().IsNull());
    QVERIFY(empty.issues.isEmpty());
}

void TestYamlReader::syntaxErrorHasItsPosition()
{
    const YamlDocuments docs = YamlReader::read("ok: 1\nlist: [a, b\nnext: 2\n");
    QVERIFY(docs.documents.isEmpty());
    const YamlIssue* issue = docs.fatal();
    QVERIFY(issue);
    QCOMPARE(issue->kind, YamlIssue::Kind::Syntax);
    QVERIFY(issue->line >= 2);
    QVERIFY(!issue->detail.isEmpty());
    const QString text = issue->toString(u"lab.yaml"_s);
    QVERIFY2(
        text.startsWith(u"lab.yaml:%1:%2: not valid YAML: "_s.arg(issue->line).arg(issue->column)),
        qPrintable(text));
}

void TestYamlReader::tooLarge()
{
    YamlOptions o;
    o.maxBytes = 16;
    const YamlDocuments docs = YamlReader::read("key: a value longer than sixteen bytes\n", o);
    QVERIFY(docs.documents.isEmpty());
    QVERIFY(docs.fatal());
    QCOMPARE(docs.fatal()->kind, YamlIssue::Kind::TooLarge);
    QCOMPARE(YamlReader::read("key: short\n", o).issues.size(), 0);
}

void TestYamlReader::tooDeepBeforeParsing_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("line");
    QByteArray flow = "x: ";
    flow += QByteArray(100000, '[');
    QTest::newRow("flow") << flow << 1;
    QByteArray block = "top:\n";
    for (int i = 1; i < 70; ++i)
        block += QByteArray(2 * i, ' ') + "k" + QByteArray::number(i) + ":\n";
    QTest::newRow("block") << block << 65;
}

void TestYamlReader::tooDeepBeforeParsing()
{
    QFETCH(QByteArray, text);
    QFETCH(int, line);
    QElapsedTimer clock;
    clock.start();
    const YamlDocuments docs = YamlReader::readAll(text);
    QVERIFY(docs.documents.isEmpty());
    QVERIFY(docs.fatal());
    QCOMPARE(docs.fatal()->kind, YamlIssue::Kind::TooDeep);
    QCOMPARE(docs.fatal()->line, line);
    QCOMPARE(docs.fatal()->message(),
             u"nested more than 64 levels deep; ObsLab does not read this"_s);
    QVERIFY(clock.elapsed() < 5000);
}

void TestYamlReader::aliasesAreBounded()
{
    QElapsedTimer clock;
    clock.start();
    const YamlDocuments docs = YamlReader::read(billionLaughs());
    QVERIFY(docs.documents.isEmpty());
    QVERIFY(docs.fatal());
    QCOMPARE(docs.fatal()->kind, YamlIssue::Kind::TooManyNodes);
    QVERIFY2(clock.elapsed() < 5000, "the expansion was walked, not bounded");
    // A few aliases are fine.
    QVERIFY(!YamlReader::read("a: &x [1, 2]\nb: *x\nc: *x\n").fatal());
}

void TestYamlReader::tagsAndMergeKeysOnlyWhenPlain()
{
    const QByteArray text = "base: &b {x: 1}\nuse:\n  <<: *b\n  y: !!binary aGk=\n";
    QVERIFY(YamlReader::read(text).issues.isEmpty());
    YamlOptions plain;
    plain.plainOnly = true;
    const YamlDocuments docs = YamlReader::read(text, plain);
    QCOMPARE(docs.documents.size(), 1);  // still read: the caller reports its own problems too
    QVERIFY(!docs.fatal());
    QCOMPARE(docs.issues.size(), 2);
    QCOMPARE(docs.issues.at(0).kind, YamlIssue::Kind::MergeKey);
    QCOMPARE(docs.issues.at(0).line, 3);
    QCOMPARE(docs.issues.at(0).column, 3);
    QCOMPARE(docs.issues.at(1).kind, YamlIssue::Kind::Tag);
    QCOMPARE(docs.issues.at(1).detail, u"tag:yaml.org,2002:binary"_s);
    QCOMPARE(docs.issues.at(1).line, 4);
    // A quoted "<<" is a plain key.
    QVERIFY(YamlReader::read("\"<<\": 1\n", plain).issues.isEmpty());
}

void TestYamlReader::labWithAliasBombIsRefused()
{
    const LabLoadResult r = LabLoader::loadBytes(
        billionLaughs("obslab-lab: 1\nid: bomb\ntitle: Bomb\n"), u"bomb.yaml"_s, QString());
    QVERIFY(!r.ok());
    QCOMPARE(r.errors.size(), 1);
    // Where the expansion ran out of its budget: inside the aliased list of line 4.
    QCOMPARE(r.errors.first().toString(),
             u"bomb.yaml:4:5: the lab's aliases expand to too many values: write the values out"_s);
}

void TestYamlReader::meshConfigWithAliasBombIsAnError()
{
    const auto r = MeshConfig::parse(billionLaughs());
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.startsWith(u"the mesh config is not valid YAML (line "_s),
             qPrintable(r.error().message));
    QVERIFY(r.error().message.contains(u"aliases expand"_s));
}

void TestYamlReader::manifestCheckRefusesWhatItCannotRead()
{
    CommandPolicy::Scope scope;
    scope.defaultNamespace = u"lab"_s;
    scope.mutableNamespaces = {u"lab"_s};
    // Not YAML: kubectl refuses it, nothing to say here (as before).
    QVERIFY(CommandPolicy::manifestProblems("kind: [", u"lab"_s, scope, false).isEmpty());
    // Too self-referencing to check: refused rather than applied unchecked.
    const QStringList problems =
        CommandPolicy::manifestProblems(billionLaughs(), u"lab"_s, scope, false);
    QCOMPARE(problems.size(), 1);
    QVERIFY2(problems.first().startsWith(u"the manifest cannot be checked: "_s),
             qPrintable(problems.first()));
}

QTEST_GUILESS_MAIN(TestYamlReader)
#include "tst_yamlreader.moc"
