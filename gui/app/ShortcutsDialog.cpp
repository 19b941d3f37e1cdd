#include "gui/app/ShortcutsDialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QScreen>
#include <QTableWidget>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

ShortcutsDialog::ShortcutsDialog(const QList<QAction*>& actions, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Keyboard shortcuts"));
    auto* table = new QTableWidget(this);
    table->setColumnCount(2);
    table->setHorizontalHeaderLabels({tr("Action"), tr("Shortcut")});
    table->verticalHeader()->hide();
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionMode(QAbstractItemView::NoSelection);
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    for (QAction* action : actions) {
        if (action->shortcut().isEmpty())
            continue;
        const int row = table->rowCount();
        table->insertRow(row);
        QString text = action->text();
        text.remove(u'&');
        text.remove(u"…"_s);
        table->setItem(row, 0, new QTableWidgetItem(text));
        table->setItem(row, 1,
                       new QTableWidgetItem(action->shortcut().toString(QKeySequence::NativeText)));
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(table);
    layout->addWidget(buttons);
    // Every row at once when the screen allows (the table scrolls when it does not): the width
    // of its columns, the height of its rows, within the screen's available geometry.
    table->resizeColumnsToContents();
    table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table->resizeRowsToContents();
    int rows = 0;
    for (int r = 0; r < table->rowCount(); ++r)
        rows += table->rowHeight(r);
    const int frame = table->frameWidth() * 2;
    const int em = fontMetrics().height();
    QSize want(qMax(em * 26, table->horizontalHeader()->length() + frame + em * 2),
               table->horizontalHeader()->sizeHint().height() + rows + frame +
                   buttons->sizeHint().height() + layout->contentsMargins().top() +
                   layout->contentsMargins().bottom() + layout->spacing() + em / 2);
    if (const QScreen* s = parent ? parent->screen() : screen())
        want = want.boundedTo(s->availableGeometry().size() * 0.9);
    resize(want);
}

}  // namespace obslab
