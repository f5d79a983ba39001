// Registry URLs: choosing one, and hiding the password when showing one.
#include <cstdlib>

#include "registry/registry.hpp"

namespace registry {

std::string redact_url(const std::string& url) {
    std::string out = url;
    // user:PASSWORD@host in the authority part.
    if (auto scheme = out.find("://"); scheme != std::string::npos) {
        size_t start = scheme + 3;
        size_t end = out.find_first_of("/?", start);
        if (end == std::string::npos) end = out.size();
        size_t at = out.rfind('@', end == 0 ? 0 : end - 1);
        if (at != std::string::npos && at >= start) {
            size_t colon = out.find(':', start);
            if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
        }
    }
    // password=... in the query or a key=value connection string.
    for (size_t pos = 0; (pos = out.find("password=", pos)) != std::string::npos;) {
        bool starts_key = pos == 0 || out[pos - 1] == '?' || out[pos - 1] == '&' || out[pos - 1] == ' ';
        pos += 9;
        if (!starts_key) continue;
        size_t end = out.find_first_of("& ", pos);
        if (end == std::string::npos) end = out.size();
        out.replace(pos, end - pos, "***");
    }
    return out;
}

std::string default_url(const std::string& option) {
    if (!option.empty()) return option;
    if (const char* env = std::getenv("PROVCTL_REGISTRY"); env != nullptr && *env != '\0') return env;
    return "sqlite:provctl.db";
}

}  // namespace registry
