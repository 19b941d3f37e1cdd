#include "core/cli/FollowCommand.h"

#include "core/kube/KubeTarget.h"
#include "core/kube/PodFollower.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
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
    "\n"
    "Pod events (+ followed, - ended, ~ reconnecting) go to stderr.\n"
    "Exit status: 0 interrupted, 1 following failed (e.g. kubectl missing), 2 usage.\n"_s;

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
};

QString parseOptions(const QStringList& args, Options& options)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        QString a = args.at(i);
        QString value;
        bool inlineValue = false;
        if (a.startsWith(u"--") && a.contains(u'=')) {
            value = a.section(u'=', 1);
            a = a.section(u'=', 0, 0);
            inlineValue = true;
        }
        auto take = [&](QString* target) -> QString {
            if (!inlineValue) {
                if (i + 1 >= args.size())
                    return u"follow: %1 needs a value"_s.arg(a);
                value = args.at(++i);
            }
            if (value.isEmpty())
                return u"follow: %1 needs a value"_s.arg(a);
            *target = value;
            return {};
        };
        QString error;
        QString text;
        if (a == u"-c" || a == u"--container")
            error = take(&options.container);
        else if (a == u"-n" || a == u"--namespace")
            error = take(&options.ns);
        else if (a == u"--context")
            error = take(&options.context);
        else if (a == u"--kubeconfig")
            error = take(&options.kubeconfig);
        else if (a == u"--kubectl")
            error = take(&options.kubectl);
        else if (a == u"--timestamps")
            options.timestamps = true;
        else if (a == u"-o" || a == u"--output") {
            error = take(&text);
            if (error.isEmpty() && text != u"text" && text != u"ndjson")
                error = u"follow: --output is text or ndjson, not '%1'"_s.arg(text);
            options.ndjson = text == u"ndjson";
        } else if (a == u"--max-log-requests") {
            error = take(&text);
            bool ok = false;
            options.maxStreams = text.toInt(&ok);
            if (error.isEmpty() && (!ok || options.maxStreams < 1))
                error = u"follow: --max-log-requests needs a positive number"_s;
        } else if (a.startsWith(u'-') && a.size() > 1)
            error = u"follow: unknown option '%1'"_s.arg(a);
        else if (options.selector.isEmpty())
            options.selector = a;
        else
            error = u"follow: one SELECTOR only (several labels: app=a,version=v1)"_s;
        if (!error.isEmpty())
            return error;
    }
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

    const bool colour = !options.ndjson && isTerminal(ctx.out);
    PodFollower follower(target, follow);
    QEventLoop loop;
    int code = ExitOk;
    QObject::connect(
        &follower, &PodFollower::linesReady, &loop, [&](const QVector<kube::FollowedLine>& lines) {
            QByteArray out;
            for (const auto& line : lines) {
                if (options.ndjson) {
                    QJsonObject o{{u"pod"_s, line.pod},
                                  {u"container"_s, line.container},
                                  {u"timestamp"_s, QString::fromLatin1(line.timestamp)},
                                  {u"text"_s, QString::fromUtf8(line.text)}};
                    out += QJsonDocument(o).toJson(QJsonDocument::Compact);
                } else {
                    if (colour)
                        out += colourFor(line.pod);
                    out += line.pod.toUtf8();
                    out += colour ? "\x1b[0m " : " ";
                    out += line.container.toUtf8();
                    out += ' ';
                    if (options.timestamps && !line.timestamp.isEmpty())
                        out += line.timestamp + ' ';
                    out += line.text;
                }
                out += '\n';
            }
            ctx.write(out);
            flushOut(ctx.out);
        });
    QObject::connect(&follower, &PodFollower::podStateChanged, &loop,
                     [&](const QString& pod, PodFollower::PodState state, const QString& why) {
                         const QString tail = why.isEmpty() ? QString() : u" (%1)"_s.arg(why);
                         switch (state) {
                         case PodFollower::PodState::Following:
                             ctx.printError(u"+ %1 %2%3\n"_s.arg(pod, options.container, tail));
                             break;
                         case PodFollower::PodState::Reconnecting:
                             ctx.printError(u"~ %1 %2%3\n"_s.arg(pod, options.container, tail));
                             break;
                         case PodFollower::PodState::Ended:
                             ctx.printError(u"- %1 %2%3\n"_s.arg(pod, options.container, tail));
                             break;
                         case PodFollower::PodState::Queued:
                             ctx.printError(u"… %1 %2%3\n"_s.arg(pod, options.container, tail));
                             break;
                         case PodFollower::PodState::Waiting:
                             break;
                         }
                     });
    QObject::connect(&follower, &PodFollower::warning, &loop,
                     [&](const QString& message) { ctx.printError(message + u'\n'); });
    QObject::connect(&follower, &PodFollower::failed, &loop, [&](const QString& message) {
        ctx.printError(u"obslab follow: %1\n"_s.arg(message));
        code = ExitFailure;
    });
    QObject::connect(&follower, &PodFollower::stopped, &loop, &QEventLoop::quit);

    SignalGuard signals;
    std::unique_ptr<QSocketNotifier> notifier;
    if (signals.readFd() >= 0) {
        notifier = std::make_unique<QSocketNotifier>(signals.readFd(), QSocketNotifier::Read);
        QObject::connect(notifier.get(), &QSocketNotifier::activated, &loop, [&] {
            char buffer[16];
            while (::read(signals.readFd(), buffer, sizeof buffer) > 0) {
            }
            follower.stop();
        });
    }
    follower.start();
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
