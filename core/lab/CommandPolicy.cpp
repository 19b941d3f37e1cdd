#include "core/lab/CommandPolicy.h"

#include "core/lab/CommandPolicyTable.h"

#include "core/common/YamlReader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab::CommandPolicy {

using namespace table;

namespace {

QString toolName(Tool t)
{
    return t == Tool::Kubectl ? u"kubectl"_s : u"istioctl"_s;
}

bool matches(const QString& pattern, const QString& text)
{
    const QRegularExpression re(u"\\A(?:"_s + pattern + u")\\z"_s);
    return re.match(text).hasMatch();
}

const QString kDnsLabel = u"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"_s;
const QString kDnsName = u"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?"_s;
const QString kType = u"[A-Za-z][A-Za-z0-9-]*(\\.[A-Za-z0-9-]+)*"_s;
const QString kLabelKey =
    u"([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?"_s;
const QString kLabelValue = u"([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?"_s;

// Why a flag with this hint is left out, for the people who reach for it.
QString whyNot(const QString& name)
{
    static const QStringList identity = {u"kubeconfig"_s,
                                         u"context"_s,
                                         u"cluster"_s,
                                         u"user"_s,
                                         u"as"_s,
                                         u"as-group"_s,
                                         u"as-uid"_s,
                                         u"token"_s,
                                         u"server"_s,
                                         u"certificate-authority"_s,
                                         u"client-certificate"_s,
                                         u"client-key"_s,
                                         u"insecure-skip-tls-verify"_s,
                                         u"tls-server-name"_s,
                                         u"username"_s,
                                         u"password"_s,
                                         u"istioNamespace"_s,
                                         u"vklog"_s};
    static const QStringList writes = {u"profile"_s,   u"profile-output"_s, u"output-directory"_s,
                                       u"cache-dir"_s, u"log-file"_s,       u"log-dir"_s};
    static const QStringList reads = {
        u"kustomize"_s, u"recursive"_s,      u"raw"_s,       u"template"_s, u"patch-file"_s,
        u"file"_s,      u"meshConfigFile"_s, u"manifests"_s, u"charts"_s,   u"filename"_s};
    if (identity.contains(name))
        return u": ObsLab sets the cluster, context and identity itself"_s;
    if (writes.contains(name))
        return u": it writes local files, and a lab never does"_s;
    if (reads.contains(name))
        return u": it reads local files or folders; manifests go through the 'apply' or "
               "'istioInstall' actions"_s;
    if (name == u"watch" || name == u"follow")
        return u": it never ends (use the followLogs action or a check)"_s;
    return {};
}

struct Given
{
    const Flag* flag = nullptr;
    QString value;
    bool hasValue = false;
    int index = 0;
};

class Checker
{
public:
    Checker(Tool tool, const QStringList& args, const Scope& scope)
        : tool_(tool)
        , args_(args)
        , scope_(scope)
    {}

    Verdict run();

private:
    void refuse(int index, const QString& message) { v_.refusals.append({index, message}); }
    const Subcommand* findSubcommand();
    void parse();
    const Flag* byLong(const QString& name) const;
    const Flag* byShort(QChar c) const;
    void checkValue(const Given& g);
    void checkPositionals();
    void checkScope();
    QString last(const QString& flag) const;
    bool has(const QString& flag) const;
    QStringList types() const;
    QStringList names() const;

    Tool tool_;
    const QStringList& args_;
    const Scope& scope_;
    const Subcommand* sub_ = nullptr;
    QList<Flag> flags_;
    QList<Given> given_;
    QList<int> positional_;  // indices into args_
    Verdict v_;
};

const Subcommand* Checker::findSubcommand()
{
    const Subcommand* best = nullptr;
    QStringList firsts;
    for (const Subcommand& s : subcommands()) {
        if (s.tool != tool_)
            continue;
        if (!firsts.contains(s.path.first()))
            firsts << s.path.first();
        bool ok = s.path.size() <= args_.size();
        for (int i = 0; ok && i < s.path.size(); ++i)
            ok = args_.at(i) == s.path.at(i);
        if (ok && (!best || s.path.size() > best->path.size()))
            best = &s;
    }
    if (best)
        return best;
    const QString tool = toolName(tool_);
    if (args_.isEmpty()) {
        refuse(-1, u"%1 needs a subcommand (allowed: %2)"_s.arg(tool, firsts.join(u", ")));
    } else if (args_.first().startsWith(u'-')) {
        refuse(0, u"the first argument must be the %1 subcommand, not the flag '%2'"_s.arg(
                      tool, args_.first()));
    } else if (!firsts.contains(args_.first())) {
        refuse(0, u"'%1 %2' is not allowed in a lab (allowed: %3)"_s.arg(tool, args_.first(),
                                                                         firsts.join(u", ")));
    } else {
        QStringList seconds;
        for (const Subcommand& s : subcommands())
            if (s.tool == tool_ && s.path.first() == args_.first() && s.path.size() > 1)
                seconds << s.path.join(u' ');
        refuse(args_.size() > 1 ? 1 : 0,
               u"'%1 %2' is allowed only as: %3"_s.arg(tool, args_.first(), seconds.join(u", ")));
    }
    return nullptr;
}

const Flag* Checker::byLong(const QString& name) const
{
    for (const Flag& f : flags_)
        if (f.name == name)
            return &f;
    return nullptr;
}

const Flag* Checker::byShort(QChar c) const
{
    for (const Flag& f : flags_)
        if (!f.shortName.isNull() && f.shortName == c)
            return &f;
    return nullptr;
}

void Checker::parse()
{
    auto unknown = [&](int i, const QString& spelled, const QString& name) {
        QStringList allowed;
        for (const Flag& f : flags_)
            allowed << u"--"_s + f.name;
        refuse(i, u"'%1' is not allowed for '%2 %3' in a lab%4 (allowed: %5)"_s.arg(
                      spelled, toolName(tool_), sub_->path.join(u' '),
                      whyNot(name).isEmpty() ? QString() : whyNot(name),
                      allowed.isEmpty() ? u"no flags"_s : allowed.join(u", ")));
    };
    bool positionalOnly = false;
    for (int i = int(sub_->path.size()); i < args_.size(); ++i) {
        const QString& a = args_.at(i);
        if (positionalOnly || a == u"-" || !a.startsWith(u'-')) {
            positional_ << i;
            continue;
        }
        if (a == u"--") {
            positionalOnly = true;
            continue;
        }
        if (a.startsWith(u"--")) {
            if (a.startsWith(u"---")) {
                refuse(i, u"'%1' is not a flag (bad flag syntax)"_s.arg(a));
                continue;
            }
            const qsizetype eq = a.indexOf(u'=');
            // pflag's word-separator normalisation: --cache_dir is --cache-dir.
            const QString name = (eq < 0 ? a.mid(2) : a.mid(2, eq - 2)).replace(u'_', u'-');
            const Flag* f = byLong(name);
            if (!f) {
                unknown(i, eq < 0 ? a : a.left(eq), name);
                if (eq < 0 && i + 1 < args_.size() && !args_.at(i + 1).startsWith(u'-'))
                    ++i;  // its value, most likely
                continue;
            }
            Given g{f, {}, false, i};
            if (eq >= 0) {
                g.value = a.mid(eq + 1);
                g.hasValue = true;
            } else if (f->value != Value::Bool && !f->optionalValue) {
                if (i + 1 >= args_.size()) {
                    refuse(i, u"'%1' needs a value"_s.arg(a));
                    continue;
                }
                g.value = args_.at(++i);
                g.hasValue = true;
                g.index = i;
            }
            given_ << g;
            continue;
        }
        // Short flags: -abc is -a -b -c while they are booleans; then the rest is the value.
        const QString shorts = a.mid(1);
        for (qsizetype j = 0; j < shorts.size(); ++j) {
            const QChar c = shorts.at(j);
            const Flag* f = byShort(c);
            if (!f) {
                QString name;
                for (const Subcommand& s : subcommands())
                    for (const Flag& x : s.flags)
                        if (x.shortName == c && s.tool == tool_)
                            name = x.name;
                if (c == u's' && tool_ == Tool::Kubectl)
                    name = u"server"_s;
                else if (c == u'k')
                    name = u"kustomize"_s;
                else if (c == u'f')
                    name = sub_->path.first() == u"logs" ? u"follow"_s : u"filename"_s;
                unknown(i, u"-"_s + c, name);
                break;
            }
            Given g{f, {}, false, i};
            const QString rest = shorts.mid(j + 1);
            if (rest.startsWith(u'=')) {
                g.value = rest.mid(1);
                g.hasValue = true;
                given_ << g;
                break;
            }
            if (f->value == Value::Bool || f->optionalValue) {
                given_ << g;
                continue;
            }
            if (!rest.isEmpty()) {
                g.value = rest;
            } else if (i + 1 < args_.size()) {
                g.value = args_.at(++i);
                g.index = i;
            } else {
                refuse(i, u"'-%1' needs a value"_s.arg(c));
                break;
            }
            g.hasValue = true;
            given_ << g;
            break;
        }
    }
}

bool parseBool(const QString& s, bool* out)
{
    static const QStringList yes = {u"1"_s, u"t"_s, u"T"_s, u"true"_s, u"TRUE"_s, u"True"_s};
    static const QStringList no = {u"0"_s, u"f"_s, u"F"_s, u"false"_s, u"FALSE"_s, u"False"_s};
    *out = yes.contains(s);
    return *out || no.contains(s);
}

bool isDuration(const QString& s)
{
    return s == u"0" || matches(u"([0-9]+(\\.[0-9]+)?(ns|us|ms|s|m|h))+"_s, s);
}

bool isSelector(const QString& s)
{
    const QString term =
        u"(!?%1|%1\\s*(=|==|!=)\\s*%2|%1\\s+(in|notin)\\s+\\(\\s*%2(\\s*,\\s*%2)*\\s*\\))"_s.arg(
            kLabelKey, kLabelValue);
    return !s.isEmpty() && matches(term + u"(\\s*,\\s*"_s + term + u")*"_s, s);
}

void Checker::checkValue(const Given& g)
{
    const Flag& f = *g.flag;
    const QString& s = g.value;
    const QString name = u"--"_s + f.name;
    auto bad = [&](const QString& what) { refuse(g.index, u"'%1': %2"_s.arg(name, what)); };
    if (!g.hasValue) {
        return;
    }
    if (const QString why = checkText(s); !why.isEmpty())
        return bad(why);
    switch (f.value) {
    case Value::Bool: {
        bool b = false;
        if (!parseBool(s, &b))
            bad(u"'%1' is not true or false"_s.arg(s));
        return;
    }
    case Value::Namespace:
        if (!matches(kDnsLabel, s))
            bad(u"'%1' is not a namespace name"_s.arg(s));
        return;
    case Value::Name:
        if (!matches(kDnsName, s))
            bad(u"'%1' is not a name (lower-case letters, digits, '-' and '.')"_s.arg(s));
        return;
    case Value::Selector:
        if (!isSelector(s))
            bad(u"'%1' is not a label selector such as app=frontend or 'tier in (a,b)'"_s.arg(s));
        return;
    case Value::FieldSelector:
        if (!matches(u"[A-Za-z.]+(=|==|!=)[A-Za-z0-9._-]*(,[A-Za-z.]+(=|==|!=)[A-Za-z0-9._-]*)*"_s,
                     s))
            bad(u"'%1' is not a field selector such as status.phase=Running"_s.arg(s));
        return;
    case Value::Duration:
        if (!isDuration(s))
            bad(u"'%1' is not a duration such as 30s, 2m or 1h"_s.arg(s));
        return;
    case Value::Int: {
        bool ok = false;
        const int n = s.toInt(&ok);
        if (!ok || n < f.min || n > f.max)
            bad(f.name == u"v" && ok && n > f.max
                    ? u"log levels above %1 print API requests and responses (Secret data "
                      "included)"_s.arg(f.max)
                    : u"'%1' is not a whole number from %2 to %3"_s.arg(s).arg(f.min).arg(f.max));
        return;
    }
    case Value::Enum:
        if (!f.enumValues.contains(s))
            bad(u"'%1' is not one of: %2"_s.arg(s, f.enumValues.join(u", ")));
        return;
    case Value::Output: {
        const qsizetype eq = s.indexOf(u'=');
        const QString format = eq < 0 ? s : s.left(eq);
        const bool inline_ =
            format == u"jsonpath" || format == u"jsonpath-as-json" || format == u"custom-columns";
        if (!f.enumValues.contains(format) || (inline_ != (eq >= 0)) ||
            (inline_ && s.mid(eq + 1).trimmed().isEmpty()))
            bad(u"'%1' is not an allowed output (%2; jsonpath and custom-columns inline, "
                "never from a file or a go-template)"_s.arg(s, f.enumValues.join(u", ")));
        return;
    }
    case Value::LabFile: {
        QString canonical;
        if (const QString why = checkLabFile(s, scope_.labDir, &canonical); !why.isEmpty())
            return bad(why);
        v_.filesRead << (canonical.isEmpty() ? s : canonical);
        return;
    }
    case Value::WaitFor:
        if (!matches(
                u"delete|create|condition=[A-Za-z]+(=[A-Za-z]+)?|jsonpath=\\{[^}]*\\}(=[A-Za-z0-9._-]*)?"_s,
                s))
            bad(u"'%1' is not condition=NAME, delete, create or jsonpath={…}=VALUE"_s.arg(s));
        return;
    case Value::Time:
        if (!matches(u"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+(Z|[+-][0-9:]+)"_s, s))
            bad(u"'%1' is not an RFC 3339 time"_s.arg(s));
        return;
    case Value::IstioSet: {
        const qsizetype eq = s.indexOf(u'=');
        const QString key = s.left(eq);
        const QString val = s.mid(eq + 1);
        if (eq <= 0 || !matches(u"[A-Za-z0-9_.\\[\\]-]+"_s, key))
            bad(u"'%1' is not KEY=VALUE"_s.arg(s));
        else if (key.contains(u"installPackagePath"_s, Qt::CaseInsensitive) ||
                 key.contains(u"manifests"_s, Qt::CaseInsensitive) ||
                 key.contains(u"charts"_s, Qt::CaseInsensitive) ||
                 key.contains(u"valuesFile"_s, Qt::CaseInsensitive) ||
                 (key.compare(u"profile"_s, Qt::CaseInsensitive) == 0 &&
                  !matches(u"[a-z0-9-]+"_s, val)))
            bad(u"'%1' points istioctl at local files or another source; a lab sets only "
                "plain values"_s.arg(s));
        return;
    }
    case Value::Text:
        if (s.isEmpty())
            bad(u"needs a value"_s);
        return;
    }
}

QString Checker::last(const QString& flag) const
{
    QString out;
    for (const Given& g : given_)
        if (g.flag->name == flag)
            out = g.hasValue ? g.value : u"true"_s;
    return out;
}

bool Checker::has(const QString& flag) const
{
    const QString value = last(flag);
    bool b = false;
    return !value.isEmpty() && (!parseBool(value, &b) || b);
}

QStringList Checker::types() const
{
    QStringList out;
    if (positional_.isEmpty())
        return out;
    if (sub_->args == Args::NewName)
        return out;
    const QString& first = args_.at(positional_.first());
    if (first.contains(u'/')) {
        for (qsizetype k = 0; k < positional_.size(); ++k) {
            const QString& a = args_.at(positional_.at(k));
            if (sub_->args == Args::Labels && k > 0 && (a.contains(u'=') || a.endsWith(u'-')))
                break;
            if (a.contains(u'/'))
                out << a.section(u'/', 0, 0);
        }
        return out;
    }
    return first.split(u',');
}

QStringList Checker::names() const
{
    QStringList out;
    if (positional_.isEmpty())
        return out;
    const bool slashed = args_.at(positional_.first()).contains(u'/');
    for (qsizetype k = slashed ? 0 : 1; k < positional_.size(); ++k) {
        const QString& a = args_.at(positional_.at(k));
        if (sub_->args == Args::Labels && (a.contains(u'=') || a.endsWith(u'-')))
            break;
        out << (slashed ? a.section(u'/', 1) : a);
    }
    return out;
}

void Checker::checkPositionals()
{
    const int n = int(positional_.size());
    auto word = [&](int k) { return args_.at(positional_.at(k)); };
    auto need = [&](int k, const QString& pattern, const QString& what) {
        if (!matches(pattern, word(k)))
            refuse(positional_.at(k), u"'%1' is not %2"_s.arg(word(k), what));
    };
    auto resources = [&](int end) {
        if (end == 0)
            return;
        if (word(0).contains(u'/')) {
            for (int k = 0; k < end; ++k)
                need(k, kType + u"/"_s + kDnsName, u"TYPE/NAME (such as deployment/frontend)"_s);
            return;
        }
        need(0, kType + u"(,"_s + kType + u")*"_s, u"a resource type (such as pods)"_s);
        for (int k = 1; k < end; ++k)
            need(k, kDnsName, u"a resource name"_s);
    };
    switch (sub_->args) {
    case Args::None:
        for (int k = 0; k < n; ++k)
            refuse(positional_.at(k), u"'%1 %2' takes no argument '%3' in a lab"_s.arg(
                                          toolName(tool_), sub_->path.join(u' '), word(k)));
        return;
    case Args::Resources:
        resources(n);
        if (has(u"filename"_s) && n > 0)
            refuse(positional_.first(), u"give either -f FILE or resources, not both"_s);
        return;
    case Args::Labels: {
        int k = 0;
        while (k < n && !(k > 0 && (word(k).contains(u'=') || word(k).endsWith(u'-'))))
            ++k;
        resources(k);
        if (k == n)
            refuse(-1, u"'%1' needs KEY=VALUE or KEY-"_s.arg(sub_->path.join(u' ')));
        const bool label = sub_->path.first() == u"label";
        for (; k < n; ++k) {
            const QString& pair = word(k);
            const qsizetype eq = pair.indexOf(u'=');
            const QString key = eq >= 0               ? pair.left(eq)
                                : pair.endsWith(u'-') ? pair.chopped(1)
                                                      : pair;  // refused below (an empty one too)
            if ((eq < 0 && !pair.endsWith(u'-')) || !matches(kLabelKey, key) ||
                (label && eq >= 0 && !matches(kLabelValue, pair.mid(eq + 1))))
                refuse(positional_.at(k), u"'%1' is not KEY=VALUE or KEY- (a %2)"_s.arg(
                                              pair, label ? u"label"_s : u"annotation"_s));
            else if (key.startsWith(u"kubectl.kubernetes.io/"_s))
                refuse(positional_.at(k), u"'%1': kubectl's own annotations are not a lab's to "
                                          "set"_s.arg(key));
        }
        return;
    }
    case Args::Logs:
        if (n >= 1)
            need(0, u"("_s + kType + u"/)?"_s + kDnsName, u"a pod or TYPE/NAME"_s);
        if (n >= 2)
            need(1, kDnsName, u"a container name"_s);
        for (int k = 2; k < n; ++k)
            refuse(positional_.at(k),
                   u"'logs' takes a pod and a container, not '%1'"_s.arg(word(k)));
        return;
    case Args::Top:
    case Args::ProxyTarget:
        if (n >= 1)
            need(0, u"("_s + kType + u"/)?"_s + kDnsName, u"a pod or TYPE/NAME"_s);
        for (int k = 1; k < n; ++k)
            refuse(positional_.at(k), u"one name only, not '%1'"_s.arg(word(k)));
        return;
    case Args::Explain:
        if (n != 1)
            refuse(-1, u"'explain' takes one resource such as pods.spec"_s);
        else
            need(0, kType, u"a resource such as pods.spec.containers"_s);
        return;
    case Args::NewName:
        if (n != 1)
            refuse(-1, u"'%1' takes one name"_s.arg(sub_->path.join(u' ')));
        else
            need(0, kDnsLabel, u"a namespace name"_s);
        return;
    case Args::CanI:
        if (n != 2)
            refuse(-1, u"'auth can-i' takes VERB RESOURCE"_s);
        else {
            need(0, u"[a-z*]+"_s, u"a verb such as get"_s);
            need(1, kType + u"(/"_s + kDnsName + u")?"_s, u"a resource"_s);
        }
        return;
    }
}

void Checker::checkScope()
{
    const QString ns =
        last(u"namespace"_s).isEmpty() ? scope_.defaultNamespace : last(u"namespace"_s);
    const bool allNs = has(u"all-namespaces"_s);
    if (allNs)
        v_.namespaces << u"(all namespaces)"_s;
    else if (!ns.isEmpty() && (tool_ == Tool::Kubectl || !last(u"namespace"_s).isEmpty()))
        v_.namespaces << ns;
    const QStringList ts = types();
    // Secrets: names and a table only.
    if (sub_->path == QStringList{u"get"_s}) {
        const QString o = last(u"output"_s).section(u'=', 0, 0);
        for (const QString& t : ts)
            if (canonicalType(t) == u"secrets" && !o.isEmpty() && o != u"wide" && o != u"name")
                refuse(-1, u"'get %1 -o %2' prints Secret data; a lab may list Secrets (table or "
                           "-o name) but never read them"_s.arg(t, o));
    }
    if (sub_->effect == Effect::Read)
        return;
    v_.mutates = true;
    v_.destructive = sub_->effect == Effect::Delete;
    if (tool_ == Tool::Istioctl) {  // install: the mesh in istio-system
        v_.clusterScoped = true;
        v_.namespaces << u"istio-system"_s;
        if (!scope_.istioInstallAllowed)
            refuse(0, u"this lab may not install or change Istio"_s);
        return;
    }
    if (allNs || has(u"all"_s))
        refuse(-1, u"'%1' with %2 changes more than the lab's own objects: name them"_s.arg(
                       sub_->path.join(u' '), allNs ? u"--all-namespaces"_s : u"--all"_s));
    bool namespaceObjects = false;
    for (const QString& t : ts) {
        const QString c = canonicalType(t);
        if (c == u"namespaces") {
            namespaceObjects = true;
            continue;
        }
        if (isClusterScopedType(c) || !isChangeableNamespacedType(c))
            refuse(positional_.value(0, -1),
                   isClusterScopedType(c)
                       ? u"'%1' objects are cluster-wide: a lab never changes them"_s.arg(t)
                       : u"a lab may not change '%1' objects"_s.arg(t));
    }
    if (sub_->args == Args::NewName)
        namespaceObjects = true;
    if (namespaceObjects) {
        v_.clusterScoped = true;
        const QStringList targets = sub_->args == Args::NewName
                                        ? QStringList{args_.value(positional_.value(0, 0))}
                                        : names();
        if (targets.isEmpty())
            refuse(-1, u"name the namespace to change"_s);
        for (const QString& n : targets) {
            v_.namespaces << n;
            if (const QString why = checkMutableNamespace(n, scope_, v_.destructive);
                !why.isEmpty())
                refuse(-1, why);
        }
        return;
    }
    if (const QString why = checkMutableNamespace(ns, scope_); !why.isEmpty())
        refuse(-1, why);
    const QString verb = sub_->path.first();
    if (verb == u"scale" || verb == u"delete" || verb == u"patch")
        for (const QString& n : names())
            if (n == u"istiod" || n.startsWith(u"istiod-"))
                refuse(-1, u"a lab never scales, patches or deletes istiod (the mesh's control "
                           "plane)"_s);
}

Verdict Checker::run()
{
    for (int i = 0; i < args_.size(); ++i)
        if (const QString why = checkText(args_.at(i)); !why.isEmpty())
            refuse(i, u"argument %1: %2"_s.arg(i + 1).arg(why));
    if (!v_.ok())
        return v_;
    sub_ = findSubcommand();
    if (!sub_)
        return v_;
    flags_ = sub_->flags + globalFlags(tool_);
    parse();
    for (const Given& g : std::as_const(given_))
        checkValue(g);
    checkPositionals();
    checkScope();
    if (tool_ == Tool::Kubectl && v_.mutates)
        for (const QString& f : std::as_const(v_.filesRead)) {
            QFile file(f);
            if (!file.open(QIODevice::ReadOnly))
                continue;
            const QString ns =
                last(u"namespace"_s).isEmpty() ? scope_.defaultNamespace : last(u"namespace"_s);
            for (const QString& why :
                 manifestProblems(file.read(4 * 1024 * 1024), ns, scope_, v_.destructive))
                refuse(-1, u"%1: %2"_s.arg(QFileInfo(f).fileName(), why));
        }
    v_.namespaces.removeDuplicates();
    return v_;
}

}  // namespace

Verdict check(Tool tool, const QStringList& args, const Scope& scope)
{
    return Checker(tool, args, scope).run();
}

QString checkLabFile(const QString& path, const QString& labDir, QString* canonical)
{
    if (path.isEmpty())
        return u"an empty file name"_s;
    if (const QString why = checkText(path); !why.isEmpty())
        return why;
    if (path == u"-")
        return u"'-' (standard input) is not a file beside the lab"_s;
    if (path.contains(u"://"_s))
        return u"'%1' is a URL: use 'apply: {url: …}', which shows the manifest first"_s.arg(path);
    if (QDir::isAbsolutePath(path) || path.startsWith(u'~') || path.startsWith(u'-') ||
        path.contains(u'\\') || path.split(u'/').contains(u".."_s))
        return u"'%1': files must be relative to the lab's folder and stay inside it"_s.arg(path);
    if (labDir.isEmpty())
        return {};
    const QString dir = QFileInfo(labDir).canonicalFilePath();
    const QString real = QFileInfo(QDir(labDir).filePath(path)).canonicalFilePath();
    if (real.isEmpty() || dir.isEmpty())
        return u"'%1' not found beside the lab (in %2)"_s.arg(path, labDir);
    if (!real.startsWith(dir + u'/'))
        return u"'%1' resolves (through a symbolic link) to %2, outside the lab's folder"_s.arg(
            path, real);
    if (!QFileInfo(real).isFile())
        return u"'%1' is not a regular file"_s.arg(path);
    if (canonical)
        *canonical = real;
    return {};
}

QStringList manifestProblems(const QByteArray& yaml, const QString& fallbackNs, const Scope& scope,
                             bool deleting)
{
    QStringList out;
    const YamlDocuments docs = YamlReader::readAll(yaml);
    if (const YamlIssue* issue = docs.fatal()) {
        // Not YAML: kubectl refuses it; the plan says so. Anything else is too big, too deep or
        // too self-referencing to check, so it is not applied.
        if (issue->kind != YamlIssue::Kind::Syntax)
            out << u"the manifest cannot be checked: %1"_s.arg(issue->message());
        return out;
    }
    try {
        for (const YAML::Node& doc : docs.documents) {
            if (!doc.IsMap())
                continue;
            const YAML::Node kind = doc["kind"];
            const YAML::Node meta = doc["metadata"];
            if (!kind.IsDefined() || !kind.IsScalar())
                continue;
            const QString k = QString::fromStdString(kind.Scalar());
            QString name, ns;
            if (meta.IsDefined() && meta.IsMap()) {
                if (const YAML::Node n = meta["name"]; n.IsDefined() && n.IsScalar())
                    name = QString::fromStdString(n.Scalar());
                if (const YAML::Node n = meta["namespace"]; n.IsDefined() && n.IsScalar())
                    ns = QString::fromStdString(n.Scalar());
            }
            QString why;
            if (k == u"Namespace")
                why = checkMutableNamespace(name, scope, deleting);
            else if (k == u"List" || k.endsWith(u"List"))
                why = u"a %1 hides what it contains: write one document per object"_s.arg(k);
            else if (isClusterScopedType(k))
                why =
                    u"%1 %2 is cluster-wide: a lab's manifests hold only namespaced objects"_s.arg(
                        k, name);
            else
                why = checkMutableNamespace(ns.isEmpty() ? fallbackNs : ns, scope, false);
            if (!why.isEmpty() && !out.contains(why))
                out << why;
        }
    } catch (const YAML::Exception&) {
        // A value of an unexpected type: kubectl refuses the document.
    }
    return out;
}

QString checkMutableNamespace(const QString& ns, const Scope& scope, bool deleting)
{
    if (ns.startsWith(u"kube-"_s))
        return u"'%1' is a system namespace: a lab never changes it"_s.arg(ns);
    if (deleting && (ns == u"istio-system" || ns == u"default"))
        return u"a lab never deletes the namespace '%1'"_s.arg(ns);
    if (!scope.mutableNamespaces.contains(ns))
        return u"the lab changes namespace '%1', which it does not declare (it may change: %2; "
               "declare more under 'namespaces:')"_s.arg(ns, scope.mutableNamespaces.join(u", "));
    return {};
}

QString checkSelector(const QString& selector)
{
    if (const QString why = checkText(selector); !why.isEmpty())
        return why;
    return isSelector(selector)
               ? QString()
               : u"'%1' is not a label selector such as app=frontend or 'tier in (a,b)'"_s.arg(
                     selector);
}

QString checkName(const QString& name)
{
    return matches(kDnsName, name)
               ? QString()
               : u"'%1' is not a name (lower-case letters, digits, '-' and '.')"_s.arg(name);
}

QString checkText(const QString& text)
{
    for (const uint c : text.toUcs4()) {
        const auto hex = QString::number(c, 16).toUpper().rightJustified(4, u'0');
        if (c < 0x20 || (c >= 0x7F && c <= 0x9F))
            return u"a control character (U+%1)"_s.arg(hex);
        const QChar::Category cat = QChar::category(char32_t(c));
        if (cat == QChar::Other_Format || cat == QChar::Other_Surrogate ||
            cat == QChar::Other_PrivateUse || cat == QChar::Other_NotAssigned)
            return u"an invisible or direction-changing character (U+%1)"_s.arg(hex);
        if ((cat == QChar::Separator_Space && c != 0x20) || cat == QChar::Separator_Line ||
            cat == QChar::Separator_Paragraph)
            return u"a look-alike space (U+%1)"_s.arg(hex);
        if ((cat == QChar::Punctuation_Dash && c != u'-') || c == 0x2212 ||
            (c >= 0xFF01 && c <= 0xFF5E) || c == 0x2018 || c == 0x2019 || c == 0x201C ||
            c == 0x201D || c == 0x2044 || c == 0x2215)
            return u"a look-alike character (U+%1) where ASCII is meant"_s.arg(hex);
    }
    return {};
}

QStringList allowTable()
{
    QStringList out;
    for (const Subcommand& s : subcommands()) {
        QStringList flags;
        for (const Flag& f : s.flags)
            flags << (f.shortName.isNull() ? QString() : u"-"_s + f.shortName + u'/') + u"--"_s +
                         f.name;
        const QString effect = s.effect == Effect::Read     ? u"reads"_s
                               : s.effect == Effect::Change ? u"changes"_s
                                                            : u"deletes"_s;
        out << u"| %1 %2 | %3 | %4 | %5 |"_s.arg(toolName(s.tool), s.path.join(u' '), effect,
                                                 flags.isEmpty() ? u"—"_s : flags.join(u", "),
                                                 s.note);
    }
    return out;
}

}  // namespace obslab::CommandPolicy
