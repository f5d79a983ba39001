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

    // DER ContentInfo of EnvelopedData, AES-256-CBC content encryption.
    // Safe to call from several threads at once.
    std::string seal(std::string_view plaintext) const;
    const std::string& recipient_subject() const { return subject_; }

private:
    util::X509Stack recipients_;
    std::unique_ptr<EVP_CIPHER, util::Free<EVP_CIPHER_free>> cipher_;
    std::string subject_;
};

// Opens what KeySealer sealed (DER, or PEM "CMS"/"PKCS7"), with the
// recipient's certificate and private key. Exit 2 naming `origin` when the
// data is not CMS or not for this recipient.
std::string unseal(std::string_view sealed, const X509* recipient_cert, EVP_PKEY* recipient_key,
                   const std::string& origin);

}  // namespace pki
