#pragma once

#include <QMap>
#include <QPlainTextEdit>

namespace obslab {

// A plain-text editor with a line-number margin that marks lines with problems (red for errors,
// amber for warnings; the margin's tooltip and the line's underline say what). GUI thread.
class CodeEditor : public QPlainTextEdit
{
    Q_OBJECT
public:
    struct Mark
    {
        bool error = true;
        QString message;
    };

    explicit CodeEditor(QWidget* parent = nullptr);

    // Marks by 1-based line; replaces the previous marks.
    void setMarks(const QMap<int, Mark>& marks);
    const QMap<int, Mark>& marks() const { return marks_; }
    // Moves the cursor to a 1-based line and column and shows it.
    void goTo(int line, int column);

    int marginWidth() const;
    QWidget* margin() const { return margin_; }
    // The mark under a margin position (for its tooltip); nullptr when none.
    const Mark* markAt(const QPoint& marginPos) const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    friend class LineMargin;
    void paintMargin(QPaintEvent* event);
    void updateMarginWidth();
    void updateMargin(const QRect& rect, int dy);
    void updateSelections();

    QWidget* margin_ = nullptr;
    QMap<int, Mark> marks_;
};

}  // namespace obslab
