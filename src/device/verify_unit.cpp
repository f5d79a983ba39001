// verify_unit: checks a provisioned unit without changing it.
#include <openssl/x509.h>

#include "device/station.hpp"
#include "device/unit_checks.hpp"
#include "util/ossl.hpp"

namespace device {

namespace {

class Verification {
public:
    Verification(UnitResult& r) : r_(r) {}
    // Runs one check; a failure is recorded and ends the verification.
    template <typename F>
    bool check(const std::string& name, F&& fn) {
        Check c{name, false, {}};
        try {
            c.detail = fn();
            c.ok = true;
        } catch (const StepFailed& e) {
            c.detail = e.what();
        } catch (const DeviceFailure& e) {
            c.detail = e.what();
        }
        r_.checks.push_back(c);
        if (!c.ok && r_.reason.empty()) {
            r_.failed_step = name;
            r_.reason = name + ": " + c.detail;
        }
        return c.ok;
    }

private:
    UnitResult& r_;
};

}  // namespace

UnitResult verify_unit(Client& client, const std::string& port, const VerifyConfig& config, SharedRegistry* registry,
                       const util::Clock& clock) {
    UnitResult r;
    r.port = port;
    r.step = "VERIFY";
    Verification v(r);
    Hello h;
    util::X509Ptr cert;
    std::vector<util::X509Ptr> chain;
    std::string id;
    bool ok = v.check("hello", [&] {
        h = client.hello();
        r.hw_uid = h.hw_uid;
        if (!h.device_id) throw StepFailed("the device reports no device ID", false);
        id = *h.device_id;
        r.device_id = id;
        if (h.lifecycle != "provisioned") throw StepFailed("the device reports " + h.lifecycle, false);
        return "device " + id + ", firmware " + h.fw_version + ", lifecycle " + h.lifecycle;
    });
    ok = ok && v.check("certificate", [&] {
        StoredCerts s = client.read_certs(config.slot);
        cert = parse_cert_pem(s.cert, "the device's certificate");
        chain = parse_chain_pem(s.chain, "the device's chain");
        r.fingerprint = util::cert_sha256_hex(cert.get());
        r.serial = util::serial_hex(X509_get0_serialNumber(cert.get()));
        r.not_after = util::asn1_time_to_unix(X509_get0_notAfter(cert.get())).value_or(0);
        return "serial " + r.serial + ", " + std::to_string(chain.size()) + " chain certificates";
    });
    ok = ok && v.check("chain", [&] {
        std::vector<const X509*> untrusted = config.untrusted;
        for (const auto& c : chain) untrusted.push_back(c.get());
        if (auto why = chain_problem(cert.get(), untrusted, config.anchors, clock.now(), id))
            throw StepFailed(*why, false);
        return std::string("valid to the trust anchor, names ") + id;
    });
    ok = ok && v.check("challenge", [&] {
        prove_possession(client, config.slot, cert.get(), id);
        return std::string("signed with the certificate's key");
    });
    ok = ok && v.check("debug_lock", [&] {
        if (config.require_debug_lock && !h.debug_locked) throw StepFailed("debug is not locked", false);
        return std::string(h.debug_locked ? "locked" : "unlocked (not required)");
    });
    if (ok && registry != nullptr) {
        v.check("registry", [&] {
            return registry->with([&](registry::Registry& reg) {
                auto d = reg.find_device(id);
                if (!d) throw StepFailed("no device " + id + " in the registry", false);
                if (d->hardware_uid != h.hw_uid)
                    throw StepFailed("the registry has " + id + " with hardware UID " + d->hardware_uid +
                                         ", the device reports " + h.hw_uid,
                                     false);
                for (const auto& c : reg.certificates_of(id)) {
                    if (c.status != registry::CertStatus::active) continue;
                    if (c.fingerprint != r.fingerprint)
                        throw StepFailed("the registry's active certificate is " + c.serial + ", the device holds " +
                                             r.serial,
                                         false);
                    return "active certificate " + c.serial + ", state " + registry::to_string(d->state);
                }
                throw StepFailed("the registry has no active certificate for " + id, false);
            });
        });
    }
    r.outcome = r.reason.empty() ? Outcome::verified : Outcome::failed;
    return r;
}

}  // namespace device
