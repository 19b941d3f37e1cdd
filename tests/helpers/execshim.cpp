// A PATH shim for tst_labtrust_sim: installed (as symlinks) under the names kubectl and istioctl,
// and under the names of programs nothing may start (sh, vi, less, diff…). Each start appends one
// record to $OBSLAB_SHIM_LOG — the name it was started as, the variables of a scrubbed environment
// that are nevertheless set, the state of its stdin, its arguments — and then runs the real
// program: kubectl is $OBSLAB_SHIM_KUBECTL, istioctl is $OBSLAB_SHIM_PYTHON running the sim's
// stand-in $OBSLAB_SHIM_ISTIOCTL. Any other name exits 127 after the record. No Qt: it must start
// fast and touch nothing but its log.
//
// Record: NAME \x1e ENV \x1e STDIN \x1e ARG1 \x1f ARG2 … \x1e INPUT \n, where ENV lists the set
// variables among EDITOR, VISUAL, KUBE_EDITOR, PAGER, KUBECTL_* (comma-separated), STDIN is tty,
// none, eof (closed by the parent), data (bytes waiting: `apply -f -`) or open (still open after
// 10 s), and INPUT is what came on stdin (line breaks as \x1d), handed on to the real program.
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

extern char** environ;

namespace {

std::string stdinState()
{
    struct stat st = {};
    if (::fstat(0, &st) != 0)
        return "none";
    if (::isatty(0))
        return "tty";
    // The parent closes its end right after starting us (or after writing a manifest): wait for
    // that, bounded, without reading anything kubectl needs.
    pollfd p = {0, POLLIN, 0};
    const int ready = ::poll(&p, 1, 10000);
    if (ready <= 0)
        return "open";
    int available = 0;
    if (S_ISFIFO(st.st_mode) && ::ioctl(0, FIONREAD, &available) == 0 && available > 0)
        return "data";
    if (S_ISCHR(st.st_mode) || S_ISREG(st.st_mode))
        return "file";
    return "eof";
}

std::string scrubbedButSet()
{
    std::string out;
    for (char** e = environ; *e; ++e) {
        const std::string entry(*e);
        const std::string name = entry.substr(0, entry.find('='));
        if (name == "EDITOR" || name == "VISUAL" || name == "KUBE_EDITOR" || name == "PAGER" ||
            name.rfind("KUBECTL_", 0) == 0)
            out += (out.empty() ? "" : ",") + name;
    }
    return out;
}

void appendRecord(const std::string& record)
{
    const char* log = std::getenv("OBSLAB_SHIM_LOG");
    if (!log)
        return;
    const int fd = ::open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    // One write per record: O_APPEND keeps concurrent records whole.
    (void)!::write(fd, record.data(), record.size());
    ::close(fd);
}

// Reads stdin to its end (bounded) and puts the same bytes back as stdin for the real program.
std::string takeInput()
{
    std::string input;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(0, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || input.size() > (8u << 20))
            break;
        input.append(buf, size_t(n));
    }
    const int fd = ::memfd_create("obslab-shim-stdin", 0);
    if (fd >= 0 && ::write(fd, input.data(), input.size()) == ssize_t(input.size()) &&
        ::lseek(fd, 0, SEEK_SET) == 0)
        ::dup2(fd, 0);
    if (fd > 0)
        ::close(fd);
    return input;
}

}  // namespace

int main(int argc, char** argv)
{
    std::string name = argv[0];
    name = name.substr(name.find_last_of('/') + 1);
    const std::string state = stdinState();
    std::string record = name + '\x1e' + scrubbedButSet() + '\x1e' + state + '\x1e';
    for (int i = 1; i < argc; ++i)
        record += std::string(i > 1 ? "\x1f" : "") + argv[i];
    std::string input = state == "data" ? takeInput() : std::string();
    for (char& c : input)
        c = c == '\n' ? '\x1d' : c;
    appendRecord(record + '\x1e' + input + '\n');

    std::vector<char*> args;
    const char* program = nullptr;
    if (name == "kubectl") {
        program = std::getenv("OBSLAB_SHIM_KUBECTL");
        args.push_back(const_cast<char*>(program));
    } else if (name == "istioctl") {
        program = std::getenv("OBSLAB_SHIM_PYTHON");
        args.push_back(const_cast<char*>(program));
        args.push_back(std::getenv("OBSLAB_SHIM_ISTIOCTL"));
    } else {
        return 127;  // a program no lab may start: recorded, never run
    }
    if (!program || !args.back())
        return 126;
    for (int i = 1; i < argc; ++i)
        args.push_back(argv[i]);
    args.push_back(nullptr);
    ::execv(program, args.data());
    return 126;
}
