#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QJsonObject>
#include <QString>

#include <limits>
#include <optional>

namespace obslab {

// Pure helpers of PodFollower: value classes and functions, any thread, table-tested.
namespace PodFollowerParsing {

// `2026-11-27T10:00:00.123456789Z` (also fewer fraction digits and ±hh:mm offsets) as
// nanoseconds since the epoch; nullopt for anything else.
std::optional<qint64> parseRfc3339Nano(QByteArrayView text);

// One line of `kubectl logs --timestamps`: the timestamp word, its value and the text after the
// single space. A line without a valid timestamp keeps its bytes as text, with timeNs 0.
struct TimestampedLine
{
    QByteArray timestamp;
    qint64 timeNs = 0;
    QByteArray text;
};
TimestampedLine splitTimestamped(QByteArrayView line);

// Where a pod's container stands, from the pod's JSON (`status.containerStatuses` or
// `status.initContainerStatuses`; an init container counts only when it is in the pod spec).
struct ContainerState
{
    enum Kind
    {
        Absent,      // the pod has no such container (e.g. no sidecar, or ambient mode)
        Waiting,     // not started yet: `kubectl logs` would fail with "waiting to start"
        Running,     //
        Terminated,  // has run: its log can be read but will not grow
    };
    Kind kind = Absent;
    QString reason;              // ContainerCreating, PodInitializing, Completed, …
    bool nativeSidecar = false;  // an init container with restartPolicy: Always
};
ContainerState containerState(const QJsonObject& pod, const QString& container);

// Cuts a stream of JSON objects (`kubectl get -w -o json` prints them pretty-printed in older
// versions, one per line in newer ones) into complete objects, counting braces outside strings.
class JsonObjectSplitter
{
public:
    template <typename OnObject>
    void feed(QByteArrayView chunk, OnObject&& onObject)
    {
        for (const char c : chunk) {
            if (depth_ == 0 && c != '{')
                continue;  // whitespace between objects, or kubectl's text: skipped
            current_.append(c);
            if (inString_) {
                if (escape_)
                    escape_ = false;
                else if (c == '\\')
                    escape_ = true;
                else if (c == '"')
                    inString_ = false;
                continue;
            }
            if (c == '"') {
                inString_ = true;
            } else if (c == '{') {
                ++depth_;
            } else if (c == '}' && --depth_ == 0) {
                onObject(std::as_const(current_));
                current_.clear();
            }
        }
    }
    void reset()
    {
        current_.clear();
        depth_ = 0;
        inString_ = escape_ = false;
    }

private:
    QByteArray current_;
    int depth_ = 0;
    bool inString_ = false;
    bool escape_ = false;
};

// De-duplicates one (pod, container) stream across reconnects. `--since-time` has one-second
// precision, so a reconnect replays the last second; lines are keyed on their nanosecond
// timestamp and text (counted, so two identical lines are both kept when both are new).
// Memory: the lines of the last second seen.
class LineDeduper
{
public:
    // True when the line is new (and remembers it).
    bool accept(qint64 timeNs, QByteArrayView text);
    // A new stream starts from `since` (the last timestamp seen, truncated to the second).
    void beginReplay();
    qint64 lastTimeNs() const { return lastNs_; }
    qsizetype windowSize() const { return window_.size(); }

private:
    static QByteArray key(qint64 timeNs, QByteArrayView text);

    QHash<QByteArray, int> window_;  // lines of second windowSecond_, with their counts
    QHash<QByteArray, int> replay_;  // what the current replay may still repeat
    qint64 windowSecond_ = std::numeric_limits<qint64>::min();
    qint64 lastNs_ = std::numeric_limits<qint64>::min();
    bool replaying_ = false;
};

}  // namespace PodFollowerParsing

}  // namespace obslab
