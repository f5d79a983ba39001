// open_registry: picks the engine from the URL's scheme.
#include "registry/engines.hpp"

namespace registry {

std::unique_ptr<Registry> open_registry(const std::string& url, const util::Clock& clock) {
    std::string display = redact_url(url);
    if (url.rfind("sqlite:", 0) == 0) {
        std::string path = url.substr(7);
        if (path.empty()) util::fail_input("registry URL " + display + " names no file (sqlite:PATH)");
        return open_sqlite(path, display, clock);
    }
    if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) return open_postgres(url, display, clock);
    util::fail_input("registry URL " + display + " is neither sqlite:PATH nor postgresql://...");
}

}  // namespace registry
