#include "gui/widgets/EmptyState.h"

#include "gui/widgets/Icons.h"

#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

EmptyState::EmptyState(QWidget* parent)
    : QWidget(parent)
    , icon_(new QLabel(this))
    , title_(new QLabel(this))
    , text_(new QLabel(this))
    , footnote_(new QLabel(this))
    , detailsSlot_(new QVBoxLayout)
    , actions_(new QHBoxLayout)
{
    icon_->setAlignment(Qt::AlignCenter);
    title_->setAlignment(Qt::AlignCenter);
    title_->setWordWrap(true);
    title_->setObjectName(u"emptyStateTitle"_s);
    for (QLabel* label : {text_, footnote_}) {
        label->setAlignment(Qt::AlignCenter);
        label->setWordWrap(true);
        label->setTextFormat(Qt::RichText);
        label->setOpenExternalLinks(true);
        label->setTextInteractionFlags(Qt::TextBrowserInteraction);
    }
    text_->setObjectName(u"emptyStateText"_s);
    footnote_->setVisible(false);

    // The column is centred and no wider than a comfortable reading measure.
    body_ = new QWidget;
    auto* column = new QVBoxLayout(body_);
    column->setContentsMargins(0, 0, 0, 0);
    column_ = column;
    column->addWidget(icon_);
    column->addWidget(title_);
    column->addWidget(text_);
    column->addLayout(detailsSlot_);
    auto* actionsRow = new QHBoxLayout;
    actionsRow->addStretch();
    actionsRow->addLayout(actions_);
    actionsRow->addStretch();
    column->addLayout(actionsRow);
    column->addWidget(footnote_);

    // In a short dock the content scrolls rather than being clipped.
    auto* content = new QWidget;
    content->setAutoFillBackground(false);
    auto* centred = new QGridLayout(content);
    centred->setRowStretch(0, 3);
    centred->setRowStretch(2, 4);
    centred->setColumnStretch(0, 1);
    centred->setColumnStretch(1, 100);
    centred->setColumnStretch(2, 1);
    centred->addWidget(body_, 1, 1);
    auto* scroll = new QScrollArea(this);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setWidget(content);
    scroll->viewport()->setAutoFillBackground(false);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);
    updateFonts();
}

void EmptyState::setIconName(const QString& name)
{
    iconName_ = name;
    updateIcon();
}

void EmptyState::setTitle(const QString& title)
{
    title_->setText(title);
}

QString EmptyState::title() const
{
    return title_->text();
}

void EmptyState::setText(const QString& html)
{
    text_->setText(html);
}

QString EmptyState::text() const
{
    return text_->text();
}

void EmptyState::setFootnote(const QString& html)
{
    footnote_->setText(html);
    footnote_->setVisible(!html.isEmpty());
}

void EmptyState::setDetails(QWidget* details)
{
    if (details_ == details)
        return;
    if (details_)
        details_->deleteLater();
    details_ = details;
    if (details_)
        detailsSlot_->addWidget(details_, 0, Qt::AlignHCenter);
}

void EmptyState::setCompact(bool compact)
{
    compact_ = compact;
    updateFonts();
}

void EmptyState::clearActions()
{
    while (QLayoutItem* item = actions_->takeAt(0)) {
        delete item->widget();
        delete item;
    }
}

QPushButton* EmptyState::addAction(const QString& text, const QString& iconName,
                                   std::function<void()> onClicked)
{
    auto* button = new QPushButton(text, this);
    if (!iconName.isEmpty())
        button->setIcon(Icons::icon(iconName));
    if (actions_->count() == 0)
        button->setDefault(true);
    connect(button, &QPushButton::clicked, this,
            [onClicked = std::move(onClicked)] { onClicked(); });
    actions_->addWidget(button);
    return button;
}

void EmptyState::updateFonts()
{
    // Setting child fonts sends us no FontChange, but guard anyway: it is cheap.
    updatingFonts_ = true;
    QFont titleFont = font();
    titleFont.setPointSizeF(font().pointSizeF() * (compact_ ? 1.15 : 1.5));
    titleFont.setWeight(QFont::DemiBold);
    title_->setFont(titleFont);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.9);
    footnote_->setFont(small);

    QPalette dim = palette();
    QColor text = dim.color(QPalette::WindowText);
    text.setAlphaF(0.75f);
    dim.setColor(QPalette::WindowText, text);
    text_->setPalette(dim);
    footnote_->setPalette(dim);

    const int em = fontMetrics().height();
    column_->setSpacing(compact_ ? em / 3 : em);
    body_->setMaximumWidth(em * 36);
    body_->setMinimumWidth(qMin(em * 36, em * 16));
    actions_->setSpacing(em / 2);
    updatingFonts_ = false;
    updateIcon();
}

void EmptyState::updateIcon()
{
    if (iconName_.isEmpty()) {
        icon_->clear();
        return;
    }
    const int size = fontMetrics().height() * (compact_ ? 2 : 4);
    icon_->setPixmap(Icons::icon(iconName_).pixmap(QSize(size, size), devicePixelRatioF()));
}

void EmptyState::changeEvent(QEvent* event)
{
    if (!updatingFonts_ &&
        (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange))
        updateFonts();
    QWidget::changeEvent(event);
}

}  // namespace obslab
