// Which endpoints are accepted: https anywhere, plain http only to loopback
// addresses (so a SAS or SigV4 request never crosses a network in clear).
#include <gtest/gtest.h>

#include "cloud/http.hpp"
#include "util/error.hpp"

TEST(CheckEndpoint, HttpsAnywhereHttpOnlyToLoopback) {
    for (const char* ok : {"https://iot.eu-west-1.amazonaws.com", "https://example.com:8443/x", "http://127.0.0.1:8080",
                           "http://127.1.2.3", "http://localhost:9", "http://[::1]:8080"})
        EXPECT_NO_THROW(cloud::check_endpoint(ok, "--endpoint-url")) << ok;
    for (const char* bad : {"http://iot.example.com", "http://127.example.com", "http://127.0.0.1.nip.io", "http://10.0.0.1",
                            "ftp://127.0.0.1", "iot.eu-west-1.amazonaws.com", "http://[::2]:80"}) {
        try {
            cloud::check_endpoint(bad, "--endpoint-url");
            ADD_FAILURE() << bad << " was accepted";
        } catch (const util::Error& e) {
            EXPECT_EQ(e.code(), util::ExitCode::usage);
            EXPECT_NE(std::string(e.what()).find("--endpoint-url"), std::string::npos) << e.what();
        }
    }
}
