#include "core/process/Redactor.h"
#include "core/process/StreamRedactor.h"

#include <QStandardPaths>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
namespace Redactor = obslab::Redactor;

class TestRedactor : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void redactText_data();
    void redactText();
    void redactArguments_data();
    void redactArguments();
    void streamingIsConservative_data();
    void streamingIsConservative();
    void idempotent();
    void redactSpec();
};

void TestRedactor::redactText_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("plain-text") << u"NAME READY STATUS\nweb 2/2 Running"_s
                                << u"NAME READY STATUS\nweb 2/2 Running"_s;
    QTest::newRow("authorization-bearer")
        << u"Authorization: Bearer abc.def-ghi"_s << u"Authorization: Bearer <redacted>"_s;
    QTest::newRow("authorization-lowercase-in-curl-argument")
        << u"curl -H \"authorization: bearer eyJhbGciOi.xyz\" http://x"_s
        << u"curl -H \"authorization: bearer <redacted>\" http://x"_s;
    QTest::newRow("authorization-basic")
        << u"Authorization: Basic dXNlcjpwYXNz"_s << u"Authorization: Basic <redacted>"_s;
    QTest::newRow("bearer-token-in-a-log-line")
        << u"sending Bearer abcdefgh12345678 to api"_s << u"sending Bearer <redacted> to api"_s;
    QTest::newRow("bearer-the-word") << u"the bearer of news"_s << u"the bearer of news"_s;
    QTest::newRow("token-flag-equals")
        << u"kubectl --token=s3cr3t get pods"_s << u"kubectl --token=<redacted> get pods"_s;
    QTest::newRow("token-flag-space")
        << u"kubectl --token s3cr3t get pods"_s << u"kubectl --token <redacted> get pods"_s;
    QTest::newRow("token-flag-quoted")
        << u"kubectl --token 'a b c' get"_s << u"kubectl --token <redacted> get"_s;
    QTest::newRow("password-flag") << u"login --password=hunter2 --username=me"_s
                                   << u"login --password=<redacted> --username=me"_s;
    QTest::newRow("password-stdin-is-not-a-value")
        << u"docker login --password-stdin"_s << u"docker login --password-stdin"_s;
    QTest::newRow("tokens-flag-is-another-flag") << u"--tokens=3"_s << u"--tokens=3"_s;
    QTest::newRow("kubeconfig-credentials")
        << u"users:\n- name: admin\n  user:\n    client-certificate-data: LS0tLS1CRUdJTi==\n"
           "    client-key-data: LS0tLS1CRUdJTiBSU0E=\n    token: eyJhbGciOiJSUzI1NiJ9.abc\n"
           "    username: admin"_s
        << u"users:\n- name: admin\n  user:\n    client-certificate-data: <redacted>\n"
           "    client-key-data: <redacted>\n    token: <redacted>\n    username: admin"_s;
    QTest::newRow("kubeconfig-empty-token") << u"token:\nname: x"_s << u"token:\nname: x"_s;
    QTest::newRow("json-token") << u"{\"token\": \"a\\\"bc\", \"user\": \"x\"}"_s
                                << u"{\"token\": \"<redacted>\", \"user\": \"x\"}"_s;
    QTest::newRow("secret-yaml")
        << u"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n"
           "  password: aHVudGVyMg==\n  user: YWRtaW4=\nstringData:\n  note: |\n    multi\n"
           "    line\n  other: x\n"_s
        << u"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n"
           "  password: <redacted>\n  user: <redacted>\nstringData:\n  note: <redacted>\n"
           "  other: <redacted>\n"_s;
    QTest::newRow("secret-kind-after-data-as-kubectl-prints-it")
        << u"apiVersion: v1\ndata:\n  tls.crt: LS0t\n  tls.key: LS0u\nkind: Secret\nmetadata:\n"
           "  name: tls\ntype: kubernetes.io/tls"_s
        << u"apiVersion: v1\ndata:\n  tls.crt: <redacted>\n  tls.key: <redacted>\nkind: Secret\n"
           "metadata:\n  name: tls\ntype: kubernetes.io/tls"_s;
    QTest::newRow("configmap-kept")
        << u"apiVersion: v1\ndata:\n  mesh: |\n    accessLogFile: /dev/stdout\nkind: ConfigMap"_s
        << u"apiVersion: v1\ndata:\n  mesh: |\n    accessLogFile: /dev/stdout\nkind: ConfigMap"_s;
    QTest::newRow("multi-document-stream")
        << u"kind: ConfigMap\ndata:\n  a: b\n---\nkind: Secret\ndata:\n  c: d\n--- # next\n"
           "data:\n  e: f\nkind: ConfigMap\n"_s
        << u"kind: ConfigMap\ndata:\n  a: b\n---\nkind: Secret\ndata:\n  c: <redacted>\n"
           "--- # next\ndata:\n  e: f\nkind: ConfigMap\n"_s;
    QTest::newRow("list-items")
        << u"apiVersion: v1\nitems:\n- apiVersion: v1\n  data:\n    a: b\n  kind: ConfigMap\n"
           "- apiVersion: v1\n  data:\n    c: d\n  kind: Secret\n  metadata:\n    name: s\n"
           "kind: List"_s
        << u"apiVersion: v1\nitems:\n- apiVersion: v1\n  data:\n    a: b\n  kind: ConfigMap\n"
           "- apiVersion: v1\n  data:\n    c: <redacted>\n  kind: Secret\n  metadata:\n"
           "    name: s\nkind: List"_s;
    QTest::newRow("json-secret-pretty")
        << u"{\n    \"apiVersion\": \"v1\",\n    \"data\": {\n        \"password\": \"aHVudGVy\",\n"
           "        \"user\": \"YWRtaW4=\"\n    },\n    \"kind\": \"Secret\",\n"
           "    \"metadata\": {\n        \"name\": \"db\"\n    }\n}"_s
        << u"{\n    \"apiVersion\": \"v1\",\n    \"data\": {\n        \"password\": "
           u"\"<redacted>\",\n"
           "        \"user\": \"<redacted>\"\n    },\n    \"kind\": \"Secret\",\n"
           "    \"metadata\": {\n        \"name\": \"db\"\n    }\n}"_s;
    QTest::newRow("json-configmap-pretty-kept")
        << u"{\n    \"data\": {\n        \"a\": \"b\"\n    },\n    \"kind\": \"ConfigMap\"\n}"_s
        << u"{\n    \"data\": {\n        \"a\": \"b\"\n    },\n    \"kind\": \"ConfigMap\"\n}"_s;
    QTest::newRow("json-secret-one-line")
        << u"{\"apiVersion\":\"v1\",\"data\":{\"password\":\"aHVudGVy\"},\"kind\":\"Secret\"}"_s
        << u"{\"apiVersion\":\"v1\",\"data\":\"<redacted>\",\"kind\":\"Secret\"}"_s;
    QTest::newRow("secret-flow-mapping")
        << u"kind: Secret\ndata: {password: abc}"_s << u"kind: Secret\ndata: <redacted>"_s;
    QTest::newRow("secret-quoted-kind-comments-blank-lines")
        << u"kind: \"Secret\" # a comment\ndata:\n  # keys below\n\n  a: b\ntype: Opaque"_s
        << u"kind: \"Secret\" # a comment\ndata:\n  # keys below\n\n  a: <redacted>\ntype: Opaque"_s;
    QTest::newRow("secret-crlf") << u"kind: Secret\r\ndata:\r\n  a: b\r\n"_s
                                 << u"kind: Secret\r\ndata:\r\n  a: <redacted>\n"_s;
    QTest::newRow("data-without-kind-kept")
        << u"secret:\n  data:\n    x: y"_s << u"secret:\n  data:\n    x: y"_s;
    QTest::newRow("invalid-utf8-decoded")
        << QString::fromUtf8("\xff\xfe garbage\n--token=abc \xc3")
        << QString::fromUtf8("\xff\xfe garbage\n--token=<redacted> \xc3");
    QTest::newRow("kubectl-error-text")
        << u"error: You must be logged in to the server (Unauthorized)"_s
        << u"error: You must be logged in to the server (Unauthorized)"_s;
    QTest::newRow("only-separators") << u"---\n---\n..."_s << u"---\n---\n..."_s;
    QTest::newRow("weird-indentation-and-lists")
        << u"kind: Secret\ndata:\n- a\n- b\n  c: d\n:\n  - : x"_s
        << u"kind: Secret\ndata:\n- a\n- b\n  c: d\n:\n  - : x"_s;
}

void TestRedactor::redactText()
{
    QFETCH(QString, input);
    QFETCH(QString, expected);
    QCOMPARE(Redactor::redactText(input), expected);
    QCOMPARE(Redactor::redactManifest(input), expected);
}

void TestRedactor::redactArguments_data()
{
    QTest::addColumn<QStringList>("input");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("empty") << QStringList() << QStringList();
    QTest::newRow("nothing-secret") << QStringList{u"get"_s, u"pods"_s, u"-n"_s, u"default"_s}
                                    << QStringList{u"get"_s, u"pods"_s, u"-n"_s, u"default"_s};
    QTest::newRow("token-separate") << QStringList{u"--token"_s, u"abc"_s, u"get"_s}
                                    << QStringList{u"--token"_s, u"<redacted>"_s, u"get"_s};
    QTest::newRow("token-equals") << QStringList{u"get"_s, u"--token=abc"_s}
                                  << QStringList{u"get"_s, u"--token=<redacted>"_s};
    QTest::newRow("token-equals-empty")
        << QStringList{u"--token="_s} << QStringList{u"--token=<redacted>"_s};
    QTest::newRow("password-separate")
        << QStringList{u"--password"_s, u"p w"_s} << QStringList{u"--password"_s, u"<redacted>"_s};
    QTest::newRow("token-flag-last")
        << QStringList{u"get"_s, u"--token"_s} << QStringList{u"get"_s, u"--token"_s};
    QTest::newRow("create-secret-from-literal")
        << QStringList{u"create"_s,
                       u"secret"_s,
                       u"generic"_s,
                       u"db"_s,
                       u"--from-literal=password=hunter2"_s,
                       u"--from-literal=user=admin"_s}
        << QStringList{u"create"_s,
                       u"secret"_s,
                       u"generic"_s,
                       u"db"_s,
                       u"--from-literal=password=<redacted>"_s,
                       u"--from-literal=user=<redacted>"_s};
    QTest::newRow("configmap-from-literal-kept")
        << QStringList{u"create"_s, u"configmap"_s, u"c"_s, u"--from-literal=a=b"_s}
        << QStringList{u"create"_s, u"configmap"_s, u"c"_s, u"--from-literal=a=b"_s};
    QTest::newRow("patch-secret") << QStringList{u"patch"_s, u"secret/db"_s, u"-p"_s,
                                                 u"{\"data\":{\"a\":\"b\"}}"_s}
                                  << QStringList{u"patch"_s, u"secret/db"_s, u"-p"_s,
                                                 u"<redacted>"_s};
    QTest::newRow("patch-secret-equals")
        << QStringList{u"patch"_s, u"secrets"_s, u"db"_s, u"--patch={\"data\":{}}"_s}
        << QStringList{u"patch"_s, u"secrets"_s, u"db"_s, u"--patch=<redacted>"_s};
    QTest::newRow("authorization-header-argument")
        << QStringList{u"-H"_s, u"Authorization: Bearer xyz12345"_s}
        << QStringList{u"-H"_s, u"Authorization: Bearer <redacted>"_s};
    QTest::newRow("multi-line-secret-argument")
        << QStringList{u"apply"_s, u"kind: Secret\ndata:\n  a: b"_s}
        << QStringList{u"apply"_s, u"kind: Secret\ndata:\n  a: <redacted>"_s};
}

void TestRedactor::redactArguments()
{
    QFETCH(QStringList, input);
    QFETCH(QStringList, expected);
    QCOMPARE(Redactor::redactArguments(input), expected);
}

void TestRedactor::streamingIsConservative_data()
{
    QTest::addColumn<QStringList>("lines");
    QTest::addColumn<QStringList>("expected");

    QTest::newRow("configmap-data-before-kind-masked")
        << QStringList{u"data:"_s, u"  a: b"_s, u"kind: ConfigMap"_s}
        << QStringList{u"data:"_s, u"  a: <redacted>"_s, u"kind: ConfigMap"_s};
    QTest::newRow("configmap-kind-first-kept")
        << QStringList{u"kind: ConfigMap"_s, u"data:"_s, u"  a: b"_s}
        << QStringList{u"kind: ConfigMap"_s, u"data:"_s, u"  a: b"_s};
    QTest::newRow("block-scalar-lines-dropped")
        << QStringList{u"kind: Secret"_s, u"data:"_s, u"  k: |"_s,
                       u"    x"_s,        u"    y"_s, u"type: Opaque"_s}
        << QStringList{u"kind: Secret"_s, u"data:"_s, u"  k: <redacted>"_s, u"type: Opaque"_s};
    QTest::newRow("log-lines-untouched")
        << QStringList{u"[pod/web-1/istio-proxy] [2026-01-01T00:00:00.000Z] \"GET / HTTP/1.1\" 200"_s}
        << QStringList{
               u"[pod/web-1/istio-proxy] [2026-01-01T00:00:00.000Z] \"GET / HTTP/1.1\" 200"_s};
}

void TestRedactor::streamingIsConservative()
{
    QFETCH(QStringList, lines);
    QFETCH(QStringList, expected);
    obslab::StreamRedactor redactor;
    QStringList out;
    for (const QString& line : lines) {
        if (const auto kept = redactor.redactLine(line))
            out.append(*kept);
    }
    QCOMPARE(out, expected);
}

void TestRedactor::idempotent()
{
    const QString text =
        u"kind: Secret\ndata:\n  a: b\n--token=x\ntoken: y\nAuthorization: Bearer zzzzzzzzzz"_s;
    const QString once = Redactor::redactText(text);
    QCOMPARE(Redactor::redactText(once), once);
    QVERIFY(!once.contains(u": b"_s));
}

void TestRedactor::redactSpec()
{
    obslab::CommandSpec spec;
    spec.program = u"kubectl"_s;
    spec.arguments = {u"--token"_s, u"abc"_s, u"apply"_s, u"-f"_s, u"-"_s};
    spec.environment = {{u"GITHUB_TOKEN"_s, u"ghp_x"_s},
                        {u"KUBECONFIG"_s, u"/tmp/kc"_s},
                        {u"SSH_KEY"_s, u"k"_s},
                        {u"EXTRA"_s, u"Authorization: Bearer abcdefghijk"_s}};
    spec.stdinData = "kind: Secret\ndata:\n  a: b\n";
    spec.title = u"Apply"_s;
    const obslab::CommandSpec shown = Redactor::redactSpec(spec);
    QCOMPARE(shown.program, spec.program);
    QCOMPARE(shown.title, spec.title);
    QCOMPARE(shown.arguments,
             (QStringList{u"--token"_s, u"<redacted>"_s, u"apply"_s, u"-f"_s, u"-"_s}));
    QCOMPARE(shown.environment.value(u"GITHUB_TOKEN"_s), u"<redacted>"_s);
    QCOMPARE(shown.environment.value(u"KUBECONFIG"_s), u"/tmp/kc"_s);
    QCOMPARE(shown.environment.value(u"SSH_KEY"_s), u"<redacted>"_s);
    QCOMPARE(shown.environment.value(u"EXTRA"_s), u"Authorization: Bearer <redacted>"_s);
    QCOMPARE(shown.stdinData, QByteArray("kind: Secret\ndata:\n  a: <redacted>\n"));
    QCOMPARE(shown.toShellLine(),
             u"EXTRA='Authorization: Bearer <redacted>' GITHUB_TOKEN='<redacted>' "
             "KUBECONFIG=/tmp/kc SSH_KEY='<redacted>' kubectl --token '<redacted>' apply -f -  "
             "# stdin: 35 bytes"_s);
}

QTEST_GUILESS_MAIN(TestRedactor)
#include "tst_redactor.moc"
