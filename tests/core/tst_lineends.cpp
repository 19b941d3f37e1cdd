#include "core/logs/LineEnds.h"
#include "core/logs/RecordStore.h"

#include <QTest>

#include <cstring>
#include <random>

using obslab::LineEnds;
using obslab::LineEndsView;

class TestLineEnds : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // The index's chunks and the readers' blocks: 2 MiB-aligned, writable to the last byte,
    // given back whole (whatever the size, with or without huge pages).
    void largeArraysAreAlignedAndWritable()
    {
        for (const size_t bytes : {size_t(1), size_t(4096), size_t(2) << 20, size_t(5) << 20}) {
            for (const bool huge : {false, true}) {
                obslab::LargeArray<char> a = obslab::makeLargeArray<char>(bytes, huge);
                QVERIFY(a);
                QCOMPARE(reinterpret_cast<quintptr>(a.get()) % (quintptr(2) << 20), quintptr(0));
                std::memset(a.get(), 0x5a, bytes);
                QCOMPARE(a[bytes - 1], char(0x5a));
                QCOMPARE(a[0], char(0x5a));
            }
        }
        obslab::LargeArray<qint64> wide = obslab::makeLargeArray<qint64>(3, true);
        wide[2] = -7;
        QCOMPARE(wide[2], qint64(-7));
    }

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

    // The index's records in 16 bytes: every record reads back as stored, through the store and
    // through a view taken before more were appended, the ones that do not pack included.
    void packedRecordsReadBackExactly()
    {
        std::mt19937_64 rng(42);
        const auto pick = [&](std::initializer_list<quint64> values) {
            return *(values.begin() + rng() % values.size());
        };
        obslab::RecordStore store;
        std::vector<obslab::LineRecord> wanted;
        for (int i = 0; i < 200000; ++i) {
            obslab::LineRecord r;
            r.timeOffsetMs = qint32(pick({quint64(quint32(obslab::LineRecord::kNoTime)), 0, 1,
                                          quint64(quint32(-5)), rng()}));
            r.traceHash = quint32(pick({0, 1, rng()}));
            r.durationMs = quint32(pick({obslab::LineRecord::kNoDuration, 0, 17, 0xfffffe, 0xffffff,
                                         0x1000000, quint64(quint32(rng()))}));
            // 300 distinct flag sets: past the 254th they are kept whole.
            r.flags = rng() % 3 == 0 ? 0 : quint32(rng() % 300) + 1;
            r.status =
                quint16(pick({obslab::LineRecord::kNoStatus, 0, 200, 503, 999, 1022, 1023, 65534}));
            r.pod = quint16(pick({obslab::LineRecord::kNoPod, 0, 12, 32766, 32767, 65534}));
            r.kind = obslab::LineKind(rng() % 3);
            r.level = obslab::LogLevel(rng() % 7);
            r.direction = obslab::UpstreamCluster::Direction(rng() % 3);
            store.push_back(r);
            wanted.push_back(r);
        }
        const obslab::RecordStoreView early = store.view();
        obslab::LineRecord more;
        more.status = 404;
        for (int i = 0; i < 70000; ++i) {
            store.push_back(more);
            wanted.push_back(more);
        }
        const auto same = [](const obslab::LineRecord& a, const obslab::LineRecord& b) {
            return std::memcmp(&a, &b, sizeof a) == 0;
        };
        QCOMPARE(store.size(), qsizetype(wanted.size()));
        QCOMPARE(early.size(), qsizetype(200000));
        for (qsizetype i = 0; i < store.size(); ++i) {
            QVERIFY2(same(store[i], wanted[size_t(i)]), qPrintable(QString::number(i)));
            if (i < early.size())
                QVERIFY2(same(early[i], wanted[size_t(i)]), qPrintable(QString::number(i)));
        }
        // Records that pack cost 16 bytes each (in chunks of 128 Ki).
        constexpr qsizetype kChunk = qsizetype(1) << obslab::kRecordChunkBits;
        obslab::RecordStore plain;
        for (qsizetype i = 0; i < kChunk + 1000; ++i)
            plain.push_back(more);
        QCOMPARE(plain.bytesAllocated(), qsizetype(2 * kChunk * 16 + sizeof(quint32)));
        store.clear();
        QCOMPARE(store.size(), qsizetype(0));
    }
};

QTEST_GUILESS_MAIN(TestLineEnds)
#include "tst_lineends.moc"
