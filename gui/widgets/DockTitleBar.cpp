#include "gui/widgets/DockTitleBar.h"

#include <QDockWidget>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QStyle>
#include <QToolButton>

namespace obslab {

DockTitleBar::DockTitleBar(QDockWidget* dock)
    : QWidget(dock)
    , dock_(dock)
    , icon_(new QLabel(this))
    , title_(new QLabel(this))
    , float_(new QToolButton(this))
{
    title_->setText(dock->windowTitle());
    QFont bold = font();
    bold.setWeight(QFont::DemiBold);
    title_->setFont(bold);
    float_->setAutoRaise(true);
    float_->setIcon(style()->standardIcon(QStyle::SP_TitleBarNormalButton));
    float_->setToolTip(tr("Float or dock this area"));
    float_->setAccessibleName(tr("Float %1").arg(dock->windowTitle()));
    float_->setFocusPolicy(Qt::NoFocus);
    connect(float_, &QToolButton::clicked, dock,
            [dock] { dock->setFloating(!dock->isFloating()); });
    connect(dock, &QDockWidget::windowTitleChanged, title_, &QLabel::setText);

    auto* layout = new QHBoxLayout(this);
    const int pad = fontMetrics().height() / 3;
    layout->setContentsMargins(pad * 2, pad, pad, pad);
    layout->setSpacing(pad * 2);
    layout->addWidget(icon_);
    layout->addWidget(title_, 1);
    layout->addWidget(float_);
    updateIcon();
}

void DockTitleBar::setCollapsed(bool collapsed)
{
    if (collapsed_ == collapsed)
        return;
    collapsed_ = collapsed;
    for (QWidget* child : {static_cast<QWidget*>(icon_), static_cast<QWidget*>(title_),
                           static_cast<QWidget*>(float_)})
        child->setVisible(!collapsed);
    updateGeometry();
}

QSize DockTitleBar::sizeHint() const
{
    if (collapsed_)
        return {0, 0};
    return QWidget::sizeHint();
}

void DockTitleBar::updateIcon()
{
    const int size = fontMetrics().height();
    icon_->setPixmap(dock_->windowIcon().pixmap(QSize(size, size), devicePixelRatioF()));
}

void DockTitleBar::paintEvent(QPaintEvent*)
{
    if (collapsed_)
        return;
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Window));
    p.setPen(palette().color(QPalette::Mid));
    p.drawLine(rect().bottomLeft(), rect().bottomRight());
}

void DockTitleBar::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange)
        updateIcon();
    QWidget::changeEvent(event);
}

}  // namespace obslab
