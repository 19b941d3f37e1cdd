#include "core/cli/OptionParser.h"

using namespace Qt::Literals::StringLiterals;

namespace obslab::cli {

namespace {

// QCommandLineParser takes the program's name first.
QStringList withProgram(const QStringList& args)
{
    return QStringList{u"obslab"_s} + args;
}

}  // namespace

OptionParser::OptionParser(const QList<QCommandLineOption>& options, Words words)
    : options_(options)
    , words_(words)
{
    configure(parser_);
}

void OptionParser::configure(QCommandLineParser& parser) const
{
    parser.addOptions(options_);
    if (words_ == Words::EndOptions)
        parser.setOptionsAfterPositionalArgumentsMode(
            QCommandLineParser::ParseAsPositionalArguments);
}

bool OptionParser::parse(const QStringList& args)
{
    args_ = args;
    problem_ = {};
    if (parser_.parse(withProgram(args)))
        return true;
    problem_ = firstProblem(args);
    return false;
}

OptionParser::Problem OptionParser::firstProblem(const QStringList& args) const
{
    // QCommandLineParser says what is wrong but not where: add the words one by one and see
    // which one breaks the parse. A flag given a value is set aside so that what follows it is
    // still judged; an option waiting for its value is fine until the words end.
    auto parses = [this](const QStringList& words, bool* unknown) {
        QCommandLineParser parser;
        configure(parser);
        const bool ok = parser.parse(withProgram(words));
        *unknown = !parser.unknownOptionNames().isEmpty();
        return ok;
    };
    Problem unexpected;
    QStringList kept;
    bool unknown = false;
    for (const QString& word : args) {
        if (parses(kept + QStringList{word}, &unknown)) {
            kept << word;
            continue;
        }
        if (unknown)
            return {Problem::Kind::UnknownOption, word,
                    word.startsWith(u"--"_s) ? word.section(u'=', 0, 0) : word};
        if (word.contains(u'=')) {
            if (unexpected.kind == Problem::Kind::None)
                unexpected = {Problem::Kind::UnexpectedValue, word, word.section(u'=', 0, 0)};
            continue;
        }
        kept << word;
    }
    if (!kept.isEmpty() && !parses(kept, &unknown))
        return {Problem::Kind::MissingValue, kept.last(), kept.last()};
    return unexpected;
}

QStringList OptionParser::words() const
{
    QStringList words = parser_.positionalArguments();
    words.removeAll(QString());
    return words;
}

bool OptionParser::oneWord(QString* into) const
{
    const QStringList all = words();
    *into = all.value(0);
    return all.size() <= 1;
}

std::optional<QString> OptionParser::choice(const QString& name, const QStringList& allowed,
                                            const QString& fallback) const
{
    if (!parser_.isSet(name))
        return fallback;
    const QString value = parser_.value(name);
    if (!allowed.contains(value))
        return std::nullopt;
    return value;
}

bool OptionParser::positiveNumber(const QString& name, int* into) const
{
    if (!parser_.isSet(name))
        return true;
    bool ok = false;
    const int number = parser_.value(name).toInt(&ok);
    if (!ok || number < 1)
        return false;
    *into = number;
    return true;
}

bool OptionParser::knows(const QString& name) const
{
    for (const QCommandLineOption& o : options_)
        if (o.names().contains(name))
            return true;
    return false;
}

QString OptionParser::spelling(const QString& name) const
{
    const QCommandLineOption* option = nullptr;
    for (const QCommandLineOption& o : options_)
        if (o.names().contains(name))
            option = &o;
    if (!option)
        return u"--"_s + name;
    QString longest;
    for (const QString& n : option->names())
        if (n.size() > longest.size())
            longest = n;
    for (auto it = args_.crbegin(); it != args_.crend(); ++it) {
        if (*it == u"--")
            break;
        for (const QString& n : option->names()) {
            const QString written = (n.size() == 1 ? u"-"_s : u"--"_s) + n;
            if (*it == written || it->startsWith(written + u'=') ||
                (n.size() == 1 && it->startsWith(written) && !it->startsWith(u"--"_s)))
                return written;
        }
    }
    return u"--"_s + longest;
}

QString OptionParser::givenEmpty(const QStringList& names) const
{
    for (const QString& name : names)
        if (parser_.values(name).contains(QString()))
            return spelling(name);
    return {};
}

}  // namespace obslab::cli
