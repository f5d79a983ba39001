#include "pki/der.hpp"

#include <algorithm>

#include <openssl/evp.h>

namespace pki::der {

void append_length(std::string& out, size_t len) {
    if (len < 0x80) {
        out.push_back(static_cast<char>(len));
        return;
    }
    char bytes[sizeof(size_t)];
    int n = 0;
    for (size_t v = len; v != 0; v >>= 8) bytes[n++] = static_cast<char>(v & 0xff);
    out.push_back(static_cast<char>(0x80 | n));
    while (n > 0) out.push_back(bytes[--n]);
}

void append_tlv(std::string& out, uint8_t tag, std::string_view content) {
    out.push_back(static_cast<char>(tag));
    append_length(out, content.size());
    out.append(content);
}

std::string tlv(uint8_t tag, std::string_view content) {
    std::string out;
    out.reserve(content.size() + 6);
    append_tlv(out, tag, content);
    return out;
}

std::optional<Element> read(std::string_view in) {
    if (in.size() < 2) return std::nullopt;
    auto byte = [&](size_t i) { return static_cast<uint8_t>(in[i]); };
    Element e;
    e.tag = byte(0);
    if ((e.tag & 0x1f) == 0x1f) return std::nullopt;  // high tag numbers: never in what we read
    size_t len = byte(1);
    size_t header = 2;
    if (len & 0x80) {
        size_t n = len & 0x7f;
        if (n == 0 || n > 4 || in.size() < 2 + n) return std::nullopt;
        len = 0;
        for (size_t i = 0; i < n; ++i) len = (len << 8) | byte(2 + i);
        header += n;
    }
    if (in.size() - header < len) return std::nullopt;
    e.content = in.substr(header, len);
    e.whole = in.substr(0, header + len);
    return e;
}

std::optional<std::string_view> spki_key_bits(std::string_view spki) {
    auto outer = read(spki);
    if (!outer || outer->tag != 0x30) return std::nullopt;
    auto alg = read(outer->content);
    if (!alg || alg->tag != 0x30) return std::nullopt;
    auto bits = read(outer->content.substr(alg->whole.size()));
    if (!bits || bits->tag != 0x03 || bits->content.empty() || bits->content[0] != 0) return std::nullopt;
    return bits->content.substr(1);
}

std::string pem(std::string_view label, std::string_view der) {
    std::string out = "-----BEGIN " + std::string(label) + "-----\n";
    unsigned char line[65];
    for (size_t i = 0; i < der.size(); i += 48) {
        size_t n = std::min<size_t>(48, der.size() - i);
        int len = EVP_EncodeBlock(line, reinterpret_cast<const unsigned char*>(der.data() + i), static_cast<int>(n));
        out.append(reinterpret_cast<const char*>(line), static_cast<size_t>(len));
        out.push_back('\n');
    }
    out += "-----END " + std::string(label) + "-----\n";
    return out;
}

}  // namespace pki::der
