// The three renderings of an expiry scan: JSON (written a finding per line,
// so a hundred thousand findings stream out without one big document in
// memory), CSV, and the table people read, with the fleet view.
#include <algorithm>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "cmd/scan_expiry.hpp"
#include "util/text.hpp"
#include "util/time.hpp"

namespace cmd {
namespace {

// A JSON string. Names and paths are nearly always printable ASCII without
// quotes or backslashes, which need no escaping; the rest goes through
// nlohmann (invalid UTF-8 replaced, never thrown).
std::string q(const std::string& s) {
    bool plain = std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f && c != '"' && c != '\\'; });
    if (plain) return '"' + s + '"';
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A location as JSON, written directly: one per certificate in the hot loop
// of a large scan, where building nlohmann objects cost more than the parse.
std::string location_text_json(const scan::Location& l) {
    switch (l.source) {
        case scan::Source::file: return "{\"source\": \"file\", \"path\": " + q(l.where) + ", \"index\": " + std::to_string(l.index) + "}";
        case scan::Source::registry: return "{\"source\": \"registry\", \"device_id\": " + q(l.where) + ", \"batch\": " + q(l.batch) + "}";
        case scan::Source::tls: return "{\"source\": \"tls\", \"endpoint\": " + q(l.where) + ", \"depth\": " + std::to_string(l.index) + "}";
    }
    return "{}";
}

std::string location_text(const scan::Location& l) {
    switch (l.source) {
        case scan::Source::file: return l.where + (l.index > 1 ? "#" + std::to_string(l.index) : "");
        case scan::Source::registry: return "registry:" + l.where;
        case scan::Source::tls: return "tls:" + l.where + (l.index > 0 ? "#" + std::to_string(l.index) : "");
    }
    return l.where;
}

nlohmann::json summary_json(const scan::Summary& s) {
    return {{"certificates", s.certificates}, {"expired", s.expired},
            {"critical", s.critical},         {"warning", s.warning},
            {"ok", s.ok},                     {"unreadable", s.unreadable},
            {"skipped", s.skipped},           {"sightings", s.sightings},
            {"files", s.files},               {"files_without_certificates", s.files_without_certificates}};
}

const char* by_name(scan::GroupBy by) {
    switch (by) {
        case scan::GroupBy::batch: return "batch";
        case scan::GroupBy::issuer: return "issuer";
        case scan::GroupBy::month: return "month";
        case scan::GroupBy::none: break;
    }
    return "";
}

const char* colour_of(scan::Status s) {
    switch (s) {
        case scan::Status::expired:
        case scan::Status::critical: return "31";
        case scan::Status::warning: return "33";
        case scan::Status::ok: return "32";
    }
    return "0";
}

std::string pad(const std::string& s, size_t width) { return s.size() >= width ? s : s + std::string(width - s.size(), ' '); }

}  // namespace

ScanExit scan_exit(const scan::Summary& s) {
    if (s.expired + s.critical > 0) return ScanExit::critical;
    if (s.warning > 0) return ScanExit::warning;
    if (s.certificates == 0 && s.unreadable + s.skipped > 0) return ScanExit::unknown;
    return ScanExit::ok;
}

void write_scan_json(std::ostream& out, const ScanReport& r) {
    out << "{\n  \"schema\": \"provctl.scan.expiry/v1\",\n  \"at\": " << q(util::format_rfc3339(r.policy.at))
        << ",\n  \"warn_seconds\": " << r.policy.warn << ",\n  \"crit_seconds\": " << r.policy.crit
        << ",\n  \"summary\": " << summary_json(r.summary).dump() << ",\n  \"findings\": [";
    bool first = true;
    auto sep = [&] {
        out << (first ? "\n    " : ",\n    ");
        first = false;
    };
    for (const auto& f : r.findings) {
        sep();
        // One string per finding and one write: the stream's per-insertion cost showed in profiles.
        std::string line;
        line.reserve(512);
        line += "{\"kind\": \"certificate\", \"status\": \"";
        line += scan::to_string(f.status);
        line += "\", \"days_left\": ";
        line += std::to_string(scan::days_left(f.not_after, r.policy.at));
        line += ", \"not_before\": \"";
        line += util::format_rfc3339(f.not_before);
        line += "\", \"not_after\": \"";
        line += util::format_rfc3339(f.not_after);
        line += "\", \"subject\": ";
        line += q(f.subject);
        line += ", \"issuer\": ";
        line += q(f.issuer);
        line += ", \"serial\": \"";
        line += f.serial;
        line += "\", \"fingerprint\": \"";
        line += scan::fingerprint_hex(f.fingerprint);
        line += "\", \"device_id\": ";
        line += f.device_id.empty() ? std::string("null") : q(f.device_id);
        line += ", \"batch\": ";
        line += f.batch.empty() ? std::string("null") : q(f.batch);
        line += ", \"locations\": [";
        for (size_t i = 0; i < f.locations.size(); ++i) line += (i ? ", " : "") + location_text_json(f.locations[i]);
        line += "]}";
        out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
    for (const auto& p : r.problems) {
        sep();
        out << "{\"kind\": \"" << p.kind << "\", \"location\": " << location_text_json(p.location)
            << ", \"reason\": " << q(p.reason) << "}";
    }
    out << (first ? "]" : "\n  ]");
    if (r.by != scan::GroupBy::none) {
        nlohmann::json groups = nlohmann::json::array();
        for (const auto& [key, months] : r.fleet) {
            nlohmann::json m = nlohmann::json::array();
            int64_t total = 0;
            for (const auto& [month, count] : months) {
                m.push_back({{"month", month}, {"count", count}});
                total += count;
            }
            groups.push_back({{"key", util::valid_utf8(key)}, {"total", total}, {"months", m}});
        }
        out << ",\n  \"fleet\": " << nlohmann::json{{"by", by_name(r.by)}, {"groups", groups}}.dump();
    }
    out << "\n}\n";
}

void write_scan_csv(std::ostream& out, const ScanReport& r) {
    out << "kind,status,days_left,not_after,subject,issuer,serial,fingerprint,device_id,batch,locations,reason\n";
    for (const auto& f : r.findings) {
        std::string where;
        for (const auto& l : f.locations) where += (where.empty() ? "" : ";") + location_text(l);
        out << "certificate," << scan::to_string(f.status) << ',' << scan::days_left(f.not_after, r.policy.at) << ','
            << util::format_rfc3339(f.not_after) << ',' << util::csv_field(util::valid_utf8(f.subject)) << ','
            << util::csv_field(util::valid_utf8(f.issuer)) << ',' << f.serial << ','
            << scan::fingerprint_hex(f.fingerprint) << ',' << util::csv_field(f.device_id) << ','
            << util::csv_field(f.batch) << ',' << util::csv_field(util::valid_utf8(where)) << ",\n";
    }
    for (const auto& p : r.problems)
        out << p.kind << ",,,,,,,,,," << util::csv_field(util::valid_utf8(location_text(p.location))) << ','
            << util::csv_field(util::valid_utf8(p.reason)) << '\n';
}

void write_scan_table(std::ostream& out, const ScanReport& r, const Context& ctx) {
    const auto& s = r.summary;
    if (r.by == scan::GroupBy::none) {
        if (!r.findings.empty())
            out << ctx.paint(pad("STATUS", 9) + pad("DAYS", 7) + pad("NOT AFTER", 22) + pad("SUBJECT", 38) + "LOCATION", "1")
                << '\n';
        for (const auto& f : r.findings) {
            std::string where = location_text(f.locations.front());
            if (f.locations.size() > 1) where += " (+" + std::to_string(f.locations.size() - 1) + " more)";
            if (!f.device_id.empty()) where += " [" + f.device_id + "]";
            std::string days = std::to_string(scan::days_left(f.not_after, r.policy.at));
            out << ctx.paint(pad(scan::to_string(f.status), 9), colour_of(f.status)) << pad(days, 7)
                << pad(util::format_rfc3339(f.not_after), 22) << pad(util::printable(f.subject), 37) << ' '
                << util::printable(where) << '\n';
        }
    } else {
        // The fleet view: when the certificates of each group run out, by month.
        int64_t peak = 1;
        for (const auto& [key, months] : r.fleet)
            for (const auto& [month, count] : months) peak = std::max(peak, count);
        std::string head = r.by == scan::GroupBy::month ? "" : pad(r.by == scan::GroupBy::batch ? "BATCH" : "ISSUER", 32);
        out << ctx.paint(head + pad("MONTH", 9) + pad("COUNT", 9), "1") << '\n';
        for (const auto& [key, months] : r.fleet)
            for (const auto& [month, count] : months) {
                std::string month_text = month;
                bool past = month < util::format_rfc3339(r.policy.at).substr(0, 7);
                out << (head.empty() ? "" : pad(util::printable(key), 31) + ' ') << pad(month_text, 9)
                    << pad(std::to_string(count), 9);
                if (ctx.terminal) {
                    size_t width = static_cast<size_t>((count * 40 + peak - 1) / peak);
                    out << ctx.paint(std::string(width, '#'), past ? "31" : "36");
                }
                out << '\n';
            }
    }
    for (const auto& p : r.problems)
        out << ctx.paint(pad(p.kind, 11), p.kind == "unreadable" ? "31" : "33") << util::printable(location_text(p.location))
            << ": " << util::printable(p.reason) << '\n';
    std::ostringstream line;
    line << s.certificates << " certificate" << (s.certificates == 1 ? "" : "s") << ": " << s.expired << " expired, "
         << s.critical << " critical, " << s.warning << " warning, " << s.ok << " ok";
    if (s.sightings > s.certificates) line << " (" << s.sightings - s.certificates << " duplicates merged)";
    if (s.unreadable + s.skipped > 0) line << "; " << s.unreadable << " unreadable, " << s.skipped << " skipped";
    if (s.files > 0)
        line << "; " << s.files << " file" << (s.files == 1 ? "" : "s") << " read, " << s.files_without_certificates
             << " without certificates";
    out << line.str() << '\n';
}

}  // namespace cmd
