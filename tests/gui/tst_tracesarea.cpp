#include "tracing/TraceTimelinePanel.h"
#include "tracing/TraceTimelineView.h"
#include "tracing/TracesArea.h"
#include "widgets/EmptyState.h"

#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

class TestTracesArea : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void opensASavedTrace_data();
    void opensASavedTrace();
    void saysWhyAFileCannotBeOpened();
    void emptyStateOffersToOpenATrace();
};

void TestTracesArea::opensASavedTrace_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("traceId");
    QTest::newRow("jaeger-v1") << u"jaeger-trace-bookinfo-8spans.json"_s
                               << u"3ba55609c3cde49649cd77d1f9dcd936"_s;
    QTest::newRow("otlp") << u"kiali-istio-bookinfo-trace-otlp.json"_s
                          << u"3ba55609c3cde49649cd77d1f9dcd936"_s;
}

void TestTracesArea::opensASavedTrace()
{
    QFETCH(QString, file);
    QFETCH(QString, traceId);
    TracesArea area;
    area.resize(1000, 600);
    area.show();
    QVERIFY(!area.isShowingTrace());
    QSignalSpy loaded(area.panel(), &TraceTimelinePanel::traceLoaded);
    area.openTraceFile(QStringLiteral(OBSLAB_FIXTURES_DIR "/") + file);
    QVERIFY(loaded.wait(10000));
    QCOMPARE(loaded.first().first().toString(), traceId);
    QVERIFY(area.isShowingTrace());
    QVERIFY(area.panel()->isVisible());
    QVERIFY(!area.emptyState()->isVisible());
}

void TestTracesArea::saysWhyAFileCannotBeOpened()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"not-a-trace.json"_s);
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("<!doctype html><html>this is the Jaeger UI, not its API</html>");
    f.close();
    TracesArea area;
    area.show();
    QSignalSpy failed(area.panel(), &TraceTimelinePanel::loadFailed);
    area.openTraceFile(path);
    QVERIFY(failed.wait(10000));
    QVERIFY(!area.isShowingTrace());
    QVERIFY(area.emptyState()->isVisible());
    // The empty state now carries the reason, in words.
    bool found = false;
    const auto labels = area.emptyState()->findChildren<QLabel*>();
    for (const QLabel* label : labels)
        found = found || label->text().contains(failed.first().first().toString().toHtmlEscaped());
    QVERIFY2(found, qPrintable(failed.first().first().toString()));
}

void TestTracesArea::emptyStateOffersToOpenATrace()
{
    TracesArea area;
    area.show();
    QSignalSpy requested(&area, &TracesArea::openTraceRequested);
    QPushButton* open = nullptr;
    const auto buttons = area.emptyState()->findChildren<QPushButton*>();
    for (QPushButton* b : buttons) {
        if (b->text().contains(u"saved trace"_s))
            open = b;
    }
    QVERIFY(open);
    open->click();
    QCOMPARE(requested.count(), 1);
}

QTEST_MAIN(TestTracesArea)
#include "tst_tracesarea.moc"
