#include "core/lab/Lab.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

bool parseVersion(QStringView text, int* major, int* minor)
{
    static const QRegularExpression re(u"^v?(\\d+)\\.(\\d+)"_s);
    const auto m = re.match(text);
    if (!m.hasMatch())
        return false;
    *major = m.capturedView(1).toInt();
    *minor = m.capturedView(2).toInt();
    return true;
}

}  // namespace

bool VersionCondition::parse(const QString& text, VersionCondition* out)
{
    VersionCondition c;
    c.text = text;
    QStringView rest = QStringView(text).trimmed();
    if (rest.isEmpty() || rest == u"*") {
        *out = c;
        return true;
    }
    if (rest.startsWith(u">=")) {
        c.op = AtLeast;
        rest = rest.mid(2).trimmed();
    } else if (rest.startsWith(u'<')) {
        c.op = Below;
        rest = rest.mid(1).trimmed();
    } else {
        c.op = Exactly;
    }
    static const QRegularExpression re(u"^\\d+\\.\\d+$"_s);
    if (!re.match(rest).hasMatch())
        return false;
    if (!parseVersion(rest, &c.major, &c.minor))
        return false;
    *out = c;
    return true;
}

bool VersionCondition::matches(int versionMajor, int versionMinor) const
{
    const auto v = std::pair(versionMajor, versionMinor);
    const auto c = std::pair(major, minor);
    switch (op) {
    case Any:
        return true;
    case AtLeast:
        return v >= c;
    case Below:
        return v < c;
    case Exactly:
        return v == c;
    }
    return false;
}

bool VersionCondition::matches(const QString& version) const
{
    if (op == Any)
        return true;
    int ma = 0;
    int mi = 0;
    if (!parseVersion(version, &ma, &mi))
        return false;
    return matches(ma, mi);
}

const LabStep* Lab::step(const QString& stepId) const
{
    for (const LabStep& s : steps)
        if (s.id == stepId)
            return &s;
    return nullptr;
}

int Lab::stepIndex(const QString& stepId) const
{
    for (int i = 0; i < steps.size(); ++i)
        if (steps.at(i).id == stepId)
            return i;
    return -1;
}

QString Lab::variable(const QString& name) const
{
    for (const auto& [key, value] : variables)
        if (key == name)
            return value;
    return {};
}

QString labActionKindKey(LabActionKind kind)
{
    switch (kind) {
    case LabActionKind::Apply:
        return u"apply"_s;
    case LabActionKind::Delete:
        return u"delete"_s;
    case LabActionKind::Kubectl:
        return u"kubectl"_s;
    case LabActionKind::Istioctl:
        return u"istioctl"_s;
    case LabActionKind::IstioInstall:
        return u"istioInstall"_s;
    case LabActionKind::Restart:
        return u"restart"_s;
    case LabActionKind::WaitRollout:
        return u"waitRollout"_s;
    case LabActionKind::FollowLogs:
        return u"followLogs"_s;
    case LabActionKind::PortForward:
        return u"portForward"_s;
    case LabActionKind::TracedRequest:
        return u"tracedRequest"_s;
    case LabActionKind::StartTraffic:
        return u"startTraffic"_s;
    case LabActionKind::StopTraffic:
        return u"stopTraffic"_s;
    case LabActionKind::OpenTrace:
        return u"openTrace"_s;
    case LabActionKind::OpenSearch:
        return u"openSearch"_s;
    case LabActionKind::RunDoctor:
        return u"doctor"_s;
    }
    return {};
}

QString labCheckKindKey(LabCheckKind kind)
{
    switch (kind) {
    case LabCheckKind::RolloutReady:
        return u"rolloutReady"_s;
    case LabCheckKind::PodsHaveSidecar:
        return u"podsHaveSidecar"_s;
    case LabCheckKind::LogsMatch:
        return u"logsMatch"_s;
    case LabCheckKind::JaegerHasService:
        return u"jaegerHasService"_s;
    case LabCheckKind::JaegerHasTrace:
        return u"jaegerHasTrace"_s;
    case LabCheckKind::ResourceExists:
        return u"resourceExists"_s;
    case LabCheckKind::CommandSucceeds:
        return u"commandSucceeds"_s;
    }
    return {};
}

QString labActionSummary(const LabAction& a)
{
    if (!a.title.isEmpty())
        return a.title;
    const QString src = !a.file.isEmpty() ? a.file : !a.url.isEmpty() ? a.url : u"inline YAML"_s;
    switch (a.kind) {
    case LabActionKind::Apply:
        return u"Apply %1"_s.arg(src);
    case LabActionKind::Delete:
        return u"Delete what %1 created"_s.arg(src);
    case LabActionKind::Kubectl:
        return u"kubectl %1"_s.arg(a.args.mid(0, 2).join(u' '));
    case LabActionKind::Istioctl:
        return u"istioctl %1"_s.arg(a.args.value(0));
    case LabActionKind::IstioInstall:
        return u"Install Istio with %1"_s.arg(a.file);
    case LabActionKind::Restart:
        return u"Restart %1"_s.arg(a.deployments.join(u", "));
    case LabActionKind::WaitRollout:
        return u"Wait for %1 to roll out"_s.arg(a.deployments.join(u", "));
    case LabActionKind::FollowLogs:
        return u"Follow the %1 logs of %2"_s.arg(a.container, a.selector);
    case LabActionKind::PortForward:
        return u"Port-forward to svc/%1"_s.arg(a.service);
    case LabActionKind::TracedRequest:
        return u"Send a traced request from %1"_s.arg(a.from);
    case LabActionKind::StartTraffic:
        return u"Start traffic from %1"_s.arg(a.from);
    case LabActionKind::StopTraffic:
        return u"Stop the traffic"_s;
    case LabActionKind::OpenTrace:
        return u"Open the trace in Jaeger"_s;
    case LabActionKind::OpenSearch:
        return u"Search Jaeger for %1"_s.arg(a.service);
    case LabActionKind::RunDoctor:
        return u"Run the tracing doctor"_s;
    }
    return {};
}

QString labCheckSummary(const LabCheck& c)
{
    if (!c.title.isEmpty())
        return c.title;
    switch (c.kind) {
    case LabCheckKind::RolloutReady:
        return u"deployment/%1 is rolled out"_s.arg(c.deployment);
    case LabCheckKind::PodsHaveSidecar:
        return u"pods %1 have the istio-proxy sidecar"_s.arg(c.selector);
    case LabCheckKind::LogsMatch:
        return u"%1 logs of %2 match /%3/"_s.arg(c.container, c.selector, c.pattern);
    case LabCheckKind::JaegerHasService:
        return u"Jaeger knows the service %1"_s.arg(c.service);
    case LabCheckKind::JaegerHasTrace:
        return u"Jaeger has the trace of '%1'"_s.arg(c.action);
    case LabCheckKind::ResourceExists:
        return u"%1/%2 exists"_s.arg(c.resource, c.name);
    case LabCheckKind::CommandSucceeds:
        return u"%1 %2 succeeds"_s.arg(c.tool, c.args.join(u' '));
    }
    return {};
}

}  // namespace obslab
