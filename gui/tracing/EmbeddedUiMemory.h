#pragma once

#include <QDateTime>

#include <QString>
#include <QUrl>
#include <optional>

namespace obslab {

// The Jaeger UIs that drew nothing in this web engine, kept in ObsLab's settings so that their
// traces open in ObsLab's own timeline straight away next time. Keyed by the Jaeger's address
// (scheme, host, port and base path) and Chromium's major version, so that a newer Qt WebEngine
// tries again; the value says which Jaeger version it was, why, and when. GUI thread.
class EmbeddedUiMemory
{
public:
    struct Entry
    {
        QString reason;
        QString jaegerVersion;  // as the page said it; may be empty
        bool engineTooOld = false;
        QDateTime when;
    };

    explicit EmbeddedUiMemory(int chromiumMajor);

    // Set when the UI at `base` is remembered as broken.
    std::optional<Entry> broken(const QUrl& base) const;
    void rememberBroken(const QUrl& base, const Entry& entry);
    void forget(const QUrl& base);

    static QString key(const QUrl& base, int chromiumMajor);

private:
    int chromium_ = 0;
};

}  // namespace obslab
