#pragma once
// A provisioning job described in YAML (docs/provisioning-job.md): what a
// factory station puts on each device of one production run. Read by a
// strict parser like the ceremony's: every mistake in the file is reported
// with its line, so a reviewed job file runs exactly as it was read.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "device/id_template.hpp"
#include "manifest/problem.hpp"
#include "pki/key.hpp"
#include "pki/signing_key.hpp"

namespace manifest {

// The `kind:` value of a job file.
inline constexpr const char* kJobKind = "provisioning-job";

// The device key the station has generated on the device.
struct JobKey {
    int slot = 0;                                   // 0..3
    pki::KeyType type = pki::KeyType::ec_p256;      // ec_p256 or ec_p384 only
};

// How each device certificate is issued. Relative paths are already resolved
// against the YAML file's folder; secrets are only ever sources.
struct JobCertificates {
    std::string issuer_cert;                        // issuing CA certificate
    std::string issuer_key;                         // file:PATH or a pkcs11: URI
    pki::KeyAccess issuer_access;                   // passphrase (file keys) / pin, module (pkcs11 keys):
                                                    // env:NAME or file:PATH, "" when not given
    std::vector<std::string> chain;                 // files of the certificates above the issuer, in order
    std::string trust;                              // trust anchor for the verify step
    int validity_days = 365;
    std::optional<std::string> subject_prefix;      // fixed RDNs after CN=<device ID>, RFC 4514 ("O=Acme")
};

// The firmware a device must report in its hello before anything is written.
struct JobFirmware {
    std::string build_id;                           // hello's fw_version must equal it
    std::optional<std::string> sha256;              // 64 hex digits, lowercase; hello's fw_sha256 must equal it
};

struct JobSteps {
    bool lock_debug = true;
    bool self_test = false;
    std::chrono::milliseconds self_test_timeout{30000};
};

struct JobRetry {
    int tries = 3;                                  // attempts per step, at least 1
    std::chrono::milliseconds backoff{200};         // first delay between tries, doubling
    std::chrono::milliseconds timeout{5000};        // per request
};

struct Job {
    std::string file;                               // the YAML file as named by the user
    std::string sha256;                             // of its exact bytes, for the audit log
    std::string name;                               // `job:`
    std::string sku;
    std::string hw_revision;
    std::string batch;                              // registry batch; default: the job name
    std::optional<device::IdTemplate> id_template;  // device IDs must match it when set
    JobKey key;
    JobCertificates certificates;
    JobFirmware firmware;
    JobSteps steps;
    JobRetry retry;
};

struct JobParseResult {
    std::optional<Job> job;                         // set only when there are no problems
    std::vector<Problem> problems;                  // sorted by line
};

// Parses job text. `origin` names the file in Job::file; `base_dir` resolves
// relative paths ("" keeps them as written). With `check_files`, the
// certificate files and a file: issuer key must exist ("file not found").
JobParseResult parse_job_text(const std::string& text, const std::string& origin, const std::string& base_dir,
                              bool check_files = true);

// Reads and parses a job file, relative paths against its folder, files
// checked. A file that cannot be read is one problem on line 0.
JobParseResult parse_job(const std::string& path);

// parse_job, or throws Error(usage) listing every problem, one per line
// ("file:line: message").
Job load_job(const std::string& path);

}  // namespace manifest
