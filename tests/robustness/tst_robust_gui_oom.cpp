// An allocation that fails while the window handles an event stops that action, is reported, and
// the application goes on (issue #18: never an abort).
#include "gui/app/Application.h"

#include <QSignalSpy>
#include <QTest>

#include <new>

using namespace Qt::Literals::StringLiterals;

namespace obslab {

namespace {
// Throws what a failed allocation throws whenever it gets an event of its own type.
class Hungry : public QObject
{
public:
    static QEvent::Type type()
    {
        static const auto t = QEvent::Type(QEvent::registerEventType());
        return t;
    }
    int handled = 0;
    bool event(QEvent* e) override
    {
        if (e->type() == type()) {
            ++handled;
            throw std::bad_alloc();
        }
        return QObject::event(e);
    }
};
}  // namespace

class TestRobustGuiOom : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void failedAllocationStopsOneAction()
    {
        auto* app = qobject_cast<Application*>(QCoreApplication::instance());
        QVERIFY(app);
        QSignalSpy oom(app, &Application::outOfMemory);
        Hungry hungry;
        QCoreApplication::postEvent(&hungry, new QEvent(Hungry::type()));
        QVERIFY(oom.wait(5000));
        QCOMPARE(hungry.handled, 1);
        // The event loop still delivers: a second one is handled and reported again.
        QCoreApplication::postEvent(&hungry, new QEvent(Hungry::type()));
        QTRY_COMPARE(oom.count(), 2);
        QCOMPARE(hungry.handled, 2);
    }
};

}  // namespace obslab

int main(int argc, char** argv)
{
    obslab::Application app(argc, argv);
    obslab::TestRobustGuiOom test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_robust_gui_oom.moc"
