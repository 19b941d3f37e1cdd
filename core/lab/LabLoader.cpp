#include "core/lab/LabLoader.h"

#include "core/lab/LabFieldReader.h"
#include "core/lab/LabTrust.h"

#include "core/common/YamlReader.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <functional>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

QString LabIssue::toString() const
{
    return u"%1:%2:%3: %4"_s.arg(file).arg(pos.line).arg(pos.column).arg(message);
}

namespace LabLoader {

QString nearestKey(const QString& key, const QStringList& known)
{
    const QString a = key.toLower();
    QString best;
    int bestDistance = std::numeric_limits<int>::max();
    for (const QString& candidate : known) {
        const QString b = candidate.toLower();
        // Levenshtein distance, two rows.
        QList<int> prev(b.size() + 1);
        QList<int> cur(b.size() + 1);
        QList<int> prevPrev(b.size() + 1);
        for (int j = 0; j <= b.size(); ++j)
            prev[j] = j;
        for (int i = 1; i <= a.size(); ++i) {
            cur[0] = i;
            for (int j = 1; j <= b.size(); ++j) {
                const int cost = a.at(i - 1) == b.at(j - 1) ? 0 : 1;
                cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
                // A swap of two neighbours ("titel") counts as one edit (Damerau).
                if (i > 1 && j > 1 && a.at(i - 1) == b.at(j - 2) && a.at(i - 2) == b.at(j - 1))
                    cur[j] = std::min(cur[j], prevPrev[j - 2] + 1);
            }
            prevPrev = prev;
            std::swap(prev, cur);
        }
        const int d = prev[b.size()];
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    }
    const int limit = key.size() <= 3 ? 1 : key.size() <= 6 ? 2 : 3;
    return bestDistance <= limit ? best : QString();
}

QStringList variableReferences(const QString& text)
{
    static const QRegularExpression re(u"\\$\\{([^}]*)\\}"_s);
    QStringList out;
    for (auto it = re.globalMatch(text); it.hasNext();)
        out << it.next().captured(1);
    return out;
}

namespace {

const QStringList kTopKeys = {
    u"obslab-lab"_s, u"id"_s,        u"title"_s,      u"summary"_s, u"estimatedMinutes"_s,
    u"requires"_s,   u"variables"_s, u"namespaces"_s, u"steps"_s,   u"teardown"_s};
const QStringList kRequiresKeys = {u"kubectl"_s, u"istioctl"_s, u"istio"_s};
const QStringList kStepKeys = {u"id"_s, u"title"_s, u"text"_s, u"actions"_s, u"checks"_s};
const QStringList kActionCommon = {u"id"_s, u"title"_s, u"when"_s};
const QStringList kCheckCommon = {u"id"_s,      u"title"_s, u"hint"_s, u"solution"_s,
                                  u"timeout"_s, u"every"_s, u"when"_s, u"doctor"_s};

const QList<LabActionKind> kActionKinds = {
    LabActionKind::Apply,         LabActionKind::Delete,       LabActionKind::Kubectl,
    LabActionKind::Istioctl,      LabActionKind::IstioInstall, LabActionKind::Restart,
    LabActionKind::WaitRollout,   LabActionKind::FollowLogs,   LabActionKind::PortForward,
    LabActionKind::TracedRequest, LabActionKind::StartTraffic, LabActionKind::StopTraffic,
    LabActionKind::OpenTrace,     LabActionKind::OpenSearch,   LabActionKind::RunDoctor};
const QList<LabCheckKind> kCheckKinds = {
    LabCheckKind::RolloutReady,     LabCheckKind::PodsHaveSidecar, LabCheckKind::LogsMatch,
    LabCheckKind::JaegerHasService, LabCheckKind::JaegerHasTrace,  LabCheckKind::ResourceExists,
    LabCheckKind::CommandSucceeds};

class Parser
{
public:
    Parser(QString file, QString dir)
        : r(std::move(file), std::move(dir))
        , dir_(r.dir_)
    {}

    Reader r;
    QString dir_;
    QHash<QString, QString> defaults;
    QHash<QString, LabActionKind> actionIds;  // ids seen so far, in order
    QSet<QString> checkIds;

    LabAction action(const YAML::Node& node)
    {
        LabAction a;
        a.pos = r.pos(node);
        if (!node.IsMap()) {
            r.error(node, u"an action must be a mapping with one action key such as 'apply:' or "
                          "'kubectl:'"_s);
            return a;
        }
        QStringList kindKeys;
        for (LabActionKind k : kActionKinds)
            kindKeys << labActionKindKey(k);
        const qsizetype before = r.errors.size();
        const auto m = r.map(node, u"an action"_s, kindKeys + kActionCommon);
        QList<LabActionKind> found;
        for (LabActionKind k : kActionKinds)
            if (m.contains(labActionKindKey(k)))
                found << k;
        if (found.size() != 1) {
            if (found.isEmpty() && r.errors.size() == before)
                r.error(node, u"an action needs one of: %1"_s.arg(kindKeys.join(u", ")));
            else if (found.size() > 1)
                r.error(node, u"an action has exactly one kind; this one has %1 and %2 (make them "
                              "two actions)"_s.arg(labActionKindKey(found.at(0)),
                                                   labActionKindKey(found.at(1))));
            if (found.isEmpty())
                return a;
        }
        a.kind = found.first();
        a.id = r.str(m, u"id"_s, u"an action"_s, false, a.pos);
        a.title = r.str(m, u"title"_s, u"an action"_s, false, a.pos);
        a.whenIstio = r.when(m);
        const QString key = labActionKindKey(a.kind);
        const Entry& e = m.value(key);
        const LabPos at = r.pos(e.key);
        auto body = [&](const QStringList& keys) {
            return r.map(e.value, u"'%1'"_s.arg(key), keys, at);
        };

        switch (a.kind) {
        case LabActionKind::Apply:
        case LabActionKind::Delete: {
            if (e.value.IsScalar()) {
                a.file = QString::fromStdString(e.value.Scalar());
                a.filePos = r.pos(e.value);
                break;
            }
            const QStringList keys =
                a.kind == LabActionKind::Apply
                    ? QStringList{u"file"_s, u"inline"_s, u"url"_s, u"namespace"_s}
                    : QStringList{u"file"_s, u"inline"_s, u"namespace"_s};
            const auto b = body(keys);
            a.file = r.str(b, u"file"_s, key, false, at);
            a.inline_ = r.str(b, u"inline"_s, key, false, at);
            a.url = r.str(b, u"url"_s, key, false, at);
            a.ns = r.str(b, u"namespace"_s, key, false, at);
            const int sources =
                int(!a.file.isEmpty()) + int(!a.inline_.isEmpty()) + int(!a.url.isEmpty());
            if (sources != 1 && e.value.IsMap())
                r.error(at, u"'%1' needs exactly one of 'file', 'inline'%2"_s.arg(
                                key, a.kind == LabActionKind::Apply ? u" or 'url'"_s : QString()));
            if (!a.file.isEmpty())
                a.filePos = r.pos(b.value(u"file"_s).value);
            if (!a.url.isEmpty()) {
                const QUrl url(a.url);
                if (!url.isValid() || url.scheme() != u"https")
                    r.error(b.value(u"url"_s).value, u"'url' must be an https:// URL"_s);
            }
            if (!a.inline_.isEmpty()) {
                const YamlDocuments docs = YamlReader::readAll(a.inline_.toUtf8());
                if (const YamlIssue* issue = docs.fatal())
                    r.error(
                        b.value(u"inline"_s).value,
                        issue->kind == YamlIssue::Kind::Syntax
                            ? u"the inline manifest is not valid YAML: %1"_s.arg(issue->detail)
                            : u"the inline manifest cannot be read: %1"_s.arg(issue->message()));
            }
            break;
        }
        case LabActionKind::Kubectl:
        case LabActionKind::Istioctl:
            a.args = r.list(e, key, &a.argPos);
            break;
        case LabActionKind::IstioInstall:
            if (e.value.IsScalar()) {
                a.file = QString::fromStdString(e.value.Scalar());
            } else {
                const auto b = body({u"file"_s});
                a.file = r.str(b, u"file"_s, key, true, at);
            }
            if (!a.file.isEmpty())
                a.filePos = r.pos(e.value.IsScalar() ? e.value : e.value[std::string("file")]);
            break;
        case LabActionKind::Restart:
        case LabActionKind::WaitRollout: {
            const auto b = body({u"deployments"_s, u"namespace"_s, u"timeout"_s});
            if (const auto it = b.constFind(u"deployments"_s); it != b.cend())
                a.deployments = r.list(*it, u"deployments"_s);
            else
                r.error(at, u"'%1' needs 'deployments'"_s.arg(key));
            a.ns = r.str(b, u"namespace"_s, key, false, at);
            if (const auto it = b.constFind(u"timeout"_s); it != b.cend()) {
                std::chrono::milliseconds t{};
                if (r.duration(*it, &t, u"timeout"_s, std::chrono::minutes(30)))
                    a.timeout = std::chrono::duration_cast<std::chrono::seconds>(t);
            }
            break;
        }
        case LabActionKind::FollowLogs: {
            const auto b = body({u"selector"_s, u"container"_s, u"namespace"_s});
            a.selector = r.str(b, u"selector"_s, key, true, at);
            a.container = r.str(b, u"container"_s, key, false, at);
            if (a.container.isEmpty())
                a.container = u"istio-proxy"_s;
            a.ns = r.str(b, u"namespace"_s, key, false, at);
            break;
        }
        case LabActionKind::PortForward: {
            const auto b = body({u"service"_s, u"namespace"_s, u"port"_s});
            a.service = r.str(b, u"service"_s, key, true, at);
            a.ns = r.str(b, u"namespace"_s, key, false, at);
            a.port = 80;
            if (const auto it = b.constFind(u"port"_s); it != b.cend())
                r.integer(*it, &a.port, u"port"_s, 1, 65535);
            break;
        }
        case LabActionKind::TracedRequest:
        case LabActionKind::StartTraffic: {
            QStringList keys{u"from"_s, u"container"_s, u"url"_s, u"namespace"_s};
            if (a.kind == LabActionKind::StartTraffic)
                keys << u"interval"_s;
            const auto b = body(keys);
            a.from = r.str(b, u"from"_s, key, true, at);
            a.container = r.str(b, u"container"_s, key, false, at);
            a.target = r.str(b, u"url"_s, key, true, at);
            a.ns = r.str(b, u"namespace"_s, key, false, at);
            if (const auto it = b.constFind(u"interval"_s); it != b.cend())
                r.duration(*it, &a.interval, u"interval"_s, std::chrono::minutes(10));
            if (!a.target.isEmpty() && !a.target.contains(u"${")) {
                const QUrl url(a.target);
                if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https"))
                    r.error(
                        b.value(u"url"_s).value,
                        u"'url' must be an http:// URL inside the mesh, such as http://backend"_s);
            }
            if (a.kind == LabActionKind::TracedRequest && a.id.isEmpty())
                r.error(node, u"a 'tracedRequest' needs an 'id' so that later steps can find its "
                              "trace"_s);
            break;
        }
        case LabActionKind::StopTraffic:
            if (!e.value.IsNull() && !(e.value.IsMap() && e.value.size() == 0) &&
                !(e.value.IsScalar() && e.value.Scalar() == "true"))
                r.error(e.value, u"'stopTraffic' takes no settings (write 'stopTraffic: {}')"_s);
            break;
        case LabActionKind::OpenTrace: {
            const auto b = body({u"action"_s});
            a.action = r.str(b, u"action"_s, key, true, at);
            checkTraceRef(b.value(u"action"_s).value, a.action, at);
            break;
        }
        case LabActionKind::OpenSearch: {
            const auto b = body({u"service"_s});
            a.service = r.str(b, u"service"_s, key, true, at);
            break;
        }
        case LabActionKind::RunDoctor:
            if (!e.value.IsNull()) {
                const auto b = body({u"focus"_s});
                a.focus = r.str(b, u"focus"_s, key, false, at);
            }
            break;
        }
        if (!a.id.isEmpty()) {
            if (actionIds.contains(a.id) || checkIds.contains(a.id))
                r.error(m.value(u"id"_s).value, u"duplicate id '%1'"_s.arg(a.id));
            actionIds.insert(a.id, a.kind);
        }
        return a;
    }

    void checkTraceRef(const YAML::Node& node, const QString& ref, const LabPos& at)
    {
        if (ref.isEmpty())
            return;
        const auto it = actionIds.constFind(ref);
        const LabPos p = r.pos(node).line ? r.pos(node) : at;
        if (it == actionIds.cend()) {
            const QStringList ids = actionIds.keys();
            const QString near = nearestKey(ref, ids);
            r.error(
                p, near.isEmpty()
                       ? u"no earlier action has the id '%1'"_s.arg(ref)
                       : u"no earlier action has the id '%1'; did you mean '%2'?"_s.arg(ref, near));
        } else if (*it != LabActionKind::TracedRequest) {
            r.error(p, u"'%1' is not a tracedRequest action, so it has no trace"_s.arg(ref));
        }
    }

    LabCheck check(const YAML::Node& node)
    {
        LabCheck c;
        c.pos = r.pos(node);
        if (!node.IsMap()) {
            r.error(node,
                    u"a check must be a mapping with one check key such as 'rolloutReady:'"_s);
            return c;
        }
        QStringList kindKeys;
        for (LabCheckKind k : kCheckKinds)
            kindKeys << labCheckKindKey(k);
        const qsizetype before = r.errors.size();
        const auto m = r.map(node, u"a check"_s, kindKeys + kCheckCommon);
        QList<LabCheckKind> found;
        for (LabCheckKind k : kCheckKinds)
            if (m.contains(labCheckKindKey(k)))
                found << k;
        if (found.size() != 1) {
            if (found.isEmpty() && r.errors.size() == before)
                r.error(node, u"a check needs one of: %1"_s.arg(kindKeys.join(u", ")));
            else if (found.size() > 1)
                r.error(node, u"a check has exactly one kind; this one has %1 and %2"_s.arg(
                                  labCheckKindKey(found.at(0)), labCheckKindKey(found.at(1))));
            if (found.isEmpty())
                return c;
        }
        c.kind = found.first();
        c.id = r.str(m, u"id"_s, u"a check"_s, false, c.pos);
        c.title = r.str(m, u"title"_s, u"a check"_s, false, c.pos);
        c.hint = r.str(m, u"hint"_s, u"a check"_s, true, c.pos);
        c.solution = r.str(m, u"solution"_s, u"a check"_s, false, c.pos);
        c.focus = r.str(m, u"doctor"_s, u"a check"_s, false, c.pos);
        c.whenIstio = r.when(m);
        if (const auto it = m.constFind(u"timeout"_s); it != m.cend()) {
            std::chrono::milliseconds t{};
            if (r.duration(*it, &t, u"timeout"_s, std::chrono::minutes(30)))
                c.timeout = std::chrono::duration_cast<std::chrono::seconds>(
                    std::max(t, std::chrono::milliseconds(1000)));
        }
        if (const auto it = m.constFind(u"every"_s); it != m.cend()) {
            std::chrono::milliseconds t{};
            if (r.duration(*it, &t, u"every"_s, std::chrono::minutes(5)))
                c.every = std::chrono::duration_cast<std::chrono::seconds>(
                    std::max(t, std::chrono::milliseconds(1000)));
        }
        const QString key = labCheckKindKey(c.kind);
        const Entry& e = m.value(key);
        const LabPos at = r.pos(e.key);
        auto body = [&](const QStringList& keys) {
            return r.map(e.value, u"'%1'"_s.arg(key), keys, at);
        };
        switch (c.kind) {
        case LabCheckKind::RolloutReady: {
            const auto b = body({u"deployment"_s, u"namespace"_s});
            c.deployment = r.str(b, u"deployment"_s, key, true, at);
            c.ns = r.str(b, u"namespace"_s, key, false, at);
            break;
        }
        case LabCheckKind::PodsHaveSidecar: {
            const auto b = body({u"selector"_s, u"namespace"_s});
            c.selector = r.str(b, u"selector"_s, key, true, at);
            c.ns = r.str(b, u"namespace"_s, key, false, at);
            break;
        }
        case LabCheckKind::LogsMatch: {
            const auto b = body({u"selector"_s, u"container"_s, u"pattern"_s, u"namespace"_s});
            c.selector = r.str(b, u"selector"_s, key, true, at);
            c.container = r.str(b, u"container"_s, key, false, at);
            if (c.container.isEmpty())
                c.container = u"istio-proxy"_s;
            c.pattern = r.str(b, u"pattern"_s, key, true, at);
            c.ns = r.str(b, u"namespace"_s, key, false, at);
            const QRegularExpression re(c.pattern);
            if (!c.pattern.isEmpty() && !re.isValid())
                r.error(b.value(u"pattern"_s).value,
                        u"'pattern' is not a valid regular expression: %1 (at offset %2)"_s
                            .arg(re.errorString())
                            .arg(re.patternErrorOffset()));
            break;
        }
        case LabCheckKind::JaegerHasService: {
            const auto b = body({u"service"_s});
            c.service = r.str(b, u"service"_s, key, true, at);
            break;
        }
        case LabCheckKind::JaegerHasTrace: {
            const auto b = body({u"action"_s});
            c.action = r.str(b, u"action"_s, key, true, at);
            checkTraceRef(b.value(u"action"_s).value, c.action, at);
            break;
        }
        case LabCheckKind::ResourceExists: {
            const auto b = body({u"kind"_s, u"name"_s, u"namespace"_s});
            c.resource = r.str(b, u"kind"_s, key, true, at);
            c.name = r.str(b, u"name"_s, key, true, at);
            c.ns = r.str(b, u"namespace"_s, key, false, at);
            break;
        }
        case LabCheckKind::CommandSucceeds: {
            const auto b = body({u"kubectl"_s, u"istioctl"_s});
            if (b.contains(u"kubectl"_s) == b.contains(u"istioctl"_s)) {
                r.error(at, u"'commandSucceeds' needs exactly one of 'kubectl' or 'istioctl'"_s);
                break;
            }
            c.tool = b.contains(u"kubectl"_s) ? u"kubectl"_s : u"istioctl"_s;
            c.args = r.list(b.value(c.tool), c.tool, &c.argPos);
            break;
        }
        }
        if (!c.id.isEmpty()) {
            if (checkIds.contains(c.id) || actionIds.contains(c.id))
                r.error(m.value(u"id"_s).value, u"duplicate id '%1'"_s.arg(c.id));
            checkIds.insert(c.id);
        }
        return c;
    }

    QList<LabAction> actions(const Entry& e, const QString& where)
    {
        QList<LabAction> out;
        if (e.value.IsNull())
            return out;
        if (!e.value.IsSequence()) {
            r.error(e.value,
                    u"'%1' must be a list of actions (lines starting with '- ')"_s.arg(where));
            return out;
        }
        for (const YAML::Node& n : e.value)
            out << action(n);
        return out;
    }

    std::optional<Lab> parse(const YAML::Node& root)
    {
        Lab lab;
        if (!root.IsMap()) {
            r.error(root.IsDefined() && r.pos(root).line ? r.pos(root) : LabPos{1, 1},
                    u"a lab must be a YAML mapping starting with 'obslab-lab: 1'"_s);
            return std::nullopt;
        }
        const LabPos top{1, 1};
        const auto m = r.map(root, u"the lab"_s, kTopKeys);
        if (const auto it = m.constFind(u"obslab-lab"_s); it == m.cend()) {
            r.error(top, u"not an ObsLab lab: the file must start with 'obslab-lab: 1' (the format "
                         "version)"_s);
        } else if (r.integer(*it, &lab.formatVersion, u"obslab-lab"_s, 1, 1000) &&
                   lab.formatVersion != Lab::kFormatVersion) {
            r.error(it->value, u"lab format version %1 is not supported by this ObsLab (it reads "
                               "version %2); update ObsLab"_s.arg(lab.formatVersion)
                                   .arg(Lab::kFormatVersion));
        }
        // Variables first: everything else may refer to them.
        if (const auto it = m.constFind(u"variables"_s); it != m.cend() && !it->value.IsNull()) {
            if (!it->value.IsMap()) {
                r.error(it->value, u"'variables' must be a mapping of names to default values"_s);
            } else {
                static const QRegularExpression name(u"^[A-Za-z_][A-Za-z0-9_]*$"_s);
                for (auto v = it->value.begin(); v != it->value.end(); ++v) {
                    if (!v->first.IsScalar())
                        continue;
                    const QString n = QString::fromStdString(v->first.Scalar());
                    if (!name.match(n).hasMatch()) {
                        r.error(v->first,
                                u"variable name '%1' must be letters, digits and _"_s.arg(n));
                        continue;
                    }
                    if (r.variables.contains(n)) {
                        r.error(v->first, u"duplicate variable '%1'"_s.arg(n));
                        continue;
                    }
                    if (!v->second.IsScalar()) {
                        r.error(v->second.IsNull() ? v->first : v->second,
                                u"variable '%1' needs a default value"_s.arg(n));
                        continue;
                    }
                    const QString value = QString::fromStdString(v->second.Scalar());
                    if (!LabTrust::isSafeVariableValue(value))
                        r.error(v->second,
                                u"the default of '%1' may contain only letters, digits "
                                "and . _ - / : = , (and may not start with '-')"_s.arg(n));
                    r.variables.insert(n);
                    defaults.insert(n, value);
                    lab.variables.append({n, value});
                }
            }
        }
        lab.id = r.str(m, u"id"_s, u"the lab"_s, true, top);
        static const QRegularExpression idRe(u"^[a-z0-9][a-z0-9-]*$"_s);
        if (!lab.id.isEmpty() && !idRe.match(lab.id).hasMatch())
            r.error(m.value(u"id"_s).value, u"the lab id '%1' may contain only lower-case letters, "
                                            "digits and '-'"_s.arg(lab.id));
        lab.title = r.str(m, u"title"_s, u"the lab"_s, true, top);
        lab.summary = r.str(m, u"summary"_s, u"the lab"_s, false, top);
        if (const auto it = m.constFind(u"estimatedMinutes"_s); it != m.cend())
            r.integer(*it, &lab.estimatedMinutes, u"estimatedMinutes"_s, 1, 24 * 60);
        if (const auto it = m.constFind(u"requires"_s); it != m.cend()) {
            const auto req = r.map(it->value, u"'requires'"_s, kRequiresKeys, r.pos(it->key));
            static const QRegularExpression ver(u"^\\d+\\.\\d+$"_s);
            for (const QString& tool : {u"kubectl"_s, u"istioctl"_s}) {
                const QString v = r.str(req, tool, u"'requires'"_s, false, top);
                if (!v.isEmpty() && !ver.match(v).hasMatch())
                    r.error(req.value(tool).value,
                            u"'%1' must be a minimum version such as 1.27"_s.arg(tool));
                (tool == u"kubectl" ? lab.requiresKubectl : lab.requiresIstioctl) = v;
            }
            const QString istio = r.str(req, u"istio"_s, u"'requires'"_s, false, top);
            if (!istio.isEmpty() && !VersionCondition::parse(istio, &lab.requiresIstio))
                r.error(req.value(u"istio"_s).value,
                        u"'istio' must be a version condition such as \">=1.20\""_s);
        }
        if (const auto it = m.constFind(u"steps"_s); it == m.cend()) {
            r.error(top, u"the lab needs 'steps'"_s);
        } else if (!it->value.IsSequence() || it->value.size() == 0) {
            r.error(it->value.IsNull() ? it->key : it->value,
                    u"'steps' must be a non-empty list"_s);
        } else {
            QSet<QString> stepIds;
            for (const YAML::Node& n : it->value) {
                LabStep s;
                s.pos = r.pos(n);
                const auto sm = r.map(n, u"a step"_s, kStepKeys, r.pos(it->key));
                if (!n.IsMap())
                    continue;
                s.id = r.str(sm, u"id"_s, u"a step"_s, true, s.pos);
                if (!s.id.isEmpty() && stepIds.contains(s.id))
                    r.error(sm.value(u"id"_s).value, u"duplicate step id '%1'"_s.arg(s.id));
                stepIds.insert(s.id);
                s.title = r.str(sm, u"title"_s, u"a step"_s, true, s.pos);
                s.text = r.str(sm, u"text"_s, u"a step"_s, false, s.pos);
                if (const auto a = sm.constFind(u"actions"_s); a != sm.cend())
                    s.actions = actions(*a, u"actions"_s);
                if (const auto c = sm.constFind(u"checks"_s);
                    c != sm.cend() && !c->value.IsNull()) {
                    if (!c->value.IsSequence())
                        r.error(c->value, u"'checks' must be a list of checks"_s);
                    else
                        for (const YAML::Node& cn : c->value)
                            s.checks << check(cn);
                }
                lab.steps << s;
            }
        }
        if (const auto it = m.constFind(u"teardown"_s); it != m.cend())
            lab.teardown = actions(*it, u"teardown"_s);
        if (const auto it = m.constFind(u"namespaces"_s); it != m.cend())
            lab.namespaces = r.list(*it, u"namespaces"_s, &lab.namespacesPos);
        return lab;
    }
};

// The reader's issues in the lab's words: the lab format has no tags, merge keys or deep nesting.
LabIssue yamlIssue(const QString& file, const YamlIssue& issue)
{
    const LabPos pos{issue.line, issue.column};
    switch (issue.kind) {
    case YamlIssue::Kind::TooLarge:
        return {file, pos, u"the file is larger than %1 KiB: not a lab"_s.arg(kMaxFileSize / 1024)};
    case YamlIssue::Kind::TooDeep:
        return {file, pos, u"the lab is nested too deeply"_s};
    case YamlIssue::Kind::TooManyNodes:
        return {file, pos, u"the lab's aliases expand to too many values: write the values out"_s};
    case YamlIssue::Kind::Syntax:
        return {file, pos, u"not valid YAML: %1"_s.arg(issue.detail)};
    case YamlIssue::Kind::Failure:
        return {file, pos, u"could not read the lab: %1"_s.arg(issue.detail)};
    case YamlIssue::Kind::Tag:
        return {file, pos,
                u"YAML tags ('%1') are not part of the lab format: write plain values"_s.arg(
                    issue.detail)};
    case YamlIssue::Kind::MergeKey:
        return {file, pos,
                u"YAML merge keys ('<<') are not part of the lab format: write the values out"_s};
    }
    return {file, pos, issue.message()};
}

}  // namespace

LabLoadResult loadBytes(const QByteArray& yaml, const QString& fileName, const QString& dir)
{
    LabLoadResult result;
    Parser p(fileName, dir);
    YamlOptions options;
    options.maxBytes = kMaxFileSize;
    options.plainOnly = true;
    const YamlDocuments docs = YamlReader::read(yaml, options);
    for (const YamlIssue& issue : docs.issues)
        p.r.errors.append(yamlIssue(fileName, issue));
    if (!docs.documents.isEmpty()) {
        const YAML::Node& root = docs.documents.first();
        if (!root.IsDefined() || root.IsNull()) {
            p.r.error(LabPos{1, 1}, u"the file is empty: a lab starts with 'obslab-lab: 1'"_s);
        } else {
            try {
                std::optional<Lab> lab = p.parse(root);
                if (lab) {
                    lab->filePath = fileName;
                    lab->dir = dir;
                    // The trust model, with the defaults (lab plan/run check again with the
                    // values in effect).
                    p.r.errors += LabTrust::lint(*lab, LabTrust::variables(*lab));
                    result.lab = std::move(lab);
                }
            } catch (const YAML::Exception& ex) {
                const LabPos pos =
                    ex.mark.is_null() ? LabPos{1, 1} : LabPos{ex.mark.line + 1, ex.mark.column + 1};
                p.r.error(pos, u"not valid YAML: %1"_s.arg(QString::fromStdString(ex.msg)));
            } catch (const std::exception& ex) {
                p.r.error(LabPos{1, 1},
                          u"could not read the lab: %1"_s.arg(QString::fromLocal8Bit(ex.what())));
            }
        }
    }
    result.errors = p.r.errors;
    std::sort(result.errors.begin(), result.errors.end(), [](const LabIssue& a, const LabIssue& b) {
        return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
    });
    if (!result.errors.isEmpty())
        result.lab.reset();
    return result;
}

LabLoadResult loadFile(const QString& path)
{
    QFile file(path);
    const QFileInfo info(path);
    if (info.isFile() && info.size() > kMaxFileSize) {
        LabLoadResult r;
        r.errors.append({path,
                         {1, 1},
                         u"the file is larger than %1 KiB: not a lab"_s.arg(kMaxFileSize / 1024)});
        return r;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        LabLoadResult r;
        r.errors.append({path, {0, 0}, u"cannot read the lab: %1"_s.arg(file.errorString())});
        return r;
    }
    return loadBytes(file.read(kMaxFileSize + 1), path, info.absolutePath());
}

}  // namespace LabLoader
}  // namespace obslab
