#include "SimServer.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QStandardPaths>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace obslab::test {

SimServer::SimServer()
{
    QObject::connect(&process_, &QProcess::readyReadStandardOutput,
                     [this] { output_ += process_.readAllStandardOutput(); });
}

SimServer::~SimServer()
{
    if (process_.state() == QProcess::NotRunning)
        return;
    QSignalSpy finished(&process_, &QProcess::finished);
    process_.closeWriteChannel();
    if (!finished.wait(15000))
        process_.kill();
}

bool SimServer::start(const QString& scenario, const QStringList& extraArguments)
{
    const QString python = QStandardPaths::findExecutable(u"python3"_s);
    if (python.isEmpty()) {
        why_ = u"no python3 for the simulated mesh"_s;
        return false;
    }
    process_.setProgram(python);
    process_.setArguments(QStringList{QStringLiteral(OBSLAB_SOURCE_DIR "/tests/sim/obslab-sim"),
                                      u"--scenario"_s, scenario, u"--state-dir"_s,
                                      dir_.path() + u"/sim"_s} +
                          extraArguments);
    process_.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    process_.start();
    if (!process_.waitForStarted(10000)) {
        why_ = u"obslab-sim did not start: "_s + process_.errorString();
        return false;
    }
    // Not QTRY_*: this helper returns its verdict instead of failing the caller's test itself.
    QDeadlineTimer deadline(30000);
    while (!output_.contains("READY ") && process_.state() == QProcess::Running &&
           !deadline.hasExpired()) {
        QSignalSpy more(&process_, &QProcess::readyReadStandardOutput);
        more.wait(int(std::max<qint64>(1, deadline.remainingTime())));
    }
    if (!output_.contains("READY ")) {
        why_ = u"obslab-sim did not report READY: "_s + QString::fromUtf8(output_);
        return false;
    }
    const QByteArray ready = output_.mid(output_.indexOf("READY "));
    const auto field = [&ready](const QByteArray& key) {
        const qsizetype at = ready.indexOf(QByteArray(key + '='));
        return QUrl(QString::fromUtf8(ready.mid(at + key.size() + 1).split(' ').value(0)));
    };
    api_ = field("api");
    jaeger_ = field("jaeger");
    uiVersion_ = field("ui").toString();
    return api_.isValid() && jaeger_.isValid();
}

QUrl SimServer::jaegerUiUrl() const
{
    QUrl url = jaeger_;
    url.setPath(u"/jaeger"_s);
    return url;
}

QJsonObject SimServer::post(const QString& route, const QJsonObject& body)
{
    QNetworkAccessManager network;
    QUrl url = api_;
    url.setPath(u"/_sim/"_s + route);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    QNetworkReply* reply = network.post(request, QJsonDocument(body).toJson());
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !done.wait(15000)) {
        reply->abort();
        delete reply;
        return {};
    }
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    delete reply;
    return answer;
}

QJsonObject SimServer::get(const QString& route)
{
    QNetworkAccessManager network;
    QUrl url = api_;
    url.setPath(u"/_sim/"_s + route);
    QNetworkReply* reply = network.get(QNetworkRequest(url));
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!reply->isFinished() && !done.wait(15000)) {
        reply->abort();
        delete reply;
        return {};
    }
    const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
    delete reply;
    return answer;
}

QString SimServer::whyNoRealUi()
{
    const QJsonObject ports = get(u"ports"_s);
    return ports.value(u"jaeger_ui_missing"_s).toString();
}

QString SimServer::fixture(const QString& name)
{
    return QStringLiteral(OBSLAB_SOURCE_DIR "/tests/fixtures/") + name;
}

}  // namespace obslab::test
