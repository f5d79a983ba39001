// Framing and port opening over a real pseudo-terminal: lines, deadlines, oversized frames, hang-ups.
#include <gtest/gtest.h>
#include <pty.h>
#include <unistd.h>

#include <thread>

#include "device/line_channel.hpp"
#include "device/serial_port.hpp"
#include "util/error.hpp"

namespace {

using namespace std::chrono_literals;
using device::LineChannel;

struct Pty {
    int master = -1, slave = -1;
    Pty() {
        EXPECT_EQ(::openpty(&master, &slave, nullptr, nullptr, nullptr), 0);
        device::make_raw(master, 115200, false);
        device::make_raw(slave, 115200, false);
    }
    ~Pty() {
        if (master >= 0) ::close(master);
        if (slave >= 0) ::close(slave);
    }
};

device::Deadline in(std::chrono::milliseconds ms) { return device::Clock::now() + ms; }

TEST(LineChannelPty, ReturnsEachLineWithoutItsEndingAndKeepsTheRestBuffered) {
    Pty p;
    LineChannel host(p.slave), dev(p.master);
    ASSERT_TRUE(dev.write_all("first\r\nsecond\nthi", in(1s)));
    auto a = host.read_line(in(1s));
    ASSERT_EQ(a.status, LineChannel::Status::line);
    EXPECT_EQ(a.line, "first");
    auto b = host.read_line(in(1s));
    EXPECT_EQ(b.line, "second");
    // An unfinished line is not a line yet.
    EXPECT_EQ(host.read_line(in(50ms)).status, LineChannel::Status::timeout);
    ASSERT_TRUE(dev.write_all("rd\n", in(1s)));
    EXPECT_EQ(host.read_line(in(1s)).line, "third");
}

TEST(LineChannelPty, TimesOutAtTheDeadline) {
    Pty p;
    LineChannel host(p.slave);
    auto start = device::Clock::now();
    EXPECT_EQ(host.read_line(in(120ms)).status, LineChannel::Status::timeout);
    auto took = device::Clock::now() - start;
    EXPECT_GE(took, 110ms);
    EXPECT_LT(took, 1s);
}

TEST(LineChannelPty, DropsAFrameOverSixteenKibibytesAndReadsTheNextOne) {
    Pty p;
    LineChannel host(p.slave), dev(p.master);
    std::string big(device::kMaxFrame + 5000, 'x');
    std::thread writer([&] { dev.write_all(big + "\n{\"id\":1}\n", in(5s)); });
    auto a = host.read_line(in(5s));
    auto b = host.read_line(in(5s));
    writer.join();
    EXPECT_EQ(a.status, LineChannel::Status::too_long);
    ASSERT_EQ(b.status, LineChannel::Status::line);
    EXPECT_EQ(b.line, "{\"id\":1}");
}

TEST(LineChannelPty, AFrameOfExactlyTheLimitIsAccepted) {
    Pty p;
    LineChannel host(p.slave), dev(p.master);
    std::string line(device::kMaxFrame - 1, 'y');
    std::thread writer([&] { dev.write_all(line + "\n", in(5s)); });
    auto a = host.read_line(in(5s));
    writer.join();
    ASSERT_EQ(a.status, LineChannel::Status::line);
    EXPECT_EQ(a.line.size(), device::kMaxFrame - 1);
}

TEST(LineChannelPty, ReportsTheOtherSideClosing) {
    Pty p;
    LineChannel dev(p.master);
    ::close(p.slave);
    p.slave = -1;
    EXPECT_EQ(dev.read_line(in(1s)).status, LineChannel::Status::closed);
}

TEST(SerialPort, OpensAPseudoTerminalRawAndRefusesWhatIsNotAPort) {
    Pty p;
    char name[256];
    ASSERT_EQ(::ttyname_r(p.slave, name, sizeof name), 0);
    util::Fd fd = device::open_serial(name, {115200, false});
    ASSERT_TRUE(fd);
    // Raw: a line written by the device arrives unaltered, and nothing is echoed back.
    LineChannel host(fd.get()), dev(p.master);
    ASSERT_TRUE(host.write_all("ping\n", in(1s)));
    EXPECT_EQ(dev.read_line(in(1s)).line, "ping");
    EXPECT_EQ(host.read_line(in(100ms)).status, LineChannel::Status::timeout);

    try {
        device::open_serial("/no/such/port", {115200, false});
        FAIL();
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        EXPECT_NE(std::string(e.what()).find("/no/such/port"), std::string::npos);
    }
    EXPECT_THROW(device::open_serial("/etc/hostname", {115200, false}), util::Error);
    EXPECT_THROW(device::open_serial(name, {12345, false}), util::Error);
}

}  // namespace
