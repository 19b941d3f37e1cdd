#pragma once

#include <QByteArray>
#include <QString>

namespace obslab {

struct CommandResult;

// What LabRunner's actions and checks say about a command's result; shared by its files.
namespace labrunner {

// The last line of bytes that starts with "error", else the first line.
QString firstLine(const QByteArray& bytes);
// Why a command failed, in one line: its stderr, else its message, else its status.
QString failureText(const CommandResult& r);

}  // namespace labrunner

}  // namespace obslab
