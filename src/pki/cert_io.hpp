#pragma once
// Reading and writing certificates, CSRs and CRLs in PEM and DER.
#include <string>
#include <vector>

#include "util/ossl.hpp"

namespace pki {

// Every certificate in a file: PEM with any number of blocks, or one DER
// certificate. Exit 2 naming the file when it holds none or is corrupt.
std::vector<util::X509Ptr> read_certificates(const std::string& path);
// The first certificate of a file (exit 2 when none).
util::X509Ptr read_certificate(const std::string& path);
// Certificates from a buffer; `origin` names it in errors.
std::vector<util::X509Ptr> parse_certificates(const std::string& data, const std::string& origin);

// One PKCS#10 request, PEM or DER.
util::X509ReqPtr read_csr(const std::string& path);
util::X509ReqPtr parse_csr(const std::string& data, const std::string& origin);

// CRLs, PEM (several) or DER.
std::vector<util::X509CrlPtr> read_crls(const std::string& path);

std::string cert_pem(const X509* cert);
std::string csr_pem(const X509_REQ* req);

}  // namespace pki
