#include "pki/signing_key.hpp"

#include "pki/pkcs11.hpp"
#include "util/atomic_file.hpp"

namespace pki {

namespace {

class FileKey : public SigningKey {
public:
    FileKey(std::string path, util::EvpPkey key) : path_(std::move(path)), key_(std::move(key)) {}
    EVP_PKEY* pkey() const override { return key_.get(); }
    std::string describe() const override { return "file:" + path_; }

private:
    std::string path_;
    util::EvpPkey key_;
};

// A key made here, written encrypted only when the ceremony succeeds.
class NewFileKey : public SigningKey {
public:
    NewFileKey(std::string path, util::EvpPkey key, util::Secret passphrase, bool overwrite)
        : path_(std::move(path)), key_(std::move(key)), passphrase_(std::move(passphrase)), overwrite_(overwrite) {}
    EVP_PKEY* pkey() const override { return key_.get(); }
    std::string describe() const override { return "file:" + path_; }
    void commit() override {
        std::string pem = encrypted_private_key_pem(key_.get(), passphrase_);
        util::write_file_atomic(path_, pem, 0600, overwrite_);
        OPENSSL_cleanse(pem.data(), pem.size());
    }

private:
    std::string path_;
    util::EvpPkey key_;
    util::Secret passphrase_;
    bool overwrite_;
};

}  // namespace

bool is_file_ref(const std::string& ref) { return ref.rfind("file:", 0) == 0; }

std::string file_ref_path(const std::string& ref) {
    std::string path = ref.substr(5);
    if (path.empty()) util::fail_input("key reference 'file:' has no path");
    return path;
}

static void check_ref_kind(const std::string& ref) {
    if (!is_file_ref(ref) && ref.rfind("pkcs11:", 0) != 0)
        util::fail_input("key reference '" + ref + "' must start with file: or pkcs11:");
}

std::unique_ptr<SigningKey> open_signing_key(const std::string& ref, const KeyAccess& access) {
    check_ref_kind(ref);
    if (is_file_ref(ref)) {
        std::string path = file_ref_path(ref);
        return std::make_unique<FileKey>(path, load_private_key_file(path, access.passphrase));
    }
    return open_pkcs11_key(parse_pkcs11_uri(ref), access);
}

std::unique_ptr<SigningKey> create_signing_key(const std::string& ref, KeyType type, const KeyAccess& access,
                                               bool overwrite) {
    check_ref_kind(ref);
    if (is_file_ref(ref)) {
        std::string path = file_ref_path(ref);
        util::ensure_writable_target(path, overwrite);
        util::Secret pass = util::resolve_secret(access.passphrase, "passphrase for new key " + path, true);
        if (pass.value().size() < 8) util::fail_input("passphrase for new key " + path + " is shorter than 8 characters");
        return std::make_unique<NewFileKey>(path, generate_key(type), std::move(pass), overwrite);
    }
    return create_pkcs11_key(parse_pkcs11_uri(ref), type, access);
}

}  // namespace pki
