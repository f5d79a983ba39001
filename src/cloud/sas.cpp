#include "cloud/sas.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "util/base64.hpp"
#include "util/error.hpp"

namespace cloud {

namespace {

// Wipes a decoded key when it goes.
struct KeyBytes {
    std::string bytes;
    ~KeyBytes() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

KeyBytes key_or_fail(std::string_view key_b64, const char* option) {
    auto key = decode_key(key_b64);
    if (!key) util::fail_input(std::string(option) + ": the key is not base64 (copy it from the portal or the CLI as shown)");
    KeyBytes k{std::move(*key)};
    OPENSSL_cleanse(key->data(), key->size());
    return k;
}

}  // namespace

std::string url_encode(std::string_view text) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.' || c == '~';
        if (keep) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return out;
}

std::optional<std::string> decode_key(std::string_view key_b64) {
    if (key_b64.empty()) return std::nullopt;
    std::string padded(key_b64);
    while (!padded.empty() && padded.back() == '=') padded.pop_back();
    if (padded.size() % 4 == 1) return std::nullopt;  // no whole byte in the last group
    // Bits of a partial last group that do not make a whole byte are dropped, as the SDKs do.
    size_t rem = padded.size() % 4;
    std::string canonical = padded;
    if (rem != 0) {
        static const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        auto pos = alphabet.find(canonical.back());
        if (pos == std::string::npos) return std::nullopt;
        unsigned mask = rem == 2 ? 0x30 : 0x3c;  // the bits that belong to a byte
        canonical.back() = alphabet[pos & mask];
        canonical.append(4 - rem, '=');
    }
    auto out = util::base64_decode(canonical);
    OPENSSL_cleanse(canonical.data(), canonical.size());
    OPENSSL_cleanse(padded.data(), padded.size());
    return out;
}

std::string hmac_sha256_b64(std::string_view key, std::string_view message) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
             message.size(), mac, &len) == nullptr)
        util::fail_op("HMAC-SHA256 failed");
    return util::base64_encode(std::string_view(reinterpret_cast<const char*>(mac), len));
}

SasToken make_sas_token_encoded(std::string_view encoded_resource, std::string_view key_b64, std::string_view policy,
                                int64_t expiry) {
    KeyBytes key = key_or_fail(key_b64, "--key");
    SasToken t;
    t.string_to_sign = std::string(encoded_resource) + "\n" + std::to_string(expiry);
    t.signature_b64 = hmac_sha256_b64(key.bytes, t.string_to_sign);
    t.token = "SharedAccessSignature sr=" + std::string(encoded_resource) + "&sig=" + url_encode(t.signature_b64) +
              "&se=" + std::to_string(expiry);
    if (!policy.empty()) t.token += "&skn=" + url_encode(policy);
    return t;
}

SasToken make_sas_token(std::string_view resource, std::string_view key_b64, std::string_view policy, int64_t expiry) {
    return make_sas_token_encoded(url_encode(resource), key_b64, policy, expiry);
}

std::string derive_device_key(std::string_view group_key_b64, std::string_view registration_id) {
    KeyBytes key = key_or_fail(group_key_b64, "--group-key");
    return hmac_sha256_b64(key.bytes, registration_id);
}

}  // namespace cloud
