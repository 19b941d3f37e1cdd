#pragma once

#include <QPointer>
#include <QStyledItemDelegate>

namespace obslab {

class Transcript;
struct TranscriptEntry;

// Paints one Transcript entry in two lines: status icon, title, time and duration above; the
// command exactly as it ran, in monospace, below. Heights follow the fonts.
class TranscriptDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit TranscriptDelegate(Transcript* transcript, QObject* parent = nullptr);

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;

    static QFont monospaceFont(const QFont& base);
    static QString statusIconName(const TranscriptEntry& entry);
    // "exit 1", "timed out", …; `kubectl diff`'s exit 1 is "differences found".
    static QString statusText(const TranscriptEntry& entry);
    static bool diffDiffers(const TranscriptEntry& entry);

private:
    QPointer<Transcript> transcript_;
};

}  // namespace obslab
