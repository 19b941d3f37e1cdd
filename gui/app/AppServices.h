#pragma once

namespace obslab {

class AppSettings;
class BackgroundJobs;
class CommandRunner;
class PortForwards;
class ThemeManager;
class Transcript;

// The app-wide objects the windows work with, created by runGui (or a test) and passed down
// explicitly; not owned by the receiver and expected to outlive it.
struct AppServices
{
    AppSettings* settings = nullptr;
    Transcript* transcript = nullptr;
    CommandRunner* runner = nullptr;
    BackgroundJobs* jobs = nullptr;
    ThemeManager* theme = nullptr;     // may be null (tests): presenter mode then keeps the fonts
    PortForwards* forwards = nullptr;  // null: MainWindow makes its own (stopped when it goes)
};

}  // namespace obslab
