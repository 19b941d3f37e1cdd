// Live logs benchmark (offscreen): lines streaming from a cluster into the real Logs area.
//  1. ingest: followed lines appended to a LiveLogStore as fast as they come, until the LogFile
//     has parsed and indexed every one, on one core (the thread pool limited to one thread);
//     compared with `wc -l` over the same bytes.
//  2. view: --rate lines/s for --seconds into a LogsArea that follows them, with a 1 ms timer
//     probe measuring the longest event-loop stall; at the end every line must be in the view.
// Prints the figures; CI runs it small as a smoke test (exit 1 only when lines were lost).
//   bench_live [--ingest LINES] [--rate LINES_PER_S] [--seconds S]
#include "BenchSupport.h"
#include "LogGenerator.h"
#include "core/logs/LiveLogStore.h"
#include "core/logs/LogFile.h"
#include "gui/logs/LogTableModel.h"
#include "gui/logs/LogsArea.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThreadPool>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using obslab::LiveLogStore;
using obslab::bench::LogGenerator;
using obslab::bench::spinUntil;
using obslab::bench::StallProbe;

namespace {

struct Line
{
    QByteArray pod;
    QByteArray container;
    QByteArray timestamp;
    QByteArray text;
};

// A pool of realistic istio-proxy lines (no kubectl prefix: the store writes it) to cycle over.
std::vector<QByteArray> linePool(int count)
{
    LogGenerator::Options options;
    options.kubectlPrefix = false;
    LogGenerator generator(options);
    std::vector<QByteArray> pool;
    while (int(pool.size()) < count) {
        QByteArray chunk;
        generator.appendTrace(chunk);
        for (const QByteArray& l : chunk.split('\n')) {
            if (!l.isEmpty())
                pool.push_back(l);
        }
    }
    return pool;
}

class LineSource
{
public:
    explicit LineSource(int poolSize)
        : pool_(linePool(poolSize))
    {
        for (int i = 0; i < 6; ++i)
            pods_.push_back("frontend-7d9c6b5f4d-" + QByteArray::number(10000 + i * 7919, 36));
    }
    std::vector<Line> batch(int count)
    {
        std::vector<Line> out;
        out.reserve(size_t(count));
        const QByteArray ts = QDateTime::currentDateTimeUtc()
                                  .toString(u"yyyy-MM-ddTHH:mm:ss.zzz000000Z"_s)
                                  .toLatin1();
        for (int i = 0; i < count; ++i, ++next_)
            out.push_back({pods_[size_t(next_ % pods_.size())], "istio-proxy", ts,
                           pool_[size_t(next_ % pool_.size())]});
        return out;
    }

private:
    std::vector<QByteArray> pool_;
    std::vector<QByteArray> pods_;
    qint64 next_ = 0;
};

double runWc(const QString& path)
{
    QElapsedTimer t;
    t.start();
    QProcess wc;
    wc.start(u"wc"_s, {u"-l"_s, path});
    wc.waitForFinished(-1);
    return double(t.nsecsElapsed()) / 1e9;
}

}  // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption ingestOpt(u"ingest"_s, u"lines for the ingest test"_s, u"N"_s,
                                       u"2000000"_s);
    const QCommandLineOption rateOpt(u"rate"_s, u"lines per second into the view"_s, u"N"_s,
                                     u"50000"_s);
    const QCommandLineOption secondsOpt(u"seconds"_s, u"how long to stream"_s, u"S"_s, u"20"_s);
    parser.addOptions({ingestOpt, rateOpt, secondsOpt});
    parser.process(app);
    const qint64 ingestLines = parser.value(ingestOpt).toLongLong();
    const int rate = parser.value(rateOpt).toInt();
    const int seconds = parser.value(secondsOpt).toInt();
    LineSource source(50000);
    bool ok = true;

    // 1. Ingest on one core.
    {
        const int threads = QThreadPool::globalInstance()->maxThreadCount();
        QThreadPool::globalInstance()->setMaxThreadCount(1);
        LiveLogStore store;
        if (!store.start(u"bench"_s)) {
            std::fprintf(stderr, "cannot start the store: %s\n", qPrintable(store.errorString()));
            return 2;
        }
        QElapsedTimer t;
        t.start();
        for (qint64 done = 0; done < ingestLines;) {
            const int n = int(std::min<qint64>(10000, ingestLines - done));
            store.appendAll(source.batch(n));
            done += n;
            QCoreApplication::processEvents();
        }
        const bool all =
            spinUntil([&] { return store.logFile()->lineCount() >= ingestLines; }, 600000);
        const double secs = double(t.nsecsElapsed()) / 1e9;
        QTemporaryDir dir;
        const QString saved = dir.filePath(u"live.log"_s);
        QSignalSpy savedSpy(&store, &LiveLogStore::saved);
        store.saveAs(saved);
        savedSpy.wait(600000);
        const double wc = runWc(saved);
        std::printf(
            "ingest        %lld lines (%.1f MB) appended, parsed and indexed on one core in "
            "%.3f s: %.0f lines/s (target >= 300000); wc -l on the same bytes %.3f s, "
            "ratio %.1fx\n",
            ingestLines, double(store.bytesWritten()) / 1e6, secs, double(ingestLines) / secs, wc,
            secs / wc);
        std::printf("index         %.1f bytes a line\n",
                    double(store.logFile()->indexBytes()) / double(ingestLines));
        if (!all || store.logFile()->lineCount() != ingestLines) {
            std::printf("LOST LINES: %lld of %lld indexed\n", store.logFile()->lineCount(),
                        ingestLines);
            ok = false;
        }
        QThreadPool::globalInstance()->setMaxThreadCount(threads);
    }

    // 2. Streaming into the real Logs area while it follows.
    {
        auto* live = new LiveLogStore;  // the area takes it over
        live->start(u"live: app=frontend"_s);
        LiveLogStore& store = *live;
        obslab::LogsArea area;
        area.resize(1360, 860);
        area.show();
        area.addLiveSource(u"live: app=frontend"_s, live, nullptr);
        spinUntil([] { return false; }, 200);  // let it lay out
        StallProbe probe;
        const qint64 total = qint64(rate) * seconds;
        qint64 sent = 0;
        QElapsedTimer clock;
        clock.start();
        QTimer tick;
        tick.setInterval(10);
        QObject::connect(&tick, &QTimer::timeout, [&] {
            const qint64 due = std::min(total, clock.elapsed() * rate / 1000);
            if (due > sent) {
                store.appendAll(source.batch(int(due - sent)));
                sent = due;
            }
            if (sent >= total)
                tick.stop();
        });
        tick.start();
        spinUntil([&] { return sent >= total; }, (seconds + 60) * 1000);
        const double streamSecs = double(clock.nsecsElapsed()) / 1e9;
        auto* model = area.findChild<obslab::LogTableModel*>();
        const bool all = spinUntil(
            [&] {
                return store.logFile()->lineCount() >= total &&
                       (!model || model->rowCount() >= total);
            },
            60000);
        const qint64 shown = model ? model->rowCount() : -1;
        std::printf("live view     %lld lines at %d lines/s for %.1f s: longest event-loop stall "
                    "%.1f ms (target <= 50), %lld indexed, %lld rows in the view, %s\n",
                    total, rate, streamSecs, probe.worstMs(), store.logFile()->lineCount(), shown,
                    all && store.logFile()->lineCount() == total ? "none lost" : "LINES LOST");
        if (!all || store.logFile()->lineCount() != total)
            ok = false;
    }
    return ok ? 0 : 1;
}
