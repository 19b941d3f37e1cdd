// The status bar's view of port-forwards: counted in the summary, listed in the jobs popup with
// their URL, and stopped from its Stop button. The forward runs the kubectl port-forward stand-in
// (tests/helpers/kubectl-portforward-standin) in front of a local HTTP server.
#include "CannedHttpServer.h"
#include "core/kube/PortForward.h"
#include "gui/app/JobsPopup.h"
#include "gui/app/StatusArea.h"

#include <QLabel>
#include <QPushButton>
#include <QStandardPaths>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestPortForwardsUi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void stopFromThePopup();
};

void TestPortForwardsUi::stopFromThePopup()
{
    if (QStandardPaths::findExecutable(u"python3"_s).isEmpty())
        QSKIP("no python3 for the port-forward stand-in");
    test::CannedHttpServer backend;
    backend.setFallback(
        [](const test::CannedHttpServer::Request&) { return test::CannedHttpServer::html(); });
    QVERIFY(backend.listen());
    qputenv("OBSLAB_STANDIN_BACKEND_PORT", QByteArray::number(backend.url().port()));

    PortForwards forwards;
    StatusArea area(nullptr, nullptr);
    area.setPortForwards(&forwards);
    area.show();
    QCOMPARE(area.summary(), u"Idle"_s);

    KubeTarget target;
    target.kubectl =
        QStringLiteral(OBSLAB_SOURCE_DIR) + u"/tests/helpers/kubectl-portforward-standin"_s;
    target.ns = u"istio-system"_s;
    PortForwardOptions options;
    options.resource = u"svc/tracing"_s;
    options.remotePort = 80;
    PortForward* forward = forwards.start(target, options);
    QTRY_COMPARE_WITH_TIMEOUT(forward->state(), PortForward::State::Ready, 15000);
    QCOMPARE(area.summary(), u"1 port-forward"_s);

    area.showJobs();
    JobsPopup* popup = area.popup();
    QTRY_VERIFY(popup->isVisible());
    bool urlShown = false;
    for (const QLabel* label : popup->findChildren<QLabel*>())
        urlShown = urlShown || label->text().contains(forward->localUrl().toString());
    QVERIFY(urlShown);
    QPushButton* stop = nullptr;
    for (QPushButton* button : popup->findChildren<QPushButton*>()) {
        if (button->accessibleName().contains(u"svc/tracing"_s))
            stop = button;
    }
    QVERIFY(stop);
    QVERIFY(stop->isEnabled());
    if (const QString out = qEnvironmentVariable("OBSLAB_SCREENSHOT_OUT"); !out.isEmpty())
        popup->grab().save(out + u"/jobs-popup-port-forward.png"_s);
    stop->click();
    QTRY_COMPARE_WITH_TIMEOUT(forward->state(), PortForward::State::Stopped, 10000);
    QTRY_COMPARE(area.summary(), u"Idle"_s);
}

QTEST_MAIN(TestPortForwardsUi)
#include "tst_portforwardsui.moc"
