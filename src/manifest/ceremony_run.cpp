#include "manifest/ceremony_run.hpp"

#include <filesystem>

#include "manifest/transcript.hpp"
#include "pki/cert_io.hpp"
#include "pki/name.hpp"
#include "util/atomic_file.hpp"

namespace manifest {

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// Paths as the transcript records them: relative to its own folder, so the
// folder can be copied elsewhere and still verify.
class TranscriptPaths {
public:
    explicit TranscriptPaths(const std::string& transcript)
        : base_(fs::absolute(transcript).parent_path().lexically_normal()) {}
    std::string path(const std::string& p) const {
        fs::path abs = fs::absolute(p).lexically_normal();
        fs::path rel = abs.lexically_relative(base_);
        return rel.empty() ? abs.string() : rel.string();
    }
    // file:PATH becomes file:RELATIVE; token URIs stay as they are.
    std::string ref(const std::string& r) const { return pki::is_file_ref(r) ? "file:" + path(r.substr(5)) : r; }
    // The key under which a key appears in inputs/outputs.
    std::string key_name(const std::string& r) const { return pki::is_file_ref(r) ? path(r.substr(5)) : r; }

private:
    fs::path base_;
};

// SHA-256 of a key file's bytes, or none for a token key.
std::optional<std::string> key_file_sha256(const std::string& ref) {
    if (!pki::is_file_ref(ref)) return std::nullopt;
    return util::sha256_hex(util::read_file(pki::file_ref_path(ref)));
}

// Refuses, before the transcript begins, what init_root and
// issue_intermediate would refuse only after it has: an existing output.
void preflight_outputs(const Ceremony& c, const std::string& transcript, bool overwrite) {
    auto same = [](const std::string& a, const std::string& b) {
        return !a.empty() && !b.empty() && fs::absolute(a).lexically_normal() == fs::absolute(b).lexically_normal();
    };
    std::string key_file = pki::is_file_ref(c.key.location) ? pki::file_ref_path(c.key.location) : "";
    std::string issuer_key = pki::is_file_ref(c.issuer.key) ? pki::file_ref_path(c.issuer.key) : "";
    for (const std::string& other : {c.cert_out, c.chain_out, key_file, c.issuer.cert, issuer_key})
        if (same(transcript, other)) util::fail_input(transcript + ": the transcript would overwrite another file of the ceremony");
    for (const std::string& out : {c.cert_out, c.chain_out, key_file, transcript})
        if (!out.empty()) util::ensure_writable_target(out, overwrite);
}

json extensions_details(const Ceremony& c) {
    json e = {{"path_len", c.path_len ? json(*c.path_len) : json(nullptr)}};
    if (c.type == CeremonyType::intermediate) {
        e["ext_key_usage"] = c.ext_key_usage;
        e["name_constraints"] = {{"permit_dns", c.name_constraints.permit_dns},
                                 {"exclude_dns", c.name_constraints.exclude_dns},
                                 {"permit_dn", c.name_constraints.permit_dn},
                                 {"exclude_dn", c.name_constraints.exclude_dn}};
        e["crl_urls"] = c.crl_urls;
        e["ocsp_urls"] = c.ocsp_urls;
        e["ca_issuers_urls"] = c.ca_issuers_urls;
    }
    return e;
}

class Runner {
public:
    Runner(const Ceremony& c, const RunSettings& s, StepGate& gate, const util::Clock& clock, std::string transcript)
        : c_(c), s_(s), gate_(gate), paths_(transcript),
          log_(transcript, {c.name, c.operator_name, c.witnesses}, clock, s.overwrite) {}

    CeremonyOutcome run(const pki::Window& window, const std::vector<util::X509Ptr>& issuer_chain) {
        try {
            begin(window, issuer_chain);
            step_ = c_.type == CeremonyType::root ? "generate-key" : "open-issuer-key";
            pki::StepHooks hooks = step_hooks();
            pki::Issued issued = c_.type == CeremonyType::root ? pki::init_root(root_request(window, hooks))
                                                               : pki::issue_intermediate(intermediate_request(window, hooks));
            step_ = "complete";
            complete(issued);
            CeremonyOutcome out;
            out.issued = std::move(issued);
            out.transcript = log_.path();
            out.head = log_.head();
            out.steps = std::move(steps_);
            return out;
        } catch (const util::Error& e) {
            record_abort(e.what(), e.code());
            throw;
        } catch (const std::exception& e) {
            record_abort(e.what(), util::ExitCode::failed);
            throw;
        }
    }

private:
    void record(const Step& step) {
        json e = log_.append(step);
        steps_.push_back({{"seq", e["seq"]}, {"step", e["step"]}, {"time", e["time"]}});
    }

    void begin(const pki::Window& window, const std::vector<util::X509Ptr>& issuer_chain) {
        Step st{"begin"};
        st.inputs[paths_.path(c_.file)] = {{"kind", "manifest"}, {"sha256", c_.sha256}};
        if (!issuer_chain.empty()) st.inputs[paths_.path(c_.issuer.cert)] = certificate_record(issuer_chain.front().get());
        st.details = {
            {"type", ceremony_type_name(c_.type)},
            {"subject", c_.subject},
            {"key", {{"location", paths_.ref(c_.key.location)}, {"type", pki::key_type_name(c_.key.type)}}},
            {"validity", {{"not_before", util::format_rfc3339(window.not_before)},
                          {"not_after", util::format_rfc3339(window.not_after)}}},
            {"extensions", extensions_details(c_)},
            {"tool", std::string("provctl ") + PROVCTL_VERSION},
        };
        record(st);
        std::string witnesses;
        for (const auto& w : c_.witnesses) witnesses += (witnesses.empty() ? "" : ", ") + w;
        gate_.show("ceremony " + c_.name + " (" + ceremony_type_name(c_.type) + "), operator " + c_.operator_name +
                   (witnesses.empty() ? "" : ", witnesses " + witnesses) + "; transcript " + log_.path());
    }

    pki::StepHooks step_hooks() {
        pki::StepHooks h;
        h.issuer_opened = [this](const X509* cert, const pki::SigningKey& key) {
            step_ = "open-issuer-key";
            Step st{"open-issuer-key"};
            st.inputs[paths_.key_name(c_.issuer.key)] =
                key_record(paths_.ref(c_.issuer.key), key.pkey(), key_file_sha256(c_.issuer.key));
            st.details = {{"issuer", pki::format_name(X509_get_subject_name(cert))},
                          {"on_token", key.on_token()},
                          {"matches_certificate", pki::same_public_key(X509_get0_pubkey(cert), key.pkey())}};
            record(st);
            gate_.show("step open-issuer-key: " + paths_.ref(c_.issuer.key) + " for " + st.details["issuer"].get<std::string>());
        };
        h.before_key_generation = [this] {
            step_ = "generate-key";
            std::string what = "a new " + pki::key_type_name(c_.key.type) + " key at " + c_.key.location;
            gate_.show("step generate-key: " + what);
            confirm("Generate " + what + "?");
        };
        h.key_generated = [this](const pki::SigningKey& key) {
            Step st{"generate-key"};
            st.details = {{"key", paths_.ref(c_.key.location)},
                          {"key_type", pki::key_type_name(c_.key.type)},
                          {"description", pki::describe_key(key.pkey())},
                          {"public_key_sha256", public_key_sha256(key.pkey())},
                          {"on_token", key.on_token()}};
            record(st);
            gate_.show("  key made, public key SHA-256 " + st.details["public_key_sha256"].get<std::string>());
        };
        h.before_signing = [this] {
            step_ = "sign";
            std::string by = c_.type == CeremonyType::root ? "itself" : c_.issuer.key;
            gate_.show("step sign: certificate for " + c_.subject + ", signed by " + by);
            confirm("Sign the certificate for " + c_.subject + "?");
        };
        h.signed_cert = [this](const X509* cert) {
            step_ = "write-outputs";
            Step st{"sign"};
            st.details = {{"subject", pki::format_name(X509_get_subject_name(cert))},
                          {"issuer", pki::format_name(X509_get_issuer_name(cert))},
                          {"serial", util::serial_hex(X509_get0_serialNumber(cert))},
                          {"not_before", util::format_asn1_time(X509_get0_notBefore(cert))},
                          {"not_after", util::format_asn1_time(X509_get0_notAfter(cert))},
                          {"sha256", util::cert_sha256_hex(cert)}};
            record(st);
            gate_.show("  signed: serial " + st.details["serial"].get<std::string>() + ", SHA-256 " +
                       st.details["sha256"].get<std::string>());
        };
        return h;
    }

    void confirm(const std::string& question) {
        if (!gate_.approve(question))
            util::fail_op("the operator declined step '" + step_ + "'; the ceremony was aborted and nothing but the transcript was written");
    }

    pki::KeyAccess with_module(pki::KeyAccess a) const {
        if (a.pkcs11_module.empty()) a.pkcs11_module = s_.pkcs11_module;
        if (!a.pkcs11_modules) a.pkcs11_modules = s_.pkcs11_modules;
        return a;
    }

    pki::RootRequest root_request(const pki::Window& window, const pki::StepHooks& hooks) const {
        pki::RootRequest r;
        r.subject = c_.subject;
        r.key_ref = c_.key.location;
        r.key_type = c_.key.type;
        r.key_access = with_module(c_.key.access);
        r.path_len = c_.path_len;
        r.validity = window;
        r.out = {c_.cert_out, "", s_.overwrite};
        r.hooks = &hooks;
        return r;
    }

    pki::IntermediateRequest intermediate_request(const pki::Window& window, const pki::StepHooks& hooks) const {
        pki::IntermediateRequest r;
        r.subject = c_.subject;
        r.key_ref = c_.key.location;
        r.key_type = c_.key.type;
        r.key_access = with_module(c_.key.access);
        r.issuer_cert_path = c_.issuer.cert;
        r.issuer_key_ref = c_.issuer.key;
        r.issuer_access = with_module(c_.issuer.access);
        r.path_len = c_.path_len.value_or(0);
        r.ext_key_usage = c_.ext_key_usage;
        r.name_constraints = c_.name_constraints;
        r.crl_urls = c_.crl_urls;
        r.ocsp_urls = c_.ocsp_urls;
        r.ca_issuers_urls = c_.ca_issuers_urls;
        r.validity = window;
        r.out = {c_.cert_out, c_.chain_out, s_.overwrite};
        r.hooks = &hooks;
        return r;
    }

    // Fingerprints of the files as they are now on disk, read back rather
    // than taken from memory: the transcript states what was written.
    void complete(const pki::Issued& issued) {
        Step st{"complete"};
        auto cert = pki::read_certificate(issued.cert_path);
        st.outputs[paths_.path(issued.cert_path)] = certificate_record(cert.get());
        if (!issued.chain_path.empty())
            st.outputs[paths_.path(issued.chain_path)] = chain_record(pki::read_certificates(issued.chain_path));
        st.outputs[paths_.key_name(c_.key.location)] =
            key_record(paths_.ref(c_.key.location), X509_get0_pubkey(cert.get()), key_file_sha256(c_.key.location));
        st.details = {{"certificate_sha256", util::cert_sha256_hex(cert.get())}};
        record(st);
        gate_.show("step complete: transcript head " + log_.head());
    }

    // Best effort: the error that stopped the ceremony matters more than a
    // failure to log it, and is rethrown either way.
    void record_abort(const std::string& error, util::ExitCode code) {
        if (log_.entries() == 0) return;
        try {
            Step st{"aborted"};
            st.details = {{"failed_step", step_}, {"error", error}, {"exit_code", static_cast<int>(code)}};
            record(st);
            gate_.show("ceremony aborted at step " + step_ + "; transcript " + log_.path());
        } catch (const std::exception&) {
        }
    }

    const Ceremony& c_;
    const RunSettings& s_;
    StepGate& gate_;
    TranscriptPaths paths_;
    TranscriptWriter log_;
    std::string step_ = "begin";
    std::vector<json> steps_;
};

}  // namespace

CeremonyOutcome run_ceremony(const Ceremony& c, const RunSettings& s, StepGate& gate, const util::Clock& clock) {
    std::string transcript = s.transcript.empty() ? c.transcript : s.transcript;
    preflight_outputs(c, transcript, s.overwrite);
    pki::Window window = pki::resolve_validity(c.validity, clock, std::nullopt);
    std::vector<util::X509Ptr> issuer_chain;
    if (c.type == CeremonyType::intermediate) issuer_chain = pki::read_certificates(c.issuer.cert);
    Runner runner(c, s, gate, clock, transcript);
    return runner.run(window, issuer_chain);
}

}  // namespace manifest
