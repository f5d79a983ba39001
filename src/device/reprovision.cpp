// reprovision_unit: a returned unit gets a new key and certificate under
// the issuing CA's authorization; the old certificate is superseded and revoked.
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>

#include "device/proof.hpp"
#include "device/station.hpp"
#include "device/unit_checks.hpp"
#include "pki/cert_io.hpp"
#include "util/ossl.hpp"

namespace device {

namespace {

class Rma {
public:
    Rma(Client& client, const RmaPlan& plan, const StationConfig& config, const Issuing& issuing,
        SharedRegistry& registry, const util::Clock& clock, const StepObserver& observe)
        : client_(client), plan_(plan), cfg_(config), iss_(issuing), reg_(registry), clock_(clock),
          observe_(observe), signer_(*issuing.tmpl) {
        r_.port = plan.port;
    }

    UnitResult run() {
        auto started = std::chrono::steady_clock::now();
        try {
            step("IDENTIFY", [&] { identify(); });
            if (plan_.confirm && !plan_.confirm(r_, device_)) {
                r_.outcome = Outcome::failed;
                r_.failed_step = "IDENTIFY";
                r_.reason = "not confirmed; nothing was changed";
            } else {
                old_cert_ = parse_cert_pem(old_.pem, "the registry's certificate");
                if (resuming_) {
                    r_.resumed_from = unit_.step;
                } else {
                    step("PROVE", [&] { prove_old(); });
                    step("ROTATE", [&] { rotate(); });
                }
                step("ENROLL", [&] { enroll(); });
                step("CREDENTIAL_STORE", [&] { store(); });
                step("VERIFY", [&] { verify_new(); });
                step("REGISTER", [&] { record(); });
                r_.outcome = Outcome::refurbished;
            }
        } catch (const UnitStopped& e) {
            r_.outcome = e.outcome() == Outcome::quarantined ? Outcome::failed : e.outcome();
            r_.failed_step = e.step();
            r_.reason = e.what();
            audit_failure();
        } catch (const util::Error& e) {
            r_.outcome = Outcome::failed;
            r_.failed_step = current_;
            r_.reason = e.what();
            audit_failure();
        }
        r_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return std::move(r_);
    }

private:
    template <typename F>
    void step(const char* name, F&& fn) {
        current_ = name;
        r_.step = name;
        if (observe_) observe_(name);
        with_retries(name, cfg_.tries, cfg_.backoff, r_.retries, fn);
        if (!r_.device_id.empty() && current_ != "IDENTIFY") audit("step " + current_ + " done");
    }

    void audit(const std::string& detail) {
        reg_.with([&](registry::Registry& reg) {
            registry::Transaction tx(reg);
            reg.append_audit({"rma", r_.device_id, "", "", detail + " (reason " + plan_.reason + ", port " + plan_.port + ")"},
                             cfg_.actor);
            tx.commit();
        });
    }

    void audit_failure() {
        if (r_.device_id.empty()) return;
        try {
            audit("stopped at " + r_.failed_step + ": " + r_.reason);
        } catch (const util::Error&) {
            // The failure is reported to the operator either way.
        }
    }

    [[noreturn]] void refuse(const std::string& why) { throw StepFailed(why, false); }

    // IDENTIFY: the unit and its registry row; nothing changes yet.
    void identify() {
        Hello h = client_.hello();
        r_.hw_uid = h.hw_uid;
        if (!h.device_id) refuse("the device reports no device ID; it was never provisioned, use 'device provision'");
        r_.device_id = *h.device_id;
        if (h.lifecycle != "provisioned") refuse("the device reports " + h.lifecycle + "; use 'device provision'");
        auto found = reg_.with([&](registry::Registry& reg) {
            auto d = reg.find_device(r_.device_id);
            std::optional<registry::Certificate> active;
            if (d)
                for (auto& c : reg.certificates_of(r_.device_id))
                    if (c.status == registry::CertStatus::active) active = c;
            return std::make_pair(d, active);
        });
        if (!found.first) refuse("no device " + r_.device_id + " in the registry");
        device_ = *found.first;
        if (device_.hardware_uid != h.hw_uid)
            refuse("the registry has " + r_.device_id + " with hardware UID " + device_.hardware_uid +
                   ", the device reports " + h.hw_uid);
        if (!found.second) refuse("the registry has no active certificate for " + r_.device_id);
        old_ = *found.second;
        auto unit = reg_.with([&](registry::Registry& reg) { return reg.find_unit(h.hw_uid); });
        if (unit) unit_ = *unit;
        unit_.hw_uid = h.hw_uid;
        unit_.device_id = r_.device_id;
        unit_.port = plan_.port;
        // An earlier run authorised a rotate and stopped: the old key is gone,
        // the unit goes on from the key it made then.
        resuming_ = unit_.step.rfind("RMA_", 0) == 0;
        r_.old_serial = old_.serial;
        using registry::State;
        if (device_.state != State::returned) {
            auto next = registry::allowed_next(device_.state, device_.prior_state);
            if (std::find(next.begin(), next.end(), State::returned) == next.end() &&
                std::find(next.begin(), next.end(), State::refurbished) == next.end())
                refuse("device " + r_.device_id + " is " + registry::to_string(device_.state) +
                       "; only a shipped, activated, returned or quarantined unit can be re-provisioned");
        }
    }

    // PROVE: the unit holds the key of the registry's active certificate.
    void prove_old() {
        StoredCerts s = client_.read_certs(cfg_.slot);
        auto on_device = parse_cert_pem(s.cert, "the device's certificate");
        if (X509_cmp(on_device.get(), old_cert_.get()) != 0)
            refuse("the device holds certificate " + util::serial_hex(X509_get0_serialNumber(on_device.get())) +
                   ", the registry's active one is " + old_.serial);
        prove_possession(client_, cfg_.slot, old_cert_.get(), r_.device_id);
        // The rotate authorization must come from the key that issued this certificate.
        if (X509_check_issued(const_cast<X509*>(iss_.issuer), old_cert_.get()) != X509_V_OK ||
            X509_verify(old_cert_.get(), X509_get0_pubkey(iss_.issuer)) != 1)
            refuse("certificate " + old_.serial + " was issued by " + old_.issuer +
                   ", not by --issuer-cert; rotate with the CA that issued it");
    }

    // ROTATE: the device retires its key for a fresh one, on our authorization.
    void rotate() {
        // A retry after a lost answer: the first rotate took (the slot's
        // certificate is gone), so the key to certify is the CSR's.
        if (rotate_sent_ && client_.read_certs(cfg_.slot).cert.empty()) {
            new_spki_.clear();
            return;
        }
        rotate_sent_ = true;
        // Saved before the device acts on it: power lost after this point resumes at ENROLL.
        save_unit("RMA_ROTATING");
        std::string nonce = client_.begin_rotate(cfg_.slot);
        if (nonce.size() != 32) throw StepFailed("begin_rotate answered a nonce of " + std::to_string(nonce.size()) + " bytes, not 32", true);
        std::string auth = sign_sha256(iss_.issuer_key, rotate_message(r_.device_id, nonce));
        new_spki_ = client_.rotate(cfg_.slot, auth);
    }

    void enroll() {
        std::string csr = client_.get_csr(cfg_.slot, "CN=" + r_.device_id);
        std::string spki = checked_csr_key(csr, new_spki_);
        if (pki::spki_der(X509_get0_pubkey(old_cert_.get())) == spki)
            refuse("the device kept its old key after rotate");
        new_spki_ = spki;
        const std::string key_sha = util::sha256_hex(spki);
        if (!cert_ && unit_.public_key_sha256 == key_sha && !unit_.cert_pem.empty()) {
            // Issued by the run that stopped: the same certificate again, never a second one.
            cert_ = parse_cert_pem(unit_.cert_pem, "the stored certificate");
        }
        if (!cert_) {
            pki::DeviceCert issued = signer_.issue(r_.device_id, spki);
            cert_ = parse_cert_pem(pem_of_der(issued.der), "the issued certificate");
        }
        note_certificate(r_, cert_.get());
        unit_.public_key_sha256 = key_sha;
        unit_.cert_pem = pki::cert_pem(cert_.get());
        save_unit("RMA_ENROLLED");
    }

    void save_unit(const std::string& step_done) {
        unit_.step = step_done;
        reg_.with([&](registry::Registry& reg) {
            registry::Transaction tx(reg);
            reg.save_unit(unit_, cfg_.actor);
            tx.commit();
        });
    }

    void store() { store_certificate(client_, cfg_.slot, cert_.get(), iss_.chain_pem); }

    void verify_new() {
        prove_possession(client_, cfg_.slot, cert_.get(), r_.device_id);
        if (auto why = chain_problem(cert_.get(), iss_.untrusted, iss_.anchors, clock_.now(), r_.device_id))
            refuse("the new certificate does not verify to the trust anchor: " + *why);
        Finalized f = client_.finalize(cfg_.lock_debug);
        Hello h = client_.hello();
        if (cfg_.lock_debug && (!f.debug_locked || !h.debug_locked))
            throw StepFailed("the debug lock did not take: the device still reports debug unlocked", true);
    }

    // REGISTER: new certificate active, old one superseded and revoked, state refurbished: one transaction.
    void record() {
        reg_.with([&](registry::Registry& reg) {
            registry::Transaction tx(reg);
            using registry::State;
            auto d = reg.find_device(r_.device_id);
            if (d && d->state != State::returned && d->state != State::quarantined)
                reg.set_state(r_.device_id, State::returned, plan_.reason, cfg_.actor);
            registry::NewCertificate nc = certificate_row(r_.device_id, iss_.tmpl->issuer_text(), cert_.get());
            reg.add_certificate(nc, cfg_.actor);
            reg.revoke(old_.issuer, old_.serial, "superseded", cfg_.actor);
            reg.set_state(r_.device_id, State::refurbished, plan_.reason, cfg_.actor);
            unit_.cert_pem = nc.pem;
            unit_.public_key_sha256 = util::sha256_hex(new_spki_);
            unit_.step = "PROVISIONED";
            reg.save_unit(unit_, cfg_.actor);
            tx.commit();
        });
    }

    Client& client_;
    const RmaPlan& plan_;
    const StationConfig& cfg_;
    const Issuing& iss_;
    SharedRegistry& reg_;
    const util::Clock& clock_;
    const StepObserver& observe_;
    pki::DeviceCertTemplate::Signer signer_;
    UnitResult r_;
    registry::Device device_;
    registry::Certificate old_;
    util::X509Ptr old_cert_, cert_;
    std::string new_spki_;
    bool rotate_sent_ = false;
    bool resuming_ = false;
    registry::UnitProgress unit_;
    std::string current_;
};

}  // namespace

UnitResult reprovision_unit(Client& client, const RmaPlan& plan, const StationConfig& config, const Issuing& issuing,
                            SharedRegistry& registry, const util::Clock& clock, const StepObserver& observe) {
    return Rma(client, plan, config, issuing, registry, clock, observe).run();
}

}  // namespace device
