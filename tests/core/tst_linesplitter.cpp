#include "core/process/LineSplitter.h"

#include <QTest>

using obslab::LineSplitter;

namespace {
QByteArrayList split(const QByteArrayList& chunks, qsizetype maxLineLength)
{
    LineSplitter splitter(maxLineLength);
    QByteArrayList lines;
    auto collect = [&lines](const QByteArray& line) { lines.append(line); };
    for (const QByteArray& chunk : chunks)
        splitter.feed(chunk, collect);
    splitter.finish(collect);
    return lines;
}
}  // namespace

class TestLineSplitter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void split_data();
    void split();
    void byteByByte_data() { split_data(); }
    void byteByByte();
    void longLineIsLinear();
};

void TestLineSplitter::split_data()
{
    QTest::addColumn<QByteArrayList>("chunks");
    QTest::addColumn<QByteArrayList>("expected");

    QTest::newRow("empty") << QByteArrayList{} << QByteArrayList{};
    QTest::newRow("empty-chunk") << QByteArrayList{""} << QByteArrayList{};
    QTest::newRow("one-line") << QByteArrayList{"a\n"} << QByteArrayList{"a"};
    QTest::newRow("no-final-newline") << QByteArrayList{"a\nb"} << QByteArrayList{"a", "b"};
    QTest::newRow("split-across-chunks")
        << QByteArrayList{"al", "pha\nbe", "ta\n"} << QByteArrayList{"alpha", "beta"};
    QTest::newRow("crlf") << QByteArrayList{"a\r\nb\r\n"} << QByteArrayList{"a", "b"};
    QTest::newRow("cr-and-lf-in-different-chunks")
        << QByteArrayList{"a\r", "\nb"} << QByteArrayList{"a", "b"};
    QTest::newRow("only-one-cr-removed") << QByteArrayList{"a\r\r\n"} << QByteArrayList{"a\r"};
    QTest::newRow("lone-cr-kept-inside") << QByteArrayList{"a\rb\n"} << QByteArrayList{"a\rb"};
    QTest::newRow("cr-at-end-of-stream") << QByteArrayList{"a\r"} << QByteArrayList{"a"};
    QTest::newRow("empty-lines") << QByteArrayList{"\n\n", "\n"} << QByteArrayList{"", "", ""};
    QTest::newRow("nul-bytes") << QByteArrayList{QByteArray("a\0b\n", 4)}
                               << QByteArrayList{QByteArray("a\0b", 3)};
    QTest::newRow("invalid-utf8") << QByteArrayList{"\xff\xfe\n\xc3"}
                                  << QByteArrayList{"\xff\xfe", "\xc3"};
    QTest::newRow("over-max-length-split")
        << QByteArrayList{"0123456789abcdef", "gh\n"} << QByteArrayList{"0123456789abcdef", "gh"};
}

void TestLineSplitter::split()
{
    QFETCH(QByteArrayList, chunks);
    QFETCH(QByteArrayList, expected);
    QCOMPARE(::split(chunks, 16), expected);
}

void TestLineSplitter::byteByByte()
{
    QFETCH(QByteArrayList, chunks);
    QFETCH(QByteArrayList, expected);
    QByteArrayList bytes;
    for (const QByteArray& chunk : chunks) {
        for (const char c : chunk)
            bytes.append(QByteArray(1, c));
    }
    QCOMPARE(::split(bytes, 1024), ::split({chunks.join()}, 1024));
    if (QByteArray(QTest::currentDataTag()) != "over-max-length-split")
        QCOMPARE(::split(bytes, 1024), expected);
}

void TestLineSplitter::longLineIsLinear()
{
    // 64 MiB arriving in 4 KiB pieces: quadratic rescanning would take minutes, not milliseconds.
    LineSplitter splitter;
    const QByteArray piece(4096, 'x');
    qsizetype lines = 0;
    qsizetype length = 0;
    auto collect = [&](const QByteArray& line) {
        ++lines;
        length += line.size();
    };
    for (int i = 0; i < 16 * 1024 - 1; ++i)
        splitter.feed(piece, collect);
    splitter.feed("\n", collect);
    QCOMPARE(lines, 1);
    QCOMPARE(length, qsizetype(16 * 1024 - 1) * 4096);
}

QTEST_GUILESS_MAIN(TestLineSplitter)
#include "tst_linesplitter.moc"
