#include "core/lab/LabFieldReader.h"

#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

using namespace Qt::Literals::StringLiterals;

namespace obslab::LabLoader {

namespace {

const QStringList kWhenKeys = {u"istio"_s};

// Keys people reach for that the trust model rules out, with why.
QString forbiddenKeyMessage(const QString& key)
{
    const QString k = key.toLower();
    if (k == u"env" || k == u"environment" || k == u"envfrom")
        return u"labs cannot set environment variables (the trust model: ObsLab runs kubectl and "
               "istioctl with your environment only)"_s;
    if (k == u"shell" || k == u"sh" || k == u"bash" || k == u"script" || k == u"run" ||
        k == u"command" || k == u"exec" || k == u"program")
        return u"labs cannot run a local shell or other programs: actions run only kubectl and "
               "istioctl (use 'kubectl:' or 'istioctl:' with an argument list)"_s;
    if (k == u"kubeconfig" || k == u"context")
        return u"labs cannot choose the kubeconfig or context: ObsLab uses the one you picked"_s;
    return {};
}

}  // namespace

LabPos Reader::pos(const YAML::Node& node) const
{
    const YAML::Mark m = node.Mark();
    if (m.is_null())
        return {};
    return {m.line + 1, m.column + 1};
}

// The map's entries by key; reports non-maps, non-scalar and duplicate keys, and unknown keys
// (with a suggestion) unless `known` is empty.
QHash<QString, Entry> Reader::map(const YAML::Node& node, const QString& what,
                                  const QStringList& known, const LabPos& fallback)
{
    QHash<QString, Entry> out;
    if (!node.IsMap()) {
        error(node.IsDefined() && !pos(node).line ? fallback : pos(node),
              u"%1 must be a mapping (key: value lines)"_s.arg(what));
        return out;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node k = it->first;  // a copy: it-> is a temporary proxy
        if (!k.IsScalar()) {
            error(k, u"%1: keys must be plain words"_s.arg(what));
            continue;
        }
        const QString name = QString::fromStdString(k.Scalar());
        if (out.contains(name)) {
            error(k, u"duplicate key '%1' in %2"_s.arg(name, what));
            continue;
        }
        if (!known.isEmpty() && !known.contains(name)) {
            const QString forbidden = forbiddenKeyMessage(name);
            if (!forbidden.isEmpty()) {
                error(k, u"'%1': %2"_s.arg(name, forbidden));
            } else {
                const QString near = nearestKey(name, known);
                error(
                    k,
                    near.isEmpty()
                        ? u"unknown key '%1' in %2 (known: %3)"_s.arg(name, what, known.join(u", "))
                        : u"unknown key '%1' in %2; did you mean '%3'?"_s.arg(name, what, near));
            }
            continue;
        }
        out.insert(name, {k, it->second});
    }
    return out;
}

bool Reader::scalar(const Entry& e, QString* out, const QString& what)
{
    if (!e.value.IsScalar()) {
        error(e.value.IsNull() ? e.key : e.value,
              e.value.IsNull() ? u"'%1' needs a value"_s.arg(what)
                               : u"'%1' must be a single value, not a list or mapping"_s.arg(what));
        return false;
    }
    *out = QString::fromStdString(e.value.Scalar());
    checkVariables(e.value, *out);
    return true;
}

QString Reader::str(const QHash<QString, Entry>& m, const QString& key, const QString& what,
                    bool required, const LabPos& where)
{
    const auto it = m.constFind(key);
    if (it == m.cend()) {
        if (required)
            error(where, u"%1 needs '%2'"_s.arg(what, key));
        return {};
    }
    QString v;
    if (scalar(*it, &v, key) && required && v.trimmed().isEmpty())
        error(it->value, u"'%1' must not be empty"_s.arg(key));
    return v;
}

bool Reader::integer(const Entry& e, int* out, const QString& what, int min, int max)
{
    QString s;
    if (!scalar(e, &s, what))
        return false;
    bool ok = false;
    const int v = s.toInt(&ok);
    if (!ok || v < min || v > max) {
        error(e.value, u"'%1' must be a whole number from %2 to %3, not '%4'"_s.arg(what)
                           .arg(min)
                           .arg(max)
                           .arg(s));
        return false;
    }
    *out = v;
    return true;
}

// 30, "30s", "2m", "500ms".
bool Reader::duration(const Entry& e, std::chrono::milliseconds* out, const QString& what,
                      std::chrono::milliseconds max)
{
    QString s;
    if (!scalar(e, &s, what))
        return false;
    static const QRegularExpression re(u"^(\\d{1,7})(ms|s|m)?$"_s);
    const auto m = re.match(s.trimmed());
    if (!m.hasMatch()) {
        error(e.value,
              u"'%1' must be a duration such as 30, 30s, 2m or 500ms, not '%2'"_s.arg(what, s));
        return false;
    }
    const qint64 n = m.captured(1).toLongLong();
    const QString unit = m.captured(2);
    const std::chrono::milliseconds v = unit == u"ms"  ? std::chrono::milliseconds(n)
                                        : unit == u"m" ? std::chrono::minutes(n)
                                                       : std::chrono::seconds(n);
    if (v.count() <= 0 || v > max) {
        error(e.value, u"'%1' must be more than 0 and at most %2 s"_s.arg(what).arg(
                           std::chrono::duration_cast<std::chrono::seconds>(max).count()));
        return false;
    }
    *out = v;
    return true;
}

QStringList Reader::list(const Entry& e, const QString& what, QList<LabPos>* positions)
{
    QStringList out;
    if (e.value.IsScalar()) {  // a single word is a one-item list
        out << QString::fromStdString(e.value.Scalar());
        checkVariables(e.value, out.last());
        if (positions)
            positions->append(pos(e.value));
        return out;
    }
    if (!e.value.IsSequence()) {
        error(e.value.IsNull() ? e.key : e.value,
              u"'%1' must be a list such as [a, b]"_s.arg(what));
        return out;
    }
    for (const YAML::Node& item : e.value) {
        if (!item.IsScalar()) {
            error(item, u"each item of '%1' must be a single value"_s.arg(what));
            continue;
        }
        out << QString::fromStdString(item.Scalar());
        checkVariables(item, out.last());
        if (positions)
            positions->append(pos(item));
    }
    return out;
}

void Reader::checkVariables(const YAML::Node& node, const QString& text)
{
    if (!text.contains(u"${"))
        return;
    for (const QString& name : variableReferences(text)) {
        if (!variables.contains(name)) {
            const QString near =
                nearestKey(name, QStringList(variables.cbegin(), variables.cend()));
            error(node, near.isEmpty()
                            ? u"unknown variable '${%1}' (declare it under 'variables')"_s.arg(name)
                            : u"unknown variable '${%1}'; did you mean '${%2}'?"_s.arg(name, near));
        }
    }
}

VersionCondition Reader::when(const QHash<QString, Entry>& m)
{
    VersionCondition c;
    const auto it = m.constFind(u"when"_s);
    if (it == m.cend())
        return c;
    const auto w = map(it->value, u"'when'"_s, kWhenKeys, pos(it->key));
    const auto istio = w.constFind(u"istio"_s);
    if (istio == w.cend()) {
        error(it->key, u"'when' needs 'istio' (a version condition such as \">=1.22\")"_s);
        return c;
    }
    QString text;
    if (scalar(*istio, &text, u"istio"_s) && !VersionCondition::parse(text, &c))
        error(istio->value,
              u"'%1' is not a version condition: write >=1.22, <1.22 or 1.24"_s.arg(text));
    return c;
}

}  // namespace obslab::LabLoader
