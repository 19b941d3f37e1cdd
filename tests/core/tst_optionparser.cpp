// OptionParser: QCommandLineParser with the first mistake located the way obslab's messages name
// it (the word as written and the option in it), how an option was spelled, empty values, and
// options that end at the first positional word (obslab's own, before a subcommand).
#include "core/cli/OptionParser.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab::cli;

Q_DECLARE_METATYPE(obslab::cli::OptionParser::Problem::Kind)

namespace {

QList<QCommandLineOption> options()
{
    return {QCommandLineOption({u"n"_s, u"namespace"_s}, u"namespace"_s, u"NS"_s),
            QCommandLineOption(u"context"_s, u"context"_s, u"NAME"_s),
            QCommandLineOption({u"y"_s, u"yes"_s}, u"yes"_s),
            QCommandLineOption(u"stats"_s, u"stats"_s)};
}

}  // namespace

class TestOptionParser : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void problems_data();
    void problems();
    void values();
    void spelling();
    void endOptions();
    void helpers();
};

void TestOptionParser::problems_data()
{
    using Kind = OptionParser::Problem::Kind;
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<QString>("argument");
    QTest::addColumn<QString>("option");
    QTest::newRow("fine") << QStringList{u"-n"_s, u"x"_s, u"--stats"_s, u"word"_s} << Kind::None
                          << QString() << QString();
    QTest::newRow("empty") << QStringList{} << Kind::None << QString() << QString();
    QTest::newRow("unknown-long") << QStringList{u"a"_s, u"--bogus"_s} << Kind::UnknownOption
                                  << u"--bogus"_s << u"--bogus"_s;
    QTest::newRow("unknown-long-with-value")
        << QStringList{u"--bogus=3"_s} << Kind::UnknownOption << u"--bogus=3"_s << u"--bogus"_s;
    QTest::newRow("unknown-short")
        << QStringList{u"-x"_s} << Kind::UnknownOption << u"-x"_s << u"-x"_s;
    QTest::newRow("unknown-in-compacted")
        << QStringList{u"-yx"_s} << Kind::UnknownOption << u"-yx"_s << u"-yx"_s;
    QTest::newRow("leftmost-unknown-wins")
        << QStringList{u"--context"_s, u"c"_s, u"--first"_s, u"--second"_s} << Kind::UnknownOption
        << u"--first"_s << u"--first"_s;
    QTest::newRow("unknown-before-missing-value")
        << QStringList{u"--bogus"_s, u"--context"_s} << Kind::UnknownOption << u"--bogus"_s
        << u"--bogus"_s;
    QTest::newRow("missing-value-at-the-end")
        << QStringList{u"a"_s, u"--context"_s} << Kind::MissingValue << u"--context"_s
        << u"--context"_s;
    QTest::newRow("missing-value-short")
        << QStringList{u"-n"_s} << Kind::MissingValue << u"-n"_s << u"-n"_s;
    QTest::newRow("flag-given-a-value") << QStringList{u"--stats=1"_s, u"file"_s}
                                        << Kind::UnexpectedValue << u"--stats=1"_s << u"--stats"_s;
    QTest::newRow("unknown-after-a-flag-with-a-value")
        << QStringList{u"--stats=1"_s, u"--bogus"_s} << Kind::UnknownOption << u"--bogus"_s
        << u"--bogus"_s;
    QTest::newRow("option-looking-value-is-a-value")
        << QStringList{u"--context"_s, u"--bogus"_s} << Kind::None << QString() << QString();
    QTest::newRow("double-dash-ends-options")
        << QStringList{u"--"_s, u"--bogus"_s} << Kind::None << QString() << QString();
}

void TestOptionParser::problems()
{
    using Kind = OptionParser::Problem::Kind;
    QFETCH(QStringList, args);
    QFETCH(Kind, kind);
    QFETCH(QString, argument);
    QFETCH(QString, option);
    OptionParser parser(options());
    QCOMPARE(parser.parse(args), kind == Kind::None);
    QCOMPARE(parser.problem().kind, kind);
    QCOMPARE(parser.problem().argument, argument);
    QCOMPARE(parser.problem().option, option);
}

void TestOptionParser::values()
{
    OptionParser parser(options());
    QVERIFY(parser.parse({u"a"_s, u"-nshop"_s, u"--context=one"_s, u"--context"_s, u"two"_s, u"b"_s,
                          u"-y"_s, u"--"_s, u"-c"_s}));
    QCOMPARE(parser.value(u"namespace"_s), u"shop"_s);
    QCOMPARE(parser.value(u"context"_s), u"two"_s);  // the last one
    QCOMPARE(parser.values(u"context"_s), (QStringList{u"one"_s, u"two"_s}));
    QVERIFY(parser.isSet(u"yes"_s));
    QVERIFY(!parser.isSet(u"stats"_s));
    QCOMPARE(parser.positionalArguments(), (QStringList{u"a"_s, u"b"_s, u"-c"_s}));
    QCOMPARE(parser.givenNames(), (QStringList{u"n"_s, u"context"_s, u"context"_s, u"y"_s}));
    QVERIFY(parser.knows(u"n"_s));
    QVERIFY(!parser.knows(u"kubectl"_s));
    QVERIFY(parser.givenEmpty({u"namespace"_s, u"context"_s}).isEmpty());

    OptionParser empty(options());
    QVERIFY(empty.parse({u"--context="_s, u"-n"_s, QString()}));
    QCOMPARE(empty.givenEmpty({u"namespace"_s, u"context"_s}), u"-n"_s);
    QCOMPARE(empty.givenEmpty({u"context"_s}), u"--context"_s);
}

void TestOptionParser::spelling()
{
    OptionParser parser(options());
    QVERIFY(parser.parse({u"--namespace"_s, u"a"_s, u"-nb"_s}));
    QCOMPARE(parser.spelling(u"namespace"_s), u"-n"_s);  // the last time it was given
    QVERIFY(parser.parse({u"-n"_s, u"a"_s, u"--namespace=b"_s}));
    QCOMPARE(parser.spelling(u"n"_s), u"--namespace"_s);
    QCOMPARE(parser.spelling(u"context"_s), u"--context"_s);  // not given: its long name
    QCOMPARE(parser.spelling(u"y"_s), u"--yes"_s);
}

void TestOptionParser::endOptions()
{
    OptionParser parser(options(), OptionParser::Words::EndOptions);
    QVERIFY(parser.parse({u"-y"_s, u"logs"_s, u"--bogus"_s, u"-n"_s}));
    QCOMPARE(parser.givenNames(), QStringList{u"y"_s});
    QCOMPARE(parser.positionalArguments(), (QStringList{u"logs"_s, u"--bogus"_s, u"-n"_s}));
    QVERIFY(!parser.parse({u"--bogus"_s, u"logs"_s}));
    QCOMPARE(parser.problem().argument, u"--bogus"_s);
}

void TestOptionParser::helpers()
{
    const QList<QCommandLineOption> counted = {
        QCommandLineOption({u"o"_s, u"output"_s}, u"output"_s, u"FORMAT"_s),
        QCommandLineOption(u"timeout"_s, u"timeout"_s, u"S"_s)};
    OptionParser parser(counted);
    int timeout = 10;
    QString word;
    QVERIFY(parser.parse({QString(), u"id"_s}));
    QCOMPARE(parser.words(), QStringList{u"id"_s});  // an empty word says nothing
    QVERIFY(parser.oneWord(&word));
    QCOMPARE(word, u"id"_s);
    QCOMPARE(parser.choice(u"output"_s, {u"text"_s, u"json"_s}, u"text"_s), u"text"_s);
    QVERIFY(parser.positiveNumber(u"timeout"_s, &timeout));
    QCOMPARE(timeout, 10);  // not given: the default stays

    QVERIFY(parser.parse({u"a"_s, u"b"_s, u"-ojson"_s, u"--timeout=3"_s}));
    QVERIFY(!parser.oneWord(&word));
    QCOMPARE(parser.choice(u"output"_s, {u"text"_s, u"json"_s}, u"text"_s), u"json"_s);
    QVERIFY(parser.positiveNumber(u"timeout"_s, &timeout));
    QCOMPARE(timeout, 3);

    QVERIFY(parser.parse({u"-o"_s, u"yaml"_s, u"--timeout"_s, u"0"_s}));
    QVERIFY(parser.oneWord(&word));
    QVERIFY(word.isEmpty());
    QCOMPARE(parser.choice(u"output"_s, {u"text"_s, u"json"_s}, u"text"_s), std::nullopt);
    QVERIFY(!parser.positiveNumber(u"timeout"_s, &timeout));
    QVERIFY(parser.parse({u"--timeout"_s, u"ten"_s}));
    QVERIFY(!parser.positiveNumber(u"timeout"_s, &timeout));
    QCOMPARE(timeout, 3);
}

QTEST_GUILESS_MAIN(TestOptionParser)
#include "tst_optionparser.moc"
