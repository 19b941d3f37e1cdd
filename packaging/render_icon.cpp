// Build-time tool: renders the app's SVG icon to a square PNG (the hicolor theme's sizes).
#include <QDir>
#include <QFileInfo>
#include <QGuiApplication>
#include <QImage>
#include <QPainter>
#include <QSvgRenderer>

#include <cstdio>

int main(int argc, char** argv)
{
    QGuiApplication app(argc, argv);
    const QStringList args = QCoreApplication::arguments();
    if (args.size() != 4) {
        std::fprintf(stderr, "usage: obslab_render_icon SVG SIZE PNG\n");
        return 2;
    }
    QSvgRenderer renderer(args.at(1));
    bool ok = false;
    const int size = args.at(2).toInt(&ok);
    if (!renderer.isValid() || !ok || size <= 0) {
        std::fprintf(stderr, "obslab_render_icon: cannot render %s at %s\n", qPrintable(args.at(1)),
                     qPrintable(args.at(2)));
        return 1;
    }
    QImage image(size, size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::transparent);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    renderer.render(&painter);
    painter.end();
    const QString out = args.at(3);
    QDir().mkpath(QFileInfo(out).absolutePath());
    return image.save(out, "PNG") ? 0 : 1;
}
