// Robustness of `obslab logs` (issue #18): a 512 MiB one-line file, /dev/zero (a line without
// end), a truncated gzip file, a file truncated while it is read, a FIFO whose lines must show as
// they arrive. The real binary runs under an address-space limit, so an unbounded allocation
// fails here; its peak resident memory is checked too.
#include "LimitedProcess.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

constexpr qint64 kMiB = qint64(1) << 20;
// Address space for the CLI: Qt, glibc's per-thread arenas and thread stacks take a few hundred
// MiB of it without touching memory; the old reader needed 1 GiB of data for a 512 MiB line.
constexpr qint64 kAddressLimit = 768 * kMiB;
constexpr qint64 kPeakLimit = 256 * kMiB;

QByteArray accessLine(int i)
{
    return "[2024-03-01T10:00:00.000Z] \"GET /item/" + QByteArray::number(i) +
           " HTTP/1.1\" 200 - via_upstream - \"-\" 0 12 3 2 \"-\" \"curl/8\" \"req-" +
           QByteArray::number(i) +
           "\" \"shop:8080\" \"10.0.0.1:8080\" "
           "outbound|8080||shop.default.svc.cluster.local 10.0.0.2:40000 10.0.0.1:8080 "
           "10.0.0.2:39999 - default\n";
}

// The largest resident set of any child this process has waited for, in bytes.
qint64 childrenPeakRss()
{
    rusage usage{};
    ::getrusage(RUSAGE_CHILDREN, &usage);
    return qint64(usage.ru_maxrss) * 1024;
}

qint64 procValue(qint64 pid, const char* file, const QByteArray& key)
{
    QFile f(u"/proc/%1/%2"_s.arg(pid).arg(QLatin1String(file)));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n')) {
        if (line.startsWith(key))
            return line.mid(key.size()).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

void limitChild(QProcess& process, qint64 bytes)
{
    if (test::sanitizedBuild())
        return;
    process.setChildProcessModifier([bytes] {
        const rlimit limit{rlim_t(bytes), rlim_t(bytes)};
        ::setrlimit(RLIMIT_AS, &limit);
    });
}

}  // namespace

class TestRobustLogs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void oneLineOf512MiBInBoundedMemory();
    void devZeroReadsOnInBoundedMemory();
    void truncatedGzipSaysWhereItEnds();
    void truncatedGzipStatsSaysItOnce();
    void fileTruncatedWhileReadIsReported();
    void fifoLinesShowAsTheyArrive();

private:
    QProcessEnvironment env() const;
    QString gzipOfLines(int lines, double keep);
    QTemporaryDir dir_;
};

void TestRobustLogs::initTestCase()
{
    QVERIFY(dir_.isValid());
}

QProcessEnvironment TestRobustLogs::env() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"HOME"_s, dir_.path());
    env.insert(u"XDG_CONFIG_HOME"_s, dir_.filePath(u"config"_s));  // default settings: 1 MiB cap
    return env;
}

void TestRobustLogs::oneLineOf512MiBInBoundedMemory()
{
    // First a line of 512 MiB (a request's start, then zeros: sparse, it costs no disk), then an
    // ordinary line.
    const QString path = dir_.filePath(u"one-line.log"_s);
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray first = accessLine(1);
        first.chop(1);
        QVERIFY(f.write(first) == first.size());
        QVERIFY(f.resize(512 * kMiB));
        QVERIFY(f.seek(512 * kMiB));
        QVERIFY(f.write("\n" + accessLine(2)) > 0);
    }
    const test::LimitedRun run =
        test::runLimited(QStringLiteral(OBSLAB_BINARY), {u"logs"_s, path, u"-o"_s, u"ndjson"_s},
                         kAddressLimit, 120000, env());
    QFile::remove(path);
    QVERIFY2(!run.crashed && !run.timedOut, run.err.constData());
    QCOMPARE(run.exitCode, 0);
    const QList<QByteArray> lines = run.out.trimmed().split('\n');
    QCOMPARE(lines.size(), 2);
    // The long line is parsed from its first MiB, and says it was cut and how long it is.
    QVERIFY2(lines[0].contains("\"path\":\"/item/1\""), lines[0].left(300).constData());
    QVERIFY(lines[0].endsWith(",\"truncated\":true,\"line_bytes\":536870912}"));
    QVERIFY(lines[1].startsWith("{\"line\":2,"));
    QVERIFY(!lines[1].contains("truncated"));
    const qint64 peak = childrenPeakRss();
    qInfo("peak RSS %lld MiB", peak / kMiB);
    QVERIFY2(peak <= kPeakLimit, qPrintable(u"peak RSS %1 MiB"_s.arg(peak / kMiB)));
}

void TestRobustLogs::devZeroReadsOnInBoundedMemory()
{
    // /dev/zero is one line that never ends: obslab reads on (like grep would) without growing,
    // and prints nothing, since no line is complete.
    QProcess process;
    process.setProcessEnvironment(env());
    limitChild(process, kAddressLimit);
    process.start(QStringLiteral(OBSLAB_BINARY), {u"logs"_s, u"/dev/zero"_s});
    QVERIFY(process.waitForStarted());
    const qint64 pid = process.processId();
    // 4 GiB read: far past any limit if the line were kept.
    QTRY_VERIFY_WITH_TIMEOUT(procValue(pid, "io", "rchar:") > 4 * 1024 * kMiB ||
                                 process.state() != QProcess::Running,
                             120000);
    QCOMPARE(process.state(), QProcess::Running);
    const qint64 hwm = procValue(pid, "status", "VmHWM:") * 1024;
    qInfo("VmHWM after 4 GiB of /dev/zero: %lld MiB", hwm / kMiB);
    QVERIFY2(hwm > 0 && hwm <= kPeakLimit, qPrintable(u"VmHWM %1 MiB"_s.arg(hwm / kMiB)));
    process.kill();
    QVERIFY(process.waitForFinished());
    QVERIFY(process.readAllStandardOutput().isEmpty());
}

QString TestRobustLogs::gzipOfLines(int lines, double keep)
{
    QByteArray plain;
    for (int i = 1; i <= lines; ++i)
        plain += accessLine(i);
    z_stream zs{};
    if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return {};
    QByteArray packed(int(deflateBound(&zs, uLong(plain.size()))), Qt::Uninitialized);
    zs.next_in = reinterpret_cast<Bytef*>(plain.data());
    zs.avail_in = uInt(plain.size());
    zs.next_out = reinterpret_cast<Bytef*>(packed.data());
    zs.avail_out = uInt(packed.size());
    const int rc = deflate(&zs, Z_FINISH);
    packed.truncate(qsizetype(zs.total_out));
    deflateEnd(&zs);
    if (rc != Z_STREAM_END)
        return {};
    const QString path = dir_.filePath(u"cut-%1.log.gz"_s.arg(lines));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return {};
    f.write(packed.left(qsizetype(double(packed.size()) * keep)));
    return path;
}

void TestRobustLogs::truncatedGzipSaysWhereItEnds()
{
    const QString path = gzipOfLines(20000, 0.5);
    QVERIFY(!path.isEmpty());
    const test::LimitedRun run = test::runLimited(QStringLiteral(OBSLAB_BINARY), {u"logs"_s, path},
                                                  kAddressLimit, 60000, env());
    QVERIFY2(!run.crashed && !run.timedOut, run.err.constData());
    QCOMPARE(run.exitCode, 3);
    const qint64 printed = run.out.count('\n');
    QVERIFY(printed > 1000 && printed < 20000);
    const QByteArray expected =
        "the file ends early after " + QByteArray::number(printed) + " lines";
    QVERIFY2(run.err.contains(expected), run.err.constData());
    // The whole file still passes.
    const QString whole = gzipOfLines(300, 1.0);
    const test::LimitedRun ok = test::runLimited(QStringLiteral(OBSLAB_BINARY), {u"logs"_s, whole},
                                                 kAddressLimit, 60000, env());
    QCOMPARE(ok.exitCode, 0);
    QCOMPARE(ok.out.count('\n'), 300);
    QVERIFY(ok.err.isEmpty());
}

void TestRobustLogs::truncatedGzipStatsSaysItOnce()
{
    const QString path = gzipOfLines(20000, 0.5);
    QVERIFY(!path.isEmpty());
    const test::LimitedRun run =
        test::runLimited(QStringLiteral(OBSLAB_BINARY), {u"logs"_s, u"--stats"_s, path},
                         kAddressLimit, 60000, env());
    QVERIFY2(!run.crashed && !run.timedOut, run.err.constData());
    QCOMPARE(run.exitCode, 3);
    QCOMPARE(run.err.count("ends early"), 1);
    QVERIFY2(run.err.contains("the file ends early after "), run.err.constData());
}

void TestRobustLogs::fileTruncatedWhileReadIsReported()
{
    // 40 MiB of lines; obslab's output goes to a FIFO this test reads, so it cannot run ahead
    // of the test by more than a block or two: the file is cut while it is surely being read.
    const QString path = dir_.filePath(u"shrinking.log"_s);
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray block;
        for (int i = 0; i < 2000; ++i)
            block += accessLine(i);
        while (f.size() < 40 * kMiB)
            QVERIFY(f.write(block) == block.size());
    }
    const QString fifo = dir_.filePath(u"out.fifo"_s);
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    const int reader = ::open(QFile::encodeName(fifo).constData(), O_RDONLY | O_NONBLOCK);
    QVERIFY(reader >= 0);
    QProcess process;
    process.setProcessEnvironment(env());
    limitChild(process, kAddressLimit);
    process.setStandardOutputFile(fifo);
    process.start(QStringLiteral(OBSLAB_BINARY), {u"logs"_s, path});
    QVERIFY(process.waitForStarted());
    // Read until the output starts, then cut the file to 1 MiB and read the rest.
    QByteArray buffer(64 * 1024, Qt::Uninitialized);
    qint64 received = 0;
    bool cut = false;
    for (;;) {
        pollfd p{reader, POLLIN, 0};
        ::poll(&p, 1, 60000);
        const ssize_t n = ::read(reader, buffer.data(), size_t(buffer.size()));
        if (n == 0)
            break;  // obslab closed its output
        if (n < 0) {
            QVERIFY(errno == EAGAIN || errno == EINTR);
            continue;
        }
        received += n;
        if (!cut) {
            QVERIFY(::truncate(QFile::encodeName(path).constData(), off_t(kMiB)) == 0);
            cut = true;
        }
    }
    ::close(reader);
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(process.exitCode(), 3);
    QVERIFY2(err.contains("truncated while it was read"), err.constData());
    QVERIFY(received < 40 * kMiB);
    QFile::remove(path);
}

void TestRobustLogs::fifoLinesShowAsTheyArrive()
{
    const QString fifo = dir_.filePath(u"in.fifo"_s);
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    QProcess process;
    process.setProcessEnvironment(env());
    limitChild(process, kAddressLimit);
    process.start(QStringLiteral(OBSLAB_BINARY), {u"logs"_s, fifo, u"-o"_s, u"ndjson"_s});
    QVERIFY(process.waitForStarted());
    // Open the writing end once obslab has opened the reading end (ENXIO until then).
    int writer = -1;
    const auto openWriter = [&] {
        if (writer < 0)
            writer = ::open(QFile::encodeName(fifo).constData(), O_WRONLY | O_NONBLOCK);
        return writer >= 0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(openWriter(), 30000);
    QByteArray out;
    const QByteArray first = accessLine(1);
    QCOMPARE(::write(writer, first.constData(), size_t(first.size())), ssize_t(first.size()));
    // The first line is printed while the writer is still open: streaming, not at EOF.
    QTRY_VERIFY_WITH_TIMEOUT((out += process.readAllStandardOutput()).contains("\"line\":1,"),
                             30000);
    QVERIFY(out.contains("/item/1"));
    const QByteArray second = accessLine(2);
    QCOMPARE(::write(writer, second.constData(), size_t(second.size())), ssize_t(second.size()));
    QTRY_VERIFY_WITH_TIMEOUT((out += process.readAllStandardOutput()).contains("\"line\":2,"),
                             30000);
    QCOMPARE(process.state(), QProcess::Running);
    ::close(writer);
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.exitCode(), 0);
    out += process.readAllStandardOutput();
    QCOMPARE(out.count('\n'), 2);
}

}  // namespace obslab

QTEST_GUILESS_MAIN(obslab::TestRobustLogs)
#include "tst_robust_logs.moc"
