#pragma once
// PKCS#11 keys through libp11: RFC 7512 URIs, token login, key lookup and
// key generation inside the token.
#include <cstdint>
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
    std::vector<uint8_t> id;    // id=     (CKA_ID, percent-encoded bytes); empty when not given
    std::string type;           // type=   (private, public, cert, secret-key, data)
    std::string module_path;    // module-path= (query attribute)
    std::string pin_source;     // pin-source= (query attribute): env:NAME, file:PATH or a file path

    // The URI back as text, percent-encoded. There is no PIN in it to leave
    // out: pin-value= is never accepted. pin-source= stays, it names a place.
    std::string to_string() const;
    // pin-source= as a util::resolve_secret spec (a bare path becomes file:PATH); "" when absent.
    std::string pin_spec() const;
};

// Parses "pkcs11:..." per RFC 7512 (percent-decoding, path and query
// attributes). Exit 2 naming the attribute on bad input; pin-value= is
// refused because a PIN on the command line is visible to every user.
// Messages never repeat the text given, which may hold a PIN.
Pkcs11Uri parse_pkcs11_uri(const std::string& text);

// The modules loaded by one run. A module is initialised once per process
// (C_Finalize ends every session of the process), and a token's login is
// shared by every session on it, so all keys of a run that live in one
// module must go through one loaded instance and one login per token.
// KeyAccess::pkcs11_modules carries it; keys keep what they use alive.
class Pkcs11Modules;
std::shared_ptr<Pkcs11Modules> make_pkcs11_modules();

// Implementations behind open_signing_key / create_signing_key for pkcs11: refs.
std::unique_ptr<SigningKey> open_pkcs11_key(const Pkcs11Uri& uri, const KeyAccess& access);
std::unique_ptr<SigningKey> create_pkcs11_key(const Pkcs11Uri& uri, KeyType type, const KeyAccess& access);

}  // namespace pki
