#pragma once
// Just enough DER to assemble certificates from pre-encoded parts and to
// take them apart again: the batch engine's hot path builds each device
// certificate this way instead of through X509_new and the encoder framework.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/crypto.h>

#include "util/ossl.hpp"

namespace pki::der {

// Bytes are kept in std::string: cheap to append and to hand to BIOs.
void append_length(std::string& out, size_t len);
void append_tlv(std::string& out, uint8_t tag, std::string_view content);
std::string tlv(uint8_t tag, std::string_view content);

// One element at the front of `in`: its tag, its content and the whole
// encoding. nullopt when the bytes are not a well-formed definite-length TLV.
struct Element {
    uint8_t tag = 0;
    std::string_view content;
    std::string_view whole;
};
std::optional<Element> read(std::string_view in);

// The subjectPublicKey bits of a DER SubjectPublicKeyInfo (what RFC 5280's
// method 1 key identifier hashes); nullopt when it is not one.
std::optional<std::string_view> spki_key_bits(std::string_view spki);

// The DER of an OpenSSL object through its i2d function; throws naming `what`.
template <typename T, int (*I2d)(const T*, unsigned char**)>
std::string encode(const T* value, const char* what) {
    unsigned char* buf = nullptr;
    int len = I2d(value, &buf);
    if (len <= 0) util::throw_openssl(std::string("cannot encode ") + what);
    std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
    OPENSSL_free(buf);
    return out;
}

// PEM with 64-column base64 lines ("CERTIFICATE", "PRIVATE KEY").
std::string pem(std::string_view label, std::string_view der);

}  // namespace pki::der
