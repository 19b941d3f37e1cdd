#include "core/kube/ClusterContext.h"

#include "core/common/Logging.h"
#include "core/kube/KubeContext.h"
#include "core/kube/KubeError.h"
#include "core/kube/Kubectl.h"
#include "core/kube/MutationGate.h"
#include "core/kube/ToolVersions.h"
#include "core/process/Command.h"
#include "core/process/CommandRunner.h"
#include "core/process/ToolLocator.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

ClusterContext::ClusterContext(CommandRunner* runner, QObject* parent)
    : QObject(parent)
    , runner_(runner)
{
    connect(this, &ClusterContext::refreshed, this, &ClusterContext::onStatusContextRead);
    connect(this, &ClusterContext::refreshFailed, this, &ClusterContext::onStatusContextFailed);
}

void ClusterContext::setKubectl(const QString& kubectl)
{
    kubectl_ = kubectl.isEmpty() ? u"kubectl"_s : kubectl;
}

void ClusterContext::setKubeconfig(const QString& kubeconfig)
{
    kubeconfig_ = kubeconfig;
}

bool ClusterContext::looksLocal() const
{
    return KubeContext::looksLocal(context_, server_);
}

void ClusterContext::setReadOnly(bool readOnly)
{
    if (readOnly_ == readOnly)
        return;
    readOnly_ = readOnly;
    Q_EMIT readOnlyChanged(readOnly_);
}

void ClusterContext::setNamespace(const QString& ns)
{
    const QString value = ns.isEmpty() ? u"default"_s : ns;
    nsChosen_ = true;
    if (ns_ == value)
        return;
    ns_ = value;
    Q_EMIT namespaceChanged(ns_);
}

KubeTarget ClusterContext::target() const
{
    KubeTarget target;
    target.kubectl = kubectl_;
    target.kubeconfig = kubeconfig_;
    target.context = context_;
    target.ns = ns_;
    return target;
}

IstioTarget ClusterContext::istioTarget(const QString& istioctl) const
{
    IstioTarget target;
    target.istioctl = istioctl;
    target.kubeconfig = kubeconfig_;
    target.context = context_;
    return target;
}

MutationPolicy ClusterContext::policy() const
{
    return {context_, server_, readOnly_};
}

MutationDecision ClusterContext::checkMutation(const CommandSpec& spec) const
{
    return MutationGuard::check(spec, policy());
}

Result<Command*> ClusterContext::start(const CommandSpec& spec,
                                       const std::function<bool(const QString&)>& confirm)
{
    return MutationGate::start(runner_, spec, policy(),
                               [&confirm](const QString& question, const QString&) {
                                   return confirm && confirm(question);
                               });
}

void ClusterContext::run(const CommandSpec& spec, std::function<void(const CommandResult&)> done)
{
    ++pending_;
    Command* command = runner_->start(spec);
    const quint64 generation = generation_;
    connect(command, &Command::finished, this,
            [this, generation, done = std::move(done)](const CommandResult& result) {
                if (generation != generation_)
                    return;  // a newer refresh or switch started meanwhile
                --pending_;
                done(result);
            });
}

void ClusterContext::failSoon(const Error& error)
{
    // Like the runner's signals, the end of a refresh is always reported asynchronously, so a
    // caller may connect after calling refresh().
    const quint64 generation = generation_;
    QMetaObject::invokeMethod(
        this,
        [this, generation, error] {
            if (generation == generation_)
                Q_EMIT refreshFailed(error.message, error.hint);
        },
        Qt::QueuedConnection);
}

void ClusterContext::fail(const Error& error)
{
    if (error_)
        return;
    error_ = error;
}

void ClusterContext::switchContext(const QString& name)
{
    chosen_ = name;
    nsChosen_ = false;
    refresh();
}

void ClusterContext::refresh()
{
    ++generation_;
    if (!runner_) {
        failSoon({u"No command runner."_s, {}});
        return;
    }
    pending_ = 0;
    listed_.clear();
    current_.clear();
    error_.reset();
    // A missing kubectl is reported at once with what to install, not as a failed command.
    const Result<QString> located = ToolVersions::locate(Tool::Kubectl, kubectl_);
    if (!located) {
        ready_ = false;
        failSoon(located.error());
        return;
    }
    KubeTarget base = target();
    run(Kubectl::contexts(base), [this](const CommandResult& result) {
        if (!result.ok()) {
            const KubeError error = KubeErrors::classify(result);
            fail({u"Could not list the kube contexts: %1"_s.arg(error.message), {}});
        } else {
            for (const QString& line : QString::fromUtf8(result.stdoutData).split(u'\n')) {
                if (!line.trimmed().isEmpty())
                    listed_ << line.trimmed();
            }
        }
        if (pending_ == 0)
            onListed();
    });
    run(Kubectl::withKubeconfig(KubeContext::currentContextCommand(kubectl_), base),
        [this](const CommandResult& result) {
            // Exit 1 with "current-context is not set" is normal for a fresh kubeconfig.
            if (result.ok()) {
                if (const auto name = KubeContext::parseCurrentContext(result.stdoutData))
                    current_ = name.value();
            }
            if (pending_ == 0)
                onListed();
        });
}

void ClusterContext::onListed()
{
    if (error_) {
        ready_ = false;
        Q_EMIT refreshFailed(error_->message, error_->hint);
        return;
    }
    contexts_ = listed_;
    QString wanted = !chosen_.isEmpty() ? chosen_ : current_;
    if (wanted.isEmpty()) {
        ready_ = false;
        if (contexts_.isEmpty())
            Q_EMIT refreshFailed(u"The kubeconfig has no contexts."_s,
                                 u"Create a local cluster (kind create cluster, minikube start, "
                                 "k3d cluster create) or get a kubeconfig for yours."_s);
        else
            Q_EMIT refreshFailed(u"kubectl has no current context."_s,
                                 u"Pick one of the contexts: %1."_s.arg(contexts_.join(u", "_s)));
        return;
    }
    if (!contexts_.contains(wanted)) {
        ready_ = false;
        const QString message = u"The kubeconfig has no context named %1."_s.arg(wanted);
        if (wanted == chosen_)
            chosen_.clear();
        Q_EMIT refreshFailed(message, contexts_.isEmpty()
                                          ? QString()
                                          : u"Known contexts: %1."_s.arg(contexts_.join(u", "_s)));
        return;
    }
    readDetails(wanted);
}

void ClusterContext::readDetails(const QString& context)
{
    detailNs_.clear();
    detailServer_.clear();
    KubeTarget base = target();
    auto finish = [this, context] {
        if (pending_ != 0)
            return;
        if (error_) {
            ready_ = false;
            Q_EMIT refreshFailed(error_->message, error_->hint);
            return;
        }
        const bool contextChanged = context_ != context;
        const QString oldNs = ns_;
        context_ = context;
        server_ = detailServer_;
        if (!nsChosen_)
            ns_ = detailNs_;
        ready_ = true;
        qCDebug(lcKube) << "kube context" << context_ << "namespace" << ns_ << "server" << server_;
        if (contextChanged)
            Q_EMIT this->contextChanged(context_);
        if (ns_ != oldNs)
            Q_EMIT namespaceChanged(ns_);
        Q_EMIT refreshed();
    };
    run(Kubectl::withKubeconfig(KubeContext::namespaceCommand(kubectl_, context), base),
        [this, finish](const CommandResult& result) {
            if (result.ok())
                detailNs_ = KubeContext::parseMinifiedNamespace(result.stdoutData);
            else
                fail({u"Could not read the namespace of the context: %1"_s.arg(
                          KubeErrors::classify(result).message),
                      {}});
            finish();
        });
    run(Kubectl::withKubeconfig(KubeContext::serverCommand(kubectl_, context), base),
        [this, finish](const CommandResult& result) {
            if (result.ok())
                detailServer_ = KubeContext::parseMinifiedServer(result.stdoutData);
            else
                fail({u"Could not read the API server of the context: %1"_s.arg(
                          KubeErrors::classify(result).message),
                      {}});
            finish();
        });
}

void ClusterContext::publishStatus()
{
    Q_EMIT statusChanged(status_);
}

void ClusterContext::checkStatus(const QString& kubectlSetting)
{
    const quint64 generation = ++statusGeneration_;
    statusReading_ = false;
    status_ = ClusterStatus{};
    status_.state = ClusterStatus::State::Checking;
    publishStatus();

    // Looking along PATH touches the disk: off this thread.
    auto* watcher = new QFutureWatcher<Result<QString>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != statusGeneration_)
            return;
        const Result<QString> found = watcher->result();
        if (!found) {
            status_.state = ClusterStatus::State::KubectlMissing;
            status_.kubectlMessage = found.error().message;
            status_.kubectlHint = found.error().hint;
            publishStatus();
            return;
        }
        status_.kubectlPath = found.value();
        statusReading_ = true;
        setKubectl(status_.kubectlPath);
        refresh();
    });
    watcher->setFuture(QtConcurrent::run(
        [kubectlSetting] { return ToolLocator::locate(Tool::Kubectl, kubectlSetting); }));
}

void ClusterContext::onStatusContextRead()
{
    if (!statusReading_)
        return;  // a refresh started elsewhere (a context switch): no check
    statusReading_ = false;
    status_.context = context_;
    status_.kubeNamespace = ns_;
    status_.server = server_;
    status_.local = looksLocal();
    publishStatus();
    checkReachable(statusGeneration_);
}

void ClusterContext::onStatusContextFailed(const QString& message, const QString& hint)
{
    if (!statusReading_)
        return;
    statusReading_ = false;
    status_.state = ClusterStatus::State::NoContext;
    status_.error = hint.isEmpty() ? message : message + u' ' + hint;
    publishStatus();
}

void ClusterContext::checkReachable(quint64 generation)
{
    if (!runner_)
        return;
    Command* command = runner_->start(Kubectl::withKubeconfig(
        KubeContext::versionCommand(status_.kubectlPath, status_.context), target()));
    connect(command, &Command::finished, this, [this, generation](const CommandResult& result) {
        if (generation != statusGeneration_)
            return;
        const auto versions = KubeContext::parseVersionJson(result.stdoutData);
        if (versions)
            status_.versions = versions.value();
        if (result.ok() && versions && status_.versions.server.isValid()) {
            status_.state = ClusterStatus::State::Reachable;
            status_.skewWarning = KubeContext::versionSkewWarning(status_.versions);
        } else {
            status_.state = ClusterStatus::State::Unreachable;
            status_.error = KubeErrors::lastLine(result);
        }
        publishStatus();
    });
}

}  // namespace obslab
