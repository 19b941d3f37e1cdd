#include "core/cli/Cli.h"

#include "core/cli/OptionParser.h"
#include "core/cli/Subcommands.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>

#include <cstdio>
#include <new>

using namespace Qt::Literals::StringLiterals;

namespace obslab::cli {

namespace {
// Messages are written whole, as they happen, also into a pipe or a file: `follow`, `lab run`
// and the doctor print while they work (QFile and stdio would hold them until exit).
void flushed(QIODevice* device)
{
    if (auto* file = qobject_cast<QFileDevice*>(device))
        file->flush();
}
}  // namespace

void CliContext::print(const QString& text) const
{
    if (!out)
        return;
    out->write(text.toUtf8());
    flushed(out);
}

void CliContext::printError(const QString& text) const
{
    if (!err)
        return;
    err->write(text.toUtf8());
    flushed(err);
}

void CliContext::write(const QByteArray& bytes) const
{
    if (out)
        out->write(bytes);
}

Dispatcher::Dispatcher()
{
    registerBuiltinSubcommands(*this);
}

void Dispatcher::add(Subcommand subcommand)
{
    subcommands_.append(std::move(subcommand));
}

const Subcommand* Dispatcher::find(const QString& name) const
{
    for (const Subcommand& s : subcommands_) {
        if (s.name == name)
            return &s;
    }
    return nullptr;
}

bool Dispatcher::isHeadless(const QStringList& args) const
{
    if (args.isEmpty())
        return false;
    const QString& first = args.first();
    if (isGuiOption(first))
        return false;
    if (first.startsWith(u'-'))
        return true;  // --help, --version, or an option we must reject with a message
    if (find(first))
        return true;
    if (QFileInfo::exists(first))
        return false;
    // A word that is neither a subcommand nor an existing path: treat it as a mistyped subcommand
    // unless it looks like a path (the GUI then says the file is missing).
    const bool looksLikePath = first.contains(u'/') || first.contains(u'.');
    return !looksLikePath;
}

bool Dispatcher::isGuiOption(const QString& arg)
{
    for (const QStringView option : {u"--lab", u"--trace", u"--jaeger"}) {
        if (arg == option || arg.startsWith(option + u'='))
            return true;
    }
    return arg == u"--open-log";
}

QString Dispatcher::versionText()
{
    return u"obslab " OBSLAB_VERSION "\n"_s;
}

QString Dispatcher::helpText() const
{
    QString text = u"Usage:\n"
                   "  obslab [FILE…]                 open the desktop app (with these log files)\n"
                   "  obslab --open-log              open the desktop app at the Open Log dialog\n"
                   "  obslab --lab ID                open the desktop app at a lab\n"
                   "  obslab --trace ID [--jaeger URL]\n"
                   "                                 open the desktop app at that trace (Traces\n"
                   "                                 area); --jaeger: the Jaeger to ask this time\n"
                   "  obslab SUBCOMMAND [ARGS…]      run a headless subcommand\n"
                   "  obslab SUBCOMMAND --help       help for one subcommand\n"
                   "  obslab --version | --help\n\n"
                   "ObsLab is a guided Istio distributed-tracing lab and a browser for Envoy\n"
                   "access logs. The subcommands need no display.\n"_s;
    if (!subcommands_.isEmpty()) {
        text += u"\nSubcommands:\n"_s;
        for (const Subcommand& s : subcommands_)
            text += u"  "_s + s.name.leftJustified(12) + u' ' + s.summary + u'\n';
    }
    text +=
        u"\nExit codes: 0 success, 1 failure, 2 usage error, 3 incomplete (doctor inconclusive,\n"
        "lab run stopped short, follow gave up; see each subcommand's --help).\n"_s;
    return text;
}

int Dispatcher::run(const QStringList& args, const CliContext& ctx) const
{
    if (args.isEmpty()) {
        ctx.print(helpText());
        return ExitOk;
    }
    // obslab's own options come before the subcommand; the words from it on are the
    // subcommand's. As always, the first word decides: --help or --version win over what follows.
    OptionParser parser({QCommandLineOption({u"h"_s, u"help"_s}, u"help"_s),
                         QCommandLineOption({u"V"_s, u"v"_s, u"version"_s}, u"version"_s)},
                        OptionParser::Words::EndOptions);
    const bool parsed = parser.parse(args);
    const QString first = parser.givenNames().value(0);
    const bool firstIsOurs =
        !first.isEmpty() && (parsed || parser.problem().argument != args.first());
    const QStringList words = parser.positionalArguments();
    if (!firstIsOurs && !parsed) {
        ctx.printError(u"obslab: unknown option '%1'. Run 'obslab --help' for usage.\n"_s.arg(
            parser.problem().argument));
        return ExitUsage;
    }
    if (firstIsOurs && (first == u"v" || first == u"V" || first == u"version")) {
        ctx.print(versionText());
        return ExitOk;
    }
    if (firstIsOurs || words.isEmpty() || words.constFirst() == u"help") {
        const QString topic = firstIsOurs ? words.value(0) : words.value(1);
        if (const Subcommand* s = find(topic); s && !topic.isEmpty()) {
            ctx.print(s->usage);
            return ExitOk;
        }
        ctx.print(helpText());
        return ExitOk;
    }
    const QString& name = words.constFirst();
    const Subcommand* s = find(name);
    if (!s) {
        if (name.startsWith(u'-'))
            ctx.printError(
                u"obslab: unknown option '%1'. Run 'obslab --help' for usage.\n"_s.arg(name));
        else
            ctx.printError(
                u"obslab: '%1' is not a subcommand or an existing file. Run 'obslab --help' for usage.\n"_s
                    .arg(name));
        return ExitUsage;
    }
    const QStringList rest = words.mid(1);
    if (rest.contains(u"--help"_s) || rest.contains(u"-h"_s)) {
        ctx.print(s->usage);
        return ExitOk;
    }
    return s->run(rest, ctx);
}

int runHeadless(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"obslab"_s);
    QCoreApplication::setOrganizationName(u"ObsLab"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(OBSLAB_VERSION));

    QFile in;
    QFile out;
    QFile err;
    (void)in.open(stdin, QIODevice::ReadOnly);
    (void)out.open(stdout, QIODevice::WriteOnly);
    (void)err.open(stderr, QIODevice::WriteOnly);
    CliContext ctx{&in, &out, &err};

    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    const Dispatcher dispatcher;
    int code = ExitFailure;
    try {
        code = dispatcher.run(args, ctx);
    } catch (const std::bad_alloc&) {
        // Every bound ObsLab sets should keep this from happening; if one was missed, say so
        // instead of aborting.
        ctx.printError(u"obslab: out of memory; the command stopped before it finished. Free "
                       u"memory or give it a smaller input, and report what you ran.\n"_s);
        code = ExitFailure;
    }
    out.flush();
    err.flush();
    return code;
}

}  // namespace obslab::cli
