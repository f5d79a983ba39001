#include "device/proof.hpp"

#include <openssl/err.h>
#include <openssl/rand.h>

#include "util/ossl.hpp"

namespace device {

std::string rotate_message(std::string_view device_id, std::string_view nonce) {
    std::string m = "provctl-rotate-v1";
    m.push_back('\0');
    m.append(device_id);
    m.push_back('\0');
    m.append(nonce);
    return m;
}

std::string sign_sha256(EVP_PKEY* key, std::string_view data) {
    util::EvpMdCtx ctx(EVP_MD_CTX_new());
    size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        util::throw_openssl("cannot sign with the issuing key");
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1)
        util::throw_openssl("cannot sign with the issuing key");
    sig.resize(len);
    return sig;
}

bool verify_sha256(EVP_PKEY* key, std::string_view data, std::string_view signature) {
    util::EvpMdCtx ctx(EVP_MD_CTX_new());
    bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
              EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                               reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
    ERR_clear_error();
    return ok;
}

std::string fresh_challenge() {
    std::string c(32, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(c.data()), static_cast<int>(c.size())) != 1)
        util::throw_openssl("cannot draw a challenge");
    return c;
}

}  // namespace device
