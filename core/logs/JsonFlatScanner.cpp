#include "core/logs/JsonFlatScanner.h"

#include "core/logs/ByteScan.h"

#include <cstring>

namespace obslab {

JsonFlatScanner::JsonFlatScanner(QByteArrayView text, qsizetype pos)
    : text_(text)
    , pos_(pos)
{
    if (pos_ >= text_.size() || text_[pos_] != '{')
        state_ = State::Failed;
    else
        ++pos_;
}

bool JsonFlatScanner::scanString(qsizetype& begin, qsizetype& length, bool& escaped)
{
    // pos_ is on the opening quote.
    begin = ++pos_;
    escaped = false;
    const char* data = text_.data();
    const qsizetype size = text_.size();
    // One pass for the closing quote; a backslash escapes the byte after it. An unterminated
    // string leaves the position just past its last escaped quote (the caller scans on from
    // there for ids).
    qsizetype at = pos_;
    while (at < size) {
        const qsizetype i = bytescan::findEither(data, at, size, '"', '\\');
        if (i < 0)
            break;
        if (data[i] == '\\') {
            escaped = true;
            if (i + 1 < size && data[i + 1] == '"')
                pos_ = i + 2;
            at = i + 2;
            continue;
        }
        length = i - begin;
        pos_ = i + 1;
        return true;
    }
    return false;
}

bool JsonFlatScanner::skipNested()
{
    int depth = 0;
    while (pos_ < text_.size()) {
        const char c = text_[pos_];
        if (c == '"') {
            qsizetype b = 0;
            qsizetype l = 0;
            bool e = false;
            if (!scanString(b, l, e))
                return false;
            continue;
        }
        if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                ++pos_;
                return true;
            }
        }
        ++pos_;
    }
    return false;
}

bool JsonFlatScanner::next(Member& m)
{
    if (state_ == State::Done || state_ == State::Failed)
        return false;
    skipSpace();
    if (pos_ >= text_.size()) {
        state_ = State::Failed;
        return false;
    }
    if (text_[pos_] == '}') {
        ++pos_;
        state_ = State::Done;
        return false;
    }
    if (state_ == State::Next) {
        if (text_[pos_] != ',') {
            state_ = State::Failed;
            return false;
        }
        ++pos_;
        skipSpace();
    }
    if (pos_ >= text_.size() || text_[pos_] != '"' ||
        !scanString(m.keyOffset, m.keyLength, m.keyEscaped)) {
        state_ = State::Failed;
        return false;
    }
    skipSpace();
    if (pos_ >= text_.size() || text_[pos_] != ':') {
        state_ = State::Failed;
        return false;
    }
    ++pos_;
    skipSpace();
    if (pos_ >= text_.size()) {
        state_ = State::Failed;
        return false;
    }
    const char c = text_[pos_];
    m.valueEscaped = false;
    if (c == '"') {
        m.type = Type::String;
        if (!scanString(m.valueOffset, m.valueLength, m.valueEscaped)) {
            state_ = State::Failed;
            return false;
        }
    } else if (c == '{' || c == '[') {
        m.type = Type::Nested;
        m.valueOffset = pos_;
        if (!skipNested()) {
            state_ = State::Failed;
            return false;
        }
        m.valueLength = pos_ - m.valueOffset;
    } else {
        m.valueOffset = pos_;
        while (pos_ < text_.size()) {
            const char d = text_[pos_];
            if (d == ',' || d == '}' || d == ' ' || d == '\t' || d == '\r' || d == '\n')
                break;
            ++pos_;
        }
        m.valueLength = pos_ - m.valueOffset;
        const QByteArrayView v = text_.sliced(m.valueOffset, m.valueLength);
        if (v == "null")
            m.type = Type::Null;
        else if (v == "true")
            m.type = Type::True;
        else if (v == "false")
            m.type = Type::False;
        else if (!v.isEmpty() && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')))
            m.type = Type::Number;
        else {
            state_ = State::Failed;
            return false;
        }
    }
    state_ = State::Next;
    return true;
}

namespace {

void appendUtf8(QByteArray& out, char32_t cp)
{
    if (cp < 0x80) {
        out.append(char(cp));
    } else if (cp < 0x800) {
        out.append(char(0xC0 | (cp >> 6)));
        out.append(char(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.append(char(0xE0 | (cp >> 12)));
        out.append(char(0x80 | ((cp >> 6) & 0x3F)));
        out.append(char(0x80 | (cp & 0x3F)));
    } else {
        out.append(char(0xF0 | (cp >> 18)));
        out.append(char(0x80 | ((cp >> 12) & 0x3F)));
        out.append(char(0x80 | ((cp >> 6) & 0x3F)));
        out.append(char(0x80 | (cp & 0x3F)));
    }
}

int hex4(QByteArrayView s, qsizetype pos)
{
    if (pos + 4 > s.size())
        return -1;
    int v = 0;
    for (qsizetype i = pos; i < pos + 4; ++i) {
        const char c = s[i];
        int d = -1;
        if (c >= '0' && c <= '9')
            d = c - '0';
        else if (c >= 'a' && c <= 'f')
            d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            d = c - 'A' + 10;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

}  // namespace

QByteArray JsonFlatScanner::unescape(QByteArrayView s)
{
    QByteArray out;
    out.reserve(s.size());
    for (qsizetype i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (c != '\\' || i + 1 >= s.size()) {
            out.append(c);
            continue;
        }
        const char e = s[i + 1];
        switch (e) {
        case '"':
            out.append('"');
            break;
        case '\\':
            out.append('\\');
            break;
        case '/':
            out.append('/');
            break;
        case 'b':
            out.append('\b');
            break;
        case 'f':
            out.append('\f');
            break;
        case 'n':
            out.append('\n');
            break;
        case 'r':
            out.append('\r');
            break;
        case 't':
            out.append('\t');
            break;
        case 'u': {
            int cp = hex4(s, i + 2);
            if (cp < 0) {
                out.append(c);
                continue;
            }
            qsizetype used = 6;
            if (cp >= 0xD800 && cp <= 0xDBFF && i + 7 < s.size() && s[i + 6] == '\\' &&
                s[i + 7] == 'u') {
                const int low = hex4(s, i + 8);
                if (low >= 0xDC00 && low <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                    used = 12;
                }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF)
                cp = 0xFFFD;  // a lone surrogate has no UTF-8 form
            appendUtf8(out, char32_t(cp));
            i += used - 1;
            continue;
        }
        default:
            out.append(c);
            continue;
        }
        ++i;
    }
    return out;
}

}  // namespace obslab
