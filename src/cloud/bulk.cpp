#include "cloud/bulk.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

namespace cloud {

BulkWork per_device(size_t devices, std::function<DeviceResult(size_t)> run,
                    std::function<DeviceResult(size_t, const std::string& why)> failed) {
    BulkWork w;
    w.items = w.devices = devices;
    w.run = [run = std::move(run)](size_t i) { return std::vector<DeviceResult>{run(i)}; };
    w.failed = [failed = std::move(failed)](size_t i, const std::string& why) { return std::vector<DeviceResult>{failed(i, why)}; };
    return w;
}

std::vector<DeviceResult> run_bulk(const BulkWork& work, unsigned jobs,
                                   const std::function<void(const BulkProgress&)>& progress) {
    std::vector<std::vector<DeviceResult>> slots(work.items);
    std::atomic<size_t> next{0};
    std::mutex mu;
    BulkProgress p;
    p.total = work.devices;
    auto start = std::chrono::steady_clock::now();
    auto worker = [&] {
        for (size_t i = next++; i < work.items; i = next++) {
            std::vector<DeviceResult> r;
            try {
                r = work.run(i);
            } catch (const std::exception& e) {
                r = work.failed(i, e.what());
            }
            std::lock_guard<std::mutex> lock(mu);
            p.done += r.size();
            p.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            slots[i] = std::move(r);
            if (progress) progress(p);
        }
    };
    unsigned n = std::max(1u, std::min<unsigned>(jobs, static_cast<unsigned>(std::max<size_t>(1, work.items))));
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < n; ++t) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    std::vector<DeviceResult> out;
    for (auto& s : slots)
        for (auto& r : s) out.push_back(std::move(r));
    return out;
}

}  // namespace cloud
