#pragma once

#include <QList>
#include <QPair>
#include <QWidget>

class QLabel;

namespace obslab {

// Presenter mode's bottom line: which keys do what ("PgDn next step", …), drawn as key caps.
class KeyHintBar : public QWidget
{
    Q_OBJECT
public:
    explicit KeyHintBar(QWidget* parent = nullptr);

    // (key, what it does), in order.
    void setHints(const QList<QPair<QString, QString>>& hints);
    QString plainText() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void render();
    QLabel* label_ = nullptr;
    QList<QPair<QString, QString>> hints_;
};

}  // namespace obslab
