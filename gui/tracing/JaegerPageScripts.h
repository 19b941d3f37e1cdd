#pragma once

#include <QByteArray>
#include <QString>
#include <QVariant>

// The scripts ObsLab puts into the embedded Jaeger UI page (QWebEngineScript, main world, run at
// document creation, before any of Jaeger's own scripts) and the probe that reads what the page
// drew. None of them changes Jaeger's files; each is described where it is built.
namespace obslab::jaegerpagescripts {

// Chromium's major version in a QtWebEngine user agent ("… Chrome/102.0.5005.177 …"); 0 if none.
int chromiumMajor(const QString& userAgent);

// Jaeger UI 2.x (a Vite build) starts every module with a static import of a tiny data: module
// that throws where import.meta.resolve is missing (Chromium < 105, i.e. Qt WebEngine 6.4), so on
// Qt 6.4 nothing of the app runs and its legacy fallback fails too. An import map added before
// the first module loads maps that guard to an empty module; the app itself then runs there.
bool needsModuleGuardMap(int chromiumMajor);
QString moduleGuardMap();

// Jaeger UI 2.x reads its theme from localStorage "jaeger-ui-theme" when it starts (1.x has no
// dark theme and ignores it).
QString theme(bool dark);

// Answers the page's own request for /api/traces/{id} (the first one in each document) with the
// JSON ObsLab already fetched, so the trace is fetched once; any other request goes to Jaeger.
QString prefetchedTrace(const QString& traceIdUrlForm, const QByteArray& v1Json);

// A click on a trace link of Jaeger's search page (its results) opens that trace embedded, with
// `embedQuery` (uiEmbed=v0&…), in place of Jaeger's own in-page navigation to the full trace page:
// the page fetches the trace once, and ObsLab follows the new address instead of loading the
// trace a second time. Links with a target, modified clicks and other pages are left alone.
QString embedSearchResults(const QString& embedQuery);

// What the page shows, read by probeScript() (its result goes to parseProbe()). Drawn means
// Jaeger's root holds elements with some text.
struct PageProbe
{
    bool valid = false;     // the script ran and answered
    bool hasRoot = false;   // the document has Jaeger's #jaeger-ui-root
    int rootChildren = 0;   // elements React put in it (0: nothing drawn)
    int rootText = 0;       // characters of text in it (a spinner alone has none)
    double luminance = -1;  // of the page's background, 0 black … 1 white; -1 unknown
    QString jaegerVersion;  // getJaegerVersion().gitVersion when the page has it
    bool drawn() const { return valid && hasRoot && rootChildren > 0 && rootText > 0; }
};
QString probeScript();
PageProbe parseProbe(const QVariant& result);

}  // namespace obslab::jaegerpagescripts
