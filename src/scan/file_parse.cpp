#include "scan/file_parse.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>

#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "pki/der.hpp"
#include "util/ossl.hpp"

namespace scan {
namespace {

constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::string_view kSignedDataOid = "\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02";

using Pkcs12Ptr = std::unique_ptr<PKCS12, util::Free<PKCS12_free>>;
void free_pkcs7_stack(STACK_OF(PKCS7) * s) noexcept { sk_PKCS7_pop_free(s, PKCS7_free); }
using Pkcs7Stack = std::unique_ptr<STACK_OF(PKCS7), util::Free<free_pkcs7_stack>>;
void free_bag_stack(STACK_OF(PKCS12_SAFEBAG) * s) noexcept { sk_PKCS12_SAFEBAG_pop_free(s, PKCS12_SAFEBAG_free); }
using BagStack = std::unique_ptr<STACK_OF(PKCS12_SAFEBAG), util::Free<free_bag_stack>>;
using Pkcs7Ptr = std::unique_ptr<PKCS7, util::Free<PKCS7_free>>;
using PbeParamPtr = std::unique_ptr<PBEPARAM, util::Free<PBEPARAM_free>>;
using Pbe2ParamPtr = std::unique_ptr<PBE2PARAM, util::Free<PBE2PARAM_free>>;
using Pbkdf2ParamPtr = std::unique_ptr<PBKDF2PARAM, util::Free<PBKDF2PARAM_free>>;
using ScryptParamsPtr = std::unique_ptr<SCRYPT_PARAMS, util::Free<SCRYPT_PARAMS_free>>;

// A PKCS#12 file chooses how long its key derivations take (2^31 iterations
// is one INTEGER away), and the scan tries two empty passwords on its MAC and
// on each encrypted safe. So each file gets this many iterations in all, a few
// seconds' work: OpenSSL writes 2048, the most careful tools a few hundred thousand.
constexpr uint64_t kKdfBudget = 4'000'000;
constexpr uint64_t kUncountable = std::numeric_limits<uint64_t>::max();

// An iteration count as OpenSSL runs it: absent means the DEFAULT 1; zero or
// negative is refused or run once; too big to read is too big to afford.
uint64_t iterations(const ASN1_INTEGER* v) {
    if (v == nullptr) return 1;
    uint64_t n = 0;
    if (ASN1_INTEGER_get_uint64(&n, v) != 1) {
        ERR_clear_error();
        return ASN1_STRING_type(v) == V_ASN1_NEG_INTEGER ? 1 : kUncountable;
    }
    return std::max<uint64_t>(n, 1);
}

uint64_t times(uint64_t a, uint64_t b) { return a != 0 && b > kUncountable / a ? kUncountable : a * b; }

template <typename T>
T* unpack(const ASN1_ITEM* item, const ASN1_TYPE* parameter) {
    void* v = ASN1_TYPE_unpack_sequence(item, parameter);
    ERR_clear_error();
    return static_cast<T*>(v);
}

// What one attempt at decrypting a safe costs, in iterations (scrypt: N * r * p). Parameters
// OpenSSL cannot read cost nothing: it refuses them before deriving a key.
uint64_t pbe_cost(const X509_ALGOR* alg) {
    if (alg == nullptr) return 1;
    if (OBJ_obj2nid(alg->algorithm) != NID_pbes2) {
        PbeParamPtr pbe(unpack<PBEPARAM>(ASN1_ITEM_rptr(PBEPARAM), alg->parameter));
        return pbe ? iterations(pbe->iter) : 1;
    }
    Pbe2ParamPtr pbe2(unpack<PBE2PARAM>(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter));
    if (!pbe2 || pbe2->keyfunc == nullptr) return 1;
    int kdf = OBJ_obj2nid(pbe2->keyfunc->algorithm);
    if (kdf == NID_id_pbkdf2) {
        Pbkdf2ParamPtr k(unpack<PBKDF2PARAM>(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter));
        return k ? iterations(k->iter) : 1;
    }
    if (kdf == NID_id_scrypt) {
        // Work grows with N * r * p; OpenSSL's 32 MB cap bounds memory but not time.
        ScryptParamsPtr sp(unpack<SCRYPT_PARAMS>(ASN1_ITEM_rptr(SCRYPT_PARAMS), pbe2->keyfunc->parameter));
        if (!sp) return 1;
        return times(times(iterations(sp->costParameter), iterations(sp->blockSize)),
                     iterations(sp->parallelizationParameter));
    }
    return 1;
}

std::string too_costly(uint64_t cost) {
    std::string n = cost == kUncountable ? "more than 2^64" : std::to_string(cost);
    return "PKCS#12 key derivation asks for " + n + " rounds, more than the scan spends on one file (" +
           std::to_string(kKdfBudget) + ")";
}

class Parser {
public:
    Parser(std::string_view data, ParseSink& sink, ParseStart start)
        : data_(data), sink_(sink), index_(start.index), line_(start.line) {}

    ParseCounts run() {
        if (data_.find(kBegin) != std::string_view::npos)
            pem();
        else if (!data_.empty() && static_cast<unsigned char>(data_[0]) == 0x30)
            der(data_);
        return counts_;
    }

private:
    void cert(std::string_view der_bytes) {
        CertFields fields;
        if (auto problem = read_cert_fields(der_bytes, fields)) {
            bad(*problem);
            return;
        }
        ++counts_.certificates;
        sink_.certificate(fields, ++index_);
    }

    // Messages name the PEM block's line; built only when something is wrong.
    void bad(const std::string& reason) {
        ++counts_.unreadable;
        std::string where = block_ == std::string_view::npos ? "" : "PEM block at line " + std::to_string(line_of(block_)) + ": ";
        sink_.unreadable(where + reason, index_ + 1);
    }

    void skip(const std::string& reason) {
        ++counts_.skipped;
        sink_.skipped(reason);
    }

    // Charges one key derivation to the file's budget; false once it would overspend.
    bool afford(uint64_t cost) {
        if (cost > kdf_left_) return false;
        kdf_left_ -= cost;
        return true;
    }

    // Positions only grow, so lines are counted once over the file.
    size_t line_of(size_t pos) {
        if (pos < counted_to_) {
            counted_to_ = 0;
            line_ = first_line_;
        }
        line_ += static_cast<size_t>(std::count(data_.begin() + static_cast<long>(counted_to_), data_.begin() + static_cast<long>(pos), '\n'));
        counted_to_ = pos;
        return line_;
    }

    // The first END line at or after `from`. Every BEGIN needs one, and
    // searching the rest of the file each time made BEGIN lines without END
    // quadratic (a megabyte of them took minutes). `from` only grows, so one
    // search serves every BEGIN up to the END it found.
    size_t end_line(size_t from) {
        if (!end_searched_ || (end_at_ != std::string_view::npos && end_at_ < from)) {
            end_at_ = data_.find(kEnd, from);
            end_searched_ = true;
        }
        return end_at_;
    }

    void pem() {
        constexpr std::string_view kDashes = "-----";
        std::string body;
        size_t pos = 0;
        while ((pos = data_.find(kBegin, pos)) != std::string_view::npos) {
            size_t label_start = pos + kBegin.size();
            size_t label_end = data_.find(kDashes, label_start);
            if (label_end == std::string_view::npos) break;
            std::string_view label = data_.substr(label_start, label_end - label_start);
            if (label.find('\n') != std::string_view::npos) {
                pos = label_start;  // not a BEGIN line after all
                continue;
            }
            bool is_cert = label == "CERTIFICATE" || label == "X509 CERTIFICATE" || label == "TRUSTED CERTIFICATE";
            bool is_p7 = label == "PKCS7" || label == "CMS" || label == "PKCS #7 SIGNED DATA";
            size_t body_start = label_end + kDashes.size();
            block_ = pos;
            size_t end = end_line(body_start);
            bool closed = end != std::string_view::npos &&
                          data_.substr(body_start, end - body_start).find(kBegin) == std::string_view::npos &&
                          data_.substr(end + kEnd.size(), label.size()) == label &&
                          data_.substr(end + kEnd.size() + label.size(), kDashes.size()) == kDashes;
            if (!closed) {
                if (is_cert || is_p7) bad("no END line for " + std::string(label) + " (truncated?)");
                pos = body_start;
                continue;
            }
            pos = end + kEnd.size() + label.size() + kDashes.size();
            if (!is_cert && !is_p7) continue;  // keys, requests, CRLs: not ours to read
            std::string_view text = data_.substr(body_start, end - body_start);
            // RFC 1421 headers (Proc-Type: ...) end at the first empty line.
            if (text.find(':') != std::string_view::npos) {
                size_t blank = text.find("\n\n");
                if (blank == std::string_view::npos) blank = text.find("\r\n\r\n");
                if (blank != std::string_view::npos) text.remove_prefix(blank);
            }
            if (!decode_base64(text, body) || body.empty()) {
                bad("bad base64");
                continue;
            }
            if (is_cert)
                cert(body);
            else
                der(body);
        }
        block_ = std::string_view::npos;
    }

    // DER: certificates back to back, a PKCS#7/CMS bundle or a PKCS#12 file.
    void der(std::string_view data) {
        auto outer = pki::der::read(data);
        std::optional<pki::der::Element> inner;
        if (outer) inner = pki::der::read(outer->content);
        if (outer && inner && inner->tag == 0x06) return pkcs7(data, *outer);
        if (outer && inner && inner->tag == 0x02) return pkcs12(data);
        // An indefinite outer length (streaming writers: `openssl cms -stream`,
        // some Windows tools) is no DER, but its first element still tells the format.
        if (!outer && data.size() > 2 && data.substr(0, 2) == "\x30\x80") {
            if (data[2] == 0x06) return pkcs7_ber(data);
            if (data[2] == 0x02) return pkcs12(data);
        }
        size_t offset = 0;
        while (offset < data.size()) {
            std::string_view rest = data.substr(offset);
            auto element = pki::der::read(rest);
            if (!element) {
                // d2i_X509 may still take the first one (BER); after that, report the bytes.
                if (offset == 0)
                    cert(rest);
                else
                    bad("bytes after the certificate at offset " + std::to_string(offset) + " are not DER");
                return;
            }
            cert(element->whole);
            offset += element->whole.size();
        }
    }

    void pkcs7(std::string_view data, const pki::der::Element& info) {
        // ContentInfo { contentType, [0] EXPLICIT SignedData { version, digestAlgorithms,
        //   encapContentInfo, [0] IMPLICIT certificates OPTIONAL, ... } }
        std::string_view c = info.content;
        auto type = pki::der::read(c);
        c.remove_prefix(type ? type->whole.size() : c.size());
        if (!type || type->content != kSignedDataOid) {
            bad("a PKCS#7/CMS structure that is not SignedData holds no certificates");
            return;
        }
        auto explicit0 = pki::der::read(c);
        std::optional<pki::der::Element> signed_data;
        if (explicit0 && explicit0->tag == 0xa0) signed_data = pki::der::read(explicit0->content);
        if (!signed_data || signed_data->tag != 0x30) return pkcs7_ber(data);
        std::string_view s = signed_data->content;
        for (int skip = 0; skip < 3; ++skip) {
            auto e = pki::der::read(s);
            if (!e) return pkcs7_ber(data);
            s.remove_prefix(e->whole.size());
        }
        auto certs = pki::der::read(s);
        if (!certs || certs->tag != 0xa0) return;  // a bundle without certificates
        std::string_view list = certs->content;
        while (!list.empty()) {
            auto e = pki::der::read(list);
            if (!e) {
                bad("PKCS#7 certificate list is truncated");
                return;
            }
            list.remove_prefix(e->whole.size());
            if (e->tag == 0x30) cert(e->whole);  // other CertificateChoices are not X.509
        }
    }

    // Indefinite lengths (BER, as some Windows tools write): OpenSSL's decoder.
    void pkcs7_ber(std::string_view data) {
        const auto* p = reinterpret_cast<const unsigned char*>(data.data());
        Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(data.size())));
        ERR_clear_error();
        if (!p7 || OBJ_obj2nid(p7->type) != NID_pkcs7_signed || p7->d.sign == nullptr) {
            bad("PKCS#7 structure is malformed");
            return;
        }
        STACK_OF(X509)* certs = p7->d.sign->cert;
        for (int i = 0; i < sk_X509_num(certs); ++i)
            cert(pki::der::encode<X509, i2d_X509>(sk_X509_value(certs, i), "a certificate"));
    }

    void pkcs12(std::string_view data) {
        const auto* p = reinterpret_cast<const unsigned char*>(data.data());
        Pkcs12Ptr p12(d2i_PKCS12(nullptr, &p, static_cast<long>(data.size())));
        ERR_clear_error();
        if (!p12) {
            bad("not a certificate, PKCS#7 or PKCS#12 structure");
            return;
        }
        // "No password" is written both as an absent and as an empty password.
        std::optional<const char*> password;
        if (PKCS12_mac_present(p12.get())) {
            const ASN1_INTEGER* iter = nullptr;
            PKCS12_get0_mac(nullptr, nullptr, nullptr, &iter, p12.get());
            uint64_t cost = iterations(iter);
            bool costly = false;
            auto verify = [&](const char* pass) {
                if (!afford(cost)) {
                    costly = true;
                    return false;
                }
                return PKCS12_verify_mac(p12.get(), pass, 0) == 1;
            };
            if (verify(nullptr))
                password = nullptr;
            else if (verify(""))
                password = "";
            ERR_clear_error();
            if (!password) {
                skip(costly ? too_costly(cost) : "PKCS#12 is protected by a password");
                return;
            }
        }
        Pkcs7Stack safes(PKCS12_unpack_authsafes(p12.get()));
        ERR_clear_error();
        if (!safes) {
            bad("PKCS#12 contents are malformed");
            return;
        }
        for (int i = 0; i < sk_PKCS7_num(safes.get()); ++i) {
            PKCS7* p7 = sk_PKCS7_value(safes.get(), i);
            BagStack bags;
            int nid = OBJ_obj2nid(p7->type);
            if (nid == NID_pkcs7_data) {
                bags.reset(PKCS12_unpack_p7data(p7));
            } else if (nid == NID_pkcs7_encrypted) {
                const PKCS7_ENCRYPT* enc = p7->d.encrypted;
                uint64_t cost = pbe_cost(enc != nullptr && enc->enc_data != nullptr ? enc->enc_data->algorithm : nullptr);
                bool costly = false;
                auto decrypt = [&](const char* pass) {
                    if (!afford(cost))
                        costly = true;
                    else
                        bags.reset(PKCS12_unpack_p7encdata(p7, pass, 0));
                };
                if (!password || *password == nullptr) decrypt(nullptr);
                if (!bags && (!password || *password != nullptr)) decrypt("");
                ERR_clear_error();
                if (!bags) {
                    skip(costly ? too_costly(cost) : "PKCS#12 certificates are encrypted with a password");
                    continue;
                }
            }
            ERR_clear_error();
            for (int b = 0; bags && b < sk_PKCS12_SAFEBAG_num(bags.get()); ++b) {
                const PKCS12_SAFEBAG* bag = sk_PKCS12_SAFEBAG_value(bags.get(), b);
                if (PKCS12_SAFEBAG_get_nid(bag) != NID_certBag || PKCS12_SAFEBAG_get_bag_nid(bag) != NID_x509Certificate)
                    continue;
                util::X509Ptr x(PKCS12_SAFEBAG_get1_cert(bag));
                ERR_clear_error();
                if (!x) {
                    bad("PKCS#12 certificate bag is malformed");
                    continue;
                }
                cert(pki::der::encode<X509, i2d_X509>(x.get(), "a certificate"));
            }
        }
    }

    std::string_view data_;
    ParseSink& sink_;
    ParseCounts counts_;
    int index_ = 0;
    size_t block_ = std::string_view::npos;  // start of the PEM block being read
    size_t end_at_ = 0;                      // what end_line() found last
    bool end_searched_ = false;
    uint64_t kdf_left_ = kKdfBudget;
    size_t counted_to_ = 0;
    size_t line_ = 1;
    size_t first_line_ = line_;
};

constexpr std::array<signed char, 256> make_table() {
    std::array<signed char, 256> t{};
    for (auto& v : t) v = -1;
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
    t[' '] = t['\t'] = t['\r'] = t['\n'] = -2;
    t['='] = -3;
    return t;
}
constexpr auto kTable = make_table();

}  // namespace

bool decode_base64(std::string_view text, std::string& out) {
    out.resize(text.size() / 4 * 3 + 3);
    char* o = out.data();
    size_t n = 0;
    uint32_t acc = 0;
    int bits = 0;
    int pad = 0;
    size_t symbols = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    while (p < end) {
        // Four alphabet characters on a quantum boundary: the whole of a PEM line but its end.
        if (bits == 0 && pad == 0 && end - p >= 4) {
            int a = kTable[p[0]], b = kTable[p[1]], c = kTable[p[2]], d = kTable[p[3]];
            if ((a | b | c | d) >= 0) {
                uint32_t v = static_cast<uint32_t>(a << 18 | b << 12 | c << 6 | d);
                o[n++] = static_cast<char>(v >> 16);
                o[n++] = static_cast<char>((v >> 8) & 0xff);
                o[n++] = static_cast<char>(v & 0xff);
                p += 4;
                symbols += 4;
                continue;
            }
        }
        signed char v = kTable[*p++];
        if (v == -2) continue;
        if (v == -1) return false;
        if (v == -3) {
            ++pad;
            ++symbols;
            continue;
        }
        if (pad != 0) return false;  // data after padding
        acc = (acc << 6) | static_cast<uint32_t>(v);
        bits += 6;
        ++symbols;
        if (bits >= 8) {
            bits -= 8;
            o[n++] = static_cast<char>((acc >> bits) & 0xff);
        }
    }
    out.resize(n);
    return symbols % 4 == 0 && pad <= 2;
}

ParseCounts parse_buffer(std::string_view data, ParseSink& sink, ParseStart start) {
    Parser parser(data, sink, start);
    return parser.run();
}

}  // namespace scan
