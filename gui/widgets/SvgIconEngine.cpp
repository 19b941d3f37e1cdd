#include "gui/widgets/SvgIconEngine.h"

#include <QGuiApplication>
#include <QPainter>
#include <QPalette>
#include <QSvgRenderer>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
QColor colourFor(QIcon::Mode mode)
{
    const QPalette palette = QGuiApplication::palette();
    if (mode == QIcon::Disabled)
        return palette.color(QPalette::Disabled, QPalette::WindowText);
    if (mode == QIcon::Selected)
        return palette.color(QPalette::HighlightedText);
    return palette.color(QPalette::WindowText);
}
}  // namespace

SvgIconEngine::SvgIconEngine(QByteArray svg)
    : svg_(std::move(svg))
{}

void SvgIconEngine::paint(QPainter* painter, const QRect& rect, QIcon::Mode mode,
                          QIcon::State state)
{
    const qreal scale = painter->device() ? painter->device()->devicePixelRatioF() : 1.0;
    painter->drawPixmap(rect, scaledPixmap(rect.size(), mode, state, scale));
}

QPixmap SvgIconEngine::pixmap(const QSize& size, QIcon::Mode mode, QIcon::State state)
{
    return scaledPixmap(size, mode, state, 1.0);
}

QPixmap SvgIconEngine::scaledPixmap(const QSize& size, QIcon::Mode mode, QIcon::State, qreal scale)
{
    const QColor colour = colourFor(mode);
    const QString cacheKey = u"%1x%2@%3/%4/%5"_s.arg(size.width())
                                 .arg(size.height())
                                 .arg(scale)
                                 .arg(int(mode))
                                 .arg(colour.rgba());
    if (const auto it = cache_.constFind(cacheKey); it != cache_.constEnd())
        return *it;

    QByteArray data = svg_;
    data.replace("currentColor", colour.name(QColor::HexRgb).toLatin1());
    QSvgRenderer renderer(data);
    QPixmap pixmap(size * scale);
    pixmap.fill(Qt::transparent);
    if (renderer.isValid() && !size.isEmpty()) {
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        renderer.render(&painter, QRectF(QPointF(0, 0), QSizeF(size * scale)));
        painter.end();
        // Full-colour icons keep their colours; when disabled they fade like Qt's own icons.
        if (mode == QIcon::Disabled && !svg_.contains("currentColor")) {
            QPixmap faded(pixmap.size());
            faded.fill(Qt::transparent);
            QPainter fader(&faded);
            fader.setOpacity(0.4);
            fader.drawPixmap(0, 0, pixmap);
            fader.end();
            pixmap = faded;
        }
    }
    pixmap.setDevicePixelRatio(scale);
    if (cache_.size() > 64)
        cache_.clear();
    cache_.insert(cacheKey, pixmap);
    return pixmap;
}

QSize SvgIconEngine::actualSize(const QSize& size, QIcon::Mode, QIcon::State)
{
    return size;
}

QIconEngine* SvgIconEngine::clone() const
{
    return new SvgIconEngine(svg_);
}

QString SvgIconEngine::key() const
{
    return u"obslab-svg"_s;
}

}  // namespace obslab
