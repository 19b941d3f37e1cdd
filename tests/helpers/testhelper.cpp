// obslab_testhelper: a stand-in program for the CommandRunner/BackgroundJob tests. Plain C++ on
// purpose (no Qt): it must behave like an ordinary external tool. Usage: obslab_testhelper MODE
// [ARG]
//   print N          N lines "line 1".."line N" on stdout
//   stderr TEXT      TEXT on stderr, "out" on stdout
//   exit CODE        exits with CODE (after "exiting" on stdout)
//   echo-stdin       copies stdin to stdout
//   hang             prints "ready" and blocks until a signal ends it
//   ignore-term      ignores SIGTERM, prints "ready" and blocks (SIGKILL ends it)
//   flood MB         MB megabytes of 64-byte lines (63 characters and '\n')
//   partial          "alpha\nbe" "ta\ngam" "ma" written with flushes, no final newline
//   crlf             "one\r\ntwo\r\n"
//   env VAR          the value of VAR (or "<unset>")
//   pwd              the working directory
//   crash            abort()
//   long-line BYTES  one line of BYTES 'x' characters and a newline

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace {

void writeAll(int fd, const char* data, size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n <= 0)
            std::exit(3);
        data += n;
        size -= size_t(n);
    }
}

void writeAll(int fd, const std::string& text)
{
    writeAll(fd, text.data(), text.size());
}

[[noreturn]] void blockForever()
{
    for (;;)
        ::pause();
}

int usage()
{
    writeAll(2, std::string("usage: obslab_testhelper MODE [ARG]\n"));
    return 2;
}

}  // namespace

int main(int argc, char** argv)
{
    if (argc < 2)
        return usage();
    const std::string mode = argv[1];
    const std::string arg = argc > 2 ? argv[2] : "";

    if (mode == "print") {
        const long n = std::strtol(arg.c_str(), nullptr, 10);
        std::string out;
        for (long i = 1; i <= n; ++i)
            out += "line " + std::to_string(i) + "\n";
        writeAll(1, out);
        return 0;
    }
    if (mode == "stderr") {
        writeAll(2, arg + "\n");
        writeAll(1, std::string("out\n"));
        return 0;
    }
    if (mode == "exit") {
        writeAll(1, std::string("exiting\n"));
        return std::atoi(arg.c_str());
    }
    if (mode == "echo-stdin") {
        char buffer[65536];
        for (;;) {
            const ssize_t n = ::read(0, buffer, sizeof buffer);
            if (n <= 0)
                break;
            writeAll(1, buffer, size_t(n));
        }
        return 0;
    }
    if (mode == "hang") {
        writeAll(1, std::string("ready\n"));
        blockForever();
    }
    if (mode == "ignore-term") {
        std::signal(SIGTERM, SIG_IGN);
        writeAll(1, std::string("ready\n"));
        blockForever();
    }
    if (mode == "flood") {
        const long megabytes = std::strtol(arg.c_str(), nullptr, 10);
        std::string block;
        const std::string line = std::string(63, 'f') + "\n";
        while (block.size() < 1024 * 1024)
            block += line;  // 16384 lines of 64 bytes: exactly 1 MiB
        for (long i = 0; i < megabytes; ++i)
            writeAll(1, block);
        return 0;
    }
    if (mode == "partial") {
        for (const char* piece : {"alpha\nbe", "ta\ngam", "ma"}) {
            writeAll(1, std::string(piece));
            // A pause between pieces makes separate reads likely; correctness does not depend on
            // it.
            ::usleep(20000);
        }
        return 0;
    }
    if (mode == "crlf") {
        writeAll(1, std::string("one\r\ntwo\r\n"));
        return 0;
    }
    if (mode == "env") {
        const char* value = std::getenv(arg.c_str());
        writeAll(1, std::string(value ? value : "<unset>") + "\n");
        return 0;
    }
    if (mode == "pwd") {
        char buffer[4096];
        if (!::getcwd(buffer, sizeof buffer))
            return 3;
        writeAll(1, std::string(buffer) + "\n");
        return 0;
    }
    if (mode == "crash") {
        std::abort();
    }
    if (mode == "long-line") {
        const long bytes = std::strtol(arg.c_str(), nullptr, 10);
        writeAll(1, std::string(size_t(bytes), 'x') + "\n");
        return 0;
    }
    return usage();
}
