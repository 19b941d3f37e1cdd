#pragma once

#include <QFrame>

class QLabel;

namespace obslab {

// Presenter mode's big line across the top: the command running now (or the last one, with how
// it ended), in large monospace type, so the back row can read it. Redacted text only.
class CommandBanner : public QFrame
{
    Q_OBJECT
public:
    explicit CommandBanner(QWidget* parent = nullptr);

    QString commandText() const;
    QString stateText() const;

public Q_SLOTS:
    void showCommand(const QString& shellLine, const QString& title);
    void showFinished(bool ok, const QString& how);
    // The command the current step runs next (empty: the step runs none), before it runs.
    void showUpcoming(const QString& shellLine, const QString& title);
    void clear();

protected:
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void updateFonts();
    void updateElided();
    QString full_;
    QLabel* title_ = nullptr;
    QLabel* command_ = nullptr;
    QLabel* state_ = nullptr;
};

}  // namespace obslab
