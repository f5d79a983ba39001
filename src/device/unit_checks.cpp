#include "device/unit_checks.hpp"

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cctype>
#include <thread>

#include "device/proof.hpp"
#include "pki/cert_io.hpp"
#include "pki/device_template.hpp"
#include "pki/key.hpp"
#include "pki/verify.hpp"

namespace device {

namespace {

bool retryable(const DeviceFailure& e) {
    switch (e.kind()) {
        case DeviceFailure::Kind::timeout:
        case DeviceFailure::Kind::protocol: return true;
        case DeviceFailure::Kind::closed: return false;
        case DeviceFailure::Kind::refused: return e.code() == "busy" || e.code() == "internal";
    }
    return false;
}

std::chrono::milliseconds jittered(std::chrono::milliseconds base) {
    uint16_t r = 0;
    RAND_bytes(reinterpret_cast<unsigned char*>(&r), sizeof r);
    // 75% to 125% of the base: ports that failed together do not retry in step.
    return base * 3 / 4 + std::chrono::milliseconds(base.count() * (r % 501) / 1000);
}

util::X509Ptr up_ref(const X509* c) {
    X509* m = const_cast<X509*>(c);
    X509_up_ref(m);
    return util::X509Ptr(m);
}

}  // namespace

void with_retries(const std::string& step, int tries, std::chrono::milliseconds backoff, int& retries,
                  const std::function<void()>& fn) {
    for (int attempt = 1;; ++attempt) {
        std::string why;
        try {
            fn();
            return;
        } catch (const DeviceFailure& e) {
            if (e.kind() == DeviceFailure::Kind::closed) throw UnitStopped(Outcome::failed, step, e.what());
            if (!retryable(e) || attempt >= tries) throw UnitStopped(Outcome::quarantined, step, e.what());
            why = e.what();
        } catch (const StepFailed& e) {
            if (!e.retry() || attempt >= tries) throw UnitStopped(Outcome::quarantined, step, e.what());
            why = e.what();
        }
        ++retries;
        std::this_thread::sleep_for(jittered(backoff * (1 << (attempt - 1))));
    }
}

util::X509Ptr parse_cert_pem(const std::string& pem, const std::string& what) {
    auto certs = parse_chain_pem(pem, what);
    if (certs.size() != 1) throw StepFailed(what + " holds " + std::to_string(certs.size()) + " certificates, not one", true);
    return std::move(certs.front());
}

std::vector<util::X509Ptr> parse_chain_pem(const std::string& pem, const std::string& what) {
    try {
        if (pem.empty()) return {};
        return pki::parse_certificates(pem, what);
    } catch (const util::Error& e) {
        throw StepFailed(what + " is not readable: " + e.what(), true);
    }
}

std::string der_of(const X509* cert) {
    unsigned char* buf = nullptr;
    int n = i2d_X509(cert, &buf);
    if (n <= 0) util::throw_openssl("cannot encode a certificate");
    std::string der(reinterpret_cast<char*>(buf), static_cast<size_t>(n));
    OPENSSL_free(buf);
    return der;
}

std::string pem_of_der(const std::string& der) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
    util::X509Ptr c(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!c) util::throw_openssl("cannot decode an issued certificate");
    return pki::cert_pem(c.get());
}

void note_certificate(UnitResult& result, const X509* cert) {
    result.fingerprint = util::cert_sha256_hex(cert);
    result.serial = util::serial_hex(X509_get0_serialNumber(cert));
    result.not_after = util::asn1_time_to_unix(X509_get0_notAfter(cert)).value_or(0);
}

registry::NewCertificate certificate_row(const std::string& device_id, const std::string& issuer_text, const X509* cert) {
    registry::NewCertificate nc;
    nc.device_id = device_id;
    nc.issuer = issuer_text;
    nc.serial = util::serial_hex(X509_get0_serialNumber(cert));
    nc.fingerprint = util::cert_sha256_hex(cert);
    nc.not_before = util::asn1_time_to_unix(X509_get0_notBefore(cert)).value_or(0);
    nc.not_after = util::asn1_time_to_unix(X509_get0_notAfter(cert)).value_or(0);
    nc.pem = pki::cert_pem(cert);
    return nc;
}

StoredCerts store_certificate(Client& client, int slot, const X509* cert, const std::string& chain_pem) {
    const std::string der = der_of(cert);
    const std::string want = util::sha256_hex(der);
    try {
        std::string got = client.write_certs(slot, pki::cert_pem(cert), chain_pem);
        std::string lower = got;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower != want) throw StepFailed("the device stored a certificate with SHA-256 " + got + ", not " + want, true);
    } catch (const DeviceFailure& e) {
        if (e.kind() != DeviceFailure::Kind::refused || e.code() != "locked") throw;
    }
    StoredCerts back = client.read_certs(slot);
    auto stored = parse_cert_pem(back.cert, "the certificate read back");
    if (der_of(stored.get()) != der) throw StepFailed("the certificate read back differs from the one written", true);
    return back;
}

void prove_possession(Client& client, int slot, const X509* cert, const std::string& device_id) {
    std::string challenge = fresh_challenge();
    ChallengeAnswer a = client.sign_challenge(slot, challenge);
    EVP_PKEY* key = X509_get0_pubkey(cert);
    if (key == nullptr || !verify_sha256(key, challenge, a.signature))
        throw StepFailed("the challenge signature does not verify with the certificate's key", true);
    if (a.device_id != device_id)
        throw StepFailed("the device answered the challenge as '" + a.device_id + "', its certificate names '" +
                             device_id + "'",
                         false);
}

std::optional<std::string> chain_problem(const X509* leaf, const std::vector<const X509*>& untrusted,
                                         const std::vector<const X509*>& anchors, int64_t at,
                                         const std::string& device_id) {
    pki::VerifyMaterial m;
    m.leaf = up_ref(leaf);
    for (const X509* c : untrusted) m.untrusted.push_back(up_ref(c));
    for (const X509* c : anchors) m.anchors.push_back(up_ref(c));
    pki::VerifyParams p;
    p.at = at;
    p.purpose = pki::Purpose::client;
    p.device_id = device_id;
    auto r = pki::verify_path(m, p);
    if (r.valid) return std::nullopt;
    return r.reason;
}

std::string checked_csr_key(const std::string& pem, const std::string& expected_spki) {
    util::BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    util::X509ReqPtr req(bio ? PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!req) {
        util::drain_openssl_errors();
        throw StepFailed("the device's CSR is not a readable PEM request", true);
    }
    EVP_PKEY* key = X509_REQ_get0_pubkey(req.get());
    if (key == nullptr || X509_REQ_verify(req.get(), key) != 1) {
        util::drain_openssl_errors();
        throw StepFailed("the device's CSR signature does not verify with its own key", true);
    }
    if (std::string weak = pki::weak_key_reason(key); !weak.empty())
        throw StepFailed("the device's key is too weak: " + weak, false);
    std::string spki = pki::spki_der(key);
    if (!expected_spki.empty() && spki != expected_spki)
        throw StepFailed("the CSR's key is not the key the device reported from gen_key", true);
    return spki;
}

}  // namespace device
