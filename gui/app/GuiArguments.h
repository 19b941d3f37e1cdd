#pragma once

#include <QStringList>
#include <QUrl>

namespace obslab {

class MainWindow;

// What `obslab [OPTION…] [FILE…]` asks of the window, once Qt has taken its own options: log
// files to open, --open-log, --lab ID|FILE, --trace ID (the Traces area at that trace) and
// --jaeger URL (the Jaeger to ask, for this session only). What cannot be used is said in
// `problems`, for the caller to print; the rest still applies.
struct GuiArguments
{
    QStringList files;
    bool openLogDialog = false;
    QString lab;
    QString trace;
    QUrl jaeger;
    QStringList problems;

    // arguments[0] is the program.
    static GuiArguments parse(const QStringList& arguments);
    // Opens what was asked in `window` (shown or not). GUI thread.
    void applyTo(MainWindow& window) const;
};

}  // namespace obslab
