"""Self-test, part 2: the real Jaeger UI builds (../shared/jaeger-ui) served as jaeger-query serves
them, and the API calls each UI version makes. Without the builds the tests skip, except under CI
(env CI set), where a missing build is a failure."""

import json
import os
import re
import unittest

from test_sim import FIXTURES, SimProcess
from obslabsim import jaegerui

TRACE = "3ba55609c3cde49649cd77d1f9dcd936"


def need_ui(test, version):
    folder = os.path.join(jaegerui.ui_root(), jaegerui.VERSIONS[version])
    if os.path.isfile(os.path.join(folder, "index.html")):
        return folder
    why = "the real Jaeger UI %s is not at %s" % (version, folder)
    if os.environ.get("CI"):
        test.fail(why + " (CI needs ../shared/jaeger-ui beside the clone)")
    test.skipTest(why)


class RealJaegerUi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        extra = ["--load-traces", os.path.join(FIXTURES, "jaeger-trace.json")] if FIXTURES else []
        cls.sim = SimProcess("healthy-telemetry", "--no-traffic", "--jaeger-ui", "1.70", *extra)
        cls.sim.control("POST", "traffic", {"count": 2})

    @classmethod
    def tearDownClass(cls):
        cls.sim.close()

    def setUp(self):
        self.sim.control("POST", "jaeger/ui", {"version": "1.70"})

    def test_index_rewritten_as_jaeger_query_does(self):
        folder = need_ui(self, "1.70")
        self.assertEqual(self.sim.ports["jaeger_ui_version"], "1.70")
        status, ctype, body = self.sim.jaeger("/jaeger/trace/%s?uiEmbed=v0" % TRACE)
        self.assertEqual((status, ctype.split(";")[0]), (200, "text/html"))
        self.assertIn('<base href="/jaeger/" data-inject-target="BASE_URL"', body)
        self.assertNotIn('<base href="/"', body)
        version = json.loads(re.search(r"JAEGER_VERSION = (\{.*?\});", body).group(1))
        self.assertIn("obslab-sim", version["gitVersion"])
        self.assertIn("JAEGER_CONFIG = DEFAULT_CONFIG;", body)  # no UI config given: left alone
        with open(os.path.join(folder, "index.html"), encoding="utf-8") as f:
            original = f.read()
        # Everything else is the build's own page, byte for byte.
        self.assertEqual(re.sub(r"JAEGER_VERSION = \{.*?\};", "", body).replace("/jaeger/", "/"),
                         re.sub(r"JAEGER_VERSION = DEFAULT_VERSION;", "", original)
                         .replace("JAEGER_STORAGE_CAPABILITIES = DEFAULT_STORAGE_CAPABILITIES;",
                                  re.search(r"JAEGER_STORAGE_CAPABILITIES = \{.*?\};", body).group(0)))

    def test_static_files_and_spa_fallback(self):
        folder = need_ui(self, "1.70")
        script = re.search(r'src="\./static/(index-[^"]+\.js)"', self.sim.jaeger("/jaeger/")[2]).group(1)
        status, ctype, body = self.sim.jaeger("/jaeger/static/" + script)
        self.assertEqual((status, ctype), (200, "application/javascript"))
        with open(os.path.join(folder, "static", script), encoding="utf-8") as f:
            self.assertEqual(body, f.read())
        for route in ("/jaeger/search?service=x", "/jaeger/dependencies", "/jaeger/trace/abc", "/jaeger"):
            status, ctype, body = self.sim.jaeger(route)
            self.assertEqual((status, ctype.split(";")[0]), (200, "text/html"), route)
            self.assertIn('<div id="jaeger-ui-root"></div>', body, route)
        self.assertEqual(self.sim.jaeger("/jaeger/static/nothing-here.js")[0], 404)
        self.assertEqual(self.sim.jaeger("/jaeger/static/../../../etc/passwd")[0], 404)
        # Jaeger 1.x answers its page off the base path too (kiali/kiali#3041)
        status, _, body = self.sim.jaeger("/api/services")
        self.assertEqual(status, 200)
        self.assertIn('<base href="/jaeger/"', body)

    def test_what_ui_170_calls(self):
        need_ui(self, "1.70")
        status, _, body = self.sim.jaeger("/jaeger/api/services")
        self.assertIn("frontend.default", json.loads(body)["data"])
        status, _, body = self.sim.jaeger("/jaeger/api/services/frontend.default/operations")
        self.assertEqual(json.loads(body)["data"], ["backend.default.svc.cluster.local:80/*"])
        status, _, body = self.sim.jaeger("/jaeger/api/traces?service=frontend.default&limit=20&lookback=1h")
        self.assertEqual(len(json.loads(body)["data"]), 2)

    def test_ui_217_and_its_calls(self):
        folder = need_ui(self, "2.17")
        info = self.sim.control("POST", "jaeger/ui", {"version": "2.17"})
        self.assertEqual((info["version"], info["dir"]), ("2.17", os.path.realpath(folder)))
        body = self.sim.jaeger("/jaeger/trace/" + TRACE)[2]
        with open(os.path.join(folder, "index.html"), encoding="utf-8") as f:
            script = re.search(r'src="\./static/(index-[^"]+\.js)"', f.read()).group(1)
        self.assertIn(script, body)
        status, _, body = self.sim.jaeger("/jaeger/api/v3/services")
        self.assertIn("frontend.default", json.loads(body)["services"])
        status, _, body = self.sim.jaeger("/jaeger/api/v3/operations?service=frontend.default")
        self.assertEqual(json.loads(body)["operations"],
                         [{"name": "backend.default.svc.cluster.local:80/*", "spanKind": "client"}])
        status, _, body = self.sim.jaeger("/jaeger/api/traces?service=frontend.default&limit=20&lookback=1h")
        self.assertEqual(status, 200)
        status, _, body = self.sim.jaeger("/jaeger/api/dependencies?endTs=%d&lookback=86400000" % (2 ** 41))
        self.assertIn({"parent": "frontend.default", "child": "backend.default", "callCount": 2},
                      json.loads(body)["data"])
        if FIXTURES:
            status, _, body = self.sim.jaeger("/jaeger/api/traces/" + TRACE)
            self.assertEqual(len(json.loads(body)["data"][0]["spans"]), 4)

    def test_blank_fault_and_request_log(self):
        need_ui(self, "1.70")
        self.sim.control("POST", "jaeger/requests/clear", {})
        script = re.search(r'src="\./static/([^"]+\.js)"', self.sim.jaeger("/jaeger/trace/abc")[2]).group(1)
        try:
            self.sim.control("POST", "jaeger/fault", {"kind": "blank"})
            self.assertEqual(self.sim.jaeger("/jaeger/static/" + script)[0], 404)
            self.assertEqual(self.sim.jaeger("/jaeger/trace/abc")[0], 200)   # the page itself comes
            self.assertEqual(self.sim.jaeger("/jaeger/api/services")[0], 200)  # and the API works
        finally:
            self.sim.control("POST", "jaeger/fault", {"kind": "none"})
        self.assertEqual(self.sim.jaeger("/jaeger/static/" + script)[0], 200)
        log = self.sim.control("GET", "jaeger/requests")["requests"]
        self.assertEqual(log[0], "GET /jaeger/trace/abc")
        self.assertEqual(log.count("GET /jaeger/static/" + script), 2)

    def test_standin_and_unknown_choice(self):
        info = self.sim.control("POST", "jaeger/ui", {"version": "standin"})
        self.assertEqual(info, {"version": "standin", "dir": None, "missing": None})
        status, _, body = self.sim.jaeger("/jaeger/search?service=backend.default&uiEmbed=v0")
        self.assertIn("test equipment", body)
        with self.assertRaises(Exception) as e:
            self.sim.control("POST", "jaeger/ui", {"version": "3.0"})
        self.assertEqual(getattr(e.exception, "code", None), 400)


class MissingBuild(unittest.TestCase):
    def test_falls_back_to_the_standin_page(self):
        env = dict(os.environ, OBSLAB_JAEGER_UI_DIR="/nonexistent/jaeger-ui")
        sim = SimProcess("workshop-start", "--no-traffic", "--jaeger-ui", "2.17", env=env)
        try:
            self.assertEqual(sim.ports["jaeger_ui_version"], "standin")
            self.assertIn("/nonexistent/jaeger-ui/v2.17.0", sim.ports["jaeger_ui_missing"])
            self.assertIn("serving the stand-in Jaeger page", sim.stderr_text())
            status, _, body = sim.jaeger("/jaeger/trace/abc")
            self.assertIn('id="trace-not-found"', body)
        finally:
            sim.close()


if __name__ == "__main__":
    unittest.main()
