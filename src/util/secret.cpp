#include "util/secret.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "util/atomic_file.hpp"
#include "util/error.hpp"

namespace util {

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)), origin_(std::move(other.origin_)) {
    other.wipe();
}

Secret& Secret::operator=(Secret&& other) noexcept {
    if (this != &other) {
        wipe();
        value_ = std::move(other.value_);
        origin_ = std::move(other.origin_);
        other.wipe();
    }
    return *this;
}

Secret::~Secret() { wipe(); }

void Secret::wipe() noexcept {
    if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
    value_.clear();
}

namespace {

class TtyFd {
public:
    TtyFd() : fd_(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) {}
    ~TtyFd() {
        if (fd_ >= 0) ::close(fd_);
    }
    TtyFd(const TtyFd&) = delete;
    TtyFd& operator=(const TtyFd&) = delete;
    int fd() const { return fd_; }

private:
    int fd_;
};

void tty_write(int fd, const std::string& s) {
    ssize_t ignored = ::write(fd, s.data(), s.size());
    (void)ignored;
}

std::string tty_read_line(int fd, bool echo) {
    termios old{};
    bool restore = false;
    if (!echo && ::tcgetattr(fd, &old) == 0) {
        termios quiet = old;
        quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
        restore = ::tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
    }
    std::string line;
    char c;
    while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
    if (restore) {
        ::tcsetattr(fd, TCSAFLUSH, &old);
        tty_write(fd, "\n");
    }
    return line;
}

Secret prompt_secret(const std::string& what, bool confirm) {
    TtyFd tty;
    if (tty.fd() < 0)
        fail_input("no terminal to ask for the " + what + "; pass it as env:NAME or file:PATH");
    tty_write(tty.fd(), "Enter " + what + ": ");
    std::string first = tty_read_line(tty.fd(), false);
    if (confirm) {
        tty_write(tty.fd(), "Repeat " + what + ": ");
        std::string second = tty_read_line(tty.fd(), false);
        bool same = first == second;
        OPENSSL_cleanse(second.data(), second.size());
        if (!same) {
            OPENSSL_cleanse(first.data(), first.size());
            fail_input("the two entries of the " + what + " differ");
        }
    }
    return Secret(std::move(first), "prompt");
}

}  // namespace

bool have_terminal() {
    TtyFd tty;
    return tty.fd() >= 0;
}

bool confirm_on_terminal(const std::string& question) {
    TtyFd tty;
    if (tty.fd() < 0) return false;
    tty_write(tty.fd(), question + " [y/N] ");
    std::string answer = tty_read_line(tty.fd(), true);
    return answer == "y" || answer == "Y" || answer == "yes";
}

Secret resolve_secret(const std::string& spec, const std::string& what, bool confirm) {
    if (spec.empty() || spec == "prompt") return prompt_secret(what, confirm);
    if (spec.rfind("env:", 0) == 0) {
        std::string name = spec.substr(4);
        const char* v = std::getenv(name.c_str());
        if (v == nullptr) fail_input(what + ": environment variable " + name + " is not set");
        if (*v == '\0') fail_input(what + ": environment variable " + name + " is empty");
        return Secret(v, spec);
    }
    if (spec.rfind("file:", 0) == 0) {
        std::string path = spec.substr(5);
        std::string content = read_file(path);
        // One trailing newline is how editors and `echo` end a file, not part of the secret.
        if (!content.empty() && content.back() == '\n') content.pop_back();
        if (!content.empty() && content.back() == '\r') content.pop_back();
        if (content.empty()) fail_input(what + ": " + path + " is empty");
        return Secret(std::move(content), spec);
    }
    if (spec.rfind("pass:", 0) == 0)
        fail_input(what + ": a secret given on the command line is visible to every user; use env:NAME or file:PATH");
    fail_input(what + ": unknown secret source (expected env:NAME, file:PATH or prompt)");
}

}  // namespace util
