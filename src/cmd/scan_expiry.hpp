#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cmd/context.hpp"
#include "scan/findings.hpp"

namespace cmd {

struct ScanExpiryOptions {
    std::vector<std::string> paths;
    std::string registry;
    std::vector<std::string> tls;
    std::string warn = "30d";
    std::string crit = "7d";
    std::string at;
    std::string connect_timeout = "5s";
    std::string only;
    std::string by;
    bool csv = false;
    bool follow_symlinks = false;
    unsigned jobs = 0;
};

// The monitoring-plugin convention (man provctl, EXIT STATUS of scan expiry).
enum class ScanExit : int { ok = 0, warning = 1, critical = 2, unknown = 3 };

// What the scan found, ready for one of the three renderings.
struct ScanReport {
    scan::Policy policy;
    scan::GroupBy by = scan::GroupBy::none;
    scan::Summary summary;
    std::vector<scan::Finding> findings;
    std::vector<scan::Problem> problems;
    std::map<std::string, std::map<std::string, int64_t>> fleet;
};

ScanExit scan_exit(const scan::Summary& s);

// {"schema": "provctl.scan.expiry/v1", ...}, documented in docs/json.md.
void write_scan_json(std::ostream& out, const ScanReport& r);
void write_scan_csv(std::ostream& out, const ScanReport& r);
void write_scan_table(std::ostream& out, const ScanReport& r, const Context& ctx);

ScanExit run_scan_expiry(const ScanExpiryOptions& options, Context& ctx);

}  // namespace cmd
