#pragma once
// The one place cloud requests go out: each waits for its API's token
// bucket, is retried by the rules in retry.hpp, and under --dry-run is
// recorded instead of sent. What comes back is the final answer with the
// provider's error type and message pulled out, as the provider wrote them.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "cloud/http.hpp"
#include "cloud/rate_limiter.hpp"
#include "cloud/retry.hpp"

namespace cloud {

// A token bucket per API. Rates default to a table kept below the providers'
// published per-API limits; --rate puts one rate on every API.
class RateLimits {
public:
    RateLimits(const std::map<std::string, double>& defaults, double fallback, std::optional<double> every_api);
    TokenBucket& bucket(const std::string& api);
    double rate(const std::string& api) const;

private:
    std::map<std::string, double> rates_;
    double fallback_;
    std::optional<double> every_api_;
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<TokenBucket>> buckets_;
};

// The requests a --dry-run would have sent, without credentials.
class DryRunLog {
public:
    void add(const std::string& api, const HttpRequest& request);
    nlohmann::json requests() const;

private:
    mutable std::mutex mutex_;
    nlohmann::json requests_ = nlohmann::json::array();
};

struct Outcome {
    long status = 0;             // 0: no answer after every try (see message)
    nlohmann::json body;         // the parsed body; null when empty or not JSON
    std::map<std::string, std::string> headers;
    std::string error_type;      // AWS exception name without namespace; Azure errorCode as text
    std::string message;         // the provider's message, or why there was no answer
    int tries = 0;
    bool ok() const { return status >= 200 && status < 300; }
    // "HTTP 400 InvalidRequestException: <message>", for reports.
    std::string describe() const;
    // A string field of the body, or "".
    std::string field(const std::string& name) const;
    // An object field of the body, or an empty object: answers of another shape read as empty.
    nlohmann::json object(const std::string& name) const;
};

// Counts kept across every call, for the run's summary.
struct CallStats {
    int64_t requests = 0;   // sent, retries included
    int64_t retries = 0;
    int64_t throttled = 0;  // answers that said slow down
};

class Caller {
public:
    struct Config {
        Backoff backoff;
        const SigV4* sigv4 = nullptr;                    // AWS: libcurl signs
        std::function<std::string()> authorization;      // Azure: the SAS header value, made per request
        DryRunLog* dry_run = nullptr;                    // set: record, never send
    };

    Caller(HttpTransport& transport, RateLimits& limits, Config config);

    Outcome call(const std::string& api, HttpRequest request);
    CallStats stats() const;
    bool dry_run() const { return config_.dry_run != nullptr; }

private:
    double random01();

    HttpTransport& transport_;
    RateLimits& limits_;
    Config config_;
    mutable std::mutex mutex_;
    std::mt19937_64 rng_;
    CallStats stats_;
};

// The provider's error type and message from an answer (AWS REST-JSON:
// x-amzn-ErrorType or __type, and message; Azure: errorCode and message).
void read_error(const HttpResponse& response, Outcome& outcome);

}  // namespace cloud
