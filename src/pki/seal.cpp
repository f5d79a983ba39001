#include "pki/seal.hpp"

#include <openssl/cms.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <initializer_list>

#include "pki/cert_builder.hpp"
#include "pki/cert_io.hpp"
#include "pki/der.hpp"
#include "pki/key.hpp"
#include "pki/name.hpp"

namespace pki {

namespace {

using CmsPtr = std::unique_ptr<CMS_ContentInfo, util::Free<CMS_ContentInfo_free>>;

util::BioPtr mem_bio(std::string_view data) {
    return util::BioPtr(util::check_ptr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())), "out of memory"));
}

std::string bytes(std::initializer_list<unsigned char> b) { return std::string(b.begin(), b.end()); }

const std::string kOidEnvelopedData = der::tlv(0x06, bytes({0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03}));
const std::string kOidData = der::tlv(0x06, bytes({0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01}));
const std::string kOidAes256Cbc = der::tlv(0x06, bytes({0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2a}));
// id-aes256-wrap, parameters absent (RFC 3565).
const std::string kAes256WrapAlg =
    der::tlv(0x30, der::tlv(0x06, bytes({0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2d})));
// dhSinglePass-stdDH-sha256kdf-scheme (RFC 5753), parameter: the key wrap algorithm.
const std::string kKeyAgreementAlg =
    der::tlv(0x30, der::tlv(0x06, bytes({0x2b, 0x81, 0x04, 0x01, 0x0b, 0x01})) + kAes256WrapAlg);
// id-ecPublicKey with parameters absent: the recipient's curve (RFC 5753 3.1.1).
const std::string kEcPublicKeyAlg = der::tlv(0x30, der::tlv(0x06, bytes({0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01})));

std::string issuer_and_serial(const X509* cert) {
    return der::tlv(0x30, der::encode<X509_NAME, i2d_X509_NAME>(X509_get_issuer_name(cert), "the recipient's issuer") +
                              der::encode<ASN1_INTEGER, i2d_ASN1_INTEGER>(X509_get0_serialNumber(cert), "the recipient's serial"));
}

void random(unsigned char* out, size_t n) {
    if (RAND_priv_bytes(out, static_cast<int>(n)) != 1) util::throw_openssl("random number generator failed");
}

void cleanse(std::string& s) { OPENSSL_cleanse(s.data(), s.size()); }

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
    if (type == EVP_PKEY_EC) {
        X509* recipient = sk_X509_value(recipients_.get(), 0);
        recipient_key_ = X509_get0_pubkey(recipient);
        rid_ = issuer_and_serial(recipient);
        wrap_.reset(EVP_CIPHER_fetch(nullptr, "AES-256-WRAP", nullptr));
        sha256_.reset(EVP_MD_fetch(nullptr, "SHA256", nullptr));
        fast_ec_ = wrap_ && sha256_ && prove_fast_path();
        ERR_clear_error();
    }
}

bool KeySealer::prove_fast_path() const {
    try {
        // A throwaway recipient on the same curve, with a certificate of its own.
        util::EvpPkeyCtx kctx(EVP_PKEY_CTX_new_from_pkey(nullptr, const_cast<EVP_PKEY*>(recipient_key_), nullptr));
        EVP_PKEY* raw = nullptr;
        if (!kctx || EVP_PKEY_keygen_init(kctx.get()) != 1 || EVP_PKEY_generate(kctx.get(), &raw) != 1) return false;
        util::EvpPkey key(raw);
        auto name = parse_name("CN=provctl sealing probe", "probe");
        CertSpec spec;
        spec.subject = name.get();
        spec.public_key = key.get();
        spec.validity = {0, 86400};
        spec.is_ca = true;
        spec.key_usage = KU_KEY_CERT_SIGN;
        util::X509Ptr cert = build_certificate(spec, nullptr, key.get(), nullptr);
        std::string rid = issuer_and_serial(cert.get());
        Session probe(*this, key.get(), &rid);
        const std::string text = "provctl sealing probe: a key would be here";
        for (int i = 0; i < 2; ++i) {  // the second reuses the session's agreement
            if (unseal(probe.seal_ec(text), cert.get(), key.get(), "probe") != text) return false;
        }
        return true;
    } catch (const util::Error&) {
        return false;
    }
}

KeySealer::Session::~Session() { cleanse(secret_); }

void KeySealer::Session::rekey() {
    util::EvpPkeyCtx kctx(EVP_PKEY_CTX_new_from_pkey(nullptr, const_cast<EVP_PKEY*>(recipient_), nullptr));
    EVP_PKEY* raw = nullptr;
    if (!kctx || EVP_PKEY_keygen_init(kctx.get()) != 1 || EVP_PKEY_generate(kctx.get(), &raw) != 1)
        util::throw_openssl("cannot make an ephemeral key for sealing");
    util::EvpPkey ephemeral(raw);
    util::EvpPkeyCtx dctx(EVP_PKEY_CTX_new_from_pkey(nullptr, ephemeral.get(), nullptr));
    size_t len = 0;
    if (!dctx || EVP_PKEY_derive_init(dctx.get()) != 1 ||
        EVP_PKEY_derive_set_peer(dctx.get(), const_cast<EVP_PKEY*>(recipient_)) != 1 ||
        EVP_PKEY_derive(dctx.get(), nullptr, &len) != 1)
        util::throw_openssl("key agreement with the recipient failed");
    cleanse(secret_);
    secret_.assign(len, '\0');
    if (EVP_PKEY_derive(dctx.get(), reinterpret_cast<unsigned char*>(secret_.data()), &len) != 1)
        util::throw_openssl("key agreement with the recipient failed");
    secret_.resize(len);
    std::string point = encoded_public_point(ephemeral.get());
    if (point.empty()) util::throw_openssl("cannot encode the ephemeral key");
    // originator [0] EXPLICIT, originatorKey [1] IMPLICIT OriginatorPublicKey.
    originator_ = der::tlv(0xa0, der::tlv(0xa1, kEcPublicKeyAlg + der::tlv(0x03, std::string(1, '\0') + point)));
    uses_ = 0;
}

std::string KeySealer::Session::seal(std::string_view plaintext) {
    if (!sealer_->fast_ec_) return sealer_->seal(plaintext);
    return seal_ec(plaintext);
}

std::string KeySealer::Session::seal_ec(std::string_view plaintext) {
    if (secret_.empty() || uses_ >= kSessionSeals) rekey();
    ++uses_;
    unsigned char ukm[64], iv[16];
    std::string cek(32, '\0');
    random(ukm, sizeof ukm);
    random(iv, sizeof iv);
    random(reinterpret_cast<unsigned char*>(cek.data()), cek.size());
    std::string ukm_bytes(reinterpret_cast<char*>(ukm), sizeof ukm);

    // ECC-CMS-SharedInfo, then the X9.63 KDF: one SHA-256 block is the whole 256-bit KEK.
    std::string shared_info = der::tlv(0x30, kAes256WrapAlg + der::tlv(0xa0, der::tlv(0x04, ukm_bytes)) +
                                                 der::tlv(0xa2, der::tlv(0x04, bytes({0x00, 0x00, 0x01, 0x00}))));
    std::string kdf_input = secret_ + bytes({0x00, 0x00, 0x00, 0x01}) + shared_info;
    unsigned char kek[32];
    unsigned int kek_len = 0;
    int ok = EVP_Digest(kdf_input.data(), kdf_input.size(), kek, &kek_len, sealer_->sha256_.get(), nullptr);
    cleanse(kdf_input);
    if (ok != 1 || kek_len != sizeof kek) util::throw_openssl("key derivation failed");

    auto cipher = [](const EVP_CIPHER* c, const unsigned char* key, const unsigned char* ivp, std::string_view in,
                     bool wrap) {
        std::unique_ptr<EVP_CIPHER_CTX, util::Free<EVP_CIPHER_CTX_free>> ctx(EVP_CIPHER_CTX_new());
        if (!ctx) util::throw_openssl("out of memory");
        if (wrap) EVP_CIPHER_CTX_set_flags(ctx.get(), EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
        std::string out(in.size() + 32, '\0');
        int n1 = 0, n2 = 0;
        if (EVP_EncryptInit_ex2(ctx.get(), c, key, ivp, nullptr) != 1 ||
            EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n1,
                              reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size())) != 1 ||
            EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n1, &n2) != 1)
            util::throw_openssl("sealing a key failed");
        out.resize(static_cast<size_t>(n1 + n2));
        return out;
    };
    std::string wrapped = cipher(sealer_->wrap_.get(), kek, nullptr, cek, true);
    OPENSSL_cleanse(kek, sizeof kek);
    std::string content =
        cipher(sealer_->cipher_.get(), reinterpret_cast<const unsigned char*>(cek.data()), iv, plaintext, false);
    cleanse(cek);

    std::string kari = der::tlv(0xa1, der::tlv(0x02, bytes({0x03})) + originator_ +
                                          der::tlv(0xa1, der::tlv(0x04, ukm_bytes)) + kKeyAgreementAlg +
                                          der::tlv(0x30, der::tlv(0x30, *rid_ + der::tlv(0x04, wrapped))));
    std::string encrypted_content =
        der::tlv(0x30, kOidData +
                           der::tlv(0x30, kOidAes256Cbc + der::tlv(0x04, std::string(reinterpret_cast<char*>(iv), sizeof iv))) +
                           der::tlv(0x80, content));
    std::string enveloped = der::tlv(0x30, der::tlv(0x02, bytes({0x02})) + der::tlv(0x31, kari) + encrypted_content);
    return der::tlv(0x30, kOidEnvelopedData + der::tlv(0xa0, enveloped));
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
