#include "batch/files.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/error.hpp"

namespace batch {

namespace {

std::string why() { return std::strerror(errno); }

}  // namespace

void make_dirs(const std::string& dir) {
    std::string partial;
    size_t pos = 0;
    while (pos != std::string::npos) {
        pos = dir.find('/', pos + 1);
        partial = dir.substr(0, pos);
        if (partial.empty()) continue;
        if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST)
            util::fail_op(partial + ": cannot create the folder: " + why());
    }
    struct stat st;
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) util::fail_input(dir + ": not a folder");
}

void remove_temp_files(const std::string& dir) {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) util::fail_op(dir + ": cannot read the folder: " + why());
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name.rfind(".tmp-", 0) == 0 || name.rfind(".provctl-tmp-", 0) == 0) ::unlink((dir + "/" + name).c_str());
    }
    ::closedir(d);
}

bool file_exists(const std::string& path) {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
}

std::optional<std::string> read_if_exists(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (!file_exists(path)) return std::nullopt;
        util::fail_op(path + ": cannot read: " + why());
    }
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Writes `data` to `file` (created or truncated, mode reset with fchmod so a
// leftover's permissions never survive), closes it; on any error removes
// `file` and fails naming `shown`.
static void write_whole(const std::string& file, const std::string& shown, const std::string& data, mode_t mode) {
    int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) util::fail_op(shown + ": cannot write: " + why());
    std::string reason;
    if (::fchmod(fd, mode) != 0) reason = why();
    const char* p = data.data();
    size_t left = data.size();
    while (reason.empty() && left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            reason = n < 0 ? why() : "short write";
            break;
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
    if (::close(fd) != 0 && reason.empty()) reason = why();
    if (!reason.empty()) {
        ::unlink(file.c_str());
        util::fail_op(shown + ": cannot write: " + reason);
    }
}

void write_file_now(const std::string& path, const std::string& data, mode_t mode) {
    auto slash = path.rfind('/');
    std::string temp = path.substr(0, slash + 1) + ".tmp-" + path.substr(slash + 1);
    write_whole(temp, path, data, mode);
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        std::string reason = why();
        ::unlink(temp.c_str());
        util::fail_op(path + ": cannot write: " + reason);
    }
}

// No unlink first: it takes the folder's lock, which every thread creating
// files there waits for.
void write_new_file(const std::string& path, const std::string& data, mode_t mode) { write_whole(path, path, data, mode); }

void remove_file(const std::string& path) { ::unlink(path.c_str()); }

void sync_dir(const std::string& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) util::fail_op(dir + ": cannot open the folder: " + why());
    int rc = ::syncfs(fd);
    std::string reason = rc != 0 ? why() : "";
    ::close(fd);
    if (rc != 0) util::fail_op(dir + ": cannot flush to disk: " + reason);
}

}  // namespace batch
