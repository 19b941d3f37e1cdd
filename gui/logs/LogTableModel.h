#pragma once

#include "core/logs/LogFile.h"
#include "core/logs/ParsedLine.h"

#include <QAbstractTableModel>
#include <QCache>
#include <QPointer>
#include <QSet>
#include <QStringList>

#include <vector>

namespace obslab {

class LogFilter;

// The log view's model: a virtual table over a LogFile (one row per line, or one row per match of
// a LogFilter in filter mode). Nothing is loaded up front: data() reads and parses only the rows
// a view asks for, through a small cache of decoded rows. Rows arrive in batches as the file is
// indexed, grows or the filter finds matches. GUI thread only; the file and filter are not owned.
class LogTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        LineColumn,
        TimeColumn,
        PodColumn,
        DirectionColumn,
        ServiceColumn,
        MethodColumn,
        PathColumn,
        StatusColumn,
        DurationColumn,
        FlagsColumn,
        TraceColumn,
        ColumnCount
    };
    enum Role
    {
        LineNumberRole = Qt::UserRole + 1,  // qint64, 0-based line in the file
        RawTextRole,                        // QString, the whole line
        TraceIdRole,                        // QString, canonical 32 hex; empty when none
        TraceHashRole,                      // uint, LineRecord's trace hash (colour key)
        RequestIdRole,                      // QString
        StatusClassRole,                    // int 0..5
        FlagCodesRole,                      // QStringList {"UF", "URX"}
        FlagMeaningsRole,                   // QStringList {"UF: upstream connection failure"}
        MatchRole,                          // bool, the line matches in highlight mode
        HighlightsRole,                     // QVariantList of {kind, start, length} in RawTextRole
        PodRole,                            // QString
        NewPodRole,                         // bool, first line of a pod replacing another
    };
    enum class Mode
    {
        All,         // every line
        Filtered,    // only the filter's matches
        Highlighted  // every line, matches marked (MatchRole)
    };

    explicit LogTableModel(QObject* parent = nullptr);
    ~LogTableModel() override;

    void setLogFile(LogFile* file);
    LogFile* logFile() const { return file_; }
    void setFilter(LogFilter* filter);
    void setMode(Mode mode);
    Mode mode() const { return mode_; }
    void setRawMode(bool raw);
    bool isRawMode() const { return raw_; }
    void setUtc(bool utc);
    bool isUtc() const { return utc_; }
    // Live sources: mark the first line of a pod whose workload was already seen with another pod.
    void setMarkPodReplacements(bool mark);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

    qint64 lineAt(int row) const;  // -1 when out of range
    // The row showing line, or in filter mode the first row at or after it; -1 when none.
    int rowForLine(qint64 line) const;
    // The first row whose time is at or after timeMs (lines are assumed to be in time order).
    int rowForTime(qint64 timeMs) const;
    bool isMatch(qint64 line) const;
    // The next / previous matching line after / before line in highlight mode; -1 when none.
    qint64 nextMatch(qint64 line, bool forward) const;
    qint64 matchCount() const;

    QString timeText(qint64 timeMs, bool withDate) const;
    QString rawLine(qint64 line) const;
    // What ends a row whose line is longer than what a row shows (the row's text is its start).
    static QString truncationMark(qint64 length);

private:
    struct Row
    {
        qint64 timeMs = ParsedLine::kMissing;
        QString pod;
        QString service;
        QString method;
        QString path;  // or the message of a non-request line
        QString requestId;
        QString traceId;      // display form
        QString traceIdFull;  // canonical
        quint32 traceHash = 0;
        int status = -1;
        qint64 durationMs = ParsedLine::kMissing;
        UpstreamCluster::Direction direction = UpstreamCluster::Direction::None;
        LineKind kind = LineKind::Unknown;
        LogLevel level = LogLevel::None;
        QStringList flags;
        QStringList flagMeanings;
        QString raw;
        QVariantList highlights;
    };
    const Row* row(qint64 line) const;
    void sync();
    void resetRows();
    qint64 targetRows() const;
    QVariant displayData(const Row& r, qint64 line, int column) const;
    void computeNewPods();

    QPointer<LogFile> file_;
    QPointer<LogFilter> filter_;
    Mode mode_ = Mode::All;
    bool raw_ = false;
    bool utc_ = true;
    bool markPods_ = false;
    int rows_ = 0;  // rows announced to views
    mutable QCache<qint64, Row> cache_;
    std::vector<qint64> newPodLines_;  // sorted; lines that start a replacement pod
    std::vector<bool> podSeen_;        // by the log file's pod id
    QSet<QString> workloadsSeen_;
    qint64 podsScannedUpTo_ = 0;
};

}  // namespace obslab
