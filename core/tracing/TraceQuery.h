#pragma once

#include <QList>
#include <QString>

#include <chrono>
#include <utility>

namespace obslab {

// What to search Jaeger for (the fields of Jaeger's search form). A plain value.
struct TraceQuery
{
    QString service;    // required by Jaeger's v1 search
    QString operation;  // empty = all
    QList<std::pair<QString, QString>>
        tags;  // span tags that must all match, e.g. guid:x-request-id
    std::chrono::seconds lookback{std::chrono::hours(1)};
    int limit = 20;
    QString minDuration;  // Go durations ("100ms", "1.2s"); empty = no bound
    QString maxDuration;
};

}  // namespace obslab
