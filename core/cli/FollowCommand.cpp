#include "core/cli/FollowCommand.h"

#include "core/cli/CommonOptions.h"
#include "core/cli/OptionParser.h"
#include "core/cli/TerminalText.h"
#include "core/kube/KubeObjects.h"
#include "core/kube/KubeTarget.h"
#include "core/kube/Kubectl.h"
#include "core/kube/PodFollower.h"
#include "core/logs/LogSession.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSocketNotifier>

#include <csignal>
#include <fcntl.h>
#include <unistd.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab::cli {

namespace {

const QString kUsage =
    u"Usage: obslab follow SELECTOR [-c CONTAINER] [-n NAMESPACE] [--context NAME]\n"
    "                     [--output text|ndjson] [--max-log-requests N]\n"
    "                     [--tail N] [--since DURATION] [--give-up DURATION]\n"
    "                     [--kubeconfig FILE] [--kubectl PATH]\n"
    "\n"
    "Follows one container (default istio-proxy; native-sidecar init containers count)\n"
    "in every pod matching the label SELECTOR, like stern: pods created later (a\n"
    "rollout restart) are followed from their first line, dropped streams are\n"
    "reconnected without losing or repeating a line. Runs until interrupted\n"
    "(Ctrl+C, SIGTERM); every kubectl it started ends with it.\n"
    "\n"
    "  -c, --container NAME   the container to follow (default istio-proxy)\n"
    "  -n, --namespace NS     the namespace (default: default)\n"
    "  --context NAME         the kube context (default: kubectl's current one)\n"
    "  -o, --output FORMAT    text: `POD CONTAINER LINE` (pods in colour on a terminal);\n"
    "                         ndjson: {\"pod\",\"container\",\"timestamp\",\"text\"} per line\n"
    "  --max-log-requests N   at most N log streams at once, the rest wait (default 5)\n"
    "  --timestamps           text: print kubectl's timestamp before each line\n"
    "  --tail N               start each pod that already runs at its last N lines\n"
    "                         (kubectl logs --tail; default: its whole log)\n"
    "  --since DURATION       … or at its lines of the last DURATION (30s, 5m, 1h)\n"
    "                         (pods created later are followed from their first line)\n"
    "  --give-up DURATION     stop when the API server has not answered for DURATION\n"
    "                         (default 3m; 0: retry for ever, backing off up to 10 s)\n"
    "\n"
    "Every line is written as it arrives (also into a pipe or a file). Pod events\n"
    "(+ followed, - ended, ~ reconnecting) and notes (no pod matches the selector\n"
    "yet) go to stderr, each as it happens.\n"
    "Exit status: 0 interrupted, 1 following failed (e.g. kubectl missing), 2 usage,\n"
    "3 gave up: the API server did not answer for --give-up.\n"_s;

struct Options
{
    QString selector;
    QString container = u"istio-proxy"_s;
    QString ns = u"default"_s;
    QString context;
    QString kubeconfig;
    QString kubectl = u"kubectl"_s;
    bool ndjson = false;
    bool timestamps = false;
    int maxStreams = 5;
    std::optional<int> tail;
    QString since;
    qint64 giveUpMs = 3 * 60 * 1000;
};

// "90s", "5m", "1h30m", "250ms" → milliseconds; -1 when it is not such a duration.
qint64 parseDuration(const QString& text)
{
    static const QRegularExpression whole(u"^(?:\\d+(?:ms|s|m|h))+$"_s);
    static const QRegularExpression part(u"(\\d+)(ms|s|m|h)"_s);
    if (text == u"0")
        return 0;
    if (!whole.match(text).hasMatch())
        return -1;
    qint64 total = 0;
    for (auto it = part.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        const qint64 n = m.captured(1).left(9).toLongLong();
        const QString unit = m.captured(2);
        total += unit == u"ms"  ? n
                 : unit == u"s" ? n * 1000
                 : unit == u"m" ? n * 60000
                                : n * 3600000;
    }
    return total;
}

QString parseOptions(const QStringList& args, Options& options)
{
    OptionParser parser(
        {QCommandLineOption({u"c"_s, u"container"_s}, u"the container to follow"_s, u"NAME"_s),
         CommonOptions::ns(), CommonOptions::context(), CommonOptions::kubeconfig(),
         CommonOptions::kubectl(), CommonOptions::output(),
         QCommandLineOption(u"max-log-requests"_s, u"log streams at once"_s, u"N"_s),
         QCommandLineOption(u"timestamps"_s, u"print kubectl's timestamps"_s),
         QCommandLineOption(u"tail"_s, u"lines per pod to start with"_s, u"N"_s),
         QCommandLineOption(u"since"_s, u"start with the lines of the last DURATION"_s,
                            u"DURATION"_s),
         QCommandLineOption(u"give-up"_s, u"stop after DURATION without the API server"_s,
                            u"DURATION"_s)});
    if (!parser.parse(args)) {
        const OptionParser::Problem& problem = parser.problem();
        switch (problem.kind) {
        case OptionParser::Problem::Kind::MissingValue:
            return u"follow: %1 needs a value"_s.arg(problem.option);
        case OptionParser::Problem::Kind::UnexpectedValue:
            return u"follow: unknown option '%1'"_s.arg(problem.argument);
        case OptionParser::Problem::Kind::UnknownOption:
        case OptionParser::Problem::Kind::None:
            break;
        }
        return u"follow: unknown option '%1'"_s.arg(problem.option);
    }
    const QString empty = parser.givenEmpty(
        {u"container"_s, u"namespace"_s, u"context"_s, u"kubeconfig"_s, u"kubectl"_s, u"output"_s,
         u"max-log-requests"_s, u"tail"_s, u"since"_s, u"give-up"_s});
    if (!empty.isEmpty())
        return u"follow: %1 needs a value"_s.arg(empty);
    const CommonOptions::Cluster cluster = CommonOptions::cluster(parser);
    options.ns = cluster.target.ns;
    options.context = cluster.target.context;
    options.kubeconfig = cluster.target.kubeconfig;
    options.kubectl = cluster.target.kubectl;
    if (parser.isSet(u"container"_s))
        options.container = parser.value(u"container"_s);
    options.timestamps = parser.isSet(u"timestamps"_s);
    const std::optional<QString> output =
        parser.choice(u"output"_s, {u"text"_s, u"ndjson"_s}, u"text"_s);
    if (!output)
        return u"follow: --output is text or ndjson, not '%1'"_s.arg(parser.value(u"output"_s));
    options.ndjson = *output == u"ndjson";
    if (!parser.positiveNumber(u"max-log-requests"_s, &options.maxStreams))
        return u"follow: --max-log-requests needs a positive number"_s;
    if (parser.isSet(u"tail"_s)) {
        bool ok = false;
        const int tail = parser.value(u"tail"_s).toInt(&ok);
        if (!ok || tail < 0)
            return u"follow: --tail needs a number of lines (0 or more)"_s;
        options.tail = tail;
    }
    if (parser.isSet(u"since"_s)) {
        options.since = parser.value(u"since"_s);
        if (parseDuration(options.since) <= 0)
            return u"follow: --since needs a duration such as 30s, 5m or 1h"_s;
        if (options.tail)
            return u"follow: --tail and --since do not go together (kubectl takes one)"_s;
    }
    if (parser.isSet(u"give-up"_s)) {
        options.giveUpMs = parseDuration(parser.value(u"give-up"_s));
        if (options.giveUpMs < 0)
            return u"follow: --give-up needs a duration such as 90s or 3m (0: never)"_s;
    }
    if (!parser.oneWord(&options.selector))
        return u"follow: one SELECTOR only (several labels: app=a,version=v1)"_s;
    if (options.selector.isEmpty())
        return u"follow: missing SELECTOR (e.g. app=frontend)"_s;
    return {};
}

// SIGINT/SIGTERM become a byte on a pipe, read by the event loop (nothing else is safe in a
// signal handler).
int gSignalPipe[2] = {-1, -1};

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto n = ::write(gSignalPipe[1], &byte, 1);
}

class SignalGuard
{
public:
    SignalGuard()
    {
        if (::pipe2(gSignalPipe, O_CLOEXEC | O_NONBLOCK) != 0)
            return;
        struct sigaction action = {};
        action.sa_handler = onSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        ::sigaction(SIGINT, &action, &oldInt_);
        ::sigaction(SIGTERM, &action, &oldTerm_);
        installed_ = true;
    }
    ~SignalGuard()
    {
        if (!installed_)
            return;
        ::sigaction(SIGINT, &oldInt_, nullptr);
        ::sigaction(SIGTERM, &oldTerm_, nullptr);
        ::close(gSignalPipe[0]);
        ::close(gSignalPipe[1]);
        gSignalPipe[0] = gSignalPipe[1] = -1;
    }
    int readFd() const { return installed_ ? gSignalPipe[0] : -1; }

private:
    struct sigaction oldInt_ = {};
    struct sigaction oldTerm_ = {};
    bool installed_ = false;
};

bool isTerminal(QIODevice* device)
{
    const auto* file = qobject_cast<QFile*>(device);
    return file && file->handle() >= 0 && ::isatty(file->handle()) &&
           qEnvironmentVariableIsEmpty("NO_COLOR");
}

void flushOut(QIODevice* device)
{
    if (auto* file = qobject_cast<QFileDevice*>(device))
        file->flush();
}

// Six readable ANSI colours, one per pod (stable for a pod name).
QByteArray colourFor(const QString& pod)
{
    static const char* const kColours[] = {"\x1b[32m", "\x1b[33m", "\x1b[34m",
                                           "\x1b[35m", "\x1b[36m", "\x1b[91m"};
    return kColours[qHash(pod) % 6];
}

int run(const QStringList& args, const CliContext& ctx)
{
    if (args.contains(u"--help") || args.contains(u"-h")) {
        ctx.print(kUsage);
        return ExitOk;
    }
    Options options;
    if (const QString error = parseOptions(args, options); !error.isEmpty()) {
        ctx.printError(error + u"\n\n"_s + kUsage);
        return ExitUsage;
    }
    KubeTarget target;
    target.kubectl = options.kubectl;
    target.kubeconfig = options.kubeconfig;
    target.context = options.context;
    target.ns = options.ns;
    FollowOptions follow;
    follow.selector = options.selector;
    follow.container = options.container;
    follow.maxStreams = options.maxStreams;
    follow.tail = options.tail;
    follow.since = options.since;
    follow.giveUpAfter = std::chrono::milliseconds(options.giveUpMs);

    const bool colour = !options.ndjson && isTerminal(ctx.out);
    // The session follows; nothing is spooled to disk (the lines are printed as they come).
    LogSession session;
    QEventLoop loop;
    int code = ExitOk;
    QObject::connect(&session, &LogSession::linesFollowed, &loop,
                     [&](int, const QVector<kube::FollowedLine>& lines) {
                         QByteArray out;
                         for (const auto& line : lines) {
                             if (options.ndjson) {
                                 QJsonObject o{
                                     {u"pod"_s, line.pod},
                                     {u"container"_s, line.container},
                                     {u"timestamp"_s, QString::fromLatin1(line.timestamp)},
                                     {u"text"_s, QString::fromUtf8(line.text)}};
                                 out += QJsonDocument(o).toJson(QJsonDocument::Compact);
                             } else {
                                 // Everything here came from the cluster: control characters
                                 // (an ESC ] title, ESC [ 2 J, colours, C1) are made visible, as
                                 // `obslab logs` does; the only escapes written are our colours.
                                 const auto shown = [&out](QByteArrayView bytes) {
                                     LineJsonWriter::appendDisplayText(out, bytes, bytes.size());
                                 };
                                 if (colour)
                                     out += colourFor(line.pod);
                                 shown(line.pod.toUtf8());
                                 out += colour ? "\x1b[0m " : " ";
                                 shown(line.container.toUtf8());
                                 out += ' ';
                                 if (options.timestamps && !line.timestamp.isEmpty()) {
                                     shown(line.timestamp);
                                     out += ' ';
                                 }
                                 shown(line.text);
                             }
                             out += '\n';
                         }
                         ctx.write(out);
                         flushOut(ctx.out);
                     });
    QObject::connect(&session, &LogSession::podStateChanged, &loop,
                     [&](int, const QString& pod, PodFollower::PodState state, const QString& why) {
                         // stern's marks: + followed, ~ reconnecting, - ended, … queued behind the
                         // stream limit.
                         QChar mark;
                         switch (state) {
                         case PodFollower::PodState::Following:
                             mark = u'+';
                             break;
                         case PodFollower::PodState::Reconnecting:
                             mark = u'~';
                             break;
                         case PodFollower::PodState::Ended:
                             mark = u'-';
                             break;
                         case PodFollower::PodState::Queued:
                             mark = u'…';
                             break;
                         case PodFollower::PodState::Waiting:
                             return;
                         }
                         const QString tail = why.isEmpty() ? QString() : u" (%1)"_s.arg(why);
                         ctx.printError(terminalText(
                             u"%1 %2 %3%4\n"_s.arg(mark).arg(pod, options.container, tail)));
                     });
    QObject::connect(&session, &LogSession::followWarning, &loop, [&](int, const QString& message) {
        ctx.printError(terminalText(message) + u'\n');
    });
    QObject::connect(&session, &LogSession::followFailed, &loop,
                     [&](int, const QString& message, bool gaveUp) {
                         ctx.printError(terminalText(u"obslab follow: %1\n"_s.arg(message)));
                         code = gaveUp ? ExitIncomplete : ExitFailure;
                     });
    // A selector that matches nothing says so (once) and keeps waiting for pods to appear.
    bool anyPod = false;
    QObject::connect(&session, &LogSession::podAppeared, &loop, [&] { anyPod = true; });
    CommandRunner runner;
    Kubectl::GetOptions get;
    get.selector = options.selector;
    CommandSpec probe = Kubectl::get(target, u"pods"_s, get);
    probe.timeout = std::chrono::seconds(30);
    Command* listing = runner.start(probe);
    QObject::connect(listing, &Command::finished, &loop, [&](const CommandResult& r) {
        if (!r.ok() || anyPod)
            return;  // a failure is the watch's to report (it retries)
        const auto pods = KubeObjects::parse(r.stdoutData);
        if (pods.ok() && pods.value().isEmpty())
            ctx.printError(
                u"obslab follow: no pod matches %1 in namespace %2%3 yet; waiting for one to "
                "appear (Ctrl+C to stop)\n"_s.arg(options.selector, options.ns,
                                                  options.context.isEmpty()
                                                      ? QString()
                                                      : u" (context %1)"_s.arg(options.context)));
    });
    QObject::connect(&session, &LogSession::followStopped, &loop, &QEventLoop::quit);
    const int source = session.follow(options.selector, target, follow, nullptr,
                                      LogSession::Spool::LinesOnly, nullptr);

    SignalGuard signals;
    std::unique_ptr<QSocketNotifier> notifier;
    if (signals.readFd() >= 0) {
        notifier = std::make_unique<QSocketNotifier>(signals.readFd(), QSocketNotifier::Read);
        QObject::connect(notifier.get(), &QSocketNotifier::activated, &loop, [&] {
            char buffer[16];
            while (::read(signals.readFd(), buffer, sizeof buffer) > 0) {
            }
            session.stopFollowing(source);
        });
    }
    session.startFollowing(source);
    loop.exec();
    flushOut(ctx.out);
    return code;
}

}  // namespace

Subcommand followSubcommand()
{
    return {u"follow"_s,
            u"Follow a container's logs in every pod matching a selector (like stern)"_s, kUsage,
            run};
}

}  // namespace obslab::cli
