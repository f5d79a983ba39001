#include "pki/name.hpp"

#include <openssl/err.h>
#include <vector>

namespace pki {

namespace {

struct Attribute {
    std::string type;
    std::string value;
    bool joins_previous = false;  // '+' multi-valued RDN
};

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Splits on unescaped separators, undoing RFC 4514 escapes in values.
std::vector<Attribute> split_attributes(const std::string& text, char separator, const std::string& option) {
    std::vector<Attribute> out;
    Attribute cur;
    std::string* field = &cur.type;
    bool next_joins = false;
    auto finish = [&](bool joins_next) {
        if (cur.type.empty() && cur.value.empty() && field == &cur.type) {
            if (joins_next) util::fail_input(option + ": empty attribute before '+'");
            return;
        }
        if (field == &cur.type) util::fail_input(option + ": '" + cur.type + "' has no '=' (expected TYPE=value)");
        // Surrounding spaces are not part of types or values (RFC 4514 2.4).
        auto trim = [](std::string& s) {
            while (!s.empty() && s.back() == ' ') s.pop_back();
            size_t i = 0;
            while (i < s.size() && s[i] == ' ') ++i;
            s.erase(0, i);
        };
        trim(cur.type);
        trim(cur.value);
        cur.joins_previous = next_joins;
        out.push_back(cur);
        cur = Attribute{};
        field = &cur.type;
        next_joins = joins_next;
    };
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\' && i + 1 < text.size()) {
            int h1 = hex_digit(text[i + 1]);
            int h2 = i + 2 < text.size() ? hex_digit(text[i + 2]) : -1;
            if (h1 >= 0 && h2 >= 0) {
                *field += static_cast<char>(h1 << 4 | h2);
                i += 2;
            } else {
                *field += text[i + 1];
                ++i;
            }
        } else if (c == separator) {
            finish(false);
        } else if (c == '+') {
            finish(true);
        } else if (c == '=' && field == &cur.type) {
            field = &cur.value;
        } else {
            *field += c;
        }
    }
    finish(false);
    return out;
}

}  // namespace

util::X509NamePtr parse_name(const std::string& text, const std::string& option) {
    std::string body = text;
    bool slash_form = !body.empty() && body[0] == '/';
    if (slash_form) body.erase(0, 1);
    auto attrs = split_attributes(body, slash_form ? '/' : ',', option);
    if (attrs.empty()) util::fail_input(option + ": the name is empty (for example CN=Device CA,O=Acme)");
    // RFC 4514 lists the most specific RDN first; the encoding starts with the least specific.
    if (!slash_form) {
        // Reverse RDN order while keeping multi-valued RDN members together.
        std::vector<std::vector<Attribute>> rdns;
        for (auto& a : attrs) {
            if (a.joins_previous && !rdns.empty()) rdns.back().push_back(a);
            else rdns.push_back({a});
        }
        attrs.clear();
        for (auto it = rdns.rbegin(); it != rdns.rend(); ++it) {
            for (size_t k = 0; k < it->size(); ++k) {
                Attribute a = (*it)[k];
                a.joins_previous = k > 0;
                attrs.push_back(a);
            }
        }
    }
    util::X509NamePtr name(X509_NAME_new());
    for (const auto& a : attrs) {
        if (a.type.empty()) util::fail_input(option + ": an attribute has no type");
        if (a.value.empty()) util::fail_input(option + ": attribute " + a.type + " has an empty value");
        if (OBJ_txt2nid(a.type.c_str()) == NID_undef)
            util::fail_input(option + ": unknown attribute type '" + a.type + "' (use CN, O, OU, C, L, ST, serialNumber...)");
        int set = a.joins_previous ? -1 : 0;
        if (X509_NAME_add_entry_by_txt(name.get(), a.type.c_str(), MBSTRING_UTF8,
                                       reinterpret_cast<const unsigned char*>(a.value.data()),
                                       static_cast<int>(a.value.size()), -1, set) != 1)
            util::throw_openssl(option + ": attribute " + a.type + " rejected", util::ExitCode::usage);
    }
    return name;
}

std::string format_name(const X509_NAME* name) {
    util::BioPtr bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(len));
}

std::string common_name(const X509_NAME* name) {
    int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0) return {};
    return util::asn1_utf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
}

}  // namespace pki
