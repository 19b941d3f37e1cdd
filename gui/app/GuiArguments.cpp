#include "gui/app/GuiArguments.h"

#include "gui/app/MainWindow.h"
#include "gui/lab/LabArea.h"
#include "gui/tracing/TracesArea.h"

#include <QFileInfo>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

GuiArguments GuiArguments::parse(const QStringList& arguments)
{
    GuiArguments parsed;
    bool onlyFiles = false;
    // "--name VALUE" or "--name=VALUE"; false when `argument` is not that option.
    const auto option = [&](qsizetype& i, const QString& name, QString& value) {
        const QString& argument = arguments.at(i);
        if (argument == name) {
            if (i + 1 < arguments.size())
                value = arguments.at(++i);
            else
                parsed.problems << u"%1 needs a value"_s.arg(name);
            return true;
        }
        if (argument.startsWith(name + u'=')) {
            value = argument.mid(name.size() + 1);
            return true;
        }
        return false;
    };
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString& argument = arguments.at(i);
        QString jaeger;
        if (onlyFiles) {
            parsed.files << QFileInfo(argument).absoluteFilePath();
        } else if (argument == u"--") {
            onlyFiles = true;
        } else if (argument == u"--open-log") {
            parsed.openLogDialog = true;
        } else if (option(i, u"--lab"_s, parsed.lab) || option(i, u"--trace"_s, parsed.trace)) {
        } else if (option(i, u"--jaeger"_s, jaeger)) {
            const QUrl url = QUrl::fromUserInput(jaeger);
            if (url.isValid() && (url.scheme() == u"http" || url.scheme() == u"https"))
                parsed.jaeger = url;
            else if (!jaeger.isEmpty())
                parsed.problems << u"--jaeger: '%1' is not an http(s) URL"_s.arg(jaeger);
        } else if (!argument.startsWith(u'-')) {
            parsed.files << QFileInfo(argument).absoluteFilePath();
        }
    }
    parsed.trace = parsed.trace.trimmed();
    return parsed;
}

void GuiArguments::applyTo(MainWindow& window) const
{
    window.openFiles(files);
    if (openLogDialog)
        window.openLogDialog();
    // `--lab ID|FILE`: the Lab area with that lab (its errors shown there if it does not load).
    if (!lab.isEmpty()) {
        window.showArea(MainWindow::Area::Lab);
        window.labArea()->openLab(lab);
    }
    if (jaeger.isValid())
        window.tracesArea()->setJaegerUrl(jaeger);
    // `--trace ID`: the Traces area at that trace (a bad id is explained there).
    if (!trace.isEmpty()) {
        window.showArea(MainWindow::Area::Traces);
        window.tracesArea()->showTrace(trace);
    }
}

}  // namespace obslab
