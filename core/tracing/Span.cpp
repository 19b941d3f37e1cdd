#include "core/tracing/Span.h"

#include <QLocale>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

QString SpanTag::text() const
{
    switch (type) {
    case Type::Bool:
        if (value.typeId() == QMetaType::Bool)
            return value.toBool() ? u"true"_s : u"false"_s;
        return value.toString();
    case Type::Float64:
        if (value.typeId() == QMetaType::Double)
            return QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
        return value.toString();
    case Type::String:
    case Type::Int64:
    case Type::Binary:
        break;
    }
    return value.toString();
}

QString SpanTag::typeName(Type type)
{
    switch (type) {
    case Type::String:
        return u"string"_s;
    case Type::Bool:
        return u"bool"_s;
    case Type::Int64:
        return u"int64"_s;
    case Type::Float64:
        return u"float64"_s;
    case Type::Binary:
        return u"binary"_s;
    }
    return {};
}

const SpanTag* Span::tag(QStringView key) const
{
    for (const SpanTag& t : tags) {
        if (t.key == key)
            return &t;
    }
    return nullptr;
}

QString Span::tagText(QStringView key) const
{
    const SpanTag* t = tag(key);
    return t ? t->text() : QString();
}

int Span::httpStatus() const
{
    const SpanTag* t = tag(u"http.status_code");
    if (!t)
        t = tag(u"http.response.status_code");
    if (!t)
        return 0;
    bool ok = false;
    const int status = t->text().trimmed().toInt(&ok);
    return ok && status >= 100 && status <= 999 ? status : 0;
}

bool Span::isError() const
{
    if (const SpanTag* t = tag(u"error")) {
        const QString v = t->text().trimmed();
        if (v.compare(u"true", Qt::CaseInsensitive) == 0 || v == u"1")
            return true;
    }
    if (tagText(u"otel.status_code").compare(u"ERROR", Qt::CaseInsensitive) == 0)
        return true;
    return httpStatus() >= 500;
}

QString Span::responseFlags() const
{
    const QString flags = tagText(u"response_flags").trimmed();
    return flags == u"-" ? QString() : flags;
}

QString Span::kindName(SpanKind kind)
{
    switch (kind) {
    case SpanKind::Unspecified:
        return {};
    case SpanKind::Internal:
        return u"internal"_s;
    case SpanKind::Server:
        return u"server"_s;
    case SpanKind::Client:
        return u"client"_s;
    case SpanKind::Producer:
        return u"producer"_s;
    case SpanKind::Consumer:
        return u"consumer"_s;
    }
    return {};
}

SpanKind Span::kindFromName(QStringView name)
{
    QStringView n = name.trimmed();
    if (n.startsWith(u"SPAN_KIND_"))
        n = n.mid(10);
    if (n.compare(u"server", Qt::CaseInsensitive) == 0)
        return SpanKind::Server;
    if (n.compare(u"client", Qt::CaseInsensitive) == 0)
        return SpanKind::Client;
    if (n.compare(u"internal", Qt::CaseInsensitive) == 0)
        return SpanKind::Internal;
    if (n.compare(u"producer", Qt::CaseInsensitive) == 0)
        return SpanKind::Producer;
    if (n.compare(u"consumer", Qt::CaseInsensitive) == 0)
        return SpanKind::Consumer;
    return SpanKind::Unspecified;
}

}  // namespace obslab
