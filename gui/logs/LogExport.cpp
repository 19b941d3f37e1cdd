#include "gui/logs/LogExport.h"

#include "gui/logs/LogTableModel.h"

#include <QAbstractItemModel>
#include <QCoreApplication>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {

QString escapeCell(QString s)
{
    s.replace(u'\\', u"\\\\"_s);
    s.replace(u'|', u"\\|"_s);
    s.replace(u'\n', u' ');
    return s;
}

}  // namespace

QString LogExport::rowsAsText(const QAbstractItemModel& model, const QList<int>& rows)
{
    QString out;
    for (int row : rows) {
        out += model.index(row, 0).data(LogTableModel::RawTextRole).toString();
        out += u'\n';
    }
    return out;
}

QString LogExport::rowsAsMarkdown(const QAbstractItemModel& model, const QList<int>& rows)
{
    // Raw mode shows whole lines, not decoded columns: a one-column table of the lines.
    if (const auto* logModel = qobject_cast<const LogTableModel*>(&model);
        logModel && logModel->isRawMode()) {
        QString out = u"| "_s + QCoreApplication::translate("LogExport", "Line") + u" |\n|---|\n"_s;
        for (int row : rows)
            out += u"| "_s +
                   escapeCell(model.index(row, 0).data(LogTableModel::RawTextRole).toString()) +
                   u" |\n"_s;
        return out;
    }
    static const int columns[] = {
        LogTableModel::TimeColumn,     LogTableModel::PodColumn,   LogTableModel::DirectionColumn,
        LogTableModel::MethodColumn,   LogTableModel::PathColumn,  LogTableModel::StatusColumn,
        LogTableModel::DurationColumn, LogTableModel::FlagsColumn, LogTableModel::TraceColumn};
    static const char* const headers[] = {"Time",   "Pod",      "Dir",   "Method",  "Path",
                                          "Status", "Duration", "Flags", "Trace id"};
    QString out = u"|"_s;
    QString rule = u"|"_s;
    for (const char* h : headers) {
        out += u' ' + QCoreApplication::translate("LogExport", h) + u" |"_s;
        rule += u"---|"_s;
    }
    out += u'\n' + rule + u'\n';
    for (int row : rows) {
        out += u'|';
        for (int c : columns) {
            QString v = escapeCell(model.index(row, c).data(Qt::DisplayRole).toString());
            if (c == LogTableModel::TraceColumn && !v.isEmpty())
                v = u'`' + v + u'`';
            out += u' ' + v + u" |"_s;
        }
        out += u'\n';
    }
    return out;
}

}  // namespace obslab
