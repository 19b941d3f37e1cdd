#include "gui/cluster/CodeEditor.h"

#include "gui/widgets/Tone.h"

#include <QEvent>
#include <QFontDatabase>
#include <QHelpEvent>
#include <QPainter>
#include <QTextBlock>
#include <QToolTip>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

class LineMargin : public QWidget
{
public:
    explicit LineMargin(CodeEditor* editor)
        : QWidget(editor)
        , editor_(editor)
    {
        setObjectName(u"lineMargin"_s);
    }
    QSize sizeHint() const override { return {editor_->marginWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent* event) override { editor_->paintMargin(event); }
    bool event(QEvent* event) override
    {
        if (event->type() == QEvent::ToolTip) {
            auto* help = static_cast<QHelpEvent*>(event);
            if (const CodeEditor::Mark* mark = editor_->markAt(help->pos()))
                QToolTip::showText(help->globalPos(), mark->message, this);
            else
                QToolTip::hideText();
            return true;
        }
        return QWidget::event(event);
    }

private:
    CodeEditor* editor_;
};

CodeEditor::CodeEditor(QWidget* parent)
    : QPlainTextEdit(parent)
    , margin_(new LineMargin(this))
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTabChangesFocus(false);
    connect(this, &QPlainTextEdit::blockCountChanged, this, &CodeEditor::updateMarginWidth);
    connect(this, &QPlainTextEdit::updateRequest, this, &CodeEditor::updateMargin);
    updateMarginWidth();
}

int CodeEditor::marginWidth() const
{
    int digits = 2;
    for (int max = std::max(1, blockCount()); max >= 10; max /= 10)
        ++digits;
    return 12 + fontMetrics().horizontalAdvance(u'9') * digits;
}

void CodeEditor::updateMarginWidth()
{
    setViewportMargins(marginWidth(), 0, 0, 0);
}

void CodeEditor::updateMargin(const QRect& rect, int dy)
{
    if (dy)
        margin_->scroll(0, dy);
    else
        margin_->update(0, rect.y(), margin_->width(), rect.height());
}

void CodeEditor::resizeEvent(QResizeEvent* event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect r = contentsRect();
    margin_->setGeometry(QRect(r.left(), r.top(), marginWidth(), r.height()));
}

void CodeEditor::setMarks(const QMap<int, Mark>& marks)
{
    marks_ = marks;
    margin_->update();
    updateSelections();
}

void CodeEditor::updateSelections()
{
    QList<QTextEdit::ExtraSelection> selections;
    for (auto it = marks_.cbegin(); it != marks_.cend(); ++it) {
        const QTextBlock block = document()->findBlockByNumber(it.key() - 1);
        if (!block.isValid())
            continue;
        QTextEdit::ExtraSelection s;
        s.cursor = QTextCursor(block);
        s.cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
        s.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        s.format.setUnderlineColor(toneAccent(it->error ? Tone::Danger : Tone::Warning, palette()));
        s.format.setToolTip(it->message);
        selections << s;
    }
    setExtraSelections(selections);
}

const CodeEditor::Mark* CodeEditor::markAt(const QPoint& marginPos) const
{
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    while (block.isValid() && top <= marginPos.y()) {
        const int bottom = top + qRound(blockBoundingRect(block).height());
        if (marginPos.y() < bottom) {
            const auto it = marks_.constFind(block.blockNumber() + 1);
            return it == marks_.cend() ? nullptr : &it.value();
        }
        block = block.next();
        top = bottom;
    }
    return nullptr;
}

void CodeEditor::goTo(int line, int column)
{
    const QTextBlock block = document()->findBlockByNumber(std::max(0, line - 1));
    if (!block.isValid())
        return;
    QTextCursor cursor(block);
    cursor.movePosition(QTextCursor::Right, QTextCursor::MoveAnchor,
                        std::clamp(column - 1, 0, std::max(0, block.length() - 1)));
    setTextCursor(cursor);
    centerCursor();
    setFocus();
}

void CodeEditor::paintMargin(QPaintEvent* event)
{
    QPainter painter(margin_);
    const QPalette pal = palette();
    painter.fillRect(event->rect(), pal.color(QPalette::AlternateBase));
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    const int lineHeight = fontMetrics().height();
    QColor number = pal.color(QPalette::Text);
    number.setAlphaF(0.5f);
    while (block.isValid() && top <= event->rect().bottom()) {
        const int height = qRound(blockBoundingRect(block).height());
        if (block.isVisible() && top + height >= event->rect().top()) {
            const int line = block.blockNumber() + 1;
            const auto mark = marks_.constFind(line);
            if (mark != marks_.cend()) {
                const Tone tone = mark->error ? Tone::Danger : Tone::Warning;
                painter.fillRect(0, top, margin_->width(), height, toneBackground(tone, pal));
                painter.setBrush(toneAccent(tone, pal));
                painter.setPen(Qt::NoPen);
                const int d = std::max(6, lineHeight / 2);
                painter.drawEllipse(3, top + (lineHeight - d) / 2, d, d);
            }
            painter.setPen(mark != marks_.cend() ? pal.color(QPalette::Text) : number);
            painter.setFont(font());
            painter.drawText(0, top, margin_->width() - 4, lineHeight, Qt::AlignRight,
                             QString::number(line));
        }
        block = block.next();
        top += height;
    }
}

}  // namespace obslab
