#include "cloud/verification_cert.hpp"

#include <openssl/x509v3.h>

#include <algorithm>

#include "pki/cert_builder.hpp"
#include "pki/cert_io.hpp"
#include "pki/key.hpp"
#include "pki/name.hpp"

namespace cloud {

std::string make_verification_certificate(const X509* ca, EVP_PKEY* ca_key, const std::string& registration_code,
                                          const util::Clock& clock) {
    util::EvpPkey key = pki::generate_key(pki::KeyType::ec_p256);
    util::X509NamePtr subject = pki::parse_name("CN=" + registration_code, "registration code");
    pki::CertSpec spec;
    spec.subject = subject.get();
    spec.public_key = key.get();
    int64_t now = clock.now();
    int64_t ca_end = util::asn1_time_to_unix(X509_get0_notAfter(ca)).value_or(now + 86400);
    int64_t ca_start = util::asn1_time_to_unix(X509_get0_notBefore(ca)).value_or(now - 300);
    spec.validity.not_before = std::max(now - 300, ca_start);
    spec.validity.not_after = std::min(now + 86400, ca_end);
    spec.key_usage = KU_DIGITAL_SIGNATURE;
    util::X509Ptr cert = pki::build_certificate(spec, ca, ca_key, nullptr);
    return pki::cert_pem(cert.get());
}

}  // namespace cloud
