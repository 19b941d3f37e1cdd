#include "core/tracing/JaegerJson.h"
#include "core/tracing/TraceLayout.h"

#include <QFile>
#include <QSet>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {
Trace load(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    auto traces = jaegerjson::parseTraceDocument(f.readAll());
    if (!traces || traces->isEmpty())
        qFatal("no trace in %s", qPrintable(path));
    return traces->first();
}
Trace fixture(const char* name)
{
    return load(QStringLiteral(OBSLAB_FIXTURES_DIR "/") + QString::fromLatin1(name));
}
Trace testData(const char* name)
{
    return load(QStringLiteral(OBSLAB_TEST_DATA_DIR "/tracing/") + QString::fromLatin1(name));
}
QStringList ops(const TraceLayout& layout)
{
    QStringList result;
    for (int r = 0; r < layout.rows().size(); ++r)
        result.append(layout.spanAt(r).operationName);
    return result;
}
}  // namespace

class TestTimeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void bookinfo_data();
    void bookinfo();
    void bookinfoCriticalPath();
    void sameFromOtlp();
    void followsFromAndDuplicates();
    void followsFromOnlyAndCycles();
    void clockSkew();
    void empty();
    void longChainNoRecursion();
    void hues();
};

void TestTimeline::bookinfo_data()
{
    QTest::addColumn<int>("row");
    QTest::addColumn<QString>("spanId");
    QTest::addColumn<int>("depth");
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<qint64>("duration");
    QTest::addColumn<int>("service");
    QTest::addColumn<int>("peer");
    // Children in start order: details (3410 µs) before reviews (7335 µs).
    QTest::newRow("gateway-client")
        << 0 << u"49cd77d1f9dcd936"_s << 0 << qint64(0) << qint64(11932) << 0 << 1;
    QTest::newRow("productpage-server")
        << 1 << u"84756b1dab0856fa"_s << 1 << qint64(228) << qint64(11439) << 1 << 0;
    QTest::newRow("details-client")
        << 2 << u"e9c8fd1deb3e88dd"_s << 2 << qint64(3410) << qint64(1334) << 1 << 3;
    QTest::newRow("details-server")
        << 3 << u"d23de5feae19a76d"_s << 3 << qint64(3645) << qint64(905) << 2 << 2;
    QTest::newRow("reviews-client")
        << 4 << u"1210042c36f8be92"_s << 2 << qint64(7335) << qint64(2724) << 1 << 5;
    QTest::newRow("reviews-server")
        << 5 << u"77191048cb7dadc4"_s << 3 << qint64(7570) << qint64(2242) << 3 << 4;
    QTest::newRow("ratings-client")
        << 6 << u"7c597bf56ddf1a03"_s << 4 << qint64(8589) << qint64(850) << 3 << 7;
    QTest::newRow("ratings-server")
        << 7 << u"e9d3d5f02056e0bc"_s << 5 << qint64(8776) << qint64(434) << 4 << 6;
}

void TestTimeline::bookinfo()
{
    QFETCH(int, row);
    QFETCH(QString, spanId);
    QFETCH(int, depth);
    QFETCH(qint64, offset);
    QFETCH(qint64, duration);
    QFETCH(int, service);
    QFETCH(int, peer);
    const TraceLayout layout(fixture("jaeger-trace-bookinfo-8spans.json"));
    QCOMPARE(layout.rows().size(), 8);
    QCOMPARE(layout.durationUs(), 11932);
    QCOMPARE(layout.maxDepth(), 5);
    QCOMPARE(layout.services(),
             (QStringList{u"istio-ingressgateway.istio-system"_s, u"productpage.bookinfo"_s,
                          u"details.bookinfo"_s, u"reviews.bookinfo"_s, u"ratings.bookinfo"_s}));
    const TraceLayout::Row& r = layout.rows()[row];
    QCOMPARE(layout.spanAt(row).spanId, spanId);
    QCOMPARE(r.depth, depth);
    QCOMPARE(r.offsetUs, offset);
    QCOMPARE(r.durationUs, duration);
    QCOMPARE(r.serviceIndex, service);
    QCOMPARE(r.peerRow, peer);
    QCOMPARE(r.hasChildren, row != 7 && row != 3);
    QVERIFY(!r.error);
    QCOMPARE(layout.rowOfSpan(r.span), row);
}

void TestTimeline::bookinfoCriticalPath()
{
    const TraceLayout layout(fixture("jaeger-trace-bookinfo-8spans.json"));
    const auto& path = layout.criticalPath();
    // Bookinfo calls details, then reviews → ratings, one after another: every span is on it.
    for (const auto& row : layout.rows())
        QVERIFY(row.onCriticalPath);
    QCOMPARE(path.first().startUs, 0);
    QCOMPARE(path.last().endUs, 11932);
    qint64 total = 0;
    for (int i = 0; i < path.size(); ++i) {
        QVERIFY(path[i].endUs > path[i].startUs);
        if (i > 0)
            QCOMPARE(path[i].startUs, path[i - 1].endUs);  // contiguous
        total += path[i].endUs - path[i].startUs;
    }
    QCOMPARE(total, 11932);
    // The ratings server span is the innermost stretch.
    const auto innermost =
        std::find_if(path.begin(), path.end(), [](const auto& s) { return s.row == 7; });
    QVERIFY(innermost != path.end());
    QCOMPARE(innermost->startUs, 8776);
    QCOMPARE(innermost->endUs, 9210);
    // The productpage server's self time between details and reviews.
    QVERIFY(std::any_of(path.begin(), path.end(), [](const auto& s) {
        return s.row == 1 && s.startUs == 4744 && s.endUs == 7335;
    }));
}

void TestTimeline::sameFromOtlp()
{
    const TraceLayout v1(fixture("jaeger-trace-bookinfo-8spans.json"));
    const TraceLayout otlp(fixture("kiali-istio-bookinfo-trace-otlp.json"));
    QCOMPARE(ops(otlp), ops(v1));
    for (int r = 0; r < v1.rows().size(); ++r) {
        QCOMPARE(otlp.rows()[r].depth, v1.rows()[r].depth);
        QCOMPARE(otlp.rows()[r].offsetUs, v1.rows()[r].offsetUs);
    }
}

void TestTimeline::followsFromAndDuplicates()
{
    const TraceLayout layout(fixture("jaeger-ui-model-trace-ui_01.json"));
    QCOMPARE(layout.rows().size(), 5);
    // Span 4 names a span of another trace, CHILD_OF 2 and FOLLOWS_FROM 2: CHILD_OF 2 wins, and
    // the duplicate id 2 resolves to its first span.
    QCOMPARE(ops(layout),
             (QStringList{u"test-general-conversion"_s, u"some-operation"_s, u"reference-test"_s,
                          u"preserveParentID-test"_s, u"some-operation"_s}));
    QList<int> depths;
    for (const auto& r : layout.rows())
        depths.append(r.depth);
    QCOMPARE(depths, (QList<int>{0, 1, 1, 2, 0}));
    QVERIFY(!layout.rows()[2].followsFrom);
    QCOMPARE(layout.rows()[4].error, true);  // error=true bool tag on the duplicate
    QCOMPARE(layout.services(), (QStringList{u"service-x"_s, u"service-y"_s}));
    QCOMPARE(layout.durationUs(), 5);
    QCOMPARE(layout.criticalPath().size(), 1);
    QCOMPARE(layout.criticalPath().first().row, 1);
}

void TestTimeline::followsFromOnlyAndCycles()
{
    const TraceLayout layout(testData("follows-from-and-cycles.json"));
    QCOMPARE(ops(layout), (QStringList{u"root"_s, u"enqueue"_s, u"consume"_s, u"self-parent"_s,
                                       u"orphan"_s, u"cycle-one"_s, u"cycle-two"_s}));
    QList<int> depths;
    QList<qint64> offsets;
    for (const auto& r : layout.rows()) {
        depths.append(r.depth);
        offsets.append(r.offsetUs);
    }
    QCOMPARE(depths, (QList<int>{0, 1, 2, 0, 0, 0, 1}));
    QCOMPARE(offsets, (QList<qint64>{0, 100, 900, 400, 500, 200, 300}));
    QVERIFY(layout.rows()[2].followsFrom);
    QVERIFY(layout.rows()[2].error);  // int64 503
    QCOMPARE(layout.durationUs(), 1500);
    QCOMPARE(layout.services(), (QStringList{u"producer"_s, u"consumer"_s, u"odd"_s}));
    // The consumer runs after its producer ended: not on the parent's critical path.
    QList<std::tuple<int, qint64, qint64>> path;
    for (const auto& s : layout.criticalPath())
        path.append({s.row, s.startUs, s.endUs});
    QCOMPARE(path,
             (QList<std::tuple<int, qint64, qint64>>{{0, 0, 100}, {1, 100, 300}, {0, 300, 1000}}));
    QVERIFY(!layout.rows()[2].onCriticalPath);
}

void TestTimeline::clockSkew()
{
    // Children that start before or end after their parent (skewed clocks between hosts).
    const auto span = [](const char* id, const char* parent, qint64 start, qint64 duration) {
        Span s;
        s.spanId = QString::fromLatin1(id).rightJustified(16, u'0');
        s.startUs = start;
        s.durationUs = duration;
        if (parent)
            s.references = {{SpanReference::Type::ChildOf,
                             {},
                             QString::fromLatin1(parent).rightJustified(16, u'0')}};
        return s;
    };
    Trace t;
    t.spans = {span("1", nullptr, 100, 100), span("2", "1", 50, 100), span("3", "1", 180, 50),
               span("4", "1", 10, 20)};
    const TraceLayout layout(t);
    QCOMPARE(layout.durationUs(), 220);  // from the earliest start (10) to the latest end (230)
    qint64 previousEnd = 0;
    for (const auto& s : layout.criticalPath()) {
        QVERIFY(s.startUs < s.endUs);
        QVERIFY(s.startUs >= previousEnd);
        previousEnd = s.endUs;
    }
    // Inside the root's own time (offsets 90–190), the overflowing children are clipped to it.
    QList<std::tuple<int, qint64, qint64>> path;
    for (const auto& s : layout.criticalPath())
        path.append({s.row, s.startUs, s.endUs});
    const int root = layout.rowOfSpan(0);
    const int early = layout.rowOfSpan(1);
    const int late = layout.rowOfSpan(2);
    QCOMPARE(path, (QList<std::tuple<int, qint64, qint64>>{
                       {early, 90, 140}, {root, 140, 170}, {late, 170, 190}}));
    QVERIFY(!layout.rows()[layout.rowOfSpan(3)].onCriticalPath);  // entirely before its parent
}

void TestTimeline::empty()
{
    const TraceLayout layout{Trace{}};
    QVERIFY(layout.rows().isEmpty());
    QVERIFY(layout.criticalPath().isEmpty());
    QCOMPARE(layout.durationUs(), 0);
    QCOMPARE(layout.rowOfSpan(0), -1);
}

void TestTimeline::longChainNoRecursion()
{
    Trace t;
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
        Span s;
        s.spanId = QString::number(i + 1, 16).rightJustified(16, u'0');
        s.startUs = i;
        s.durationUs = 2 * n - 2 * i;
        if (i > 0)
            s.references = {{SpanReference::Type::ChildOf,
                             {},
                             QString::number(i, 16).rightJustified(16, u'0')}};
        t.spans.append(s);
    }
    const TraceLayout layout(t);
    QCOMPARE(layout.maxDepth(), n - 1);
    QCOMPARE(layout.rows().last().depth, n - 1);
    QVERIFY(layout.rows().last().onCriticalPath);
}

void TestTimeline::hues()
{
    QSet<int> hues;
    for (int i = 0; i < 8; ++i) {
        const int h = TraceLayout::hueForIndex(i);
        QVERIFY(h >= 0 && h < 360);
        hues.insert(h / 20);  // at least 20° apart
    }
    QCOMPARE(hues.size(), 8);
    QCOMPARE(TraceLayout::hueForIndex(3), TraceLayout::hueForIndex(3));
}

QTEST_GUILESS_MAIN(TestTimeline)
#include "tst_timeline.moc"
