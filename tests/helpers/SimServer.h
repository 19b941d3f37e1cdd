#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <QUrl>

namespace obslab::test {

// The simulated mesh (tests/sim/obslab-sim, test equipment) as a child process of a test that
// needs only its HTTP servers (the stand-in Jaeger, the control endpoint) and no kubectl — for
// kubectl against the sim see tests/integration/SimMesh.h. Starts it with a scenario and
// options, waits for its READY line, and drives its control endpoint.
// The sim exits when its stdin closes, so a test that dies leaves no server behind. Test thread
// only; the waits are signal-driven (QSignalSpy), never fixed sleeps.
class SimServer
{
public:
    SimServer();
    ~SimServer();
    SimServer(const SimServer&) = delete;
    SimServer& operator=(const SimServer&) = delete;

    // False (with why()) when python3 is missing or the sim does not come up within 30 s.
    bool start(const QString& scenario, const QStringList& extraArguments = {});
    QString why() const { return why_; }

    QUrl apiUrl() const { return api_; }
    QUrl jaegerUrl() const { return jaeger_; }  // bare, e.g. http://127.0.0.1:PORT
    QUrl jaegerUiUrl() const;                   // with Istio's /jaeger base path
    // The Jaeger UI it serves: "1.70", "2.17" or "standin" (also when a build asked for is
    // missing; whyNoRealUi() then says where it looked).
    QString uiVersion() const { return uiVersion_; }
    QString whyNoRealUi();

    // POST /_sim/<route> with a JSON body; the answer's JSON, or an empty object on failure.
    QJsonObject post(const QString& route, const QJsonObject& body = {});
    // GET /_sim/<route>; the answer's JSON, or an empty object on failure.
    QJsonObject get(const QString& route);

    static QString fixture(const QString& name);  // a path under tests/fixtures

private:
    QProcess process_;
    QTemporaryDir dir_;
    QByteArray output_;
    QUrl api_;
    QUrl jaeger_;
    QString uiVersion_;
    QString why_;
};

}  // namespace obslab::test
