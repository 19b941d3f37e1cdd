#pragma once

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <chrono>

namespace obslab {

// The lab format (version 1), as LabLoader reads it from YAML. Plain values; any thread.
// Strings may hold `${variable}` references; LabRunner substitutes them when it runs.

struct LabPos
{
    int line = 0;  // 1-based; 0: unknown
    int column = 0;
};

// "Only for these Istio versions": `>=1.22`, `<1.22`, `1.24` (that minor only), empty (any).
struct VersionCondition
{
    QString text;  // as written
    enum Op
    {
        Any,
        AtLeast,
        Below,
        Exactly
    } op = Any;
    int major = 0;
    int minor = 0;

    bool matches(int versionMajor, int versionMinor) const;
    // "1.22.3" → true/false; unknown versions never match a condition other than Any.
    bool matches(const QString& version) const;
    static bool parse(const QString& text, VersionCondition* out);
};

enum class LabActionKind
{
    Apply,          // a manifest file, inline YAML or a URL, through `kubectl apply -f -`
    Delete,         // the same through `kubectl delete --ignore-not-found -f -`
    Kubectl,        // kubectl with allow-listed arguments
    Istioctl,       // istioctl with allow-listed arguments
    IstioInstall,   // istioctl install -f FILE -y (an IstioOperator beside the lab)
    Restart,        // kubectl rollout restart deployment/…
    WaitRollout,    // kubectl rollout status deployment/…
    FollowLogs,     // follow a selector's container logs (the Logs area)
    PortForward,    // a supervised port-forward to a Service (the Jaeger UI)
    TracedRequest,  // one request with a trace id known in advance
    StartTraffic,   // a request every interval until StopTraffic
    StopTraffic,
    OpenTrace,   // the trace of an earlier TracedRequest
    OpenSearch,  // a Jaeger search for a service
    RunDoctor,   // the tracing doctor
};

struct LabAction
{
    LabActionKind kind = LabActionKind::Kubectl;
    LabPos pos;
    QString id;     // optional; OpenTrace and jaegerHasTrace refer to it
    QString title;  // optional; a default is derived from the kind
    VersionCondition whenIstio;

    QString file;  // Apply/Delete/IstioInstall: relative to the lab's folder
    LabPos filePos;
    QString inline_;          // Apply/Delete: YAML text
    QString url;              // Apply: https URL, shown before it is applied
    QString ns;               // namespace; empty: the lab's `namespace` variable
    QStringList args;         // Kubectl/Istioctl
    QList<LabPos> argPos;     // position of each argument
    QStringList deployments;  // Restart/WaitRollout
    QString selector;         // FollowLogs
    QString container;        // FollowLogs/TracedRequest/StartTraffic
    QString service;          // PortForward (Service name) / OpenSearch (Jaeger service)
    int port = 0;             // PortForward: the Service port
    QString from;             // TracedRequest/StartTraffic: the deployment that sends
    QString target;           // TracedRequest/StartTraffic: the URL requested inside the mesh
    std::chrono::milliseconds interval{std::chrono::seconds(2)};  // StartTraffic
    QString action;                   // OpenTrace: the id of a TracedRequest
    QString focus;                    // RunDoctor: the doctor check to show first
    std::chrono::seconds timeout{0};  // 0: the kind's default
};

enum class LabCheckKind
{
    RolloutReady,
    PodsHaveSidecar,
    LogsMatch,
    JaegerHasService,
    JaegerHasTrace,
    ResourceExists,
    CommandSucceeds,
};

struct LabCheck
{
    LabCheckKind kind = LabCheckKind::CommandSucceeds;
    LabPos pos;
    QString id;
    QString title;
    QString hint;      // shown when the check fails (Markdown)
    QString solution;  // optional, shown on request (Markdown)
    QString focus;     // the doctor check the GUI offers when this fails
    VersionCondition whenIstio;

    QString ns;
    QString deployment;  // RolloutReady
    QString selector;    // PodsHaveSidecar/LogsMatch
    QString container;   // LogsMatch
    QString pattern;     // LogsMatch: a regular expression, matched per line
    QString service;     // JaegerHasService
    QString action;      // JaegerHasTrace: the id of a TracedRequest
    QString resource;    // ResourceExists: kind (deployment, service, telemetry…)
    QString name;        // ResourceExists
    QString tool;        // CommandSucceeds: kubectl or istioctl
    QStringList args;    // CommandSucceeds
    QList<LabPos> argPos;
    std::chrono::seconds timeout{30};  // keep trying for this long
    std::chrono::seconds every{2};     // between attempts
};

struct LabStep
{
    QString id;
    QString title;
    QString text;  // Markdown
    LabPos pos;
    QList<LabAction> actions;
    QList<LabCheck> checks;
};

struct Lab
{
    static constexpr int kFormatVersion = 1;

    int formatVersion = kFormatVersion;
    QString id;
    QString title;
    QString summary;  // Markdown
    int estimatedMinutes = 0;
    QString requiresKubectl;  // minimum versions, "1.27"; empty: any
    QString requiresIstioctl;
    VersionCondition requiresIstio;
    QList<QPair<QString, QString>> variables;  // name, default; in file order
    // Namespaces the lab may change besides its `namespace` variable (`namespaces:`; may hold
    // ${variables}).
    QStringList namespaces;
    QList<LabPos> namespacesPos;
    QList<LabStep> steps;
    QList<LabAction> teardown;

    QString filePath;  // the YAML file (absolute); empty when loaded from bytes
    QString dir;       // where relative manifest paths point

    const LabStep* step(const QString& stepId) const;
    int stepIndex(const QString& stepId) const;
    QString variable(const QString& name) const;  // the default, empty if none
};

QString labActionKindKey(LabActionKind kind);  // the YAML key: "apply", "tracedRequest"…
QString labCheckKindKey(LabCheckKind kind);
// A one-line description for people: "Apply manifests/backend.yaml", "Send a traced request".
QString labActionSummary(const LabAction& action);
QString labCheckSummary(const LabCheck& check);

}  // namespace obslab
