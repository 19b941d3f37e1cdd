#pragma once

#include "core/kube/KubeContext.h"

#include <QString>

namespace obslab {

// What the app knows about the cluster kubectl points at. A value, filled in step by step by
// ClusterContext::checkStatus() (context first, then namespace and server, then whether it
// answers).
struct ClusterStatus
{
    enum class State
    {
        Unknown,         // not checked yet
        Checking,        // reading; fields known so far are filled in
        KubectlMissing,  // no kubectl: kubectlMessage/kubectlHint say how to get one
        NoContext,       // kubectl has no current context
        Unreachable,     // a context, but its API server did not answer
        Reachable,
    };

    State state = State::Unknown;
    QString kubectlPath;
    QString kubectlMessage;  // when missing: what happened
    QString kubectlHint;     // when missing: what to do
    QString context;
    QString kubeNamespace;
    QString server;
    bool local = false;
    KubeContext::Versions versions;
    QString error;        // the last line kubectl printed on failure, for people
    QString skewWarning;  // empty unless kubectl and the server are too far apart

    bool hasContext() const { return !context.isEmpty(); }
};

}  // namespace obslab
