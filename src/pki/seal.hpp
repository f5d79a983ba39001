#pragma once
// Private keys made off the device travel sealed: CMS EnvelopedData
// (RFC 5652) to the provisioning station's certificate, which
// `openssl cms -decrypt` opens as well as provctl does.
#include <string>
#include <string_view>

#include "util/ossl.hpp"

namespace pki {

class KeySealer {
public:
    // Reads the recipient certificate and proves it can be encrypted to:
    // an RSA key (key transport) or an EC key (ECDH key agreement) whose key
    // usage, when present, allows it. Exit 2 naming the file otherwise.
    explicit KeySealer(const std::string& recipient_path);
    KeySealer(const KeySealer&) = delete;
    KeySealer& operator=(const KeySealer&) = delete;

    // DER ContentInfo of EnvelopedData, AES-256-CBC content encryption,
    // through OpenSSL's CMS_encrypt. Safe to call from several threads at once.
    std::string seal(std::string_view plaintext) const;
    const std::string& recipient_subject() const { return subject_; }

    // Many keys, one thread. For an EC recipient a session assembles the
    // EnvelopedData itself (RFC 5652 KeyAgreeRecipientInfo, RFC 5753
    // dhSinglePass-stdDH-sha256kdf with AES-256 key wrap): its ephemeral key
    // and ECDH secret serve up to kSessionSeals keys, each key getting its own
    // 64-byte random ukm and so its own key-encryption key, and a fresh random
    // content key. That turns two EC operations per key into one hash. The
    // format is proven when the sealer is made: a probe sealed this way to a
    // throwaway key of the same curve must open with OpenSSL's CMS_decrypt;
    // otherwise (and for RSA recipients) sessions fall back to seal().
    class Session {
    public:
        explicit Session(const KeySealer& sealer)
            : sealer_(&sealer), recipient_(sealer.recipient_key_), rid_(&sealer.rid_) {}
        Session(const Session&) = delete;
        Session& operator=(const Session&) = delete;
        ~Session();
        std::string seal(std::string_view plaintext);

    private:
        friend class KeySealer;
        Session(const KeySealer& sealer, const EVP_PKEY* recipient, const std::string* rid)
            : sealer_(&sealer), recipient_(recipient), rid_(rid) {}
        std::string seal_ec(std::string_view plaintext);
        void rekey();
        const KeySealer* sealer_;
        const EVP_PKEY* recipient_;
        const std::string* rid_;
        std::string originator_;  // [0] EXPLICIT originatorKey, DER
        std::string secret_;      // the ECDH shared secret Z
        int uses_ = 0;
    };
    static constexpr int kSessionSeals = 1024;
    bool fast_ec() const { return fast_ec_; }

private:
    friend class Session;
    bool prove_fast_path() const;

    util::X509Stack recipients_;
    std::unique_ptr<EVP_CIPHER, util::Free<EVP_CIPHER_free>> cipher_;
    std::unique_ptr<EVP_CIPHER, util::Free<EVP_CIPHER_free>> wrap_;
    std::unique_ptr<EVP_MD, util::Free<EVP_MD_free>> sha256_;
    std::string subject_;
    std::string rid_;  // IssuerAndSerialNumber of the recipient, DER
    const EVP_PKEY* recipient_key_ = nullptr;
    bool fast_ec_ = false;
};

// Opens what KeySealer sealed (DER, or PEM "CMS"/"PKCS7"), with the
// recipient's certificate and private key. Exit 2 naming `origin` when the
// data is not CMS or not for this recipient.
std::string unseal(std::string_view sealed, const X509* recipient_cert, EVP_PKEY* recipient_key,
                   const std::string& origin);

}  // namespace pki
