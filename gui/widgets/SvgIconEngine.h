#pragma once

#include <QByteArray>
#include <QHash>
#include <QIconEngine>
#include <QPixmap>

namespace obslab {

// Renders one SVG at exactly the requested size and device pixel ratio, so icons stay sharp at
// any scale. `currentColor` in the SVG becomes the application palette's text colour at paint
// time (disabled text for the Disabled mode), so monochrome icons follow light and dark themes.
// GUI thread only.
class SvgIconEngine : public QIconEngine
{
public:
    explicit SvgIconEngine(QByteArray svg);

    void paint(QPainter* painter, const QRect& rect, QIcon::Mode mode, QIcon::State state) override;
    QPixmap pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state) override;
    QPixmap scaledPixmap(const QSize& size, QIcon::Mode mode, QIcon::State state,
                         qreal scale) override;
    QSize actualSize(const QSize& size, QIcon::Mode mode, QIcon::State state) override;
    QIconEngine* clone() const override;
    QString key() const override;

private:
    QByteArray svg_;
    QHash<QString, QPixmap> cache_;  // key: size, scale, mode, colour
};

}  // namespace obslab
