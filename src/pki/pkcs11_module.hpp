#pragma once
// Internals of the PKCS#11 layer, used only by src/pki/pkcs11*.cpp.
//
// Ownership: libp11 loads each module and owns its C_Initialize/C_Finalize.
// The raw calls libp11 0.4.12 lacks (attributes, EC key generation, object
// removal) go through the function list of that very loaded instance and
// never initialise or finalise it, so there is one Cryptoki lifecycle per
// module and neither side can end the other's sessions. Pkcs11Modules
// (pkcs11.cpp) makes sure a run loads each module once.
#include <dlfcn.h>
#include <libp11.h>
// The GNU flavour of p11-kit's header: its default compatibility flavour
// #defines lowercase words such as `value` and `count`, which would rewrite
// unrelated C++ code included after it.
#define CRYPTOKI_GNU 1
#include <p11-kit/pkcs11.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/ossl.hpp"
#include "util/secret.hpp"

namespace pki::p11 {

// "CKR_PIN_INCORRECT" for the codes people meet, hex for the rest.
std::string rv_text(ck_rv_t rv);

class Module {
public:
    // Loads and initialises the module; exit 2 naming the file when it is
    // missing, not a PKCS#11 module, or fails to initialise.
    explicit Module(std::string path);
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;

    const std::string& path() const { return path_; }
    ck_function_list* fn() const { return fn_; }
    // Slots holding an initialised token, as libp11 listed them at load.
    const std::vector<PKCS11_SLOT*>& tokens() const { return tokens_; }

private:
    struct SlotList {
        PKCS11_CTX* ctx = nullptr;
        PKCS11_SLOT* slots = nullptr;
        unsigned count = 0;
        SlotList() = default;
        SlotList(const SlotList&) = delete;
        SlotList& operator=(const SlotList&) = delete;
        ~SlotList() {
            if (slots != nullptr) PKCS11_release_all_slots(ctx, slots, count);
        }
    };
    using DlHandle = std::unique_ptr<void, util::Free<dlclose>>;
    using CtxPtr = std::unique_ptr<PKCS11_CTX, util::Free<PKCS11_CTX_free>>;
    // Not a second owner of the context: its deleter unloads (C_Finalize),
    // which must happen after the slots go and before the context is freed.
    using CtxLoaded = std::unique_ptr<PKCS11_CTX, util::Free<PKCS11_CTX_unload>>;

    // Destroyed bottom-up: slots, C_Finalize, context, our dlopen reference.
    std::string path_;
    DlHandle dl_;
    ck_function_list* fn_ = nullptr;
    CtxPtr ctx_;
    CtxLoaded loaded_;
    SlotList slots_;
    std::vector<PKCS11_SLOT*> tokens_;
};

// PKCS#11 pads text fields with blanks; libp11 passes some of that on.
std::string unpadded(const char* text);
std::string token_label(const PKCS11_SLOT* slot);

// The user login to one token. PKCS#11 logs in the whole process, not a
// session, so keys on one token share a Login and the last one out logs out.
class Login {
public:
    // Exit 2 "token 'L': wrong PIN (from env:X)" on a wrong PIN.
    Login(std::shared_ptr<Module> module, PKCS11_SLOT* slot, const util::Secret* pin);
    ~Login();
    Login(const Login&) = delete;
    Login& operator=(const Login&) = delete;

    const Module& module() const { return *module_; }
    PKCS11_SLOT* slot() const { return slot_; }
    ck_slot_id_t slot_id() const { return PKCS11_get_slotid_from_slot(slot_); }
    const std::string& label() const { return label_; }

private:
    std::shared_ptr<Module> module_;
    PKCS11_SLOT* slot_;
    std::string label_;
    bool logged_in_ = false;
};

// A raw PKCS#11 session on a logged-in token.
class Session {
public:
    Session(const Login& login, bool read_write);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    std::vector<ck_object_handle_t> find(std::vector<ck_attribute> match) const;
    // nullopt when the token will not say (sensitive attribute, unknown type).
    std::optional<bool> flag(ck_object_handle_t object, ck_attribute_type_t type) const;
    std::vector<uint8_t> bytes(ck_object_handle_t object, ck_attribute_type_t type) const;
    // {public, private}
    std::pair<ck_object_handle_t, ck_object_handle_t> generate_key_pair(ck_mechanism_type_t mechanism,
                                                                    std::vector<ck_attribute> public_template,
                                                                    std::vector<ck_attribute> private_template) const;
    ck_rv_t destroy(ck_object_handle_t object) const noexcept;
    const std::string& token() const { return token_; }

private:
    ck_function_list* fn_;
    ck_session_handle_t handle_ = 0;
    std::string token_;
};

// Objects just made on the token, destroyed unless keep() is called: a
// ceremony that fails after generating a key leaves nothing behind.
class NewObjects {
public:
    NewObjects(const Session& session, std::vector<ck_object_handle_t> objects)
        : session_(&session), objects_(std::move(objects)) {}
    NewObjects(NewObjects&& other) noexcept
        : session_(other.session_), objects_(std::exchange(other.objects_, {})) {}
    NewObjects& operator=(NewObjects&&) = delete;
    NewObjects(const NewObjects&) = delete;
    ~NewObjects() {
        for (ck_object_handle_t h : objects_) session_->destroy(h);
    }
    void keep() { objects_.clear(); }

private:
    const Session* session_;
    std::vector<ck_object_handle_t> objects_;
};

// The private key as an EVP_PKEY through libp11, picked by its exact CKA_LABEL
// and CKA_ID, so that OpenSSL's own signing path signs inside the token.
util::EvpPkey libp11_private_key(const Login& login, const std::vector<uint8_t>& label, const std::vector<uint8_t>& id,
                                 const std::string& ref);

}  // namespace pki::p11
