#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace obslab {

// Walks the members of one flat JSON object without allocating: each member is a key and a
// value given as byte ranges into the text (strings without their quotes, still escaped).
// Nested objects/arrays are skipped whole and reported as Nested. Stops at the first syntax
// error (failed()); what was read before it stays valid. QJsonDocument would allocate a tree
// per line, which the log indexer cannot afford on GB-sized files.
class JsonFlatScanner
{
public:
    enum class Type : quint8
    {
        String,
        Number,
        True,
        False,
        Null,
        Nested
    };
    struct Member
    {
        qsizetype keyOffset = 0;
        qsizetype keyLength = 0;
        qsizetype valueOffset = 0;
        qsizetype valueLength = 0;
        Type type = Type::Null;
        bool keyEscaped = false;
        bool valueEscaped = false;
    };

    // pos is the offset of the opening '{' in text.
    JsonFlatScanner(QByteArrayView text, qsizetype pos);

    bool next(Member& m);  // false at the closing '}' (finished()) or on an error (failed())
    bool finished() const { return state_ == State::Done; }
    bool failed() const { return state_ == State::Failed; }
    qsizetype position() const { return pos_; }  // just past the '}' when finished

    // Decodes JSON string escapes (\uXXXX with surrogate pairs → UTF-8). Broken escapes are kept
    // as they are.
    static QByteArray unescape(QByteArrayView escaped);

private:
    enum class State : quint8
    {
        First,
        Next,
        Done,
        Failed
    };
    // Inline: it runs four times a member, and usually finds no space at all.
    void skipSpace()
    {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
                break;
            ++pos_;
        }
    }
    bool scanString(qsizetype& begin, qsizetype& length, bool& escaped);
    bool skipNested();

    QByteArrayView text_;
    qsizetype pos_ = 0;
    State state_ = State::First;
};

}  // namespace obslab
