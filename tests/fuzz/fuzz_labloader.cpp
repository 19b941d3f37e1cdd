// libFuzzer target: LabLoader must turn any bytes into a lab or a list of errors, each with a
// position inside the text and a message; never crash, hang or let a yaml-cpp exception out. A lab
// that loads must also give a plan.
#include "core/lab/LabLoader.h"
#include "core/lab/LabPlan.h"

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char*>(data), qsizetype(size));
    const obslab::LabLoadResult r = obslab::LabLoader::loadBytes(text, QStringLiteral("fuzz.yaml"));
    const qsizetype lines = text.count('\n') + 1;
    if (r.ok() == !r.errors.isEmpty())
        __builtin_trap();
    for (const obslab::LabIssue& e : r.errors) {
        if (e.pos.line < 1 || e.pos.line > lines + 1 || e.pos.column < 1 || e.message.isEmpty())
            __builtin_trap();
    }
    if (r.ok())
        (void)obslab::LabPlan::build(*r.lab).toText(*r.lab);
    return 0;
}
