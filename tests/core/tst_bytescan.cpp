// ByteScan's vector searches against a plain loop: every needle position across the 16-byte
// block edges, start offsets, spans past the libc hand-over, and the two-byte search.
#include "core/logs/ByteScan.h"

#include <QTest>

using namespace obslab;

class TestByteScan : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void findMatchesALoop();
    void findEitherMatchesALoop();
    void neverReadsPastTheEnd();
    void findLastAndContains();
    void countAndFindFoldedMatchALoop();
};

namespace {

qsizetype naiveFind(const QByteArray& d, qsizetype from, qsizetype end, char a, char b)
{
    for (qsizetype i = from; i < end; ++i) {
        if (d[i] == a || d[i] == b)
            return i;
    }
    return -1;
}

}  // namespace

void TestByteScan::findMatchesALoop()
{
    for (const qsizetype size : {0, 1, 15, 16, 17, 31, 32, 33, 255, 256, 300, 1000}) {
        for (qsizetype at = -1; at < size; at += (at < 40 ? 1 : 37)) {
            QByteArray d(size, 'x');
            if (at >= 0)
                d[at] = ' ';
            if (size > 2)
                d[size - 1] = at == size - 1 ? ' ' : 'y';
            for (const qsizetype from : {qsizetype(0), qsizetype(1), qsizetype(7)}) {
                if (from > size)
                    continue;
                const qsizetype want = naiveFind(d, from, size, ' ', ' ');
                QCOMPARE(bytescan::find(d.constData(), from, size, ' '), want);
                QCOMPARE(bytescan::findOrEnd(d.constData(), from, size, ' '),
                         want < 0 ? size : want);
            }
        }
    }
}

void TestByteScan::findEitherMatchesALoop()
{
    for (const qsizetype size : {0, 5, 16, 17, 40, 300}) {
        for (qsizetype q = 0; q < size; q += 3) {
            for (qsizetype b = 0; b < size; b += 5) {
                QByteArray d(size, 'a');
                d[q] = '"';
                d[b] = '\\';
                QCOMPARE(bytescan::findEither(d.constData(), 0, size, '"', '\\'),
                         naiveFind(d, 0, size, '"', '\\'));
                QCOMPARE(bytescan::findEither(d.constData(), 1, size, '"', '\\'),
                         naiveFind(d, 1, size, '"', '\\'));
            }
        }
    }
    QCOMPARE(bytescan::findEither("abc", 0, 3, '"', '\\'), -1);
}

// The searches stop at end even when the bytes after it hold the needle.
void TestByteScan::neverReadsPastTheEnd()
{
    const QByteArray d = QByteArray(40, 'x') + QByteArray(40, ' ');
    for (qsizetype end = 0; end <= 40; ++end) {
        QCOMPARE(bytescan::find(d.constData(), 0, end, ' '), -1);
        QCOMPARE(bytescan::findEither(d.constData(), 0, end, ' ', '"'), -1);
    }
}

void TestByteScan::findLastAndContains()
{
    const QByteArray d = "pod/a/b-c/istio-proxy";
    QCOMPARE(bytescan::findLast(d.constData(), 0, d.size(), '/'), d.lastIndexOf('/'));
    QCOMPARE(bytescan::findLast(d.constData(), 0, 5, '/'), 3);
    QCOMPARE(bytescan::findLast(d.constData(), 4, 5, '/'), -1);  // only [from, end)
    QCOMPARE(bytescan::findLast(d.constData(), 0, 0, '/'), -1);
    QVERIFY(bytescan::contains(d.constData(), 0, d.size(), '-'));
    QVERIFY(!bytescan::contains(d.constData(), 0, 7, '-'));
    QVERIFY(!bytescan::contains(d.constData(), 0, d.size(), '='));
}

// count and findFolded against plain loops, for every needle position across block edges.
void TestByteScan::countAndFindFoldedMatchALoop()
{
    const QByteArray needle = "ab1f";  // already folded (lower case)
    for (int size = 0; size < 70; ++size) {
        for (int at = 0; at + needle.size() <= size; at += 3) {
            QByteArray d(size, 'x');
            for (int i = 5; i < size; i += 7)
                d[i] = '\n';
            QByteArray upper = needle.toUpper();
            d.replace(at, needle.size(), at % 2 ? upper : needle);
            qint64 lines = 0;
            for (char c : std::as_const(d))
                lines += c == '\n';
            QCOMPARE(bytescan::count(d.constData(), 0, size, '\n'), lines);
            qsizetype want = -1;
            for (qsizetype i = 0; i + needle.size() <= size && want < 0; ++i) {
                if (QByteArrayView(d)
                        .sliced(i, needle.size())
                        .compare(needle, Qt::CaseInsensitive) == 0)
                    want = i;
            }
            QCOMPARE(
                bytescan::findFolded(d.constData(), 0, size, needle.constData(), needle.size()),
                want);
            QCOMPARE(bytescan::findFolded(d.constData(), at + 1, size, needle.constData(),
                                          needle.size()),
                     -1);
        }
    }
}

QTEST_APPLESS_MAIN(TestByteScan)
#include "tst_bytescan.moc"
