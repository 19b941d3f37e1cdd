#include "core/doctor/MeshConfig.h"

#include "core/common/YamlReader.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QStringList>

#include <yaml-cpp/yaml.h>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace obslab::MeshConfig {

namespace {

QJsonValue scalarValue(const YAML::Node& node)
{
    const std::string& text = node.Scalar();
    // A quoted scalar is a string whatever it looks like ("100" stays text).
    if (node.Tag() == "!")
        return QString::fromStdString(text);
    static const QRegularExpression integer(u"^[-+]?[0-9]+$"_s);
    static const QRegularExpression real(u"^[-+]?([0-9]+\\.[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?$"_s);
    const QString s = QString::fromStdString(text);
    if (s == u"true" || s == u"True" || s == u"TRUE")
        return true;
    if (s == u"false" || s == u"False" || s == u"FALSE")
        return false;
    if (s == u"null" || s == u"~" || s.isEmpty())
        return QJsonValue::Null;
    if (integer.match(s).hasMatch() || real.match(s).hasMatch()) {
        bool ok = false;
        const double d = s.toDouble(&ok);
        if (ok && std::isfinite(d))
            return d;
    }
    return s;
}

QJsonValue toJson(const YAML::Node& node, int depth)
{
    if (depth > 64)
        return QJsonValue::Null;
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        QJsonObject o;
        for (const auto& kv : node)
            o.insert(QString::fromStdString(kv.first.as<std::string>()),
                     toJson(kv.second, depth + 1));
        return o;
    }
    case YAML::NodeType::Sequence: {
        QJsonArray a;
        for (const auto& item : node)
            a.append(toJson(item, depth + 1));
        return a;
    }
    case YAML::NodeType::Scalar:
        return scalarValue(node);
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        break;
    }
    return QJsonValue::Null;
}

void emit(YAML::Emitter& out, const QJsonValue& value)
{
    switch (value.type()) {
    case QJsonValue::Object: {
        const QJsonObject o = value.toObject();
        if (o.isEmpty()) {
            out << YAML::Flow << YAML::BeginMap << YAML::EndMap;
            return;
        }
        out << YAML::BeginMap;
        for (auto it = o.begin(); it != o.end(); ++it) {
            out << YAML::Key << it.key().toStdString() << YAML::Value;
            emit(out, it.value());
        }
        out << YAML::EndMap;
        return;
    }
    case QJsonValue::Array: {
        const QJsonArray a = value.toArray();
        if (a.isEmpty()) {
            out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
            return;
        }
        out << YAML::BeginSeq;
        for (const QJsonValue& v : a)
            emit(out, v);
        out << YAML::EndSeq;
        return;
    }
    case QJsonValue::Bool:
        out << value.toBool();
        return;
    case QJsonValue::Double: {
        const double d = value.toDouble();
        if (d == std::floor(d) && std::fabs(d) < 1e15)
            out << qint64(d);
        else
            out << d;
        return;
    }
    case QJsonValue::String: {
        const QString s = value.toString();
        // Quote anything YAML would read as another type, and anything with special characters.
        const QJsonValue reread = scalarValue(YAML::Node(s.toStdString()));
        if (!reread.isString())
            out << YAML::DoubleQuoted;
        else if (s.contains(u'\n'))
            out << YAML::Literal;  // the `mesh: |` block people know from configmap/istio
        out << s.toStdString();
        return;
    }
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out << YAML::Null;
        return;
    }
}

}  // namespace

Result<QJsonObject> parse(const QByteArray& yamlText)
{
    const auto invalid = [](int line, int column, const QString& why) {
        return Error{u"the mesh config is not valid YAML (line %1, column %2): %3"_s.arg(
                         QString::number(line), QString::number(column), why),
                     u"Fix configmap/istio in istio-system (or reinstall with istioctl)."_s};
    };
    const YamlDocuments docs = YamlReader::read(yamlText);
    if (const YamlIssue* issue = docs.fatal())
        return invalid(issue->line, issue->column,
                       issue->kind == YamlIssue::Kind::Syntax ? issue->detail : issue->message());
    try {
        const YAML::Node& root = docs.documents.first();
        if (root.IsNull() || !root.IsDefined())
            return QJsonObject{};
        if (!root.IsMap())
            return Error{u"the mesh config is not a YAML mapping"_s,
                         u"Look at `kubectl get configmap istio -n istio-system -o yaml`."_s};
        return toJson(root, 0).toObject();
    } catch (const YAML::Exception& e) {
        return invalid(e.mark.line + 1, e.mark.column + 1, QString::fromStdString(e.msg));
    }
}

QByteArray toYaml(const QJsonValue& value)
{
    YAML::Emitter out;
    out.SetIndent(2);
    out.SetSeqFormat(YAML::Block);
    out.SetMapFormat(YAML::Block);
    emit(out, value);
    QByteArray text(out.c_str(), qsizetype(out.size()));
    if (!text.endsWith('\n'))
        text.append('\n');
    return text;
}

QJsonValue at(const QJsonObject& object, const QString& dottedPath)
{
    QJsonValue v = object;
    for (const QString& key : dottedPath.split(u'.')) {
        if (!v.isObject())
            return QJsonValue(QJsonValue::Undefined);
        v = v.toObject().value(key);
    }
    return v;
}

QJsonObject with(QJsonObject object, const QString& dottedPath, const QJsonValue& value)
{
    const qsizetype dot = dottedPath.indexOf(u'.');
    if (dot < 0) {
        object.insert(dottedPath, value);
        return object;
    }
    const QString head = dottedPath.left(dot);
    object.insert(head, with(object.value(head).toObject(), dottedPath.mid(dot + 1), value));
    return object;
}

bool contains(const QJsonValue& object, const QJsonValue& subset)
{
    if (subset.isObject()) {
        if (!object.isObject())
            return false;
        const QJsonObject o = object.toObject();
        const QJsonObject s = subset.toObject();
        for (auto it = s.begin(); it != s.end(); ++it)
            if (!contains(o.value(it.key()), it.value()))
                return false;
        return true;
    }
    if (subset.isDouble() && object.isDouble())
        return std::fabs(subset.toDouble() - object.toDouble()) < 1e-9;
    // "100" and 100: the same to Istio's proto decoding of numbers in proxy config.
    if (subset.isDouble() && object.isString())
        return object.toString().toDouble() == subset.toDouble();
    if (subset.isString() && object.isDouble())
        return subset.toString().toDouble() == object.toDouble();
    return object == subset;
}

}  // namespace obslab::MeshConfig
