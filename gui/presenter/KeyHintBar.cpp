#include "gui/presenter/KeyHintBar.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

KeyHintBar::KeyHintBar(QWidget* parent)
    : QWidget(parent)
    , label_(new QLabel(this))
{
    setObjectName(u"keyHintBar"_s);
    label_->setTextFormat(Qt::RichText);
    label_->setAlignment(Qt::AlignCenter);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    layout->addWidget(label_);
}

void KeyHintBar::setHints(const QList<QPair<QString, QString>>& hints)
{
    hints_ = hints;
    render();
}

void KeyHintBar::render()
{
    // A key cap: bold on the highlight colour, which the high-contrast palette makes loud.
    const QString cap = u"<span style='background-color:%1; color:%2; font-weight:bold;'>"
                        "&nbsp;%3&nbsp;</span>&nbsp;%4"_s;
    QStringList parts;
    for (const auto& [key, what] : std::as_const(hints_)) {
        parts << cap.arg(palette().color(QPalette::Highlight).name(),
                         palette().color(QPalette::HighlightedText).name(), key.toHtmlEscaped(),
                         what.toHtmlEscaped());
    }
    label_->setText(parts.join(u"&nbsp;&nbsp;&nbsp;&nbsp;"_s));
}

void KeyHintBar::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange)
        render();
    QWidget::changeEvent(event);
}

QString KeyHintBar::plainText() const
{
    QStringList parts;
    for (const auto& [key, what] : hints_)
        parts << key + u' ' + what;
    return parts.join(u"  "_s);
}

}  // namespace obslab
