#include "pki/device_template.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include "pki/cert_builder.hpp"
#include "pki/der.hpp"
#include "pki/key.hpp"
#include "pki/name.hpp"

namespace pki {

namespace {

const std::string kSanPrefix = "urn:dev:serial:";

std::string cn_rdn(const std::string& id) {
    return der::tlv(0x31, der::tlv(0x30, std::string("\x06\x03\x55\x04\x03", 5) + der::tlv(0x0c, id)));
}

std::string san_extension(const std::string& id) {
    return der::tlv(0x30, std::string("\x06\x03\x55\x1d\x11", 5) +
                              der::tlv(0x04, der::tlv(0x30, der::tlv(0x86, kSanPrefix + id))));
}

std::string ski_extension(std::string_view spki) {
    auto bits = der::spki_key_bits(spki);
    if (!bits) util::fail_op("a public key is not a well-formed SubjectPublicKeyInfo");
    auto digest = util::sha1(bits->data(), bits->size());
    return der::tlv(0x30, std::string("\x06\x03\x55\x1d\x0e", 5) +
                              der::tlv(0x04, der::tlv(0x04, std::string(digest.begin(), digest.end()))));
}

}  // namespace

std::string spki_der(const EVP_PKEY* key) { return der::encode<EVP_PKEY, i2d_PUBKEY>(key, "public key"); }

EcSpkiEncoder::EcSpkiEncoder(const EVP_PKEY* sample) {
    if (EVP_PKEY_get_base_id(sample) != EVP_PKEY_EC) return;
    std::string spki = spki_der(sample);
    std::string point = encoded_public_point(sample);
    auto bits = der::spki_key_bits(spki);
    if (point.empty() || !bits || *bits != point || spki.size() <= point.size()) return;
    prefix_ = spki.substr(0, spki.size() - point.size());
    point_len_ = point.size();
}

std::string EcSpkiEncoder::encode(const EVP_PKEY* key) const {
    std::string point = encoded_public_point(key);
    if (point.size() != point_len_) return spki_der(key);  // another curve: the slow, general way
    return prefix_ + point;
}

DeviceCertTemplate::DeviceCertTemplate(const DeviceTemplateSpec& spec, const EVP_PKEY* sample_key)
    : issuer_key_(spec.issuer_key), on_token_(spec.issuer_on_token) {
    const EVP_MD* md = digest_for(spec.issuer_key);
    md_.reset(EVP_MD_fetch(nullptr, EVP_MD_get0_name(md), nullptr));
    if (!md_) util::throw_openssl("cannot fetch the signature digest");

    // The reference: the same certificate cert sign-csr would make, linted and checked.
    const std::string sample_id = "SAMPLE-0";
    util::X509NamePtr prefix = spec.subject_prefix.empty()
                                   ? util::X509NamePtr(util::check_ptr(X509_NAME_new(), "cannot allocate a name"))
                                   : parse_name(spec.subject_prefix, "--subject");
    if (X509_NAME_get_index_by_NID(prefix.get(), NID_commonName, -1) >= 0)
        util::fail_input("--subject '" + spec.subject_prefix + "': leave out CN, it is always the device ID");
    util::X509NamePtr subject(X509_NAME_dup(prefix.get()));
    X509_NAME_add_entry_by_NID(subject.get(), NID_commonName, MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(sample_id.data()),
                               static_cast<int>(sample_id.size()), -1, 0);
    CertSpec cs;
    cs.subject = subject.get();
    cs.public_key = sample_key;
    cs.validity = spec.validity;
    cs.key_usage = KU_DIGITAL_SIGNATURE;
    cs.ext_key_usage = {"clientAuth"};
    cs.san.push_back({SubjectAltName::Kind::uri, kSanPrefix + sample_id});
    util::X509Ptr ref = build_certificate(cs, spec.issuer, spec.issuer_key, nullptr);

    sigalg_ = der::encode<X509_ALGOR, i2d_X509_ALGOR>(X509_get0_tbs_sigalg(ref.get()), "signature algorithm");
    issuer_ = der::encode<X509_NAME, i2d_X509_NAME>(X509_get_issuer_name(ref.get()), "issuer name");
    validity_ = der::tlv(0x30, der::encode<ASN1_TIME, i2d_ASN1_TIME>(X509_get0_notBefore(ref.get()), "not_before") +
                                   der::encode<ASN1_TIME, i2d_ASN1_TIME>(X509_get0_notAfter(ref.get()), "not_after"));
    std::string prefix_der = der::encode<X509_NAME, i2d_X509_NAME>(prefix.get(), "subject");
    subject_rdns_ = std::string(der::read(prefix_der)->content);
    for (int i = 0; i < X509_get_ext_count(ref.get()); ++i) {
        X509_EXTENSION* ext = X509_get_ext(ref.get(), i);
        int nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
        Part part = nid == NID_subject_alt_name ? Part::san : nid == NID_subject_key_identifier ? Part::ski : Part::fixed;
        extensions_.emplace_back(part, part == Part::fixed ? der::encode<X509_EXTENSION, i2d_X509_EXTENSION>(ext, "extension")
                                                            : std::string());
    }
    issuer_text_ = format_name(X509_get_issuer_name(ref.get()));
    not_before_ = spec.validity.not_before;
    not_after_ = spec.validity.not_after;

    // The proof: the template, fed the reference's serial and key, must give
    // the reference's to-be-signed bytes exactly.
    const ASN1_INTEGER* serial = X509_get0_serialNumber(ref.get());
    std::string serial_bytes(reinterpret_cast<const char*>(ASN1_STRING_get0_data(serial)),
                             static_cast<size_t>(ASN1_STRING_length(serial)));
    std::string ref_spki = der::encode<X509_PUBKEY, i2d_X509_PUBKEY>(X509_get_X509_PUBKEY(ref.get()), "public key");
    unsigned char* ref_tbs = nullptr;
    int ref_len = i2d_re_X509_tbs(ref.get(), &ref_tbs);
    std::string expected(reinterpret_cast<char*>(ref_tbs), ref_len > 0 ? static_cast<size_t>(ref_len) : 0);
    OPENSSL_free(ref_tbs);
    if (serial_bytes.size() != 20 || tbs(sample_id, ref_spki, serial_bytes) != expected)
        util::fail_op("the device certificate template does not reproduce its reference certificate");

    // And a certificate made by the fast path verifies under the issuer's published key.
    Signer signer(*this);
    DeviceCert probe = signer.issue(sample_id, ref_spki);
    const unsigned char* p = reinterpret_cast<const unsigned char*>(probe.der.data());
    util::X509Ptr parsed(d2i_X509(nullptr, &p, static_cast<long>(probe.der.size())));
    if (!parsed || X509_verify(parsed.get(), X509_get0_pubkey(spec.issuer)) != 1)
        util::throw_openssl("a certificate from the device template does not verify under the issuer's key");
}

std::string DeviceCertTemplate::tbs(const std::string& device_id, std::string_view spki,
                                    std::string_view serial20) const {
    std::string exts;
    for (const auto& [part, fixed] : extensions_) {
        if (part == Part::fixed) exts += fixed;
        else if (part == Part::san) exts += san_extension(device_id);
        else exts += ski_extension(spki);
    }
    std::string body;
    body.reserve(512);
    body.append("\xa0\x03\x02\x01\x02", 5);
    der::append_tlv(body, 0x02, serial20);
    body += sigalg_;
    body += issuer_;
    body += validity_;
    der::append_tlv(body, 0x30, subject_rdns_ + cn_rdn(device_id));
    body.append(spki);
    der::append_tlv(body, 0xa3, der::tlv(0x30, exts));
    return der::tlv(0x30, body);
}

std::string DeviceCertTemplate::sign(EVP_PKEY_CTX* ctx, const std::string& tbs_der) const {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    if (EVP_Digest(tbs_der.data(), tbs_der.size(), digest, &dlen, md_.get(), nullptr) != 1)
        util::throw_openssl("cannot hash a certificate");
    std::unique_lock<std::mutex> lock(token_mutex_, std::defer_lock);
    if (on_token_) lock.lock();
    size_t siglen = 0;
    if (EVP_PKEY_sign(ctx, nullptr, &siglen, digest, dlen) != 1) util::throw_openssl("signing failed");
    std::string sig(siglen + 1, '\0');  // leading 0: the BIT STRING's unused-bits octet
    if (EVP_PKEY_sign(ctx, reinterpret_cast<unsigned char*>(sig.data() + 1), &siglen, digest, dlen) != 1)
        util::throw_openssl("signing failed");
    sig.resize(siglen + 1);
    return der::tlv(0x30, tbs_der + sigalg_ + der::tlv(0x03, sig));
}

DeviceCertTemplate::Signer::Signer(const DeviceCertTemplate& t)
    : t_(&t), ctx_(EVP_PKEY_CTX_new(t.issuer_key_, nullptr)) {
    if (!ctx_ || EVP_PKEY_sign_init(ctx_.get()) != 1 || EVP_PKEY_CTX_set_signature_md(ctx_.get(), t.md_.get()) != 1)
        util::throw_openssl("cannot set up signing with the issuer key");
}

DeviceCert DeviceCertTemplate::Signer::issue(const std::string& device_id, std::string_view spki) {
    unsigned char serial[20];
    if (RAND_bytes(serial, sizeof serial) != 1) util::throw_openssl("random number generator failed");
    serial[0] = static_cast<unsigned char>((serial[0] & 0x7f) | 0x40);  // as random_serial(): 20 octets, positive
    std::string serial_bytes(reinterpret_cast<char*>(serial), sizeof serial);
    DeviceCert out;
    out.der = t_->sign(ctx_.get(), t_->tbs(device_id, spki, serial_bytes));
    static const char* digits = "0123456789ABCDEF";
    out.serial.reserve(40);
    for (unsigned char b : serial) {
        out.serial.push_back(digits[b >> 4]);
        out.serial.push_back(digits[b & 15]);
    }
    return out;
}

Pkcs8Encoder::Pkcs8Encoder(const EVP_PKEY* sample) {
    if (EVP_PKEY_get_base_id(sample) != EVP_PKEY_EC) return;
    std::string reference = plaintext_private_key_pem(sample);
    // The encoder's DER: the AlgorithmIdentifier is taken from it.
    unsigned char* buf = nullptr;
    PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(sample);
    int len = info != nullptr ? i2d_PKCS8_PRIV_KEY_INFO(info, &buf) : -1;
    PKCS8_PRIV_KEY_INFO_free(info);
    std::string encoded(len > 0 ? reinterpret_cast<char*>(buf) : "", len > 0 ? static_cast<size_t>(len) : 0);
    OPENSSL_clear_free(buf, len > 0 ? static_cast<size_t>(len) : 0);
    auto outer = der::read(encoded);
    if (outer) {
        auto version = der::read(outer->content);
        if (version) {
            auto alg = der::read(outer->content.substr(version->whole.size()));
            if (alg) algorithm_ = std::string(alg->whole);
        }
    }
    scalar_len_ = static_cast<size_t>((EVP_PKEY_get_bits(sample) + 7) / 8);
    fast_ = !algorithm_.empty();
    if (fast_) {
        std::string mine = der(sample);
        fast_ = mine == encoded && der::pem("PRIVATE KEY", mine) == reference;
        OPENSSL_cleanse(mine.data(), mine.size());
    }
    OPENSSL_cleanse(encoded.data(), encoded.size());
    OPENSSL_cleanse(reference.data(), reference.size());
    ERR_clear_error();
}

std::string Pkcs8Encoder::der(const EVP_PKEY* key) const {
    BIGNUM* d = nullptr;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1) util::throw_openssl("cannot read a private key");
    std::string scalar(scalar_len_, '\0');
    int ok = BN_bn2binpad(d, reinterpret_cast<unsigned char*>(scalar.data()), static_cast<int>(scalar.size()));
    BN_clear_free(d);
    if (ok < 0) util::throw_openssl("cannot encode a private key");
    std::string ec = der::tlv(0x30, std::string("\x02\x01\x01", 3) + der::tlv(0x04, scalar) +
                                        der::tlv(0xa1, der::tlv(0x03, std::string(1, '\0') + encoded_public_point(key))));
    std::string out = der::tlv(0x30, std::string("\x02\x01\x00", 3) + algorithm_ + der::tlv(0x04, ec));
    OPENSSL_cleanse(scalar.data(), scalar.size());
    OPENSSL_cleanse(ec.data(), ec.size());
    return out;
}

std::string Pkcs8Encoder::pem(const EVP_PKEY* key) const {
    if (!fast_) return plaintext_private_key_pem(key);
    std::string d = der(key);
    std::string out = der::pem("PRIVATE KEY", d);
    OPENSSL_cleanse(d.data(), d.size());
    return out;
}

}  // namespace pki
