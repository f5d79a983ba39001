#pragma once
// Rules every certificate passes before it is signed. A failure names the
// rule so an operator can look it up in docs/lint.md.
#include <string>
#include <vector>

#include "util/ossl.hpp"

namespace pki {

struct LintFinding {
    std::string rule;     // "validity-within-issuer"
    std::string message;  // what is wrong, with the values involved
};

// `tbs` has every field and extension set, but no signature yet.
// `issuer` is null for a self-signed root. `serial_reused` comes from the caller's ledger.
std::vector<LintFinding> lint_tbs(const X509* tbs, const X509* issuer, bool serial_reused);

// Throws Error(usage) "lint <rule>: <message>" listing every finding.
void enforce_lint(const std::vector<LintFinding>& findings);

}  // namespace pki
