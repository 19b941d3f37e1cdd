#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace obslab {

// The built-in labs: one folder per lab with a `lab.yaml` and its manifests. They are plain files
// (not Qt resources) so that `istioctl install -f` can read the IstioOperator beside the lab and
// people can read, copy and lint them. Searched in order:
//   1. <dir of the executable>/../share/obslab/labs   (the installed .deb, or any prefix)
//   2. the source tree's resources/labs                 (running from a build directory)
// Any thread (reads the disk).
namespace LabCatalog {

struct Entry
{
    QString id;
    QString title;
    int estimatedMinutes = 0;
    QString path;   // lab.yaml
    QString error;  // set when the file does not load (the first error)
};

QStringList searchDirs();
// Every lab found (first directory wins for a duplicate id), sorted by id.
QList<Entry> list();
// A lab's file: an id of a built-in lab, or a path to a YAML file or to a folder with lab.yaml.
// Empty when neither.
QString resolve(const QString& idOrPath);

}  // namespace LabCatalog
}  // namespace obslab
