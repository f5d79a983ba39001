// RFC 7512 PKCS#11 URIs. Error messages name attributes but never repeat the
// URI text: a careless pin-value= would otherwise end up in logs.
#include <string_view>

#include "pki/pkcs11.hpp"
#include "util/error.hpp"

namespace pki {

namespace {

constexpr std::string_view kScheme = "pkcs11:";
constexpr char kHexDigits[] = "0123456789ABCDEF";

[[noreturn]] void bad_uri(const std::string& why) { util::fail_input("pkcs11: URI: " + why); }

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string percent_decode(std::string_view in, const std::string& attr) {
    std::string out;
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        int hi = i + 2 < in.size() ? hex_value(in[i + 1]) : -1;
        int lo = i + 2 < in.size() ? hex_value(in[i + 2]) : -1;
        if (hi < 0 || lo < 0) bad_uri("attribute '" + attr + "' has a '%' not followed by two hex digits");
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

bool unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

// `keep` lists the reserved characters RFC 7512 allows unescaped where the
// value goes; everything else is escaped so the text parses back the same.
std::string percent_encode(std::string_view in, std::string_view keep) {
    std::string out;
    for (char ch : in) {
        auto c = static_cast<unsigned char>(ch);
        if (unreserved(c) || keep.find(ch) != std::string_view::npos) {
            out += ch;
        } else {
            out += '%';
            out += kHexDigits[c >> 4];
            out += kHexDigits[c & 15];
        }
    }
    return out;
}

constexpr std::string_view kPathKeep = ":[]@!$'()*+,=&";
constexpr std::string_view kQueryKeep = ":[]@!$'()*+,=/?|";

struct Attr {
    std::string name;
    std::string_view raw;
};

std::vector<Attr> split(std::string_view part, char sep, const char* where) {
    std::vector<Attr> out;
    if (part.empty()) return out;
    size_t start = 0;
    while (true) {
        size_t end = part.find(sep, start);
        std::string_view piece = part.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        size_t eq = piece.find('=');
        if (piece.empty()) bad_uri(std::string("empty attribute in the ") + where + " (doubled '" + sep + "'?)");
        if (eq == std::string_view::npos || eq == 0)
            bad_uri(std::string("every attribute in the ") + where + " must be name=value");
        out.push_back({std::string(piece.substr(0, eq)), piece.substr(eq + 1)});
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    return out;
}

bool vendor_attribute(const std::string& name) { return name.size() > 2 && name.rfind("x-", 0) == 0; }

std::string text_value(const Attr& a) {
    std::string v = percent_decode(a.raw, a.name);
    if (v.empty()) bad_uri("attribute '" + a.name + "' has no value");
    if (v.find('\0') != std::string::npos) bad_uri("attribute '" + a.name + "' contains a NUL byte");
    return v;
}

void set_once(std::string& field, const Attr& a) {
    if (!field.empty()) bad_uri("attribute '" + a.name + "' appears twice");
    field = text_value(a);
}

void check_pin_source(const std::string& source) {
    if (source.rfind("env:", 0) == 0) {
        if (source.size() == 4) bad_uri("pin-source=env: needs a variable name");
        return;
    }
    if (source.rfind("file:", 0) == 0) {
        if (source.size() == 5) bad_uri("pin-source=file: needs a path");
        if (source.rfind("file://", 0) == 0 && source.rfind("file:///", 0) != 0)
            bad_uri("pin-source: a file: URI with a host is not supported; use file:/PATH");
        return;
    }
    size_t colon = source.find(':');
    if (colon != std::string::npos && colon < source.find('/'))
        bad_uri("pin-source must be env:NAME, file:PATH or a file path");
}

void parse_path(std::string_view path, Pkcs11Uri& uri) {
    for (const Attr& a : split(path, ';', "path")) {
        if (a.name == "token") set_once(uri.token, a);
        else if (a.name == "manufacturer") set_once(uri.manufacturer, a);
        else if (a.name == "serial") set_once(uri.serial, a);
        else if (a.name == "model") set_once(uri.model, a);
        else if (a.name == "object") set_once(uri.object, a);
        else if (a.name == "type") set_once(uri.type, a);
        else if (a.name == "id") {
            if (!uri.id.empty()) bad_uri("attribute 'id' appears twice");
            std::string bytes = percent_decode(a.raw, a.name);
            if (bytes.empty()) bad_uri("attribute 'id' has no value");
            uri.id.assign(bytes.begin(), bytes.end());
        } else if (a.name == "library-manufacturer" || a.name == "library-description" ||
                   a.name == "library-version" || vendor_attribute(a.name)) {
            // They describe the module, which module-path= already picks.
        } else if (a.name.rfind("slot-", 0) == 0) {
            bad_uri("attribute '" + a.name + "' is not supported; pick the token with token= or serial=");
        } else {
            bad_uri("unknown path attribute '" + a.name.substr(0, 40) + "'");
        }
    }
    if (!uri.type.empty() && uri.type != "private" && uri.type != "public" && uri.type != "cert" &&
        uri.type != "secret-key" && uri.type != "data")
        bad_uri("type=" + uri.type.substr(0, 20) + " is not one of private, public, cert, secret-key, data");
}

void parse_query(std::string_view query, Pkcs11Uri& uri) {
    for (const Attr& a : split(query, '&', "query")) {
        if (a.name == "module-path") set_once(uri.module_path, a);
        else if (a.name == "pin-source") set_once(uri.pin_source, a);
        else if (a.name == "module-name")
            bad_uri("module-name= is not supported; give the module file with module-path=");
        else if (!vendor_attribute(a.name)) bad_uri("unknown query attribute '" + a.name.substr(0, 40) + "'");
    }
    if (!uri.pin_source.empty()) check_pin_source(uri.pin_source);
}

// Looked for before anything else, wherever it stands, so that no other
// complaint about the URI comes first and the PIN is never echoed.
void refuse_pin_value(std::string_view rest) {
    size_t start = 0;
    while (start <= rest.size()) {
        size_t end = rest.find_first_of(";?&", start);
        std::string_view piece = rest.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
        if (piece.substr(0, piece.find('=')) == "pin-value")
            bad_uri("pin-value=: a PIN on the command line is visible to every user of this machine "
                    "(ps, shell history); use pin-source=env:NAME or pin-source=file:PATH");
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
}

}  // namespace

Pkcs11Uri parse_pkcs11_uri(const std::string& text) {
    if (text.compare(0, kScheme.size(), kScheme) != 0) bad_uri("it must start with 'pkcs11:'");
    std::string_view rest = std::string_view(text).substr(kScheme.size());
    if (rest.find('#') != std::string_view::npos) bad_uri("a fragment ('#') is not allowed");
    refuse_pin_value(rest);
    size_t q = rest.find('?');
    Pkcs11Uri uri;
    if (q != std::string_view::npos) parse_query(rest.substr(q + 1), uri);
    parse_path(rest.substr(0, q), uri);
    return uri;
}

std::string Pkcs11Uri::to_string() const {
    std::string path;
    auto add = [&path](const char* name, const std::string& value) {
        if (value.empty()) return;
        path += (path.empty() ? "" : ";") + std::string(name) + "=" + percent_encode(value, kPathKeep);
    };
    add("token", token);
    add("manufacturer", manufacturer);
    add("serial", serial);
    add("model", model);
    add("object", object);
    if (!id.empty()) {
        // Every id byte escaped: ids are binary and read best as hex.
        path += (path.empty() ? "" : ";") + std::string("id=");
        for (uint8_t b : id) {
            path += '%';
            path += kHexDigits[b >> 4];
            path += kHexDigits[b & 15];
        }
    }
    add("type", type);
    std::string query;
    auto add_query = [&query](const char* name, const std::string& value) {
        if (value.empty()) return;
        query += (query.empty() ? "?" : "&") + std::string(name) + "=" + percent_encode(value, kQueryKeep);
    };
    add_query("module-path", module_path);
    add_query("pin-source", pin_source);
    return std::string(kScheme) + path + query;
}

std::string Pkcs11Uri::pin_spec() const {
    if (pin_source.empty()) return {};
    if (pin_source.rfind("env:", 0) == 0) return pin_source;
    if (pin_source.rfind("file:///", 0) == 0) return "file:" + pin_source.substr(7);
    if (pin_source.rfind("file:", 0) == 0) return pin_source;
    return "file:" + pin_source;
}

}  // namespace pki
