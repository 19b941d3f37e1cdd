#include "core/process/Redactor.h"

#include "core/process/StreamRedactor.h"

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

QString mask()
{
    return QString::fromLatin1(Redactor::kMask);
}

// Flags whose value is a credential (kubectl, istioctl, curl-like tools).
const QString& secretFlagNames()
{
    static const QString names =
        u"token|password|bearer-token|auth-token|client-secret|id-token|refresh-token|"
        "access-token"_s;
    return names;
}

struct Patterns
{
    QRegularExpression authorization{
        u"(authorization\\s*[:=]\\s*(?:bearer|basic|token)?\\s*)[^\\s\"',;]+"_s,
        QRegularExpression::CaseInsensitiveOption};
    QRegularExpression bearer{u"\\b(bearer\\s+)[A-Za-z0-9._~+/=-]{8,}"_s,
                              QRegularExpression::CaseInsensitiveOption};
    QRegularExpression flag{u"(--(?:"_s + secretFlagNames() +
                            u")(?:=|\\s+))(?:'[^']*'|\"[^\"]*\"|[^\\s'\"]+)"_s};
    QRegularExpression jsonKey{
        u"(\"(?:token|client-key-data|client-certificate-data|password|id-token|"
        "refresh-token|access-token|client-secret)\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\""_s};
    QRegularExpression yamlKey{
        u"^(\\s*(?:-\\s+)?(?:token|client-key-data|client-certificate-data|password|id-token|"
        "refresh-token|access-token|client-secret)\\s*:[ \\t]+)(?!<redacted>)[^\\s#].*$"_s};
    QRegularExpression jsonSecretKind{u"\"kind\"\\s*:\\s*\"Secret\""_s};
    QRegularExpression jsonData{u"(\"(?:data|stringData)\"\\s*:\\s*)\\{[^{}]*\\}"_s};
    // The same inside a JSON string (the last-applied annotation under -o json): \"kind\".
    QRegularExpression escapedSecretKind{u"\\\\\"kind\\\\\"\\s*:\\s*\\\\\"Secret\\\\\""_s};
    QRegularExpression escapedData{u"(\\\\\"(?:data|stringData)\\\\\"\\s*:\\s*)\\{[^{}]*\\}"_s};
    QRegularExpression exactFlag{u"^--(?:"_s + secretFlagNames() + u")$"_s};
    QRegularExpression flagWithValue{u"^(--(?:"_s + secretFlagNames() + u")=).*$"_s,
                                     QRegularExpression::DotMatchesEverythingOption};
};

const Patterns& patterns()
{
    static const Patterns p;
    return p;
}

bool mayHoldSecret(const QString& line)
{
    // Most output lines hold none of these words; skip the regular expressions for them.
    for (const auto word : {u"auth", u"bearer", u"token", u"password", u"-data", u"secret"}) {
        if (line.contains(QStringView(word), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

}  // namespace

QString Redactor::redactLine(const QString& line)
{
    if (!mayHoldSecret(line))
        return line;
    const Patterns& p = patterns();
    QString out = line;
    out.replace(p.authorization, u"\\1"_s + mask());
    out.replace(p.bearer, u"\\1"_s + mask());
    out.replace(p.flag, u"\\1"_s + mask());
    out.replace(p.jsonKey, u"\\1\""_s + mask() + u'"');
    out.replace(p.yamlKey, u"\\1"_s + mask());
    if (out.contains(p.jsonSecretKind))
        out.replace(p.jsonData, u"\\1\""_s + mask() + u'"');
    if (out.contains(p.escapedSecretKind))
        out.replace(p.escapedData, u"\\1\\\""_s + mask() + u"\\\""_s);
    return out;
}

QString Redactor::redactText(const QString& text)
{
    if (text.isEmpty())
        return text;
    const QStringList lines = text.split(u'\n');
    // First pass: the kind of every object, since kubectl prints `kind:` after `data:`.
    StreamRedactor scan;
    for (const QString& line : lines)
        (void)scan.redactLine(line);
    StreamRedactor redactor(scan.kinds());
    QStringList out;
    out.reserve(lines.size());
    for (const QString& line : lines) {
        if (std::optional<QString> kept = redactor.redactLine(line))
            out.append(*kept);
    }
    return out.join(u'\n');
}

QString Redactor::redactManifest(const QString& yaml)
{
    return redactText(yaml);
}

CommandSpec Redactor::redactSpec(const CommandSpec& spec)
{
    static const QRegularExpression secretName(u"TOKEN|PASSWORD|PASSWD|SECRET|CREDENTIAL|_KEY$"_s,
                                               QRegularExpression::CaseInsensitiveOption);
    CommandSpec shown = spec;
    shown.arguments = redactArguments(spec.arguments);
    for (auto it = shown.environment.begin(); it != shown.environment.end(); ++it)
        it.value() = it.key().contains(secretName) ? mask() : redactLine(it.value());
    if (!spec.stdinData.isEmpty())
        shown.stdinData = redactManifest(QString::fromUtf8(spec.stdinData)).toUtf8();
    return shown;
}

QStringList Redactor::redactArguments(const QStringList& arguments)
{
    const Patterns& p = patterns();
    bool secretCommand = false;
    for (const QString& argument : arguments) {
        if (argument == u"secret" || argument == u"secrets" || argument.startsWith(u"secret/"_s) ||
            argument.startsWith(u"secrets/"_s)) {
            secretCommand = true;
            break;
        }
    }
    QStringList out;
    out.reserve(arguments.size());
    bool maskNext = false;
    for (const QString& argument : arguments) {
        if (maskNext) {
            out.append(mask());
            maskNext = false;
            continue;
        }
        if (argument.contains(p.exactFlag) ||
            (secretCommand && (argument == u"-p" || argument == u"--patch"))) {
            out.append(argument);
            maskNext = true;
            continue;
        }
        if (const QRegularExpressionMatch m = p.flagWithValue.match(argument); m.hasMatch()) {
            out.append(m.captured(1) + mask());
            continue;
        }
        if (secretCommand && argument.startsWith(u"--from-literal="_s)) {
            // --from-literal=key=value: the key may be shown, the value not.
            const qsizetype eq = argument.indexOf(u'=', 15);
            out.append(eq < 0 ? u"--from-literal="_s + mask() : argument.left(eq + 1) + mask());
            continue;
        }
        if (secretCommand &&
            (argument.startsWith(u"--patch="_s) || argument.startsWith(u"-p="_s))) {
            out.append(argument.left(argument.indexOf(u'=') + 1) + mask());
            continue;
        }
        out.append(argument.contains(u'\n') ? redactText(argument) : redactLine(argument));
    }
    return out;
}

}  // namespace obslab
