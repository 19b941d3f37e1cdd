#include "core/logs/LogFilter.h"

#include "core/logs/FileRead.h"
#include "core/logs/QueryMatcher.h"

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace obslab {

namespace {

constexpr qint64 kReadBlock = 4 * 1024 * 1024;
// Lines per published round (two halves in parallel): small at first so the first matches show
// within milliseconds, then doubling up to the largest round.
constexpr qint64 kFirstRoundLines = 1 << 14;
constexpr qint64 kRoundLines = 1 << 18;

// Position of needle in haystack (ASCII case folded when !caseSensitive; needle then lower
// case), or -1.
qsizetype findText(QByteArrayView haystack, QByteArrayView needle, bool caseSensitive)
{
    if (caseSensitive) {
        const void* hit =
            memmem(haystack.data(), size_t(haystack.size()), needle.data(), size_t(needle.size()));
        return hit ? static_cast<const char*>(hit) - haystack.data() : -1;
    }
    return QueryMatcher::indexOfIgnoreCase(haystack, needle);
}

}  // namespace

std::vector<qint64> LogFilter::filterRange(const LogFile::Snapshot& snap, const LogQuery& query,
                                           qint64 first, qint64 last,
                                           const std::atomic<bool>& cancel)
{
    std::vector<qint64> out;
    QueryMatcher matcher(query, snap.pods);
    const bool plain = matcher.isPlainText();
    const bool caseSensitive = matcher.plainTextCaseSensitive();
    const QByteArray needle = caseSensitive ? matcher.plainText() : matcher.plainText().toLower();
    QByteArray buffer;
    // A query that needs one trace: the index's trace hashes say which few lines to read.
    const QByteArray requiredTrace = query.requiredTraceId();
    const quint32 requiredHash =
        requiredTrace.isEmpty() || !snap.indexed ? 0 : traceHash(TraceId::fromHex(requiredTrace));
    for (const LogFile::Snapshot::Segment& seg : snap.segments) {
        qint64 a = std::max(first, seg.firstLine) - seg.firstLine;
        const qint64 b = std::min(last, seg.firstLine + seg.lineCount) - seg.firstLine;
        if (requiredHash) {
            for (qint64 local = a; local < b && !cancel.load(std::memory_order_relaxed); ++local) {
                const LineRecord r = snap.record(seg, local);
                if (r.traceHash != requiredHash)
                    continue;
                const auto [lb, le] = snap.cappedRange(seg, local);
                buffer.resize(le - lb);
                buffer.truncate(
                    std::max<qint64>(preadFully(seg.fd, buffer.data(), le - lb, lb), 0));
                QByteArrayView v(buffer);
                while (v.endsWith('\n') || v.endsWith('\r'))
                    v.chop(1);
                const qint64 global = seg.firstLine + local;
                if (matcher.matches(r, snap.times.timeMs(r, global), v))
                    out.push_back(global);
            }
            continue;
        }
        while (a < b && !cancel.load(std::memory_order_relaxed)) {
            // Read whole lines from line a, about one block's worth; a line longer than the cap
            // is read alone, and only its first lineCap bytes (what the index saw of it).
            const auto longLine = [&](qint64 local) {
                const auto [lb, le] = snap.range(seg, local);
                return le - lb > snap.lineCap + 1;
            };
            const qint64 begin = snap.range(seg, a).first;
            qint64 k = a + 1;
            if (!longLine(a)) {
                while (k < b && snap.range(seg, k).second - begin <= kReadBlock && !longLine(k))
                    ++k;
            }
            const qint64 end = snap.cappedRange(seg, k - 1).second;
            buffer.resize(end - begin);
            const qint64 got = preadFully(seg.fd, buffer.data(), end - begin, begin);
            if (got < end - begin)
                buffer.truncate(std::max<qint64>(got, 0));  // the file shrank: read what is left
            const auto lineView = [&](qint64 local) {
                auto [lb, le] = snap.range(seg, local);
                lb -= begin;
                le = std::min<qint64>(le - begin, buffer.size());
                if (lb >= le)
                    return QByteArrayView();
                QByteArrayView v(buffer.constData() + lb, le - lb);
                if (v.endsWith('\n'))
                    v.chop(1);
                if (v.endsWith('\r'))
                    v.chop(1);
                return v;
            };
            if (plain) {
                // grep-style: search the whole block, then find the line of each hit.
                qint64 line = a;
                qsizetype from = 0;
                while (line < k) {
                    const qsizetype hit =
                        findText(QByteArrayView(buffer).sliced(from), needle, caseSensitive);
                    if (hit < 0)
                        break;
                    const qint64 pos = begin + from + hit;
                    // The first line whose end is past pos.
                    qint64 lo = line;
                    qint64 hi = k - 1;
                    while (lo < hi) {
                        const qint64 mid = (lo + hi) / 2;
                        if (snap.range(seg, mid).second <= pos)
                            lo = mid + 1;
                        else
                            hi = mid;
                    }
                    // A hit across a line break is no hit: check the line itself.
                    const QByteArrayView v = lineView(lo);
                    if (findText(v, needle, caseSensitive) >= 0)
                        out.push_back(seg.firstLine + lo);
                    line = lo + 1;
                    from = snap.range(seg, lo).second - begin;
                    if (from >= buffer.size())
                        break;
                }
            } else {
                for (qint64 local = a; local < k; ++local) {
                    const qint64 global = seg.firstLine + local;
                    const LineRecord r = snap.record(seg, local);
                    if (matcher.matches(r, snap.times.timeMs(r, global), lineView(local)))
                        out.push_back(global);
                }
            }
            a = k;
        }
    }
    return out;
}

LogFilter::LogFilter(LogFile* file, QObject* parent)
    : QObject(parent)
    , file_(file)
{
    connect(
        file, &LogFile::aboutToClose, this,
        [this] {
            stopWorker();
            active_ = false;
            matches_.clear();
            done_ = 0;
            Q_EMIT reset();
        },
        Qt::DirectConnection);
    connect(file, &LogFile::linesAppended, this, [this] {
        if (active_ && !running_)
            runFrom(done_);
    });
    connect(file, &LogFile::lastLineChanged, this, [this](qint64 index) {
        if (!active_ || index >= done_)
            return;
        // The unfinished last line grew: judge it again.
        stopWorker();
        if (!matches_.empty() && matches_.back() == index)
            matches_.pop_back();
        done_ = index;
        runFrom(done_);
    });
}

LogFilter::~LogFilter()
{
    stopWorker();
}

void LogFilter::stopWorker()
{
    if (cancel_)
        cancel_->store(true);
    job_.waitForFinished();  // the worker stops after the block it is reading
    running_ = false;
    ++generation_;
}

void LogFilter::cancel()
{
    stopWorker();
    active_ = false;
    Q_EMIT finished();
}

void LogFilter::start(const LogQuery& query)
{
    stopWorker();
    query_ = query;
    matches_.clear();
    done_ = 0;
    active_ = true;
    Q_EMIT reset();
    runFrom(0);
}

void LogFilter::runFrom(qint64 first)
{
    if (!file_)
        return;
    const qint64 total = file_->lineCount();
    if (first >= total) {
        Q_EMIT finished();
        return;
    }
    running_ = true;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    const quint64 generation = generation_;
    auto cancel = cancel_;
    auto snap = std::make_shared<LogFile::Snapshot>(file_->snapshot());
    const LogQuery query = query_;
    job_ = QtConcurrent::run([this, snap, query, first, total, cancel, generation] {
        qint64 round = kFirstRoundLines;
        for (qint64 from = first; from < total && !cancel->load();
             from += round, round = std::min(round * 2, kRoundLines)) {
            const qint64 to = std::min(total, from + round);
            const qint64 mid = from + (to - from) / 2;
            std::vector<qint64> found;
            if (to - from > 4096 && QThreadPool::globalInstance()->maxThreadCount() > 1) {
                QFuture<std::vector<qint64>> second =
                    QtConcurrent::run([&] { return filterRange(*snap, query, mid, to, *cancel); });
                found = filterRange(*snap, query, from, mid, *cancel);
                const std::vector<qint64> rest = second.result();
                found.insert(found.end(), rest.begin(), rest.end());
            } else {
                found = filterRange(*snap, query, from, to, *cancel);
            }
            if (cancel->load())
                return;
            const bool last = to >= total;
            QMetaObject::invokeMethod(
                this,
                [this, generation, found = std::move(found), to, last]() mutable {
                    onBatch(generation, std::move(found), to, last);
                },
                Qt::QueuedConnection);
        }
    });
}

void LogFilter::onBatch(quint64 generation, std::vector<qint64> lines, qint64 doneUpTo, bool last)
{
    if (generation != generation_)
        return;
    const qint64 before = qint64(matches_.size());
    matches_.insert(matches_.end(), lines.begin(), lines.end());
    done_ = doneUpTo;
    if (!lines.empty())
        Q_EMIT matchesAppended(before, qint64(lines.size()));
    Q_EMIT progressChanged(done_, file_ ? file_->lineCount() : done_);
    if (last) {
        running_ = false;
        // Lines that arrived while we worked.
        if (file_ && active_ && file_->lineCount() > done_)
            runFrom(done_);
        else
            Q_EMIT finished();
    }
}

}  // namespace obslab
