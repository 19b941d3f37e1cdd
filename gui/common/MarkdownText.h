#pragma once

#include <QString>

class QTextDocument;

namespace obslab::markdowntext {

// Qt's Markdown import gives inline and block code the system's fixed font *with its point
// size*, so code stays at that size while the text around it follows the widget's font (the
// type scale, presenter mode). This drops every explicit font size from the document, so that
// all of it follows the font of the widget that shows it.
void followWidgetFont(QTextDocument* document);

// Markdown as HTML for a rich-text QLabel, with no font of its own (no size on <body>, none on
// code): the label's font decides.
QString toHtml(const QString& markdown);

}  // namespace obslab::markdowntext
