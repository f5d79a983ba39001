#include "cloud/caller.hpp"

#include <chrono>
#include <ctime>
#include <thread>

#include "util/text.hpp"

namespace cloud {

namespace {

// Names of headers that carry credentials: never recorded.
bool secret_header(const std::string& name) {
    std::string lower;
    for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return lower == "authorization" || lower == "x-amz-security-token";
}

std::string strip_type(std::string type) {
    // "ThrottlingException:http://internal.amazon.com/..." and "com.amazonaws.iot#ThrottlingException".
    if (auto colon = type.find(':'); colon != std::string::npos) type = type.substr(0, colon);
    if (auto hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
    return type;
}

}  // namespace

RateLimits::RateLimits(const std::map<std::string, double>& defaults, double fallback, std::optional<double> every_api)
    : rates_(defaults), fallback_(fallback), every_api_(every_api) {}

double RateLimits::rate(const std::string& api) const {
    if (every_api_) return *every_api_;
    auto it = rates_.find(api);
    return it == rates_.end() ? fallback_ : it->second;
}

TokenBucket& RateLimits::bucket(const std::string& api) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& b = buckets_[api];
    // A burst of one: the provider counts requests per second on its side,
    // and a saved-up burst is what would push one second over the limit.
    if (!b) b = std::make_unique<TokenBucket>(rate(api), 1.0);
    return *b;
}

void DryRunLog::add(const std::string& api, const HttpRequest& request) {
    nlohmann::json headers = nlohmann::json::object();
    for (const auto& [name, value] : request.headers)
        if (!secret_header(name)) headers[name] = value;
    nlohmann::json body = nullptr;
    if (!request.body.empty()) {
        body = nlohmann::json::parse(request.body, nullptr, false);
        if (body.is_discarded()) body = request.body;
    }
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back({{"api", api}, {"method", request.method}, {"url", request.url}, {"headers", headers},
                         {"body", body}});
}

nlohmann::json DryRunLog::requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
}

std::string Outcome::describe() const {
    std::string out = status == 0 ? std::string("no answer") : "HTTP " + std::to_string(status);
    if (!error_type.empty()) out += " " + error_type;
    if (!message.empty()) out += ": " + message;
    return out;
}

std::string Outcome::field(const std::string& name) const {
    if (!body.is_object()) return "";
    auto it = body.find(name);
    return it != body.end() && it->is_string() ? it->get<std::string>() : "";
}

nlohmann::json Outcome::object(const std::string& name) const {
    if (!body.is_object()) return nlohmann::json::object();
    auto it = body.find(name);
    return it != body.end() && it->is_object() ? *it : nlohmann::json::object();
}

void read_error(const HttpResponse& res, Outcome& o) {
    if (auto it = res.headers.find("x-amzn-errortype"); it != res.headers.end()) o.error_type = strip_type(it->second);
    if (o.body.is_object()) {
        for (const char* key : {"__type", "code"})
            if (o.error_type.empty() && o.body.contains(key) && o.body[key].is_string())
                o.error_type = strip_type(o.body[key].get<std::string>());
        if (o.error_type.empty() && o.body.contains("errorCode") && o.body["errorCode"].is_number_integer())
            o.error_type = std::to_string(o.body["errorCode"].get<int64_t>());
        for (const char* key : {"message", "Message", "errorMessage"})
            if (o.message.empty() && o.body.contains(key) && o.body[key].is_string())
                o.message = o.body[key].get<std::string>();
    }
    if (o.message.empty() && !res.body.empty() && !o.body.is_object()) {
        // Not JSON (a proxy's page, say): the start of it, printable.
        o.message = util::printable(res.body.substr(0, 300));
    }
}

Caller::Caller(HttpTransport& transport, RateLimits& limits, Config config)
    : transport_(transport), limits_(limits), config_(std::move(config)), rng_(std::random_device{}()) {}

double Caller::random01() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
}

CallStats Caller::stats() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stats_;
}

Outcome Caller::call(const std::string& api, HttpRequest request) {
    Outcome o;
    if (config_.dry_run != nullptr) {
        config_.dry_run->add(api, request);
        o.status = 200;
        o.body = nlohmann::json::object();
        o.tries = 1;
        return o;
    }
    TokenBucket& bucket = limits_.bucket(api);
    for (int attempt = 1;; ++attempt) {
        bucket.acquire();
        HttpRequest sent = request;
        if (config_.authorization) sent.headers.emplace_back("Authorization", config_.authorization());
        HttpResponse res = transport_.send(sent, config_.sigv4);
        o = Outcome{};
        o.status = res.status;
        o.headers = res.headers;
        o.tries = attempt;
        if (!res.body.empty()) {
            o.body = nlohmann::json::parse(res.body, nullptr, false);
            if (o.body.is_discarded()) o.body = nullptr;
        }
        if (res.status == 0) {
            o.message = res.error;
        } else if (!o.ok()) {
            read_error(res, o);
        }
        Answer answer{res.status, o.error_type, res.headers.count("retry-after") ? res.headers.at("retry-after") : ""};
        Verdict v = classify(answer);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++stats_.requests;
            if (res.status == 429 || (v == Verdict::retry && res.status >= 400 && res.status < 500)) ++stats_.throttled;
        }
        if (v != Verdict::retry || attempt >= config_.backoff.max_tries) {
            if (v == Verdict::retry) o.message += (o.message.empty() ? "" : "; ") + std::string("gave up after ") +
                                                  std::to_string(attempt) + " tries";
            return o;
        }
        auto server = retry_after(answer.retry_after, static_cast<int64_t>(std::time(nullptr)));
        auto wait = next_wait(config_.backoff, attempt, server, random01());
        // A server that asked for a pause gets it from every worker, not just this one.
        if (server) bucket.pause_until(TokenBucket::Clock::now() + wait);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            ++stats_.retries;
        }
        std::this_thread::sleep_for(wait);
    }
}

}  // namespace cloud
