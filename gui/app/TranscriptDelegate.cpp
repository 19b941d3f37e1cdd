#include "gui/app/TranscriptDelegate.h"

#include "core/kube/DiffResult.h"

#include "core/process/Transcript.h"
#include "gui/widgets/Icons.h"

#include <QApplication>
#include <QFontDatabase>
#include <QLocale>
#include <QPainter>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

TranscriptDelegate::TranscriptDelegate(Transcript* transcript, QObject* parent)
    : QStyledItemDelegate(parent)
    , transcript_(transcript)
{}

QFont TranscriptDelegate::monospaceFont(const QFont& base)
{
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (base.pointSizeF() > 0)
        mono.setPointSizeF(base.pointSizeF());
    else
        mono.setPixelSize(base.pixelSize());
    return mono;
}

bool TranscriptDelegate::diffDiffers(const TranscriptEntry& entry)
{
    return !entry.running && DiffResult::isKubectlDiff(entry.program, entry.arguments) &&
           DiffResult::outcome(entry.status, entry.exitCode) == DiffOutcome::Differs;
}

QString TranscriptDelegate::statusText(const TranscriptEntry& entry)
{
    if (diffDiffers(entry))
        return tr("differences found");
    return entry.status == CommandStatus::Failed ? tr("exit %1").arg(entry.exitCode)
                                                 : commandStatusName(entry.status);
}

QString TranscriptDelegate::statusIconName(const TranscriptEntry& entry)
{
    if (entry.running)
        return u"running"_s;
    if (diffDiffers(entry))
        return u"info"_s;  // kubectl diff's exit 1 is its answer, not a failure
    switch (entry.status) {
    case CommandStatus::Succeeded:
        return u"ok"_s;
    case CommandStatus::Cancelled:
        return u"cancelled"_s;
    case CommandStatus::Failed:
    case CommandStatus::Crashed:
    case CommandStatus::TimedOut:
    case CommandStatus::NotFound:
    case CommandStatus::FailedToStart:
        break;
    }
    return u"error"_s;
}

QSize TranscriptDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex&) const
{
    const QFontMetrics fm(option.font);
    const QFontMetrics mono(monospaceFont(option.font));
    const int pad = fm.height() / 3;
    return {fm.height() * 20, pad * 3 + fm.height() + mono.height()};
}

void TranscriptDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                               const QModelIndex& index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    opt.icon = {};
    const QWidget* widget = option.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const TranscriptEntry* entry =
        transcript_ ? transcript_->entry(index.data(Transcript::EntryIdRole).toULongLong())
                    : nullptr;
    if (!entry)
        return;

    painter->save();
    const bool selected = option.state & QStyle::State_Selected;
    const QPalette& pal = option.palette;
    const QColor textColour = pal.color(selected ? QPalette::HighlightedText : QPalette::Text);
    QColor dim = textColour;
    dim.setAlphaF(0.7f);

    const QFontMetrics fm(option.font);
    const QFont mono = monospaceFont(option.font);
    const QFontMetrics monoMetrics(mono);
    const int pad = fm.height() / 3;
    const QRect r = option.rect.adjusted(pad * 2, pad, -pad * 2, -pad);
    const int iconSize = fm.height();

    Icons::icon(statusIconName(*entry))
        .paint(painter, QRect(r.left(), r.top(), iconSize, iconSize));
    const int textLeft = r.left() + iconSize + pad * 2;

    // Line 1: title on the left; time, duration and status on the right.
    QString right = QLocale().toString(entry->startedAt.toLocalTime().time(), u"HH:mm:ss"_s);
    if (entry->running)
        right += u"  ·  "_s + (entry->background ? tr("running in background") : tr("running"));
    else
        right += u"  ·  "_s + tr("%1 ms").arg(entry->durationMs) + u"  ·  "_s + statusText(*entry);
    painter->setFont(option.font);
    painter->setPen(dim);
    const int rightWidth = fm.horizontalAdvance(right);
    painter->drawText(QRect(r.right() - rightWidth, r.top(), rightWidth, fm.height()),
                      Qt::AlignRight | Qt::AlignVCenter, right);
    const int titleWidth = r.right() - rightWidth - pad * 2 - textLeft;
    QFont titleFont = option.font;
    titleFont.setWeight(QFont::DemiBold);
    painter->setFont(titleFont);
    painter->setPen(textColour);
    painter->drawText(QRect(textLeft, r.top(), titleWidth, fm.height()),
                      Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(titleFont).elidedText(entry->title, Qt::ElideRight, titleWidth));

    // Line 2: the command as it ran.
    painter->setFont(mono);
    painter->setPen(textColour);
    const QRect commandRect(textLeft, r.top() + fm.height() + pad, r.right() - textLeft,
                            monoMetrics.height());
    painter->drawText(
        commandRect, Qt::AlignLeft | Qt::AlignVCenter,
        monoMetrics.elidedText(u"$ "_s + entry->shellLine, Qt::ElideRight, commandRect.width()));
    painter->restore();
}

}  // namespace obslab
