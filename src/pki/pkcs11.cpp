// Token keys: find or make the key, check it may act as a CA key, and hand
// OpenSSL an EVP_PKEY (libp11) that signs inside the token.
#include "pki/pkcs11.hpp"

#include <filesystem>
#include <functional>
#include <map>

#include <openssl/rand.h>

#include "pki/pkcs11_module.hpp"

namespace pki {

class Pkcs11Modules {
public:
    std::shared_ptr<p11::Module> module(const std::string& path) {
        std::error_code ec;
        auto canonical = std::filesystem::canonical(path, ec);
        auto& slot = modules_[ec ? path : canonical.string()];
        if (auto loaded = slot.lock()) return loaded;
        auto loaded = std::make_shared<p11::Module>(path);
        slot = loaded;
        return loaded;
    }

    // `pin` is only asked when this token is not logged in yet.
    std::shared_ptr<p11::Login> login(const std::shared_ptr<p11::Module>& module, PKCS11_SLOT* slot,
                                      const std::function<util::Secret()>& pin) {
        auto& entry = logins_[{module.get(), PKCS11_get_slotid_from_slot(slot)}];
        if (auto existing = entry.lock()) return existing;
        std::shared_ptr<p11::Login> made;
        if (slot->token->loginRequired) {
            util::Secret secret = pin();
            made = std::make_shared<p11::Login>(module, slot, &secret);
        } else {
            made = std::make_shared<p11::Login>(module, slot, nullptr);
        }
        entry = made;
        return made;
    }

private:
    // Weak: the keys own what they use, so a module is unloaded and a token
    // logged out as soon as the last key on it goes away.
    std::map<std::string, std::weak_ptr<p11::Module>> modules_;
    std::map<std::pair<const p11::Module*, ck_slot_id_t>, std::weak_ptr<p11::Login>> logins_;
};

std::shared_ptr<Pkcs11Modules> make_pkcs11_modules() { return std::make_shared<Pkcs11Modules>(); }

namespace {

class TokenKey : public SigningKey {
public:
    TokenKey(std::shared_ptr<p11::Login> login, std::unique_ptr<p11::Session> session,
             std::optional<p11::NewObjects> made, util::EvpPkey key, std::string ref, std::vector<std::string> warnings)
        : login_(std::move(login)),
          session_(std::move(session)),
          made_(std::move(made)),
          key_(std::move(key)),
          ref_(std::move(ref)),
          warnings_(std::move(warnings)) {}
    EVP_PKEY* pkey() const override { return key_.get(); }
    std::string describe() const override { return ref_; }
    bool on_token() const override { return true; }
    void commit() override {
        if (made_) made_->keep();
    }
    std::vector<std::string> warnings() const override { return warnings_; }

private:
    // Members go in reverse: the EVP_PKEY, uncommitted new objects, the
    // session, then the login (and with the last key on it, the module).
    std::shared_ptr<p11::Login> login_;
    std::unique_ptr<p11::Session> session_;
    std::optional<p11::NewObjects> made_;
    util::EvpPkey key_;
    std::string ref_;
    std::vector<std::string> warnings_;
};

std::string module_path(const Pkcs11Uri& uri, const KeyAccess& access) {
    if (!uri.module_path.empty()) return uri.module_path;
    if (!access.pkcs11_module.empty()) return access.pkcs11_module;
    util::fail_input("no PKCS#11 module: give module-path= in the URI, --pkcs11-module or PROVCTL_PKCS11_MODULE");
}

void check_key_uri(const Pkcs11Uri& uri) {
    if (!uri.type.empty() && uri.type != "private")
        util::fail_input(uri.to_string() + ": type=" + uri.type + " is not a private key; use type=private or leave type= out");
    if (uri.object.empty() && uri.id.empty()) util::fail_input(uri.to_string() + ": name the key with object= or id=");
}

bool token_matches(const PKCS11_TOKEN* t, const Pkcs11Uri& uri) {
    auto same = [](const std::string& want, const char* have) { return want.empty() || want == p11::unpadded(have); };
    return same(uri.token, t->label) && same(uri.manufacturer, t->manufacturer) && same(uri.serial, t->serialnr) &&
           same(uri.model, t->model);
}

std::string tokens_present(const p11::Module& module) {
    std::string list;
    for (const PKCS11_SLOT* s : module.tokens())
        list += (list.empty() ? "" : ", ") + ("'" + p11::token_label(s) + "' (serial " + p11::unpadded(s->token->serialnr) + ")");
    return list.empty() ? "none" : list;
}

PKCS11_SLOT* pick_token(const p11::Module& module, const Pkcs11Uri& uri) {
    std::vector<PKCS11_SLOT*> hits;
    for (PKCS11_SLOT* s : module.tokens())
        if (token_matches(s->token, uri)) hits.push_back(s);
    if (hits.size() == 1) return hits.front();
    Pkcs11Uri selector;
    selector.token = uri.token;
    selector.manufacturer = uri.manufacturer;
    selector.serial = uri.serial;
    selector.model = uri.model;
    std::string which = selector.to_string();
    if (hits.empty())
        util::fail_input("no token matches " + which + " in PKCS#11 module " + module.path() +
                         "; tokens present: " + tokens_present(module));
    util::fail_input(std::to_string(hits.size()) + " tokens match " + which + " in PKCS#11 module " + module.path() +
                     "; pick one with token= or serial= (tokens present: " + tokens_present(module) + ")");
}

std::shared_ptr<p11::Login> reach_token(const Pkcs11Uri& uri, const KeyAccess& access) {
    std::shared_ptr<Pkcs11Modules> modules = access.pkcs11_modules ? access.pkcs11_modules : make_pkcs11_modules();
    auto module = modules->module(module_path(uri, access));
    PKCS11_SLOT* slot = pick_token(*module, uri);
    return modules->login(module, slot, [&] {
        std::string spec = uri.pin_spec().empty() ? access.pin : uri.pin_spec();
        return util::resolve_secret(spec, "PIN for token '" + p11::token_label(slot) + "'");
    });
}

struct KeyFacts {
    std::vector<uint8_t> label;
    std::vector<uint8_t> id;
    std::optional<bool> sensitive;
    std::optional<bool> extractable;
    std::optional<bool> never_extractable;
};

KeyFacts read_facts(const p11::Session& session, ck_object_handle_t key) {
    KeyFacts f;
    f.label = session.bytes(key, CKA_LABEL);
    f.id = session.bytes(key, CKA_ID);
    f.sensitive = session.flag(key, CKA_SENSITIVE);
    f.extractable = session.flag(key, CKA_EXTRACTABLE);
    f.never_extractable = session.flag(key, CKA_NEVER_EXTRACTABLE);
    return f;
}

// A CA key that can be read out of the token is only as safe as every copy
// ever made of it, so it is refused unless the operator insists.
std::vector<std::string> extraction_policy(const KeyFacts& f, const std::string& ref, bool allow) {
    std::string reasons;
    auto add = [&reasons](const std::string& r) { reasons += (reasons.empty() ? "" : ", ") + r; };
    if (f.extractable != false) add(f.extractable.has_value() ? "CKA_EXTRACTABLE is true" : "CKA_EXTRACTABLE is unreadable");
    if (f.sensitive != true) add(f.sensitive.has_value() ? "CKA_SENSITIVE is false" : "CKA_SENSITIVE is unreadable");
    if (reasons.empty()) {
        if (f.never_extractable == false)
            return {"token key " + ref + " was imported or was once extractable (CKA_NEVER_EXTRACTABLE is false): "
                    "copies of it may exist outside the token"};
        return {};
    }
    std::string what = "token key " + ref + " can be read out of the token (" + reasons + ")";
    if (!allow)
        util::fail_input(what + "; a CA key must stay inside its token: make a new key there, or pass "
                                "--allow-extractable to use this one anyway (dangerous)");
    return {what + "; used only because of --allow-extractable: anyone who copied it can sign as this CA"};
}

ck_attribute attr(ck_attribute_type_t type, const void* value, size_t len) {
    return {type, const_cast<void*>(value), len};
}

}  // namespace

std::unique_ptr<SigningKey> open_pkcs11_key(const Pkcs11Uri& uri, const KeyAccess& access) {
    check_key_uri(uri);
    auto login = reach_token(uri, access);
    auto session = std::make_unique<p11::Session>(*login, false);
    const std::string ref = uri.to_string();

    ck_object_class_t private_key = CKO_PRIVATE_KEY;
    std::vector<ck_attribute> match{attr(CKA_CLASS, &private_key, sizeof private_key)};
    if (!uri.object.empty()) match.push_back(attr(CKA_LABEL, uri.object.data(), uri.object.size()));
    if (!uri.id.empty()) match.push_back(attr(CKA_ID, uri.id.data(), uri.id.size()));
    auto found = session->find(match);
    if (found.empty())
        util::fail_input("token '" + login->label() + "' has no private key " + ref +
                         " (pkcs11-tool --list-objects --type privkey lists them)");
    if (found.size() > 1)
        util::fail_input("token '" + login->label() + "' has " + std::to_string(found.size()) + " private keys matching " +
                         ref + "; add id= to pick one");

    KeyFacts facts = read_facts(*session, found.front());
    auto warnings = extraction_policy(facts, ref, access.allow_extractable);
    auto key = p11::libp11_private_key(*login, facts.label, facts.id, ref);
    return std::make_unique<TokenKey>(std::move(login), std::move(session), std::nullopt, std::move(key), ref,
                                      std::move(warnings));
}

namespace {

// DER OIDs of the named curves, as CKA_EC_PARAMS wants them.
const std::vector<uint8_t> kP256{0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
const std::vector<uint8_t> kP384{0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};

void refuse_existing(const p11::Session& session, const Pkcs11Uri& ref) {
    if (!session.find({attr(CKA_LABEL, ref.object.data(), ref.object.size())}).empty())
        util::fail_input("token '" + session.token() + "' already has an object labelled '" + ref.object +
                         "'; choose another object= (provctl never replaces a key)");
    if (!session.find({attr(CKA_ID, ref.id.data(), ref.id.size())}).empty()) {
        Pkcs11Uri id_only;
        id_only.id = ref.id;
        util::fail_input("token '" + session.token() + "' already has an object with " + id_only.to_string().substr(7) +
                         "; choose another id= or leave it out");
    }
}

}  // namespace

std::unique_ptr<SigningKey> create_pkcs11_key(const Pkcs11Uri& uri, KeyType type, const KeyAccess& access) {
    if (!uri.type.empty() && uri.type != "private")
        util::fail_input(uri.to_string() + ": type=" + uri.type + " is not a private key; use type=private or leave type= out");
    if (uri.object.empty()) util::fail_input(uri.to_string() + ": a new token key needs object= to name it");
    auto login = reach_token(uri, access);
    auto session = std::make_unique<p11::Session>(*login, true);

    Pkcs11Uri ref = uri;
    if (ref.id.empty()) {
        // A fresh id pairs the public and private objects (libp11 finds the
        // EC public point through it) and tells this key from older ones.
        ref.id.resize(16);
        if (RAND_bytes(ref.id.data(), static_cast<int>(ref.id.size())) != 1) util::throw_openssl("random number generator failed");
    }
    refuse_existing(*session, ref);

    const unsigned char yes = 1, no = 0;
    // Signing only: a CA key that also decrypts, unwraps or derives has more
    // ways to be misused, and tokens tend to default those to true.
    std::vector<ck_attribute> pub{
        attr(CKA_TOKEN, &yes, 1), attr(CKA_VERIFY, &yes, 1), attr(CKA_ENCRYPT, &no, 1), attr(CKA_WRAP, &no, 1),
        attr(CKA_LABEL, ref.object.data(), ref.object.size()), attr(CKA_ID, ref.id.data(), ref.id.size())};
    std::vector<ck_attribute> priv{
        attr(CKA_TOKEN, &yes, 1), attr(CKA_PRIVATE, &yes, 1), attr(CKA_SENSITIVE, &yes, 1),
        attr(CKA_EXTRACTABLE, &no, 1), attr(CKA_SIGN, &yes, 1), attr(CKA_DECRYPT, &no, 1), attr(CKA_UNWRAP, &no, 1),
        attr(CKA_DERIVE, &no, 1), attr(CKA_LABEL, ref.object.data(), ref.object.size()),
        attr(CKA_ID, ref.id.data(), ref.id.size())};
    unsigned long modulus_bits = type == KeyType::rsa_4096 ? 4096 : 3072;
    const unsigned char exponent[] = {0x01, 0x00, 0x01};
    ck_mechanism_type_t mechanism = CKM_EC_KEY_PAIR_GEN;
    switch (type) {
        case KeyType::ec_p256: pub.push_back(attr(CKA_EC_PARAMS, kP256.data(), kP256.size())); break;
        case KeyType::ec_p384: pub.push_back(attr(CKA_EC_PARAMS, kP384.data(), kP384.size())); break;
        case KeyType::rsa_3072:
        case KeyType::rsa_4096:
            mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN;
            pub.push_back(attr(CKA_MODULUS_BITS, &modulus_bits, sizeof modulus_bits));
            pub.push_back(attr(CKA_PUBLIC_EXPONENT, exponent, sizeof exponent));
            break;
    }
    auto [public_key, private_key] = session->generate_key_pair(mechanism, pub, priv);
    std::optional<p11::NewObjects> made;
    made.emplace(*session, std::vector<ck_object_handle_t>{private_key, public_key});

    const std::string text = ref.to_string();
    KeyFacts facts = read_facts(*session, private_key);
    if (facts.extractable != false || facts.sensitive != true)
        util::fail_op("token '" + login->label() + "' made " + text +
                      " readable from outside although CKA_SENSITIVE true and CKA_EXTRACTABLE false were asked; "
                      "the key was removed");
    auto key = p11::libp11_private_key(*login, facts.label, facts.id, text);
    return std::make_unique<TokenKey>(std::move(login), std::move(session), std::move(made), std::move(key), text,
                                      std::vector<std::string>{});
}

}  // namespace pki
