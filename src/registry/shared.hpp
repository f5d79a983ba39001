#pragma once
// One registry connection shared by many worker threads, one call at a time.
#include <mutex>

#include "registry/registry.hpp"

namespace registry {

class SharedRegistry {
public:
    explicit SharedRegistry(Registry& r) : registry_(r) {}
    template <typename F>
    auto with(F&& f) {
        std::lock_guard<std::mutex> lock(mutex_);
        return f(registry_);
    }

private:
    Registry& registry_;
    std::mutex mutex_;
};

}  // namespace registry
