// Frames over a pipe: split lines, CRLF, the 16 KiB limit however the bytes arrive.
#include <gtest/gtest.h>

#include <unistd.h>

#include "device/line_channel.hpp"
#include "util/fd.hpp"

using namespace std::chrono_literals;
using device::LineChannel;

namespace {

struct Pipe {
    util::Fd r, w;
    Pipe() {
        int fds[2];
        EXPECT_EQ(::pipe(fds), 0);
        r = util::Fd(fds[0]);
        w = util::Fd(fds[1]);
    }
    void put(const std::string& s) { ASSERT_EQ(::write(w.get(), s.data(), s.size()), static_cast<ssize_t>(s.size())); }
};

LineChannel::ReadResult next(LineChannel& ch) { return ch.read_line(device::Clock::now() + 200ms); }

}  // namespace

TEST(LineChannel, LinesSplitAndJoined) {
    Pipe p;
    LineChannel ch(p.r.get());
    p.put("{\"id\":1}\r\n{\"id\"");
    auto r = next(ch);
    EXPECT_EQ(r.status, LineChannel::Status::line);
    EXPECT_EQ(r.line, "{\"id\":1}");
    EXPECT_EQ(next(ch).status, LineChannel::Status::timeout);
    p.put(":2}\n");
    EXPECT_EQ(next(ch).line, "{\"id\":2}");
    p.w.reset();
    EXPECT_EQ(next(ch).status, LineChannel::Status::closed);
}

TEST(LineChannel, FrameOverTheLimitIsDroppedWhole) {
    Pipe p;
    LineChannel ch(p.r.get());
    // Most of a frame first, the rest with its newline later: still too long.
    p.put(std::string(device::kMaxFrame - 100, 'a'));
    EXPECT_EQ(next(ch).status, LineChannel::Status::timeout);
    p.put(std::string(200, 'b') + "\nok\n");
    EXPECT_EQ(next(ch).status, LineChannel::Status::too_long);
    EXPECT_EQ(next(ch).line, "ok");
    // Exactly at the limit (newline included) is a frame.
    p.put(std::string(device::kMaxFrame - 1, 'c') + "\n");
    auto r = next(ch);
    EXPECT_EQ(r.status, LineChannel::Status::line);
    EXPECT_EQ(r.line.size(), device::kMaxFrame - 1);
    // Far over: dropped up to the newline, the next frame intact.
    p.put(std::string(3 * device::kMaxFrame, 'd') + "\nafter\n");
    EXPECT_EQ(next(ch).status, LineChannel::Status::too_long);
    EXPECT_EQ(next(ch).line, "after");
}
