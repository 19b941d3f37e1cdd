// obslab_record_rehearsal: records the tracing workshop's rehearsal by really running its
// commands — the real kubectl and the given istioctl — against a running simulated mesh
// (tests/sim, test equipment), and writes resources/rehearsals/ID.ndjson. Started by
// scripts/record-rehearsal.sh, which starts and stops the sim. Until LabRunner can run the
// built-in lab headless, the steps here follow the workshop as tests/sim/manifests has it.
//
// Usage: obslab_record_rehearsal --kubeconfig FILE --jaeger URL --manifests DIR --out FILE
//                                [--kubectl PATH] [--istioctl PATH] [--id ID]
#include "process/BackgroundJob.h"
#include "process/BackgroundJobs.h"
#include "process/Command.h"
#include "process/CommandRunner.h"
#include "process/Transcript.h"
#include "rehearsal/Recorder.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;
using namespace obslab::rehearsal;

namespace {

struct Setup
{
    QString kubeconfig;
    QString kubectl = u"kubectl"_s;
    QString istioctl;
    QString jaeger;  // the query base URL, e.g. http://127.0.0.1:PORT/jaeger
    QString manifests;
    QString out;
    QString id = u"istio-tracing"_s;
    QString home;
};

void say(const QString& text)
{
    std::fputs(qPrintable(text + u'\n'), stderr);
}

class Session
{
public:
    explicit Session(const Setup& s)
        : s_(s)
        , runner_(&transcript_)
        , jobs_(&transcript_)
    {
        recorder_.setLab(s.id, u"Distributed tracing with Istio"_s);
        recorder_.setSource({u"simulated-mesh"_s,
                             u"Recorded against the simulated mesh of ObsLab's tests (tests/sim): "
                             "test equipment, not a cluster"_s,
                             u"obslab-sim"_s});
        recorder_.attach(&runner_);
        recorder_.attach(&jobs_);
    }

    CommandSpec kubectl(const QStringList& args, const QString& title, const QByteArray& in = {})
    {
        CommandSpec spec;
        spec.program = u"kubectl"_s;
        spec.arguments = QStringList{u"--context"_s, u"obslab-sim"_s} + args;
        spec.stdinData = in;
        spec.title = title;
        // Not in the arguments, so not in the recording: where the sim's kubeconfig lives.
        spec.environment = {{u"KUBECONFIG"_s, s_.kubeconfig}, {u"HOME"_s, s_.home}};
        spec.workingDirectory = s_.manifests;
        return spec;
    }

    CommandSpec istioctl(const QStringList& args, const QString& title)
    {
        CommandSpec spec = kubectl({}, title);
        spec.program = u"istioctl"_s;
        spec.arguments = args;
        return spec;
    }

    CommandResult run(const CommandSpec& spec)
    {
        Command* c = runner_.start(spec);
        CommandResult result;
        QEventLoop loop;
        QObject::connect(c, &Command::finished, &loop, [&](const CommandResult& r) {
            result = r;
            loop.quit();
        });
        loop.exec();
        CommandSpec shown;
        shown.program = spec.program;
        shown.arguments = spec.arguments;
        say(u"  %1 → %2"_s.arg(shown.toShellLine().left(100), commandStatusName(result.status)));
        return result;
    }

    QByteArray manifest(const QString& name)
    {
        QFile f(s_.manifests + u'/' + name);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    void check(const QString& id, const QString& title, bool ok, const QString& message,
               const QString& hint)
    {
        recorder_.addCheck(id, title, ok ? u"passed"_s : u"failed"_s, message,
                           ok ? QString() : hint);
        say(u"  check %1: %2"_s.arg(title, ok ? u"passed"_s : u"FAILED — "_s + message));
        allPassed_ = allPassed_ && ok;
    }

    // Follows the frontend's istio-proxy log until `want` request lines with a trace id arrived.
    QString followLogs(int want)
    {
        CommandSpec spec =
            kubectl({u"logs"_s, u"-f"_s, u"-n"_s, u"default"_s, u"-l"_s, u"app=frontend"_s, u"-c"_s,
                     u"istio-proxy"_s, u"--prefix"_s, u"--timestamps"_s, u"--tail=5"_s},
                    u"Follow the frontend's access log"_s);
        spec.timeout = std::chrono::milliseconds(0);
        BackgroundJob* job = jobs_.start(spec);
        static const QRegularExpression prefix(uR"(^\[pod/([^/]+)/([^\]]+)\] (\S+) (.*)$)"_s);
        static const QRegularExpression traceId(uR"(traceID=([0-9a-f]{16,32}))"_s);
        QString lastTrace;
        int seen = 0;
        QEventLoop loop;
        QTimer giveUp;
        giveUp.setSingleShot(true);
        QObject::connect(&giveUp, &QTimer::timeout, &loop, &QEventLoop::quit);
        QObject::connect(job, &BackgroundJob::stdoutLine, &loop, [&](const QByteArray& line) {
            const auto m = prefix.match(QString::fromUtf8(line));
            if (!m.hasMatch())
                return;
            recorder_.addLogLines(
                {{m.captured(1), m.captured(2), m.captured(3).toLatin1(), m.captured(4).toUtf8()}});
            const auto t = traceId.match(m.captured(4));
            if (t.hasMatch()) {
                lastTrace = t.captured(1);
                if (++seen >= want)
                    loop.quit();
            }
        });
        QObject::connect(job, &BackgroundJob::finished, &loop, &QEventLoop::quit);
        giveUp.start(60000);
        loop.exec();
        job->stop();
        QEventLoop stopped;
        if (job->state() != BackgroundJob::State::Finished) {
            QObject::connect(job, &BackgroundJob::finished, &stopped, &QEventLoop::quit);
            stopped.exec();
        }
        return lastTrace;
    }

    QByteArray fetchTrace(const QString& id)
    {
        // The sidecars report spans as the request ends: ask again for a little while.
        for (int attempt = 0; attempt < 20; ++attempt) {
            QNetworkRequest request(QUrl(s_.jaeger + u"/api/traces/"_s + id));
            QNetworkReply* reply = nam_.get(request);
            QEventLoop loop;
            QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            loop.exec();
            const QByteArray body = reply->readAll();
            const bool ok = reply->error() == QNetworkReply::NoError && body.contains("\"spans\"");
            reply->deleteLater();
            if (ok)
                return body;
            QEventLoop wait;
            QTimer::singleShot(500, &wait, &QEventLoop::quit);
            wait.exec();
        }
        return {};
    }

    Recorder& recorder() { return recorder_; }
    bool allPassed() const { return allPassed_; }

private:
    Setup s_;
    Transcript transcript_;
    CommandRunner runner_;
    BackgroundJobs jobs_;
    Recorder recorder_;
    QNetworkAccessManager nam_;
    bool allPassed_ = true;
};

int record(const Setup& s)
{
    Session lab(s);
    Recorder& rec = lab.recorder();

    rec.beginStep(u"look"_s, u"Look at the cluster"_s,
                  u"Check which cluster `kubectl` talks to and that Istio's control plane runs "
                  "in `istio-system`."_s);
    lab.run(lab.kubectl({u"get"_s, u"nodes"_s}, u"List the nodes"_s));
    lab.run(lab.istioctl({u"version"_s}, u"Istio's version"_s));
    const CommandResult pods =
        lab.run(lab.kubectl({u"get"_s, u"pods"_s, u"-n"_s, u"istio-system"_s}, u"Istio's pods"_s));
    lab.check(u"istiod"_s, u"Istio's control plane is running"_s,
              pods.ok() && pods.stdoutData.contains("istiod"), u"istiod is Running"_s,
              u"Install Istio first: istioctl install --set profile=demo -y"_s);

    rec.beginStep(u"tracing"_s, u"Turn tracing on"_s,
                  u"Istio 1.22 and newer send spans nowhere until you name a tracing provider. "
                  "Add a Zipkin provider pointing at Jaeger's collector, then a `Telemetry` "
                  "resource that samples 100 % of requests."_s);
    lab.run(lab.istioctl({u"install"_s, u"-f"_s, u"istio-tracing-telemetry.yaml"_s, u"-y"_s},
                         u"Install Istio with a Zipkin tracing provider"_s));
    const CommandResult telemetry =
        lab.run(lab.kubectl({u"apply"_s, u"-f"_s, u"-"_s}, u"Apply the mesh-wide Telemetry"_s,
                            lab.manifest(u"telemetry-tracing.yaml"_s)));
    const CommandResult mesh =
        lab.run(lab.kubectl({u"get"_s, u"configmap"_s, u"istio"_s, u"-n"_s, u"istio-system"_s,
                             u"-o"_s, u"jsonpath={.data.mesh}"_s},
                            u"Read the mesh config"_s));
    lab.check(u"provider"_s, u"The mesh has a tracing provider"_s,
              telemetry.ok() && mesh.stdoutData.contains("jaeger-zipkin"),
              u"extensionProviders names jaeger-zipkin"_s,
              u"Run the istioctl install step again and read its output."_s);

    rec.beginStep(u"deploy"_s, u"Deploy the workshop app"_s,
                  u"A `frontend` that curls the `backend` every two seconds, sending B3 trace "
                  "headers. The namespace has sidecar injection on, so each pod gets an "
                  "`istio-proxy`."_s);
    lab.run(lab.kubectl({u"apply"_s, u"-n"_s, u"default"_s, u"-f"_s, u"-"_s},
                        u"Deploy the backend"_s, lab.manifest(u"backend.yaml"_s)));
    lab.run(lab.kubectl({u"apply"_s, u"-n"_s, u"default"_s, u"-f"_s, u"-"_s},
                        u"Deploy the frontend"_s, lab.manifest(u"frontend.yaml"_s)));
    bool ready = true;
    for (const QString& d : {u"backend"_s, u"frontend"_s}) {
        ready = lab.run(lab.kubectl({u"rollout"_s, u"status"_s, u"-n"_s, u"default"_s,
                                     u"deployment/"_s + d, u"--timeout=90s"_s},
                                    u"Wait for the %1"_s.arg(d)))
                    .ok() &&
                ready;
    }
    lab.check(u"ready"_s, u"Both deployments are ready"_s, ready, u"1/1 replicas each"_s,
              u"kubectl describe deployment shows why a pod does not start."_s);
    const CommandResult containers =
        lab.run(lab.kubectl({u"get"_s, u"pods"_s, u"-n"_s, u"default"_s, u"-l"_s, u"app=frontend"_s,
                             u"-o"_s, u"jsonpath={.items[*].spec.containers[*].name}"_s},
                            u"List the frontend pod's containers"_s));
    lab.check(u"sidecar"_s, u"The frontend has a sidecar"_s,
              containers.stdoutData.contains("istio-proxy"), u"istio-proxy is injected"_s,
              u"Label the namespace istio-injection=enabled and restart the deployment."_s);

    rec.beginStep(u"logs"_s, u"Follow the access logs"_s,
                  u"Every request through a sidecar writes an access-log line. The format set "
                  "in the first step includes `traceID=`: the id the frontend sent."_s);
    const QString traceId = lab.followLogs(4);
    lab.check(u"traceid"_s, u"Access-log lines carry a trace id"_s, !traceId.isEmpty(),
              traceId.isEmpty() ? u"no traceID in the log"_s : u"last one: "_s + traceId,
              u"Check the accessLogFormat of the mesh config."_s);

    rec.beginStep(u"trace"_s, u"Open the trace in Jaeger"_s,
                  u"Take a trace id from the log and open it: one span per sidecar, client and "
                  "server, frontend to backend."_s);
    const QByteArray json = traceId.isEmpty() ? QByteArray() : lab.fetchTrace(traceId);
    if (!json.isEmpty())
        rec.addTrace(traceId, json);
    lab.check(u"jaeger"_s, u"Jaeger has the trace"_s, !json.isEmpty(),
              json.isEmpty() ? u"not found"_s : u"trace %1 found"_s.arg(traceId),
              u"Spans need a provider, a sampling percentage and a reachable collector."_s);

    QString error;
    if (!rec.saveAs(s.out, &error)) {
        say(error);
        return 1;
    }
    say(u"wrote %1 (%2 events, %3 steps)"_s.arg(s.out)
            .arg(rec.recording().events.size())
            .arg(rec.recording().stepCount()));
    return lab.allPassed() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationVersion(QStringLiteral(OBSLAB_VERSION));
    Setup s;
    const QStringList args = QCoreApplication::arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        const QString& k = args[i];
        const QString& v = args[i + 1];
        if (k == u"--kubeconfig")
            s.kubeconfig = v;
        else if (k == u"--kubectl")
            s.kubectl = v;
        else if (k == u"--istioctl")
            s.istioctl = v;
        else if (k == u"--jaeger")
            s.jaeger = v;
        else if (k == u"--manifests")
            s.manifests = QDir(v).absolutePath();
        else if (k == u"--out")
            s.out = v;
        else if (k == u"--id")
            s.id = v;
    }
    if (s.kubeconfig.isEmpty() || s.jaeger.isEmpty() || s.manifests.isEmpty() || s.out.isEmpty() ||
        s.istioctl.isEmpty()) {
        say(u"usage: obslab_record_rehearsal --kubeconfig FILE --jaeger URL --manifests DIR "
            "--istioctl PATH --out FILE [--kubectl PATH] [--id ID]"_s);
        return 2;
    }
    QTemporaryDir home;
    s.home = home.path();
    // The recording shows `kubectl` and `istioctl` as a person types them, not where this
    // machine keeps them (the stand-in istioctl lives in tests/sim): found through PATH.
    QStringList path{QFileInfo(s.istioctl).absolutePath()};
    if (s.kubectl.contains(u'/'))
        path << QFileInfo(s.kubectl).absolutePath();
    path << qEnvironmentVariable("PATH");
    qputenv("PATH", path.join(u':').toLocal8Bit());
    return record(s);
}
