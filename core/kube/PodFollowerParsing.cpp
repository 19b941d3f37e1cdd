#include "core/kube/PodFollowerParsing.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace obslab::PodFollowerParsing {

namespace {

bool digits(QByteArrayView text, qsizetype from, qsizetype count, int* value)
{
    if (from + count > text.size())
        return false;
    int v = 0;
    for (qsizetype i = from; i < from + count; ++i) {
        const char c = text.at(i);
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *value = v;
    return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
qint64 daysFromCivil(qint64 y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + qint64(doe) - 719468;
}

}  // namespace

std::optional<qint64> parseRfc3339Nano(QByteArrayView t)
{
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (t.size() < 20 || !digits(t, 0, 4, &year) || t.at(4) != '-' || !digits(t, 5, 2, &month) ||
        t.at(7) != '-' || !digits(t, 8, 2, &day) || (t.at(10) != 'T' && t.at(10) != 't') ||
        !digits(t, 11, 2, &hour) || t.at(13) != ':' || !digits(t, 14, 2, &minute) ||
        t.at(16) != ':' || !digits(t, 17, 2, &second))
        return std::nullopt;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
        return std::nullopt;
    qsizetype i = 19;
    qint64 fraction = 0;
    if (t.at(i) == '.') {
        ++i;
        int n = 0;
        while (i < t.size() && t.at(i) >= '0' && t.at(i) <= '9') {
            if (n < 9) {
                fraction = fraction * 10 + (t.at(i) - '0');
                ++n;
            }
            ++i;
        }
        if (n == 0)
            return std::nullopt;
        for (; n < 9; ++n)
            fraction *= 10;
    }
    qint64 offsetSeconds = 0;
    if (i >= t.size())
        return std::nullopt;
    if (t.at(i) == 'Z' || t.at(i) == 'z') {
        ++i;
    } else if (t.at(i) == '+' || t.at(i) == '-') {
        int oh = 0, om = 0;
        if (!digits(t, i + 1, 2, &oh) || i + 3 >= t.size() || t.at(i + 3) != ':' ||
            !digits(t, i + 4, 2, &om))
            return std::nullopt;
        offsetSeconds = (t.at(i) == '+' ? 1 : -1) * (qint64(oh) * 3600 + qint64(om) * 60);
        i += 6;
    } else {
        return std::nullopt;
    }
    if (i != t.size())
        return std::nullopt;
    const qint64 days = daysFromCivil(year, unsigned(month), unsigned(day));
    const qint64 seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds;
    return seconds * 1'000'000'000 + fraction;
}

TimestampedLine splitTimestamped(QByteArrayView line)
{
    TimestampedLine out;
    const qsizetype space = line.indexOf(' ');
    const QByteArrayView word = space < 0 ? line : line.first(space);
    if (const auto ns = parseRfc3339Nano(word)) {
        out.timestamp = word.toByteArray();
        out.timeNs = *ns;
        out.text = space < 0 ? QByteArray() : line.sliced(space + 1).toByteArray();
    } else {
        out.text = line.toByteArray();
    }
    return out;
}

ContainerState containerState(const QJsonObject& pod, const QString& container)
{
    ContainerState state;
    const QJsonObject spec = pod.value(u"spec"_s).toObject();
    bool inSpec = false;
    bool init = false;
    for (const QJsonValue& c : spec.value(u"containers"_s).toArray()) {
        if (c.toObject().value(u"name"_s).toString() == container)
            inSpec = true;
    }
    if (!inSpec) {
        for (const QJsonValue& c : spec.value(u"initContainers"_s).toArray()) {
            const QJsonObject object = c.toObject();
            if (object.value(u"name"_s).toString() == container) {
                inSpec = init = true;
                state.nativeSidecar = object.value(u"restartPolicy"_s).toString() == u"Always";
            }
        }
    }
    if (!inSpec)
        return state;
    state.kind = ContainerState::Waiting;
    state.reason = u"not started yet"_s;
    const QJsonObject status = pod.value(u"status"_s).toObject();
    const QJsonArray statuses =
        status.value(init ? u"initContainerStatuses"_s : u"containerStatuses"_s).toArray();
    for (const QJsonValue& s : statuses) {
        const QJsonObject object = s.toObject();
        if (object.value(u"name"_s).toString() != container)
            continue;
        const QJsonObject st = object.value(u"state"_s).toObject();
        if (st.contains(u"running"_s)) {
            state.kind = ContainerState::Running;
            state.reason.clear();
        } else if (st.contains(u"terminated"_s)) {
            state.kind = ContainerState::Terminated;
            state.reason = st.value(u"terminated"_s).toObject().value(u"reason"_s).toString();
        } else if (st.contains(u"waiting"_s)) {
            state.reason = st.value(u"waiting"_s).toObject().value(u"reason"_s).toString();
        }
        // A container that ran before (restartCount > 0) has a log even while waiting.
        if (state.kind == ContainerState::Waiting &&
            object.value(u"lastState"_s).toObject().contains(u"terminated"_s))
            state.kind = ContainerState::Terminated;
    }
    return state;
}

QByteArray LineDeduper::key(qint64 timeNs, QByteArrayView text)
{
    QByteArray k(reinterpret_cast<const char*>(&timeNs), sizeof timeNs);
    k.append(text);
    return k;
}

void LineDeduper::beginReplay()
{
    replay_ = window_;
    replaying_ = !replay_.isEmpty();
}

bool LineDeduper::accept(qint64 timeNs, QByteArrayView text)
{
    const qint64 second = timeNs >= 0 ? timeNs / 1'000'000'000 : (timeNs + 1) / 1'000'000'000 - 1;
    if (replaying_) {
        // The replay starts at the second of the last line seen: anything older was delivered.
        if (second < windowSecond_)
            return false;
        if (second == windowSecond_) {
            const auto it = replay_.find(key(timeNs, text));
            if (it != replay_.end()) {
                if (--it.value() == 0)
                    replay_.erase(it);
                return false;
            }
        } else {
            replaying_ = false;
            replay_.clear();
        }
    }
    if (second > windowSecond_) {
        window_.clear();
        windowSecond_ = second;
    }
    if (second == windowSecond_)
        ++window_[key(timeNs, text)];
    if (timeNs > lastNs_)
        lastNs_ = timeNs;
    return true;
}

}  // namespace obslab::PodFollowerParsing
