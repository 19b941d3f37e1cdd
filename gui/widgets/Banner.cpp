#include "gui/widgets/Banner.h"

#include "gui/widgets/Icons.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QResizeEvent>
#include <QToolButton>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

Banner::Banner(QWidget* parent)
    : QFrame(parent)
    , icon_(new QLabel(this))
    , text_(new QLabel(this))
    , actions_(new QHBoxLayout)
    , close_(new QToolButton(this))
{
    setObjectName(u"banner"_s);
    text_->setWordWrap(true);
    text_->setTextFormat(Qt::RichText);
    text_->setOpenExternalLinks(true);
    text_->setTextInteractionFlags(Qt::TextBrowserInteraction);
    text_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    close_->setAutoRaise(true);
    close_->setText(u"✕"_s);
    close_->setToolTip(tr("Dismiss"));
    close_->setAccessibleName(tr("Dismiss"));
    connect(close_, &QToolButton::clicked, this, [this] {
        hide();
        Q_EMIT dismissed();
    });

    auto* layout = new QHBoxLayout(this);
    const int pad = fontMetrics().height() / 2;
    layout->setContentsMargins(pad * 2, pad, pad, pad);
    layout->setSpacing(pad * 2);
    layout->addWidget(icon_, 0, Qt::AlignVCenter);
    layout->addWidget(text_, 1);
    layout->addLayout(actions_);
    layout->addWidget(close_, 0, Qt::AlignVCenter);
}

void Banner::setMessage(Tone tone, const QString& iconName, const QString& html)
{
    tone_ = tone;
    iconName_ = iconName;
    text_->setText(html);
    updateIcon();
    update();
}

QString Banner::message() const
{
    return text_->text();
}

void Banner::clearActions()
{
    while (QLayoutItem* item = actions_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
}

QPushButton* Banner::addAction(const QString& text, std::function<void()> onClicked)
{
    auto* button = new QPushButton(text, this);
    connect(button, &QPushButton::clicked, this,
            [onClicked = std::move(onClicked)] { onClicked(); });
    actions_->addWidget(button);
    return button;
}

void Banner::updateIcon()
{
    const int size = fontMetrics().height() * 3 / 2;
    icon_->setPixmap(Icons::icon(iconName_).pixmap(QSize(size, size), devicePixelRatioF()));
}

QSize Banner::sizeHint() const
{
    // Toolbars ignore height-for-width; without this the wrapped text would be measured at a
    // narrow default width and the banner would be far too tall.
    QSize hint = QFrame::sizeHint();
    if (width() > 0 && layout() && layout()->hasHeightForWidth())
        hint.setHeight(layout()->totalHeightForWidth(width()));
    return hint;
}

void Banner::resizeEvent(QResizeEvent* event)
{
    QFrame::resizeEvent(event);
    if (event->oldSize().width() != event->size().width())
        updateGeometry();
}

void Banner::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), toneBackground(tone_, palette()));
    const int stripe = qMax(3, fontMetrics().height() / 5);
    p.fillRect(QRect(0, 0, stripe, height()), toneAccent(tone_, palette()));
    p.setPen(palette().color(QPalette::Mid));
    p.drawLine(rect().bottomLeft(), rect().bottomRight());
}

void Banner::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange)
        updateIcon();
    QFrame::changeEvent(event);
}

}  // namespace obslab
