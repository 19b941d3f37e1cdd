// libFuzzer target: the log filter parser must fail cleanly on any input, never crash or hang.
#include "core/logs/LogQuery.h"

#include <QString>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char*>(data), qsizetype(size));
    const auto query = obslab::LogQuery::parse(text, 1762857084000);
    if (query.ok()) {
        (void)query->describe();
        (void)query->requiredTraceId();
        (void)query->terms();
    } else if (!query.error().message.startsWith(QStringLiteral("position "))) {
        __builtin_trap();  // every error must say where it is
    }
    return 0;
}
