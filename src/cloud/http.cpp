#include "cloud/http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>

#include "util/error.hpp"
#include "util/ossl.hpp"

namespace cloud {

namespace {

using Curl = std::unique_ptr<CURL, util::Free<curl_easy_cleanup>>;
using Slist = std::unique_ptr<curl_slist, util::Free<curl_slist_free_all>>;

// curl_global_init is not thread-safe; once per process, before any handle.
void global_init() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t on_body(char* data, size_t size, size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    std::string line(data, size * n);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        std::string value = line.substr(colon + 1);
        auto b = value.find_first_not_of(" \t");
        auto e = value.find_last_not_of(" \t\r\n");
        (*static_cast<std::map<std::string, std::string>*>(user))[name] =
            b == std::string::npos ? "" : value.substr(b, e - b + 1);
    }
    return size * n;
}

}  // namespace

SigV4::~SigV4() {
    OPENSSL_cleanse(secret_access_key.data(), secret_access_key.size());
    OPENSSL_cleanse(session_token.data(), session_token.size());
}

CurlTransport::CurlTransport(long timeout_ms) : timeout_ms_(timeout_ms) { global_init(); }

HttpResponse CurlTransport::send(const HttpRequest& req, const SigV4* sigv4) {
    HttpResponse res;
    Curl curl(curl_easy_init());
    if (!curl) util::fail_op("cannot start an HTTP client");
    CURL* c = curl.get();
    Slist headers;
    for (const auto& [name, value] : req.headers) {
        std::string h = name + ": " + value;
        curl_slist* next = curl_slist_append(headers.get(), h.c_str());
        if (next == nullptr) util::fail_op("out of memory building request headers");
        (void)headers.release();
        headers.reset(next);
    }
    std::string sigv4_param, userpwd, token_header;
    if (sigv4 != nullptr) {
        sigv4_param = "aws:amz:" + sigv4->region + ":" + sigv4->service;
        userpwd = sigv4->access_key_id + ":" + sigv4->secret_access_key;
        curl_easy_setopt(c, CURLOPT_AWS_SIGV4, sigv4_param.c_str());
        curl_easy_setopt(c, CURLOPT_USERPWD, userpwd.c_str());
        if (!sigv4->session_token.empty()) {
            token_header = "x-amz-security-token: " + sigv4->session_token;
            curl_slist* next = curl_slist_append(headers.get(), token_header.c_str());
            if (next == nullptr) util::fail_op("out of memory building request headers");
            (void)headers.release();
            headers.reset(next);
        }
    }
    curl_easy_setopt(c, CURLOPT_URL, req.url.c_str());
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    if (!req.body.empty() || req.method == "POST" || req.method == "PUT" || req.method == "PATCH") {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &res.body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &res.headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms_);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
    char errbuf[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    CURLcode rc = curl_easy_perform(c);
    // The credentials lived in these strings; they go now.
    OPENSSL_cleanse(userpwd.data(), userpwd.size());
    OPENSSL_cleanse(token_header.data(), token_header.size());
    if (rc != CURLE_OK) {
        res.status = 0;
        res.error = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
        return res;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res.status);
    return res;
}

void check_endpoint(const std::string& url, const std::string& option) {
    if (url.rfind("https://", 0) == 0) return;
    if (url.rfind("http://", 0) != 0)
        util::fail_input(option + " '" + url + "': expected https://HOST[:PORT] (or http:// to a loopback address)");
    std::string rest = url.substr(7);
    std::string host;
    if (!rest.empty() && rest[0] == '[') {
        host = rest.substr(1, rest.find(']') == std::string::npos ? 0 : rest.find(']') - 1);
    } else {
        host = rest.substr(0, rest.find_first_of(":/"));
    }
    // 127.0.0.0/8 as an address, not a name that starts with "127.".
    bool numeric = !host.empty() && host.find_first_not_of("0123456789.") == std::string::npos &&
                   std::count(host.begin(), host.end(), '.') == 3;
    bool loopback = host == "localhost" || host == "::1" || (numeric && host.rfind("127.", 0) == 0);
    if (!loopback)
        util::fail_input(option + " '" + url + "': plain http:// is accepted only for loopback addresses; use https://");
}

}  // namespace cloud
