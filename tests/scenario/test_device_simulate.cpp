// provctl device simulate as a real process on a real pseudo-terminal: the
// host side talks to it through device::open_serial and device::LineChannel.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "device/line_channel.hpp"
#include "device/serial_port.hpp"
#include "scenario/scenario.hpp"
#include "scenario/sim_process.hpp"
#include "support/test_support.hpp"

extern char** environ;

using nlohmann::json;
using namespace std::chrono_literals;
using testing_support::TempDir;
using scenario::SimProcess;

namespace {


// One request, its response: other lines (boot banner, logs) are skipped.
json request(device::LineChannel& ch, int64_t id, const std::string& cmd, const json& args = json::object()) {
    std::string frame = json{{"id", id}, {"cmd", cmd}, {"args", args}}.dump() + "\n";
    EXPECT_TRUE(ch.write_all(frame, device::Clock::now() + 5s));
    auto deadline = device::Clock::now() + 30s;
    for (;;) {
        auto r = ch.read_line(deadline);
        if (r.status != device::LineChannel::Status::line) {
            ADD_FAILURE() << "no answer to " << cmd;
            return json();
        }
        json j = json::parse(r.line, nullptr, false);
        if (j.is_object() && j.contains("id") && j["id"] == id) return j;
    }
}

bool is_symlink(const std::string& path) {
    struct stat st{};
    return ::lstat(path.c_str(), &st) == 0 && S_ISLNK(st.st_mode);
}

}  // namespace

TEST(DeviceSimulate, ServesHelloAndGenKeyOverAPty) {
    TempDir dir;
    std::string link = dir.file("board");
    SimProcess sim({"device", "simulate", "--state", dir.file("board.json"), "--link", link, "--baud", "0",
                    "--fault", "noise"});
    std::string port = sim.first_line();
    ASSERT_EQ(port.rfind("/dev/pts/", 0), 0u) << port;
    ASSERT_TRUE(is_symlink(link));
    EXPECT_EQ(testing_support::file_mode(dir.file("board.json")), 0600u);

    std::string csr;
    {
        util::Fd fd = device::open_serial(link, {});
        device::LineChannel ch(fd.get());
        json hello = request(ch, 1, "hello");
        ASSERT_EQ(hello["ok"], true) << hello.dump();
        EXPECT_EQ(hello["result"]["protocol"], 1);
        EXPECT_EQ(hello["result"]["lifecycle"], "unprovisioned");
        json key = request(ch, 2, "gen_key", {{"slot", 0}, {"key_type", "ec-p256"}});
        ASSERT_EQ(key["ok"], true) << key.dump();
        EXPECT_FALSE(key["result"]["public_key"].get<std::string>().empty());
        json again = request(ch, 3, "gen_key", {{"slot", 0}, {"key_type", "ec-p256"}});
        EXPECT_EQ(again["error"]["code"], "slot_locked");
    }
    {
        // The port closed and opened again: the simulator still answers.
        util::Fd fd = device::open_serial(port, {});
        device::LineChannel ch(fd.get());
        json r = request(ch, 4, "get_csr", {{"slot", 0}, {"subject", "CN=SN-0001,O=Provctl Tests"}});
        ASSERT_EQ(r["ok"], true) << r.dump();
        csr = r["result"]["csr"].get<std::string>();
    }
    testing_support::spit(dir.file("dev.csr"), csr);
    auto v = scenario::openssl({"req", "-verify", "-noout", "-in", dir.file("dev.csr")});
    EXPECT_EQ(v.exit_code, 0) << v.err;

    EXPECT_EQ(sim.stop(), 0);
    EXPECT_FALSE(is_symlink(link));
}

TEST(DeviceSimulate, JsonLineAndRestartKeepsTheBoard) {
    TempDir dir;
    std::string hw_uid;
    {
        SimProcess sim({"--json", "device", "simulate", "--state", dir.file("b.json"), "--hw-uid", "0011223344556677"});
        json doc = json::parse(sim.first_line(), nullptr, false);
        ASSERT_TRUE(doc.is_object());
        EXPECT_EQ(doc["schema"], "provctl.device.simulate/v1");
        EXPECT_EQ(doc["hw_uid"], "0011223344556677");
        util::Fd fd = device::open_serial(doc["port"].get<std::string>(), {});
        device::LineChannel ch(fd.get());
        EXPECT_EQ(request(ch, 1, "set_device_id", {{"device_id", "SN-0042"}})["ok"], true);
        EXPECT_EQ(sim.stop(), 0);
    }
    SimProcess sim({"--json", "device", "simulate", "--state", dir.file("b.json")});
    json doc = json::parse(sim.first_line(), nullptr, false);
    ASSERT_TRUE(doc.is_object());
    EXPECT_EQ(doc["hw_uid"], "0011223344556677");
    util::Fd fd = device::open_serial(doc["port"].get<std::string>(), {});
    device::LineChannel ch(fd.get());
    EXPECT_EQ(request(ch, 1, "hello")["result"]["device_id"], "SN-0042");
    EXPECT_EQ(sim.stop(), 0);
}

TEST(DeviceSimulate, UnknownFaultExits2) {
    TempDir dir;
    auto r = testing_support::provctl({"device", "simulate", "--state", dir.file("s.json"), "--fault", "explode"});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("unknown fault 'explode'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("drop-response"), std::string::npos) << r.err;
    EXPECT_FALSE(testing_support::exists(dir.file("s.json")));
    r = testing_support::provctl({"device", "simulate", "--state", dir.file("s.json"), "--baud", "12345"});
    EXPECT_EQ(r.exit_code, 2);
}

TEST(DeviceSimulate, BaudPacesTheWire) {
    TempDir dir;
    SimProcess sim({"device", "simulate", "--state", dir.file("p.json"), "--baud", "9600"});
    util::Fd fd = device::open_serial(sim.first_line(), {});
    device::LineChannel ch(fd.get());
    std::string frame = json{{"id", 1}, {"cmd", "hello"}, {"args", json::object()}}.dump() + "\n";
    auto start = std::chrono::steady_clock::now();
    json hello = request(ch, 1, "hello");
    auto took = std::chrono::steady_clock::now() - start;
    ASSERT_EQ(hello["ok"], true);
    // Request and response at 10 bits a byte, 9600 bit/s: no faster than that.
    size_t bytes = frame.size() + hello.dump().size() + 1;
    auto wire = std::chrono::microseconds(bytes * 10 * 1'000'000 / 9600);
    EXPECT_GE(took, wire * 9 / 10) << bytes << " bytes";
    EXPECT_EQ(sim.stop(), 0);
}
