#include "pki/cert_io.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

#include "util/atomic_file.hpp"

namespace pki {

namespace {

bool looks_pem(const std::string& data) { return data.find("-----BEGIN ") != std::string::npos; }

util::BioPtr mem_bio(const std::string& data) {
    return util::BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

}  // namespace

std::vector<util::X509Ptr> parse_certificates(const std::string& data, const std::string& origin) {
    std::vector<util::X509Ptr> out;
    ERR_clear_error();
    if (looks_pem(data)) {
        auto bio = mem_bio(data);
        // Walk every PEM block: blocks that are not certificates (keys, CSRs) are skipped.
        while (true) {
            char* name = nullptr;
            char* header = nullptr;
            unsigned char* body = nullptr;
            long len = 0;
            if (PEM_read_bio(bio.get(), &name, &header, &body, &len) != 1) break;
            std::string block = name;
            OPENSSL_free(name);
            OPENSSL_free(header);
            if (block == "CERTIFICATE" || block == "X509 CERTIFICATE" || block == "TRUSTED CERTIFICATE") {
                const unsigned char* p = body;
                X509* cert = block == "TRUSTED CERTIFICATE" ? d2i_X509_AUX(nullptr, &p, len) : d2i_X509(nullptr, &p, len);
                if (cert == nullptr) {
                    OPENSSL_free(body);
                    util::throw_openssl(origin + ": certificate " + std::to_string(out.size() + 1) + " is corrupt",
                                        util::ExitCode::usage);
                }
                out.emplace_back(cert);
            }
            OPENSSL_free(body);
        }
        ERR_clear_error();
    } else {
        const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
        X509* cert = d2i_X509(nullptr, &p, static_cast<long>(data.size()));
        if (cert != nullptr) out.emplace_back(cert);
        ERR_clear_error();
    }
    if (out.empty()) util::fail_input(origin + ": no certificate found (PEM or DER expected)");
    return out;
}

std::vector<util::X509Ptr> read_certificates(const std::string& path) {
    return parse_certificates(util::read_file(path), path);
}

util::X509Ptr read_certificate(const std::string& path) {
    auto certs = read_certificates(path);
    return std::move(certs.front());
}

util::X509ReqPtr parse_csr(const std::string& data, const std::string& origin) {
    ERR_clear_error();
    X509_REQ* req = nullptr;
    if (looks_pem(data)) {
        auto bio = mem_bio(data);
        req = PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr);
    } else {
        const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
        req = d2i_X509_REQ(nullptr, &p, static_cast<long>(data.size()));
    }
    if (req == nullptr) util::throw_openssl(origin + ": not a readable certificate signing request", util::ExitCode::usage);
    return util::X509ReqPtr(req);
}

util::X509ReqPtr read_csr(const std::string& path) { return parse_csr(util::read_file(path), path); }

std::vector<util::X509CrlPtr> read_crls(const std::string& path) {
    std::string data = util::read_file(path);
    std::vector<util::X509CrlPtr> out;
    ERR_clear_error();
    if (looks_pem(data)) {
        auto bio = mem_bio(data);
        while (X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(crl);
    } else {
        const unsigned char* p = reinterpret_cast<const unsigned char*>(data.data());
        if (X509_CRL* crl = d2i_X509_CRL(nullptr, &p, static_cast<long>(data.size()))) out.emplace_back(crl);
    }
    ERR_clear_error();
    if (out.empty()) util::fail_input(path + ": no CRL found (PEM or DER expected)");
    return out;
}

std::string cert_pem(const X509* cert) {
    util::BioPtr bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_X509(bio.get(), cert) != 1) util::throw_openssl("cannot encode certificate");
    return util::bio_text(bio.get());
}

std::string csr_pem(const X509_REQ* req) {
    util::BioPtr bio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_X509_REQ(bio.get(), req) != 1) util::throw_openssl("cannot encode request");
    return util::bio_text(bio.get());
}

}  // namespace pki
