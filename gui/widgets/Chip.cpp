#include "gui/widgets/Chip.h"

#include <QEvent>
#include <QPainter>
#include <QPainterPath>

namespace obslab {

Chip::Chip(QWidget* parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
}

void Chip::setIcon(const QIcon& icon)
{
    icon_ = icon;
    updateGeometry();
    update();
}

void Chip::setCaption(const QString& caption)
{
    caption_ = caption;
    updateGeometry();
    update();
}

void Chip::setText(const QString& text)
{
    if (text_ == text)
        return;
    text_ = text;
    setAccessibleName(caption_.isEmpty() ? text : caption_ + u' ' + text);
    updateGeometry();
    update();
}

void Chip::setTone(Tone tone)
{
    tone_ = tone;
    update();
}

QFont Chip::captionFont() const
{
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    return f;
}

QFont Chip::valueFont() const
{
    QFont f = font();
    f.setWeight(QFont::DemiBold);
    return f;
}

QSize Chip::sizeHint() const
{
    const QFontMetrics fm(font());
    const int pad = fm.height() / 2;
    int width = pad;
    if (!icon_.isNull())
        width += fm.height() + pad / 2;
    if (!caption_.isEmpty())
        width += QFontMetrics(captionFont()).horizontalAdvance(caption_) + pad / 2;
    width += QFontMetrics(valueFont()).horizontalAdvance(text_) + pad;
    return {width, fm.height() + pad};
}

void Chip::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QFontMetrics fm(font());
    const int pad = fm.height() / 2;
    const QRectF box = QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5);
    const qreal radius = box.height() / 2;
    p.setPen(QPen(toneAccent(tone_, palette()), 1.0));
    p.setBrush(toneBackground(tone_, palette()));
    p.drawRoundedRect(box, radius, radius);

    int x = pad;
    const int iconSize = fm.height();
    if (!icon_.isNull()) {
        icon_.paint(&p, QRect(x, (height() - iconSize) / 2, iconSize, iconSize));
        x += iconSize + pad / 2;
    }
    if (!caption_.isEmpty()) {
        p.setFont(captionFont());
        QColor dim = palette().color(QPalette::WindowText);
        dim.setAlphaF(0.65f);
        p.setPen(dim);
        const int w = QFontMetrics(captionFont()).horizontalAdvance(caption_);
        p.drawText(QRect(x, 0, w, height()), Qt::AlignVCenter | Qt::AlignLeft, caption_);
        x += w + pad / 2;
    }
    p.setFont(valueFont());
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(x, 0, width() - x - pad / 2, height()), Qt::AlignVCenter | Qt::AlignLeft,
               text_);
}

void Chip::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange)
        updateGeometry();
    QWidget::changeEvent(event);
}

}  // namespace obslab
