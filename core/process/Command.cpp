#include "core/process/Command.h"

#include "core/common/Logging.h"
#include "core/process/ToolLocator.h"
#include "core/process/Transcript.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QStandardPaths>

#include <csignal>
#include <cstring>

#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#include <unistd.h>
#endif

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
QString signalName(int signal)
{
    switch (signal) {
    case SIGABRT:
        return u"SIGABRT"_s;
    case SIGSEGV:
        return u"SIGSEGV"_s;
    case SIGBUS:
        return u"SIGBUS"_s;
    case SIGKILL:
        return u"SIGKILL"_s;
    case SIGTERM:
        return u"SIGTERM"_s;
    case SIGINT:
        return u"SIGINT"_s;
    case SIGPIPE:
        return u"SIGPIPE"_s;
    default:
        return u"signal %1"_s.arg(signal);
    }
}
}  // namespace

Command::Command(CommandSpec spec, Transcript* transcript, bool background, QObject* parent)
    : QObject(parent)
    , spec_(std::move(spec))
    , transcript_(transcript)
    , background_(background)
{
    if (background_)
        spec_.timeout = std::chrono::milliseconds::zero();
    timeoutTimer_.setSingleShot(true);
    killTimer_.setSingleShot(true);
    connect(&timeoutTimer_, &QTimer::timeout, this, &Command::onTimeout);
    connect(&killTimer_, &QTimer::timeout, this, [this] {
        if (process_ && process_->state() != QProcess::NotRunning) {
            qCInfo(lcProcess) << "no exit after SIGTERM, killing" << spec_.program;
            process_->kill();
        }
    });
    result_.status = CommandStatus::FailedToStart;
}

Command::~Command()
{
    if (process_ && process_->state() != QProcess::NotRunning) {
        // QProcess's destructor would block until the child is reaped: kill it and let the
        // QProcess go away on its own once it reports the end.
        process_->disconnect(this);
        process_->kill();
        process_->setParent(nullptr);
        connect(process_, &QProcess::finished, process_, &QObject::deleteLater);
        // Parented to the application (same thread only) so that it is freed at exit at the latest.
        if (auto* app = QCoreApplication::instance(); app && app->thread() == process_->thread())
            process_->setParent(app);
        process_ = nullptr;
    }
}

void Command::start()
{
    if (result_.startedAt.isValid())
        return;
    result_.startedAt = QDateTime::currentDateTimeUtc();
    elapsed_.start();
    if (transcript_)
        transcriptId_ = transcript_->begin(spec_, background_, result_.startedAt);
    QMetaObject::invokeMethod(this, &Command::launch, Qt::QueuedConnection);
}

QString Command::resolveProgram(CommandStatus* failure, QString* message) const
{
    const QString& program = spec_.program;
    if (program.isEmpty()) {
        *failure = CommandStatus::NotFound;
        *message = u"No program given."_s;
        return {};
    }
    if (!program.contains(u'/')) {
        QStringList paths;
        // An overridden PATH is the one the program would be looked up in.
        if (const auto it = spec_.environment.constFind(u"PATH"_s); it != spec_.environment.cend())
            paths = it->split(u':', Qt::SkipEmptyParts);
        const QString found = QStandardPaths::findExecutable(program, paths);
        if (found.isEmpty()) {
            *failure = CommandStatus::NotFound;
            *message = ToolLocator::notFoundMessage(program);
        }
        return found;
    }
    QFileInfo info(program);
    if (info.isRelative() && !spec_.workingDirectory.isEmpty())
        info.setFile(QDir(spec_.workingDirectory).filePath(program));
    if (!info.exists()) {
        *failure = CommandStatus::NotFound;
        *message = ToolLocator::notFoundMessage(program);
        return {};
    }
    if (!info.isFile() || !info.isExecutable()) {
        *failure = CommandStatus::FailedToStart;
        *message = u"%1 is not an executable file. Check its permissions (chmod +x) or choose "
                   "another program."_s.arg(program);
        return {};
    }
    return info.absoluteFilePath();
}

void Command::launch()
{
    if (done_)
        return;
    if (stopRequested_) {
        complete(pendingStatus_, u"Cancelled before it started."_s);
        return;
    }
    CommandStatus failure = CommandStatus::FailedToStart;
    QString message;
    const QString resolved = resolveProgram(&failure, &message);
    if (resolved.isEmpty()) {
        complete(failure, message);
        return;
    }
    if (!spec_.workingDirectory.isEmpty() && !QFileInfo(spec_.workingDirectory).isDir()) {
        complete(CommandStatus::FailedToStart,
                 u"The working directory %1 does not exist."_s.arg(spec_.workingDirectory));
        return;
    }

    process_ = new QProcess(this);
    process_->setProgram(resolved);
    process_->setArguments(spec_.arguments);
    if (!spec_.workingDirectory.isEmpty())
        process_->setWorkingDirectory(spec_.workingDirectory);
    if (!spec_.environment.isEmpty() || spec_.scrubEnvironment) {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        if (spec_.scrubEnvironment) {
            for (const QString& name : env.keys())
                if (name.startsWith(u"KUBECTL_"_s) || name == u"EDITOR" || name == u"VISUAL" ||
                    name == u"KUBE_EDITOR" || name == u"PAGER" || name == u"KUBECTL_EXTERNAL_DIFF")
                    env.remove(name);
        }
        for (auto it = spec_.environment.cbegin(); it != spec_.environment.cend(); ++it)
            env.insert(it.key(), it.value());
        process_->setProcessEnvironment(env);
    }
    connect(process_, &QProcess::readyReadStandardOutput, this,
            [this] { onReadyRead(QProcess::StandardOutput); });
    connect(process_, &QProcess::readyReadStandardError, this,
            [this] { onReadyRead(QProcess::StandardError); });
    connect(process_, &QProcess::finished, this, &Command::onFinished);
    connect(process_, &QProcess::errorOccurred, this, &Command::onErrorOccurred);
    connect(process_, &QProcess::started, this, [this] { Q_EMIT started(); });

#ifdef Q_OS_LINUX
    if (background_) {
        // Followers, port-forwards and traffic loops die with ObsLab even when it is killed
        // (SIGKILL, a crash): the kernel sends SIGTERM when the thread that started them exits.
        // A parent that died before prctl() ran is caught by the getppid() check.
        const pid_t parent = ::getpid();
        process_->setChildProcessModifier([parent] {
            ::prctl(PR_SET_PDEATHSIG, SIGTERM);
            if (::getppid() != parent)
                ::_exit(127);
        });
    }
#endif
    qCDebug(lcProcess) << "starting" << resolved << spec_.arguments;
    process_->start();
    if (done_)  // failed synchronously inside start()
        return;
    // Buffered by QProcess and written once the child runs; closing afterwards sends EOF.
    if (!spec_.stdinData.isEmpty())
        process_->write(spec_.stdinData);
    process_->closeWriteChannel();
    if (spec_.timeout > std::chrono::milliseconds::zero())
        timeoutTimer_.start(spec_.timeout);
}

void Command::onReadyRead(QProcess::ProcessChannel channel)
{
    if (!process_)
        return;
    const bool isStderr = channel == QProcess::StandardError;
    const QByteArray chunk =
        isStderr ? process_->readAllStandardError() : process_->readAllStandardOutput();
    if (chunk.isEmpty())
        return;
    capture(chunk, isStderr);
    auto deliver = [this, isStderr](const QByteArray& line) { deliverLine(line, isStderr); };
    (isStderr ? stderrLines_ : stdoutLines_).feed(chunk, deliver);
}

void Command::deliverLine(const QByteArray& line, bool isStderr)
{
    if (transcript_)
        transcript_->appendOutput(transcriptId_, line, isStderr);
    if (isStderr)
        Q_EMIT stderrLine(line);
    else
        Q_EMIT stdoutLine(line);
}

void Command::capture(const QByteArray& chunk, bool isStderr)
{
    QByteArray& kept = isStderr ? result_.stderrData : result_.stdoutData;
    bool& truncated = isStderr ? result_.stderrTruncated : result_.stdoutTruncated;
    const qsizetype room = spec_.captureLimit - kept.size();
    if (chunk.size() <= room) {
        kept.append(chunk);
        return;
    }
    if (room > 0)
        kept.append(chunk.constData(), room);
    truncated = true;
}

void Command::onFinished(int exitCode, QProcess::ExitStatus exitStatus)
{
    // QProcess has read what was left in the pipes before finished(); drain anyway in case a
    // readyRead was still queued.
    onReadyRead(QProcess::StandardOutput);
    onReadyRead(QProcess::StandardError);
    if (stopRequested_) {
        result_.exitCode = exitStatus == QProcess::NormalExit ? exitCode : -1;
        complete(pendingStatus_, pendingStatus_ == CommandStatus::TimedOut
                                     ? u"Stopped after the %1 s timeout."_s.arg(
                                           double(spec_.timeout.count()) / 1000.0)
                                     : u"Cancelled."_s);
        return;
    }
    if (exitStatus == QProcess::CrashExit) {
        // On Unix QProcess reports the signal number as the exit code of a crashed process.
        complete(CommandStatus::Crashed,
                 u"%1 was killed by %2."_s.arg(spec_.program, signalName(exitCode)));
        return;
    }
    result_.exitCode = exitCode;
    if (exitCode == 0)
        complete(CommandStatus::Succeeded, {});
    else
        complete(CommandStatus::Failed,
                 u"%1 exited with code %2."_s.arg(spec_.program).arg(exitCode));
}

void Command::onErrorOccurred(QProcess::ProcessError error)
{
    switch (error) {
    case QProcess::FailedToStart:
        // No finished() follows a failed start.
        if (stopRequested_)
            complete(pendingStatus_, u"Cancelled."_s);
        else
            complete(CommandStatus::FailedToStart,
                     u"Could not start %1: %2"_s.arg(spec_.program, process_->errorString()));
        break;
    case QProcess::Crashed:  // finished() follows and reports it
        break;
    default:
        qCDebug(lcProcess) << spec_.program << "process error" << error << process_->errorString();
        break;
    }
}

void Command::onTimeout()
{
    if (done_ || stopRequested_)
        return;
    qCInfo(lcProcess) << "timeout" << spec_.program << spec_.timeout.count() << "ms";
    pendingStatus_ = CommandStatus::TimedOut;
    terminate();
}

void Command::cancel()
{
    if (done_ || stopRequested_)
        return;
    pendingStatus_ = CommandStatus::Cancelled;
    terminate();
}

void Command::terminate()
{
    stopRequested_ = true;
    timeoutTimer_.stop();
    // Not launched yet: launch() sees stopRequested_ and reports without starting anything.
    if (!process_ || process_->state() == QProcess::NotRunning)
        return;
    process_->terminate();
    killTimer_.start(spec_.killGrace);
}

void Command::complete(CommandStatus status, const QString& message)
{
    if (done_)
        return;
    done_ = true;
    timeoutTimer_.stop();
    killTimer_.stop();
    auto deliverOut = [this](const QByteArray& line) { deliverLine(line, false); };
    auto deliverErr = [this](const QByteArray& line) { deliverLine(line, true); };
    stdoutLines_.finish(deliverOut);
    stderrLines_.finish(deliverErr);

    result_.status = status;
    result_.message = message;
    if (status == CommandStatus::NotFound || status == CommandStatus::FailedToStart ||
        status == CommandStatus::Crashed)
        result_.exitCode = -1;
    result_.durationMs = elapsed_.isValid() ? elapsed_.elapsed() : 0;
    qCDebug(lcProcess) << spec_.program << commandStatusName(status) << result_.exitCode
                       << result_.durationMs << "ms";
    if (transcript_)
        transcript_->finish(transcriptId_, result_);
    Q_EMIT finished(result_);
    deleteLater();
}

}  // namespace obslab
