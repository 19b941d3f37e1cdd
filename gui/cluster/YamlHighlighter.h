#pragma once

#include <QSyntaxHighlighter>

namespace obslab {

// YAML colouring for the manifest editor: keys, strings, numbers and booleans, comments,
// document markers, anchors and tags. Line by line (no multi-line state), colours from the
// palette so it reads on light and dark themes. GUI thread.
class YamlHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit YamlHighlighter(QTextDocument* document);

protected:
    void highlightBlock(const QString& text) override;
};

// Unified-diff colouring (`kubectl diff`): additions, removals, hunk and file headers.
class DiffHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit DiffHighlighter(QTextDocument* document);

protected:
    void highlightBlock(const QString& text) override;
};

}  // namespace obslab
