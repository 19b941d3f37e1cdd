#include "gui/logs/WholeLineViewer.h"

#include "core/logs/LogFile.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

bool isContinuation(char c)
{
    return (static_cast<unsigned char>(c) & 0xc0) == 0x80;
}

// Control characters as their visible pictures, so a row is one line of text and no terminal
// sequence or tab reaches the screen raw.
QString visible(QString text)
{
    for (QChar& c : text) {
        const char16_t u = c.unicode();
        if (u < 0x20)
            c = QChar(char16_t(0x2400 + u));
        else if (u == 0x7f)
            c = QChar(char16_t(0x2421));
    }
    return text;
}

}  // namespace

LineChunkModel::LineChunkModel(QObject* parent)
    : QAbstractListModel(parent)
    , rows_(512)
{}

void LineChunkModel::setLine(qint64 length, Reader reader)
{
    beginResetModel();
    length_ = std::max<qint64>(length, 0);
    reader_ = std::move(reader);
    rows_.clear();
    endResetModel();
}

void LineChunkModel::clear()
{
    setLine(0, {});
}

int LineChunkModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid())
        return 0;
    const qint64 rows = (length_ + kRowBytes - 1) / kRowBytes;
    return int(std::min<qint64>(rows, std::numeric_limits<int>::max()));
}

QString LineChunkModel::rowText(int row) const
{
    if (row < 0 || row >= rowCount() || !reader_)
        return {};
    if (const QString* cached = rows_.object(row))
        return *cached;
    // Read the row plus 3 bytes on each side: a character cut by the row's start belongs to the
    // row before, one cut by its end is completed here.
    const qint64 start = qint64(row) * kRowBytes;
    const qint64 from = std::max<qint64>(start - 3, 0);
    const QByteArray bytes = reader_(from, start - from + kRowBytes + 3);
    qsizetype begin = std::min<qsizetype>(start - from, bytes.size());
    if (row > 0) {
        for (int k = 0; k < 3 && begin < bytes.size() && isContinuation(bytes[begin]); ++k)
            ++begin;
    }
    qsizetype end = std::min<qsizetype>(start - from + kRowBytes, bytes.size());
    for (int k = 0; k < 3 && end < bytes.size() && isContinuation(bytes[end]); ++k)
        ++end;
    auto* text = new QString(
        visible(QString::fromUtf8(bytes.sliced(begin, std::max<qsizetype>(end - begin, 0)))));
    const QString result = *text;
    rows_.insert(row, text);
    return result;
}

QVariant LineChunkModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || role != Qt::DisplayRole)
        return {};
    return rowText(index.row());
}

WholeLineViewer::WholeLineViewer(LogFile* file, qint64 line, QWidget* parent)
    : QDialog(parent)
    , file_(file)
    , line_(line)
    , model_(new LineChunkModel(this))
    , view_(new QListView(this))
    , header_(new QLabel(this))
{
    setObjectName(u"wholeLineViewer"_s);
    setWindowTitle(tr("Line %1").arg(line + 1));
    view_->setObjectName(u"wholeLineRows"_s);
    view_->setUniformItemSizes(true);  // row heights are never measured: any length opens at once
    view_->setModel(model_);
    view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view_->setTextElideMode(Qt::ElideNone);
    header_->setWordWrap(true);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(header_);
    layout->addWidget(view_, 1);
    layout->addWidget(buttons);
    resize(fontMetrics().averageCharWidth() * (int(LineChunkModel::kRowBytes) + 8),
           fontMetrics().height() * 30);

    const qint64 length = file ? file->lineLength(line) : -1;
    if (length < 0) {
        header_->setText(tr("Line %1 is no longer in the log.").arg(line + 1));
        return;
    }
    header_->setText(
        tr("Line %1 of %2: %3 bytes, shown whole in rows of %4 bytes (read from the file as you "
           "scroll).")
            .arg(line + 1)
            .arg(file->path())
            .arg(QLocale().toString(length))
            .arg(LineChunkModel::kRowBytes));
    QPointer<LogFile> guard(file);
    model_->setLine(length, [guard, line](qint64 offset, qint64 size) {
        return guard ? guard->linePart(line, offset, size) : QByteArray();
    });
    connect(file, &LogFile::aboutToClose, this, [this] {
        model_->clear();
        header_->setText(tr("The log was closed: line %1 can no longer be read.").arg(line_ + 1));
    });
}

}  // namespace obslab
