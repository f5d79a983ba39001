// The caller against a scripted transport: what is retried and what is not,
// Retry-After, the provider's message, the dry-run log without credentials.
#include <chrono>
#include <deque>
#include <mutex>

#include <gtest/gtest.h>

#include "cloud/caller.hpp"

namespace {

class ScriptedTransport : public cloud::HttpTransport {
public:
    std::deque<cloud::HttpResponse> answers;
    std::vector<cloud::HttpRequest> seen;
    std::vector<std::chrono::steady_clock::time_point> at;
    cloud::HttpResponse send(const cloud::HttpRequest& req, const cloud::SigV4*) override {
        std::lock_guard<std::mutex> lock(mu);
        seen.push_back(req);
        at.push_back(std::chrono::steady_clock::now());
        if (answers.empty()) return {200, {}, "{}", ""};
        auto a = answers.front();
        answers.pop_front();
        return a;
    }
    std::mutex mu;
};

cloud::HttpResponse answer(long status, const std::string& body, std::map<std::string, std::string> headers = {}) {
    return {status, std::move(headers), body, ""};
}

struct Rig {
    ScriptedTransport transport;
    cloud::RateLimits limits{{}, 1000, std::nullopt};
    cloud::Caller::Config config() {
        cloud::Caller::Config c;
        c.backoff.base = std::chrono::milliseconds(1);
        c.backoff.cap = std::chrono::milliseconds(5);
        c.backoff.max_tries = 4;
        return c;
    }
};

cloud::HttpRequest post() {
    cloud::HttpRequest r;
    r.method = "POST";
    r.url = "https://iot.eu-west-1.amazonaws.com/things/SN-1";
    r.body = R"({"a":1})";
    r.headers = {{"Content-Type", "application/json"}};
    return r;
}

}  // namespace

TEST(Caller, ThrottlingAnd5xxAreRetriedThenDone) {
    Rig rig;
    rig.transport.answers = {answer(429, R"({"message":"Rate exceeded"})"),
                             answer(400, R"({"message":"slow down"})", {{"x-amzn-errortype", "ThrottlingException:http://internal.amazon.com/"}}),
                             answer(503, ""), answer(200, R"({"thingArn":"arn:x"})")};
    cloud::Caller caller(rig.transport, rig.limits, rig.config());
    auto o = caller.call("CreateThing", post());
    EXPECT_TRUE(o.ok());
    EXPECT_EQ(o.tries, 4);
    EXPECT_EQ(o.field("thingArn"), "arn:x");
    EXPECT_EQ(caller.stats().requests, 4);
    EXPECT_EQ(caller.stats().retries, 3);
    EXPECT_EQ(caller.stats().throttled, 2);
}

TEST(Caller, ValidationErrorIsNotRetriedAndKeepsTheProvidersMessage) {
    Rig rig;
    rig.transport.answers = {answer(400, R"({"message":"Thing name SN 1 is not valid"})",
                                    {{"x-amzn-errortype", "InvalidRequestException:http://internal.amazon.com/"}})};
    cloud::Caller caller(rig.transport, rig.limits, rig.config());
    auto o = caller.call("CreateThing", post());
    EXPECT_FALSE(o.ok());
    EXPECT_EQ(rig.transport.seen.size(), 1u);
    EXPECT_EQ(o.error_type, "InvalidRequestException");
    EXPECT_EQ(o.message, "Thing name SN 1 is not valid");
    EXPECT_EQ(o.describe(), "HTTP 400 InvalidRequestException: Thing name SN 1 is not valid");
}

TEST(Caller, AzureErrorBodiesAreRead) {
    Rig rig;
    rig.transport.answers = {answer(409, R"({"errorCode":409201,"message":"Enrollment already exists"})")};
    cloud::Caller caller(rig.transport, rig.limits, rig.config());
    auto o = caller.call("CreateOrUpdateIndividualEnrollment", post());
    EXPECT_EQ(o.error_type, "409201");
    EXPECT_EQ(o.message, "Enrollment already exists");
}

TEST(Caller, GivesUpAfterMaxTriesSayingSo) {
    Rig rig;
    for (int i = 0; i < 10; ++i) rig.transport.answers.push_back(answer(0, ""));
    rig.transport.answers[0].error = "Connection refused";
    cloud::Caller caller(rig.transport, rig.limits, rig.config());
    auto o = caller.call("CreateThing", post());
    EXPECT_EQ(o.status, 0);
    EXPECT_EQ(rig.transport.seen.size(), 4u);
    EXPECT_NE(o.message.find("gave up after 4 tries"), std::string::npos) << o.message;
}

TEST(Caller, RetryAfterIsHonoured) {
    Rig rig;
    rig.transport.answers = {answer(429, "", {{"retry-after", "1"}}), answer(200, "{}")};
    cloud::Caller caller(rig.transport, rig.limits, rig.config());
    auto o = caller.call("CreateThing", post());
    ASSERT_TRUE(o.ok());
    ASSERT_EQ(rig.transport.at.size(), 2u);
    EXPECT_GE(rig.transport.at[1] - rig.transport.at[0], std::chrono::milliseconds(990));
}

TEST(Caller, AuthorizationIsMadePerRequestAndNeverInTheDryRunLog) {
    Rig rig;
    int made = 0;
    auto config = rig.config();
    config.authorization = [&made] { return "SharedAccessSignature sig=" + std::to_string(++made); };
    cloud::Caller live(rig.transport, rig.limits, config);
    live.call("A", post());
    live.call("A", post());
    ASSERT_EQ(rig.transport.seen.size(), 2u);
    EXPECT_EQ(rig.transport.seen[1].headers.back().second, "SharedAccessSignature sig=2");

    cloud::DryRunLog log;
    auto dry_config = rig.config();
    dry_config.dry_run = &log;
    cloud::Caller dry(rig.transport, rig.limits, dry_config);
    auto req = post();
    req.headers.emplace_back("Authorization", "SharedAccessSignature sig=secret");
    req.headers.emplace_back("x-amz-security-token", "token-secret");
    req.headers.emplace_back("x-amzn-principal", "arn:aws:iot:eu-west-1:1:cert/ab");
    auto o = dry.call("CreateThing", req);
    EXPECT_TRUE(o.ok());
    EXPECT_EQ(rig.transport.seen.size(), 2u) << "a dry run sent a request";
    auto logged = log.requests();
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_EQ(logged[0]["method"], "POST");
    EXPECT_EQ(logged[0]["body"]["a"], 1);
    EXPECT_EQ(logged[0]["headers"]["x-amzn-principal"], "arn:aws:iot:eu-west-1:1:cert/ab");
    std::string text = logged.dump();
    EXPECT_EQ(text.find("secret"), std::string::npos) << text;
    EXPECT_EQ(text.find("Authorization"), std::string::npos) << text;
}

TEST(Caller, RateIsPerApiWithEveryApiOverride) {
    cloud::RateLimits defaults({{"CreateThing", 80}}, 8, std::nullopt);
    EXPECT_EQ(defaults.rate("CreateThing"), 80);
    EXPECT_EQ(defaults.rate("Other"), 8);
    cloud::RateLimits every({{"CreateThing", 80}}, 8, 2.5);
    EXPECT_EQ(every.rate("CreateThing"), 2.5);
    EXPECT_EQ(&every.bucket("A"), &every.bucket("A"));
    EXPECT_NE(&every.bucket("A"), &every.bucket("B"));
}
