#pragma once
// HTTPS for the cloud APIs through libcurl, behind a seam (HttpTransport) so
// callers can be driven by a local test server. AWS requests are signed by
// libcurl itself (CURLOPT_AWS_SIGV4); Azure requests carry the SAS header the
// caller made. Credentials never reach an error message.
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace cloud {

struct HttpRequest {
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct HttpResponse {
    long status = 0;                            // 0: no answer (see error)
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;
    std::string error;                          // why there was no answer; never a credential
};

// What libcurl needs to sign a request with AWS Signature Version 4.
struct SigV4 {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;  // sent as x-amz-security-token when set
    std::string region;
    std::string service = "iot";
    SigV4() = default;
    SigV4(const SigV4&) = delete;
    SigV4& operator=(const SigV4&) = delete;
    ~SigV4();  // wipes the secret key and session token
};

class HttpTransport {
public:
    virtual ~HttpTransport() = default;
    // `sigv4` null: no signing (Azure: the request carries its Authorization header).
    virtual HttpResponse send(const HttpRequest& request, const SigV4* sigv4) = 0;
};

class CurlTransport : public HttpTransport {
public:
    explicit CurlTransport(long timeout_ms = 30'000);
    HttpResponse send(const HttpRequest& request, const SigV4* sigv4) override;

private:
    long timeout_ms_;
};

// https:// anywhere; http:// only to a loopback address (tests, local
// emulators). Exit 2 naming `option` otherwise.
void check_endpoint(const std::string& url, const std::string& option);

}  // namespace cloud
