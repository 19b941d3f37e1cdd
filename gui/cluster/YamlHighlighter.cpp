#include "gui/cluster/YamlHighlighter.h"

#include "gui/widgets/Tone.h"

#include <QGuiApplication>
#include <QPalette>
#include <QRegularExpression>
#include <QTextDocument>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

QTextCharFormat colour(Tone tone, bool bold = false)
{
    QTextCharFormat f;
    f.setForeground(toneAccent(tone, QGuiApplication::palette()));
    if (bold)
        f.setFontWeight(QFont::Bold);
    return f;
}

QTextCharFormat muted()
{
    QTextCharFormat f;
    QColor c = QGuiApplication::palette().color(QPalette::Text);
    c.setAlphaF(0.55f);
    f.setForeground(c);
    f.setFontItalic(true);
    return f;
}

}  // namespace

YamlHighlighter::YamlHighlighter(QTextDocument* document)
    : QSyntaxHighlighter(document)
{}

void YamlHighlighter::highlightBlock(const QString& text)
{
    static const QRegularExpression key(
        uR"(^(\s*(?:-\s+)*)([^\s#'"][^:#]*?|"[^"]*"|'[^']*')\s*:(?=\s|$))"_s);
    static const QRegularExpression scalar(uR"(:\s+(.+?)\s*$)"_s);
    static const QRegularExpression quoted(uR"("(?:[^"\\]|\\.)*"?|'(?:[^']|'')*'?)"_s);
    static const QRegularExpression number(uR"(^(?:-?\d+(?:\.\d+)?|true|false|null|~|yes|no)$)"_s);
    static const QRegularExpression anchor(uR"((?:^|\s)([&*!][^\s,\]}]+))"_s);

    if (text.startsWith(u"---"_s) || text.startsWith(u"..."_s)) {
        setFormat(0, 3, colour(Tone::Info, true));
    }
    // A comment starts at '#' at line start or after whitespace, outside quotes.
    qsizetype commentAt = -1;
    QChar quote;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
            continue;
        }
        if ((c == u'"' || c == u'\'') &&
            (i == 0 || text.at(i - 1).isSpace() || text.at(i - 1) == u':' ||
             text.at(i - 1) == u'[' || text.at(i - 1) == u'{' || text.at(i - 1) == u',')) {
            quote = c;
        } else if (c == u'#' && (i == 0 || text.at(i - 1).isSpace())) {
            commentAt = i;
            break;
        }
    }
    const QString code = commentAt >= 0 ? text.left(commentAt) : text;

    const auto k = key.match(code);
    if (k.hasMatch())
        setFormat(int(k.capturedStart(2)), int(k.capturedLength(2)), colour(Tone::Info, true));
    const auto value = scalar.match(code, k.hasMatch() ? k.capturedEnd(2) : 0);
    if (value.hasMatch() && number.match(value.captured(1)).hasMatch())
        setFormat(int(value.capturedStart(1)), int(value.capturedLength(1)), colour(Tone::Warning));
    auto strings = quoted.globalMatch(code);
    while (strings.hasNext()) {
        const auto m = strings.next();
        setFormat(int(m.capturedStart()), int(m.capturedLength()), colour(Tone::Good));
    }
    auto anchors = anchor.globalMatch(code);
    while (anchors.hasNext()) {
        const auto m = anchors.next();
        setFormat(int(m.capturedStart(1)), int(m.capturedLength(1)), colour(Tone::Danger));
    }
    if (commentAt >= 0)
        setFormat(int(commentAt), int(text.size() - commentAt), muted());
}

DiffHighlighter::DiffHighlighter(QTextDocument* document)
    : QSyntaxHighlighter(document)
{}

void DiffHighlighter::highlightBlock(const QString& text)
{
    const QPalette palette = QGuiApplication::palette();
    QTextCharFormat f;
    if (text.startsWith(u"+++"_s) || text.startsWith(u"---"_s) || text.startsWith(u"diff "_s)) {
        f.setFontWeight(QFont::Bold);
    } else if (text.startsWith(u"@@"_s)) {
        f.setForeground(toneAccent(Tone::Info, palette));
    } else if (text.startsWith(u'+')) {
        f.setForeground(toneAccent(Tone::Good, palette));
        f.setBackground(toneBackground(Tone::Good, palette));
    } else if (text.startsWith(u'-')) {
        f.setForeground(toneAccent(Tone::Danger, palette));
        f.setBackground(toneBackground(Tone::Danger, palette));
    } else {
        return;
    }
    setFormat(0, int(text.size()), f);
}

}  // namespace obslab
