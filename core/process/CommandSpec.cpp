#include "core/process/CommandSpec.h"

#include <cstring>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
bool isShellSafe(QChar c)
{
    if (c.unicode() >= 128)
        return false;
    const char ch = static_cast<char>(c.unicode());
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           (ch != 0 && std::strchr("_@%+=:,./-", ch) != nullptr);
}
}  // namespace

QString shellQuote(const QString& word)
{
    if (word.isEmpty())
        return u"''"_s;
    bool safe = true;
    for (const QChar c : word) {
        if (!isShellSafe(c)) {
            safe = false;
            break;
        }
    }
    if (safe)
        return word;
    QString quoted = word;
    quoted.replace(u'\'', u"'\\''"_s);
    return u'\'' + quoted + u'\'';
}

QString CommandSpec::toShellLine() const
{
    QStringList words;
    for (auto it = environment.cbegin(); it != environment.cend(); ++it)
        words.append(it.key() + u'=' + shellQuote(it.value()));
    // A program word containing '=' would be read by the shell as an assignment.
    words.append(program.contains(u'=') ? u'\'' + program + u'\'' : shellQuote(program));
    for (const QString& argument : arguments)
        words.append(shellQuote(argument));
    QString line = words.join(u' ');
    if (!workingDirectory.isEmpty())
        line = u"(cd "_s + shellQuote(workingDirectory) + u" && "_s + line + u')';
    if (!stdinData.isEmpty())
        line += u"  # stdin: %1 bytes"_s.arg(stdinData.size());
    return line;
}

}  // namespace obslab
