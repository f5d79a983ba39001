#include "scan/name_text.hpp"

#include <array>
#include <optional>
#include <vector>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "pki/der.hpp"
#include "pki/name.hpp"
#include "util/ossl.hpp"

namespace scan {
namespace {

struct KnownType {
    std::string_view oid;  // DER content octets of the OBJECT IDENTIFIER
    const char* short_name;
};

// The attribute types that carry almost every real-world name, with
// OpenSSL's short names (what XN_FLAG_FN_SN prints).
constexpr std::array<KnownType, 16> kTypes{{
    {"\x55\x04\x03", "CN"},
    {"\x55\x04\x06", "C"},
    {"\x55\x04\x07", "L"},
    {"\x55\x04\x08", "ST"},
    {"\x55\x04\x0a", "O"},
    {"\x55\x04\x0b", "OU"},
    {"\x55\x04\x05", "serialNumber"},
    {"\x55\x04\x09", "street"},
    {"\x55\x04\x11", "postalCode"},
    {"\x55\x04\x0c", "title"},
    {"\x55\x04\x2a", "GN"},
    {"\x55\x04\x04", "SN"},
    {"\x55\x04\x61", "organizationIdentifier"},
    {"\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01", "emailAddress"},
    {"\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x19", "DC"},
    {"\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x01", "UID"},
}};

// The next element of `in`, which it then leaves behind.
std::optional<pki::der::Element> next(std::string_view& in) {
    auto e = pki::der::read(in);
    if (e) in.remove_prefix(e->whole.size());
    return e;
}

const char* short_name(std::string_view oid) {
    for (const auto& k : kTypes)
        if (k.oid == oid) return k.short_name;
    return nullptr;
}

// RFC 2253 escaping as OpenSSL's do_esc_char applies it to printable ASCII.
bool append_value(std::string& out, std::string_view v) {
    for (size_t i = 0; i < v.size(); ++i) {
        char c = v[i];
        if (c < 0x20 || c > 0x7e) return false;
        bool escape = c == ',' || c == '+' || c == '"' || c == '\\' || c == '<' || c == '>' || c == ';' ||
                      (i == 0 && (c == '#' || c == ' ')) || (i + 1 == v.size() && c == ' ');
        if (escape) out += '\\';
        out += c;
    }
    return true;
}

std::optional<std::string> fast(std::string_view der) {
    std::string_view in = der;
    auto name = next(in);
    if (!name || name->tag != 0x30 || !in.empty()) return std::nullopt;
    // RDNs in encoding order; printed most specific (last) first.
    std::vector<std::string> rdns;
    std::string_view r = name->content;
    while (!r.empty()) {
        auto set = next(r);
        if (!set || set->tag != 0x31 || set->content.empty()) return std::nullopt;
        std::string rdn;
        std::string_view a = set->content;
        while (!a.empty()) {
            auto ava = next(a);
            if (!ava || ava->tag != 0x30) return std::nullopt;
            std::string_view parts = ava->content;
            auto type = next(parts);
            auto value = next(parts);
            if (!type || !value || type->tag != 0x06 || !parts.empty()) return std::nullopt;
            if (value->tag != V_ASN1_PRINTABLESTRING && value->tag != V_ASN1_UTF8STRING && value->tag != V_ASN1_IA5STRING)
                return std::nullopt;
            const char* sn = short_name(type->content);
            if (sn == nullptr) return std::nullopt;
            // OpenSSL's DN_REV reverses the entries inside a multi-valued RDN too.
            std::string entry = std::string(sn) + '=';
            if (!append_value(entry, value->content)) return std::nullopt;
            rdn = rdn.empty() ? entry : entry + '+' + rdn;
        }
        rdns.push_back(std::move(rdn));
    }
    std::string out;
    for (size_t i = rdns.size(); i-- > 0;) {
        out += rdns[i];
        if (i != 0) out += ',';
    }
    return out;
}

}  // namespace

std::string name_text(std::string_view name_der) {
    if (auto text = fast(name_der)) return *text;
    const auto* p = reinterpret_cast<const unsigned char*>(name_der.data());
    util::X509NamePtr name(d2i_X509_NAME(nullptr, &p, static_cast<long>(name_der.size())));
    ERR_clear_error();
    return name ? pki::format_name(name.get()) : std::string();
}

}  // namespace scan
