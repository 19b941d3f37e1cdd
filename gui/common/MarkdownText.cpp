#include "gui/common/MarkdownText.h"

#include <QRegularExpression>
#include <QTextBlock>
#include <QTextCursor>
#include <QTextDocument>

using namespace Qt::Literals::StringLiterals;

namespace obslab::markdowntext {

void followWidgetFont(QTextDocument* document)
{
    QTextCursor cursor(document);
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            QTextCharFormat format = fragment.charFormat();
            if (!format.hasProperty(QTextFormat::FontPointSize) &&
                !format.hasProperty(QTextFormat::FontPixelSize))
                continue;
            format.clearProperty(QTextFormat::FontPointSize);
            format.clearProperty(QTextFormat::FontPixelSize);
            cursor.setPosition(fragment.position());
            cursor.setPosition(fragment.position() + fragment.length(), QTextCursor::KeepAnchor);
            cursor.setCharFormat(format);
        }
    }
}

QString toHtml(const QString& markdown)
{
    QTextDocument doc;
    doc.setMarkdown(markdown);
    followWidgetFont(&doc);
    // toHtml() writes the font of the moment into <body style="font-family…; font-size…">.
    static const QRegularExpression bodyStyle(u"<body style=\"[^\"]*\">"_s);
    return doc.toHtml().replace(bodyStyle, u"<body>"_s);
}

}  // namespace obslab::markdowntext
