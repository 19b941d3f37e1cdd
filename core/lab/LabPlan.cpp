#include "core/lab/LabPlan.h"

#include "core/lab/LabTrust.h"

#include "core/common/YamlReader.h"

#include <QDir>
#include <QFile>

#include <yaml-cpp/yaml.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

QString substituteVariables(const QString& text, const QHash<QString, QString>& values)
{
    if (!text.contains(u"${"))
        return text;
    QString out;
    out.reserve(text.size());
    qsizetype i = 0;
    while (i < text.size()) {
        const qsizetype start = text.indexOf(u"${", i);
        if (start < 0) {
            out += QStringView(text).mid(i);
            break;
        }
        const qsizetype end = text.indexOf(u'}', start + 2);
        if (end < 0) {
            out += QStringView(text).mid(i);
            break;
        }
        out += QStringView(text).mid(i, start - i);
        const QString name = text.mid(start + 2, end - start - 2);
        const auto it = values.constFind(name);
        out += it != values.cend() ? *it : text.mid(start, end - start + 1);
        i = end + 1;
    }
    return out;
}

QStringList describeManifest(const QByteArray& yaml, const QString& fallbackNs)
{
    QStringList out;
    const YamlDocuments docs = YamlReader::readAll(yaml);
    if (const YamlIssue* issue = docs.fatal()) {
        out << (issue->kind == YamlIssue::Kind::Syntax
                    ? u"(a manifest that is not valid YAML: kubectl will refuse it)"_s
                    : u"(a manifest ObsLab cannot read: %1)"_s.arg(issue->message()));
        return out;
    }
    try {
        for (const YAML::Node& doc : docs.documents) {
            if (!doc.IsMap())
                continue;
            const YAML::Node kind = doc["kind"];
            const YAML::Node meta = doc["metadata"];
            // A missing key gives an invalid node whose IsScalar() throws: ask IsDefined() first.
            if (!kind.IsDefined() || !kind.IsScalar() || !meta.IsDefined() || !meta.IsMap())
                continue;
            const QString k = QString::fromStdString(kind.Scalar());
            const YAML::Node name = meta["name"];
            const YAML::Node ns = meta["namespace"];
            const QString n = name.IsDefined() && name.IsScalar()
                                  ? QString::fromStdString(name.Scalar())
                                  : u"?"_s;
            if (k == u"Namespace" || k.startsWith(u"Cluster"))
                out << u"%1 %2"_s.arg(k, n);
            else
                out << u"%1 %2 (namespace %3)"_s.arg(k, n,
                                                     ns.IsDefined() && ns.IsScalar()
                                                         ? QString::fromStdString(ns.Scalar())
                                                         : fallbackNs);
        }
    } catch (const YAML::Exception&) {
        out << u"(a manifest that is not valid YAML: kubectl will refuse it)"_s;
    }
    return out;
}

namespace {

QByteArray manifestText(const Lab& lab, const LabAction& a, const QHash<QString, QString>& vars,
                        LabPlan& plan)
{
    if (!a.inline_.isEmpty())
        return substituteVariables(a.inline_, vars).toUtf8();
    if (a.file.isEmpty() || lab.dir.isEmpty())
        return {};
    // Only what the trust model allows is read (plan.problems says why not).
    QString canonical;
    if (!CommandPolicy::checkLabFile(substituteVariables(a.file, vars), lab.dir, &canonical)
             .isEmpty())
        return {};
    if (!plan.filesRead.contains(canonical))
        plan.filesRead << canonical;
    QFile f(canonical);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return substituteVariables(QString::fromUtf8(f.read(1024 * 1024)), vars).toUtf8();
}

void addUnique(QStringList& list, const QString& item)
{
    if (!list.contains(item))
        list << item;
}

void describe(const Lab& lab, const LabAction& a, const QHash<QString, QString>& vars,
              bool teardown, LabPlan& plan)
{
    const QString labNs = vars.value(u"namespace"_s, u"default"_s);
    const QString ns = a.ns.isEmpty() ? labNs : substituteVariables(a.ns, vars);
    auto sub = [&](const QString& s) { return substituteVariables(s, vars); };
    switch (a.kind) {
    case LabActionKind::Apply: {
        if (!a.url.isEmpty()) {
            addUnique(plan.other, u"fetch %1 and show it to you before applying it"_s.arg(a.url));
            addUnique(plan.creates,
                      u"whatever %1 contains (shown before it is applied)"_s.arg(a.url));
            break;
        }
        for (const QString& o : describeManifest(manifestText(lab, a, vars, plan), ns))
            addUnique(plan.creates, o);
        addUnique(plan.namespaces, ns);
        break;
    }
    case LabActionKind::Delete:
        for (const QString& o : describeManifest(manifestText(lab, a, vars, plan), ns))
            addUnique(plan.deletes, o + u' ' + QString::fromLatin1(LabPlan::kDestructiveMark));
        addUnique(plan.namespaces, ns);
        break;
    case LabActionKind::Kubectl:
    case LabActionKind::Istioctl: {
        QStringList args;
        for (const QString& x : a.args)
            args << sub(x);
        const CommandPolicy::Verdict v = LabTrust::checkCommand(lab, vars, a.kind, a.args, a.ns);
        for (const QString& f : v.filesRead)
            addUnique(plan.filesRead, f);
        for (const QString& n : v.namespaces)
            addUnique(plan.namespaces, n);
        if (!v.mutates)
            break;
        QString line = labActionKindKey(a.kind) + u' ' + args.join(u' ');
        if (v.clusterScoped)
            line += u' ' + QString::fromLatin1(LabPlan::kClusterMark);
        if (v.destructive)
            addUnique(plan.deletes, line + u' ' + QString::fromLatin1(LabPlan::kDestructiveMark));
        else if (args.value(0) == u"create")
            addUnique(plan.creates, line);
        else
            addUnique(plan.changes, line);
        break;
    }
    case LabActionKind::IstioInstall: {
        QString canonical;
        if (CommandPolicy::checkLabFile(sub(a.file), lab.dir, &canonical).isEmpty() &&
            !canonical.isEmpty())
            addUnique(plan.filesRead, canonical);
        addUnique(plan.namespaces, u"istio-system"_s);
        addUnique(plan.changes, u"install or reconfigure Istio with %1 (istioctl install) %2"_s.arg(
                                    sub(a.file), QString::fromLatin1(LabPlan::kClusterMark)));
        break;
    }
    case LabActionKind::Restart:
        addUnique(plan.namespaces, ns);
        for (const QString& d : a.deployments)
            addUnique(
                plan.changes,
                u"restart deployment %1 (namespace %2): its pods are replaced"_s.arg(sub(d), ns));
        break;
    case LabActionKind::PortForward:
        addUnique(plan.namespaces, a.ns.isEmpty() ? u"istio-system"_s : ns);
        addUnique(plan.other, u"open a local port to svc/%1 in %2 (stopped when you leave)"_s.arg(
                                  sub(a.service), ns));
        break;
    case LabActionKind::TracedRequest:
    case LabActionKind::StartTraffic:
        addUnique(plan.namespaces, ns);
        addUnique(plan.other,
                  u"send HTTP requests from deployment %1 to %2 (kubectl exec … curl)"_s.arg(
                      sub(a.from), sub(a.target)));
        break;
    case LabActionKind::WaitRollout:
    case LabActionKind::FollowLogs:
        addUnique(plan.namespaces, ns);
        break;
    case LabActionKind::StopTraffic:
    case LabActionKind::OpenTrace:
    case LabActionKind::OpenSearch:
    case LabActionKind::RunDoctor:
        break;
    }
    Q_UNUSED(teardown);
}

}  // namespace

LabPlan LabPlan::build(const Lab& lab, const QHash<QString, QString>& variables)
{
    const QHash<QString, QString> vars = LabTrust::variables(lab, variables);
    LabPlan plan;
    for (const LabStep& s : lab.steps)
        for (const LabAction& a : s.actions)
            describe(lab, a, vars, false, plan);
    for (const LabAction& a : lab.teardown)
        describe(lab, a, vars, true, plan);
    for (const LabStep& s : lab.steps)
        for (const LabCheck& c : s.checks)
            if (c.kind == LabCheckKind::CommandSucceeds) {
                const CommandPolicy::Verdict v = LabTrust::checkCommand(
                    lab, vars,
                    c.tool == u"istioctl" ? LabActionKind::Istioctl : LabActionKind::Kubectl,
                    c.args, c.ns);
                for (const QString& n : v.namespaces)
                    addUnique(plan.namespaces, n);
            }
    for (const LabIssue& i : LabTrust::lint(lab, vars))
        plan.problems << i.toString();
    return plan;
}

QString LabPlan::toText(const Lab& lab) const
{
    QString out = u"The lab \"%1\" will, on the cluster ObsLab points at:\n"_s.arg(lab.title);
    auto section = [&](const QString& title, const QStringList& items) {
        if (items.isEmpty())
            return;
        out += u"\n"_s + title + u":\n"_s;
        for (const QString& i : items)
            out += u"  - "_s + i + u'\n';
    };
    section(u"Before you start"_s, needs);
    section(u"Create or change (kubectl apply)"_s, creates);
    section(u"Change"_s, changes);
    section(u"Delete (teardown included)"_s, deletes);
    section(u"Also"_s, other);
    QStringList files;
    const QDir dir(lab.dir);
    for (const QString& f : filesRead)
        files << (lab.dir.isEmpty() ? f : dir.relativeFilePath(f));
    section(u"Local files it reads (all inside %1)"_s.arg(lab.dir.isEmpty() ? u"the lab's folder"_s
                                                                            : lab.dir),
            files);
    section(u"Namespaces it reads or changes"_s, namespaces);
    section(u"REFUSED by the trust model (the lab will not run)"_s, problems);
    out += u"\nIt runs only kubectl and istioctl, with the context you chose. Marks: %1 removes "
           "something, %2 acts beyond one namespace.\n"_s.arg(QString::fromLatin1(kDestructiveMark),
                                                              QString::fromLatin1(kClusterMark));
    return out;
}

}  // namespace obslab
