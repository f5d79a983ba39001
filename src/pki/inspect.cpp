#include "pki/inspect.hpp"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "pki/key.hpp"
#include "util/hex.hpp"
#include "util/text.hpp"
#include "util/time.hpp"

namespace pki {

namespace {

using Problems = std::vector<std::string>;

std::string asn1_bytes(const ASN1_STRING* s) {
    if (s == nullptr || ASN1_STRING_length(s) <= 0) return {};
    return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<size_t>(ASN1_STRING_length(s)));
}

std::string asn1_hex(const ASN1_STRING* s) {
    if (s == nullptr || ASN1_STRING_length(s) <= 0) return {};
    return util::to_hex(ASN1_STRING_get0_data(s), static_cast<size_t>(ASN1_STRING_length(s)));
}

// Name of an OID ("ecdsa-with-SHA256"), or its dotted form when OpenSSL has none.
std::string oid_text(const ASN1_OBJECT* obj, bool numeric = false) {
    if (obj == nullptr) return "?";
    char buf[128];
    int n = OBJ_obj2txt(buf, sizeof buf, obj, numeric ? 1 : 0);
    if (n <= 0) return "?";
    if (static_cast<size_t>(n) < sizeof buf) return buf;
    std::string big(static_cast<size_t>(n) + 1, '\0');
    OBJ_obj2txt(big.data(), n + 1, obj, numeric ? 1 : 0);
    big.resize(static_cast<size_t>(n));
    return big;
}

// RFC 4514 text. Malformed BMP/Universal strings make OpenSSL's UTF-8
// conversion fail half-way; then print every value byte-wise with escapes.
std::string name_text(const X509_NAME* name, const char* what, Problems& problems) {
    if (name == nullptr) return {};
    auto print = [&](unsigned long flags, int& rc) {
        util::BioPtr bio(BIO_new(BIO_s_mem()));
        rc = X509_NAME_print_ex(bio.get(), name, 0, flags);
        char* data = nullptr;
        long len = BIO_get_mem_data(bio.get(), &data);
        return std::string(data, static_cast<size_t>(len > 0 ? len : 0));
    };
    int rc = 0;
    std::string text = print(XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB, rc);
    if (rc < 0) {
        problems.push_back(std::string(what) + " has a value that is not valid in its string type; shown byte-wise");
        text = print(XN_FLAG_RFC2253 | ASN1_STRFLGS_IGNORE_TYPE, rc);
    }
    ERR_clear_error();
    return util::valid_utf8(text);
}

std::string ip_text(const ASN1_OCTET_STRING* ip, bool with_mask) {
    std::string raw = asn1_bytes(ip);
    auto one = [](const char* bytes, size_t len) {
        char buf[INET6_ADDRSTRLEN] = {0};
        inet_ntop(len == 4 ? AF_INET : AF_INET6, bytes, buf, sizeof buf);
        return std::string(buf);
    };
    size_t len = raw.size();
    if (!with_mask && (len == 4 || len == 16)) return one(raw.data(), len);
    if (with_mask && (len == 8 || len == 32)) return one(raw.data(), len / 2) + "/" + one(raw.data() + len / 2, len / 2);
    // Neither an address nor address+mask: show the octets as they are.
    return "invalid:" + util::to_hex(reinterpret_cast<const uint8_t*>(raw.data()), raw.size());
}

GeneralName general_name(const GENERAL_NAME* gn, bool in_constraint, Problems& problems) {
    int type = 0;
    const void* value = GENERAL_NAME_get0_value(gn, &type);
    switch (type) {
        case GEN_DNS:
            return {"dns", util::valid_utf8(asn1_bytes(static_cast<const ASN1_IA5STRING*>(value)))};
        case GEN_URI:
            return {"uri", util::valid_utf8(asn1_bytes(static_cast<const ASN1_IA5STRING*>(value)))};
        case GEN_EMAIL:
            return {"email", util::valid_utf8(asn1_bytes(static_cast<const ASN1_IA5STRING*>(value)))};
        case GEN_IPADD:
            return {"ip", ip_text(static_cast<const ASN1_OCTET_STRING*>(value), in_constraint)};
        case GEN_DIRNAME:
            return {"dirname", name_text(static_cast<const X509_NAME*>(value), "a directory name", problems)};
        case GEN_RID:
            return {"other", "registeredID:" + oid_text(static_cast<const ASN1_OBJECT*>(value), true)};
        case GEN_OTHERNAME: {
            const auto* other = static_cast<const OTHERNAME*>(value);
            std::string text = oid_text(other->type_id, true);
            const ASN1_TYPE* v = other->value;
            if (v != nullptr && (v->type == V_ASN1_UTF8STRING || v->type == V_ASN1_IA5STRING ||
                                 v->type == V_ASN1_PRINTABLESTRING || v->type == V_ASN1_VISIBLESTRING))
                text += ":" + util::valid_utf8(asn1_bytes(v->value.asn1_string));
            return {"other", text};
        }
        case GEN_X400: return {"other", "x400Address"};
        case GEN_EDIPARTY: return {"other", "ediPartyName"};
        default: return {"other", "unknown"};
    }
}

// Decodes one extension from a certificate's or request's list. A missing
// extension is normal; a duplicate or undecodable one is a problem.
template <typename T, auto FreeFn>
std::unique_ptr<T, util::Free<FreeFn>> extension(const STACK_OF(X509_EXTENSION)* exts, int nid, Problems& problems) {
    int crit = -1;
    void* decoded = X509V3_get_d2i(exts, nid, &crit, nullptr);
    if (decoded == nullptr) {
        if (crit == -2) problems.push_back(std::string("more than one ") + OBJ_nid2ln(nid) + " extension; none is shown");
        else if (crit >= 0) problems.push_back(std::string(OBJ_nid2ln(nid)) + " extension cannot be decoded");
        ERR_clear_error();
    }
    return std::unique_ptr<T, util::Free<FreeFn>>(static_cast<T*>(decoded));
}

void free_eku(EXTENDED_KEY_USAGE* eku) { sk_ASN1_OBJECT_pop_free(eku, ASN1_OBJECT_free); }

struct Common {
    bool is_ca = false;
    std::optional<int64_t> path_len;
    std::vector<std::string> key_usage;
    std::vector<std::string> extended_key_usage;
    std::vector<GeneralName> san;
};

// The extensions both certificates and requests carry.
Common common_extensions(const STACK_OF(X509_EXTENSION)* exts, Problems& problems) {
    Common c;
    if (auto bc = extension<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free>(exts, NID_basic_constraints, problems)) {
        c.is_ca = bc->ca != 0;
        if (bc->pathlen != nullptr) {
            int64_t v = 0;
            if (ASN1_INTEGER_get_int64(&v, bc->pathlen) == 1) c.path_len = v;
            else problems.push_back("basicConstraints pathLenConstraint is out of range");
            if (v < 0) problems.push_back("basicConstraints pathLenConstraint is negative");
            ERR_clear_error();
        }
    }
    if (auto ku = extension<ASN1_BIT_STRING, ASN1_BIT_STRING_free>(exts, NID_key_usage, problems)) {
        static constexpr const char* kNames[] = {"digitalSignature", "nonRepudiation", "keyEncipherment",
                                                 "dataEncipherment", "keyAgreement",   "keyCertSign",
                                                 "cRLSign",          "encipherOnly",   "decipherOnly"};
        for (int bit = 0; bit < 9; ++bit)
            if (ASN1_BIT_STRING_get_bit(ku.get(), bit)) c.key_usage.emplace_back(kNames[bit]);
    }
    if (auto eku = extension<EXTENDED_KEY_USAGE, free_eku>(exts, NID_ext_key_usage, problems)) {
        for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
            const ASN1_OBJECT* obj = sk_ASN1_OBJECT_value(eku.get(), i);
            int nid = OBJ_obj2nid(obj);
            c.extended_key_usage.push_back(nid != NID_undef ? OBJ_nid2sn(nid) : oid_text(obj, true));
        }
    }
    if (auto names = extension<GENERAL_NAMES, GENERAL_NAMES_free>(exts, NID_subject_alt_name, problems)) {
        for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i)
            c.san.push_back(general_name(sk_GENERAL_NAME_value(names.get(), i), false, problems));
    }
    return c;
}

std::vector<GeneralName> subtrees(const STACK_OF(GENERAL_SUBTREE)* trees, Problems& problems) {
    std::vector<GeneralName> out;
    for (int i = 0; i < sk_GENERAL_SUBTREE_num(trees); ++i)
        out.push_back(general_name(sk_GENERAL_SUBTREE_value(trees, i)->base, true, problems));
    return out;
}

void certificate_extensions(const STACK_OF(X509_EXTENSION)* exts, CertInfo& c) {
    Problems& p = c.problems;
    if (auto skid = extension<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>(exts, NID_subject_key_identifier, p))
        c.subject_key_id = asn1_hex(skid.get());
    if (auto akid = extension<AUTHORITY_KEYID, AUTHORITY_KEYID_free>(exts, NID_authority_key_identifier, p);
        akid && akid->keyid != nullptr)
        c.authority_key_id = asn1_hex(akid->keyid);
    if (auto nc = extension<NAME_CONSTRAINTS, NAME_CONSTRAINTS_free>(exts, NID_name_constraints, p))
        c.name_constraints = NameConstraintsInfo{subtrees(nc->permittedSubtrees, p), subtrees(nc->excludedSubtrees, p)};
    if (auto dps = extension<CRL_DIST_POINTS, CRL_DIST_POINTS_free>(exts, NID_crl_distribution_points, p)) {
        for (int i = 0; i < sk_DIST_POINT_num(dps.get()); ++i) {
            const DIST_POINT_NAME* dpn = sk_DIST_POINT_value(dps.get(), i)->distpoint;
            if (dpn == nullptr || dpn->type != 0) continue;  // only full names carry URIs
            for (int k = 0; k < sk_GENERAL_NAME_num(dpn->name.fullname); ++k) {
                GeneralName gn = general_name(sk_GENERAL_NAME_value(dpn->name.fullname, k), false, p);
                if (gn.type == "uri") c.crl_distribution_points.push_back(gn.value);
            }
        }
    }
    if (auto aia = extension<AUTHORITY_INFO_ACCESS, AUTHORITY_INFO_ACCESS_free>(exts, NID_info_access, p)) {
        for (int i = 0; i < sk_ACCESS_DESCRIPTION_num(aia.get()); ++i) {
            const ACCESS_DESCRIPTION* ad = sk_ACCESS_DESCRIPTION_value(aia.get(), i);
            GeneralName gn = general_name(ad->location, false, p);
            if (gn.type != "uri") continue;
            int method = OBJ_obj2nid(ad->method);
            if (method == NID_ad_OCSP) c.ocsp.push_back(gn.value);
            else if (method == NID_ad_ca_issuers) c.ca_issuers.push_back(gn.value);
        }
    }
}

PublicKeyInfo public_key(EVP_PKEY* pkey, const X509_PUBKEY* pub, Problems& problems) {
    PublicKeyInfo k;
    if (pkey == nullptr) {
        // The algorithm is still known even when the key itself is not decodable.
        ASN1_OBJECT* alg = nullptr;
        if (pub != nullptr) X509_PUBKEY_get0_param(&alg, nullptr, nullptr, nullptr, pub);
        k.type = oid_text(alg);
        problems.push_back("public key cannot be decoded");
        ERR_clear_error();
        return k;
    }
    KeyInfo info = key_info(pkey);
    k.type = util::valid_utf8(info.type);
    if (info.bits > 0) k.bits = info.bits;
    // Explicit curve parameters have no name (OpenSSL answers "UNDEF").
    if (!info.curve.empty() && info.curve != "UNDEF") k.curve = util::valid_utf8(info.curve);
    return k;
}

std::string digest_hex(const std::vector<uint8_t>& der, const EVP_MD* md) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(der.data(), der.size(), out, &len, md, nullptr) != 1) {
        ERR_clear_error();
        return {};
    }
    return util::to_hex(out, len);
}

template <typename T, int (*I2d)(const T*, unsigned char**)>
std::vector<uint8_t> der_of(const T* obj) {
    unsigned char* buf = nullptr;
    int len = I2d(obj, &buf);
    if (len <= 0) {
        ERR_clear_error();
        return {};
    }
    std::vector<uint8_t> out(buf, buf + len);
    OPENSSL_free(buf);
    return out;
}

std::optional<int64_t> time_of(const ASN1_TIME* t, const char* what, Problems& problems) {
    auto v = util::asn1_time_to_unix(t);
    if (!v) {
        problems.push_back(std::string(what) + " cannot be decoded ('" + util::valid_utf8(asn1_bytes(t)) + "')");
        ERR_clear_error();
    }
    return v;
}

int64_t floor_days(int64_t seconds) {
    constexpr int64_t kDay = 86400;
    return seconds >= 0 ? seconds / kDay : -((-seconds + kDay - 1) / kDay);
}

nlohmann::json optional_json(const auto& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

nlohmann::json time_json(const std::optional<int64_t>& t) {
    return t ? nlohmann::json(util::format_rfc3339(*t)) : nlohmann::json(nullptr);
}

}  // namespace

std::string serial_text(const ASN1_INTEGER* serial) {
    if (serial == nullptr) return {};
    int len = ASN1_STRING_length(serial);
    std::string hex = len > 0 ? util::to_hex_upper(ASN1_STRING_get0_data(serial), static_cast<size_t>(len)) : "00";
    return ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER ? "-" + hex : hex;
}

CertInfo inspect_certificate(X509* cert, int64_t at) {
    CertInfo c;
    Problems& p = c.problems;
    ERR_clear_error();
    c.subject = name_text(X509_get_subject_name(cert), "the subject", p);
    c.issuer = name_text(X509_get_issuer_name(cert), "the issuer", p);
    c.serial = serial_text(X509_get0_serialNumber(cert));
    c.not_before = time_of(X509_get0_notBefore(cert), "notBefore", p);
    c.not_after = time_of(X509_get0_notAfter(cert), "notAfter", p);
    if (c.not_after) c.days_left = floor_days(*c.not_after - at);

    auto der = der_of<X509, i2d_X509>(cert);
    if (der.empty()) {
        p.push_back("the certificate cannot be re-encoded; no fingerprints");
    } else {
        c.sha256 = digest_hex(der, EVP_sha256());
        c.sha1 = digest_hex(der, EVP_sha1());
    }

    c.key = public_key(X509_get0_pubkey(cert), X509_get_X509_PUBKEY(cert), p);
    const X509_ALGOR* outer = nullptr;
    X509_get0_signature(nullptr, &outer, cert);
    const ASN1_OBJECT* sig_oid = nullptr;
    if (outer != nullptr) X509_ALGOR_get0(&sig_oid, nullptr, nullptr, outer);
    c.signature_algorithm = oid_text(sig_oid);
    const ASN1_OBJECT* inner_oid = nullptr;
    if (const X509_ALGOR* inner = X509_get0_tbs_sigalg(cert)) X509_ALGOR_get0(&inner_oid, nullptr, nullptr, inner);
    if (sig_oid != nullptr && inner_oid != nullptr && OBJ_cmp(sig_oid, inner_oid) != 0)
        p.push_back("the signed part names signature algorithm " + oid_text(inner_oid) + ", the outer one " +
                    c.signature_algorithm);

    const STACK_OF(X509_EXTENSION)* exts = X509_get0_extensions(cert);
    Common common = common_extensions(exts, p);
    c.is_ca = common.is_ca;
    c.path_len = common.path_len;
    c.key_usage = std::move(common.key_usage);
    c.extended_key_usage = std::move(common.extended_key_usage);
    c.san = std::move(common.san);
    certificate_extensions(exts, c);

    c.self_signed = X509_self_signed(cert, 1) == 1;
    ERR_clear_error();
    return c;
}

CsrInfo inspect_csr(X509_REQ* req) {
    CsrInfo c;
    Problems& p = c.problems;
    ERR_clear_error();
    c.subject = name_text(X509_REQ_get_subject_name(req), "the subject", p);
    EVP_PKEY* pkey = X509_REQ_get0_pubkey(req);
    c.key = public_key(pkey, X509_REQ_get_X509_PUBKEY(req), p);
    const X509_ALGOR* alg = nullptr;
    X509_REQ_get0_signature(req, nullptr, &alg);
    const ASN1_OBJECT* sig_oid = nullptr;
    if (alg != nullptr) X509_ALGOR_get0(&sig_oid, nullptr, nullptr, alg);
    c.signature_algorithm = oid_text(sig_oid);
    c.signature_valid = pkey != nullptr && X509_REQ_verify(req, pkey) == 1;
    ERR_clear_error();
    auto der = der_of<X509_REQ, i2d_X509_REQ>(req);
    if (!der.empty()) c.sha256 = digest_hex(der, EVP_sha256());

    // The extensionRequest attribute; a request without one asks for nothing.
    STACK_OF(X509_EXTENSION)* exts = X509_REQ_get_extensions(req);
    if (exts == nullptr && ERR_peek_error() != 0) p.push_back("the extension request cannot be decoded");
    ERR_clear_error();
    Common common = common_extensions(exts, p);
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
    c.is_ca = common.is_ca;
    c.path_len = common.path_len;
    c.key_usage = std::move(common.key_usage);
    c.extended_key_usage = std::move(common.extended_key_usage);
    c.san = std::move(common.san);
    return c;
}

void to_json(nlohmann::json& j, const GeneralName& n) { j = {{"type", n.type}, {"value", n.value}}; }

void to_json(nlohmann::json& j, const PublicKeyInfo& k) {
    j = {{"type", k.type}, {"bits", optional_json(k.bits)}, {"curve", optional_json(k.curve)}};
}

void to_json(nlohmann::json& j, const CertInfo& c) {
    nlohmann::json nc = nullptr;
    if (c.name_constraints) nc = {{"permitted", c.name_constraints->permitted}, {"excluded", c.name_constraints->excluded}};
    j = {
        {"subject", c.subject},
        {"issuer", c.issuer},
        {"serial", c.serial},
        {"not_before", time_json(c.not_before)},
        {"not_after", time_json(c.not_after)},
        {"days_left", optional_json(c.days_left)},
        {"sha256", c.sha256},
        {"sha1", c.sha1},
        {"key", c.key},
        {"signature_algorithm", c.signature_algorithm},
        {"is_ca", c.is_ca},
        {"path_len", optional_json(c.path_len)},
        {"key_usage", c.key_usage},
        {"extended_key_usage", c.extended_key_usage},
        {"san", c.san},
        {"subject_key_id", optional_json(c.subject_key_id)},
        {"authority_key_id", optional_json(c.authority_key_id)},
        {"name_constraints", nc},
        {"crl_distribution_points", c.crl_distribution_points},
        {"ocsp", c.ocsp},
        {"ca_issuers", c.ca_issuers},
        {"self_signed", c.self_signed},
        {"problems", c.problems},
    };
}

void to_json(nlohmann::json& j, const CsrInfo& c) {
    j = {
        {"subject", c.subject},
        {"key", c.key},
        {"signature_algorithm", c.signature_algorithm},
        {"signature_valid", c.signature_valid},
        {"sha256", c.sha256},
        {"is_ca", c.is_ca},
        {"path_len", optional_json(c.path_len)},
        {"key_usage", c.key_usage},
        {"extended_key_usage", c.extended_key_usage},
        {"san", c.san},
        {"problems", c.problems},
    };
}

}  // namespace pki
