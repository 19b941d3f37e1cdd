// core/manifest: multi-document parsing, line:column errors, validation and the resource summary.
#include "core/manifest/Manifest.h"

#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

const QByteArray kTwoObjects = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: frontend
  namespace: shop
spec:
  replicas: 1
---
# the backend's service
apiVersion: v1
kind: Service
metadata:
  name: backend
spec:
  ports:
  - port: 80
)";

QStringList messages(const ManifestParse& p)
{
    QStringList out;
    for (const ManifestIssue& i : p.issues)
        out << i.toString();
    return out;
}

}  // namespace

class TestManifest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void twoDocuments()
    {
        const ManifestParse p = Manifest::parse(kTwoObjects);
        QVERIFY2(p.issues.isEmpty(), qPrintable(messages(p).join(u'\n')));
        QCOMPARE(p.documents, 2);
        QCOMPARE(p.resources.size(), 2);
        QCOMPARE(p.resources[0].kind, u"Deployment"_s);
        QCOMPARE(p.resources[0].name, u"frontend"_s);
        QCOMPARE(p.resources[0].ns, u"shop"_s);
        QCOMPARE(p.resources[0].line, 1);
        QCOMPARE(p.resources[1].kind, u"Service"_s);
        QCOMPARE(p.resources[1].ns, QString());
        QCOMPARE(p.resources[1].line, 10);  // the object, not the comment or the `---`
        QCOMPARE(p.resources[1].document, 1);
        QCOMPARE(Manifest::summary(p.resources), u"1 Deployment, 1 Service"_s);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("contains");
        QTest::addColumn<bool>("isError");

        QTest::newRow("bad-indent-second-doc")
            << QByteArray(kTwoObjects +
                          "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"
                          " bad: [1, 2\n")
            << 22 << 2 << u"not valid YAML"_s << true;
        QTest::newRow("unclosed-flow")
            << QByteArray("apiVersion: v1\nkind: Pod\nmetadata: {name: x\nspec: {}\n") << 4 << 5
            << u"not valid YAML"_s << true;
        QTest::newRow("tab-indent")
            << QByteArray("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n") << 4 << 6
            << u"not valid YAML"_s << true;
        QTest::newRow("no-kind") << QByteArray("apiVersion: v1\nmetadata:\n  name: x\n") << 1 << 1
                                 << u"kind is missing"_s << true;
        QTest::newRow("no-apiversion") << QByteArray("kind: Pod\nmetadata:\n  name: x\n") << 1 << 1
                                       << u"apiVersion is missing"_s << true;
        QTest::newRow("no-name")
            << QByteArray("---\napiVersion: v1\nkind: Pod\nmetadata:\n  labels: {a: b}\n") << 4 << 1
            << u"metadata.name is missing"_s << true;
        QTest::newRow("no-metadata") << QByteArray("apiVersion: v1\nkind: Pod\n") << 1 << 1
                                     << u"metadata is missing"_s << true;
        QTest::newRow("scalar-document")
            << QByteArray("just text\n") << 1 << 1 << u"must be a Kubernetes object"_s << true;
        QTest::newRow("unknown-kind")
            << QByteArray("apiVersion: example.com/v1\nkind: Frobnicator\nmetadata:\n  name: x\n")
            << 2 << 7 << u"not a kind ObsLab knows"_s << false;
        QTest::newRow("wrong-group")
            << QByteArray("apiVersion: v1\nkind: Deployment\nmetadata:\n  name: x\n") << 1 << 13
            << u"served as apps/v1"_s << false;
        QTest::newRow("secret-not-base64")
            << QByteArray("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n  pw: "
                          "hunter2!\n")
            << 6 << 7 << u"data.pw is not base64"_s << true;
        QTest::newRow("duplicate")
            << QByteArray("apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\napiVersion: v1\n"
                          "kind: Pod\nmetadata: {name: a}\n")
            << 5 << 1 << u"appears twice"_s << false;
        QTest::newRow("too-deep") << QByteArray(200, '[') << 1 << 1 << u"nested more than"_s
                                  << true;
        QTest::newRow("compact-too-deep")
            << QByteArray(QByteArray("a:\n ") + QByteArray("- ").repeated(100) + "x\n") << 2 << 2
            << u"nested more than"_s << true;
    }
    void errors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, contains);
        QFETCH(bool, isError);
        const ManifestParse p = Manifest::parse(yaml);
        const auto it = std::find_if(p.issues.cbegin(), p.issues.cend(),
                                     [&](const auto& i) { return i.message.contains(contains); });
        QVERIFY2(it != p.issues.cend(), qPrintable(messages(p).join(u'\n')));
        QCOMPARE(it->line, line);
        QCOMPARE(it->column, column);
        QCOMPARE(it->isError(), isError);
        QVERIFY(!it->message.contains(u"hunter2"_s));  // never quote a secret
    }

    void brokenDocumentDoesNotHideOthers()
    {
        const ManifestParse p =
            Manifest::parse(QByteArray(QByteArray("apiVersion: v1\nkind: Pod\nmetadata: {name: "
                                                  "[\n---\n") +
                                       kTwoObjects));
        QCOMPARE(p.errorCount(), 1);
        QCOMPARE(p.resources.size(), 2);
        QCOMPARE(p.resources[0].line, 5);
    }

    void listItems()
    {
        const ManifestParse p = Manifest::parse(
            "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n  "
            "metadata: {name: a}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: b}\n");
        QVERIFY2(p.issues.isEmpty(), qPrintable(messages(p).join(u'\n')));
        QCOMPARE(p.resources.size(), 2);
        QCOMPARE(p.resources[1].line, 7);
    }

    void secretKeysNeverValues()
    {
        const QByteArray yaml = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n"
                                "  password: aHVudGVyMg==\nstringData:\n  user: admin\n";
        const ManifestParse p = Manifest::parse(yaml);
        QVERIFY2(p.issues.isEmpty(), qPrintable(messages(p).join(u'\n')));
        QCOMPARE(p.resources.value(0).secretKeys, (QStringList{u"password"_s, u"user"_s}));
        const QString masked = Manifest::maskSecrets(QString::fromUtf8(yaml));
        QVERIFY(!masked.contains(u"aHVudGVyMg=="_s));
        QVERIFY(!masked.contains(u"admin"_s));
        QVERIFY(masked.contains(u"name: db"_s));
    }

    void emptyAndComments_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<int>("documents");
        QTest::newRow("empty") << QByteArray() << 0;
        QTest::newRow("comment-only") << QByteArray("# nothing\n\n") << 0;
        QTest::newRow("leading-separator") << QByteArray("---\n") << 1;
        QTest::newRow("separators") << QByteArray("---\n---\n...\n") << 2;
        QTest::newRow("invalid-utf8") << QByteArray("\xff\xfe\x00garbage\x80", 11) << 1;
    }
    void emptyAndComments()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(int, documents);
        const ManifestParse p = Manifest::parse(yaml);
        QCOMPARE(p.documents, documents);
        QVERIFY(p.resources.isEmpty());
    }

    void blockScalarIsNotNesting()
    {
        QByteArray yaml = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata:\n  f: |\n";
        for (int i = 0; i < 100; ++i)
            yaml += QByteArray(4 + i, ' ') + "[{\n";
        const ManifestParse p = Manifest::parse(yaml);
        QVERIFY2(p.issues.isEmpty(), qPrintable(messages(p).join(u'\n')));
    }

    void tooBig()
    {
        const ManifestParse p = Manifest::parse(QByteArray(Manifest::kMaxBytes + 1, '#'));
        QCOMPARE(p.errorCount(), 1);
    }
};

QTEST_GUILESS_MAIN(TestManifest)
#include "tst_manifest.moc"
