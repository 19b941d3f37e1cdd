#pragma once

#include <QIODevice>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>

namespace obslab::cli {

// Exit codes shared by every subcommand.
enum ExitCode
{
    ExitOk = 0,
    ExitFailure = 1,
    ExitUsage = 2,
    // The command could not finish what it set out to do for a reason outside it: `doctor` when
    // the cluster stopped answering during the checks, `lab run` stopped short of its last step
    // without a failed step, `follow` giving up on an API server that is gone.
    ExitIncomplete = 3
};

// Where a subcommand reads and writes; tests pass QBuffers, the real CLI the process's streams.
struct CliContext
{
    QIODevice* in = nullptr;
    QIODevice* out = nullptr;
    QIODevice* err = nullptr;

    void print(const QString& text) const;       // to out, as UTF-8
    void printError(const QString& text) const;  // to err, as UTF-8
    void write(const QByteArray& bytes) const;   // raw bytes to out
};

struct Subcommand
{
    QString name;     // "logs"
    QString summary;  // one line for `obslab --help`
    QString usage;    // full help for `obslab NAME --help`
    // Receives the arguments after the subcommand's name. Runs on the main thread with a
    // QCoreApplication present; may run a local event loop. Returns an ExitCode.
    std::function<int(const QStringList& args, const CliContext& ctx)> run;
};

class Dispatcher
{
public:
    Dispatcher();  // with every built-in subcommand registered
    void add(Subcommand subcommand);
    const Subcommand* find(const QString& name) const;
    const QList<Subcommand>& subcommands() const { return subcommands_; }

    // True when `obslab ARGS` is for the headless CLI, false when it opens the GUI
    // (no arguments, or files to open). Pure: looks at the words and at which paths exist.
    bool isHeadless(const QStringList& args) const;

    // args excludes the program name. Returns the exit code.
    int run(const QStringList& args, const CliContext& ctx) const;

    // Options that belong to the GUI (`--open-log`, `--lab ID`, `--trace ID`, `--jaeger URL`):
    // they open the window.
    static bool isGuiOption(const QString& arg);

    QString helpText() const;
    static QString versionText();

private:
    QList<Subcommand> subcommands_;
};

// The entry point of the headless path: creates a QCoreApplication (no GUI library touched)
// and runs the dispatcher on the process's stdin/stdout/stderr.
int runHeadless(int argc, char** argv);

}  // namespace obslab::cli
