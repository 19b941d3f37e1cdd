// libFuzzer target for the access-log line parser: any bytes must parse without a crash, a
// hang or an out-of-range byte range, and must serialise to valid JSON; and wherever the index's
// record decoder accepts the bytes, its record must be the parser's.
#include "core/logs/AccessLogParser.h"
#include "core/logs/LineJsonWriter.h"
#include "core/logs/RecordDecoder.h"

#include <QByteArray>
#include <QJsonDocument>

#include <cstddef>
#include <cstdint>
#include <cstring>

using namespace obslab;

namespace {

void check(bool ok)
{
    if (!ok)
        __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView line(reinterpret_cast<const char*>(data), qsizetype(size));
    ParsedLine parsed;
    AccessLogParser::parse(line, parsed);

    for (int i = 0; i < kFieldCount; ++i) {
        const ByteRange r = parsed.range(Field(i));
        check(qsizetype(r.offset) + qsizetype(r.length) <= line.size());
    }
    check(parsed.highlightCount >= 0 && parsed.highlightCount <= ParsedLine::kMaxHighlights);
    for (int i = 0; i < parsed.highlightCount; ++i) {
        const ByteRange r = parsed.highlights[size_t(i)].range;
        check(!r.isEmpty() && qsizetype(r.end()) <= line.size());
    }
    if (parsed.kind == LineKind::ProxyLog)
        check(parsed.level != LogLevel::None);

    QByteArray json;
    LineJsonWriter::appendJson(json, line, parsed, 1);
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    check(error.error == QJsonParseError::NoError && doc.isObject());

    QByteArray text;
    LineJsonWriter::appendSummary(text, line, parsed, 1);
    check(text.endsWith('\n'));

    LineRecord decoded;
    qint64 decodedTime = 0;
    QByteArrayView pod;
    if (recorddecoder::decode(line, decoded, decodedTime, pod)) {
        qint64 time = 0;
        const LineRecord full = makeRecord(parsed, line, nullptr, &time);
        check(std::memcmp(&decoded, &full, sizeof full) == 0);
        check(decodedTime == time);
        check(pod == parsed.view(line, Field::Pod));
    }
    return 0;
}
