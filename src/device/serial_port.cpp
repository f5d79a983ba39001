#include "device/serial_port.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "util/error.hpp"

namespace device {

namespace {

constexpr std::array<std::pair<unsigned, speed_t>, 20> kSpeeds = {{
    {9600, B9600},       {19200, B19200},     {38400, B38400},     {57600, B57600},     {115200, B115200},
    {230400, B230400},   {460800, B460800},   {500000, B500000},   {576000, B576000},   {921600, B921600},
    {1000000, B1000000}, {1152000, B1152000}, {1500000, B1500000}, {2000000, B2000000}, {2500000, B2500000},
    {3000000, B3000000}, {3500000, B3500000}, {4000000, B4000000}, {4800, B4800},       {2400, B2400},
}};

bool speed_of(unsigned baud, speed_t& out) {
    for (const auto& [b, s] : kSpeeds)
        if (b == baud) {
            out = s;
            return true;
        }
    return false;
}

}  // namespace

bool supported_baud(unsigned baud) {
    speed_t s;
    return speed_of(baud, s);
}

bool make_raw(int fd, unsigned baud, bool rtscts) {
    termios t{};
    if (::tcgetattr(fd, &t) != 0) return false;
    ::cfmakeraw(&t);
    t.c_cflag |= CLOCAL | CREAD;
    t.c_cflag &= ~static_cast<tcflag_t>(CSTOPB | PARENB);
    if (rtscts)
        t.c_cflag |= CRTSCTS;
    else
        t.c_cflag &= ~static_cast<tcflag_t>(CRTSCTS);
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    speed_t s;
    if (!speed_of(baud, s)) return false;
    ::cfsetispeed(&t, s);
    ::cfsetospeed(&t, s);
    return ::tcsetattr(fd, TCSANOW, &t) == 0;
}

util::Fd open_serial(const std::string& path, const SerialSettings& settings) {
    if (!supported_baud(settings.baud))
        util::fail_input("--baud " + std::to_string(settings.baud) + " is not a speed this port can use; try 115200");
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0)
        util::fail_input("serial port " + path + " does not exist; check the cable and the --port path");
    if (!S_ISCHR(st.st_mode)) util::fail_input("serial port " + path + " is not a character device");
    util::Fd fd(::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
    if (!fd)
        util::fail_op("cannot open serial port " + path + ": " + std::strerror(errno) +
                      (errno == EACCES ? " (is the user in the dialout group?)" : ""));
    if (!::isatty(fd.get())) util::fail_input("serial port " + path + " is not a terminal device");
    if (!make_raw(fd.get(), settings.baud, settings.rtscts))
        util::fail_op("cannot configure serial port " + path + ": " + std::strerror(errno));
    ::tcflush(fd.get(), TCIOFLUSH);
    return fd;
}

}  // namespace device
