#pragma once
// The certificate AWS IoT asks for before it registers a CA: its subject CN
// is the account's registration code, and the CA's key signs it. Its own
// key is made here and thrown away; it proves nothing but the CA key.
#include <string>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "util/time.hpp"

namespace cloud {

// PEM. Valid from five minutes ago for one day, clipped to the CA's validity.
std::string make_verification_certificate(const X509* ca, EVP_PKEY* ca_key, const std::string& registration_code,
                                          const util::Clock& clock);

}  // namespace cloud
