#pragma once

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QList>
#include <QStringList>

// The sample logs the core tests share: the project's fixtures and tests/data/logs.
namespace obslab::test {

// A file's lines without their '\n' (empty when unreadable).
inline QList<QByteArray> readLines(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> lines = f.readAll().split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

// Every *.log of the fixtures and of tests/data/logs, by name.
inline QStringList logFiles()
{
    QStringList files;
    for (const QString& dir :
         {QStringLiteral(OBSLAB_FIXTURES_DIR), QStringLiteral(OBSLAB_TEST_DATA_DIR "/logs")}) {
        const QDir d(dir);
        for (const QString& name : d.entryList({QStringLiteral("*.log")}, QDir::Files, QDir::Name))
            files.append(d.filePath(name));
    }
    return files;
}

}  // namespace obslab::test
