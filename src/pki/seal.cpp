#include "pki/seal.hpp"

#include <openssl/cms.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "pki/cert_io.hpp"
#include "pki/name.hpp"

namespace pki {

namespace {

using CmsPtr = std::unique_ptr<CMS_ContentInfo, util::Free<CMS_ContentInfo_free>>;

util::BioPtr mem_bio(std::string_view data) {
    return util::BioPtr(util::check_ptr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())), "out of memory"));
}

}  // namespace

KeySealer::KeySealer(const std::string& path) {
    util::X509Ptr cert = read_certificate(path);
    subject_ = format_name(X509_get_subject_name(cert.get()));
    EVP_PKEY* pub = X509_get0_pubkey(cert.get());
    if (pub == nullptr) util::fail_input(path + ": the recipient certificate's public key cannot be read");
    int type = EVP_PKEY_get_base_id(pub);
    uint32_t ku = X509_get_key_usage(cert.get());  // UINT32_MAX when absent
    bool has_ku = ku != UINT32_MAX;
    if (type == EVP_PKEY_RSA) {
        if (has_ku && !(ku & KU_KEY_ENCIPHERMENT))
            util::fail_input(path + ": the recipient certificate's key usage does not allow keyEncipherment; "
                                    "keys cannot be sealed to it (use the station's encryption certificate)");
    } else if (type == EVP_PKEY_EC) {
        if (has_ku && !(ku & KU_KEY_AGREEMENT))
            util::fail_input(path + ": the recipient certificate's key usage does not allow keyAgreement; "
                                    "keys cannot be sealed to it (use the station's encryption certificate)");
    } else {
        const char* name = EVP_PKEY_get0_type_name(pub);
        util::fail_input(path + ": keys cannot be sealed to a " + std::string(name ? name : "non-RSA, non-EC") +
                         " key; the recipient needs an RSA or EC certificate");
    }
    recipients_.reset(util::check_ptr(sk_X509_new_null(), "out of memory"));
    if (sk_X509_push(recipients_.get(), cert.get()) <= 0) util::throw_openssl("out of memory");
    cert.release();  // owned by the stack now
    cipher_.reset(EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr));
    if (!cipher_) util::throw_openssl("cannot fetch AES-256-CBC");
    // Proves the whole path once, before any key is made.
    try {
        seal("probe");
    } catch (const util::Error& e) {
        util::fail_input(path + ": cannot seal to this certificate: " + e.what());
    }
}

std::string KeySealer::seal(std::string_view plaintext) const {
    auto in = mem_bio(plaintext);
    CmsPtr cms(CMS_encrypt_ex(recipients_.get(), in.get(), cipher_.get(), CMS_BINARY, nullptr, nullptr));
    if (!cms) util::throw_openssl("sealing a key failed");
    unsigned char* buf = nullptr;
    int len = i2d_CMS_ContentInfo(cms.get(), &buf);
    if (len <= 0) util::throw_openssl("cannot encode a sealed key");
    std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
    OPENSSL_free(buf);
    return out;
}

std::string unseal(std::string_view sealed, const X509* recipient_cert, EVP_PKEY* recipient_key,
                   const std::string& origin) {
    auto in = mem_bio(sealed);
    CmsPtr cms;
    if (sealed.substr(0, 11) == "-----BEGIN ") {
        char* name = nullptr;
        char* header = nullptr;
        unsigned char* data = nullptr;
        long len = 0;
        if (PEM_read_bio(in.get(), &name, &header, &data, &len) == 1) {
            const unsigned char* p = data;
            cms.reset(d2i_CMS_ContentInfo(nullptr, &p, len));
        }
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(data);
    } else {
        cms.reset(d2i_CMS_bio(in.get(), nullptr));
    }
    if (!cms) {
        util::drain_openssl_errors();
        util::fail_input(origin + ": not a CMS file (expected a sealed key from provctl batch generate)");
    }
    if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_enveloped)
        util::fail_input(origin + ": not CMS EnvelopedData");
    util::BioPtr out(util::check_ptr(BIO_new(BIO_s_mem()), "out of memory"));
    if (CMS_decrypt(cms.get(), recipient_key, const_cast<X509*>(recipient_cert), nullptr, out.get(), CMS_BINARY) != 1) {
        util::drain_openssl_errors();
        util::fail_input(origin + ": cannot open it with this recipient certificate and key "
                                  "(sealed to another station, or the wrong key)");
    }
    return util::bio_text(out.get());
}

}  // namespace pki
