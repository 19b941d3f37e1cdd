#include "core/lab/LabTrust.h"

#include <QDir>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace obslab::LabTrust {

namespace {

// Subcommands a lab may run, with the second word where only some are safe.
const QStringList kKubectl = {
    u"get"_s,   u"describe"_s, u"logs"_s,          u"apply"_s,        u"delete"_s,
    u"label"_s, u"annotate"_s, u"rollout"_s,       u"wait"_s,         u"version"_s,
    u"diff"_s,  u"explain"_s,  u"api-resources"_s, u"api-versions"_s, u"cluster-info"_s,
    u"scale"_s, u"patch"_s,    u"create"_s,        u"top"_s,          u"events"_s,
    u"auth"_s,
};
const QStringList kRollout = {u"status"_s, u"restart"_s, u"history"_s};
const QStringList kCreate = {u"namespace"_s, u"ns"_s};
const QStringList kAuth = {u"can-i"_s};

const QStringList kIstioctl = {
    u"version"_s,
    u"analyze"_s,
    u"proxy-config"_s,
    u"pc"_s,
    u"proxy-status"_s,
    u"ps"_s,
    u"install"_s,
    u"uninstall"_s,
    u"verify-install"_s,
    u"precheck"_s,
    u"x"_s,
};
const QStringList kIstioctlX = {u"precheck"_s};

// Flags that point the tool at another cluster or identity.
const QStringList kIdentityFlags = {
    u"--kubeconfig"_s,
    u"--context"_s,
    u"--cluster"_s,
    u"--user"_s,
    u"--as"_s,
    u"--as-group"_s,
    u"--as-uid"_s,
    u"--token"_s,
    u"--server"_s,
    u"-s"_s,
    u"--certificate-authority"_s,
    u"--client-certificate"_s,
    u"--client-key"_s,
    u"--insecure-skip-tls-verify"_s,
    u"--username"_s,
    u"--password"_s,
    u"--tls-server-name"_s,
    u"--cache-dir"_s,
    u"--vklog"_s,
};
// Flags that read local files or directories.
const QStringList kFileFlags = {u"-f"_s, u"--filename"_s, u"-k"_s, u"--kustomize"_s, u"--raw"_s};
const QStringList kIstioFileFlags = {u"-f"_s, u"--filename"_s,  u"-c"_s,
                                     u"-d"_s, u"--manifests"_s, u"--charts"_s};

QString flagName(const QString& arg)
{
    if (!arg.startsWith(u'-'))
        return {};
    const qsizetype eq = arg.indexOf(u'=');
    return eq < 0 ? arg : arg.left(eq);
}

// A short flag cluster such as `-sfoo` carries its value glued on: compare the first letter.
bool matchesShort(const QString& arg, const QStringList& flags)
{
    if (arg.size() > 2 && arg.at(0) == u'-' && arg.at(1) != u'-')
        return flags.contains(arg.left(2));
    return false;
}

QList<Violation> check(const QStringList& args, const QString& tool, const QStringList& allowed,
                       const QStringList& fileFlags)
{
    QList<Violation> out;
    if (args.isEmpty()) {
        out.append({-1, u"%1 needs a subcommand"_s.arg(tool)});
        return out;
    }
    const QString& sub = args.first();
    if (sub.startsWith(u'-')) {
        out.append({0, u"the first argument must be the %1 subcommand, not the flag '%2'"_s.arg(
                           tool, sub)});
    } else if (!allowed.contains(sub)) {
        out.append({0, u"'%1 %2' is not allowed in a lab (allowed: %3)"_s.arg(
                           tool, sub, allowed.join(u", "))});
    } else {
        const QString second = args.value(1);
        auto needs = [&](const QStringList& words) {
            if (!words.contains(second))
                out.append(
                    {args.size() > 1 ? 1 : 0,
                     u"'%1 %2' is allowed only as %3"_s.arg(
                         tool, sub,
                         QStringList(words)
                             .replaceInStrings(QRegularExpression(u"^"_s), tool + u' ' + sub + u' ')
                             .join(u", "))});
        };
        if (tool == u"kubectl") {
            if (sub == u"rollout")
                needs(kRollout);
            else if (sub == u"create")
                needs(kCreate);
            else if (sub == u"auth")
                needs(kAuth);
        } else if (sub == u"x") {
            needs(kIstioctlX);
        }
    }
    for (int i = 0; i < args.size(); ++i) {
        const QString& arg = args.at(i);
        if (arg == u"--")
            break;
        const QString name = flagName(arg);
        if (name.isEmpty())
            continue;
        if (kIdentityFlags.contains(name) || matchesShort(arg, {u"-s"_s}) ||
            (tool == u"istioctl" && (name == u"-c" || matchesShort(arg, {u"-c"_s}))))
            out.append({i, u"'%1' is not allowed in a lab: ObsLab sets the kube context and "
                           "namespace itself"_s.arg(name)});
        else if (fileFlags.contains(name) || matchesShort(arg, fileFlags))
            out.append({i, u"'%1' reads local files and is not allowed in a lab: use the 'apply' "
                           "or 'istioInstall' action with a manifest beside the lab"_s.arg(name)});
    }
    return out;
}

}  // namespace

QList<Violation> checkKubectl(const QStringList& args)
{
    return check(args, u"kubectl"_s, kKubectl, kFileFlags);
}

QList<Violation> checkIstioctl(const QStringList& args)
{
    return check(args, u"istioctl"_s, kIstioctl, kIstioFileFlags);
}

bool isSafeRelativePath(const QString& path)
{
    if (path.isEmpty() || QDir::isAbsolutePath(path) || path.startsWith(u'~') ||
        path.contains(u'\\') || path.contains(QChar(0)))
        return false;
    const QStringList parts = path.split(u'/');
    for (const QString& p : parts)
        if (p == u"..")
            return false;
    return true;
}

bool isSafeVariableValue(const QString& value)
{
    static const QRegularExpression re(u"^[A-Za-z0-9._/:=,][A-Za-z0-9._/:=,-]*$"_s);
    return value.isEmpty() || re.match(value).hasMatch();
}

QStringList allowedKubectlSubcommands()
{
    return kKubectl;
}

QStringList allowedIstioctlSubcommands()
{
    return kIstioctl;
}

}  // namespace obslab::LabTrust
