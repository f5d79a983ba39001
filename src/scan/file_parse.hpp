#pragma once
// Finds the certificates in the bytes of one file, whatever its format: PEM
// with any number of blocks (CERTIFICATE, X509 CERTIFICATE, TRUSTED
// CERTIFICATE, PKCS7, CMS), DER certificates (one or several back to back),
// PKCS#7/CMS SignedData bundles in DER, and PKCS#12 files without a password.
// Never throws for bad bytes: each problem is reported and parsing goes on.
#include <string>
#include <string_view>

#include "scan/cert_fields.hpp"

namespace scan {

class ParseSink {
public:
    virtual ~ParseSink() = default;
    // index: the certificate's position in the file, from 1.
    virtual void certificate(const CertFields& cert, int index) = 0;
    // Part of the file could not be read; index is the certificate position it would have had.
    virtual void unreadable(const std::string& reason, int index) = 0;
    // The file holds certificates the scan may not open (a password-protected PKCS#12).
    virtual void skipped(const std::string& reason) = 0;
};

struct ParseCounts {
    int certificates = 0;
    int unreadable = 0;
    int skipped = 0;
};

// Where a piece of a larger file starts, so indexes and line numbers run on
// across pieces (the file source reads big PEM bundles in pieces cut at block ends).
struct ParseStart {
    int index = 0;    // certificates before this piece
    size_t line = 1;  // line number of the piece's first byte
};

ParseCounts parse_buffer(std::string_view data, ParseSink& sink, ParseStart start = {});

// Base64 as PEM bodies carry it: whitespace ignored, '=' padding at the end
// only. false on any other byte or a bad length.
bool decode_base64(std::string_view text, std::string& out);

}  // namespace scan
