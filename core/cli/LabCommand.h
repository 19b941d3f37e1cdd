#pragma once

#include "core/cli/Cli.h"

#include <QHash>
#include <QString>
#include <QUrl>

#include <functional>

namespace obslab {
class CommandRunner;
class LabRunner;
}  // namespace obslab

namespace obslab::cli {

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

// Parses the words after `run`. Returns an error message (empty on success); `rest` gets words
// it did not know when given (so that a caller can add its own options), else they are errors.
QString parseLabRunOptions(const QStringList& args, LabRunOptions& options,
                           QStringList* rest = nullptr);

// Runs a lab headless, printing each command, its output and each check's result to ctx.
// `runner` runs the commands (a caller may record them through its Transcript); `observe`, when
// given, is called with the LabRunner before anything runs. Returns an ExitCode.
int runLab(const LabRunOptions& options, const CliContext& ctx, CommandRunner* runner,
           const std::function<void(LabRunner*)>& observe = {});

}  // namespace obslab::cli
