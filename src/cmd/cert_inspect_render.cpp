// Human output of provctl cert inspect: one block of aligned "label  value"
// lines per item. Every value passes through util::printable: certificate
// text is attacker-chosen and must not reach a terminal as escape sequences.
#include <ostream>

#include "cmd/cert_inspect.hpp"
#include "util/text.hpp"
#include "util/time.hpp"

namespace cmd {

namespace {

// Certificates ending within this many days are shown as "soon" (yellow).
constexpr int64_t kSoonDays = 30;

class Block {
public:
    Block(std::ostream& out, const Context& ctx) : out_(out), ctx_(ctx) {}

    void line(const std::string& label, const std::string& value, const char* colour = nullptr) {
        std::string text = util::printable(value);
        out_ << "  " << label << std::string(label.size() < kWidth ? kWidth - label.size() : 1, ' ')
             << (colour != nullptr ? ctx_.paint(text, colour) : text) << '\n';
    }
    // One value per line, the label on the first only; nothing when empty.
    void lines(const std::string& label, const std::vector<std::string>& values, const char* colour = nullptr) {
        for (size_t i = 0; i < values.size(); ++i) line(i == 0 ? label : "", values[i], colour);
    }
    void joined(const std::string& label, const std::vector<std::string>& values) {
        if (values.empty()) return;
        std::string text;
        for (const auto& v : values) text += (text.empty() ? "" : ", ") + v;
        line(label, text);
    }

private:
    static constexpr size_t kWidth = 20;
    std::ostream& out_;
    const Context& ctx_;
};

std::vector<std::string> names(const std::vector<pki::GeneralName>& list, const std::string& prefix = "") {
    std::vector<std::string> out;
    for (const auto& n : list) out.push_back(prefix + n.type + ":" + n.value);
    return out;
}

std::string key_text(const pki::PublicKeyInfo& k) {
    if (k.curve) return k.type + " " + *k.curve;
    if (k.bits) return k.type + " " + std::to_string(*k.bits);
    return k.type;
}

std::string ca_text(bool is_ca, const std::optional<int64_t>& path_len) {
    if (!is_ca) return "no";
    return path_len ? "yes, path length " + std::to_string(*path_len) : "yes";
}

std::string name_or_empty(const std::string& name) { return name.empty() ? "(empty)" : name; }

std::string time_text(const std::optional<int64_t>& t) { return t ? util::format_rfc3339(*t) : "(undecodable)"; }

void render_cert(Block& b, const pki::CertInfo& c, int64_t at) {
    b.line("subject", name_or_empty(c.subject));
    b.line("issuer", name_or_empty(c.issuer));
    b.line("serial", c.serial);
    bool early = c.not_before && at < *c.not_before;
    b.line("not before", time_text(c.not_before) + (early ? " (not yet valid)" : ""), early ? "33" : nullptr);
    if (c.days_left) {
        int64_t d = *c.days_left;
        std::string note = d < 0 ? " (expired)" : " (" + std::to_string(d) + (d == 1 ? " day" : " days") + " left)";
        b.line("not after", time_text(c.not_after) + note, d < 0 ? "31" : d < kSoonDays ? "33" : nullptr);
    } else {
        b.line("not after", time_text(c.not_after), "31");
    }
    b.line("key", key_text(c.key));
    b.line("signature", c.signature_algorithm);
    b.line("CA", ca_text(c.is_ca, c.path_len));
    b.line("self-signed", c.self_signed ? "yes" : "no");
    b.joined("key usage", c.key_usage);
    b.joined("extended key usage", c.extended_key_usage);
    b.lines("SAN", names(c.san));
    if (c.name_constraints) {
        auto all = names(c.name_constraints->permitted, "permitted ");
        auto excluded = names(c.name_constraints->excluded, "excluded ");
        all.insert(all.end(), excluded.begin(), excluded.end());
        b.lines("name constraints", all.empty() ? std::vector<std::string>{"(empty)"} : all);
    }
    if (c.subject_key_id) b.line("subject key id", *c.subject_key_id);
    if (c.authority_key_id) b.line("authority key id", *c.authority_key_id);
    b.lines("CRL", c.crl_distribution_points);
    b.lines("OCSP", c.ocsp);
    b.lines("CA issuers", c.ca_issuers);
    b.line("sha256", c.sha256);
    b.line("sha1", c.sha1);
    b.lines("problem", c.problems, "33");
}

void render_csr(Block& b, const pki::CsrInfo& c) {
    b.line("subject", name_or_empty(c.subject));
    b.line("key", key_text(c.key));
    b.line("signature", c.signature_algorithm + (c.signature_valid ? " (valid)" : " (INVALID)"),
           c.signature_valid ? nullptr : "31");
    b.line("CA requested", ca_text(c.is_ca, c.path_len));
    b.joined("key usage", c.key_usage);
    b.joined("extended key usage", c.extended_key_usage);
    b.lines("SAN", names(c.san));
    b.line("sha256", c.sha256);
    b.lines("problem", c.problems, "33");
}

}  // namespace

void render_inspect(std::ostream& out, const std::vector<InspectedItem>& items, int64_t at, const Context& ctx) {
    for (size_t i = 0; i < items.size(); ++i) {
        const auto& item = items[i];
        bool is_cert = std::holds_alternative<pki::CertInfo>(item.info);
        if (i > 0) out << '\n';
        out << ctx.paint(util::printable(item.file) + " [" + std::to_string(item.index) + "] " +
                             (is_cert ? "certificate" : "certificate signing request"),
                         "1")
            << '\n';
        Block b(out, ctx);
        if (is_cert) render_cert(b, std::get<pki::CertInfo>(item.info), at);
        else render_csr(b, std::get<pki::CsrInfo>(item.info));
    }
}

}  // namespace cmd
