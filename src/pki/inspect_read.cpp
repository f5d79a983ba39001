// Finding certificates and requests in files for inspection: unlike
// read_certificates, requests count too and the block types found are kept
// for the error message when none is usable.
#include <openssl/err.h>
#include <openssl/pem.h>

#include <cstdint>
#include <filesystem>

#include "pki/inspect.hpp"
#include "util/atomic_file.hpp"

namespace pki {

namespace {

enum class BlockKind { certificate, trusted_certificate, request, other };

BlockKind block_kind(const std::string& name) {
    if (name == "CERTIFICATE" || name == "X509 CERTIFICATE") return BlockKind::certificate;
    if (name == "TRUSTED CERTIFICATE") return BlockKind::trusted_certificate;
    if (name == "CERTIFICATE REQUEST" || name == "NEW CERTIFICATE REQUEST") return BlockKind::request;
    return BlockKind::other;
}

// Decodes one DER object as the block type says; neither pointer set when it cannot.
InspectObject decode(const unsigned char* der, long len, BlockKind kind) {
    InspectObject obj;
    const unsigned char* p = der;
    if (kind == BlockKind::request) {
        obj.csr.reset(d2i_X509_REQ(nullptr, &p, len));
    } else {
        obj.cert.reset(kind == BlockKind::trusted_certificate ? d2i_X509_AUX(nullptr, &p, len) : d2i_X509(nullptr, &p, len));
    }
    return obj;
}

bool empty(const InspectObject& o) { return !o.cert && !o.csr; }

std::vector<InspectObject> parse_pem(const std::string& data, const std::string& origin, std::string& others) {
    std::vector<InspectObject> out;
    util::BioPtr bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    for (size_t block = 0;; ++block) {
        char* name = nullptr;
        char* header = nullptr;
        unsigned char* body = nullptr;
        long len = 0;
        if (PEM_read_bio(bio.get(), &name, &header, &body, &len) != 1) {
            // Running out of BEGIN lines is the normal end; anything else is a broken block.
            unsigned long e = ERR_peek_last_error();
            bool clean_end = ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE;
            if (!clean_end)
                util::throw_openssl(origin + ": PEM block " + std::to_string(block) +
                                        " cannot be read (broken base64 or line structure)",
                                    util::ExitCode::usage);
            ERR_clear_error();
            break;
        }
        std::string block_name = name;
        OPENSSL_free(name);
        OPENSSL_free(header);
        BlockKind kind = block_kind(block_name);
        if (kind == BlockKind::other) {
            if (others.find(block_name) == std::string::npos) others += (others.empty() ? "" : ", ") + block_name;
            OPENSSL_free(body);
            continue;
        }
        InspectObject obj = decode(body, len, kind);
        OPENSSL_free(body);
        if (empty(obj))
            util::throw_openssl(origin + ": " + (kind == BlockKind::request ? "request" : "certificate") + " at index " +
                                    std::to_string(out.size()) + " cannot be decoded",
                                util::ExitCode::usage);
        out.push_back(std::move(obj));
    }
    return out;
}

}  // namespace

std::vector<InspectObject> parse_inspectable(const std::string& data, const std::string& origin) {
    ERR_clear_error();
    std::vector<InspectObject> out;
    std::string others;
    if (data.size() > static_cast<size_t>(INT32_MAX)) util::fail_input(origin + ": too large for a certificate file");
    if (data.find("-----BEGIN ") != std::string::npos) {
        out = parse_pem(data, origin, others);
    } else if (!data.empty()) {
        // DER holds one object: try a certificate, then a request.
        auto der = reinterpret_cast<const unsigned char*>(data.data());
        auto len = static_cast<long>(data.size());
        InspectObject obj = decode(der, len, BlockKind::certificate);
        if (empty(obj)) obj = decode(der, len, BlockKind::request);
        ERR_clear_error();
        if (!empty(obj)) out.push_back(std::move(obj));
    }
    if (out.empty()) {
        std::string found = others.empty() ? "" : "; it holds only " + others;
        util::fail_input(origin + ": no certificate or certificate signing request found (PEM or DER expected" + found + ")");
    }
    return out;
}

std::vector<InspectObject> read_inspectable(const std::string& path) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) util::fail_input(path + ": is a directory, not a file");
    return parse_inspectable(util::read_file(path), path);
}

}  // namespace pki
