#pragma once
// Just enough DER to assemble certificates from pre-encoded parts and to
// take them apart again: the batch engine's hot path builds each device
// certificate this way instead of through X509_new and the encoder framework.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace pki::der {

// Bytes are kept in std::string: cheap to append and to hand to BIOs.
void append_length(std::string& out, size_t len);
void append_tlv(std::string& out, uint8_t tag, std::string_view content);
std::string tlv(uint8_t tag, std::string_view content);

// One element at the front of `in`: its tag, its content and the whole
// encoding. nullopt when the bytes are not a well-formed definite-length TLV.
struct Element {
    uint8_t tag = 0;
    std::string_view content;
    std::string_view whole;
};
std::optional<Element> read(std::string_view in);

// The subjectPublicKey bits of a DER SubjectPublicKeyInfo (what RFC 5280's
// method 1 key identifier hashes); nullopt when it is not one.
std::optional<std::string_view> spki_key_bits(std::string_view spki);

// PEM with 64-column base64 lines ("CERTIFICATE", "PRIVATE KEY").
std::string pem(std::string_view label, std::string_view der);

}  // namespace pki::der
