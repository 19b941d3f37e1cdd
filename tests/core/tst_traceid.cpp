#include "core/logs/RequestId.h"
#include "core/logs/TraceContext.h"
#include "core/logs/TraceId.h"

#include <QSet>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using obslab::RequestId;
using obslab::TraceContext;
using obslab::TraceId;
using Sampling = obslab::TraceContext::Sampling;

class TstTraceId : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fromHex_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QByteArray>("canonical");  // empty = rejected

        QTest::newRow("128-bit") << "463ac35c9f6413ad48485a3953bb6124"_ba
                                 << "463ac35c9f6413ad48485a3953bb6124"_ba;
        QTest::newRow("64-bit-padded") << "e28cfcca4e031099"_ba
                                       << "0000000000000000e28cfcca4e031099"_ba;
        QTest::newRow("upper-case") << "E28CFCCA4E031099"_ba
                                    << "0000000000000000e28cfcca4e031099"_ba;
        QTest::newRow("leading-zero-64") << "0d30f976a64daaeb"_ba
                                         << "00000000000000000d30f976a64daaeb"_ba;
        QTest::newRow("all-zero-16") << "0000000000000000"_ba << QByteArray();
        QTest::newRow("all-zero-32") << QByteArray(32, '0') << QByteArray();
        QTest::newRow("wrong-length-15") << "e28cfcca4e03109"_ba << QByteArray();
        QTest::newRow("wrong-length-20") << "e28cfcca4e0310991234"_ba << QByteArray();
        QTest::newRow("wrong-length-33") << "463ac35c9f6413ad48485a3953bb61240"_ba << QByteArray();
        QTest::newRow("non-hex") << "e28cfcca4e03109g"_ba << QByteArray();
        QTest::newRow("dash") << "-"_ba << QByteArray();
        QTest::newRow("empty") << QByteArray() << QByteArray();
        QTest::newRow("space-inside") << "e28cfcca 4e03109"_ba << QByteArray();
    }
    void fromHex()
    {
        QFETCH(QByteArray, input);
        QFETCH(QByteArray, canonical);
        const TraceId id = TraceId::fromHex(input);
        QCOMPARE(id.isValid(), !canonical.isEmpty());
        QCOMPARE(id.toHex(), canonical);
    }

    void logIdEqualsJaegerForm()
    {
        // Jaeger v1 shows a 64-bit id as 16 digits; its API accepts the padded 32-digit form.
        const TraceId fromLog = TraceId::fromHex("463ac35c9f6413ad");
        const TraceId fromJaeger = TraceId::fromString(u"0000000000000000463ac35c9f6413ad"_s);
        QCOMPARE(fromLog, fromJaeger);
        QCOMPARE(qHash(fromLog), qHash(fromJaeger));
        QVERIFY(fromLog.is64Bit());
        QCOMPARE(fromLog.toShortString(), u"463ac35c9f6413ad"_s);
        QCOMPARE(fromLog.toString(), u"0000000000000000463ac35c9f6413ad"_s);
        const TraceId wide = TraceId::fromHex("3ba55609c3cde49649cd77d1f9dcd936");
        QCOMPARE(wide.toShortString(), u"3ba55609c3cde49649cd77d1f9dcd936"_s);
        QSet<TraceId> set{fromLog, fromJaeger, wide};
        QCOMPARE(set.size(), 2);
        QVERIFY(fromLog < wide);
    }

    void lenient_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("short") << u"1b3ef83a5d15ed1"_s << u"000000000000000001b3ef83a5d15ed1"_s;
        QTest::newRow("one-digit") << u"a"_s << u"0000000000000000000000000000000a"_s;
        QTest::newRow("spaces") << u"  463ac35c9f6413ad \n"_s
                                << u"0000000000000000463ac35c9f6413ad"_s;
        QTest::newRow("too-long") << u"0463ac35c9f6413ad48485a3953bb61240"_s << QString();
        QTest::newRow("non-latin") << u"463ac35c9f6413aé"_s << QString();
        QTest::newRow("zero") << u"0"_s << QString();
    }
    void lenient()
    {
        QFETCH(QString, input);
        QFETCH(QString, canonical);
        QCOMPARE(TraceId::fromString(input).toString(), canonical);
    }

    void b3Multi()
    {
        const TraceContext c = TraceContext::fromB3Multi(
            "463ac35c9f6413ad48485a3953bb6124", "a2fb4a1d1a96d312", "0020000000000001", "1");
        QVERIFY(c.isValid());
        QCOMPARE(c.traceId.toHex(), "463ac35c9f6413ad48485a3953bb6124"_ba);
        QCOMPARE(c.spanId, 0xa2fb4a1d1a96d312ULL);
        QCOMPARE(c.parentSpanId, 0x0020000000000001ULL);
        QCOMPARE(c.sampling, Sampling::Sampled);
        QCOMPARE(
            TraceContext::fromB3Multi("463ac35c9f6413ad", "a2fb4a1d1a96d312", {}, "false").sampling,
            Sampling::NotSampled);
        QCOMPARE(
            TraceContext::fromB3Multi("463ac35c9f6413ad", "a2fb4a1d1a96d312", {}, {}, "1").sampling,
            Sampling::Debug);
        QVERIFY(!TraceContext::fromB3Multi("0000000000000000", "a2fb4a1d1a96d312").isValid());
    }

    void b3Single_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QByteArray>("trace");
        QTest::addColumn<quint64>("span");
        QTest::addColumn<quint64>("parent");
        QTest::addColumn<int>("sampling");
        QTest::newRow("readme-example")
            << "80f198ee56343ba864fe8b2a57d3eff7-05e3ac9a4f6e3b90-1-e457b5a2e4d86bd1"_ba << true
            << "80f198ee56343ba864fe8b2a57d3eff7"_ba << quint64(0x05e3ac9a4f6e3b90ULL)
            << quint64(0xe457b5a2e4d86bd1ULL) << int(Sampling::Sampled);
        QTest::newRow("no-sampling")
            << "e28cfcca4e031099-07d23de702980446"_ba << true
            << "0000000000000000e28cfcca4e031099"_ba << quint64(0x07d23de702980446ULL) << quint64(0)
            << int(Sampling::Unknown);
        QTest::newRow("debug") << "e28cfcca4e031099-07d23de702980446-d"_ba << true
                               << "0000000000000000e28cfcca4e031099"_ba
                               << quint64(0x07d23de702980446ULL) << quint64(0)
                               << int(Sampling::Debug);
        QTest::newRow("deny-only") << "0"_ba << false << QByteArray() << quint64(0) << quint64(0)
                                   << int(Sampling::Unknown);
        QTest::newRow("bad-state")
            << "e28cfcca4e031099-07d23de702980446-x"_ba << false << QByteArray() << quint64(0)
            << quint64(0) << int(Sampling::Unknown);
        QTest::newRow("short-span") << "e28cfcca4e031099-07d23de7"_ba << false << QByteArray()
                                    << quint64(0) << quint64(0) << int(Sampling::Unknown);
    }
    void b3Single()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, valid);
        QFETCH(QByteArray, trace);
        QFETCH(quint64, span);
        QFETCH(quint64, parent);
        QFETCH(int, sampling);
        const TraceContext c = TraceContext::fromB3Single(value);
        QCOMPARE(c.isValid(), valid);
        QCOMPARE(c.traceId.toHex(), trace);
        QCOMPARE(c.spanId, span);
        QCOMPARE(c.parentSpanId, parent);
        QCOMPARE(int(c.sampling), sampling);
    }

    void traceparent_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<int>("sampling");
        QTest::newRow("spec-example")
            << "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"_ba << true
            << int(Sampling::Sampled);
        QTest::newRow("not-sampled") << "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"_ba
                                     << true << int(Sampling::NotSampled);
        QTest::newRow("future-version-extra")
            << "cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future"_ba << true
            << int(Sampling::Sampled);
        QTest::newRow("version-00-extra")
            << "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"_ba << false << 0;
        QTest::newRow("version-ff")
            << "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"_ba << false << 0;
        QTest::newRow("zero-trace")
            << "00-00000000000000000000000000000000-00f067aa0ba902b7-01"_ba << false << 0;
        QTest::newRow("zero-parent")
            << "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"_ba << false << 0;
        QTest::newRow("truncated")
            << "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7"_ba << false << 0;
        QTest::newRow("non-hex") << "00-4bf92f3577b34da6a3ce929d0e0e473z-00f067aa0ba902b7-01"_ba
                                 << false << 0;
    }
    void traceparent()
    {
        QFETCH(QByteArray, value);
        QFETCH(bool, valid);
        QFETCH(int, sampling);
        const TraceContext c = TraceContext::fromTraceparent(value);
        QCOMPARE(c.isValid(), valid);
        if (valid) {
            QCOMPARE(c.traceId.toHex(), "4bf92f3577b34da6a3ce929d0e0e4736"_ba);
            QCOMPARE(c.spanId, 0x00f067aa0ba902b7ULL);
            QCOMPARE(int(c.sampling), sampling);
        }
    }

    void uberTraceId_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<QByteArray>("trace");  // empty = invalid
        QTest::addColumn<quint64>("span");
        QTest::addColumn<int>("sampling");
        QTest::newRow("docs-example") << "4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:0:1"_ba
                                      << "4bf92f3577b34da6a3ce929d0e0e4736"_ba
                                      << quint64(0x00f067aa0ba902b7ULL) << int(Sampling::Sampled);
        QTest::newRow("short-ids-padded")
            << "1b3ef83a5d15ed1:f067aa0ba902b7:0:0"_ba
            << "000000000000000001b3ef83a5d15ed1"_ba << quint64(0x00f067aa0ba902b7ULL)
            << int(Sampling::NotSampled);
        QTest::newRow("debug") << "e28cfcca4e031099:07d23de702980446:0:3"_ba
                               << "0000000000000000e28cfcca4e031099"_ba
                               << quint64(0x07d23de702980446ULL) << int(Sampling::Debug);
        QTest::newRow("three-parts")
            << "e28cfcca4e031099:07d23de702980446:0"_ba << QByteArray() << quint64(0) << 0;
        QTest::newRow("zero-span")
            << "e28cfcca4e031099:0:0:1"_ba << QByteArray() << quint64(0) << 0;
        QTest::newRow("flags-too-long")
            << "e28cfcca4e031099:07d23de702980446:0:101"_ba << QByteArray() << quint64(0) << 0;
    }
    void uberTraceId()
    {
        QFETCH(QByteArray, value);
        QFETCH(QByteArray, trace);
        QFETCH(quint64, span);
        QFETCH(int, sampling);
        const TraceContext c = TraceContext::fromUberTraceId(value);
        QCOMPARE(c.traceId.toHex(), trace);
        if (!trace.isEmpty()) {
            QCOMPARE(c.spanId, span);
            QCOMPARE(int(c.sampling), sampling);
        }
    }

    void requestId_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("decision");
        QTest::newRow("sampled") << u"84961386-6d84-929d-98bd-c5aee93b5c88"_s
                                 << int(RequestId::TraceDecision::Sampled);
        QTest::newRow("not-traced") << u"0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"_s
                                    << int(RequestId::TraceDecision::NotTraced);
        QTest::newRow("forced") << u"0b1c2d3e-4f5a-ab6c-8d7e-9f0a1b2c3d4e"_s
                                << int(RequestId::TraceDecision::Forced);
        QTest::newRow("client-forced") << u"0b1c2d3e-4f5a-bb6c-8d7e-9f0a1b2c3d4e"_s
                                       << int(RequestId::TraceDecision::ClientForced);
        QTest::newRow("custom") << u"my-request-42"_s << int(RequestId::TraceDecision::NotAUuid);
    }
    void requestId()
    {
        QFETCH(QString, value);
        QFETCH(int, decision);
        const RequestId id(value);
        QCOMPARE(int(id.traceDecision()), decision);
    }

    void requestIdIsACorrelationKey()
    {
        // The same x-request-id on the client and server sidecar lines links one hop.
        const RequestId client(u"84961386-6d84-929d-98bd-C5AEE93B5C88"_s);
        const RequestId server(u"84961386-6d84-929d-98bd-c5aee93b5c88"_s);
        QVERIFY(client == server);
        QVERIFY(!(RequestId(u"Abc"_s) == RequestId(u"abc"_s)));  // arbitrary ids are verbatim
    }
};

QTEST_GUILESS_MAIN(TstTraceId)
#include "tst_traceid.moc"
