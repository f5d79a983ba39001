#pragma once
// Which devices a batch is made of, in a fixed order, so that running the
// same command again means the same devices: a range of a device ID
// template, a list of IDs from a file (the MES export), or a folder of CSRs.
// Plans stream: a million devices never sit in memory at once.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "device/id_template.hpp"

namespace batch {

struct PlannedDevice {
    std::string device_id;
    std::string hardware_serial;  // "" when the plan does not say
    std::string csr_path;         // sign-csrs only
};

class Plan {
public:
    virtual ~Plan() = default;
    // The next device, or nullopt at the end.
    virtual std::optional<PlannedDevice> next() = 0;
    virtual uint64_t size() const = 0;
};

// IDs template.render(start) .. template.render(start + count - 1). Exit 2
// when the range does not fit the template's sequence field.
std::unique_ptr<Plan> template_plan(const device::IdTemplate& tmpl, uint64_t start, uint64_t count);

// A file with one device per line: `DEVICE_ID` or `DEVICE_ID,HARDWARE_SERIAL`;
// blank lines and lines starting with '#' are skipped, and a first line
// `device_id,...` is a header. The whole file is checked before the plan is
// returned: every malformed or duplicated ID and duplicated hardware serial is
// reported (exit 2, one line each, naming the file and line, at most 20).
// `tmpl` (optional) is checked too, check character included.
std::unique_ptr<Plan> file_plan(const std::string& path, const device::IdTemplate* tmpl);

}  // namespace batch

namespace batch {

// A plan already in memory (sign-csrs, whose CSRs are checked up front).
std::unique_ptr<Plan> list_plan(std::vector<PlannedDevice> devices);

}  // namespace batch
