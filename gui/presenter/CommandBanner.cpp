#include "gui/presenter/CommandBanner.h"

#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QResizeEvent>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

CommandBanner::CommandBanner(QWidget* parent)
    : QFrame(parent)
    , title_(new QLabel(this))
    , command_(new QLabel(this))
    , state_(new QLabel(this))
{
    setObjectName(u"commandBanner"_s);
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    command_->setObjectName(u"commandBannerText"_s);
    command_->setTextFormat(Qt::PlainText);
    // One line, elided in the middle (the program and the last arguments stay readable): the full
    // command is in the tooltip and the Console.
    command_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    title_->setForegroundRole(QPalette::PlaceholderText);
    state_->setAlignment(Qt::AlignRight | Qt::AlignVCenter);

    auto* text = new QVBoxLayout;
    text->setSpacing(0);
    text->addWidget(title_);
    text->addWidget(command_);
    auto* layout = new QHBoxLayout(this);
    layout->addLayout(text, 1);
    layout->addWidget(state_);
    updateFonts();
    clear();
}

void CommandBanner::updateFonts()
{
    // Twice the application's size, whatever it is now (presenter mode scales it further).
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    const QFont base = font();
    if (base.pointSizeF() > 0)
        mono.setPointSizeF(base.pointSizeF() * 1.5);
    else
        mono.setPixelSize(base.pixelSize() * 3 / 2);
    mono.setBold(true);
    command_->setFont(mono);
    updateElided();
    QFont big = base;
    if (base.pointSizeF() > 0)
        big.setPointSizeF(base.pointSizeF() * 1.2);
    state_->setFont(big);
}

void CommandBanner::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::FontChange)
        updateFonts();
    QFrame::changeEvent(event);
}

void CommandBanner::resizeEvent(QResizeEvent* event)
{
    QFrame::resizeEvent(event);
    updateElided();
}

void CommandBanner::updateElided()
{
    command_->setText(
        command_->fontMetrics().elidedText(full_, Qt::ElideMiddle, qMax(0, command_->width())));
    command_->setToolTip(full_);
}

QString CommandBanner::commandText() const
{
    return full_;
}

QString CommandBanner::stateText() const
{
    return state_->text();
}

void CommandBanner::showCommand(const QString& shellLine, const QString& title)
{
    title_->setText(title);
    full_ = u"$ "_s + shellLine;
    updateElided();
    state_->setText(tr("running…"));
}

void CommandBanner::showUpcoming(const QString& shellLine, const QString& title)
{
    if (shellLine.isEmpty()) {
        title_->setText(tr("This step runs no command"));
        full_ = u"$ "_s;
    } else {
        title_->setText(tr("Next: %1").arg(title));
        full_ = u"$ "_s + shellLine;
    }
    updateElided();
    state_->clear();
}

void CommandBanner::showFinished(bool ok, const QString& how)
{
    state_->setText((ok ? u"✓ "_s : u"✗ "_s) + how);
}

void CommandBanner::clear()
{
    title_->setText(tr("The command that runs shows here"));
    full_ = u"$ "_s;
    updateElided();
    state_->clear();
}

}  // namespace obslab
