#include "SimMesh.h"

#include "core/kube/KubeContext.h"
#include "core/kube/Kubectl.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

SimMesh::~SimMesh()
{
    stop();
}

QString SimMesh::start(const QString& scenario, const QStringList& extraArgs)
{
    if (!dir_.isValid())
        return u"no temporary directory"_s;
    // kubectl must never read or write the developer's ~/.kube (config or cache).
    QDir().mkpath(dir_.path() + u"/home"_s);
    qputenv("HOME", (dir_.path() + u"/home"_s).toUtf8());
    qunsetenv("KUBECONFIG");
    qunsetenv("OBSLAB_SIM_URL");
    kubectl_ = qEnvironmentVariable("OBSLAB_TEST_KUBECTL");
    if (kubectl_.isEmpty())
        kubectl_ = QStandardPaths::findExecutable(u"kubectl"_s);
    if (kubectl_.isEmpty())
        return u"skip: no kubectl on PATH (Debian: apt-get install kubernetes-client)"_s;
    const QString python = QStandardPaths::findExecutable(u"python3"_s);
    if (python.isEmpty())
        return u"skip: no python3 for the simulated mesh"_s;
    sim_.setProgram(python);
    sim_.setArguments(QStringList{QStringLiteral(OBSLAB_SOURCE_DIR) + u"/tests/sim/obslab-sim"_s,
                                  u"--scenario"_s, scenario, u"--state-dir"_s,
                                  dir_.path() + u"/sim"_s} +
                      extraArgs);
    sim_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    QObject::connect(&sim_, &QProcess::readyReadStandardOutput,
                     [this] { output_ += sim_.readAllStandardOutput(); });
    sim_.start();
    if (!sim_.waitForStarted(10000))
        return u"obslab-sim did not start"_s;
    (void)QTest::qWaitFor(
        [this] { return output_.contains("READY ") || sim_.state() == QProcess::NotRunning; },
        30000);
    if (!output_.contains("READY "))
        return u"obslab-sim did not get ready: "_s + QString::fromUtf8(output_);
    const QByteArray ready = output_.mid(output_.indexOf("READY "));
    auto word = [&](const QByteArray& key) {
        return QString::fromUtf8(ready.mid(ready.indexOf(key) + key.size()).split(' ').value(0))
            .trimmed();
    };
    apiUrl_ = word("api=");
    jaegerUrl_ = word("jaeger=");

    obslab::CommandRunner runner;
    obslab::Command* command = runner.start(obslab::Kubectl::version(target()));
    QSignalSpy finished(command, &obslab::Command::finished);
    if (!finished.wait(60000))
        return u"kubectl version did not finish"_s;
    const auto result = finished.first().at(0).value<obslab::CommandResult>();
    const auto versions = obslab::KubeContext::parseVersionJson(result.stdoutData);
    if (versions.ok())
        kubectlMinor_ = versions->client.minor;
    return {};
}

void SimMesh::stop()
{
    if (sim_.state() == QProcess::NotRunning)
        return;
    QSignalSpy finished(&sim_, &QProcess::finished);
    sim_.closeWriteChannel();
    if (!finished.wait(15000))
        sim_.kill();
}

obslab::KubeTarget SimMesh::target(const QString& ns) const
{
    obslab::KubeTarget t;
    t.kubectl = kubectl_;
    t.kubeconfig = dir_.path() + u"/sim/kubeconfig"_s;
    t.context = u"obslab-sim"_s;
    t.ns = ns;
    return t;
}

QJsonObject SimMesh::control(const QString& path, const QJsonObject& body, bool get) const
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(apiUrl_ + u"/_sim/"_s + path));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setTransferTimeout(30000);
    QNetworkReply* reply =
        get ? network.get(request) : network.post(request, QJsonDocument(body).toJson());
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const QByteArray data = reply->readAll();
    reply->deleteLater();
    if (reply->error() != QNetworkReply::NoError) {
        qWarning("sim control %s: %s %s", qPrintable(path), qPrintable(reply->errorString()),
                 data.constData());
        return {};
    }
    return QJsonDocument::fromJson(data).object();
}
