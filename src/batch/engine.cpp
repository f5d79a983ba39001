#include "batch/engine.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include "batch/files.hpp"
#include "device/device_id.hpp"
#include "pki/cert_io.hpp"
#include "pki/der.hpp"
#include "pki/device_template.hpp"
#include "pki/seal.hpp"
#include "util/atomic_file.hpp"
#include "util/text.hpp"
#include "util/time.hpp"

namespace batch {

std::string cert_file(const std::string& device_id) { return std::string(kDevicesDir) + "/" + device_id + ".crt"; }
std::string key_file(const std::string& device_id, bool sealed) {
    return std::string(kDevicesDir) + "/" + device_id + (sealed ? ".key.p7m" : ".key.pem");
}

namespace {

constexpr size_t kChunk = 1024;
constexpr size_t kConflictsShown = 100;

enum class Outcome { issue, present, conflict };

struct Slot {
    PlannedDevice planned;
    Outcome outcome = Outcome::issue;
    std::string reason;  // conflicts
    std::string serial, fingerprint, pem;
    int64_t not_after = 0;
    bool wrote_files = false;
};

struct Worker {
    pki::DeviceCertTemplate::Signer signer;
    std::optional<pki::KeyGenerator> keys;
    std::unique_ptr<pki::KeySealer::Session> sealing;
};

class Engine {
public:
    explicit Engine(const Request& req) : req_(req), start_(std::chrono::steady_clock::now()) {}

    Result run() {
        setup();
        // Two chunks in flight: the workers issue one while this thread
        // commits the one before it to the registry.
        std::vector<Slot> previous, current;
        for (;;) {
            current.clear();
            while (current.size() < kChunk) {
                auto d = req_.plan->next();
                if (!d) break;
                Slot s;
                s.planned = std::move(*d);
                current.push_back(std::move(s));
            }
            if (current.empty()) break;
            classify(current);
            {
                Issuing issuing(*this, current);
                if (!previous.empty()) settle(previous);
                issuing.finish();
            }
            // The files must be on disk before the registry says they exist.
            sync_dir(path(kDevicesDir));
            std::swap(previous, current);
        }
        if (!previous.empty()) settle(previous);
        csv_->commit();
        jsonl_->commit();
        result_.seconds = elapsed();
        return result_;
    }

private:
    double elapsed() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }
    Progress progress() const {
        return {result_.issued + result_.present + result_.conflicts, result_.planned, result_.issued, elapsed()};
    }
    std::string path(const std::string& relative) const { return req_.out_dir + "/" + relative; }
    bool sealed() const { return !req_.from_csrs && !req_.plaintext_keys; }

    void setup() {
        if (req_.registry == nullptr || req_.plan == nullptr) util::fail_op("batch: no registry or plan");
        if (req_.batch_id.empty()) util::fail_input("--batch-id is required");
        if (auto problem = device::id_problem(req_.batch_id))
            util::fail_input("--batch-id '" + req_.batch_id + "': " + *problem);
        if (!req_.from_csrs && !req_.plaintext_keys && req_.recipient_path.empty())
            util::fail_input("give --recipient station.crt to seal the device keys (or --plaintext-keys for lab use)");
        if (!req_.recipient_path.empty() && req_.plaintext_keys)
            util::fail_input("give either --recipient or --plaintext-keys, not both");
        if (!req_.recipient_path.empty() && !req_.from_csrs) sealer_.emplace(req_.recipient_path);

        auto issuer_chain = pki::read_certificates(req_.issuer_cert_path);
        std::vector<util::X509Ptr> above;
        for (size_t i = 1; i < issuer_chain.size(); ++i) above.push_back(std::move(issuer_chain[i]));
        if (!req_.chain_path.empty())
            for (auto& c : pki::read_certificates(req_.chain_path)) above.push_back(std::move(c));
        issuer_ = std::move(issuer_chain.front());
        key_ = pki::open_signing_key(req_.issuer_key_ref, req_.issuer_access);
        for (auto& w : key_->warnings()) result_.warnings.push_back(w);

        util::EvpPkey own_sample;
        const EVP_PKEY* sample = req_.sample_key;
        if (sample == nullptr) {
            own_sample = pki::generate_key(req_.key_type);
            sample = own_sample.get();
        }
        pki::DeviceTemplateSpec spec{issuer_.get(), key_->pkey(), key_->on_token(), req_.subject_prefix, req_.validity};
        template_.emplace(spec, sample);
        spki_.emplace(sample);
        if (!req_.from_csrs) pkcs8_.emplace(sample);
        result_.issuer = template_->issuer_text();

        make_dirs(req_.out_dir);
        make_dirs(path(kDevicesDir));
        remove_temp_files(path(kDevicesDir));
        remove_temp_files(req_.out_dir);

        std::string chain = pki::cert_pem(issuer_.get());
        for (const auto& c : above)
            if (X509_cmp(c.get(), issuer_.get()) != 0) chain += pki::cert_pem(c.get());
        result_.chain_file = "chain.pem";
        util::write_file_atomic(path(result_.chain_file), chain, 0644, true);

        unsigned jobs = req_.jobs == 0 ? 1 : req_.jobs;
        for (unsigned j = 0; j < jobs; ++j) {
            workers_.push_back(Worker{pki::DeviceCertTemplate::Signer(*template_), std::nullopt, nullptr});
            if (!req_.from_csrs) workers_.back().keys.emplace(req_.key_type);
            if (sealer_) workers_.back().sealing = std::make_unique<pki::KeySealer::Session>(*sealer_);
        }
        result_.planned = req_.plan->size();
        result_.key_format = req_.from_csrs ? "none" : sealed() ? "cms" : "pkcs8-pem";
        result_.mapping_csv = "mapping.csv";
        result_.mapping_jsonl = "mapping.jsonl";
        csv_.emplace(path(result_.mapping_csv), 0644, true);
        jsonl_.emplace(path(result_.mapping_jsonl), 0644, true);
        csv_->write("device_id,hardware_serial,cert_serial,sha256,not_after,cert_file,key_file,chain_file\n");
    }

    void conflict(Slot& s, std::string reason) {
        s.outcome = Outcome::conflict;
        s.reason = std::move(reason);
    }

    // What is already true for each device: nothing yet (issue it), done by an
    // earlier run of this batch (present), or somebody else's (conflict).
    void classify(std::vector<Slot>& chunk) {
        auto& reg = *req_.registry;
        for (auto& s : chunk) {
            const std::string& id = s.planned.device_id;
            if (!reg.device_exists(id)) continue;
            auto dev = reg.find_device(id);
            if (!dev) continue;
            if (dev->batch != req_.batch_id) {
                conflict(s, "already registered in batch " + dev->batch + " (" + registry::to_string(dev->state) +
                                "); not re-issued");
                continue;
            }
            if (!s.planned.hardware_serial.empty() && dev->hardware_uid != s.planned.hardware_serial) {
                conflict(s, "registered with hardware serial " + dev->hardware_uid + ", not " + s.planned.hardware_serial);
                continue;
            }
            std::optional<registry::Certificate> active;
            for (auto& c : reg.certificates_of(id))
                if (c.status == registry::CertStatus::active) active = std::move(c);
            if (!active) {
                conflict(s, "registered in this batch without an active certificate (revoked or superseded); not re-issued");
                continue;
            }
            std::string cert_path = path(cert_file(id));
            if (!req_.from_csrs && !file_exists(path(key_file(id, sealed())))) {
                conflict(s, "registered in this batch, but " + path(key_file(id, sealed())) +
                                " is missing (made by another station, or removed): revoke it and issue a new identity");
                continue;
            }
            if (req_.from_csrs && !csr_matches(s.planned.csr_path, active->pem)) {
                conflict(s, "already has an active certificate for another key; not re-issued");
                continue;
            }
            auto on_disk = read_if_exists(cert_path);
            if (!on_disk) {
                write_file_now(cert_path, active->pem, 0644);  // the registry holds it: restore it
            } else if (*on_disk != active->pem) {
                conflict(s, cert_path + " does not hold the registered certificate " + active->serial);
                continue;
            }
            s.outcome = Outcome::present;
            s.serial = active->serial;
            s.fingerprint = active->fingerprint;
            s.not_after = active->not_after;
        }
    }

    bool csr_matches(const std::string& csr_path, const std::string& cert_pem) {
        auto csr = pki::read_csr(csr_path);
        auto certs = pki::parse_certificates(cert_pem, "the registered certificate");
        return pki::same_public_key(X509_REQ_get0_pubkey(csr.get()), X509_get0_pubkey(certs.front().get()));
    }

    void issue_one(Slot& s, Worker& w) {
        const std::string& id = s.planned.device_id;
        util::EvpPkey key;
        std::string spki;
        if (req_.from_csrs) {
            auto csr = pki::read_csr(s.planned.csr_path);
            unsigned char* buf = nullptr;
            int len = i2d_X509_PUBKEY(X509_REQ_get_X509_PUBKEY(csr.get()), &buf);
            if (len <= 0) util::throw_openssl(s.planned.csr_path + ": cannot encode the request's public key");
            spki.assign(reinterpret_cast<char*>(buf), static_cast<size_t>(len));
            OPENSSL_free(buf);
        } else {
            key = w.keys->generate();
            spki = spki_->usable() ? spki_->encode(key.get()) : pki::spki_der(key.get());
        }
        pki::DeviceCert cert = w.signer.issue(id, spki);
        s.serial = std::move(cert.serial);
        s.fingerprint = util::sha256_hex(cert.der);
        s.pem = pki::der::pem("CERTIFICATE", cert.der);
        s.not_after = template_->not_after();
        s.wrote_files = true;
        write_new_file(path(cert_file(id)), s.pem, 0644);
        if (key) {
            std::string pkcs8 = pkcs8_->pem(key.get());
            try {
                write_new_file(path(key_file(id, sealed())), sealed() ? w.sealing->seal(pkcs8) : pkcs8, 0600);
            } catch (...) {
                OPENSSL_cleanse(pkcs8.data(), pkcs8.size());
                throw;
            }
            OPENSSL_cleanse(pkcs8.data(), pkcs8.size());
        }
    }

    void settle(std::vector<Slot>& chunk) {
        commit(chunk);
        record(chunk);
        if (req_.progress) req_.progress(progress());
    }

    // The devices of one chunk that need certificates, issued on the worker
    // threads. finish() waits and rethrows the first failure; the destructor
    // always waits, so no thread outlives the chunk it works on.
    class Issuing {
    public:
        Issuing(Engine& engine, std::vector<Slot>& chunk) : engine_(engine) {
            for (auto& s : chunk)
                if (s.outcome == Outcome::issue) todo_.push_back(&s);
            size_t n = std::min(engine.workers_.size(), todo_.size());
            for (size_t j = 0; j < n; ++j) threads_.emplace_back([this, j] { work(engine_.workers_[j]); });
        }
        ~Issuing() {
            stop_ = true;  // unwinding: the chunk will not be committed anyway
            join();
        }
        Issuing(const Issuing&) = delete;
        Issuing& operator=(const Issuing&) = delete;
        void finish() {
            join();
            if (error_) std::rethrow_exception(error_);
        }

    private:
        void join() {
            for (auto& t : threads_)
                if (t.joinable()) t.join();
        }
        void work(Worker& w) {
            while (!stop_) {
                size_t i = next_++;
                if (i >= todo_.size()) break;
                try {
                    engine_.issue_one(*todo_[i], w);
                } catch (...) {
                    std::lock_guard<std::mutex> lock(error_mutex_);
                    if (!error_) error_ = std::current_exception();
                    stop_ = true;
                }
            }
        }
        Engine& engine_;
        std::vector<Slot*> todo_;
        std::vector<std::thread> threads_;
        std::atomic<size_t> next_{0};
        std::atomic<bool> stop_{false};
        std::mutex error_mutex_;
        std::exception_ptr error_;
    };

    void commit(std::vector<Slot>& chunk) {
        auto& reg = *req_.registry;
        registry::Transaction tx(reg);
        for (auto& s : chunk) {
            if (s.outcome != Outcome::issue) continue;
            const std::string& id = s.planned.device_id;
            // Checked again under the writer lock: another station may have won the race.
            if (!reg.device_exists(id)) {
                reg.add_device_with_certificate({id, s.planned.hardware_serial, req_.sku, req_.hw_revision,
                                                 req_.batch_id, req_.spec_version, registry::State::manufactured},
                                                {id, template_->issuer_text(), s.serial, s.fingerprint,
                                                 template_->not_before(), s.not_after, s.pem},
                                                req_.actor);
            } else if (auto dev = reg.find_device(id)) {
                conflict(s, "registered meanwhile by station " + dev->station + " in batch " + dev->batch +
                                "; this station's certificate was discarded");
                remove_file(path(cert_file(id)));
                if (!req_.from_csrs) remove_file(path(key_file(id, sealed())));
            }
        }
        tx.commit();
    }

    void record(const std::vector<Slot>& chunk) {
        // One write per chunk and file, not one per device.
        std::string csv, jsonl;
        for (const auto& s : chunk) {
            const std::string& id = s.planned.device_id;
            if (s.outcome == Outcome::conflict) {
                ++result_.conflicts;
                if (result_.conflict_list.size() < kConflictsShown) result_.conflict_list.push_back({id, s.reason});
                continue;
            }
            ++(s.outcome == Outcome::issue ? result_.issued : result_.present);
            std::string key = req_.from_csrs ? "" : key_file(id, sealed());
            std::string not_after = util::format_rfc3339(s.not_after);
            csv += (util::csv_field(id) + "," + util::csv_field(s.planned.hardware_serial) + "," + s.serial + "," +
                        s.fingerprint + "," + not_after + "," + cert_file(id) + "," + key + "," + result_.chain_file +
                        "\n");
            nlohmann::json line = {
                {"device_id", id},
                {"hardware_serial", s.planned.hardware_serial.empty() ? nlohmann::json(nullptr)
                                                                      : nlohmann::json(s.planned.hardware_serial)},
                {"cert_serial", s.serial},
                {"sha256", s.fingerprint},
                {"not_after", not_after},
                {"cert_file", cert_file(id)},
                {"key_file", key.empty() ? nlohmann::json(nullptr) : nlohmann::json(key)},
                {"chain_file", result_.chain_file},
            };
            jsonl += line.dump();
            jsonl += '\n';
        }
        csv_->write(csv);
        jsonl_->write(jsonl);
    }

    const Request& req_;
    std::chrono::steady_clock::time_point start_;
    Result result_;
    util::X509Ptr issuer_;
    std::unique_ptr<pki::SigningKey> key_;
    std::optional<pki::KeySealer> sealer_;
    std::optional<pki::DeviceCertTemplate> template_;
    std::optional<pki::EcSpkiEncoder> spki_;
    std::optional<pki::Pkcs8Encoder> pkcs8_;
    std::vector<Worker> workers_;
    std::optional<util::AtomicFile> csv_, jsonl_;
};

}  // namespace

Result run(const Request& req) { return Engine(req).run(); }

}  // namespace batch
