#pragma once
// A Name's DER as the RFC 4514 text the rest of provctl prints
// (pki::format_name), without building an X509_NAME for the common case.
#include <string>
#include <string_view>

namespace scan {

// Printable ASCII values of well-known attribute types are rendered here;
// anything else (other string types, unknown OIDs, bytes outside ASCII)
// goes through d2i_X509_NAME and pki::format_name, so the text is always
// the same as OpenSSL's. "" when the DER is not a Name.
std::string name_text(std::string_view name_der);

}  // namespace scan
