#pragma once
// Device certificates at batch speed. Everything a batch's certificates
// share (issuer, validity, signature algorithm, fixed extensions) is encoded
// once, from a reference certificate made and linted by build_certificate;
// each device then costs one DER assembly, one digest and one signature.
// The constructor proves the template reproduces the reference byte for
// byte, so the fast path can never drift from the checked one.
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "pki/ca.hpp"
#include "util/ossl.hpp"

namespace pki {

struct DeviceTemplateSpec {
    const X509* issuer = nullptr;
    EVP_PKEY* issuer_key = nullptr;
    bool issuer_on_token = false;   // token sessions are not shared between threads
    std::string subject_prefix;     // RFC 4514 text of the fixed part of the subject ("O=Acme"), or ""
    Window validity;
};

// One issued device certificate.
struct DeviceCert {
    std::string der;
    std::string serial;  // uppercase hex
};

class DeviceCertTemplate {
public:
    // `sample_key`: a key of the kind the batch will certify (for the reference).
    DeviceCertTemplate(const DeviceTemplateSpec& spec, const EVP_PKEY* sample_key);

    // Per-thread signing state: a context set up once, used for every certificate.
    class Signer {
    public:
        explicit Signer(const DeviceCertTemplate& t);
        DeviceCert issue(const std::string& device_id, std::string_view spki_der);

    private:
        const DeviceCertTemplate* t_;
        util::EvpPkeyCtx ctx_;
    };

    const std::string& issuer_text() const { return issuer_text_; }
    int64_t not_before() const { return not_before_; }
    int64_t not_after() const { return not_after_; }

private:
    std::string tbs(const std::string& device_id, std::string_view spki_der, std::string_view serial20) const;
    std::string sign(EVP_PKEY_CTX* ctx, const std::string& tbs) const;

    EVP_PKEY* issuer_key_;
    bool on_token_;
    std::unique_ptr<EVP_MD, util::Free<EVP_MD_free>> md_;  // fetched once, not per digest
    std::string sigalg_;        // AlgorithmIdentifier, inner and outer
    std::string issuer_;        // Name
    std::string validity_;      // Validity
    std::string subject_rdns_;  // the fixed RDNs, without their SEQUENCE header
    // The reference's extensions in order: fixed DER, or a marker for the
    // two that differ per device.
    enum class Part { fixed, san, ski };
    std::vector<std::pair<Part, std::string>> extensions_;
    std::string issuer_text_;
    int64_t not_before_ = 0, not_after_ = 0;
    mutable std::mutex token_mutex_;
};

// DER SubjectPublicKeyInfo of a key (the encoder framework; not for hot paths
// of EC keys, see ec_spki_der).
std::string spki_der(const EVP_PKEY* key);

// Fast SubjectPublicKeyInfo for EC keys of one curve: a fixed prefix taken
// from a sample key, followed by each key's encoded point.
class EcSpkiEncoder {
public:
    explicit EcSpkiEncoder(const EVP_PKEY* sample);
    bool usable() const { return !prefix_.empty(); }
    std::string encode(const EVP_PKEY* key) const;

private:
    std::string prefix_;
    size_t point_len_ = 0;
};

// Unencrypted PKCS#8 PEM for EC keys of one curve, assembled from the key's
// scalar and point instead of through the encoder framework. Checked against
// the encoder on the sample key; when they differ (or for RSA) encode() takes
// the encoder's path. The caller cleanses what it returns.
class Pkcs8Encoder {
public:
    explicit Pkcs8Encoder(const EVP_PKEY* sample);
    bool fast() const { return fast_; }
    std::string pem(const EVP_PKEY* key) const;

private:
    std::string der(const EVP_PKEY* key) const;
    std::string algorithm_;  // AlgorithmIdentifier of the sample
    size_t scalar_len_ = 0;
    bool fast_ = false;
};

}  // namespace pki
