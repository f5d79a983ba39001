#pragma once
// One typed suite, two engines: every registry test runs on SQLite and on
// PostgreSQL (skipped, saying why, when PROVCTL_TEST_PG_URL is unset).
#include <gtest/gtest.h>

#include "registry/registry.hpp"
#include "support/registry_backends.hpp"
#include "util/ossl.hpp"

struct SqliteEngine {
    static std::unique_ptr<testing_support::RegistryBackend> make() { return testing_support::make_sqlite_backend(); }
};
struct PostgresEngine {
    static std::unique_ptr<testing_support::RegistryBackend> make() { return testing_support::make_postgres_backend(); }
};

template <typename Engine>
class RegistryTest : public ::testing::Test {
protected:
    void SetUp() override {
        backend = Engine::make();
        if (!backend) GTEST_SKIP() << testing_support::pg_skip_message();
    }
    std::unique_ptr<registry::Registry> open() { return registry::open_registry(backend->url(), clock); }

    static registry::NewDevice device(const std::string& id, const std::string& batch = "B1",
                                      const std::string& sku = "WIDGET-1") {
        return {id, "HW-" + id, sku, "C", batch, "spec-1", registry::State::manufactured};
    }
    static registry::NewCertificate cert(const std::string& device_id, const std::string& serial) {
        std::string pem = "-----BEGIN CERTIFICATE-----\n" + serial + "\n-----END CERTIFICATE-----\n";
        return {device_id, "CN=Widgets Issuing CA", serial, util::sha256_hex(pem), 1795000000, 1826536000, pem};
    }
    void add_device(registry::Registry& r, const std::string& id) {
        registry::Transaction tx(r);
        r.add_device(device(id), actor);
        tx.commit();
    }
    void add_cert(registry::Registry& r, const std::string& device_id, const std::string& serial) {
        registry::Transaction tx(r);
        r.add_certificate(cert(device_id, serial), actor);
        tx.commit();
    }

    std::unique_ptr<testing_support::RegistryBackend> backend;
    testing_support::FixedClock clock;
    registry::Actor actor{"alice", "station-1"};
};

using Engines = ::testing::Types<SqliteEngine, PostgresEngine>;

struct EngineNames {
    template <typename T>
    static std::string GetName(int) {
        return std::is_same_v<T, SqliteEngine> ? "sqlite" : "postgresql";
    }
};
