#pragma once
// PKCS#11 keys through libp11: RFC 7512 URIs, token login, key lookup and
// key generation inside the token.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pki/signing_key.hpp"

namespace pki {

struct Pkcs11Uri {
    std::string token;          // token=  (CKA label of the token)
    std::string manufacturer;   // manufacturer=
    std::string serial;         // serial=
    std::string model;          // model=
    std::string object;         // object= (CKA_LABEL of the key)
    std::vector<uint8_t> id;    // id=     (CKA_ID, percent-encoded bytes)
    std::string type;           // type=   (private, public, cert...)
    std::string module_path;    // module-path= (query attribute)
    std::string pin_source;     // pin-source= (query attribute): env:NAME, file:PATH or a file path

    // The URI back as text, without pin-value and with a redacted pin-source
    // kept (it names a place, not the secret).
    std::string to_string() const;
};

// Parses "pkcs11:..." per RFC 7512 (percent-decoding, path and query
// attributes). Exit 2 naming the attribute on bad input; pin-value= is
// refused because a PIN on the command line is visible to every user.
Pkcs11Uri parse_pkcs11_uri(const std::string& text);

// Implementations behind open_signing_key / create_signing_key for pkcs11: refs.
std::unique_ptr<SigningKey> open_pkcs11_key(const Pkcs11Uri& uri, const KeyAccess& access);
std::unique_ptr<SigningKey> create_pkcs11_key(const Pkcs11Uri& uri, KeyType type, const KeyAccess& access);

}  // namespace pki
