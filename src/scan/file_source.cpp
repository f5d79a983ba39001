// The file and folder source: a walker thread feeds paths to workers that
// read and parse each file; big PEM bundles are read in pieces so memory
// stays flat however many certificates a file holds.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "scan/file_parse.hpp"
#include "scan/sources.hpp"

namespace scan {
namespace {

constexpr size_t kPiece = 4 << 20;  // bytes read at a time from a big file
// No certificate's PEM block is this long: past it without an END line the
// file is not read on (it would otherwise be held whole in memory).
constexpr size_t kMaxPemRun = 64 << 20;

// Paths between the walker and the workers, handed over in batches (one
// wake-up per file cost more than reading it) and bounded so the walk never
// runs far ahead.
class PathQueue {
public:
    using Batch = std::vector<std::string>;
    static constexpr size_t kBatch = 128;

    void push(std::string path) {
        pending_.push_back(std::move(path));
        if (pending_.size() >= kBatch) flush();
    }
    void close() {
        flush();
        std::lock_guard<std::mutex> lock(mu_);
        closed_ = true;
        ready_.notify_all();
    }
    bool pop(Batch& batch) {
        std::unique_lock<std::mutex> lock(mu_);
        ready_.wait(lock, [&] { return !q_.empty() || closed_; });
        if (q_.empty()) return false;
        batch = std::move(q_.front());
        q_.pop_front();
        room_.notify_one();
        return true;
    }

private:
    // The walker's side only: one thread pushes.
    void flush() {
        if (pending_.empty()) return;
        std::unique_lock<std::mutex> lock(mu_);
        room_.wait(lock, [&] { return q_.size() < 64; });
        q_.push_back(std::move(pending_));
        pending_.clear();
        ready_.notify_one();
    }

    std::mutex mu_;
    std::condition_variable ready_, room_;
    std::deque<Batch> q_;
    Batch pending_;
    bool closed_ = false;
};

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

Problem file_problem(const std::string& path, int index, const std::string& reason, const char* kind = "unreadable") {
    return Problem{kind, Location{Source::file, path, index, {}}, reason};
}

class FileSink : public ParseSink {
public:
    FileSink(Collector& out, Hasher& hash, const std::string& path) : out_(out), hash_(hash), path_(path) {}
    void certificate(const CertFields& cert, int index) override {
        out_.add(cert, hash_(cert.der), Location{Source::file, path_, index, {}});
    }
    void unreadable(const std::string& reason, int index) override { out_.add_problem(file_problem(path_, index, reason)); }
    void skipped(const std::string& reason) override { out_.add_problem(file_problem(path_, 0, reason, "skipped")); }

private:
    Collector& out_;
    Hasher& hash_;
    const std::string& path_;
};

bool certificate_extension(const std::string& path) {
    static const char* exts[] = {".pem", ".crt", ".cer", ".der", ".p7b", ".p7c", ".p12", ".pfx", ".cert"};
    auto dot = path.find_last_of('.');
    if (dot == std::string::npos || path.find('/', dot) != std::string::npos) return false;
    std::string ext = path.substr(dot);
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return std::find(std::begin(exts), std::end(exts), ext) != std::end(exts);
}

// Where a piece of PEM can be cut: just after the last END line in `buf`.
// Only bytes from `from` on are searched: what was searched before held no END line.
size_t pem_cut(std::string_view buf, size_t from) {
    size_t end = buf.substr(from).rfind("-----END ");
    if (end == std::string_view::npos) return 0;
    end += from;
    size_t eol = buf.find('\n', end);
    return eol == std::string_view::npos ? 0 : eol + 1;
}

void scan_file(const std::string& path, Collector& out, Hasher& hash, std::string& buf) {
    Fd f;
    f.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (f.fd < 0) {
        out.add_problem(file_problem(path, 0, std::string("cannot open: ") + std::strerror(errno)));
        out.count_file(false);
        return;
    }
    struct stat st {};
    if (::fstat(f.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        out.count_file(false);  // a FIFO or device named on the command line: never read it
        return;
    }
    FileSink sink(out, hash, path);
    ParseCounts total;
    ParseStart start;
    // `buf` keeps its size between files (resizing would zero megabytes per
    // file); `used` is how much of it holds this file's unparsed bytes.
    if (buf.size() < kPiece) buf.resize(kPiece);
    size_t used = 0;
    size_t searched = 0;  // bytes of `buf` already searched for an END line
    uint64_t read_total = 0;
    bool pem = false;
    bool first = true;
    for (;;) {
        if (used == buf.size()) buf.resize(buf.size() * 2);  // one PEM block bigger than a piece
        ssize_t n = ::read(f.fd, buf.data() + used, buf.size() - used);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            out.add_problem(file_problem(path, start.index + 1, std::string("read failed: ") + std::strerror(errno)));
            break;
        }
        used += static_cast<size_t>(n);
        read_total += static_cast<uint64_t>(n);
        // A regular file is done at its size; a second read() only to see 0 costs a system call per file.
        bool eof = n == 0 || read_total == static_cast<uint64_t>(st.st_size);
        std::string_view have(buf.data(), used);
        if (first) {
            pem = have.find("-----BEGIN ") != std::string_view::npos;
            first = false;
        }
        // DER and PKCS#12 are parsed whole; PEM in pieces cut after an END line.
        size_t overlap = std::string_view("-----END \n").size();
        size_t cut = eof ? used : pem ? pem_cut(have, searched > overlap ? searched - overlap : 0) : 0;
        searched = used;
        if (cut == 0 && !eof) {
            if (pem && used > kMaxPemRun) {
                out.add_problem(file_problem(path, start.index + 1,
                                             "more than 64 MB of PEM without an END line; the rest of the file is not read"));
                break;
            }
            continue;
        }
        std::string_view piece = have.substr(0, cut);
        ParseCounts c = parse_buffer(piece, sink, start);
        total.certificates += c.certificates;
        total.unreadable += c.unreadable;
        total.skipped += c.skipped;
        start.index += c.certificates;
        if (!eof) start.line += static_cast<size_t>(std::count(piece.begin(), piece.end(), '\n'));
        std::memmove(buf.data(), buf.data() + cut, used - cut);
        used -= cut;
        searched = 0;
        if (eof) break;
    }
    bool any = total.certificates > 0;
    if (!any && total.unreadable == 0 && total.skipped == 0) {
        if (st.st_size == 0)
            out.add_problem(file_problem(path, 0, "file is empty"));
        else if (certificate_extension(path))
            out.add_problem(file_problem(path, 0, "no certificate found (not PEM, DER, PKCS#7 or PKCS#12)"));
    }
    out.count_file(any);
}

class Walker {
public:
    Walker(const FileScanOptions& o, Collector& out, PathQueue& q) : o_(o), out_(out), q_(q) {}

    void top(const std::string& path) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0) {
            out_.add_problem(file_problem(path, 0, std::string("cannot read: ") + std::strerror(errno)));
            return;
        }
        if (S_ISDIR(st.st_mode))
            folder(path, st);
        else
            q_.push(path);
    }

private:
    void folder(const std::string& path, const struct stat& st) {
        // (device, inode) of every folder entered: links cannot make the walk loop.
        if (!visited_.emplace(st.st_dev, st.st_ino).second) return;
        std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(path.c_str()), ::closedir);
        if (!dir) {
            out_.add_problem(file_problem(path, 0, std::string("cannot open folder: ") + std::strerror(errno)));
            return;
        }
        std::vector<std::pair<std::string, bool>> entries;  // name, is a folder
        std::string base = path.empty() || path.back() == '/' ? path : path + "/";
        while (dirent* e = ::readdir(dir.get())) {
            std::string name = e->d_name;
            if (name == "." || name == "..") continue;
            std::string full = base + name;
            unsigned char type = e->d_type;
            struct stat target {};
            if (type == DT_UNKNOWN) {
                if (::lstat(full.c_str(), &target) != 0) continue;
                type = S_ISDIR(target.st_mode) ? DT_DIR : S_ISLNK(target.st_mode) ? DT_LNK : S_ISREG(target.st_mode) ? DT_REG : DT_UNKNOWN;
            }
            if (type == DT_LNK) {
                if (!o_.follow_symlinks || ::stat(full.c_str(), &target) != 0) continue;
                type = S_ISDIR(target.st_mode) ? DT_DIR : S_ISREG(target.st_mode) ? DT_REG : DT_UNKNOWN;
            }
            if (type == DT_DIR) entries.emplace_back(std::move(full), true);
            else if (type == DT_REG) q_.push(std::move(full));
        }
        dir.reset();
        std::sort(entries.begin(), entries.end());
        for (const auto& [sub, is_dir] : entries) {
            struct stat s {};
            if (::stat(sub.c_str(), &s) != 0) continue;
            if (is_dir) folder(sub, s);
        }
    }

    const FileScanOptions& o_;
    Collector& out_;
    PathQueue& q_;
    std::set<std::pair<dev_t, ino_t>> visited_;
};

}  // namespace

void scan_paths(const std::vector<std::string>& paths, const FileScanOptions& options, Collector& out) {
    if (paths.empty()) return;
    unsigned jobs = options.jobs != 0 ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
    PathQueue queue;
    std::vector<std::thread> workers;
    std::mutex error_mu;
    std::exception_ptr error;
    for (unsigned i = 0; i < jobs; ++i)
        workers.emplace_back([&] {
            try {
                Hasher hash;
                std::string buf;
                PathQueue::Batch batch;
                while (queue.pop(batch))
                    for (const auto& path : batch) scan_file(path, out, hash, buf);
            } catch (...) {
                std::lock_guard<std::mutex> lock(error_mu);
                if (!error) error = std::current_exception();
                PathQueue::Batch drain;
                while (queue.pop(drain)) {
                }
            }
        });
    try {
        Walker walker(options, out, queue);
        for (const auto& p : paths) walker.top(p);
    } catch (...) {
        queue.close();
        for (auto& t : workers) t.join();
        throw;
    }
    queue.close();
    for (auto& t : workers) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace scan
