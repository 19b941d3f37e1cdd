#include "gui/logs/LogTableModel.h"

#include "core/logs/DecodedLine.h"
#include "core/logs/LineService.h"
#include "core/logs/LogFilter.h"
#include "core/logs/LogStats.h"
#include "gui/logs/LogColors.h"

#include <QApplication>
#include <QDateTime>
#include <QPalette>

#include <algorithm>
#include <climits>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

// Very long lines (a JSON blob, a stack trace) are cut for display; the side panel and the
// export use the whole line.
constexpr qsizetype kDisplayLimit = 8192;

// Offsets into a UTF-8 line → offsets into its QString (identical for ASCII lines).
int charOffset(const QByteArray& bytes, quint32 offset, bool ascii)
{
    if (ascii)
        return int(offset);
    return int(QString::fromUtf8(bytes.constData(), qMin<qsizetype>(offset, bytes.size())).size());
}

}  // namespace

LogTableModel::LogTableModel(QObject* parent)
    : QAbstractTableModel(parent)
    , cache_(4096)
{}

LogTableModel::~LogTableModel() = default;

void LogTableModel::setLogFile(LogFile* file)
{
    if (file_ == file)
        return;
    if (file_)
        file_->disconnect(this);
    file_ = file;
    if (file_) {
        connect(file_, &LogFile::linesAppended, this, &LogTableModel::sync);
        connect(file_, &LogFile::lastLineChanged, this, [this](qint64 index) {
            cache_.remove(index);
            sync();
            const int r = rowForLine(index);
            if (r >= 0 && lineAt(r) == index)
                Q_EMIT dataChanged(this->index(r, 0), this->index(r, columnCount() - 1));
        });
        connect(file_, &LogFile::reset, this, &LogTableModel::resetRows);
        // The lines are still counted while the file closes: show none until it has new ones.
        connect(file_, &LogFile::aboutToClose, this, [this] {
            beginResetModel();
            cache_.clear();
            rows_ = 0;
            newPodLines_.clear();
            podSeen_.clear();
            workloadsSeen_.clear();
            podsScannedUpTo_ = 0;
            endResetModel();
        });
    }
    resetRows();
}

void LogTableModel::setFilter(LogFilter* filter)
{
    if (filter_ == filter)
        return;
    if (filter_)
        filter_->disconnect(this);
    filter_ = filter;
    if (filter_) {
        connect(filter_, &LogFilter::matchesAppended, this, [this] {
            if (mode_ == Mode::Filtered) {
                sync();
            } else if (mode_ == Mode::Highlighted && rows_ > 0) {
                // Matches change only the marks of rows already shown.
                Q_EMIT dataChanged(index(0, 0), index(rows_ - 1, columnCount() - 1),
                                   {MatchRole, Qt::BackgroundRole});
            }
        });
        connect(filter_, &LogFilter::reset, this, [this] {
            if (mode_ == Mode::Filtered)
                resetRows();
            else if (mode_ == Mode::Highlighted && rows_ > 0)
                Q_EMIT dataChanged(index(0, 0), index(rows_ - 1, columnCount() - 1),
                                   {MatchRole, Qt::BackgroundRole});
        });
    }
    if (mode_ != Mode::All)
        resetRows();
}

void LogTableModel::setMode(Mode mode)
{
    if (mode_ == mode)
        return;
    const bool rowsChange = mode_ == Mode::Filtered || mode == Mode::Filtered;
    mode_ = mode;
    if (rowsChange)
        resetRows();
    else if (rows_ > 0)
        Q_EMIT dataChanged(index(0, 0), index(rows_ - 1, columnCount() - 1));
}

void LogTableModel::setRawMode(bool raw)
{
    if (raw_ == raw)
        return;
    beginResetModel();
    raw_ = raw;
    endResetModel();
}

void LogTableModel::setUtc(bool utc)
{
    if (utc_ == utc)
        return;
    utc_ = utc;
    if (rows_ > 0 && !raw_)
        Q_EMIT dataChanged(index(0, TimeColumn), index(rows_ - 1, TimeColumn));
    Q_EMIT headerDataChanged(Qt::Horizontal, TimeColumn, TimeColumn);
}

void LogTableModel::setMarkPodReplacements(bool mark)
{
    markPods_ = mark;
    newPodLines_.clear();
    podSeen_.clear();
    workloadsSeen_.clear();
    podsScannedUpTo_ = 0;
    computeNewPods();
}

qint64 LogTableModel::targetRows() const
{
    qint64 n = 0;
    if (mode_ == Mode::Filtered)
        n = filter_ ? qint64(filter_->matches().size()) : 0;
    else
        n = file_ ? file_->lineCount() : 0;
    return std::min<qint64>(n, INT_MAX - 1);
}

void LogTableModel::sync()
{
    computeNewPods();
    const int target = int(targetRows());
    if (target > rows_) {
        beginInsertRows({}, rows_, target - 1);
        rows_ = target;
        endInsertRows();
    } else if (target < rows_) {
        beginRemoveRows({}, target, rows_ - 1);
        rows_ = target;
        endRemoveRows();
    }
}

void LogTableModel::resetRows()
{
    beginResetModel();
    cache_.clear();
    rows_ = 0;
    if (!file_ || file_->lineCount() == 0) {
        newPodLines_.clear();
        podSeen_.clear();
        workloadsSeen_.clear();
        podsScannedUpTo_ = 0;
    }
    endResetModel();
    // Rows that exist now arrive as an insertion, like every later batch.
    sync();
}

void LogTableModel::computeNewPods()
{
    if (!markPods_ || !file_)
        return;
    const PodTable& pods = file_->pods();
    const qint64 count = file_->lineCount();
    for (qint64 i = podsScannedUpTo_; i < count; ++i) {
        const LineRecord r = file_->record(i);
        if (r.pod == LineRecord::kNoPod)
            continue;
        if (r.pod >= podSeen_.size())
            podSeen_.resize(size_t(r.pod) + 1, false);
        if (podSeen_[r.pod])
            continue;
        podSeen_[r.pod] = true;
        // The first line of a pod whose workload has had another pod before: a replacement (a
        // rollout restart). Lines of the old and new pod may interleave; only the first counts.
        const QString workload = LogStats::workloadOfPod(QString::fromUtf8(pods.name(r.pod)));
        if (workloadsSeen_.contains(workload))
            newPodLines_.push_back(i);
        else
            workloadsSeen_.insert(workload);
    }
    podsScannedUpTo_ = count;
}

int LogTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : rows_;
}

int LogTableModel::columnCount(const QModelIndex& parent) const
{
    if (parent.isValid())
        return 0;
    return raw_ ? 2 : ColumnCount;
}

Qt::ItemFlags LogTableModel::flags(const QModelIndex& index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

qint64 LogTableModel::lineAt(int row) const
{
    if (row < 0 || row >= rows_)
        return -1;
    if (mode_ == Mode::Filtered) {
        if (!filter_ || size_t(row) >= filter_->matches().size())
            return -1;
        return filter_->matches()[size_t(row)];
    }
    return row;
}

int LogTableModel::rowForLine(qint64 line) const
{
    if (line < 0 || rows_ == 0)
        return -1;
    if (mode_ != Mode::Filtered)
        return line < rows_ ? int(line) : rows_ - 1;
    if (!filter_)
        return -1;
    const auto& m = filter_->matches();
    const auto end = m.begin() + std::min<qint64>(rows_, qint64(m.size()));
    const auto it = std::lower_bound(m.begin(), end, line);
    return it == end ? rows_ - 1 : int(it - m.begin());
}

int LogTableModel::rowForTime(qint64 timeMs) const
{
    if (!file_ || rows_ == 0)
        return -1;
    // Binary search on the rows' times; lines without a time sort with their neighbours.
    int lo = 0;
    int hi = rows_;
    while (lo < hi) {
        const int mid = lo + (hi - lo) / 2;
        qint64 t = ParsedLine::kMissing;
        for (int probe = mid; probe < hi && t == ParsedLine::kMissing; ++probe)
            t = file_->timeMs(lineAt(probe));
        if (t != ParsedLine::kMissing && t < timeMs)
            lo = mid + 1;
        else
            hi = mid;
    }
    return std::min(lo, rows_ - 1);
}

bool LogTableModel::isMatch(qint64 line) const
{
    if (!filter_ || mode_ == Mode::All)
        return false;
    if (mode_ == Mode::Filtered)
        return true;
    const auto& m = filter_->matches();
    return std::binary_search(m.begin(), m.end(), line);
}

qint64 LogTableModel::nextMatch(qint64 line, bool forward) const
{
    if (!filter_)
        return -1;
    const auto& m = filter_->matches();
    if (m.empty())
        return -1;
    if (forward) {
        const auto it = std::upper_bound(m.begin(), m.end(), line);
        return it == m.end() ? -1 : *it;
    }
    const auto it = std::lower_bound(m.begin(), m.end(), line);
    return it == m.begin() ? -1 : *(it - 1);
}

qint64 LogTableModel::matchCount() const
{
    return filter_ ? qint64(filter_->matches().size()) : 0;
}

QString LogTableModel::timeText(qint64 timeMs, bool withDate) const
{
    if (timeMs == ParsedLine::kMissing)
        return {};
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(timeMs, utc_ ? Qt::UTC : Qt::LocalTime);
    return t.toString(withDate ? u"yyyy-MM-dd HH:mm:ss.zzz"_s : u"HH:mm:ss.zzz"_s);
}

QString LogTableModel::truncationMark(qint64 length)
{
    return tr(" … [line truncated: %1 bytes, open whole line]").arg(length);
}

QString LogTableModel::rawLine(qint64 line) const
{
    return file_ ? QString::fromUtf8(file_->line(line)) : QString();
}

const LogTableModel::Row* LogTableModel::row(qint64 line) const
{
    if (!file_ || line < 0 || line >= file_->lineCount())
        return nullptr;
    if (const Row* cached = cache_.object(line))
        return cached;
    const DecodedLine decoded = DecodedLine::of(*file_, line);
    const QByteArray& bytes = decoded.bytes;
    const ParsedLine& p = decoded.parsed;
    auto* r = new Row;
    r->kind = p.kind;
    r->level = p.level;
    r->timeMs = file_->timeMs(line);
    if (r->timeMs == ParsedLine::kMissing && p.timeUs != ParsedLine::kMissing)
        r->timeMs = p.timeUs / 1000;
    r->pod = p.text(bytes, Field::Pod);
    if (p.kind == LineKind::Request) {
        r->service = QString::fromUtf8(shortServiceName(serviceOf(p, bytes)));
        r->method = p.text(bytes, Field::Method);
        r->path = p.text(bytes, Field::Path);
        r->status = p.responseCode;
        r->durationMs = p.durationMs;
        r->direction = p.clusterDirection;
        r->requestId = p.text(bytes, Field::RequestId);
        r->flags = p.responseFlags.codes();
        r->flagMeanings = p.responseFlags.explanations();
    } else {
        r->path = p.has(Field::Message) ? p.text(bytes, Field::Message) : QString();
    }
    if (p.trace.isValid()) {
        r->traceId = p.trace.traceId.toShortString();
        r->traceIdFull = p.trace.traceId.toString();
        r->traceHash = traceHash(p.trace.traceId);
    }
    const QByteArray shown = bytes.size() > kDisplayLimit ? bytes.left(kDisplayLimit) : bytes;
    r->raw = QString::fromUtf8(shown);
    const qint64 length = file_->lineLength(line);
    if (length > shown.size())
        r->raw += truncationMark(length);
    if (r->path.isEmpty() && p.kind != LineKind::Request) {
        // An unknown line: show it whole, without the kubectl prefix.
        const ByteRange pod = p.range(Field::Pod);
        r->path = r->raw;
        if (!pod.isEmpty()) {
            const qsizetype close = r->path.indexOf(u"] "_s);
            if (close > 0)
                r->path = r->path.mid(close + 2);
        }
    }
    const bool ascii = std::all_of(shown.cbegin(), shown.cend(), [](char c) {
        return (static_cast<unsigned char>(c) & 0x80) == 0;
    });
    for (int i = 0; i < p.highlightCount; ++i) {
        const Highlight& h = p.highlights[size_t(i)];
        if (h.range.end() > quint32(shown.size()))
            continue;
        const int start = charOffset(shown, h.range.offset, ascii);
        const int end = charOffset(shown, h.range.end(), ascii);
        r->highlights.append(QVariant(QVariantList{int(h.kind), start, end - start}));
    }
    cache_.insert(line, r);
    return r;
}

QVariant LogTableModel::displayData(const Row& r, qint64 line, int column) const
{
    if (raw_) {
        if (column == 0)
            return QString::number(line + 1);
        return r.raw;
    }
    switch (column) {
    case LineColumn:
        return QString::number(line + 1);
    case TimeColumn:
        return timeText(r.timeMs, false);
    case PodColumn:
        return r.pod;
    case DirectionColumn:
        switch (r.direction) {
        case UpstreamCluster::Direction::Inbound:
            return tr("← in");
        case UpstreamCluster::Direction::Outbound:
            return tr("→ out");
        case UpstreamCluster::Direction::None:
            break;
        }
        return QString();
    case ServiceColumn:
        return r.service;
    case MethodColumn:
        return r.method;
    case PathColumn:
        return r.path;
    case StatusColumn:
        if (r.kind != LineKind::Request)
            return r.level != LogLevel::None ? QString::fromLatin1(ParsedLine::levelName(r.level))
                                             : QString();
        return r.status > 0 ? QString::number(r.status) : u"—"_s;
    case DurationColumn:
        return r.durationMs == ParsedLine::kMissing ? QString() : tr("%1 ms").arg(r.durationMs);
    case FlagsColumn:
        return r.flags.join(u' ');
    case TraceColumn:
        return r.traceId;
    default:
        return {};
    }
}

QVariant LogTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rows_ || index.column() >= columnCount())
        return {};
    const qint64 line = lineAt(index.row());
    const Row* r = row(line);
    if (!r)
        return {};
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return displayData(*r, line, column);
    case Qt::ToolTipRole:
        if (raw_)
            return {};
        if (column == TimeColumn && r->timeMs != ParsedLine::kMissing) {
            const QDateTime t = QDateTime::fromMSecsSinceEpoch(r->timeMs, Qt::UTC);
            return tr("%1 UTC\n%2 local")
                .arg(t.toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s),
                     t.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss.zzz"_s));
        }
        if (column == FlagsColumn && !r->flagMeanings.isEmpty())
            return r->flagMeanings.join(u'\n');
        if (column == TraceColumn && !r->traceId.isEmpty())
            return tr("Trace %1\nClick to see every line of this trace (Ctrl+T)")
                .arg(r->traceIdFull);
        if (column == PathColumn || column == PodColumn || column == ServiceColumn)
            return displayData(*r, line, column);
        if (column == DirectionColumn && r->direction != UpstreamCluster::Direction::None)
            return r->direction == UpstreamCluster::Direction::Inbound
                       ? tr("Inbound: this pod's sidecar received the request")
                       : tr("Outbound: this pod's sidecar sent the request to %1").arg(r->service);
        return {};
    case Qt::ForegroundRole: {
        const QPalette palette = QApplication::palette();
        if (!raw_ && column == StatusColumn) {
            if (r->kind == LineKind::Request)
                return logcolors::forStatusClass(logcolors::statusClass(r->status), palette);
            if (r->level >= LogLevel::Warning)
                return logcolors::forStatusClass(r->level == LogLevel::Warning ? 4 : 5, palette);
        }
        if (!raw_ && column == PodColumn && !r->pod.isEmpty())
            return logcolors::forPod(r->pod, palette);
        if (!raw_ && (column == LineColumn || column == DurationColumn || column == TimeColumn))
            return palette.color(QPalette::PlaceholderText);
        return {};
    }
    case Qt::BackgroundRole:
        if (mode_ == Mode::Highlighted && isMatch(line))
            return logcolors::matchBackground(QApplication::palette());
        return {};
    case Qt::TextAlignmentRole:
        if (!raw_ && (column == LineColumn || column == DurationColumn))
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    case LineNumberRole:
        return line;
    case RawTextRole:
        return r->raw;
    case TraceIdRole:
        return r->traceIdFull;
    case TraceHashRole:
        return uint(r->traceHash);
    case RequestIdRole:
        return r->requestId;
    case StatusClassRole:
        return logcolors::statusClass(r->status);
    case FlagCodesRole:
        return r->flags;
    case FlagMeaningsRole:
        return r->flagMeanings;
    case MatchRole:
        return isMatch(line);
    case HighlightsRole:
        return r->highlights;
    case PodRole:
        return r->pod;
    case NewPodRole:
        return markPods_ && std::binary_search(newPodLines_.begin(), newPodLines_.end(), line);
    default:
        return {};
    }
}

QVariant LogTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (raw_)
        return section == 0 ? tr("Line") : section == 1 ? tr("Text") : QVariant();
    switch (section) {
    case LineColumn:
        return tr("Line");
    case TimeColumn:
        return utc_ ? tr("Time (UTC)") : tr("Time (local)");
    case PodColumn:
        return tr("Pod");
    case DirectionColumn:
        return tr("Dir");
    case ServiceColumn:
        return tr("Service");
    case MethodColumn:
        return tr("Method");
    case PathColumn:
        return tr("Path / message");
    case StatusColumn:
        return tr("Status");
    case DurationColumn:
        return tr("Duration");
    case FlagsColumn:
        return tr("Flags");
    case TraceColumn:
        return tr("Trace id");
    default:
        return {};
    }
}

}  // namespace obslab
