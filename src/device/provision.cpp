// provision_unit: the station's state machine for one new unit.
#include <openssl/x509.h>

#include <chrono>

#include "device/device_id.hpp"
#include "device/id_template.hpp"
#include "device/station.hpp"
#include "device/unit_checks.hpp"
#include "pki/cert_io.hpp"
#include "util/hex.hpp"
#include "util/ossl.hpp"

namespace device {

namespace {

using registry::UnitProgress;

class Provisioning {
public:
    Provisioning(Client& client, const UnitPlan& plan, const StationConfig& config, const Issuing& issuing,
                 SharedRegistry& registry, const util::Clock& clock, const StepObserver& observe)
        : client_(client), plan_(plan), cfg_(config), iss_(issuing), reg_(registry), clock_(clock),
          observe_(observe), signer_(*issuing.tmpl) {
        result_.port = plan.port;
    }

    UnitResult run() {
        auto started = std::chrono::steady_clock::now();
        try {
            bootstrap();
            if (result_.outcome != Outcome::already_provisioned) {
                Step done = stored_step_;
                if (done < Step::enroll) step(Step::enroll, [&] { enroll(); });
                if (done < Step::credential_store) step(Step::credential_store, [&] { store_credentials(); });
                if (done < Step::register_unit) step(Step::register_unit, [&] { register_unit(); });
                step(Step::verify, [&] { verify(); });
                finish();
                result_.step = unit_.step;
                result_.outcome = Outcome::provisioned;
            }
        } catch (const UnitStopped& e) {
            stop(e);
        } catch (const util::Error& e) {
            // The registry or the issuer said no: the unit stays resumable.
            result_.outcome = Outcome::failed;
            result_.failed_step = current_;
            result_.reason = e.what();
        }
        result_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        return std::move(result_);
    }

private:
    template <typename F>
    void step(Step s, F&& fn) {
        current_ = step_name(s);
        result_.step = current_;
        if (observe_) observe_(current_);
        with_retries(current_, cfg_.tries, cfg_.backoff, result_.retries, fn);
        if (s != Step::register_unit && s != Step::verify) {
            unit_.step = current_;
            save();
        }
    }

    void save() {
        reg_.with([&](registry::Registry& r) {
            registry::Transaction tx(r);
            r.save_unit(unit_, cfg_.actor);
            tx.commit();
        });
    }

    // PROVISIONED, and a requeued unit's device row back out of quarantine.
    void finish() {
        unit_.step = step_name(Step::provisioned);
        reg_.with([&](registry::Registry& r) {
            registry::Transaction tx(r);
            auto d = r.find_device(unit_.device_id);
            if (d && d->state == registry::State::quarantined)
                r.set_state(unit_.device_id, d->prior_state.value_or(registry::State::manufactured),
                            "passed after requeue", cfg_.actor);
            r.save_unit(unit_, cfg_.actor);
            tx.commit();
        });
    }

    void quarantine_now(const std::string& reason) { throw UnitStopped(Outcome::quarantined, current_, reason); }

    void stop(const UnitStopped& e) {
        result_.outcome = e.outcome();
        result_.failed_step = e.step();
        result_.reason = e.what();
        if (e.outcome() != Outcome::quarantined || unit_.hw_uid.empty()) return;
        unit_.failed_step = e.step();
        unit_.reason = e.what();
        unit_.step = step_name(Step::quarantine);
        try {
            reg_.with([&](registry::Registry& r) {
                registry::Transaction tx(r);
                r.save_unit(unit_, cfg_.actor);
                if (!unit_.device_id.empty()) {
                    auto d = r.find_device(unit_.device_id);
                    if (d && d->hardware_uid == unit_.hw_uid && d->state != registry::State::quarantined)
                        r.set_state(unit_.device_id, registry::State::quarantined, e.step() + ": " + e.what(),
                                    cfg_.actor);
                }
                tx.commit();
            });
        } catch (const util::Error& err) {
            result_.reason += std::string(" (and the quarantine could not be recorded: ") + err.what() + ")";
        }
    }

    // BOOTSTRAP: who is this unit, where did a previous run leave it, and which ID is it.
    void bootstrap() {
        current_ = step_name(Step::bootstrap);
        result_.step = current_;
        if (observe_) observe_(current_);
        Hello h;
        with_retries(current_, cfg_.tries, cfg_.backoff, result_.retries, [&] { h = client_.hello(); });
        result_.hw_uid = h.hw_uid;
        if (h.hw_uid.empty()) quarantine_now("the device reports no hardware UID");
        if (h.protocol != 1) quarantine_now("the device speaks protocol " + std::to_string(h.protocol) + "; this station speaks 1");
        if (!cfg_.fw_version.empty() && h.fw_version != cfg_.fw_version)
            quarantine_now("firmware " + h.fw_version + " is not the job's " + cfg_.fw_version);
        if (!cfg_.fw_sha256.empty() && util_lower(h.fw_sha256) != util_lower(cfg_.fw_sha256))
            quarantine_now("the firmware hash " + (h.fw_sha256.empty() ? std::string("(not reported)") : h.fw_sha256) +
                           " is not the job's " + cfg_.fw_sha256);
        if (!cfg_.hw_revision.empty() && h.hw_rev != cfg_.hw_revision)
            quarantine_now("hardware revision " + h.hw_rev + " is not the job's " + cfg_.hw_revision);

        auto stored = reg_.with([&](registry::Registry& r) { return r.find_unit(h.hw_uid); });
        unit_.hw_uid = h.hw_uid;
        unit_.port = plan_.port;
        unit_.job = cfg_.job;
        if (stored) {
            unit_ = *stored;
            unit_.port = plan_.port;
            unit_.attempts += 1;
            if (stored->step.rfind("RMA_", 0) == 0) {
                result_.device_id = stored->device_id;
                throw UnitStopped(Outcome::failed, current_,
                                  "a re-provisioning of this unit stopped at " + stored->step +
                                      "; finish it with 'provctl device reprovision'");
            }
            auto s = parse_step(stored->step).value_or(Step::unprovisioned);
            if (s == Step::quarantine) {
                if (!cfg_.requeue) {
                    result_.device_id = stored->device_id;
                    throw UnitStopped(Outcome::quarantined, stored->failed_step,
                                      "quarantined by an earlier run: " + stored->reason +
                                          "; after repair, run again with --requeue");
                }
                s = Step::bootstrap;
                unit_.failed_step.clear();
                unit_.reason.clear();
                requeued_ = true;
            }
            if (s == Step::provisioned) {
                already_provisioned(h, *stored);
                return;
            }
            stored_step_ = s;
            if (s > Step::bootstrap || !stored->device_id.empty()) result_.resumed_from = stored->step;
        } else {
            unit_.attempts = 1;
            if (h.lifecycle == "provisioned")
                quarantine_now("the device is already provisioned but this registry has no record of it; "
                               "use 'provctl device verify' or 'device reprovision'");
        }

        std::string id = choose_id(h);
        result_.device_id = id;
        unit_.device_id = id;
        if (!h.device_id) {
            with_retries(current_, cfg_.tries, cfg_.backoff, result_.retries, [&] { client_.set_device_id(id); });
        }
        if (stored_step_ < Step::bootstrap || requeued_) {
            unit_.step = step_name(Step::bootstrap);
            save();
        }
        if (stored_step_ < Step::bootstrap) stored_step_ = Step::bootstrap;
    }

    static std::string util_lower(std::string s) {
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
    }

    std::string choose_id(const Hello& h) {
        const std::optional<std::string>& reported = h.device_id;
        std::string id;
        if (!unit_.device_id.empty()) {
            id = unit_.device_id;  // a previous run chose it
        } else if (!plan_.device_id.empty()) {
            id = plan_.device_id;
        } else if (!plan_.expect_id.empty()) {
            if (!reported) quarantine_now("the device reports no device ID; the scanned barcode is " + plan_.expect_id);
            id = plan_.expect_id;
        } else if (reported) {
            id = *reported;
        } else if (!cfg_.id_template.empty()) {
            id = allocate_id();
        } else {
            quarantine_now("the device reports no device ID; give --device-id, --expect-id or --id-template");
        }
        if (reported && *reported != id)
            quarantine_now("the device reports device ID '" + *reported + "', expected '" + id + "'");
        // A barcode or an assigned ID always gets compared, also for a resumed unit.
        if (!plan_.expect_id.empty() && plan_.expect_id != id)
            quarantine_now("the scanned barcode says '" + plan_.expect_id + "', the unit is '" + id + "'");
        if (!plan_.device_id.empty() && plan_.device_id != id)
            quarantine_now("--device-id says '" + plan_.device_id + "', the unit is '" + id + "'");
        if (auto problem = id_problem(id)) quarantine_now("device ID '" + id + "': " + *problem);
        if (!cfg_.id_template.empty()) {
            auto reading = IdTemplate::parse(cfg_.id_template).read(id);
            if (!reading.valid())
                quarantine_now("device ID '" + id + "' does not match the template " + cfg_.id_template + ": " +
                               reading.error);
        }
        // The ID must not belong to another board.
        auto clash = reg_.with([&](registry::Registry& r) -> std::string {
            if (auto other = r.find_unit_by_device(id); other && other->hw_uid != unit_.hw_uid) return other->hw_uid;
            if (auto d = r.find_device(id); d && d->hardware_uid != unit_.hw_uid) return d->hardware_uid;
            return "";
        });
        if (!clash.empty())
            quarantine_now("device ID '" + id + "' already belongs to the unit with hardware UID " + clash);
        return id;
    }

    std::string allocate_id() {
        auto tmpl = IdTemplate::parse(cfg_.id_template);
        for (;;) {
            std::string id = reg_.with([&](registry::Registry& r) {
                registry::Transaction tx(r);
                auto seq = static_cast<uint64_t>(r.take_id_seq(tmpl.text(), cfg_.id_first));
                std::string candidate = tmpl.render(seq);  // throws once the template is full
                // Taken by a batch or an earlier station: skip it.
                bool taken = r.device_exists(candidate) || r.find_unit_by_device(candidate).has_value();
                tx.commit();
                return taken ? std::string() : candidate;
            });
            if (!id.empty()) return id;
        }
    }

    void already_provisioned(const Hello& h, const UnitProgress& stored) {
        result_.device_id = stored.device_id;
        if (h.lifecycle != "provisioned") {
            // The registry says done, the device says not: it was wiped. Never a second identity.
            quarantine_now("the registry has this unit provisioned as " + stored.device_id +
                           " but the device reports " + h.lifecycle);
        }
        VerifyConfig vc;
        vc.slot = cfg_.slot;
        vc.require_debug_lock = cfg_.lock_debug;
        vc.anchors = iss_.anchors;
        vc.untrusted = iss_.untrusted;
        UnitResult v = verify_unit(client_, plan_.port, vc, &reg_, clock_);
        result_.checks = std::move(v.checks);
        result_.serial = v.serial;
        result_.fingerprint = v.fingerprint;
        result_.not_after = v.not_after;
        result_.step = step_name(Step::provisioned);
        if (v.outcome == Outcome::verified) {
            result_.outcome = Outcome::already_provisioned;
        } else {
            result_.outcome = Outcome::failed;
            result_.failed_step = "VERIFY";
            result_.reason = v.reason;
        }
    }

    // ENROLL: the device makes (or already has) its key; we certify it once.
    void enroll() {
        std::string reported;
        try {
            reported = client_.gen_key(cfg_.slot, cfg_.key_type);
        } catch (const DeviceFailure& e) {
            // A key from an earlier attempt (its answer lost, or a resumed unit): use it.
            if (e.kind() != DeviceFailure::Kind::refused || e.code() != "slot_locked") throw;
        }
        std::string csr = client_.get_csr(cfg_.slot, "CN=" + unit_.device_id);
        std::string spki = checked_csr_key(csr, reported);
        std::string key_sha = util::sha256_hex(spki);
        if (unit_.public_key_sha256 == key_sha && !unit_.cert_pem.empty()) {
            cert_ = parse_cert_pem(unit_.cert_pem, "the stored certificate");
        } else if (auto existing = registered_cert_for(spki)) {
            cert_ = std::move(existing);
        } else {
            pki::DeviceCert issued = signer_.issue(unit_.device_id, spki);
            cert_ = parse_cert_pem(pem_of_der(issued.der), "the issued certificate");
        }
        if (pki::spki_der(X509_get0_pubkey(cert_.get())) != spki)
            throw StepFailed("the certificate does not carry the device's key", false);
        unit_.public_key_sha256 = key_sha;
        unit_.cert_pem = pki::cert_pem(cert_.get());
        note_cert();
    }

    // The registry's active certificate of this device, when it is for this key.
    util::X509Ptr registered_cert_for(const std::string& spki) {
        auto certs = reg_.with([&](registry::Registry& r) { return r.certificates_of(unit_.device_id); });
        for (const auto& c : certs) {
            if (c.status != registry::CertStatus::active) continue;
            auto x = parse_cert_pem(c.pem, "the registry's certificate");
            if (pki::spki_der(X509_get0_pubkey(x.get())) == spki) return x;
        }
        return nullptr;
    }

    void note_cert() { note_certificate(result_, cert_.get()); }

    void need_cert() {
        if (!cert_) {
            cert_ = parse_cert_pem(unit_.cert_pem, "the stored certificate");
            note_cert();
        }
    }

    // CREDENTIAL_STORE: certificate and chain written, and read back intact.
    void store_credentials() {
        need_cert();
        StoredCerts back = store_certificate(client_, cfg_.slot, cert_.get(), iss_.chain_pem);
        auto chain = parse_chain_pem(back.chain, "the chain read back");
        if (chain.size() != iss_.untrusted.size())
            throw StepFailed("the chain read back holds " + std::to_string(chain.size()) + " certificates, not " +
                                 std::to_string(iss_.untrusted.size()),
                             true);
        for (size_t i = 0; i < chain.size(); ++i)
            if (X509_cmp(chain[i].get(), iss_.untrusted[i]) != 0)
                throw StepFailed("the chain read back differs from the one written", true);
    }

    // REGISTER: device row and certificate row, with the unit's progress, in one transaction.
    void register_unit() {
        need_cert();
        reg_.with([&](registry::Registry& r) {
            registry::Transaction tx(r);
            auto d = r.find_device(unit_.device_id);
            if (d && d->hardware_uid != unit_.hw_uid)
                throw StepFailed("device " + unit_.device_id + " is in the registry with hardware UID " +
                                     d->hardware_uid,
                                 false);
            bool have_cert = false;
            for (const auto& c : r.certificates_of(unit_.device_id))
                if (c.fingerprint == result_.fingerprint) have_cert = true;
            if (!d) {
                registry::NewDevice nd;
                nd.device_id = unit_.device_id;
                nd.hardware_uid = unit_.hw_uid;
                nd.sku = cfg_.sku;
                nd.hw_revision = cfg_.hw_revision;
                nd.batch = cfg_.batch;
                nd.spec_version = cfg_.spec_version;
                nd.state = registry::State::manufactured;
                r.add_device(nd, cfg_.actor);
            }
            if (!have_cert) {
                r.add_certificate(certificate_row(unit_.device_id, iss_.tmpl->issuer_text(), cert_.get()), cfg_.actor);
            }
            unit_.step = step_name(Step::register_unit);
            r.save_unit(unit_, cfg_.actor);
            tx.commit();
        });
    }

    // VERIFY: possession, path, agreement, then the one-way lock.
    void verify() {
        need_cert();
        prove_possession(client_, cfg_.slot, cert_.get(), unit_.device_id);
        if (auto why = chain_problem(cert_.get(), iss_.untrusted, iss_.anchors, clock_.now(), unit_.device_id))
            throw StepFailed("the certificate does not verify to the trust anchor: " + *why, false);
        bool agrees = reg_.with([&](registry::Registry& r) {
            auto d = r.find_device(unit_.device_id);
            if (!d || d->hardware_uid != unit_.hw_uid) return false;
            for (const auto& c : r.certificates_of(unit_.device_id))
                if (c.status == registry::CertStatus::active) return c.fingerprint == result_.fingerprint;
            return false;
        });
        if (!agrees) throw StepFailed("the registry's active certificate for " + unit_.device_id + " is not this one", false);
        if (cfg_.self_test) {
            const auto timeout = client_.timeout();
            client_.set_timeout(std::chrono::milliseconds(cfg_.self_test_timeout_ms) + timeout);
            SelfTest t;
            try {
                t = client_.self_test(cfg_.self_test_timeout_ms);
            } catch (...) {
                client_.set_timeout(timeout);
                throw;
            }
            client_.set_timeout(timeout);
            if (!t.passed) throw StepFailed("the self-test failed" + (t.detail.empty() ? "" : ": " + t.detail), true);
        }
        Finalized f = client_.finalize(cfg_.lock_debug);
        if (f.lifecycle != "provisioned") throw StepFailed("finalize left the device " + f.lifecycle, true);
        Hello h = client_.hello();
        if (h.lifecycle != "provisioned") throw StepFailed("after finalize the device reports " + h.lifecycle, true);
        if (cfg_.lock_debug && !h.debug_locked)
            throw StepFailed("the debug lock did not take: the device still reports debug unlocked", true);
        if (h.device_id.value_or("") != unit_.device_id)
            throw StepFailed("after finalize the device reports device ID '" + h.device_id.value_or("") + "'", false);
    }

    Client& client_;
    const UnitPlan& plan_;
    const StationConfig& cfg_;
    const Issuing& iss_;
    SharedRegistry& reg_;
    const util::Clock& clock_;
    const StepObserver& observe_;
    pki::DeviceCertTemplate::Signer signer_;
    UnitResult result_;
    UnitProgress unit_;
    Step stored_step_ = Step::unprovisioned;
    bool requeued_ = false;
    std::string current_;
    util::X509Ptr cert_;
};

}  // namespace

UnitResult provision_unit(Client& client, const UnitPlan& plan, const StationConfig& config, const Issuing& issuing,
                          SharedRegistry& registry, const util::Clock& clock, const StepObserver& observe) {
    return Provisioning(client, plan, config, issuing, registry, clock, observe).run();
}

}  // namespace device
