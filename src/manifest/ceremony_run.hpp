#pragma once
#include <memory>
// Runs a ceremony through the same library calls as `ca init-root` and
// `ca issue-intermediate`, showing each step, asking before the irreversible
// ones, and logging every step to the transcript as it happens.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "manifest/ceremony.hpp"
#include "pki/ca.hpp"
#include "util/time.hpp"

namespace manifest {

// The people in the room, as the runner sees them: a terminal in the
// command, a script in tests.
class StepGate {
public:
    virtual ~StepGate() = default;
    // Announces what is about to happen or just happened.
    virtual void show(const std::string& text) = 0;
    // Asked before generating the key and before signing; false aborts.
    virtual bool approve(const std::string& question) = 0;
};

struct RunSettings {
    std::string transcript;        // overrides the file's outputs.transcript when set
    bool overwrite = false;        // --force: replace existing outputs and transcript
    std::string pkcs11_module;     // for keys whose entry names no module
    // One loaded module per run, so a root and an issuer on the same token
    // share it (a second independent load would end the first's sessions).
    std::shared_ptr<pki::Pkcs11Modules> pkcs11_modules;
};

struct CeremonyOutcome {
    pki::Issued issued;
    std::string transcript;
    std::string head;              // SHA-256 of the transcript's last line
    std::vector<nlohmann::json> steps;  // {seq, step, time} of every entry written
};

// Fails (exit 2) before writing anything when an output exists (without
// overwrite) or an input cannot be read. Once the transcript has begun, any
// failure, and an operator's "no" (exit 1), ends it with an "aborted" entry
// holding the error; the new key and certificate are then never written.
CeremonyOutcome run_ceremony(const Ceremony& ceremony, const RunSettings& settings, StepGate& gate,
                             const util::Clock& clock);

}  // namespace manifest
