#pragma once

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace obslab {

// Redacts text line by line, following YAML (and pretty-printed JSON) structure well enough to
// find `data:`/`stringData:` of Secret objects, including list items and `---` streams.
// Streaming (default constructor) it cannot wait for `kind:`, which kubectl prints after `data:`,
// so it masks the data of every object not yet known to be something else. Given the kinds found
// by a first pass over the whole text (kinds()), it masks exactly the Secrets' data.
// A plain value class, any thread.
class StreamRedactor
{
public:
    StreamRedactor() = default;
    explicit StreamRedactor(QHash<int, QString> knownKinds);

    // The redacted line, or nullopt when the line continues a masked multi-line value.
    std::optional<QString> redactLine(const QString& line);
    // kind: of every object seen so far, by object number (deterministic for the same text).
    const QHash<int, QString>& kinds() const { return kinds_; }

private:
    struct Scope
    {
        qsizetype column;
        int id;
    };
    enum class Block
    {
        None,
        Yaml,
        Json
    };
    bool isSecretObject(int id) const;

    QList<Scope> scopes_;
    QHash<int, QString> kinds_;
    QHash<int, QString> knownKinds_;
    bool twoPass_ = false;
    int nextId_ = 0;
    bool newObjectAtNextKey_ = false;
    Block block_ = Block::None;
    qsizetype blockColumn_ = -1;
    qsizetype childColumn_ = -1;
};

}  // namespace obslab
