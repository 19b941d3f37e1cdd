#pragma once

#include <QDialog>
#include <QList>

class QAction;

namespace obslab {

// Help › Keyboard shortcuts: every action that has one, read from the actions themselves so the
// list cannot go stale.
class ShortcutsDialog : public QDialog
{
    Q_OBJECT
public:
    ShortcutsDialog(const QList<QAction*>& actions, QWidget* parent = nullptr);
};

}  // namespace obslab
