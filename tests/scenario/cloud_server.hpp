#pragma once
// tests/support/cloud_server.py as a child process: a local AWS IoT and
// Azure DPS that checks every SigV4 signature with botocore's signer and
// every SAS independently, logs each request and counts them per second.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cloud/http.hpp"
#include "support/test_support.hpp"

extern char** environ;

namespace scenario {

// What the server accepts; the tests hand the same values to provctl.
struct CloudCredentials {
    std::string access_key_id = "AKIDPROVCTLTEST";
    std::string secret_access_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPROVCTLKEY";
    std::string session_token = "FwoGZXIvYXdzEPROVCTLSESSIONTOKEN0123456789";
    std::string region = "eu-west-1";
    std::string dps_host = "test-dps.azure-devices-provisioning.net";
    std::string dps_policy = "provisioningserviceowner";
    std::string dps_key = "cHJvdmN0bC10ZXN0LWRwcy1rZXktMDEyMzQ1Njc4OWFiY2Q=";

    std::map<std::string, std::string> aws_env() const {
        return {{"AWS_ACCESS_KEY_ID", access_key_id},
                {"AWS_SECRET_ACCESS_KEY", secret_access_key},
                {"AWS_SESSION_TOKEN", session_token},
                {"AWS_REGION", region}};
    }
    std::string connection_string() const {
        return "HostName=" + dps_host + ";SharedAccessKeyName=" + dps_policy + ";SharedAccessKey=" + dps_key;
    }
    std::map<std::string, std::string> azure_env() const { return {{"AZURE_DPS_CONNECTION_STRING", connection_string()}}; }
};

class CloudServer {
public:
    // `extra` is merged into the config (faults, existing, policies, delay_ms...).
    CloudServer(const std::string& dir, const CloudCredentials& c, const nlohmann::json& extra = nlohmann::json::object())
        : dir_(dir) {
        nlohmann::json config = {
            {"aws",
             {{"access_key_id", c.access_key_id},
              {"secret_access_key", c.secret_access_key},
              {"session_token", c.session_token},
              {"region", c.region},
              {"account", "123456789012"}}},
            {"azure", {{"host", c.dps_host}, {"policy", c.dps_policy}, {"key", c.dps_key}}},
            {"policies", {"DevicePolicy"}},
            {"thing_groups", {"line-1"}},
        };
        config.update(extra);
        testing_support::spit(dir + "/server.json", config.dump());
        std::vector<std::string> argv = {"/usr/bin/python3", testing_support::source_dir() + "/tests/support/cloud_server.py",
                                         "--config", dir + "/server.json", "--port-file", dir + "/server.port", "--log",
                                         log_path()};
        std::vector<char*> cargv;
        for (auto& a : argv) cargv.push_back(a.data());
        cargv.push_back(nullptr);
        EXPECT_EQ(posix_spawn(&pid_, argv[0].c_str(), nullptr, nullptr, cargv.data(), environ), 0);
        for (int i = 0; i < 300 && port_.empty(); ++i) {
            if (testing_support::exists(dir + "/server.port")) {
                std::string p = testing_support::slurp(dir + "/server.port");
                while (!p.empty() && (p.back() == '\n' || p.back() == '\r')) p.pop_back();
                port_ = p;
            }
            if (port_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        // Nothing after this can mean anything without the server: stop the test here.
        if (port_.empty()) throw std::runtime_error("the cloud test server did not start (is python3-botocore installed?)");
    }
    ~CloudServer() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    CloudServer(const CloudServer&) = delete;
    CloudServer& operator=(const CloudServer&) = delete;

    std::string url() const { return "http://127.0.0.1:" + port_; }
    std::string log_path() const { return dir_ + "/server.log"; }

    nlohmann::json get(const std::string& path) const {
        cloud::CurlTransport t;
        cloud::HttpRequest req;
        req.url = url() + path;
        auto res = t.send(req, nullptr);
        EXPECT_EQ(res.status, 200) << path << ": " << res.error;
        return nlohmann::json::parse(res.body, nullptr, false);
    }
    nlohmann::json state() const { return get("/__state"); }
    nlohmann::json stats() const { return get("/__stats"); }

    // Every logged request, oldest first.
    std::vector<nlohmann::json> log() const {
        std::vector<nlohmann::json> out;
        if (!testing_support::exists(log_path())) return out;
        std::istringstream in(testing_support::slurp(log_path()));
        for (std::string line; std::getline(in, line);)
            if (!line.empty()) out.push_back(nlohmann::json::parse(line));
        return out;
    }
    std::vector<nlohmann::json> log_of(const std::string& api) const {
        std::vector<nlohmann::json> out;
        for (auto& e : log())
            if (e["api"].is_string() && e["api"] == api) out.push_back(e);
        return out;
    }

private:
    std::string dir_;
    pid_t pid_ = -1;
    std::string port_;
};

}  // namespace scenario
