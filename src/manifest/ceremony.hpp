#pragma once
// A CA ceremony described in YAML (docs/ceremony.md), read by a strict
// parser: every mistake in the file is reported with its line, so a reviewed
// ceremony file runs exactly as it was read.
#include <optional>
#include <string>
#include <vector>

#include "manifest/problem.hpp"
#include "pki/ca.hpp"
#include "pki/key.hpp"
#include "pki/signing_key.hpp"

namespace manifest {

enum class CeremonyType { root, intermediate };
std::string ceremony_type_name(CeremonyType type);

// Relative paths below are already resolved against the YAML file's folder;
// key references keep their "file:" prefix. Secrets are only ever sources
// (env:NAME, file:PATH, or empty for a prompt), never values.
struct NewKey {
    std::string location;          // file:PATH or a pkcs11: URI
    pki::KeyType type = pki::KeyType::ec_p256;
    pki::KeyAccess access;         // passphrase / pin sources, module
};

struct Issuer {
    std::string cert;              // issuer certificate (may be followed by its chain)
    std::string key;               // file:PATH or a pkcs11: URI
    pki::KeyAccess access;
};

struct Ceremony {
    std::string file;              // the YAML file as named by the user
    std::string sha256;            // of its exact bytes, for the transcript
    CeremonyType type = CeremonyType::root;
    std::string name;
    std::string operator_name;
    std::vector<std::string> witnesses;
    NewKey key;
    std::string subject;
    pki::ValidityRequest validity;
    std::optional<int> path_len;   // root: none unless given; intermediate: 0 unless given
    std::vector<std::string> ext_key_usage;
    pki::NameConstraints name_constraints;
    std::vector<std::string> crl_urls;
    std::vector<std::string> ocsp_urls;
    std::vector<std::string> ca_issuers_urls;
    Issuer issuer;                 // intermediate only
    std::string cert_out;
    std::string chain_out;         // intermediate only, optional
    std::string transcript;        // default: <name>-ceremony.jsonl beside the YAML file
};

struct ParseResult {
    std::optional<Ceremony> ceremony;   // set only when there are no problems
    std::vector<Problem> problems;
};

// Parses ceremony text. `origin` names the file in messages and in
// Ceremony::file; `base_dir` resolves relative paths ("" keeps them as written).
ParseResult parse_ceremony(const std::string& text, const std::string& origin, const std::string& base_dir);

// Reads and parses a ceremony file; relative paths resolve against its
// folder. Throws Error(usage) listing every problem, one per line.
Ceremony load_ceremony(const std::string& path);

}  // namespace manifest
