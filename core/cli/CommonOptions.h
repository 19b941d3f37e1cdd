#pragma once

#include "core/kube/KubeTarget.h"

#include <QCommandLineOption>
#include <QString>

namespace obslab::cli {

class OptionParser;

// The options that mean the same in every subcommand that drives a cluster, spelled once.
namespace CommonOptions {

QCommandLineOption context();     // --context NAME
QCommandLineOption kubeconfig();  // --kubeconfig FILE
QCommandLineOption kubectl();     // --kubectl PATH
QCommandLineOption istioctl();    // --istioctl PATH
QCommandLineOption ns();          // -n, --namespace NS
QCommandLineOption output();      // -o, --output FORMAT

// What the cluster options say; each default when not given (kubectl and istioctl from PATH,
// kubectl's current context, namespace default).
struct Cluster
{
    KubeTarget target;
    QString istioctl = QStringLiteral("istioctl");
};
Cluster cluster(const OptionParser& parser);

}  // namespace CommonOptions

}  // namespace obslab::cli
