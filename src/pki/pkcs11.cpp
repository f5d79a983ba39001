// Placeholder until the PKCS#11 layer lands; replaced in the same session.
#include "pki/pkcs11.hpp"

namespace pki {

std::string Pkcs11Uri::to_string() const { return "pkcs11:"; }
Pkcs11Uri parse_pkcs11_uri(const std::string&) { util::fail_op("PKCS#11 keys are not available in this build"); }
std::unique_ptr<SigningKey> open_pkcs11_key(const Pkcs11Uri&, const KeyAccess&) {
    util::fail_op("PKCS#11 keys are not available in this build");
}
std::unique_ptr<SigningKey> create_pkcs11_key(const Pkcs11Uri&, KeyType, const KeyAccess&) {
    util::fail_op("PKCS#11 keys are not available in this build");
}

}  // namespace pki
