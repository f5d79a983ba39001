#pragma once
// The engine constructors behind open_registry().
#include <memory>
#include <string>

#include "registry/registry.hpp"

namespace registry {

std::unique_ptr<Registry> open_sqlite(const std::string& path, const std::string& display, const util::Clock& clock);
std::unique_ptr<Registry> open_postgres(const std::string& url, const std::string& display, const util::Clock& clock);

}  // namespace registry
