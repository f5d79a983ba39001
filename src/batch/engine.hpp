#pragma once
// The batch engine behind `batch generate` and `batch sign-csrs`: for each
// planned device a certificate (and, for generate, a key pair sealed to the
// station), a registry row, and a line in the mapping files.
//
// Crash safety rests on one order, chunk by chunk: certificate and key
// files are written (temp name, rename) and flushed to disk, and only then
// are the devices and certificates committed to the registry in one
// transaction. The registry is the truth: a device in it has its files; files
// without a registry row are leftovers of an interrupted run and are
// overwritten when the same command runs again. The mapping files are
// rewritten whole, in plan order, by every run.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "batch/plan.hpp"
#include "pki/ca.hpp"
#include "pki/key.hpp"
#include "pki/signing_key.hpp"
#include "registry/registry.hpp"

namespace batch {

struct Progress {
    uint64_t done = 0;  // devices settled (issued, present or in conflict)
    uint64_t total = 0;
    uint64_t issued = 0;
    double seconds = 0;
};

struct Request {
    Plan* plan = nullptr;
    bool from_csrs = false;          // sign-csrs: keys stay on the devices
    const EVP_PKEY* sample_key = nullptr;  // sign-csrs: a key like the CSRs' (generate makes its own)
    std::string out_dir;
    std::string batch_id;
    std::string issuer_cert_path;    // may be followed by its chain
    std::string chain_path;          // certificates above the issuer, optional
    std::string issuer_key_ref;
    pki::KeyAccess issuer_access;
    pki::KeyType key_type = pki::KeyType::ec_p256;
    std::string subject_prefix;      // fixed RDNs before CN=<device ID>
    pki::Window validity;
    std::string recipient_path;      // seal keys to this certificate...
    bool plaintext_keys = false;     // ...or write them in the clear (lab use)
    std::string sku, hw_revision, spec_version;
    unsigned jobs = 1;
    registry::Registry* registry = nullptr;
    registry::Actor actor;
    std::function<void(const Progress&)> progress;  // called after each chunk
};

struct Conflict {
    std::string device_id;
    std::string reason;
};

struct Result {
    uint64_t planned = 0;
    uint64_t issued = 0;    // new this run
    uint64_t present = 0;   // already complete from an earlier run
    uint64_t conflicts = 0;
    std::vector<Conflict> conflict_list;  // the first 100
    std::string issuer;
    std::string chain_file, mapping_csv, mapping_jsonl;
    std::string key_format;  // "cms" (sealed), "pkcs8-pem" (plaintext) or "none" (CSRs)
    std::vector<std::string> warnings;
    double seconds = 0;
};

inline constexpr const char* kDevicesDir = "devices";

// The file names a device's outputs take, relative to the batch folder.
std::string cert_file(const std::string& device_id);
std::string key_file(const std::string& device_id, bool sealed);

Result run(const Request& req);

}  // namespace batch
