#pragma once

#include "core/kube/ClusterStatus.h"

#include <QString>

namespace obslab::ClusterGuidance {

// The page that explains how to install kubectl (and pick a version matching the cluster).
QString installKubectlUrl();
// Short and long explanations for people who have no kubectl or no reachable cluster; rich text.
QString kubectlMissingShort();
QString kubectlMissingLong(const ClusterStatus& status);
QString noClusterShort(const ClusterStatus& status);
QString noClusterLong(const ClusterStatus& status);
// Plain text, one sentence each area uses when kubectl has no context (never kubectl's own
// "localhost:8080 refused", which is what it says then).
QString noContextSentence();

}  // namespace obslab::ClusterGuidance
