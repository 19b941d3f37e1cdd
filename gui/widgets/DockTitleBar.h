#pragma once

#include <QWidget>

class QDockWidget;
class QLabel;
class QToolButton;

namespace obslab {

// A quiet title bar for an area's dock: icon, title and a float/dock button, sized from the
// font. Collapsed to nothing while the dock sits in a tab group, whose tabs already name it
// (and can be dragged to move it).
class DockTitleBar : public QWidget
{
    Q_OBJECT
public:
    explicit DockTitleBar(QDockWidget* dock);

    void setCollapsed(bool collapsed);
    bool isCollapsed() const { return collapsed_; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void updateIcon();

    QDockWidget* dock_ = nullptr;
    QLabel* icon_ = nullptr;
    QLabel* title_ = nullptr;
    QToolButton* float_ = nullptr;
    bool collapsed_ = false;
};

}  // namespace obslab
