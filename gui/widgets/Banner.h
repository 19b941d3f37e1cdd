#pragma once

#include "gui/widgets/Tone.h"

#include <QFrame>
#include <functional>

class QHBoxLayout;
class QLabel;
class QPushButton;
class QToolButton;

namespace obslab {

// An inline message across the window: icon, rich text (links open in the browser), action
// buttons and a close button. Errors are shown here rather than in modal dialogs.
class Banner : public QFrame
{
    Q_OBJECT
public:
    explicit Banner(QWidget* parent = nullptr);

    void setMessage(Tone tone, const QString& iconName, const QString& html);
    QString message() const;
    void clearActions();
    QPushButton* addAction(const QString& text, std::function<void()> onClicked);
    QSize sizeHint() const override;

Q_SIGNALS:
    void dismissed();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void updateIcon();

    Tone tone_ = Tone::Info;
    QString iconName_;
    QLabel* icon_ = nullptr;
    QLabel* text_ = nullptr;
    QHBoxLayout* actions_ = nullptr;
    QToolButton* close_ = nullptr;
};

}  // namespace obslab
