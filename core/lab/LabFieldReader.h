#pragma once

#include "core/lab/Lab.h"
#include "core/lab/LabLoader.h"

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

#include <yaml-cpp/node/node.h>

#include <chrono>

namespace obslab::LabLoader {

// A mapping entry of a lab: the key node (for positions) and its value.
struct Entry
{
    YAML::Node key;
    YAML::Node value;
};

// Reads the typed fields of a lab's YAML mappings (words, numbers, durations, lists, version
// conditions) and collects a LabIssue at the position of each problem: wrong types, duplicate or
// unknown keys (with the nearest known one), keys the trust model rules out, undeclared
// ${variables}. LabLoader's Parser builds the Lab with it.
class Reader
{
public:
    Reader(QString file, QString dir)
        : file_(std::move(file))
        , dir_(std::move(dir))
    {}

    QList<LabIssue> errors;
    QSet<QString> variables;  // declared names

    LabPos pos(const YAML::Node& node) const;

    void error(const LabPos& p, const QString& message) { errors.append({file_, p, message}); }
    void error(const YAML::Node& node, const QString& message) { error(pos(node), message); }

    // The map's entries by key; reports non-maps, non-scalar and duplicate keys, and unknown keys
    // (with a suggestion) unless `known` is empty.
    QHash<QString, Entry> map(const YAML::Node& node, const QString& what, const QStringList& known,
                              const LabPos& fallback = {});

    bool scalar(const Entry& e, QString* out, const QString& what);

    QString str(const QHash<QString, Entry>& m, const QString& key, const QString& what,
                bool required, const LabPos& where);

    bool integer(const Entry& e, int* out, const QString& what, int min, int max);

    // 30, "30s", "2m", "500ms".
    bool duration(const Entry& e, std::chrono::milliseconds* out, const QString& what,
                  std::chrono::milliseconds max);

    QStringList list(const Entry& e, const QString& what, QList<LabPos>* positions = nullptr);

    void checkVariables(const YAML::Node& node, const QString& text);

    VersionCondition when(const QHash<QString, Entry>& m);

    QString file_;
    QString dir_;
};

}  // namespace obslab::LabLoader
