// The host's protocol client against a scripted device on a real pseudo-terminal.
#include <gtest/gtest.h>
#include <pty.h>
#include <unistd.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <thread>

#include "device/client.hpp"
#include "device/serial_port.hpp"
#include "util/base64.hpp"

namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using device::DeviceFailure;

// A device that answers each request with whatever `script` writes.
class ScriptedDevice {
public:
    using Script = std::function<std::string(const json& request)>;
    explicit ScriptedDevice(Script script) : script_(std::move(script)) {
        EXPECT_EQ(::openpty(&master_, &slave_, nullptr, nullptr, nullptr), 0);
        device::make_raw(master_, 115200, false);
        device::make_raw(slave_, 115200, false);
        thread_ = std::thread([this] {
            device::LineChannel ch(master_);
            for (;;) {
                auto got = ch.read_line(device::Clock::now() + 5s);
                if (got.status != device::LineChannel::Status::line) return;
                json req = json::parse(got.line, nullptr, false);
                if (req.is_discarded()) return;
                if (req["cmd"] == "quit") return;
                ch.write_all(script_(req), device::Clock::now() + 5s);
            }
        });
    }
    ~ScriptedDevice() {
        device::LineChannel ch(slave_);
        ch.write_all("{\"id\":0,\"cmd\":\"quit\"}\n", device::Clock::now() + 1s);
        thread_.join();
        ::close(master_);
        ::close(slave_);
    }
    int host_fd() const { return slave_; }

private:
    Script script_;
    int master_ = -1, slave_ = -1;
    std::thread thread_;
};

std::string ok(const json& req, const json& result) {
    return json{{"id", req["id"]}, {"ok", true}, {"result", result}}.dump() + "\n";
}

json hello_result() {
    return {{"protocol", 1},          {"fw_version", "1.4.2"}, {"hw_rev", "C"},           {"hw_uid", "0011AABB"},
            {"se_serial", "5E01"},    {"device_id", nullptr},  {"lifecycle", "unprovisioned"}, {"debug_locked", false}};
}

TEST(Client, SkipsBootLogsObjectsWithoutIdAndStaleAnswers) {
    ScriptedDevice dev([](const json& req) {
        return std::string("BOOT fw=1.4.2\n[debug] se ready\n{\"not\":\"a frame\"}\n[1,2]\n") +
               json{{"id", req["id"].get<int64_t>() - 1}, {"ok", true}, {"result", {{"stale", true}}}}.dump() + "\n" +
               ok(req, hello_result());
    });
    device::LineChannel ch(dev.host_fd());
    std::vector<std::string> ignored;
    device::Client client(ch, 2s, [&](const std::string& l) { ignored.push_back(l); });
    device::Hello h = client.hello();
    EXPECT_EQ(h.protocol, 1);
    EXPECT_EQ(h.hw_uid, "0011AABB");
    EXPECT_FALSE(h.device_id);
    EXPECT_EQ(h.lifecycle, "unprovisioned");
    EXPECT_EQ(ignored.size(), 5u);
}

TEST(Client, RequestIdsIncrease) {
    std::vector<int64_t> ids;
    ScriptedDevice dev([&](const json& req) {
        ids.push_back(req["id"].get<int64_t>());
        return ok(req, hello_result());
    });
    device::LineChannel ch(dev.host_fd());
    device::Client client(ch, 2s);
    client.hello();
    client.hello();
    client.hello();
    ASSERT_EQ(ids.size(), 3u);
    EXPECT_EQ(ids[1], ids[0] + 1);
    EXPECT_EQ(ids[2], ids[1] + 1);
}

TEST(Client, ADeviceErrorCarriesItsCodeAndMessage) {
    ScriptedDevice dev([](const json& req) {
        return json{{"id", req["id"]}, {"ok", false}, {"error", {{"code", "slot_locked"}, {"message", "slot 0 holds a key"}}}}
                   .dump() +
               "\n";
    });
    device::LineChannel ch(dev.host_fd());
    device::Client client(ch, 2s);
    try {
        client.gen_key(0, "ec-p256");
        FAIL();
    } catch (const DeviceFailure& e) {
        EXPECT_EQ(e.kind(), DeviceFailure::Kind::refused);
        EXPECT_EQ(e.code(), "slot_locked");
        EXPECT_NE(std::string(e.what()).find("slot 0 holds a key"), std::string::npos);
    }
}

TEST(Client, NoAnswerIsATimeoutAndALateAnswerIsThenIgnored) {
    int calls = 0;
    ScriptedDevice dev([&](const json& req) {
        if (++calls == 1) {
            std::this_thread::sleep_for(300ms);  // too slow for the first request
        }
        return ok(req, {{"nonce", util::base64_encode(std::string(32, 'n'))}});
    });
    device::LineChannel ch(dev.host_fd());
    device::Client client(ch, 150ms);
    try {
        client.begin_rotate(0);
        FAIL();
    } catch (const DeviceFailure& e) {
        EXPECT_EQ(e.kind(), DeviceFailure::Kind::timeout);
    }
    client.set_timeout(2s);
    // The late answer to the first request arrives first and must not be taken for this one's.
    EXPECT_EQ(client.begin_rotate(0), std::string(32, 'n'));
}

TEST(Client, MalformedAnswersAreProtocolErrors) {
    ScriptedDevice dev([](const json& req) {
        if (req["cmd"] == "gen_key") return ok(req, {{"public_key", "not base64!"}});
        return ok(req, {{"protocol", 1}});
    });
    device::LineChannel ch(dev.host_fd());
    device::Client client(ch, 2s);
    try {
        client.gen_key(0, "ec-p256");
        FAIL();
    } catch (const DeviceFailure& e) {
        EXPECT_EQ(e.kind(), DeviceFailure::Kind::protocol);
        EXPECT_NE(std::string(e.what()).find("public_key"), std::string::npos);
    }
    EXPECT_THROW(client.hello(), DeviceFailure);
}

}  // namespace
