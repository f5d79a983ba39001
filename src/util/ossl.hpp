#pragma once
// Owners for OpenSSL handles and the conversion of its error queue into text.
#include <memory>
#include <string>
#include <vector>
#include <cstdint>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "util/error.hpp"

namespace util {

template <auto Fn>
struct Free {
    template <typename T>
    void operator()(T* p) const noexcept { Fn(p); }
};

using EvpPkey = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY_free>>;
using EvpPkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Free<EVP_PKEY_CTX_free>>;
using EvpMdCtx = std::unique_ptr<EVP_MD_CTX, Free<EVP_MD_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;
using X509ReqPtr = std::unique_ptr<X509_REQ, Free<X509_REQ_free>>;
using X509CrlPtr = std::unique_ptr<X509_CRL, Free<X509_CRL_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, Free<X509_NAME_free>>;
using X509ExtPtr = std::unique_ptr<X509_EXTENSION, Free<X509_EXTENSION_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, Free<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Free<X509_STORE_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, Free<BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Free<BN_free>>;
using Asn1IntegerPtr = std::unique_ptr<ASN1_INTEGER, Free<ASN1_INTEGER_free>>;
using Asn1TimePtr = std::unique_ptr<ASN1_TIME, Free<ASN1_TIME_free>>;
using Asn1OctetPtr = std::unique_ptr<ASN1_OCTET_STRING, Free<ASN1_OCTET_STRING_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Free<GENERAL_NAMES_free>>;
inline void openssl_free_chars(char* p) noexcept { OPENSSL_free(p); }
using OpensslString = std::unique_ptr<char, Free<openssl_free_chars>>;

void free_x509_stack(STACK_OF(X509)* s) noexcept;
using X509Stack = std::unique_ptr<STACK_OF(X509), Free<free_x509_stack>>;
void free_x509_crl_stack(STACK_OF(X509_CRL)* s) noexcept;
using X509CrlStack = std::unique_ptr<STACK_OF(X509_CRL), Free<free_x509_crl_stack>>;
using Asn1ObjectPtr = std::unique_ptr<ASN1_OBJECT, Free<ASN1_OBJECT_free>>;
void free_asn1_object_stack(STACK_OF(ASN1_OBJECT)* s) noexcept;
using Asn1ObjectStack = std::unique_ptr<STACK_OF(ASN1_OBJECT), Free<free_asn1_object_stack>>;

// Drains OpenSSL's error queue into one line ("a; b; c"). Empty if none.
std::string drain_openssl_errors();

// Throws Error(code, what + ": " + drained queue).
[[noreturn]] void throw_openssl(const std::string& what, ExitCode code = ExitCode::failed);

// Wraps a result pointer: throws when null.
template <typename T>
T* check_ptr(T* p, const std::string& what) {
    if (p == nullptr) throw_openssl(what);
    return p;
}
inline void check_ok(int rc, const std::string& what) {
    if (rc <= 0) throw_openssl(what);
}

// DER encodings and digests used for fingerprints and hashes.
std::vector<uint8_t> cert_der(const X509* cert);
std::vector<uint8_t> sha256(const void* data, size_t len);
std::vector<uint8_t> sha1(const void* data, size_t len);
std::string sha256_hex(const void* data, size_t len);
inline std::string sha256_hex(const std::string& s) { return sha256_hex(s.data(), s.size()); }
std::string cert_sha256_hex(const X509* cert);

// A serial as uppercase hex without separators ("" when undecodable).
std::string serial_hex(const ASN1_INTEGER* serial);
// An ASN.1 string as UTF-8 ("" when it cannot be converted).
std::string asn1_utf8(const ASN1_STRING* s);
// Everything written to a memory BIO, as text.
std::string bio_text(BIO* bio);

}  // namespace util
