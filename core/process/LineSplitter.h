#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <cstring>
#include <utility>

namespace obslab {

// Cuts a byte stream into lines: '\n' removed, a trailing '\r' removed, a partial last line
// carried over to the next feed(). Each byte is scanned once (memchr over the new chunk only),
// so a flood or a huge line costs linear time. A line longer than maxLineLength is handed out in
// pieces of about that size, which bounds memory. A plain value class, any thread.
class LineSplitter
{
public:
    static constexpr qsizetype kDefaultMaxLineLength = 64 * 1024 * 1024;

    explicit LineSplitter(qsizetype maxLineLength = kDefaultMaxLineLength)
        : maxLineLength_(maxLineLength)
    {}

    // Calls onLine(const QByteArray&) for every line completed by chunk.
    template <typename OnLine>
    void feed(QByteArrayView chunk, OnLine&& onLine);
    // Hands out the carried partial line, if any (end of stream).
    template <typename OnLine>
    void finish(OnLine&& onLine);

    qsizetype pendingBytes() const { return carry_.size(); }

private:
    static void chopCr(QByteArray& line)
    {
        if (line.endsWith('\r'))
            line.chop(1);
    }

    QByteArray carry_;
    qsizetype maxLineLength_;
};

template <typename OnLine>
void LineSplitter::feed(QByteArrayView chunk, OnLine&& onLine)
{
    const char* p = chunk.data();
    const char* const end = p + chunk.size();
    while (p < end) {
        const auto* nl = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p)));
        if (!nl) {
            carry_.append(p, end - p);
            if (carry_.size() >= maxLineLength_) {
                QByteArray piece = std::exchange(carry_, QByteArray());
                onLine(std::as_const(piece));
            }
            return;
        }
        QByteArray line;
        if (carry_.isEmpty()) {
            line = QByteArray(p, nl - p);
        } else {
            carry_.append(p, nl - p);
            line = std::exchange(carry_, QByteArray());
        }
        chopCr(line);
        onLine(std::as_const(line));
        p = nl + 1;
    }
}

template <typename OnLine>
void LineSplitter::finish(OnLine&& onLine)
{
    if (carry_.isEmpty())
        return;
    QByteArray line = std::exchange(carry_, QByteArray());
    chopCr(line);
    onLine(std::as_const(line));
}

}  // namespace obslab
