#pragma once
// What an expiry scan found: each distinct certificate (by SHA-256 of its
// DER) once, with every place it was found, its class at the scan time, and
// the places that could not be read. Thread-safe: sources add from workers.
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "scan/cert_fields.hpp"
#include "util/ossl.hpp"

namespace scan {

enum class Status { expired, critical, warning, ok };
std::string to_string(Status s);
// "expired", "crit"/"critical", "warn"/"warning", "ok".
std::optional<Status> parse_status(const std::string& text);

enum class Source { file, registry, tls };
std::string to_string(Source s);

struct Policy {
    int64_t at = 0;    // the scan time (Unix seconds)
    int64_t warn = 0;  // seconds
    int64_t crit = 0;  // seconds
};

// expired: not_after before `at`; critical: within crit; warning: within warn.
Status classify(int64_t not_after, const Policy& p);
// Whole days from `at` to not_after, rounded down (negative once expired).
int64_t days_left(int64_t not_after, int64_t at);

struct Location {
    Source source = Source::file;
    std::string where;  // path, device ID, or host:port
    int index = 0;      // position in the file, from 1; depth in a TLS chain, from 0
    std::string batch;  // registry only
};

using Fingerprint = std::array<unsigned char, 32>;

struct Finding {
    Fingerprint fingerprint{};
    std::string subject;
    std::string issuer;
    std::string serial;
    int64_t not_before = 0;
    int64_t not_after = 0;
    Status status = Status::ok;
    std::string device_id;  // from the registry, when it knows the certificate
    std::string batch;
    std::vector<Location> locations;
};

// A place that held no readable certificate, or one the scan may not open.
struct Problem {
    std::string kind;  // "unreadable" or "skipped"
    Location location;
    std::string reason;
};

enum class GroupBy { none, batch, issuer, month };

struct Summary {
    int64_t certificates = 0;  // distinct
    int64_t expired = 0;
    int64_t critical = 0;
    int64_t warning = 0;
    int64_t ok = 0;
    int64_t unreadable = 0;
    int64_t skipped = 0;
    int64_t sightings = 0;  // certificates seen, duplicates included
    int64_t files = 0;
    int64_t files_without_certificates = 0;
};

class Collector {
public:
    // Only findings whose status is at least as urgent as `listed` are kept
    // whole (none when nullopt); the rest are counted. Memory grows with what is listed.
    Collector(Policy policy, std::optional<Status> listed, GroupBy by);

    const Policy& policy() const { return policy_; }
    GroupBy group_by() const { return by_; }

    void add(const CertFields& cert, const Fingerprint& fp, Location where, const std::string& device_id = {});
    void add_problem(Problem problem);
    void count_file(bool had_certificates);

    // Findings sorted soonest not_after first, handed over (the collector
    // keeps none: a second copy of a hundred thousand would double the peak).
    // Once, after the scan.
    std::vector<Finding> take_findings();
    // Problems in the order found.
    std::vector<Problem> problems() const;
    Summary summary() const;
    // group key -> "YYYY-MM" of not_after -> distinct certificates.
    std::map<std::string, std::map<std::string, int64_t>> fleet() const;

private:
    struct Seen {
        std::optional<size_t> finding;  // index into findings_ when listed
    };
    struct FpHash {
        size_t operator()(const Fingerprint& f) const noexcept;
    };

    Policy policy_;
    std::optional<Status> listed_;
    GroupBy by_;
    mutable std::mutex mu_;
    std::unordered_map<Fingerprint, Seen, FpHash> seen_;
    std::vector<Finding> findings_;
    std::vector<Problem> problems_;
    Summary summary_;
    std::map<std::string, std::map<std::string, int64_t>> fleet_;
};

// SHA-256 of certificates' DER with one fetched digest and context, reused:
// a fetch per certificate costs more than the hash. One per thread.
class Hasher {
public:
    Hasher();
    Fingerprint operator()(std::string_view der);

private:
    std::unique_ptr<EVP_MD, util::Free<EVP_MD_free>> md_;
    util::EvpMdCtx ctx_;
};
std::string fingerprint_hex(const Fingerprint& fp);

}  // namespace scan
