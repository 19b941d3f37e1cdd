#pragma once

#include <QApplication>

namespace obslab {

// ObsLab's QApplication: an allocation that fails while an event is handled (a bound somewhere
// was missed) stops that one action and is reported through outOfMemory(), instead of aborting
// the app and losing the session. GUI thread.
class Application : public QApplication
{
    Q_OBJECT
public:
    Application(int& argc, char** argv);

    bool notify(QObject* receiver, QEvent* event) override;

Q_SIGNALS:
    void outOfMemory();
};

}  // namespace obslab
