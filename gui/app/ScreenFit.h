#pragma once

#include <QObject>

class QWidget;

namespace obslab {

// Keeps every window of the application on its screen: when a dialog (or any top-level window
// but the main one) is shown, it is shrunk to the screen's available geometry and moved inside
// it, so its buttons never end up below a 768-pixel screen. Install once on the application
// (MainWindow does). GUI thread.
class ScreenFit : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Shrinks and moves window into its screen's available geometry; true when it changed.
    static bool fit(QWidget* window);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
};

}  // namespace obslab
