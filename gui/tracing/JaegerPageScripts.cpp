#include "gui/tracing/JaegerPageScripts.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace obslab::jaegerpagescripts {

namespace {

// A JavaScript string literal holding `text` (JSON's escaping is JavaScript's).
QString jsString(const QString& text)
{
    const QByteArray array = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(array.mid(1, array.size() - 2));
}

// The guard modules of Vite's modern builds, as Jaeger UI 2.x imports them.
const QStringList kModuleGuards = {
    u"data:text/javascript,if(!import.meta.resolve)throw Error(\"import.meta.resolve not supported\")"_s,
};

}  // namespace

int chromiumMajor(const QString& userAgent)
{
    static const QRegularExpression chrome(u"Chrome/(\\d+)\\."_s);
    const auto m = chrome.match(userAgent);
    return m.hasMatch() ? m.captured(1).toInt() : 0;
}

bool needsModuleGuardMap(int chromiumMajor)
{
    return chromiumMajor > 0 && chromiumMajor < 105;
}

QString moduleGuardMap()
{
    QJsonObject imports;
    for (const QString& guard : kModuleGuards)
        imports.insert(guard, u"data:text/javascript,"_s);
    const QString map = QString::fromUtf8(
        QJsonDocument(QJsonObject{{u"imports"_s, imports}}).toJson(QJsonDocument::Compact));
    // At document creation there is no <head> yet; the map goes in as soon as the parser makes
    // one, which is before it reaches any <script type="module">.
    return uR"js((function () {
  var text = %1;
  function add(head) {
    var s = document.createElement('script');
    s.type = 'importmap';
    s.textContent = text;
    head.insertBefore(s, head.firstChild);
  }
  if (document.head) { add(document.head); return; }
  var watch = new MutationObserver(function () {
    if (document.head) { watch.disconnect(); add(document.head); }
  });
  watch.observe(document, {childList: true, subtree: true});
})();)js"_s.arg(jsString(map));
}

QString theme(bool dark)
{
    return uR"js(try { localStorage.setItem('jaeger-ui-theme', '%1'); } catch (e) {})js"_s.arg(
        dark ? u"dark"_s : u"light"_s);
}

QString embedSearchResults(const QString& embedQuery)
{
    // Capture phase on the document: before React's listeners on its root container.
    return uR"js((function () {
  var query = %1;
  document.addEventListener('click', function (e) {
    try {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
        return;
      if (!/\/search$/.test(location.pathname))
        return;
      var a = e.target && e.target.closest ? e.target.closest('a[href]') : null;
      if (!a || (a.target && a.target !== '_self'))
        return;
      var url = new URL(a.getAttribute('href'), location.href);
      if (url.origin !== location.origin || !/\/trace\/[0-9a-fA-F]{1,32}$/.test(url.pathname))
        return;
      e.preventDefault();
      e.stopImmediatePropagation();
      url.search = '?' + query;
      url.hash = '';
      location.assign(url.href);
    } catch (err) {}
  }, true);
})();)js"_s.arg(jsString(embedQuery));
}

QString prefetchedTrace(const QString& traceIdUrlForm, const QByteArray& v1Json)
{
    // Jaeger's UI binds window.fetch when its bundle starts (isomorphic-fetch), after this ran.
    return uR"js((function () {
  var path = %1, body = %2, used = false, real = window.fetch;
  window.fetch = function (input, init) {
    try {
      var url = new URL(typeof input === 'string' ? input : (input && input.url) || '', location.href);
      if (!used && url.origin === location.origin &&
          url.pathname.toLowerCase().slice(-path.length) === path) {
        used = true;
        return Promise.resolve(new Response(body, {status: 200,
          headers: {'Content-Type': 'application/json'}}));
      }
    } catch (e) {}
    return real.apply(this, arguments);
  };
})();)js"_s.arg(jsString(u"/api/traces/"_s + traceIdUrlForm.toLower()),
                jsString(QString::fromUtf8(v1Json)));
}

QString probeScript()
{
    // The background is read where the user looks: the element in the lower middle of the
    // view and its ancestors, the first one that paints one.
    return uR"js((function () {
  var root = document.getElementById('jaeger-ui-root');
  var lum = -1;
  var e = document.elementFromPoint(innerWidth / 2, innerHeight * 0.8) || document.body;
  for (; e && lum < 0; e = e.parentElement) {
    var m = getComputedStyle(e).backgroundColor.match(/[\d.]+/g);
    if (m && m.length >= 3 && (m.length < 4 || +m[3] > 0.5))
      lum = (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255;
  }
  if (lum < 0) lum = 1;  // nothing paints: the browser's white
  var version = '';
  try { if (typeof getJaegerVersion === 'function') version = String((getJaegerVersion() || {}).gitVersion || ''); } catch (e2) {}
  var text = root ? root.innerText.replace(/\s+/g, '').length : 0;
  return JSON.stringify({root: !!root, children: root ? root.childElementCount : 0, text: text,
                         lum: lum, version: version});
})())js"_s;
}

PageProbe parseProbe(const QVariant& result)
{
    PageProbe probe;
    const QJsonObject o = QJsonDocument::fromJson(result.toString().toUtf8()).object();
    if (o.isEmpty())
        return probe;
    probe.valid = true;
    probe.hasRoot = o.value(u"root"_s).toBool();
    probe.rootChildren = o.value(u"children"_s).toInt();
    probe.rootText = o.value(u"text"_s).toInt();
    probe.luminance = o.value(u"lum"_s).toDouble(-1);
    probe.jaegerVersion = o.value(u"version"_s).toString().left(100);
    return probe;
}

}  // namespace obslab::jaegerpagescripts
