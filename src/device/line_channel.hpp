#pragma once
// Newline-terminated frames over a file descriptor (a serial port or either
// side of a pseudo-terminal), as docs/device-protocol.md defines them: every
// wait is a poll against a deadline, and a line longer than kMaxFrame is
// dropped whole, up to its newline, instead of growing a buffer without end.
#include <chrono>
#include <string>
#include <string_view>

namespace device {

// 16 KiB, the newline included.
inline constexpr size_t kMaxFrame = 16 * 1024;

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

class LineChannel {
public:
    // Does not own `fd`; sets it non-blocking.
    explicit LineChannel(int fd);

    enum class Status {
        line,      // `line` holds one frame, without its "\n" (a trailing "\r" removed too)
        timeout,   // the deadline passed first
        closed,    // end of file, hang-up or a read error (EIO on a pseudo-terminal)
        too_long,  // a frame over kMaxFrame was read and dropped
    };
    struct ReadResult {
        Status status = Status::timeout;
        std::string line;
    };
    ReadResult read_line(Deadline deadline);

    // Writes all of `data`; false when the deadline passed or the other end is gone.
    bool write_all(std::string_view data, Deadline deadline);

    // Forgets whatever was received and not yet returned (after a device reset).
    void discard_input();

    int fd() const { return fd_; }

private:
    int fd_;
    std::string buf_;      // bytes received, not yet returned
    bool skipping_ = false;  // inside a frame that was too long: drop until '\n'
};

}  // namespace device
