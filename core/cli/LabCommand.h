#pragma once

#include "core/cli/Cli.h"

#include <QCommandLineOption>
#include <QHash>
#include <QList>
#include <QString>
#include <QUrl>

#include <functional>

namespace obslab {
class CommandRunner;
class LabRunner;
}  // namespace obslab

namespace obslab::cli {

class OptionParser;

// `obslab lab list | lint FILE… | plan FILE|ID | run FILE|ID [--step ID] [--yes] …`.
Subcommand labSubcommand();

// The options of `obslab lab run`, parsed; reused by commands built on it (rehearsals).
struct LabRunOptions
{
    QString lab;            // an id of a built-in lab or a path
    QString step;           // only this step
    bool yes = false;       // accept the plan and confirmations without asking
    bool teardown = false;  // run the teardown (after the steps, or alone with --teardown-only)
    bool teardownOnly = false;
    QString context;
    QString kubeconfig;
    QString kubectl = QStringLiteral("kubectl");
    QString istioctl = QStringLiteral("istioctl");
    QUrl jaegerUrl;
    QHash<QString, QString> variables;
    int checkTimeoutSeconds = 0;  // > 0: no check keeps trying longer than this (fail fast)
};

// Parses the words after `run` (or `plan`). Returns an error message, empty on success.
QString parseLabRunOptions(const QStringList& args, LabRunOptions& options);
// The same in two halves, for commands that add options of their own (rehearsals): the options
// of `lab run`, and reading them from a parser that has parsed the words; `words` are the
// positional ones that belong to the run (the lab, then mistakes).
QList<QCommandLineOption> labRunOptions();
QString readLabRunOptions(const OptionParser& parser, QStringList words, LabRunOptions& options);

// Runs a lab headless, printing each command, its output and each check's result to ctx.
// `runner` runs the commands (a caller may record them through its Transcript); `observe`, when
// given, is called with the LabRunner before anything runs. Returns an ExitCode.
int runLab(const LabRunOptions& options, const CliContext& ctx, CommandRunner* runner,
           const std::function<void(LabRunner*)>& observe = {});

}  // namespace obslab::cli
