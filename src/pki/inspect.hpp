#pragma once
// What a certificate or a signing request says, decoded for people and for
// scripts (provctl cert inspect). Certificates come from anywhere, so decoding
// never throws on odd content: a field that cannot be read stays empty (null
// in JSON) and the reason is added to `problems`. All text is valid UTF-8.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/ossl.hpp"

namespace pki {

// One entry of a SAN or name constraint. type: dns, uri, email, ip, dirname or other.
struct GeneralName {
    std::string type;
    std::string value;
    bool operator==(const GeneralName&) const = default;
};

struct PublicKeyInfo {
    std::string type;                  // "EC", "RSA", "Ed25519"..., else the algorithm OID's name
    std::optional<int> bits;           // null when the key cannot be decoded
    std::optional<std::string> curve;  // "P-256"...; null for non-EC keys and explicit curves
};

struct NameConstraintsInfo {
    std::vector<GeneralName> permitted;
    std::vector<GeneralName> excluded;
};

struct CertInfo {
    std::string subject;  // RFC 4514
    std::string issuer;
    std::string serial;                   // uppercase hex, no separators, "-" when negative
    std::optional<int64_t> not_before;    // Unix seconds; null when undecodable
    std::optional<int64_t> not_after;
    std::optional<int64_t> days_left;     // whole days from `at` to not_after, floored
    std::string sha256;                   // lowercase hex of the DER
    std::string sha1;
    PublicKeyInfo key;
    std::string signature_algorithm;
    bool is_ca = false;                   // basicConstraints cA
    std::optional<int64_t> path_len;
    std::vector<std::string> key_usage;           // "digitalSignature", "keyCertSign"...
    std::vector<std::string> extended_key_usage;  // "serverAuth"... or dotted OIDs
    std::vector<GeneralName> san;
    std::optional<std::string> subject_key_id;    // lowercase hex
    std::optional<std::string> authority_key_id;
    std::optional<NameConstraintsInfo> name_constraints;
    std::vector<std::string> crl_distribution_points;  // URIs
    std::vector<std::string> ocsp;
    std::vector<std::string> ca_issuers;
    bool self_signed = false;  // subject equals issuer and the signature verifies with its own key
    std::vector<std::string> problems;
};

struct CsrInfo {
    std::string subject;
    PublicKeyInfo key;
    std::string signature_algorithm;
    bool signature_valid = false;
    std::string sha256;  // of the request's DER
    // Requested extensions.
    bool is_ca = false;
    std::optional<int64_t> path_len;
    std::vector<std::string> key_usage;
    std::vector<std::string> extended_key_usage;
    std::vector<GeneralName> san;
    std::vector<std::string> problems;
};

// `at` (Unix seconds) is the moment days_left counts from. Non-const
// pointers: OpenSSL caches decoded extensions and keys inside the objects.
CertInfo inspect_certificate(X509* cert, int64_t at);
CsrInfo inspect_csr(X509_REQ* req);

void to_json(nlohmann::json& j, const GeneralName& n);
void to_json(nlohmann::json& j, const PublicKeyInfo& k);
void to_json(nlohmann::json& j, const CertInfo& c);
void to_json(nlohmann::json& j, const CsrInfo& c);

// A certificate or a request found in a file; exactly one is set.
struct InspectObject {
    util::X509Ptr cert;
    util::X509ReqPtr csr;
};

// Every certificate and request in `data`, in order: PEM with any number and
// mix of blocks (other blocks such as keys are skipped), or one DER object.
// Exit 2 naming `origin` when nothing is found or a block cannot be decoded.
std::vector<InspectObject> parse_inspectable(const std::string& data, const std::string& origin);
std::vector<InspectObject> read_inspectable(const std::string& path);

// Serial as uppercase hex of its content octets ("00" for zero), as `openssl x509 -serial` prints it.
std::string serial_text(const ASN1_INTEGER* serial);

}  // namespace pki
