// libFuzzer target: the manifest parser/validator must report problems, never crash, hang or
// recurse without bound, whatever the bytes are; every issue has a position inside the text.
#include "core/manifest/Manifest.h"

#include <QByteArrayView>
#include <QString>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView text(reinterpret_cast<const char*>(data), qsizetype(size));
    const obslab::ManifestParse parsed = obslab::Manifest::parse(text);
    const qsizetype lines = text.count('\n') + 1;
    for (const obslab::ManifestIssue& issue : parsed.issues) {
        if (issue.line < 1 || issue.line > lines || issue.column < 1 || issue.message.isEmpty())
            __builtin_trap();
    }
    for (const obslab::ManifestResource& resource : parsed.resources) {
        if (resource.line < 1 || resource.line > lines)
            __builtin_trap();
        (void)resource.displayName();
    }
    (void)obslab::Manifest::summary(parsed.resources);
    if (size < 1024)  // the Redactor is the slower half; small inputs cover it
        (void)obslab::Manifest::maskSecrets(QString::fromUtf8(text));
    return 0;
}
