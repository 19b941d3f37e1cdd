#include "gui/logs/TraceLane.h"

#include "core/logs/LogFile.h"
#include "core/logs/LogFilter.h"
#include "core/logs/LogQuery.h"
#include "core/logs/TraceId.h"
#include "gui/logs/LogColors.h"
#include "gui/widgets/Icons.h"
#include "gui/widgets/Tone.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

QString ms(qint64 v)
{
    return v == ParsedLine::kMissing ? u"?"_s
                                     : QCoreApplication::translate("TraceLane", "%1 ms").arg(v);
}

// The hop's two ends; a client line without a pod prefix (kubectl logs without --prefix) is
// still the client's, only unnamed.
QString hopLabel(const TraceHop& h)
{
    const QString from = !h.from.isEmpty() ? h.from
                         : h.client >= 0
                             ? QCoreApplication::translate("TraceLane", "(pod unnamed)")
                             : QCoreApplication::translate("TraceLane", "(client not followed)");
    const QString to =
        h.to.isEmpty() ? QCoreApplication::translate("TraceLane", "(unknown)") : h.to;
    return u"%1  →  %2"_s.arg(from, to);
}

// Status and duration, each only when the line has it ("200", "200  12 ms", "12 ms").
QString hopDetail(const TraceHop& h, bool withServer)
{
    const qint64 client = h.clientMs != ParsedLine::kMissing ? h.clientMs : h.serverMs;
    QStringList parts;
    if (h.status > 0)
        parts << QString::number(h.status);
    else if (h.status == 0)
        parts << QCoreApplication::translate("TraceLane", "no response");
    if (client != ParsedLine::kMissing) {
        QString d = ms(client);
        if (withServer && h.serverMs != ParsedLine::kMissing && h.clientMs != ParsedLine::kMissing)
            d += QCoreApplication::translate("TraceLane", " (srv %1)").arg(h.serverMs);
        parts << d;
    }
    return parts.join(u"  "_s);
}

}  // namespace

TraceHopsView::TraceHopsView(QWidget* parent)
    : QWidget(parent)
{
    setObjectName(u"traceHops"_s);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

int TraceHopsView::rowHeight() const
{
    return fontMetrics().height() + 8;
}

void TraceHopsView::setTrace(const TraceLines& lines)
{
    lines_ = lines;
    // Labels elided to the lane's width are whole here.
    setToolTip(hopTexts().join(u'\n'));
    updateGeometry();
    update();
}

QSize TraceHopsView::sizeHint() const
{
    const int rows = std::max<int>(1, int(lines_.hops.size()));
    return {400, rows * rowHeight() + fontMetrics().height() + 8};
}

QSize TraceHopsView::minimumSizeHint() const
{
    return {200, sizeHint().height()};
}

QStringList TraceHopsView::hopTexts() const
{
    QStringList out;
    for (const TraceHop& h : lines_.hops)
        out << hopLabel(h) + u"  "_s + hopDetail(h, false);
    return out;
}

void TraceHopsView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const QFontMetrics fm = fontMetrics();
    if (lines_.hops.empty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("No request lines for this id yet"));
        return;
    }
    qint64 t0 = std::numeric_limits<qint64>::max();
    qint64 t1 = std::numeric_limits<qint64>::min();
    for (const TraceHop& h : lines_.hops) {
        if (h.startMs == ParsedLine::kMissing)
            continue;
        t0 = std::min(t0, h.startMs);
        const qint64 d = std::max<qint64>(h.clientMs == ParsedLine::kMissing ? 0 : h.clientMs,
                                          h.serverMs == ParsedLine::kMissing ? 0 : h.serverMs);
        t1 = std::max(t1, h.startMs + std::max<qint64>(d, 1));
    }
    if (t0 > t1) {
        t0 = 0;
        t1 = 1;
    }
    const int labelW = std::min(width() * 45 / 100, fm.horizontalAdvance(u'x') * 58);
    const int right = width() - fm.horizontalAdvance(u"0000 ms (srv 0000)"_s) - 8;
    const int axisL = labelW + 8;
    const int axisW = std::max(20, right - axisL);
    auto xOf = [&](qint64 t) { return axisL + double(t - t0) / double(t1 - t0) * axisW; };
    const int rh = rowHeight();
    int y = 2;
    for (const TraceHop& h : lines_.hops) {
        const QString label = hopLabel(h);
        p.setPen(pal.color(QPalette::Text));
        p.drawText(QRect(4, y, labelW - 4, rh), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(label, Qt::ElideMiddle, labelW - 4));
        const QColor c = logcolors::forStatusClass(logcolors::statusClass(h.status), pal);
        if (h.startMs != ParsedLine::kMissing) {
            const qint64 client = h.clientMs == ParsedLine::kMissing ? h.serverMs : h.clientMs;
            const double x = xOf(h.startMs);
            const double w = std::max(3.0, xOf(h.startMs + std::max<qint64>(client, 0)) - x);
            QColor light = c;
            light.setAlpha(90);
            p.setPen(Qt::NoPen);
            p.setBrush(light);
            p.drawRoundedRect(QRectF(x, y + 3, w, rh - 6), 3, 3);
            if (h.serverMs != ParsedLine::kMissing && h.clientMs != ParsedLine::kMissing) {
                const double inset =
                    (w - std::max(2.0, w * double(h.serverMs) / std::max<qint64>(1, h.clientMs))) /
                    2;
                p.setBrush(c);
                p.drawRoundedRect(QRectF(x + inset, y + 6, w - 2 * inset, rh - 12), 2, 2);
            }
            const QString d = hopDetail(h, true);
            p.setPen(h.status >= 400 || h.status == 0 ? c : pal.color(QPalette::PlaceholderText));
            p.drawText(QRectF(x + w + 6, y, width() - x - w - 6, rh),
                       Qt::AlignVCenter | Qt::AlignLeft, d);
        }
        y += rh;
    }
    // The axis.
    p.setPen(pal.color(QPalette::Mid));
    p.drawLine(axisL, y + 2, axisL + axisW, y + 2);
    p.setPen(pal.color(QPalette::PlaceholderText));
    p.drawText(QRect(axisL - 40, y + 3, 80, fm.height()), Qt::AlignHCenter, u"0"_s);
    p.drawText(QRect(axisL + axisW - 60, y + 3, 120, fm.height()), Qt::AlignHCenter, ms(t1 - t0));
}

TraceLane::TraceLane(QWidget* parent)
    : QWidget(parent)
    , title_(new QLabel(this))
    , summary_(new QLabel(this))
    , copy_(new QToolButton(this))
    , filterTo_(new QToolButton(this))
    , open_(new QToolButton(this))
    , hops_(new TraceHopsView(this))
    , list_(new QTreeWidget(this))
{
    setObjectName(u"traceLane"_s);
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summary_->setObjectName(u"traceLaneSummary"_s);
    copy_->setText(tr("Copy id"));
    copy_->setIcon(Icons::icon(u"copy"_s));
    copy_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    copy_->setAutoRaise(true);
    filterTo_->setText(tr("Filter to it"));
    filterTo_->setObjectName(u"traceLaneFilter"_s);
    filterTo_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    filterTo_->setAutoRaise(true);
    open_->setText(tr("Open in Traces"));
    open_->setObjectName(u"traceLaneOpen"_s);
    open_->setIcon(Icons::icon(u"traces"_s));
    open_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    open_->setAutoRaise(true);
    auto* close = new QToolButton(this);
    close->setText(u"✕"_s);
    close->setToolTip(tr("Close the trace lane (Esc)"));
    close->setAutoRaise(true);

    connect(copy_, &QToolButton::clicked, this, [this] {
        QApplication::clipboard()->setText(!traceId_.isEmpty() ? traceId_ : requestId_);
    });
    connect(filterTo_, &QToolButton::clicked, this, [this] {
        Q_EMIT filterRequested(!traceId_.isEmpty() ? u"trace:"_s + traceId_
                                                   : u"req:"_s + requestId_);
    });
    connect(open_, &QToolButton::clicked, this, [this] {
        if (!traceId_.isEmpty())
            Q_EMIT openTraceRequested(traceId_);
        else
            Q_EMIT openRequestIdRequested(requestId_);
    });
    connect(close, &QToolButton::clicked, this, &TraceLane::closeRequested);

    list_->setObjectName(u"traceLaneLines"_s);
    list_->setRootIsDecorated(false);
    list_->setUniformRowHeights(true);
    list_->setAlternatingRowColors(true);
    list_->setHeaderLabels({tr("Time"), tr("Pod"), tr("Dir"), tr("Request"), tr("Status"),
                            tr("Duration"), tr("Line")});
    list_->header()->setStretchLastSection(false);
    list_->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    list_->header()->setSectionResizeMode(3, QHeaderView::Stretch);
    connect(list_, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        Q_EMIT lineActivated(item->data(0, Qt::UserRole).toLongLong());
    });
    connect(list_, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
        Q_EMIT lineActivated(item->data(0, Qt::UserRole).toLongLong());
    });

    auto* header = new QHBoxLayout;
    header->setContentsMargins(6, 2, 2, 2);
    header->addWidget(title_);
    header->addWidget(summary_, 1);
    header->addWidget(copy_);
    header->addWidget(filterTo_);
    header->addWidget(open_);
    header->addWidget(close);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(header);
    layout->addWidget(hops_);
    layout->addWidget(list_, 1);
    updateHeader();
}

TraceLane::~TraceLane() = default;

bool TraceLane::isSearching() const
{
    return filter_ && filter_->isRunning();
}

void TraceLane::showTrace(LogFile* file, const QString& traceId)
{
    const TraceId id = TraceId::fromString(traceId);
    traceId_ = id.isValid() ? id.toString() : traceId.trimmed();
    requestId_.clear();
    start(file, u"trace:"_s + traceId_);
}

void TraceLane::showRequest(LogFile* file, const QString& requestId)
{
    traceId_.clear();
    requestId_ = requestId.trimmed();
    start(file, u"req:\""_s + requestId_ + u'"');
}

void TraceLane::clear()
{
    delete filter_;
    filter_ = nullptr;
    traceId_.clear();
    requestId_.clear();
    lines_ = {};
    hops_->setTrace(lines_);
    list_->clear();
    updateHeader();
}

void TraceLane::setUtc(bool utc)
{
    if (utc_ == utc)
        return;
    utc_ = utc;
    if (filter_)
        rebuild();
}

void TraceLane::start(LogFile* file, const QString& query)
{
    delete filter_;
    filter_ = nullptr;
    file_ = file;
    lines_ = {};
    list_->clear();
    hops_->setTrace(lines_);
    updateHeader();
    if (!file)
        return;
    const auto parsed = LogQuery::parse(query, QDateTime::currentMSecsSinceEpoch());
    if (!parsed)
        return;
    filter_ = new LogFilter(file, this);
    connect(filter_, &LogFilter::matchesAppended, this, &TraceLane::rebuild);
    connect(filter_, &LogFilter::finished, this, &TraceLane::rebuild);
    connect(filter_, &LogFilter::reset, this, &TraceLane::rebuild);
    filter_->start(parsed.value());
}

void TraceLane::rebuild()
{
    QList<QPair<qint64, QByteArray>> input;
    if (filter_ && file_) {
        for (qint64 line : filter_->matches())
            input.append({line, file_->line(line)});
    }
    lines_ = TraceLines::build(input);
    hops_->setTrace(lines_);
    list_->clear();
    const QPalette pal = palette();
    QList<QTreeWidgetItem*> items;
    for (const TraceLine& t : lines_.lines) {
        auto* item = new QTreeWidgetItem;
        const QDateTime time =
            QDateTime::fromMSecsSinceEpoch(t.timeMs, utc_ ? Qt::UTC : Qt::LocalTime);
        item->setText(0, t.timeMs == ParsedLine::kMissing ? QString()
                                                          : time.toString(u"HH:mm:ss.zzz"_s));
        item->setText(1, t.pod);
        item->setForeground(1, logcolors::forPod(t.pod, pal));
        item->setText(2, t.direction == UpstreamCluster::Direction::Inbound    ? tr("← in")
                         : t.direction == UpstreamCluster::Direction::Outbound ? tr("→ out")
                                                                               : QString());
        item->setText(3, u"%1 %2  (%3)"_s.arg(t.method, t.path, t.service));
        item->setText(4, t.status > 0 ? QString::number(t.status)
                                      : (t.flags.isEmpty() ? u"—"_s : t.flags));
        item->setForeground(4, logcolors::forStatusClass(logcolors::statusClass(t.status), pal));
        item->setText(5, ms(t.durationMs));
        item->setText(6, QString::number(t.line + 1));
        item->setData(0, Qt::UserRole, t.line);
        item->setToolTip(3, t.requestId.isEmpty() ? QString()
                                                  : tr("x-request-id %1").arg(t.requestId));
        items << item;
    }
    list_->addTopLevelItems(items);
    updateHeader();
    Q_EMIT updated();
}

void TraceLane::updateHeader()
{
    const bool trace = !traceId_.isEmpty();
    const QString id = trace ? TraceId::fromString(traceId_).toShortString() : requestId_;
    if (id.isEmpty()) {
        title_->setText(tr("<b>Trace lane</b>"));
        summary_->setText(tr("click a trace id in the table, or press Ctrl+T"));
    } else {
        const QColor c =
            trace ? logcolors::forTrace(traceHash(TraceId::fromString(traceId_)), palette())
                  : palette().color(QPalette::Link);
        title_->setText(u"<b>%1</b> <span style=\"color:%2\"><b>%3</b></span>"_s.arg(
            trace ? tr("Trace") : tr("Request"), c.name(), id.toHtmlEscaped()));
        QStringList pods;
        for (const TraceLine& t : lines_.lines) {
            if (!t.pod.isEmpty() && !pods.contains(t.pod))
                pods << t.pod;
        }
        QString s = tr("%n line(s)", nullptr, int(lines_.lines.size())) + u" · "_s +
                    tr("%n hop(s)", nullptr, int(lines_.hops.size())) + u" · "_s +
                    tr("%n pod(s)", nullptr, int(pods.size()));
        if (isSearching())
            s += u" · "_s + tr("searching…");
        summary_->setText(s);
    }
    copy_->setEnabled(!id.isEmpty());
    filterTo_->setEnabled(!id.isEmpty());
    open_->setEnabled(!id.isEmpty());
}

}  // namespace obslab
