#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace obslab::cli {

// A subcommand's words parsed by QCommandLineParser (long options as --name VALUE or
// --name=VALUE, short ones also compacted like -nNS, `--` ending the options, values taken even
// when they start with a dash), with the first mistake described the way obslab's messages name
// it. The subcommands print their own --help: this parser has no help option. Pure.
class OptionParser
{
public:
    struct Problem
    {
        enum class Kind
        {
            None,
            UnknownOption,    // -x, --bogus, --bogus=1
            MissingValue,     // an option that takes a value ends the words
            UnexpectedValue,  // --flag=1
        };
        Kind kind = Kind::None;
        QString argument;  // the word as written: "--bogus=1"
        QString option;    // the option in it, without a value: "--bogus", "-o"
    };

    enum class Words
    {
        AmongOptions,  // options may follow positional words
        EndOptions,    // the first positional word ends the options: the rest are words too
    };

    explicit OptionParser(const QList<QCommandLineOption>& options,
                          Words words = Words::AmongOptions);

    // False on a mistake; problem() then says the first one: the leftmost unknown option, else
    // the value missing at the end, else the leftmost flag given a value.
    bool parse(const QStringList& args);
    const Problem& problem() const { return problem_; }

    bool knows(const QString& name) const;  // an option of this parser
    bool isSet(const QString& name) const { return parser_.isSet(name); }
    QString value(const QString& name) const { return parser_.value(name); }  // the last given
    QStringList values(const QString& name) const { return parser_.values(name); }
    QStringList positionalArguments() const { return parser_.positionalArguments(); }
    // The positional words that say something (an empty word, '', does not).
    QStringList words() const;
    // For a subcommand that takes one word: false when there are several; *into is the word,
    // or empty when there is none.
    bool oneWord(QString* into) const;
    QStringList givenNames() const { return parser_.optionNames(); }  // in the order given
    // The value of an option that picks one of a few (the last given), `fallback` when it was not
    // given, nothing when it is none of them.
    std::optional<QString> choice(const QString& name, const QStringList& allowed,
                                  const QString& fallback) const;
    // For an option that takes a count: false when it was given anything but a whole number
    // above 0; *into is left alone when it was not given.
    bool positiveNumber(const QString& name, int* into) const;
    // How the option was written the last time it was given ("-n" or "--namespace"), for
    // messages; "--" and its long name when it was not given.
    QString spelling(const QString& name) const;
    // The first of names (in that order) that was given an empty value (--context=, -n ''), as
    // written; empty when none was.
    QString givenEmpty(const QStringList& names) const;

private:
    Problem firstProblem(const QStringList& args) const;
    void configure(QCommandLineParser& parser) const;

    QList<QCommandLineOption> options_;
    Words words_;
    QCommandLineParser parser_;
    QStringList args_;
    Problem problem_;
};

}  // namespace obslab::cli
