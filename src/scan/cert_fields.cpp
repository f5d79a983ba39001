#include "scan/cert_fields.hpp"

#include <ctime>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "pki/der.hpp"
#include "util/ossl.hpp"
#include "util/time.hpp"

namespace scan {
namespace {

struct Tlv {
    int tag = 0;
    int cls = 0;
    bool constructed = false;
    std::string_view content;
    std::string_view whole;
};

// One definite-length element at the front of `in`; advances `in` past it.
std::optional<Tlv> next(std::string_view& in) {
    const auto* start = reinterpret_cast<const unsigned char*>(in.data());
    const unsigned char* p = start;
    long len = 0;
    int tag = 0;
    int cls = 0;
    int rc = ASN1_get_object(&p, &len, &tag, &cls, static_cast<long>(in.size()));
    // 0x80: malformed or longer than the input; 0x21: indefinite length (BER, not DER).
    if ((rc & 0x80) != 0 || rc == 0x21) {
        ERR_clear_error();
        return std::nullopt;
    }
    size_t header = static_cast<size_t>(p - start);
    if (header + static_cast<size_t>(len) > in.size()) return std::nullopt;
    Tlv t;
    t.tag = tag;
    t.cls = cls;
    t.constructed = (rc & V_ASN1_CONSTRUCTED) != 0;
    t.content = in.substr(header, static_cast<size_t>(len));
    t.whole = in.substr(0, header + static_cast<size_t>(len));
    in.remove_prefix(header + static_cast<size_t>(len));
    return t;
}

bool is_sequence(const Tlv& t) { return t.cls == V_ASN1_UNIVERSAL && t.tag == V_ASN1_SEQUENCE && t.constructed; }

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// The canonical RFC 5280 forms only: YYMMDDHHMMSSZ and YYYYMMDDHHMMSSZ.
std::optional<int64_t> canonical_time(int tag, std::string_view s) {
    size_t year_digits = tag == V_ASN1_UTCTIME ? 2 : 4;
    if (s.size() != year_digits + 11 || s.back() != 'Z') return std::nullopt;
    for (size_t i = 0; i + 1 < s.size(); ++i)
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
    auto num = [&](size_t pos, size_t n) {
        int v = 0;
        for (size_t i = 0; i < n; ++i) v = v * 10 + (s[pos + i] - '0');
        return v;
    };
    int year = num(0, year_digits);
    if (tag == V_ASN1_UTCTIME) year += year < 50 ? 2000 : 1900;
    size_t p = year_digits;
    int month = num(p, 2), day = num(p + 2, 2), hour = num(p + 4, 2), minute = num(p + 6, 2), second = num(p + 8, 2);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return std::nullopt;
    int limit = mdays[month - 1] + (month == 2 && leap(year) ? 1 : 0);
    if (day > limit) return std::nullopt;
    return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 + hour * 3600 +
           minute * 60 + second;
}

std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 40)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
    return out;
}

// What d2i_X509 makes of a certificate the walk refused (BER lengths, say).
std::optional<std::string> read_with_x509(std::string_view der, CertFields& out, const std::string& walk_problem) {
    const auto* p = reinterpret_cast<const unsigned char*>(der.data());
    util::X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    ERR_clear_error();
    if (!x) return walk_problem;
    auto nb = util::asn1_time_to_unix(X509_get0_notBefore(x.get()));
    auto na = util::asn1_time_to_unix(X509_get0_notAfter(x.get()));
    if (!nb || !na) return std::string("a validity date is not a valid time");
    out.der = der.substr(0, static_cast<size_t>(p - reinterpret_cast<const unsigned char*>(der.data())));
    out.not_before = *nb;
    out.not_after = *na;
    auto name_der = [](const X509_NAME* n) {
        const char* bytes = nullptr;
        size_t len = 0;
        X509_NAME_get0_der(const_cast<X509_NAME*>(n), reinterpret_cast<const unsigned char**>(&bytes), &len);
        return std::string(bytes, len);
    };
    out.owned_issuer = name_der(X509_get_issuer_name(x.get()));
    out.owned_subject = name_der(X509_get_subject_name(x.get()));
    // The INTEGER's DER content octets, sign included, as the walk would have found them.
    std::string serial_der = pki::der::encode<ASN1_INTEGER, i2d_ASN1_INTEGER>(X509_get0_serialNumber(x.get()), "a serial");
    std::string_view rest = serial_der;
    auto tlv = next(rest);
    if (!tlv) return walk_problem;
    out.owned_serial = std::string(tlv->content);
    out.issuer = out.owned_issuer;
    out.subject = out.owned_subject;
    out.serial = out.owned_serial;
    return std::nullopt;
}

}  // namespace

std::optional<int64_t> der_time_to_unix(int tag, std::string_view content) {
    if (tag != V_ASN1_UTCTIME && tag != V_ASN1_GENERALIZEDTIME) return std::nullopt;
    if (auto fast = canonical_time(tag, content)) return fast;
    // Everything else is OpenSSL's to judge, so the scan and `openssl x509 -enddate` agree.
    util::Asn1TimePtr t(ASN1_TIME_new());
    if (!t || ASN1_STRING_set(t.get(), content.data(), static_cast<int>(content.size())) != 1) return std::nullopt;
    ASN1_STRING* s = t.get();
    s->type = tag;
    auto v = util::asn1_time_to_unix(t.get());
    ERR_clear_error();
    return v;
}

std::string serial_text(std::string_view content) {
    if (content.empty()) return "0";
    bool negative = (static_cast<unsigned char>(content[0]) & 0x80) != 0;
    if (negative) {
        // Rare: let BIGNUM do the two's complement.
        std::string tlv = pki::der::tlv(V_ASN1_INTEGER, content);
        const auto* q = reinterpret_cast<const unsigned char*>(tlv.data());
        util::Asn1IntegerPtr neg(d2i_ASN1_INTEGER(nullptr, &q, static_cast<long>(tlv.size())));
        ERR_clear_error();
        return neg ? util::serial_hex(neg.get()) : std::string();
    }
    static const char digits[] = "0123456789ABCDEF";
    size_t start = 0;
    while (start < content.size() && content[start] == 0) ++start;
    if (start == content.size()) return "0";
    std::string out;
    out.reserve(2 * (content.size() - start));
    for (size_t k = start; k < content.size(); ++k) {
        auto b = static_cast<unsigned char>(content[k]);
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

std::optional<std::string> read_cert_fields(std::string_view der, CertFields& out) {
    out = CertFields{};
    std::string_view rest = der;
    auto cert = next(rest);
    if (!cert || !is_sequence(*cert)) return read_with_x509(der, out, "not a DER certificate (bad outer SEQUENCE or length)");
    std::string_view body = cert->content;
    auto tbs = next(body);
    if (!tbs || !is_sequence(*tbs)) return read_with_x509(der, out, "tbsCertificate is not a SEQUENCE");
    std::string_view t = tbs->content;
    auto field = next(t);
    if (field && field->cls == V_ASN1_CONTEXT_SPECIFIC && field->tag == 0) field = next(t);  // [0] version
    if (!field || field->cls != V_ASN1_UNIVERSAL || field->tag != V_ASN1_INTEGER)
        return read_with_x509(der, out, "serialNumber is not an INTEGER");
    Tlv serial = *field;
    auto alg = next(t);
    auto issuer = next(t);
    auto validity = next(t);
    auto subject = next(t);
    if (!alg || !issuer || !validity || !subject || !is_sequence(*issuer) || !is_sequence(*validity) ||
        !is_sequence(*subject))
        return read_with_x509(der, out, "tbsCertificate is truncated or out of order");
    std::string_view v = validity->content;
    auto nb = next(v);
    auto na = next(v);
    if (!nb || !na) return read_with_x509(der, out, "validity is truncated");
    auto not_before = der_time_to_unix(nb->tag, nb->content);
    auto not_after = der_time_to_unix(na->tag, na->content);
    if (!not_after) return "notAfter '" + printable(na->content) + "' is not a valid time";
    if (!not_before) return "notBefore '" + printable(nb->content) + "' is not a valid time";
    out.der = cert->whole;
    out.serial = serial.content;
    out.issuer = issuer->whole;
    out.subject = subject->whole;
    out.not_before = *not_before;
    out.not_after = *not_after;
    return std::nullopt;
}

}  // namespace scan
