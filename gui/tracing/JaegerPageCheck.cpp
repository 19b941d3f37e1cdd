#include "gui/tracing/JaegerPageCheck.h"

#include "core/common/Logging.h"
#include "gui/tracing/JaegerWebPage.h"

using namespace Qt::Literals::StringLiterals;
using namespace std::chrono_literals;

namespace obslab {

namespace {
// What an engine too old for the page says (Vite's modern-build guard).
bool saysEngineTooOld(const QStringList& errors)
{
    for (const QString& e : errors) {
        if (e.contains(u"import.meta.resolve not supported"_s))
            return true;
    }
    return false;
}
}  // namespace

JaegerPageCheck::JaegerPageCheck(JaegerWebPage* page, QObject* parent)
    : QObject(parent)
    , page_(page)
{
    timer_.setInterval(200ms);
    connect(&timer_, &QTimer::timeout, this, &JaegerPageCheck::poll);
    connect(page_, &QWebEnginePage::loadStarted, this, [this] {
        cancel();
        errors_.clear();
        version_.clear();
        firstErrorAt_ = -1;
        clock_.start();
    });
    connect(page_, &JaegerWebPage::scriptErrorReported, this, [this](const QString& message) {
        if (errors_.size() < 20)
            errors_.append(message.left(300));
        if (firstErrorAt_ < 0 && clock_.isValid())
            firstErrorAt_ = clock_.elapsed();
    });
}

void JaegerPageCheck::start(const QUrl& url)
{
    ++generation_;
    url_ = url;
    if (!clock_.isValid())
        clock_.start();
    loadedAt_ = clock_.elapsed();
    timer_.start();
    poll();
}

void JaegerPageCheck::cancel()
{
    ++generation_;
    url_ = QUrl();
    timer_.stop();
}

void JaegerPageCheck::poll()
{
    const quint64 generation = generation_;
    page_->runJavaScript(jaegerpagescripts::probeScript(), [this, generation](const QVariant& v) {
        onProbe(generation, jaegerpagescripts::parseProbe(v));
    });
}

void JaegerPageCheck::onProbe(quint64 generation, const jaegerpagescripts::PageProbe& probe)
{
    if (generation != generation_ || url_.isEmpty())
        return;
    if (!probe.jaegerVersion.isEmpty())
        version_ = probe.jaegerVersion;
    if (probe.drawn()) {
        const QUrl url = std::exchange(url_, QUrl());
        timer_.stop();
        qCInfo(lcTracing) << "embedded Jaeger UI rendered after" << clock_.elapsed() - loadedAt_
                          << "ms:" << url.toDisplayString();
        Q_EMIT rendered(url, probe);
        return;
    }
    const qint64 sinceLoad = clock_.elapsed() - loadedAt_;
    if (probe.valid && !probe.hasRoot) {
        fail(tr("the page at %1 is not Jaeger's UI (it has no #jaeger-ui-root)")
                 .arg(url_.toDisplayString()));
        return;
    }
    const bool erredLongEnough =
        firstErrorAt_ >= 0 && sinceLoad >= 1000 && clock_.elapsed() - firstErrorAt_ >= 1000;
    if (erredLongEnough || sinceLoad >= timeout_.count()) {
        fail(errors_.isEmpty()
                 ? tr("Jaeger's page drew nothing within %1 s").arg(double(timeout_.count()) / 1000)
                 : tr("Jaeger's page drew nothing; it reported: %1").arg(errors_.first()));
    }
}

void JaegerPageCheck::fail(const QString& reason)
{
    const QUrl url = std::exchange(url_, QUrl());
    timer_.stop();
    const qint64 elapsed = clock_.elapsed();
    qCWarning(lcTracing) << "embedded Jaeger UI left blank," << elapsed
                         << "ms after its load began (" << elapsed - loadedAt_
                         << "ms after it finished):" << reason;
    Q_EMIT failed(url, reason, saysEngineTooOld(errors_), elapsed);
}

}  // namespace obslab
