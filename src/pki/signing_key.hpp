#pragma once
// A key that signs certificates, wherever it lives. File keys and PKCS#11
// keys both end up as an EVP_PKEY, so one OpenSSL signing path serves both.
#include <memory>
#include <string>
#include <vector>

#include "pki/key.hpp"
#include "util/ossl.hpp"

namespace pki {

class Pkcs11Modules;  // pkcs11.hpp

// How to reach keys: the options every command that touches a CA key shares.
struct KeyAccess {
    std::string passphrase;      // secret spec for file keys: env:NAME, file:PATH, or "" to prompt
    std::string pin;             // secret spec for token PINs (pin-source= in the URI wins)
    std::string pkcs11_module;   // module for URIs without module-path=
    bool allow_extractable = false;  // accept a token key that reports CKA_EXTRACTABLE
    // Modules already loaded by this run; keys opened with the same one share
    // a module instance and a token login (see pkcs11.hpp). Null: a key of its own.
    std::shared_ptr<Pkcs11Modules> pkcs11_modules;
};

class SigningKey {
public:
    virtual ~SigningKey() = default;
    // The private key, valid as long as this object lives.
    virtual EVP_PKEY* pkey() const = 0;
    // The reference without any secret ("file:ca.key", "pkcs11:token=CA;object=root").
    virtual std::string describe() const = 0;
    virtual bool on_token() const { return false; }
    // For keys made by create_signing_key: keep them. Until then a new key
    // is discarded when this object goes away (the file is never written,
    // the token object is destroyed), so a failed ceremony leaves nothing.
    virtual void commit() {}
    // Things the operator must hear about this key (an extractable token key used anyway).
    virtual std::vector<std::string> warnings() const { return {}; }
};

// Opens an existing key: "file:PATH" or a "pkcs11:" URI. Exit 2 for a bad
// reference, wrong passphrase or PIN, missing module, or a key not found.
std::unique_ptr<SigningKey> open_signing_key(const std::string& ref, const KeyAccess& access);

// Makes a new key at the reference: an encrypted PKCS#8 file (mode 0600,
// written on commit, passphrase asked twice when prompted) or a token key
// generated inside the token (CKA_TOKEN, CKA_SENSITIVE, CKA_SIGN true,
// CKA_EXTRACTABLE false). Refuses an existing file unless `overwrite`, and
// an existing token object with the same label or id.
std::unique_ptr<SigningKey> create_signing_key(const std::string& ref, KeyType type, const KeyAccess& access,
                                               bool overwrite);

// Used before a long operation to fail early on an existing output.
bool is_file_ref(const std::string& ref);
std::string file_ref_path(const std::string& ref);

}  // namespace pki
