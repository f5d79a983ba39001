#include "support/test_certs.hpp"

#include <stdexcept>

#include <openssl/ec.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "util/ossl.hpp"

namespace testing_support {
namespace {

TestCert finish(X509* x, const std::string& cn) {
    util::EvpPkey key(EVP_EC_gen("P-256"));
    if (!key) throw std::runtime_error("EC key generation failed");
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(x, name);
    X509_set_version(x, 2);
    X509_set_pubkey(x, key.get());
    if (X509_sign(x, key.get(), EVP_sha256()) <= 0) throw std::runtime_error("signing the test certificate failed");
    TestCert out;
    auto der = util::cert_der(x);
    out.der.assign(der.begin(), der.end());
    util::BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), x);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    out.pem.assign(data, static_cast<size_t>(len));
    return out;
}

}  // namespace

TestCert make_test_cert(const std::string& cn, int64_t not_before, int64_t not_after, long serial) {
    util::X509Ptr x(X509_new());
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), serial);
    ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(not_before));
    ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(not_after));
    return finish(x.get(), cn);
}

TestCert make_test_cert_raw_times(const std::string& cn, int nb_type, const std::string& nb, int na_type,
                                  const std::string& na) {
    util::X509Ptr x(X509_new());
    ASN1_INTEGER_set(X509_get_serialNumber(x.get()), 7);
    ASN1_STRING* b = X509_getm_notBefore(x.get());
    ASN1_STRING* a = X509_getm_notAfter(x.get());
    ASN1_STRING_set(b, nb.data(), static_cast<int>(nb.size()));
    b->type = nb_type;
    ASN1_STRING_set(a, na.data(), static_cast<int>(na.size()));
    a->type = na_type;
    return finish(x.get(), cn);
}

}  // namespace testing_support
