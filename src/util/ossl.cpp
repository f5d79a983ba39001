#include "util/ossl.hpp"

#include <openssl/err.h>
#include <openssl/sha.h>

#include "util/hex.hpp"

namespace util {

void free_x509_stack(STACK_OF(X509)* s) noexcept { sk_X509_pop_free(s, X509_free); }
void free_x509_crl_stack(STACK_OF(X509_CRL)* s) noexcept { sk_X509_CRL_pop_free(s, X509_CRL_free); }
void free_asn1_object_stack(STACK_OF(ASN1_OBJECT)* s) noexcept { sk_ASN1_OBJECT_pop_free(s, ASN1_OBJECT_free); }

std::string drain_openssl_errors() {
    std::string out;
    unsigned long e;
    while ((e = ERR_get_error()) != 0) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        // Keep only the reason text: the library/function prefix is noise to a user.
        std::string s = buf;
        auto pos = s.rfind(':');
        std::string reason = pos == std::string::npos ? s : s.substr(pos + 1);
        if (!out.empty()) out += "; ";
        out += reason;
    }
    return out;
}

void throw_openssl(const std::string& what, ExitCode code) {
    std::string detail = drain_openssl_errors();
    throw Error(code, detail.empty() ? what : what + ": " + detail);
}

std::vector<uint8_t> cert_der(const X509* cert) {
    unsigned char* buf = nullptr;
    int len = i2d_X509(cert, &buf);
    if (len <= 0) throw_openssl("cannot encode certificate");
    std::vector<uint8_t> out(buf, buf + len);
    OPENSSL_free(buf);
    return out;
}

std::vector<uint8_t> sha256(const void* data, size_t len) {
    std::vector<uint8_t> out(SHA256_DIGEST_LENGTH);
    SHA256(static_cast<const unsigned char*>(data), len, out.data());
    return out;
}

std::vector<uint8_t> sha1(const void* data, size_t len) {
    std::vector<uint8_t> out(SHA_DIGEST_LENGTH);
    SHA1(static_cast<const unsigned char*>(data), len, out.data());
    return out;
}

std::string sha256_hex(const void* data, size_t len) { return to_hex(sha256(data, len)); }

std::string cert_sha256_hex(const X509* cert) {
    auto der = cert_der(cert);
    return sha256_hex(der.data(), der.size());
}

std::string serial_hex(const ASN1_INTEGER* serial) {
    BnPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
    if (!bn) return {};
    OpensslString hex(BN_bn2hex(bn.get()));
    return hex ? std::string(hex.get()) : std::string();
}

std::string asn1_utf8(const ASN1_STRING* s) {
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, s);
    if (len < 0) return {};
    std::string out(reinterpret_cast<char*>(utf8), static_cast<size_t>(len));
    OPENSSL_free(utf8);
    return out;
}

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    return len > 0 ? std::string(data, static_cast<size_t>(len)) : std::string();
}

}  // namespace util
