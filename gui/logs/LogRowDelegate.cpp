#include "gui/logs/LogRowDelegate.h"

#include "core/logs/ParsedLine.h"
#include "gui/logs/LogColors.h"
#include "gui/logs/LogTableModel.h"
#include "gui/widgets/Tone.h"

#include <QApplication>
#include <QPainter>
#include <QTextLayout>

namespace obslab {

LogRowDelegate::LogRowDelegate(QObject* parent)
    : QStyledItemDelegate(parent)
{}

QSize LogRowDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const
{
    QSize s = QStyledItemDelegate::sizeHint(option, index);
    s.setHeight(option.fontMetrics.height() + 6);
    return s;
}

void LogRowDelegate::paintBase(QPainter* painter, const QStyleOptionViewItem& option,
                               const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
}

void LogRowDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                           const QModelIndex& index) const
{
    if (raw_ && index.column() == 1)
        paintRaw(painter, option, index);
    else if (!raw_ && index.column() == LogTableModel::TraceColumn)
        paintTrace(painter, option, index);
    else if (!raw_ && index.column() == LogTableModel::FlagsColumn)
        paintFlags(painter, option, index);
    else
        QStyledItemDelegate::paint(painter, option, index);

    if (index.data(LogTableModel::NewPodRole).toBool()) {
        painter->save();
        painter->setPen(QPen(toneAccent(Tone::Info, option.palette), 2));
        painter->drawLine(option.rect.topLeft() + QPoint(0, 1),
                          option.rect.topRight() + QPoint(0, 1));
        painter->restore();
    }
}

void LogRowDelegate::paintTrace(QPainter* painter, const QStyleOptionViewItem& option,
                                const QModelIndex& index) const
{
    paintBase(painter, option, index);
    const QString text = index.data(Qt::DisplayRole).toString();
    if (text.isEmpty())
        return;
    const QColor colour =
        logcolors::forTrace(index.data(LogTableModel::TraceHashRole).toUInt(), option.palette);
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const QFontMetrics& fm = option.fontMetrics;
    const QRect area = option.rect.adjusted(3, 2, -3, -2);
    const QString shown = fm.elidedText(text, Qt::ElideMiddle, area.width() - 12);
    QRect pill(area.topLeft(),
               QSize(qMin(area.width(), fm.horizontalAdvance(shown) + 12), area.height()));
    QColor fill = colour;
    fill.setAlpha(isDarkPalette(option.palette) ? 60 : 38);
    painter->setPen(Qt::NoPen);
    painter->setBrush(fill);
    painter->drawRoundedRect(pill, pill.height() / 2.0, pill.height() / 2.0);
    painter->setPen((option.state & QStyle::State_Selected)
                        ? option.palette.color(QPalette::HighlightedText)
                        : colour);
    painter->drawText(pill, Qt::AlignCenter, shown);
    painter->restore();
}

void LogRowDelegate::paintFlags(QPainter* painter, const QStyleOptionViewItem& option,
                                const QModelIndex& index) const
{
    paintBase(painter, option, index);
    const QStringList flags = index.data(LogTableModel::FlagCodesRole).toStringList();
    if (flags.isEmpty())
        return;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QFont small = option.font;
    small.setBold(true);
    small.setPointSizeF(option.font.pointSizeF() * 0.85);
    painter->setFont(small);
    const QFontMetrics fm(small);
    int x = option.rect.left() + 3;
    const QRect area = option.rect.adjusted(0, 3, 0, -3);
    const int status = index.siblingAtColumn(LogTableModel::StatusColumn)
                           .data(LogTableModel::StatusClassRole)
                           .toInt();
    const Tone tone = status == 5 || status == 0 ? Tone::Danger : Tone::Warning;
    for (const QString& flag : flags) {
        const int w = fm.horizontalAdvance(flag) + 10;
        if (x + w > option.rect.right())
            break;
        const QRect badge(x, area.top(), w, area.height());
        painter->setPen(Qt::NoPen);
        painter->setBrush(
            toneBackground(tone, option.palette).darker(isDarkPalette(option.palette) ? 80 : 104));
        painter->drawRoundedRect(badge, 3, 3);
        painter->setPen(toneAccent(tone, option.palette));
        painter->drawText(badge, Qt::AlignCenter, flag);
        x += w + 3;
    }
    painter->restore();
}

void LogRowDelegate::paintRaw(QPainter* painter, const QStyleOptionViewItem& option,
                              const QModelIndex& index) const
{
    paintBase(painter, option, index);
    const QString text = index.data(LogTableModel::RawTextRole).toString();
    const QVariantList spans = index.data(LogTableModel::HighlightsRole).toList();
    QList<QTextLayout::FormatRange> formats;
    const uint hash = index.data(LogTableModel::TraceHashRole).toUInt();
    const int statusClass = index.data(LogTableModel::StatusClassRole).toInt();
    for (const QVariant& v : spans) {
        const QVariantList s = v.toList();
        if (s.size() != 3)
            continue;
        QTextLayout::FormatRange range;
        range.start = s.at(1).toInt();
        range.length = s.at(2).toInt();
        switch (HighlightKind(s.at(0).toInt())) {
        case HighlightKind::TraceId:
            range.format.setForeground(logcolors::forTrace(hash, option.palette));
            range.format.setFontWeight(QFont::Bold);
            break;
        case HighlightKind::SpanId:
        case HighlightKind::ParentSpanId:
            range.format.setForeground(toneAccent(Tone::Info, option.palette));
            break;
        case HighlightKind::RequestId:
            range.format.setForeground(option.palette.color(QPalette::Link));
            break;
        case HighlightKind::Status:
            range.format.setForeground(logcolors::forStatusClass(statusClass, option.palette));
            range.format.setFontWeight(QFont::Bold);
            break;
        case HighlightKind::Flags:
        case HighlightKind::Level:
            range.format.setForeground(toneAccent(Tone::Danger, option.palette));
            range.format.setFontWeight(QFont::Bold);
            break;
        }
        formats.append(range);
    }
    painter->save();
    painter->setClipRect(option.rect);
    QTextLayout layout(text, option.font);
    QTextOption textOption;
    textOption.setWrapMode(QTextOption::NoWrap);
    layout.setTextOption(textOption);
    layout.setFormats(formats);
    layout.beginLayout();
    QTextLine line = layout.createLine();
    if (line.isValid())
        line.setLineWidth(1e6);
    layout.endLayout();
    painter->setPen((option.state & QStyle::State_Selected)
                        ? option.palette.color(QPalette::HighlightedText)
                        : option.palette.color(QPalette::Text));
    const qreal y = option.rect.top() + (option.rect.height() - line.height()) / 2.0;
    layout.draw(painter, QPointF(option.rect.left() + 4, y));
    painter->restore();
}

}  // namespace obslab
