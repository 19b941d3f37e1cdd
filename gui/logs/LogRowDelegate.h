#pragma once

#include <QStyledItemDelegate>

namespace obslab {

// Paints the log table's special cells: trace ids on a tint of their trace's colour, response
// flags as badges, the raw line with its trace / request / status spans coloured, and a rule
// above the first line of a pod that replaced another one.
class LogRowDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit LogRowDelegate(QObject* parent = nullptr);

    void setRawMode(bool raw) { raw_ = raw; }

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

private:
    void paintTrace(QPainter* painter, const QStyleOptionViewItem& option,
                    const QModelIndex& index) const;
    void paintFlags(QPainter* painter, const QStyleOptionViewItem& option,
                    const QModelIndex& index) const;
    void paintRaw(QPainter* painter, const QStyleOptionViewItem& option,
                  const QModelIndex& index) const;
    void paintBase(QPainter* painter, const QStyleOptionViewItem& option,
                   const QModelIndex& index) const;

    bool raw_ = false;
};

}  // namespace obslab
