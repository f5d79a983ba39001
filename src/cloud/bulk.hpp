#pragma once
// Runs cloud work items on up to `jobs` threads. One item's failure never
// stops the others: an exception becomes that item's failed results.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "cloud/targets.hpp"

namespace cloud {

struct BulkProgress {
    size_t done = 0;   // devices settled
    size_t total = 0;
    double seconds = 0;
};

struct BulkWork {
    size_t items = 0;
    size_t devices = 0;  // for the progress figures
    // The results of item i (one device, or a chunk of devices).
    std::function<std::vector<DeviceResult>(size_t)> run;
    // What item i reports when run threw: every device in it, failed with `why`.
    std::function<std::vector<DeviceResult>(size_t, const std::string& why)> failed;
};

// Work of one device per item.
BulkWork per_device(size_t devices, std::function<DeviceResult(size_t)> run,
                    std::function<DeviceResult(size_t, const std::string& why)> failed);

// Results in item order. `progress` (may be empty) is called from worker
// threads, one call at a time.
std::vector<DeviceResult> run_bulk(const BulkWork& work, unsigned jobs,
                                   const std::function<void(const BulkProgress&)>& progress);

}  // namespace cloud
