#pragma once

#include "core/logs/LineJsonWriter.h"

#include <QByteArray>
#include <QString>

namespace obslab::cli {

// Text from outside (cluster output, lab files, recordings) made fit for a terminal: control
// characters (ESC, BEL, CR…) and invalid UTF-8 become U+FFFD, as `obslab logs` prints them
// (LineJsonWriter::appendDisplayText); line breaks and tabs are kept.
inline QString terminalText(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    QByteArray out;
    out.reserve(utf8.size() + 16);
    qsizetype start = 0;
    for (qsizetype i = 0; i <= utf8.size(); ++i) {
        if (i < utf8.size() && utf8.at(i) != '\n' && utf8.at(i) != '\t')
            continue;
        LineJsonWriter::appendDisplayText(out, QByteArrayView(utf8).sliced(start, i - start),
                                          i - start);
        if (i < utf8.size())
            out.append(utf8.at(i));
        start = i + 1;
    }
    return QString::fromUtf8(out);
}

}  // namespace obslab::cli
