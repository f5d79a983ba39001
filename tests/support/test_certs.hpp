#pragma once
// Certificates with chosen validity, made in-process with OpenSSL, for tests
// of code that reads certificates rather than issues them.
#include <cstdint>
#include <string>

namespace testing_support {

struct TestCert {
    std::string der;
    std::string pem;
};

// A self-signed EC P-256 certificate for CN=`cn` valid from not_before to not_after (Unix seconds).
TestCert make_test_cert(const std::string& cn, int64_t not_before, int64_t not_after, long serial = 1);

// The same with validity times given as raw ASN.1 text and type (V_ASN1_UTCTIME
// or V_ASN1_GENERALIZEDTIME), for encodings RFC 5280 does not allow.
TestCert make_test_cert_raw_times(const std::string& cn, int nb_type, const std::string& nb, int na_type,
                                  const std::string& na);

}  // namespace testing_support
