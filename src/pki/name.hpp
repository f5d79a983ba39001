#pragma once
// Distinguished names: parsing what users type, printing what they read.
#include <string>

#include "util/ossl.hpp"

namespace pki {

// Accepts RFC 4514 ("CN=Device CA,O=Acme", most specific first, escapes
// \, \+ \" \\ \XX) or OpenSSL's slash form ("/O=Acme/CN=Device CA", in
// encoding order). `option` names the source in errors. Exit 2 on an
// unknown attribute, an empty value, or an empty name.
util::X509NamePtr parse_name(const std::string& text, const std::string& option);

// RFC 4514 text, most specific first ("CN=Device CA,O=Acme").
std::string format_name(const X509_NAME* name);

// The first CN of a name, or "".
std::string common_name(const X509_NAME* name);

}  // namespace pki
