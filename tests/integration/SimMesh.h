#pragma once

// The simulated mesh (tests/sim, test equipment) for integration tests: starts obslab-sim with a
// scenario, gives a KubeTarget for the real kubectl (throw-away HOME), and calls its control
// endpoint. The sim exits when its stdin closes, so a crashed test leaves no server behind.
#include "core/kube/KubeTarget.h"

#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

class SimMesh
{
public:
    SimMesh() = default;
    ~SimMesh();

    // Empty on success, else why (skip reasons start with "skip: ").
    QString start(const QString& scenario, const QStringList& extraArgs = {});
    void stop();

    obslab::KubeTarget target(const QString& ns = QStringLiteral("default")) const;
    QString kubectl() const { return kubectl_; }
    QString apiUrl() const { return apiUrl_; }
    QString jaegerUrl() const { return jaegerUrl_; }
    QString dir() const { return dir_.path(); }
    // The kubectl client's minor version (e.g. 32), -1 when unknown.
    int kubectlMinor() const { return kubectlMinor_; }

    // POST /_sim/PATH with a JSON body (or GET when body is null); the answer, empty on failure.
    QJsonObject control(const QString& path, const QJsonObject& body, bool get = false) const;

private:
    QTemporaryDir dir_;
    QProcess sim_;
    QByteArray output_;
    QString kubectl_;
    QString apiUrl_;
    QString jaegerUrl_;
    int kubectlMinor_ = -1;
};
