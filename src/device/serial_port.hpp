#pragma once
// Opening a serial port the way the device protocol needs it: raw 8N1 at a
// chosen speed, optional RTS/CTS, no modem control, no echo. Works the same
// on a USB serial adapter and on a pseudo-terminal's slave side.
#include <string>

#include "util/fd.hpp"

namespace device {

struct SerialSettings {
    unsigned baud = 115200;
    bool rtscts = false;
};

// True for the speeds termios can set (9600 ... 4000000).
bool supported_baud(unsigned baud);

// Exit 2 naming the port when it does not exist, is not a terminal or the
// speed is not supported; exit 1 when it cannot be opened or configured.
util::Fd open_serial(const std::string& path, const SerialSettings& settings);

// Raw mode (no echo, no line editing, 8N1) on an open terminal: what
// open_serial applies, and what a simulator applies to its own side.
bool make_raw(int fd, unsigned baud, bool rtscts);

}  // namespace device
