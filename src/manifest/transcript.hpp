#pragma once
// The ceremony transcript: JSON lines, each naming the SHA-256 of the line
// before it, so a changed, removed or reordered entry breaks the chain.
// It records what happened and the fingerprints of what was made, never a
// passphrase, PIN or private key (docs/ceremony.md).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/ossl.hpp"
#include "util/time.hpp"

namespace manifest {

inline constexpr const char* kTranscriptSchema = "provctl.ca.ceremony.transcript/v1";
// The `prev` of the first entry.
inline const std::string kGenesisPrev(64, '0');

// Who ran which ceremony: repeated in every entry so each line stands alone.
struct Participants {
    std::string ceremony;
    std::string operator_name;
    std::vector<std::string> witnesses;
};

// What one step read, made and decided. inputs and outputs map a path (relative
// to the transcript's folder) or a token URI to a record made by the helpers below.
struct Step {
    std::string name;
    nlohmann::json inputs = nlohmann::json::object();
    nlohmann::json outputs = nlohmann::json::object();
    nlohmann::json details = nlohmann::json::object();
};

// Records for inputs and outputs. Certificates are identified by the SHA-256
// of their DER; keys by the SHA-256 of their public key (DER SubjectPublicKeyInfo)
// and, for key files, of the encrypted file's bytes so an auditor can check
// the file without its passphrase.
nlohmann::json certificate_record(const X509* cert);
nlohmann::json chain_record(const std::vector<util::X509Ptr>& chain);
nlohmann::json key_record(const std::string& ref, const EVP_PKEY* key, const std::optional<std::string>& file_sha256);
nlohmann::json file_record(const std::string& kind, const std::string& bytes);
std::string public_key_sha256(const EVP_PKEY* key);

// One line, without its newline. `entry_sha256` covers every other field, so a
// change to the last line (which no later `prev` covers) is caught too.
std::string entry_line(int seq, int64_t time, const Participants& who, const Step& step, const std::string& prev);

// Appends entries to a transcript file. Each append rewrites the file
// atomically (temp file, fsync, rename), so after a crash the file holds every
// entry written so far and never half of one: an aborted ceremony still shows
// how far it got.
class TranscriptWriter {
public:
    // Refuses (exit 2) an existing file unless `overwrite`. Nothing is written
    // until the first append.
    TranscriptWriter(std::string path, Participants who, const util::Clock& clock, bool overwrite);
    // Returns the entry as written.
    nlohmann::json append(const Step& step);
    const std::string& path() const { return path_; }
    int entries() const { return seq_; }
    // SHA-256 of the last line: worth writing down on paper, since whoever
    // can rewrite the whole file can rebuild the chain.
    const std::string& head() const { return prev_; }

private:
    std::string path_;
    Participants who_;
    const util::Clock& clock_;
    bool overwrite_;
    std::string content_;
    std::string prev_ = kGenesisPrev;
    int seq_ = 0;
};

struct TranscriptProblem {
    int line = 0;           // transcript line concerned, 0 when the file as a whole
    std::string path;       // the output file (as recorded) when the problem is on disk
    std::string message;
};

struct TranscriptLine {
    int line = 0;           // 1-based line in the file
    nlohmann::json entry;
};

struct TranscriptReport {
    int entries = 0;
    std::string ceremony;
    std::string status;     // "complete", "aborted" or "incomplete"
    std::string head;       // SHA-256 of the last line
    std::vector<TranscriptLine> lines;      // entries that parsed, in order
    std::vector<std::string> checked;       // outputs found as recorded
    std::vector<std::string> skipped;       // outputs that cannot be checked offline (token keys)
    std::vector<TranscriptProblem> problems;
    bool valid() const { return problems.empty(); }
};

// Checks the chain in transcript text: every line JSON with the fields of an
// entry, seq counting from 1, prev matching the line before, entry_sha256
// matching the entry, one ceremony throughout, begun and ended (complete or aborted).
TranscriptReport check_chain(const std::string& text);

// Checks every output the entries record against the files under `base_dir`.
void check_outputs(TranscriptReport& report, const std::string& base_dir);

// Both, for a transcript file; outputs resolve against its folder.
// Exit 2 only when the file cannot be read.
TranscriptReport verify_transcript(const std::string& path);

}  // namespace manifest
