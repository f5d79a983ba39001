#include "pki/key.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <optional>

#include "util/atomic_file.hpp"

namespace pki {

KeyType parse_key_type(const std::string& text, const std::string& option) {
    if (text == "ec-p256") return KeyType::ec_p256;
    if (text == "ec-p384") return KeyType::ec_p384;
    if (text == "rsa-3072") return KeyType::rsa_3072;
    if (text == "rsa-4096") return KeyType::rsa_4096;
    util::fail_input(option + ": unknown key type '" + text + "' (choose one of " + kKeyTypeChoices + ")");
}

std::string key_type_name(KeyType type) {
    switch (type) {
        case KeyType::ec_p256: return "ec-p256";
        case KeyType::ec_p384: return "ec-p384";
        case KeyType::rsa_3072: return "rsa-3072";
        case KeyType::rsa_4096: return "rsa-4096";
    }
    return "?";
}

util::EvpPkey generate_key(KeyType type) {
    EVP_PKEY* key = nullptr;
    switch (type) {
        case KeyType::ec_p256: key = EVP_EC_gen("P-256"); break;
        case KeyType::ec_p384: key = EVP_EC_gen("P-384"); break;
        case KeyType::rsa_3072: key = EVP_RSA_gen(3072); break;
        case KeyType::rsa_4096: key = EVP_RSA_gen(4096); break;
    }
    if (key == nullptr) util::throw_openssl("key generation failed");
    return util::EvpPkey(key);
}

std::string encoded_public_point(const EVP_PKEY* key) {
    unsigned char point[256];
    size_t len = 0;
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC ||
        EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point, &len) != 1)
        return {};
    return std::string(reinterpret_cast<char*>(point), len);
}

KeyGenerator::KeyGenerator(KeyType type) {
    bool ec = type == KeyType::ec_p256 || type == KeyType::ec_p384;
    ctx_.reset(EVP_PKEY_CTX_new_from_name(nullptr, ec ? "EC" : "RSA", nullptr));
    if (!ctx_ || EVP_PKEY_keygen_init(ctx_.get()) != 1) util::throw_openssl("cannot set up key generation");
    int rc = 1;
    switch (type) {
        case KeyType::ec_p256: rc = EVP_PKEY_CTX_set_group_name(ctx_.get(), "P-256"); break;
        case KeyType::ec_p384: rc = EVP_PKEY_CTX_set_group_name(ctx_.get(), "P-384"); break;
        case KeyType::rsa_3072: rc = EVP_PKEY_CTX_set_rsa_keygen_bits(ctx_.get(), 3072); break;
        case KeyType::rsa_4096: rc = EVP_PKEY_CTX_set_rsa_keygen_bits(ctx_.get(), 4096); break;
    }
    if (rc != 1) util::throw_openssl("cannot set up key generation");
}

util::EvpPkey KeyGenerator::generate() {
    EVP_PKEY* key = nullptr;
    if (EVP_PKEY_generate(ctx_.get(), &key) != 1) util::throw_openssl("key generation failed");
    return util::EvpPkey(key);
}

KeyInfo key_info(const EVP_PKEY* key) {
    KeyInfo info;
    info.bits = EVP_PKEY_get_bits(key);
    int id = EVP_PKEY_get_base_id(key);
    if (id == EVP_PKEY_EC) {
        info.type = "EC";
        char group[64] = {0};
        size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) == 1) {
            int nid = OBJ_sn2nid(group);
            const char* nist = nid != NID_undef ? EC_curve_nid2nist(nid) : nullptr;
            info.curve = nist != nullptr ? nist : group;
        } else {
            // Legacy keys (libp11's PKCS#11 keys are) may answer only through
            // the EC_KEY they wrap; OpenSSL 3 marks that path deprecated.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
            if (const EC_KEY* ec = EVP_PKEY_get0_EC_KEY(key); ec != nullptr) {
                int nid = EC_GROUP_get_curve_name(EC_KEY_get0_group(ec));
                const char* nist = EC_curve_nid2nist(nid);
                info.curve = nist != nullptr ? nist : OBJ_nid2sn(nid);
            }
#pragma GCC diagnostic pop
        }
    } else if (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) {
        info.type = id == EVP_PKEY_RSA ? "RSA" : "RSA-PSS";
    } else if (id == EVP_PKEY_ED25519) {
        info.type = "Ed25519";
    } else if (id == EVP_PKEY_ED448) {
        info.type = "Ed448";
    } else if (id == EVP_PKEY_DSA) {
        info.type = "DSA";
    } else {
        const char* name = EVP_PKEY_get0_type_name(key);
        info.type = name != nullptr ? name : "unknown";
    }
    ERR_clear_error();
    return info;
}

std::string describe_key(const EVP_PKEY* key) {
    KeyInfo info = key_info(key);
    if (!info.curve.empty()) return info.type + " " + info.curve;
    return info.type + " " + std::to_string(info.bits);
}

std::string weak_key_reason(const EVP_PKEY* key) {
    KeyInfo info = key_info(key);
    if (info.type == "EC") {
        if (info.curve == "P-256" || info.curve == "P-384" || info.curve == "P-521") return {};
        return "EC curve " + (info.curve.empty() ? std::string("unknown") : info.curve) +
               " is not allowed (use P-256 or P-384)";
    }
    if (info.type == "RSA" || info.type == "RSA-PSS") {
        if (info.bits >= 3072) return {};
        return "RSA " + std::to_string(info.bits) + " is too small (at least 3072 bits)";
    }
    if (info.type == "Ed25519" || info.type == "Ed448") return {};
    return info.type + " keys are not allowed (use EC P-256/P-384 or RSA 3072+)";
}

const EVP_MD* digest_for(const EVP_PKEY* key) {
    KeyInfo info = key_info(key);
    if (info.type == "Ed25519" || info.type == "Ed448") return nullptr;
    if (info.curve == "P-384") return EVP_sha384();
    if (info.curve == "P-521") return EVP_sha512();
    return EVP_sha256();
}

namespace {

struct PassphraseCall {
    std::string spec;
    std::string what;
    util::Secret secret;
    bool asked = false;
    std::optional<util::Error> failure;  // re-raised once the decoder returns
};

int passphrase_cb(char* buf, int size, int /*rwflag*/, void* u) {
    auto* call = static_cast<PassphraseCall*>(u);
    try {
        if (!call->asked) {
            call->secret = util::resolve_secret(call->spec, call->what);
            call->asked = true;
        }
    } catch (const util::Error& e) {
        call->failure = e;
        return -1;
    }
    const std::string& v = call->secret.value();
    if (static_cast<int>(v.size()) > size) return -1;
    std::copy(v.begin(), v.end(), buf);
    return static_cast<int>(v.size());
}

}  // namespace

std::string encrypted_private_key_pem(const EVP_PKEY* key, const util::Secret& passphrase) {
    util::BioPtr bio(BIO_new(BIO_s_secmem()));
    if (!bio) util::throw_openssl("cannot allocate memory");
    const std::string& pw = passphrase.value();
    if (PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), pw.data(), static_cast<int>(pw.size()),
                                      nullptr, nullptr) != 1)
        util::throw_openssl("cannot encrypt private key");
    return util::bio_text(bio.get());
}

std::string plaintext_private_key_pem(const EVP_PKEY* key) {
    util::BioPtr bio(BIO_new(BIO_s_secmem()));
    if (PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        util::throw_openssl("cannot encode private key");
    return util::bio_text(bio.get());
}

std::string public_key_pem(const EVP_PKEY* key) {
    util::BioPtr bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_PUBKEY(bio.get(), key) != 1) util::throw_openssl("cannot encode public key");
    return util::bio_text(bio.get());
}

std::vector<uint8_t> public_key_der(const EVP_PKEY* key) {
    unsigned char* buf = nullptr;
    int len = i2d_PUBKEY(key, &buf);
    if (len <= 0) util::throw_openssl("cannot encode public key");
    std::vector<uint8_t> out(buf, buf + len);
    OPENSSL_free(buf);
    return out;
}

util::EvpPkey load_private_key_file(const std::string& path, const std::string& passphrase_spec) {
    std::string data = util::read_file(path);
    PassphraseCall call{passphrase_spec, "passphrase for " + path, {}, false, std::nullopt};
    EVP_PKEY* key = nullptr;
    ERR_clear_error();
    if (data.find("-----BEGIN") != std::string::npos) {
        util::BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
        key = PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_cb, &call);
    } else {
        util::BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
        key = d2i_PKCS8PrivateKey_bio(bio.get(), nullptr, passphrase_cb, &call);
        if (key == nullptr) {
            const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
            key = d2i_AutoPrivateKey(nullptr, &p, static_cast<long>(data.size()));
        }
    }
    OPENSSL_cleanse(data.data(), data.size());
    if (key == nullptr) {
        util::drain_openssl_errors();
        if (call.failure) throw *call.failure;
        if (call.asked) util::fail_input(path + ": wrong passphrase (from " + call.secret.origin() + ") or corrupt key file");
        util::fail_input(path + ": not a readable private key (PEM or DER PKCS#8 expected)");
    }
    return util::EvpPkey(key);
}

bool same_public_key(const EVP_PKEY* a, const EVP_PKEY* b) {
    return public_key_der(a) == public_key_der(b);
}

}  // namespace pki
