// libFuzzer target for the lab trust model (issue #17): the command policy and the lab checks
// that use it must turn any input into a verdict, never crash, hang or read outside the lab.
//
// Two kinds of input (seeds: tests/labs/allowed, the built-in lab, argument vectors):
// - "K\n" or "I\n" then one argument per line: CommandPolicy::check for kubectl or istioctl with a
//   scope whose lab folder is a scratch copy holding manifests and links out of it. A refusal
//   points at an argument that exists and says why; an allowed command has only clean text in its
//   arguments and reads only files inside the folder; the verdict does not change when asked again.
// - anything else: a lab file, loaded in that folder (lint), then LabTrust::lint, the plan and the
//   policy on each command. A lab that loads lints clean again with its defaults, its plan refuses
//   nothing, and every file it reads is inside the folder.
#include "core/lab/CommandPolicy.h"
#include "core/lab/LabLoader.h"
#include "core/lab/LabPlan.h"
#include "core/lab/LabTrust.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QString>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>

using namespace Qt::Literals::StringLiterals;
using namespace obslab;

namespace {

// The lab folder: two manifests, a file link and a folder link out of it.
struct LabDir
{
    QTemporaryDir outside;
    QTemporaryDir dir;
    QString canonical;

    LabDir()
    {
        const QDir d(dir.path());
        d.mkpath(u"manifests"_s);
        auto write = [](const QString& path, const QByteArray& text) {
            QFile f(path);
            if (f.open(QIODevice::WriteOnly))
                f.write(text);
        };
        write(d.filePath(u"manifests/app.yaml"_s),
              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: trust-demo\ndata:\n  a: b\n");
        write(d.filePath(u"manifests/istio.yaml"_s),
              "apiVersion: install.istio.io/v1alpha1\nkind: IstioOperator\nspec: {}\n");
        write(QDir(outside.path()).filePath(u"secret.yaml"_s),
              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outside\n");
        QFile::link(QDir(outside.path()).filePath(u"secret.yaml"_s),
                    d.filePath(u"manifests/link-out.yaml"_s));
        QFile::link(outside.path(), d.filePath(u"linked"_s));
        // The built-in lab's manifests, so that its seed loads and reaches the plan.
        const QDir builtin(
            QStringLiteral(OBSLAB_SOURCE_DIR "/resources/labs/tracing-jaeger/manifests"));
        for (const QString& name : builtin.entryList(QDir::Files))
            QFile::copy(builtin.filePath(name), d.filePath(u"manifests/"_s + name));
        canonical = QFileInfo(dir.path()).canonicalFilePath();
    }

    bool inside(const QString& path) const { return path.startsWith(canonical + u'/'); }
};

const LabDir& labDir()
{
    static const LabDir d;
    return d;
}

void checkVerdict(const CommandPolicy::Verdict& v, const QStringList& args)
{
    for (const CommandPolicy::Finding& f : v.refusals)
        if (f.argIndex < -1 || f.argIndex >= args.size() || f.message.isEmpty())
            __builtin_trap();
    if (!v.ok())
        return;
    for (const QString& a : args)
        if (!CommandPolicy::checkText(a).isEmpty())
            __builtin_trap();  // bidi, zero-width, control or look-alike text got through
    for (const QString& f : v.filesRead)
        if (!labDir().inside(f))
            __builtin_trap();  // a file outside the lab's folder would be read
}

void fuzzArguments(const QByteArray& text)
{
    const CommandPolicy::Tool tool =
        text.startsWith('K') ? CommandPolicy::Tool::Kubectl : CommandPolicy::Tool::Istioctl;
    QStringList args;
    const QList<QByteArray> lines = text.mid(2).split('\n');
    for (qsizetype i = 0; i < lines.size() && i < 64; ++i)
        if (i + 1 < lines.size() || !lines.at(i).isEmpty())
            args << QString::fromUtf8(lines.at(i));
    CommandPolicy::Scope scope;
    scope.labDir = labDir().dir.path();
    scope.defaultNamespace = u"default"_s;
    scope.mutableNamespaces = {u"default"_s, u"istio-system"_s};
    const CommandPolicy::Verdict v = CommandPolicy::check(tool, args, scope);
    checkVerdict(v, args);
    const CommandPolicy::Verdict again = CommandPolicy::check(tool, args, scope);
    if (again.ok() != v.ok() || again.refusals.size() != v.refusals.size() ||
        again.filesRead != v.filesRead || again.mutates != v.mutates)
        __builtin_trap();
    for (const QString& a : args) {
        (void)CommandPolicy::checkSelector(a);
        (void)CommandPolicy::checkName(a);
    }
}

void fuzzLab(const QByteArray& text)
{
    const LabDir& d = labDir();
    const LabLoadResult r = LabLoader::loadBytes(text, u"fuzz.yaml"_s, d.dir.path());
    if (r.ok() == !r.errors.isEmpty())
        __builtin_trap();
    if (!r.ok())
        return;
    const Lab& lab = *r.lab;
    const QHash<QString, QString> vars = LabTrust::variables(lab);
    if (!LabTrust::lint(lab, vars).isEmpty())
        __builtin_trap();  // the loader accepted what the trust model refuses
    const LabPlan plan = LabPlan::build(lab);
    if (!plan.problems.isEmpty())
        __builtin_trap();
    for (const QString& f : plan.filesRead)
        if (!d.inside(f))
            __builtin_trap();
    (void)plan.toText(lab);
    for (const LabStep& s : lab.steps)
        for (const LabAction& a : s.actions)
            if (a.kind == LabActionKind::Kubectl || a.kind == LabActionKind::Istioctl) {
                const CommandPolicy::Verdict v =
                    LabTrust::checkCommand(lab, vars, a.kind, a.args, a.ns);
                if (!v.ok())
                    __builtin_trap();
                QStringList substituted;
                for (const QString& x : a.args)
                    substituted << substituteVariables(x, vars);
                checkVerdict(v, substituted);
            }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char*>(data), qsizetype(size));
    if (text.size() >= 2 && (text.at(0) == 'K' || text.at(0) == 'I') && text.at(1) == '\n')
        fuzzArguments(text);
    else
        fuzzLab(text);
    return 0;
}
