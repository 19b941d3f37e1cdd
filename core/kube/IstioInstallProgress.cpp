#include "core/kube/IstioInstallProgress.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace obslab::IstioInstallProgress {

namespace {

// The component names end where the status word starts; whatever follows it (an emoji icon, or
// nothing on older versions) is decoration.
const QRegularExpression& installedRe()
{
    static const QRegularExpression re(u"^\u2714\\s+(.+?) installed(?:\\s.*)?$"_s);
    return re;
}

}  // namespace

InstallProgressLine parseLine(QStringView raw)
{
    InstallProgressLine result;
    const QString line = raw.trimmed().toString();
    result.line = line;
    // Current versions: `… Istio 1.22.0 profile "demo" into the cluster. Proceed? (y/N)`; older
    // ones: `… Istio 1.16.1 default profile with ["Istio core" …] components into the cluster…`.
    static const QRegularExpression prompt(
        u"This will install the Istio (\\S+) (?:profile \"([^\"]*)\"|(\\S+) profile)"_s);
    static const QRegularExpression processing(
        u"^- Processing resources for (.+?)\\.(?:\\s+(.*))?$"_s);
    static const QRegularExpression failed(u"^\u2718\\s+(.+?) encountered an error: (.*)$"_s);

    if (const auto m = prompt.match(line); m.hasMatch()) {
        result.event = InstallEvent::Prompt;
        result.detail = m.captured(1);
        result.profile = m.captured(2).isEmpty() ? m.captured(3) : m.captured(2);
    } else if (line.startsWith(u"\u2714 Installation complete") ||
               line == u"\u2714 Installation complete") {
        result.event = InstallEvent::Complete;
    } else if (const auto i = installedRe().match(line); i.hasMatch()) {
        result.event = InstallEvent::ComponentInstalled;
        result.component = i.captured(1);
    } else if (const auto f = failed.match(line); f.hasMatch()) {
        result.event = InstallEvent::ComponentFailed;
        result.component = f.captured(1);
        result.detail = f.captured(2);
    } else if (const auto p = processing.match(line); p.hasMatch()) {
        result.event = InstallEvent::Processing;
        result.component = p.captured(1);
        result.detail = p.captured(2);
    } else if (line == u"Cancelled.") {
        result.event = InstallEvent::Cancelled;
    } else if (line.startsWith(u"The ambient profile has been installed successfully")) {
        result.event = InstallEvent::AmbientReady;
    } else if (line.startsWith(u"Error: ")) {
        result.event = InstallEvent::Error;
        result.detail = line.mid(7);
    }
    return result;
}

QList<InstallProgressLine> parse(QByteArrayView output)
{
    QList<InstallProgressLine> lines;
    for (const QString& raw : QString::fromUtf8(output).split(u'\n')) {
        // Without a TTY, the prompt has no newline before the answer is read: `… (y/N) Cancelled.`
        const InstallProgressLine line = parseLine(raw);
        if (line.event == InstallEvent::Prompt && raw.trimmed().endsWith(u"Cancelled.")) {
            lines.append(line);
            lines.append(parseLine(u"Cancelled."));
            continue;
        }
        if (line.event != InstallEvent::Other)
            lines.append(line);
    }
    return lines;
}

QList<InstallProgressLine> parse(const CommandResult& result)
{
    return parse(result.allOutput());
}

bool succeeded(const QList<InstallProgressLine>& lines)
{
    bool complete = false;
    for (const InstallProgressLine& line : lines) {
        if (line.event == InstallEvent::ComponentFailed || line.event == InstallEvent::Error ||
            line.event == InstallEvent::Cancelled)
            return false;
        if (line.event == InstallEvent::Complete)
            complete = true;
    }
    return complete;
}

bool succeeded(const CommandResult& result)
{
    return result.ok() && succeeded(parse(result));
}

}  // namespace obslab::IstioInstallProgress
