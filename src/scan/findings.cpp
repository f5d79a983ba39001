#include "scan/findings.hpp"

#include <algorithm>
#include <cstring>
#include <ctime>
#include <tuple>

#include <openssl/evp.h>

#include "scan/name_text.hpp"
#include "util/ossl.hpp"

namespace scan {

std::string to_string(Status s) {
    switch (s) {
        case Status::expired: return "expired";
        case Status::critical: return "critical";
        case Status::warning: return "warning";
        case Status::ok: return "ok";
    }
    return "ok";
}

std::optional<Status> parse_status(const std::string& text) {
    if (text == "expired") return Status::expired;
    if (text == "crit" || text == "critical") return Status::critical;
    if (text == "warn" || text == "warning") return Status::warning;
    if (text == "ok" || text == "all") return Status::ok;
    return std::nullopt;
}

std::string to_string(Source s) {
    switch (s) {
        case Source::file: return "file";
        case Source::registry: return "registry";
        case Source::tls: return "tls";
    }
    return "file";
}

Status classify(int64_t not_after, const Policy& p) {
    if (not_after < p.at) return Status::expired;
    if (not_after - p.at <= p.crit) return Status::critical;
    if (not_after - p.at <= p.warn) return Status::warning;
    return Status::ok;
}

int64_t days_left(int64_t not_after, int64_t at) {
    int64_t d = not_after - at;
    return d >= 0 ? d / 86400 : -((-d + 86399) / 86400);
}

size_t Collector::FpHash::operator()(const Fingerprint& f) const noexcept {
    size_t h = 0;
    std::memcpy(&h, f.data(), sizeof h);  // SHA-256 output is already uniform
    return h;
}

Collector::Collector(Policy policy, std::optional<Status> listed, GroupBy by) : policy_(policy), listed_(listed), by_(by) {}

namespace {

std::string month_of(int64_t t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d", tm.tm_year + 1900, tm.tm_mon + 1);
    return buf;
}

}  // namespace

void Collector::add(const CertFields& cert, const Fingerprint& fp, Location where, const std::string& device_id) {
    Status status = classify(cert.not_after, policy_);
    bool keep = listed_ && static_cast<int>(status) <= static_cast<int>(*listed_);
    // Names are rendered outside the lock; a duplicate wastes them, which is rare.
    std::string subject, issuer;
    if (keep) subject = name_text(cert.subject);
    if (keep || by_ == GroupBy::issuer) issuer = name_text(cert.issuer);
    std::string batch = where.batch;

    std::lock_guard<std::mutex> lock(mu_);
    ++summary_.sightings;
    auto [it, fresh] = seen_.try_emplace(fp);
    if (!fresh) {
        if (it->second.finding) {
            Finding& f = findings_[*it->second.finding];
            f.locations.push_back(std::move(where));
            if (f.device_id.empty()) f.device_id = device_id;
            if (f.batch.empty()) f.batch = batch;
        }
        return;
    }
    ++summary_.certificates;
    switch (status) {
        case Status::expired: ++summary_.expired; break;
        case Status::critical: ++summary_.critical; break;
        case Status::warning: ++summary_.warning; break;
        case Status::ok: ++summary_.ok; break;
    }
    if (by_ != GroupBy::none) {
        std::string key = by_ == GroupBy::batch ? (batch.empty() ? std::string("(none)") : batch)
                          : by_ == GroupBy::issuer ? issuer
                                                   : std::string();
        ++fleet_[key][month_of(cert.not_after)];
    }
    if (!keep) return;
    Finding f;
    f.fingerprint = fp;
    f.subject = std::move(subject);
    f.issuer = std::move(issuer);
    f.serial = serial_text(cert.serial);
    f.not_before = cert.not_before;
    f.not_after = cert.not_after;
    f.status = status;
    f.device_id = device_id;
    f.batch = std::move(batch);
    f.locations.push_back(std::move(where));
    it->second.finding = findings_.size();
    findings_.push_back(std::move(f));
}

void Collector::add_problem(Problem problem) {
    std::lock_guard<std::mutex> lock(mu_);
    if (problem.kind == "skipped")
        ++summary_.skipped;
    else
        ++summary_.unreadable;
    problems_.push_back(std::move(problem));
}

void Collector::count_file(bool had_certificates) {
    std::lock_guard<std::mutex> lock(mu_);
    ++summary_.files;
    if (!had_certificates) ++summary_.files_without_certificates;
}

std::vector<Finding> Collector::take_findings() {
    std::lock_guard<std::mutex> lock(mu_);
    // Sorted through an index so each finding moves once.
    std::vector<size_t> order(findings_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        const Finding& x = findings_[a];
        const Finding& y = findings_[b];
        if (x.not_after != y.not_after) return x.not_after < y.not_after;
        return x.subject < y.subject;
    });
    std::vector<Finding> out;
    out.reserve(order.size());
    for (size_t i : order) {
        out.push_back(std::move(findings_[i]));
        // Workers add in whatever order they finish: sorted so output is stable.
        auto& l = out.back().locations;
        if (l.size() > 1)
            std::sort(l.begin(), l.end(), [](const Location& a, const Location& b) {
                return std::tie(a.source, a.where, a.index) < std::tie(b.source, b.where, b.index);
            });
    }
    findings_.clear();
    seen_.clear();
    return out;
}

std::vector<Problem> Collector::problems() const {
    std::lock_guard<std::mutex> lock(mu_);
    return problems_;
}

Summary Collector::summary() const {
    std::lock_guard<std::mutex> lock(mu_);
    return summary_;
}

std::map<std::string, std::map<std::string, int64_t>> Collector::fleet() const {
    std::lock_guard<std::mutex> lock(mu_);
    return fleet_;
}

Hasher::Hasher() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {
    if (!md_ || !ctx_) util::throw_openssl("SHA-256 is not available");
}

Fingerprint Hasher::operator()(std::string_view der) {
    Fingerprint out{};
    unsigned int len = 0;
    if (EVP_DigestInit_ex2(ctx_.get(), md_.get(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx_.get(), der.data(), der.size()) != 1 || EVP_DigestFinal_ex(ctx_.get(), out.data(), &len) != 1)
        util::throw_openssl("SHA-256 failed");
    return out;
}

std::string fingerprint_hex(const Fingerprint& fp) {
    static const char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(64);
    for (unsigned char b : fp) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

}  // namespace scan
