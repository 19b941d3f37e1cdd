#pragma once

#include <QWidget>
#include <functional>

class QHBoxLayout;
class QLabel;
class QPushButton;
class QVBoxLayout;

namespace obslab {

// What an area shows when it has nothing yet: a large icon, a title, a sentence of what the area
// does, and the next actions as buttons, centred. Sizes follow the font (crisp at any scale).
class EmptyState : public QWidget
{
    Q_OBJECT
public:
    explicit EmptyState(QWidget* parent = nullptr);

    void setIconName(const QString& name);
    void setTitle(const QString& title);
    QString title() const;
    // Rich text; links open in the system browser.
    void setText(const QString& html);
    QString text() const;
    // A smaller line under the buttons ("or drop a file here").
    void setFootnote(const QString& html);
    // An optional widget between the text and the buttons (a details form); owned by this.
    void setDetails(QWidget* details);

    // Compact: a small icon and title, for areas that are often short (the Console).
    void setCompact(bool compact);

    void clearActions();
    // The first action added is the primary (default) button.
    QPushButton* addAction(const QString& text, const QString& iconName,
                           std::function<void()> onClicked);

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateFonts();
    void updateIcon();

    QString iconName_;
    QLabel* icon_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* text_ = nullptr;
    QLabel* footnote_ = nullptr;
    QWidget* body_ = nullptr;
    QVBoxLayout* column_ = nullptr;
    QVBoxLayout* detailsSlot_ = nullptr;
    QWidget* details_ = nullptr;
    QHBoxLayout* actions_ = nullptr;
    bool updatingFonts_ = false;
    bool compact_ = false;
};

}  // namespace obslab
