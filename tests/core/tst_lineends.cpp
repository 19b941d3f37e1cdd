#include "core/logs/LineEnds.h"

#include <QTest>

using obslab::LineEnds;
using obslab::LineEndsView;

class TestLineEnds : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void narrowOffsetsRoundTripAcrossChunks()
    {
        LineEnds ends;
        std::vector<qint64> expected;
        qint64 at = 0;
        for (qsizetype i = 0; i < 3 * LineEnds::kChunk + 17; ++i) {
            at += 1 + (i * 7919) % 300;
            expected.push_back(at);
            ends.push_back(at);
        }
        QCOMPARE(ends.size(), qsizetype(expected.size()));
        for (size_t i = 0; i < expected.size(); i += 997)
            QCOMPARE(ends[qsizetype(i)], expected[i]);
        QCOMPARE(ends.back(), expected.back());
        // 4 bytes a line, not 8.
        QCOMPARE(ends.bytesAllocated(), 4 * LineEnds::kChunk * 4);
    }

    void aChunkSpanningFourGigabytesSwitchesToWideAndOldViewsStayValid()
    {
        LineEnds ends;
        const qint64 start = 10'000'000'000LL;  // beyond 32 bits from zero: bases carry it
        ends.push_back(start);
        ends.push_back(start + 100);
        const LineEndsView before = ends.view();
        const qint64 far = start + (qint64(1) << 32) + 5;  // a 4 GiB line
        ends.push_back(far);
        ends.push_back(far + 1);
        QCOMPARE(ends[0], start);
        QCOMPARE(ends[1], start + 100);
        QCOMPARE(ends[2], far);
        QCOMPARE(ends[3], far + 1);
        const LineEndsView after = ends.view();
        QCOMPARE(after.size(), 4);
        QCOMPARE(after[2], far);
        QCOMPARE(after[0], start);
        // The view taken before the switch still reads what it saw.
        QCOMPARE(before.size(), 2);
        QCOMPARE(before[1], start + 100);
        // The next chunk starts narrow again.
        for (qsizetype i = ends.size(); i < LineEnds::kChunk + 2; ++i)
            ends.push_back(far + 1 + i);
        QCOMPARE(ends.back(), far + 1 + LineEnds::kChunk + 1);
    }
};

QTEST_GUILESS_MAIN(TestLineEnds)
#include "tst_lineends.moc"
