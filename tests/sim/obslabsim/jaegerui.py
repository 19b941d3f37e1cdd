"""The real Jaeger UI builds (../shared/jaeger-ui/<version>, unmodified) served the way jaeger-query
does with QUERY_BASE_PATH=/jaeger: index.html with its <base href> moved under the base path and
the JAEGER_VERSION / JAEGER_STORAGE_CAPABILITIES (and, when given, JAEGER_CONFIG) hooks filled in,
static files as they are, and index.html for every other route under the base path (the React
router draws /trace/ID, /search, /dependencies). The files are never changed on disk."""

import json
import mimetypes
import os
import re
import threading

from . import SIM_NAME

HERE = os.path.dirname(os.path.abspath(__file__))
# tests/sim/obslabsim -> project root -> ../shared/jaeger-ui (CI has the same ../shared beside its clone)
DEFAULT_ROOT = os.path.normpath(os.path.join(HERE, "..", "..", "..", "..", "shared", "jaeger-ui"))

# --jaeger-ui names -> folder names
VERSIONS = {"1.70": "v1.70.0", "2.17": "v2.17.0"}
UI_CHOICES = ("auto", "1.70", "2.17", "standin")

_TYPES = {".js": "application/javascript", ".mjs": "application/javascript", ".css": "text/css",
          ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".json": "application/json",
          ".html": "text/html; charset=utf-8", ".txt": "text/plain; charset=utf-8", ".woff2": "font/woff2",
          ".woff": "font/woff", ".map": "application/json"}


def ui_root():
    """Where the builds are: $OBSLAB_JAEGER_UI_DIR, else ../shared/jaeger-ui beside the project."""
    return os.environ.get("OBSLAB_JAEGER_UI_DIR") or DEFAULT_ROOT


def resolve(choice, api_mode, root=None):
    """(version name, folder or None, why-missing or None) for a --jaeger-ui choice. "auto" is 1.70
    for the v1 API (Istio <= 1.28's all-in-one) and 2.17 for v2. A missing folder gives the
    stand-in page, with the reason."""
    if choice not in UI_CHOICES:
        raise ValueError("unknown Jaeger UI %r (one of %s)" % (choice, ", ".join(UI_CHOICES)))
    if choice == "standin":
        return "standin", None, None
    version = choice if choice != "auto" else ("2.17" if api_mode == "v2" else "1.70")
    folder = os.path.join(root or ui_root(), VERSIONS[version])
    if not os.path.isfile(os.path.join(folder, "index.html")):
        return "standin", None, "no Jaeger UI %s build at %s" % (version, folder)
    return version, folder, None


class UiBundle:
    """One UI build. Files are read once and kept in memory (the bundles are a few MB)."""

    def __init__(self, version, folder):
        self.version, self.folder = version, os.path.realpath(folder)
        self.lock = threading.Lock()
        self.cache = {}

    def index_html(self, base_path, config=None):
        """index.html as jaeger-query serves it under `base_path` ("/jaeger" or "")."""
        with open(os.path.join(self.folder, "index.html"), encoding="utf-8") as f:
            text = f.read()
        if base_path and base_path != "/":
            text = re.sub(r'<base href="/"', '<base href="%s/"' % base_path.rstrip("/"), text, count=1)
        version = {"gitCommit": SIM_NAME, "gitVersion": "v%s.0-%s" % (self.version, SIM_NAME),
                   "buildDate": "obslab-sim: simulated Jaeger (test equipment)"}
        text = re.sub(r"JAEGER_VERSION *= *DEFAULT_VERSION;", lambda _: "JAEGER_VERSION = %s;" % json.dumps(version),
                      text)
        caps = {"archiveStorage": False, "metricsStorage": False}
        text = re.sub(r"JAEGER_STORAGE_CAPABILITIES *= *DEFAULT_STORAGE_CAPABILITIES;",
                      lambda _: "JAEGER_STORAGE_CAPABILITIES = %s;" % json.dumps(caps), text)
        if config is not None:
            text = re.sub(r"JAEGER_CONFIG *= *DEFAULT_CONFIG;", lambda _: "JAEGER_CONFIG = %s;" % json.dumps(config),
                          text)
        return text.encode()

    def static(self, rel):
        """(bytes, content type) of a file under the build, or None. Never leaves the folder."""
        rel = rel.lstrip("/")
        if not rel or "\x00" in rel:
            return None
        path = os.path.realpath(os.path.join(self.folder, rel))
        if not path.startswith(self.folder + os.sep) or not os.path.isfile(path):
            return None
        with self.lock:
            hit = self.cache.get(path)
        if hit is None:
            with open(path, "rb") as f:
                data = f.read()
            ext = os.path.splitext(path)[1].lower()
            hit = (data, _TYPES.get(ext) or mimetypes.guess_type(path)[0] or "application/octet-stream")
            with self.lock:
                self.cache[path] = hit
        return hit
