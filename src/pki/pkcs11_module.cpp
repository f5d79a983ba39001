#include "pki/pkcs11_module.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

#include <openssl/err.h>

#include "util/error.hpp"

namespace pki::p11 {

std::string rv_text(ck_rv_t rv) {
    switch (rv) {
        case CKR_OK: return "CKR_OK";
        case CKR_GENERAL_ERROR: return "CKR_GENERAL_ERROR";
        case CKR_FUNCTION_FAILED: return "CKR_FUNCTION_FAILED";
        case CKR_ARGUMENTS_BAD: return "CKR_ARGUMENTS_BAD";
        case CKR_ATTRIBUTE_TYPE_INVALID: return "CKR_ATTRIBUTE_TYPE_INVALID";
        case CKR_ATTRIBUTE_VALUE_INVALID: return "CKR_ATTRIBUTE_VALUE_INVALID";
        case CKR_DEVICE_ERROR: return "CKR_DEVICE_ERROR";
        case CKR_DEVICE_MEMORY: return "CKR_DEVICE_MEMORY";
        case CKR_DEVICE_REMOVED: return "CKR_DEVICE_REMOVED";
        case CKR_DOMAIN_PARAMS_INVALID: return "CKR_DOMAIN_PARAMS_INVALID";
        case CKR_KEY_SIZE_RANGE: return "CKR_KEY_SIZE_RANGE";
        case CKR_MECHANISM_INVALID: return "CKR_MECHANISM_INVALID";
        case CKR_OBJECT_HANDLE_INVALID: return "CKR_OBJECT_HANDLE_INVALID";
        case CKR_PIN_INCORRECT: return "CKR_PIN_INCORRECT";
        case CKR_PIN_LOCKED: return "CKR_PIN_LOCKED";
        case CKR_SESSION_READ_ONLY: return "CKR_SESSION_READ_ONLY";
        case CKR_TEMPLATE_INCOMPLETE: return "CKR_TEMPLATE_INCOMPLETE";
        case CKR_TEMPLATE_INCONSISTENT: return "CKR_TEMPLATE_INCONSISTENT";
        case CKR_TOKEN_NOT_PRESENT: return "CKR_TOKEN_NOT_PRESENT";
        case CKR_TOKEN_WRITE_PROTECTED: return "CKR_TOKEN_WRITE_PROTECTED";
        case CKR_USER_NOT_LOGGED_IN: return "CKR_USER_NOT_LOGGED_IN";
        case CKR_CRYPTOKI_NOT_INITIALIZED: return "CKR_CRYPTOKI_NOT_INITIALIZED";
        default: break;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "CKR 0x%08lX", static_cast<unsigned long>(rv));
    return buf;
}

namespace {

const char* kModuleHint = "give module-path= in the URI, --pkcs11-module or PROVCTL_PKCS11_MODULE";

// Someone else in this process already initialised the module: loading it
// again would share its state, and our C_Finalize would end their sessions.
bool initialised_elsewhere(const std::string& path) {
    void* already = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
    if (already == nullptr) return false;
    bool in_use = false;
    auto get = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(already, "C_GetFunctionList"));
    ck_function_list* fn = nullptr;
    if (get != nullptr && get(&fn) == CKR_OK && fn != nullptr) {
        ck_info info;
        in_use = fn->C_GetInfo(&info) != CKR_CRYPTOKI_NOT_INITIALIZED;
    }
    ::dlclose(already);
    return in_use;
}

}  // namespace

std::string unpadded(const char* text) {
    std::string v = text != nullptr ? text : "";
    while (!v.empty() && v.back() == ' ') v.pop_back();
    return v;
}

Module::Module(std::string path) : path_(std::move(path)) {
    if (path_.find('/') != std::string::npos) {
        struct stat st;
        if (::stat(path_.c_str(), &st) != 0) util::fail_input("PKCS#11 module " + path_ + " does not exist; " + kModuleHint);
        if (!S_ISREG(st.st_mode)) util::fail_input("PKCS#11 module " + path_ + " is not a file; " + kModuleHint);
    }
    if (initialised_elsewhere(path_))
        util::fail_op("PKCS#11 module " + path_ + " is already in use in this process; loading it twice would end "
                      "the other user's sessions");

    ::dlerror();
    // Our own reference gives clear errors for a file that is no module and
    // the function list of the instance libp11 is about to initialise.
    dl_.reset(::dlopen(path_.c_str(), RTLD_NOW | RTLD_LOCAL));
    if (!dl_) {
        const char* why = ::dlerror();
        util::fail_input("PKCS#11 module " + path_ + " cannot be loaded: " + (why != nullptr ? why : "unknown reason"));
    }
    auto get = reinterpret_cast<CK_C_GetFunctionList>(::dlsym(dl_.get(), "C_GetFunctionList"));
    if (get == nullptr || get(&fn_) != CKR_OK || fn_ == nullptr)
        util::fail_input(path_ + " is not a PKCS#11 module (it has no C_GetFunctionList); " + kModuleHint);

    ctx_.reset(PKCS11_CTX_new());
    if (!ctx_) util::throw_openssl("cannot allocate a libp11 context");
    ERR_clear_error();
    if (PKCS11_CTX_load(ctx_.get(), path_.c_str()) != 0)
        util::throw_openssl("PKCS#11 module " + path_ + " failed to initialise", util::ExitCode::usage);
    loaded_.reset(ctx_.get());

    // Both references must lead to one instance, or raw calls would run
    // against a module nobody initialised.
    ck_info info;
    if (ck_rv_t rv = fn_->C_GetInfo(&info); rv != CKR_OK)
        util::fail_op("PKCS#11 module " + path_ + " answers C_GetInfo with " + rv_text(rv) + " after initialisation");

    if (PKCS11_enumerate_slots(ctx_.get(), &slots_.slots, &slots_.count) != 0)
        util::throw_openssl("cannot list the slots of PKCS#11 module " + path_);
    slots_.ctx = ctx_.get();
    for (unsigned i = 0; i < slots_.count; ++i) {
        PKCS11_SLOT* slot = &slots_.slots[i];
        if (slot->token != nullptr && slot->token->initialized) tokens_.push_back(slot);
    }
}

std::string token_label(const PKCS11_SLOT* slot) { return unpadded(slot->token->label); }

Login::Login(std::shared_ptr<Module> module, PKCS11_SLOT* slot, const util::Secret* pin)
    : module_(std::move(module)), slot_(slot), label_(token_label(slot)) {
    if (pin == nullptr) return;
    ERR_clear_error();
    if (PKCS11_login(slot_, 0, pin->value().c_str()) == 0) {
        logged_in_ = true;
        return;
    }
    auto rv = static_cast<ck_rv_t>(ERR_GET_REASON(ERR_peek_last_error()));
    std::string detail = util::drain_openssl_errors();
    std::string where = "token '" + label_ + "'";
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LEN_RANGE || rv == CKR_PIN_INVALID)
        util::fail_input(where + ": wrong PIN (from " + pin->origin() + ")");
    if (rv == CKR_PIN_LOCKED) util::fail_input(where + ": the user PIN is locked; the token's security officer must reset it");
    util::fail_op(where + ": login failed: " + detail);
}

Login::~Login() {
    if (logged_in_) PKCS11_logout(slot_);
}

Session::Session(const Login& login, bool read_write) : fn_(login.module().fn()), token_(login.label()) {
    ck_flags_t flags = CKF_SERIAL_SESSION | (read_write ? CKF_RW_SESSION : 0);
    if (ck_rv_t rv = fn_->C_OpenSession(login.slot_id(), flags, nullptr, nullptr, &handle_); rv != CKR_OK)
        util::fail_op("token '" + token_ + "': cannot open a session: " + rv_text(rv));
}

Session::~Session() { fn_->C_CloseSession(handle_); }

std::vector<ck_object_handle_t> Session::find(std::vector<ck_attribute> match) const {
    if (ck_rv_t rv = fn_->C_FindObjectsInit(handle_, match.data(), match.size()); rv != CKR_OK)
        util::fail_op("token '" + token_ + "': cannot search objects: " + rv_text(rv));
    std::vector<ck_object_handle_t> found;
    ck_object_handle_t batch[32];
    unsigned long got = 0;
    ck_rv_t rv;
    while ((rv = fn_->C_FindObjects(handle_, batch, 32, &got)) == CKR_OK && got > 0) found.insert(found.end(), batch, batch + got);
    fn_->C_FindObjectsFinal(handle_);
    if (rv != CKR_OK) util::fail_op("token '" + token_ + "': cannot search objects: " + rv_text(rv));
    return found;
}

std::optional<bool> Session::flag(ck_object_handle_t object, ck_attribute_type_t type) const {
    unsigned char value = 0;
    ck_attribute a{type, &value, sizeof value};
    if (fn_->C_GetAttributeValue(handle_, object, &a, 1) != CKR_OK || a.value_len != sizeof value) return std::nullopt;
    return value == 1;
}

std::vector<uint8_t> Session::bytes(ck_object_handle_t object, ck_attribute_type_t type) const {
    ck_attribute a{type, nullptr, 0};
    if (fn_->C_GetAttributeValue(handle_, object, &a, 1) != CKR_OK || a.value_len == CK_UNAVAILABLE_INFORMATION) return {};
    std::vector<uint8_t> value(a.value_len);
    a.value = value.data();
    if (ck_rv_t rv = fn_->C_GetAttributeValue(handle_, object, &a, 1); rv != CKR_OK)
        util::fail_op("token '" + token_ + "': cannot read an attribute: " + rv_text(rv));
    value.resize(a.value_len);
    return value;
}

std::pair<ck_object_handle_t, ck_object_handle_t> Session::generate_key_pair(ck_mechanism_type_t mechanism,
                                                                         std::vector<ck_attribute> public_template,
                                                                         std::vector<ck_attribute> private_template) const {
    ck_mechanism mech{mechanism, nullptr, 0};
    ck_object_handle_t pub = 0, priv = 0;
    ck_rv_t rv = fn_->C_GenerateKeyPair(handle_, &mech, public_template.data(), public_template.size(),
                                      private_template.data(), private_template.size(), &pub, &priv);
    if (rv == CKR_MECHANISM_INVALID || rv == CKR_KEY_SIZE_RANGE || rv == CKR_DOMAIN_PARAMS_INVALID)
        util::fail_input("token '" + token_ + "' cannot make this key type (" + rv_text(rv) + "); choose another --key-type");
    if (rv != CKR_OK) util::fail_op("token '" + token_ + "': key generation failed: " + rv_text(rv));
    return {pub, priv};
}

ck_rv_t Session::destroy(ck_object_handle_t object) const noexcept { return fn_->C_DestroyObject(handle_, object); }

util::EvpPkey libp11_private_key(const Login& login, const std::vector<uint8_t>& label, const std::vector<uint8_t>& id,
                                 const std::string& ref) {
    PKCS11_KEY* keys = nullptr;
    unsigned count = 0;
    ERR_clear_error();
    if (PKCS11_enumerate_keys(login.slot()->token, &keys, &count) != 0)
        util::throw_openssl("token '" + login.label() + "': cannot list private keys");
    std::string want_label(label.begin(), label.end());
    PKCS11_KEY* match = nullptr;
    for (unsigned i = 0; i < count; ++i) {
        const PKCS11_KEY& k = keys[i];
        bool same_id = k.id_len == id.size() && (id.empty() || std::equal(id.begin(), id.end(), k.id));
        bool same_label = want_label == (k.label != nullptr ? k.label : "");
        if (!same_id || !same_label || !k.isPrivate) continue;
        if (match != nullptr)
            util::fail_input("token '" + login.label() + "' has several private keys with the label and id of " + ref +
                             "; give each key its own id");
        match = &keys[i];
    }
    if (match == nullptr) util::fail_op("token '" + login.label() + "': libp11 does not list the private key " + ref);
    EVP_PKEY* pkey = PKCS11_get_private_key(match);
    if (pkey == nullptr)
        util::throw_openssl("token '" + login.label() + "': cannot use private key " + ref +
                                " (a key type libp11 supports: EC or RSA)",
                            util::ExitCode::usage);
    return util::EvpPkey(pkey);
}

}  // namespace pki::p11
