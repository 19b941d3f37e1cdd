#pragma once

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

#include <chrono>

namespace obslab {

// Everything needed to run one external program: never a shell, never a joined string.
struct CommandSpec
{
    QString program;  // a bare name (looked up on PATH) or an absolute path
    QStringList arguments;
    QByteArray stdinData;                // written, then stdin is closed (empty: closed at once)
    QMap<QString, QString> environment;  // added to (or overriding) the inherited environment
    // Drop what could make the program start another one (EDITOR, VISUAL, KUBE_EDITOR,
    // KUBECTL_EXTERNAL_DIFF and every other KUBECTL_* hook, PAGER): set for lab commands.
    bool scrubEnvironment = false;
    QString workingDirectory;                                     // empty: the current one
    std::chrono::milliseconds timeout{std::chrono::seconds(60)};  // zero: none (background jobs)
    QString title;  // what it does, for people: "Read the current kube context"
    qsizetype captureLimit = 16 * 1024 * 1024;  // bytes of each stream kept in the result
    // After cancel()/stop()/timeout: how long a SIGTERM gets before SIGKILL.
    std::chrono::milliseconds killGrace{std::chrono::seconds(2)};

    // The command as a person would paste it into a POSIX shell (arguments quoted where needed,
    // environment additions as VAR=value prefixes, stdin noted as a heredoc-less comment).
    // Not redacted: pass it through Redactor before showing or recording it.
    QString toShellLine() const;
};

// Quotes one word for a POSIX shell only when it needs it: `abc` stays, `a b` → `'a b'`,
// `it's` → `'it'\''s'`, empty → `''`.
QString shellQuote(const QString& word);

}  // namespace obslab
