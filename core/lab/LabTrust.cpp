#include "core/lab/LabTrust.h"

#include "core/lab/LabPlan.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace obslab::LabTrust {

QHash<QString, QString> variables(const Lab& lab, const QHash<QString, QString>& values)
{
    QHash<QString, QString> vars;
    for (const auto& [name, value] : lab.variables)
        vars.insert(name, value);
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        vars.insert(it.key(), it.value());
    return vars;
}

CommandPolicy::Scope scope(const Lab& lab, const QHash<QString, QString>& vars,
                           const QString& actionNamespace)
{
    CommandPolicy::Scope s;
    s.labDir = lab.dir;
    const QString labNs = vars.value(u"namespace"_s, u"default"_s);
    s.defaultNamespace =
        actionNamespace.isEmpty() ? labNs : substituteVariables(actionNamespace, vars);
    s.mutableNamespaces << labNs;
    for (const QString& n : lab.namespaces)
        s.mutableNamespaces << substituteVariables(n, vars);
    s.mutableNamespaces.removeDuplicates();
    return s;
}

CommandPolicy::Verdict checkCommand(const Lab& lab, const QHash<QString, QString>& vars,
                                    LabActionKind kind, const QStringList& args, const QString& ns)
{
    QStringList expanded;
    for (const QString& a : args)
        expanded << substituteVariables(a, vars);
    return CommandPolicy::check(kind == LabActionKind::Istioctl ? CommandPolicy::Tool::Istioctl
                                                                : CommandPolicy::Tool::Kubectl,
                                expanded, scope(lab, vars, ns));
}

namespace {

class Linter
{
public:
    Linter(const Lab& lab, const QHash<QString, QString>& vars)
        : lab_(lab)
        , vars_(vars)
    {}

    QList<LabIssue> issues;

    void error(const LabPos& p, const QString& message)
    {
        const LabIssue issue{lab_.filePath, p, message};
        for (const LabIssue& i : std::as_const(issues))
            if (i.pos.line == p.line && i.pos.column == p.column && i.message == message)
                return;
        issues << issue;
    }
    QString sub(const QString& s) const { return substituteVariables(s, vars_); }

    void command(LabActionKind kind, const QStringList& args, const QList<LabPos>& argPos,
                 const QString& ns, const LabPos& at, bool readOnly)
    {
        const CommandPolicy::Verdict v = checkCommand(lab_, vars_, kind, args, ns);
        for (const CommandPolicy::Finding& f : v.refusals)
            error(f.argIndex >= 0 && f.argIndex < argPos.size() ? argPos.at(f.argIndex) : at,
                  f.message);
        if (readOnly && v.ok() && v.mutates)
            error(at, u"a check only looks: this command changes the cluster (make it an "
                      "action)"_s);
    }

    void manifest(const LabAction& a, bool deleting)
    {
        const CommandPolicy::Scope s = scope(lab_, vars_, a.ns);
        QByteArray text;
        if (!a.file.isEmpty()) {
            QString canonical;
            const QString why = CommandPolicy::checkLabFile(sub(a.file), lab_.dir, &canonical);
            if (!why.isEmpty())
                return error(a.filePos.line ? a.filePos : a.pos, why);
            QFile f(canonical);
            if (canonical.isEmpty() || !f.open(QIODevice::ReadOnly))
                return;
            text = sub(QString::fromUtf8(f.read(4 * 1024 * 1024))).toUtf8();
        } else if (!a.inline_.isEmpty()) {
            text = sub(a.inline_).toUtf8();
        } else {
            return;
        }
        for (const QString& why :
             CommandPolicy::manifestProblems(text, s.defaultNamespace, s, deleting))
            error(a.pos, why);
    }

    void name(const QString& n, const LabPos& at)
    {
        if (const QString why = CommandPolicy::checkName(sub(n)); !why.isEmpty())
            error(at, why);
    }
    void selector(const QString& sel, const LabPos& at)
    {
        if (const QString why = CommandPolicy::checkSelector(sub(sel)); !why.isEmpty())
            error(at, why);
    }

    void action(const LabAction& a)
    {
        switch (a.kind) {
        case LabActionKind::Apply:
        case LabActionKind::Delete:
            manifest(a, a.kind == LabActionKind::Delete);
            break;
        case LabActionKind::Kubectl:
        case LabActionKind::Istioctl:
            command(a.kind, a.args, a.argPos, a.ns, a.pos, false);
            break;
        case LabActionKind::IstioInstall:
            if (const QString why = CommandPolicy::checkLabFile(sub(a.file), lab_.dir);
                !why.isEmpty())
                error(a.filePos.line ? a.filePos : a.pos, why);
            break;
        case LabActionKind::Restart:
        case LabActionKind::WaitRollout:
            for (const QString& d : a.deployments)
                name(d.section(u'/', -1), a.pos);
            if (a.kind == LabActionKind::Restart) {
                const CommandPolicy::Scope s = scope(lab_, vars_, a.ns);
                if (const QString why = CommandPolicy::checkMutableNamespace(s.defaultNamespace, s);
                    !why.isEmpty())
                    error(a.pos, why);
            }
            break;
        case LabActionKind::FollowLogs:
            selector(a.selector, a.pos);
            name(a.container, a.pos);
            break;
        case LabActionKind::PortForward:
            name(a.service, a.pos);
            break;
        case LabActionKind::TracedRequest:
        case LabActionKind::StartTraffic:
            name(a.from, a.pos);
            if (!a.container.isEmpty())
                name(a.container, a.pos);
            if (const QString why = CommandPolicy::checkText(sub(a.target)); !why.isEmpty())
                error(a.pos, why);
            break;
        case LabActionKind::StopTraffic:
        case LabActionKind::OpenTrace:
        case LabActionKind::OpenSearch:
        case LabActionKind::RunDoctor:
            break;
        }
        if (!a.ns.isEmpty())
            if (const QString why = CommandPolicy::checkName(sub(a.ns)); !why.isEmpty())
                error(a.pos, u"namespace: "_s + why);
    }

    void check(const LabCheck& c)
    {
        switch (c.kind) {
        case LabCheckKind::PodsHaveSidecar:
        case LabCheckKind::LogsMatch:
            selector(c.selector, c.pos);
            break;
        case LabCheckKind::RolloutReady:
            name(c.deployment, c.pos);
            break;
        case LabCheckKind::ResourceExists:
            name(c.name, c.pos);
            if (!matches(c.resource))
                error(c.pos, u"'%1' is not a resource kind"_s.arg(c.resource));
            break;
        case LabCheckKind::CommandSucceeds:
            command(c.tool == u"istioctl" ? LabActionKind::Istioctl : LabActionKind::Kubectl,
                    c.args, c.argPos, c.ns, c.pos, true);
            break;
        case LabCheckKind::JaegerHasService:
        case LabCheckKind::JaegerHasTrace:
            break;
        }
    }

    static bool matches(const QString& kind)
    {
        static const QRegularExpression re(u"^[A-Za-z][A-Za-z0-9.-]*$"_s);
        return re.match(kind).hasMatch();
    }

    void run()
    {
        const QString labNs = vars_.value(u"namespace"_s, u"default"_s);
        for (int i = 0; i < lab_.namespaces.size() + 1; ++i) {
            const QString ns = i == 0 ? labNs : sub(lab_.namespaces.at(i - 1));
            const LabPos at = i == 0 ? LabPos{1, 1} : lab_.namespacesPos.value(i - 1, {1, 1});
            if (ns.startsWith(u"kube-"_s))
                error(at, u"'%1' is a system namespace: a lab never changes it"_s.arg(ns));
            else if (const QString why = CommandPolicy::checkName(ns);
                     !why.isEmpty() || ns.contains(u'.'))
                error(at, u"'%1' is not a namespace name"_s.arg(ns));
        }
        for (const LabStep& s : lab_.steps) {
            for (const LabAction& a : s.actions)
                action(a);
            for (const LabCheck& c : s.checks)
                check(c);
        }
        for (const LabAction& a : lab_.teardown)
            action(a);
    }

private:
    const Lab& lab_;
    const QHash<QString, QString>& vars_;
};

}  // namespace

QList<LabIssue> lint(const Lab& lab, const QHash<QString, QString>& vars)
{
    Linter l(lab, vars);
    l.run();
    return l.issues;
}

bool isSafeRelativePath(const QString& path)
{
    return !path.isEmpty() && CommandPolicy::checkLabFile(path, {}).isEmpty();
}

bool isSafeVariableValue(const QString& value)
{
    static const QRegularExpression re(u"^[A-Za-z0-9._/:=,][A-Za-z0-9._/:=,-]*$"_s);
    return value.isEmpty() || re.match(value).hasMatch();
}

}  // namespace obslab::LabTrust
