#include "util/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

#include "util/error.hpp"

namespace util {

namespace {

std::string dir_of(const std::string& path) {
    auto pos = path.rfind('/');
    if (pos == std::string::npos) return ".";
    if (pos == 0) return "/";
    return path.substr(0, pos);
}

bool exists(const std::string& path) {
    struct stat st;
    return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace

void ensure_writable_target(const std::string& path, bool overwrite) {
    if (!overwrite && exists(path)) fail_input(path + ": output exists; remove it or pass --force");
}

AtomicFile::AtomicFile(std::string path, mode_t mode, bool overwrite)
    : path_(std::move(path)), overwrite_(overwrite) {
    ensure_writable_target(path_, overwrite_);
    std::string templ = dir_of(path_) + "/.provctl-tmp-XXXXXX";
    fd_ = ::mkstemp(templ.data());
    if (fd_ < 0) fail_op(path_ + ": cannot create a temporary file beside it: " + std::strerror(errno));
    temp_path_ = templ;
    // mkstemp creates 0600; widen only for public material.
    if (::fchmod(fd_, mode) != 0) fail_op(path_ + ": cannot set file mode: " + std::strerror(errno));
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!temp_path_.empty()) ::unlink(temp_path_.c_str());
}

void AtomicFile::write(const std::string& data) { write(data.data(), data.size()); }

void AtomicFile::write(const void* data, size_t len) {
    const char* p = static_cast<const char*>(data);
    while (len > 0) {
        ssize_t n = ::write(fd_, p, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail_op(path_ + ": write failed: " + std::strerror(errno));
        }
        p += n;
        len -= static_cast<size_t>(n);
    }
}

void AtomicFile::commit() {
    if (::fsync(fd_) != 0) fail_op(path_ + ": fsync failed: " + std::strerror(errno));
    ::close(fd_);
    fd_ = -1;
    // A last check closes most of the window in which another process could
    // have created the target since the constructor ran.
    if (!overwrite_) {
        if (::link(temp_path_.c_str(), path_.c_str()) != 0) {
            if (errno == EEXIST) fail_input(path_ + ": output exists; remove it or pass --force");
            fail_op(path_ + ": cannot create: " + std::strerror(errno));
        }
        ::unlink(temp_path_.c_str());
    } else if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
        fail_op(path_ + ": cannot rename into place: " + std::strerror(errno));
    }
    temp_path_.clear();
    int dfd = ::open(dir_of(path_).c_str(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
}

void write_file_atomic(const std::string& path, const std::string& data, mode_t mode, bool overwrite) {
    AtomicFile f(path, mode, overwrite);
    f.write(data);
    f.commit();
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) fail_input(path + ": cannot read: " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) fail_input(path + ": read error");
    return ss.str();
}

}  // namespace util
