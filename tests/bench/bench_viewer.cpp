// Log viewer benchmark (offscreen): opens a generated istio-proxy log in the real Logs area and
// measures what a person feels — time to the first lines on screen, scrolling to any position
// and painting, a filter's first results — and the longest event-loop stall ("frame") seen by a
// 1 ms timer probe while it all happens. Prints the figures; not a pass/fail test (CI runs it on
// a small file as a smoke test).
//   bench_viewer [--size MB] [--file PATH] [--keep] [--write-sample PATH]
#include "BenchSupport.h"
#include "LogGenerator.h"
#include "core/logs/LogFile.h"
#include "core/logs/LogFilter.h"
#include "gui/logs/FilterBar.h"
#include "gui/logs/LogTableModel.h"
#include "gui/logs/LogsArea.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QTableView>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

using namespace Qt::Literals::StringLiterals;
using obslab::bench::LogGenerator;
using obslab::bench::spinUntil;
using obslab::bench::StallProbe;

namespace {

double ms(const QElapsedTimer& t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

// Runs the event loop until done() or the timeout; false on timeout.

bool writeGenerated(const QString& path, qint64 bytes, LogGenerator::Options options)
{
    QFile out(path);
    if (!out.open(QIODevice::WriteOnly))
        return false;
    LogGenerator generator(options);
    qint64 written = 0;
    while (written < bytes) {
        const QByteArray chunk = generator.generate(std::min<qint64>(64 << 20, bytes - written));
        if (out.write(chunk) != chunk.size())
            return false;
        written += chunk.size();
    }
    return true;
}

}  // namespace

int main(int argc, char** argv)
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    QCommandLineOption sizeOption(u"size"_s, u"Generated file size in MiB (default 1024)."_s,
                                  u"MB"_s, u"1024"_s);
    QCommandLineOption fileOption(u"file"_s, u"Use (or create) this file."_s, u"PATH"_s);
    QCommandLineOption keepOption(u"keep"_s, u"Keep the generated file."_s);
    QCommandLineOption sampleOption(
        u"write-sample"_s, u"Write the bundled sample log (deterministic) and exit."_s, u"PATH"_s);
    parser.addOptions({sizeOption, fileOption, keepOption, sampleOption});
    parser.process(app);

    if (parser.isSet(sampleOption)) {
        // Two minutes of bookinfo and frontend/backend traffic whose rate rises and falls (one
        // generator per 10 s slice), so the histogram has a shape worth looking at.
        static const int kTracesPerSlice[] = {22, 30, 41, 48, 36, 27, 45, 52, 33, 24, 38, 29};
        QByteArray bytes;
        for (int slice = 0; slice < int(std::size(kTracesPerSlice)); ++slice) {
            LogGenerator::Options options;
            options.seed = 20261120 + quint64(slice);
            options.startMs = 1795165440000 + slice * 10000;  // 2026-11-20T09:04:00Z
            options.textPercent = 80;
            options.keyValuePercent = 20;
            options.proxyLogPercent = 3;
            options.untracedPercent = 8;
            LogGenerator generator(options);
            for (int i = 0; i < kTracesPerSlice[slice]; ++i)
                generator.appendTrace(bytes);
        }
        QFile out(parser.value(sampleOption));
        return out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size() ? 0 : 1;
    }

    const qint64 sizeMb = parser.value(sizeOption).toLongLong();
    QString path = parser.value(fileOption);
    bool generated = false;
    if (path.isEmpty())
        path = QDir::temp().filePath(u"obslab-bench-viewer-%1MB.log"_s.arg(sizeMb));
    if (!QFileInfo::exists(path)) {
        std::printf("generating %lld MiB of istio-proxy log in %s …\n", sizeMb, qPrintable(path));
        std::fflush(stdout);
        if (!writeGenerated(path, sizeMb << 20, LogGenerator::Options()))
            return 1;
        generated = true;
    }
    // Warm the page cache like a second open would be (and like bench_logs does).
    {
        QFile f(path);
        if (f.open(QIODevice::ReadOnly)) {
            QByteArray buf(8 << 20, Qt::Uninitialized);
            while (f.read(buf.data(), buf.size()) > 0) {
            }
        }
    }
    const qint64 bytes = QFileInfo(path).size();
    std::printf("file: %s (%.1f MiB)\n", qPrintable(path), double(bytes) / (1 << 20));

    obslab::LogsArea area;
    area.resize(1360, 860);
    area.show();
    QTableView* table = area.table();
    obslab::LogTableModel* model = area.model();
    spinUntil([] { return false; }, 50);  // let the window settle
    StallProbe probe;
    StallProbe overall;  // never reset: the longest stall of the whole run

    // 1. Open → first lines painted.
    QElapsedTimer t;
    t.start();
    probe.reset();
    area.openFiles({path});
    if (!spinUntil([&] { return model->rowCount() > 0; }, 20000))
        return 2;
    table->viewport()->repaint();
    const double firstLines = ms(t);
    std::printf("first lines visible after open: %.1f ms (target <= 200); longest stall %.1f ms\n",
                firstLines, probe.worstMs());

    // 2. Scroll to random positions while indexing continues, then after.
    obslab::LogFile* file = area.logFile();
    auto scrollRound = [&](const char* label) {
        std::mt19937 rng(7);
        std::vector<double> times;
        for (int i = 0; i < 60; ++i) {
            const int rows = model->rowCount();
            const int row = int(rng() % unsigned(std::max(1, rows)));
            QElapsedTimer s;
            s.start();
            table->scrollTo(model->index(row, 0), QAbstractItemView::PositionAtTop);
            table->viewport()->repaint();
            times.push_back(ms(s));
            QCoreApplication::processEvents();
        }
        std::sort(times.begin(), times.end());
        std::printf(
            "scroll to a random line + paint (%s): median %.2f ms, worst %.2f ms (target <= 16)\n",
            label, times[times.size() / 2], times.back());
        return times.back();
    };
    const double scrollDuring = scrollRound("while indexing");
    if (!spinUntil([&] { return file->state() != obslab::LogFile::State::Indexing; }, 600000))
        return 3;
    const double indexed = ms(t);
    std::printf("indexed %lld lines in %.0f ms (%.0f MiB/s); longest stall meanwhile: %.1f ms\n",
                file->lineCount(), indexed, double(bytes) / (1 << 20) / (indexed / 1000),
                probe.worstMs());
    probe.reset();
    const double scrollAfter = scrollRound("indexed");
    spinUntil([&] { return false; }, 30);

    // 3. A filter's first results on screen.
    auto filterRound = [&](const QString& query) {
        table->scrollToTop();
        probe.reset();
        QElapsedTimer f;
        f.start();
        // Until the first results, or the end of a filter that found none (any file works).
        bool finished = false;
        const QMetaObject::Connection done = QObject::connect(
            area.logFilter(), &obslab::LogFilter::finished, [&finished] { finished = true; });
        area.filterBar()->setText(query);
        bool any = spinUntil([&] { return model->rowCount() > 0 || finished; }, 600000) &&
                   model->rowCount() > 0;
        QObject::disconnect(done);
        table->viewport()->repaint();
        const double first = ms(f);
        spinUntil([&] { return !area.logFilter()->isRunning(); }, 600000);
        std::printf("filter %-28s first results %.1f ms%s (target <= 100); all %lld in %.0f ms; "
                    "longest stall %.1f ms\n",
                    qPrintable(query), first, any ? "" : " (none)",
                    qint64(area.logFilter()->matches().size()), ms(f), probe.worstMs());
        return first;
    };
    const double f1 = filterRound(u"status:5xx"_s);
    const double f2 = filterRound(u"flag:UF pod:reviews-*"_s);
    const double f3 = filterRound(u"dur>500ms"_s);
    const double f4 = filterRound(u"productpage"_s);
    area.filterBar()->setMode(obslab::FilterBar::Mode::Highlight);
    const double f5 = filterRound(u"/reviews/0"_s);
    area.filterBar()->setMode(obslab::FilterBar::Mode::Filter);
    area.filterBar()->setText(QString());

    // 4. Following: the view at the end, stalls while scrolling there.
    probe.reset();
    area.setFollowing(true);
    spinUntil([&] { return false; }, 100);
    std::printf("jump to the end (follow): longest stall %.1f ms\n", probe.worstMs());

    std::printf("summary: first-lines %.1f ms, scroll+paint worst %.2f / %.2f ms, filter first "
                "results %.1f / %.1f / %.1f / %.1f / %.1f ms, longest event-loop stall %.1f ms "
                "(target <= 50)\n",
                firstLines, scrollDuring, scrollAfter, f1, f2, f3, f4, f5, overall.worstMs());
    if (generated && !parser.isSet(keepOption))
        QFile::remove(path);
    return 0;
}
