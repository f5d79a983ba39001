#pragma once
// The two signatures of the device protocol: the challenge a device signs to
// prove it holds its key, and the rotate authorization the issuing CA signs
// so a returned unit may replace its key (docs/device-protocol.md).
#include <string>
#include <string_view>

#include <openssl/evp.h>

namespace device {

// The bytes an authorization covers: "provctl-rotate-v1", NUL, the device
// ID, NUL, the nonce. Signed (and checked) over their SHA-256.
std::string rotate_message(std::string_view device_id, std::string_view nonce);

// DER ECDSA (or RSA PKCS#1 v1.5) signature over SHA-256 of `data`.
std::string sign_sha256(EVP_PKEY* key, std::string_view data);
// True when `signature` is `key`'s over SHA-256 of `data`.
bool verify_sha256(EVP_PKEY* key, std::string_view data, std::string_view signature);

// 32 bytes from the OpenSSL DRBG.
std::string fresh_challenge();

}  // namespace device
