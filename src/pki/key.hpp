#pragma once
// Key pairs in memory and in files: generation, strength rules, encrypted
// PKCS#8 storage and loading.
#include <string>

#include "util/ossl.hpp"
#include "util/secret.hpp"

namespace pki {

enum class KeyType { ec_p256, ec_p384, rsa_3072, rsa_4096 };

// "ec-p256", "ec-p384", "rsa-3072", "rsa-4096"; exit 2 naming the option otherwise.
KeyType parse_key_type(const std::string& text, const std::string& option = "--key-type");
std::string key_type_name(KeyType type);
constexpr const char* kKeyTypeChoices = "ec-p256, ec-p384, rsa-3072, rsa-4096";

util::EvpPkey generate_key(KeyType type);

// Many keys of one type: the algorithm is fetched and the context set up
// once. One per thread.
class KeyGenerator {
public:
    explicit KeyGenerator(KeyType type);
    util::EvpPkey generate();

private:
    util::EvpPkeyCtx ctx_;
};

// "EC P-256", "RSA 3072": for humans and for lint messages.
std::string describe_key(const EVP_PKEY* key);
// JSON-friendly parts: type "EC"/"RSA"/"Ed25519"..., bits, curve ("P-256") or "".
struct KeyInfo {
    std::string type;
    int bits = 0;
    std::string curve;
};
KeyInfo key_info(const EVP_PKEY* key);

// provctl's floor: EC P-256 or larger, RSA 3072 or larger. Returns an empty
// string when strong enough, otherwise why not.
std::string weak_key_reason(const EVP_PKEY* key);

// The digest to sign with for this key: SHA-384 for P-384, SHA-256 otherwise.
const EVP_MD* digest_for(const EVP_PKEY* key);

// PKCS#8 encrypted with AES-256-CBC under PBKDF2-HMAC-SHA256 (PBES2), PEM.
std::string encrypted_private_key_pem(const EVP_PKEY* key, const util::Secret& passphrase);
std::string plaintext_private_key_pem(const EVP_PKEY* key);
std::string public_key_pem(const EVP_PKEY* key);
std::vector<uint8_t> public_key_der(const EVP_PKEY* key);

// Loads a private key from a PEM or DER file. Encrypted keys ask for the
// passphrase from `passphrase_spec` (env:, file:, or a prompt when empty) only
// when the file is encrypted. Wrong passphrase, corrupt file: exit 2 naming the file.
util::EvpPkey load_private_key_file(const std::string& path, const std::string& passphrase_spec);

// An EC key's public point as encoded in its SubjectPublicKeyInfo; "" for other keys.
std::string encoded_public_point(const EVP_PKEY* key);

// True when both keys have the same public half.
bool same_public_key(const EVP_PKEY* a, const EVP_PKEY* b);

}  // namespace pki
