#include "device/line_channel.hpp"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace device {

namespace {

// Milliseconds left, rounded up so a wait never ends just short of the deadline.
int left_ms(Deadline deadline) {
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return 0;
    return left > 60'000 ? 60'000 : static_cast<int>(left);
}

// True when `fd` is ready for `events` before the deadline; false on timeout.
// A hang-up counts as ready, so the following read or write reports it.
bool wait_for(int fd, short events, Deadline deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        int rc = ::poll(&p, 1, left_ms(deadline));
        if (rc > 0) return true;
        if (rc < 0 && errno == EINTR) continue;
        if (rc < 0) return true;  // let the read or write report the error
        if (Clock::now() >= deadline) return false;
    }
}

}  // namespace

LineChannel::LineChannel(int fd) : fd_(fd) {
    int flags = ::fcntl(fd_, F_GETFL);
    if (flags >= 0) ::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
}

LineChannel::ReadResult LineChannel::read_line(Deadline deadline) {
    for (;;) {
        // A complete frame may already be buffered.
        auto nl = buf_.find('\n');
        if (nl != std::string::npos) {
            if (skipping_) {
                buf_.erase(0, nl + 1);
                skipping_ = false;
                return {Status::too_long, {}};
            }
            if (nl + 1 > kMaxFrame) {
                // The newline came in the same read that took the frame past
                // the limit: still too long, however it was split up.
                buf_.erase(0, nl + 1);
                return {Status::too_long, {}};
            }
            std::string line = buf_.substr(0, nl);
            buf_.erase(0, nl + 1);
            if (!line.empty() && line.back() == '\r') line.pop_back();
            return {Status::line, std::move(line)};
        }
        if (buf_.size() >= kMaxFrame) {
            buf_.clear();
            skipping_ = true;
        }
        if (!wait_for(fd_, POLLIN, deadline)) return {Status::timeout, {}};
        char chunk[4096];
        ssize_t n = ::read(fd_, chunk, sizeof chunk);
        if (n > 0) {
            if (skipping_) {
                std::string_view part(chunk, static_cast<size_t>(n));
                auto end = part.find('\n');
                if (end == std::string_view::npos) continue;
                skipping_ = false;
                buf_.assign(part.substr(end + 1));
                return {Status::too_long, {}};
            }
            buf_.append(chunk, static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
        return {Status::closed, {}};
    }
}

bool LineChannel::write_all(std::string_view data, Deadline deadline) {
    while (!data.empty()) {
        ssize_t n = ::write(fd_, data.data(), data.size());
        if (n > 0) {
            data.remove_prefix(static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return false;
        if (!wait_for(fd_, POLLOUT, deadline)) return false;
    }
    return true;
}

void LineChannel::discard_input() {
    buf_.clear();
    skipping_ = false;
}

}  // namespace device
