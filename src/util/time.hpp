#pragma once
// Times: RFC 3339 UTC text everywhere a human or a machine reads them.
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>

#include <openssl/asn1.h>

namespace util {

// "2026-11-22T10:00:00Z".
std::string format_rfc3339(int64_t unix_seconds);
// Accepts RFC 3339 ("2026-11-22T10:00:00Z", offsets, fractions ignored)
// and a bare date ("2026-11-22", midnight UTC). nullopt on bad text.
std::optional<int64_t> parse_time(const std::string& text);
// Like parse_time but exits 2 naming the option on bad text.
int64_t parse_time_arg(const std::string& text, const std::string& option);
// ASN.1 time to Unix seconds; nullopt when undecodable.
std::optional<int64_t> asn1_time_to_unix(const ASN1_TIME* t);
// RFC 3339 text of an ASN.1 time; "" when undecodable.
std::string format_asn1_time(const ASN1_TIME* t);

// The clock seam: commands read the time through it so tests can pin it.
class Clock {
public:
    virtual ~Clock() = default;
    virtual int64_t now() const = 0;
};
class SystemClock : public Clock {
public:
    int64_t now() const override;
};

}  // namespace util
