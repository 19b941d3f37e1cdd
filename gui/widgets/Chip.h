#pragma once

#include "gui/widgets/Tone.h"

#include <QIcon>
#include <QWidget>

namespace obslab {

// A rounded label with an icon, a small caption and a value ("context  kind-obslab"), tinted by
// its tone. Sized from the font, so it scales with the font and the screen.
class Chip : public QWidget
{
    Q_OBJECT
public:
    explicit Chip(QWidget* parent = nullptr);

    void setIcon(const QIcon& icon);
    void setCaption(const QString& caption);
    void setText(const QString& text);
    QString text() const { return text_; }
    void setTone(Tone tone);
    Tone tone() const { return tone_; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    QFont captionFont() const;
    QFont valueFont() const;

    QIcon icon_;
    QString caption_;
    QString text_;
    Tone tone_ = Tone::Neutral;
};

}  // namespace obslab
