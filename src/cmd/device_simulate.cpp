// provctl device simulate: a board with a secure element behind a
// pseudo-terminal, for tests and demos. The protocol logic is
// device::Simulator; this file is the transport: the pty, the wire's pace,
// signals and the --link symlink.
#include "cmd/device_simulate.hpp"

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ostream>
#include <thread>

#include "cmd/commands.hpp"
#include "device/line_channel.hpp"
#include "device/serial_port.hpp"
#include "device/simulator.hpp"
#include "util/fd.hpp"

namespace cmd {
namespace {

using namespace std::chrono_literals;

// The one piece of global state: set by SIGTERM/SIGINT, read by the loop.
volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_stop_signal(int) { g_stop = 1; }

// SIGTERM and SIGINT set g_stop, SIGPIPE is ignored; all restored on scope exit.
class SignalScope {
public:
    SignalScope() {
        g_stop = 0;
        struct sigaction sa{};
        sa.sa_handler = on_stop_signal;
        sigemptyset(&sa.sa_mask);
        ::sigaction(SIGTERM, &sa, &old_term_);
        ::sigaction(SIGINT, &sa, &old_int_);
        struct sigaction ign{};
        ign.sa_handler = SIG_IGN;
        sigemptyset(&ign.sa_mask);
        ::sigaction(SIGPIPE, &ign, &old_pipe_);
    }
    ~SignalScope() {
        ::sigaction(SIGTERM, &old_term_, nullptr);
        ::sigaction(SIGINT, &old_int_, nullptr);
        ::sigaction(SIGPIPE, &old_pipe_, nullptr);
    }
    SignalScope(const SignalScope&) = delete;
    SignalScope& operator=(const SignalScope&) = delete;

private:
    struct sigaction old_term_{}, old_int_{}, old_pipe_{};
};

// PATH -> the slave while the simulator runs; removed at exit if still ours.
class LinkScope {
public:
    LinkScope(std::string path, const std::string& target) : path_(std::move(path)), target_(target) {
        if (path_.empty()) return;
        struct stat st{};
        if (::lstat(path_.c_str(), &st) == 0) {
            if (!S_ISLNK(st.st_mode)) util::fail_input("--link " + path_ + " exists and is not a symbolic link");
            ::unlink(path_.c_str());  // stale, from a simulator that did not stop cleanly
        }
        if (::symlink(target_.c_str(), path_.c_str()) != 0)
            util::fail_op("cannot make --link " + path_ + ": " + std::strerror(errno));
    }
    ~LinkScope() {
        if (path_.empty()) return;
        char buf[4096];
        ssize_t n = ::readlink(path_.c_str(), buf, sizeof buf);
        if (n > 0 && std::string(buf, static_cast<size_t>(n)) == target_) ::unlink(path_.c_str());
    }
    LinkScope(const LinkScope&) = delete;
    LinkScope& operator=(const LinkScope&) = delete;

private:
    std::string path_;
    std::string target_;
};

// How long `bytes` take on a UART at `baud` with 8N1 framing (10 bits a byte).
std::chrono::nanoseconds wire_time(size_t bytes, unsigned baud) {
    if (baud == 0) return 0ns;
    return std::chrono::nanoseconds(static_cast<uint64_t>(bytes) * 10'000'000'000ULL / baud);
}

// Writes `data` no faster than the UART would; false when the host stopped reading.
bool paced_write(device::LineChannel& ch, std::string_view data, unsigned baud) {
    if (baud == 0) return ch.write_all(data, device::Clock::now() + 5s);
    size_t piece = std::max<size_t>(1, baud / 10 / 200);  // about 5 ms of wire a piece
    auto start = device::Clock::now();
    for (size_t sent = 0; sent < data.size();) {
        size_t n = std::min(piece, data.size() - sent);
        if (!ch.write_all(data.substr(sent, n), device::Clock::now() + 5s)) return false;
        sent += n;
        std::this_thread::sleep_until(start + wire_time(sent, baud));
    }
    return true;
}

void set_cloexec(int fd) {
    int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}

}  // namespace

void run_device_simulate(const DeviceSimulateOptions& o, Context& ctx) {
    if (o.state.empty()) util::fail_input("--state FILE is required: the simulated board's flash");
    std::vector<device::FaultSpec> faults;
    for (const auto& f : o.faults) faults.push_back(device::parse_fault(f));
    if (o.baud != 0 && !device::supported_baud(o.baud))
        util::fail_input("--baud " + std::to_string(o.baud) + " is not a UART speed; try 115200 (or 0 for no pacing)");
    struct stat st{};
    if (!o.link.empty() && ::lstat(o.link.c_str(), &st) == 0 && !S_ISLNK(st.st_mode))
        util::fail_input("--link " + o.link + " exists and is not a symbolic link");
    device::SimConfig config;
    config.fw_version = o.fw_version;
    config.hw_rev = o.hw_rev;
    config.keygen_ms = o.keygen_ms;
    config.sign_ms = o.sign_ms;
    config.faults = std::move(faults);
    device::Simulator sim(o.state, std::move(config),
                          o.hw_uid.empty() ? std::nullopt : std::optional<std::string>(o.hw_uid));

    int master_fd = -1, slave_fd = -1;
    if (::openpty(&master_fd, &slave_fd, nullptr, nullptr, nullptr) != 0)
        util::fail_op(std::string("cannot open a pseudo-terminal: ") + std::strerror(errno));
    util::Fd master(master_fd);
    // Held open until the end, so the master never sees a hang-up when a
    // host closes the port and opens it again.
    util::Fd slave(slave_fd);
    set_cloexec(master.get());
    set_cloexec(slave.get());
    unsigned tty_baud = o.baud == 0 ? 115200 : o.baud;
    if (!device::make_raw(slave.get(), tty_baud, false) || !device::make_raw(master.get(), tty_baud, false))
        util::fail_op(std::string("cannot set the pseudo-terminal raw: ") + std::strerror(errno));
    char name[256];
    if (::ttyname_r(slave.get(), name, sizeof name) != 0)
        util::fail_op(std::string("cannot name the pseudo-terminal: ") + std::strerror(errno));
    const std::string port = name;

    SignalScope signals;
    LinkScope link(o.link, port);
    if (ctx.json) {
        nlohmann::json doc = {{"schema", "provctl.device.simulate/v1"},
                              {"port", port},
                              {"link", o.link.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.link)},
                              {"state", o.state},
                              {"hw_uid", sim.state().hw_uid},
                              {"se_serial", sim.state().se_serial}};
        *ctx.out << doc.dump() << '\n';
    } else {
        *ctx.out << port << '\n';
    }
    ctx.out->flush();
    ctx.info("simulating board " + sim.state().hw_uid + " on " + port + (o.link.empty() ? "" : " (" + o.link + ")") +
             "; SIGTERM or Ctrl-C stops it");

    device::LineChannel ch(master.get());
    paced_write(ch, sim.boot_banner("power-on") + "\n", o.baud);
    while (g_stop == 0) {
        auto r = ch.read_line(device::Clock::now() + 100ms);
        if (r.status == device::LineChannel::Status::timeout) continue;
        if (r.status == device::LineChannel::Status::too_long) {
            ctx.debug("dropped a frame over 16 KiB");
            continue;
        }
        if (r.status == device::LineChannel::Status::closed)
            util::fail_op("the pseudo-terminal " + port + " closed under the simulator");
        std::this_thread::sleep_for(wire_time(r.line.size() + 1, o.baud));
        ctx.debug("<- " + r.line);
        device::SimOutput out = sim.handle(r.line);
        for (const auto& l : out.lines) {
            ctx.debug("-> " + l);
            if (!paced_write(ch, l + "\n", o.baud)) ctx.debug("the host is not reading; output dropped");
        }
        if (out.reset) {
            ch.discard_input();
            ::tcflush(master.get(), TCIFLUSH);
        }
    }
    ctx.info("simulator stopped");
}

void register_device_simulate(CLI::App& group, Context& ctx) {
    auto o = std::make_shared<DeviceSimulateOptions>();
    auto* sub = group.add_subcommand("simulate", "Simulate a device with a secure element on a pseudo-terminal");
    sub->add_option("--state", o->state, "State file: the board's flash, keys included (created 0600 on first use)")
        ->type_name("FILE")
        ->required();
    sub->add_option("--link", o->link, "Also make this symbolic link to the port (a stale one is replaced)")
        ->type_name("PATH");
    sub->add_option("--hw-uid", o->hw_uid, "Hardware UID (hex) of a new state file (default: 8 random bytes)");
    sub->add_option("--fw-version", o->fw_version, "Firmware version hello reports")->capture_default_str();
    sub->add_option("--hw-rev", o->hw_rev, "Hardware revision hello reports")->capture_default_str();
    sub->add_option("--keygen-ms", o->keygen_ms, "Time gen_key and rotate take (ms)")->capture_default_str();
    sub->add_option("--sign-ms", o->sign_ms, "Time get_csr and sign_challenge take (ms)")->capture_default_str();
    sub->add_option("--baud", o->baud, "Pace the wire like a UART at this speed, 8N1 (0: no pacing)")->capture_default_str();
    sub->add_option("--fault", o->faults, "Fault switch NAME[@CMD][:COUNT]; repeat for more. NAME: " + device::fault_names())
        ->type_name("SPEC");
    sub->footer(help_footer(
        "  provctl device simulate --state board1.json --link /tmp/board1\n"
        "  provctl --json device simulate --state b.json --fault noise --fault reset@gen_key:1\n"
        "  provctl device simulate --state b.json --keygen-ms 800 --sign-ms 120 --baud 115200\n",
        "  0  stopped by SIGTERM or SIGINT\n"
        "  1  the pseudo-terminal or the state file failed\n"
        "  2  usage error: bad option, unknown fault, state file of another board\n"));
    sub->callback([o, &ctx] { run_device_simulate(*o, ctx); });
}

}  // namespace cmd
