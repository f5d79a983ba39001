// The registry library on both engines: schema, constraints, rules, audit chain.
#include <algorithm>
#include <chrono>
#include <thread>

#include "registry_fixture.hpp"

using registry::State;

TYPED_TEST_SUITE(RegistryTest, Engines, EngineNames);

TYPED_TEST(RegistryTest, MigrationsCreateSchemaAndRecordVersion) {
    auto r = this->open();
    EXPECT_EQ(r->schema_version(), registry::kSchemaVersion);
    auto raw = this->backend->connect();
    EXPECT_EQ(raw->column("SELECT MAX(version) FROM schema_migrations"),
              std::vector<std::string>{std::to_string(registry::kSchemaVersion)});
    for (const char* table : {"devices", "certificates", "audit"})
        EXPECT_EQ(raw->exec(std::string("SELECT COUNT(*) FROM ") + table), "") << table;
    // Opening again applies nothing twice.
    r.reset();
    EXPECT_EQ(this->open()->schema_version(), registry::kSchemaVersion);
    EXPECT_EQ(raw->column("SELECT COUNT(*) FROM schema_migrations"),
              std::vector<std::string>{std::to_string(registry::kSchemaVersion)});
}

TYPED_TEST(RegistryTest, NewerSchemaIsRefused) {
    this->open().reset();
    auto raw = this->backend->connect();
    ASSERT_EQ(raw->exec("INSERT INTO schema_migrations (version, applied_at) VALUES (99, 0)"), "");
    try {
        this->open();
        FAIL() << "a schema newer than the binary was accepted";
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        EXPECT_NE(std::string(e.what()).find("schema version 99"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("upgrade provctl"), std::string::npos) << e.what();
    }
}

TYPED_TEST(RegistryTest, DevicesRoundTripAndFilter) {
    auto r = this->open();
    {
        registry::Transaction tx(*r);
        r->add_device(this->device("SN-1", "B1", "A"), this->actor);
        r->add_device(this->device("SN-2", "B2", "A"), this->actor);
        r->add_device(this->device("SN-3", "B2", "B"), this->actor);
        tx.commit();
    }
    auto d = r->find_device("SN-2");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->hardware_uid, "HW-SN-2");
    EXPECT_EQ(d->state, State::manufactured);
    EXPECT_EQ(d->operator_name, "alice");
    EXPECT_EQ(d->station, "station-1");
    EXPECT_EQ(d->created_at, this->clock.now());
    EXPECT_FALSE(r->find_device("SN-9"));
    EXPECT_EQ(r->list_devices({}).size(), 3u);
    EXPECT_EQ(r->list_devices({std::nullopt, "B2", "", 0}).size(), 2u);
    EXPECT_EQ(r->list_devices({std::nullopt, "B2", "B", 0}).size(), 1u);
    EXPECT_EQ(r->list_devices({std::nullopt, "", "", 2}).size(), 2u);
    EXPECT_EQ(r->list_devices({State::stocked, "", "", 0}).size(), 0u);
    // The device ID is the key forever: a second registration is refused.
    registry::Transaction tx(*r);
    EXPECT_THROW(r->add_device(this->device("SN-1"), this->actor), util::Error);
}

TYPED_TEST(RegistryTest, NewCertificateSupersedesTheActiveOne) {
    auto r = this->open();
    this->add_device(*r, "SN-1");
    this->add_cert(*r, "SN-1", "0A");
    this->clock.advance(10);
    this->add_cert(*r, "SN-1", "0B");
    auto certs = r->certificates_of("SN-1");
    ASSERT_EQ(certs.size(), 2u);
    EXPECT_EQ(certs[0].serial, "0A");
    EXPECT_EQ(certs[0].status, registry::CertStatus::superseded);
    EXPECT_EQ(certs[1].serial, "0B");
    EXPECT_EQ(certs[1].status, registry::CertStatus::active);
    EXPECT_TRUE(r->serial_in_use("CN=Widgets Issuing CA", "0A"));
    EXPECT_FALSE(r->serial_in_use("CN=Other CA", "0A"));
    EXPECT_FALSE(r->serial_in_use("CN=Widgets Issuing CA", "0C"));
}

TYPED_TEST(RegistryTest, DatabaseRefusesASecondActiveCertificate) {
    auto r = this->open();
    this->add_device(*r, "SN-1");
    this->add_cert(*r, "SN-1", "0A");
    auto raw = this->backend->connect();
    std::string err = raw->exec(
        "INSERT INTO certificates (issuer, serial, fingerprint, device_id, not_before, not_after, status, pem, "
        "created_at) VALUES ('CN=X', '0B', 'ff', 'SN-1', 0, 1, 'active', 'pem', 0)");
    EXPECT_NE(err, "") << "the database accepted two active certificates for one device";
    EXPECT_EQ(raw->column("SELECT COUNT(*) FROM certificates WHERE device_id = 'SN-1' AND status = 'active'"),
              std::vector<std::string>{"1"});
}

TYPED_TEST(RegistryTest, ConcurrentActiveInsertsOnlyOneWins) {
    auto r = this->open();
    this->add_device(*r, "SN-1");
    auto first = this->backend->connect();
    auto second = this->backend->connect();
    auto insert = [](const std::string& serial) {
        return "INSERT INTO certificates (issuer, serial, fingerprint, device_id, not_before, not_after, status, pem, "
               "created_at) VALUES ('CN=X', '" + serial + "', 'fp" + serial + "', 'SN-1', 0, 1, 'active', 'pem', 0)";
    };
    ASSERT_EQ(first->exec("BEGIN"), "");
    ASSERT_EQ(first->exec(insert("01")), "");
    // The second writer runs while the first transaction is still open; it
    // must wait for it and then be refused, never succeed alongside it.
    std::string second_err;
    std::thread other([&] { second_err = second->exec(insert("02")); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_EQ(first->exec("COMMIT"), "");
    other.join();
    EXPECT_NE(second_err, "") << "both concurrent writers stored an active certificate";
    EXPECT_EQ(first->column("SELECT serial FROM certificates WHERE device_id = 'SN-1' AND status = 'active'"),
              std::vector<std::string>{"01"});
}

TYPED_TEST(RegistryTest, DuplicateSerialOrFingerprintIsRefused) {
    auto r = this->open();
    this->add_device(*r, "SN-1");
    this->add_device(*r, "SN-2");
    this->add_cert(*r, "SN-1", "0A");
    {
        registry::Transaction tx(*r);
        auto dup = this->cert("SN-2", "0A");
        dup.fingerprint = std::string(64, 'e');
        try {
            r->add_certificate(dup, this->actor);
            FAIL() << "duplicate serial accepted";
        } catch (const util::Error& e) {
            EXPECT_EQ(e.code(), util::ExitCode::usage);
            EXPECT_NE(std::string(e.what()).find("serial 0A"), std::string::npos) << e.what();
        }
    }
    {
        registry::Transaction tx(*r);
        auto dup = this->cert("SN-2", "0B");
        dup.fingerprint = this->cert("SN-1", "0A").fingerprint;
        EXPECT_THROW(r->add_certificate(dup, this->actor), util::Error);
    }
    // And the database itself, bypassing the checks above.
    auto raw = this->backend->connect();
    EXPECT_NE(raw->exec("INSERT INTO certificates (issuer, serial, fingerprint, device_id, not_before, not_after, "
                        "status, pem, created_at) VALUES ('CN=Widgets Issuing CA', '0A', 'new', 'SN-2', 0, 1, "
                        "'superseded', 'pem', 0)"),
              "");
    EXPECT_NE(raw->exec("INSERT INTO certificates (issuer, serial, fingerprint, device_id, not_before, not_after, "
                        "status, pem, created_at) VALUES ('CN=Y', '0C', '" +
                        this->cert("SN-1", "0A").fingerprint + "', 'SN-2', 0, 1, 'superseded', 'pem', 0)"),
              "");
    EXPECT_EQ(r->certificates_of("SN-2").size(), 0u);
}

TYPED_TEST(RegistryTest, LifecycleFollowsTheTable) {
    auto r = this->open();
    this->add_device(*r, "SN-1");
    auto step = [&](State to) {
        registry::Transaction tx(*r);
        auto change = r->set_state("SN-1", to, "", this->actor);
        tx.commit();
        return change;
    };
    for (State s : {State::stocked, State::shipped, State::activated, State::returned, State::refurbished,
                    State::stocked})
        EXPECT_EQ(step(s).to, s);
    EXPECT_EQ(r->find_device("SN-1")->rma_count, 1);
    // Quarantine goes back where it came from.
    EXPECT_EQ(step(State::quarantined).from, State::stocked);
    EXPECT_EQ(r->find_device("SN-1")->prior_state, State::stocked);
    EXPECT_EQ(step(State::stocked).from, State::quarantined);
    EXPECT_FALSE(r->find_device("SN-1")->prior_state);
    try {
        step(State::activated);
        FAIL() << "stocked -> activated was allowed";
    } catch (const util::Error& e) {
        EXPECT_EQ(e.code(), util::ExitCode::usage);
        EXPECT_NE(std::string(e.what()).find("is stocked"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("allowed next states: shipped, quarantined, retired"), std::string::npos)
            << e.what();
    }
    step(State::retired);
    try {
        step(State::stocked);
        FAIL() << "a retired device came back";
    } catch (const util::Error& e) {
        EXPECT_NE(std::string(e.what()).find("is retired"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("allowed next states: none"), std::string::npos) << e.what();
    }
    EXPECT_EQ(r->find_device("SN-1")->state, State::retired);
}

TYPED_TEST(RegistryTest, UnknownDeviceIsRefused) {
    auto r = this->open();
    registry::Transaction tx(*r);
    EXPECT_THROW(r->set_state("SN-404", State::stocked, "", this->actor), util::Error);
    EXPECT_THROW(r->add_certificate(this->cert("SN-404", "01"), this->actor), util::Error);
}

TYPED_TEST(RegistryTest, EveryChangeIsAuditedAndChained) {
    auto r = this->open();
    this->add_device(*r, "SN-1");
    this->add_cert(*r, "SN-1", "0A");
    {
        registry::Transaction tx(*r);
        r->set_state("SN-1", State::stocked, "counted", this->actor);
        r->revoke("CN=Widgets Issuing CA", "0A", "keyCompromise", this->actor);
        tx.commit();
    }
    auto entries = r->audit_entries();
    ASSERT_EQ(entries.size(), 4u);
    std::vector<std::string> actions;
    for (const auto& e : entries) actions.push_back(e.action);
    EXPECT_EQ(actions, (std::vector<std::string>{"register", "issue", "state", "revoke"}));
    EXPECT_EQ(entries[0].prev_hash, std::string(64, '0'));
    for (size_t i = 0; i < entries.size(); ++i) {
        EXPECT_EQ(entries[i].seq, static_cast<int64_t>(i + 1));
        EXPECT_EQ(entries[i].operator_name, "alice");
        EXPECT_EQ(entries[i].station, "station-1");
        EXPECT_EQ(entries[i].device_id, "SN-1");
        if (i > 0) {
            EXPECT_EQ(entries[i].prev_hash, entries[i - 1].entry_hash);
        }
    }
    EXPECT_EQ(entries[1].serial, "0A");
    EXPECT_EQ(entries[1].fingerprint, this->cert("SN-1", "0A").fingerprint);
    EXPECT_EQ(entries[2].detail, "manufactured -> stocked: counted");
    EXPECT_EQ(entries[3].detail, "keyCompromise");
    EXPECT_TRUE(r->verify_audit().ok());
    EXPECT_EQ(r->verify_audit().entries, 4);
    EXPECT_EQ(r->audit_entries("SN-2").size(), 0u);
    EXPECT_EQ(r->certificates_of("SN-1")[0].status, registry::CertStatus::revoked);
}

TYPED_TEST(RegistryTest, RolledBackChangeLeavesNoAuditEntry) {
    auto r = this->open();
    this->add_device(*r, "SN-1");
    {
        registry::Transaction tx(*r);
        r->add_device(this->device("SN-2"), this->actor);
        r->set_state("SN-1", State::stocked, "", this->actor);
        EXPECT_EQ(r->audit_entries().size(), 3u);  // visible inside the transaction
    }  // no commit: rolled back
    EXPECT_FALSE(r->find_device("SN-2"));
    EXPECT_EQ(r->find_device("SN-1")->state, State::manufactured);
    EXPECT_EQ(r->audit_entries().size(), 1u);
    // A failed change inside a transaction also leaves nothing.
    try {
        registry::Transaction tx(*r);
        r->add_device(this->device("SN-3"), this->actor);
        r->set_state("SN-1", State::activated, "", this->actor);  // refused
        tx.commit();
    } catch (const util::Error&) {
    }
    EXPECT_FALSE(r->find_device("SN-3"));
    EXPECT_EQ(r->audit_entries().size(), 1u);
    EXPECT_TRUE(r->verify_audit().ok());
}

TYPED_TEST(RegistryTest, ChangesOutsideATransactionAreRefused) {
    auto r = this->open();
    EXPECT_THROW(r->add_device(this->device("SN-1"), this->actor), util::Error);
    EXPECT_FALSE(r->find_device("SN-1"));
}

TYPED_TEST(RegistryTest, VerifyFindsATamperedEntry) {
    auto r = this->open();
    for (const char* id : {"SN-1", "SN-2", "SN-3"}) this->add_device(*r, id);
    auto raw = this->backend->connect();
    ASSERT_EQ(raw->exec("UPDATE audit SET operator_name = 'mallory' WHERE seq = 2"), "");
    auto report = r->verify_audit();
    EXPECT_FALSE(report.ok());
    EXPECT_EQ(report.first_broken, 2);
    EXPECT_NE(report.problem.find("changed"), std::string::npos) << report.problem;
}

TYPED_TEST(RegistryTest, VerifyFindsARemovedEntry) {
    auto r = this->open();
    for (const char* id : {"SN-1", "SN-2", "SN-3"}) this->add_device(*r, id);
    auto raw = this->backend->connect();
    ASSERT_EQ(raw->exec("DELETE FROM audit WHERE seq = 2"), "");
    auto report = r->verify_audit();
    EXPECT_EQ(report.first_broken, 3);
}

TYPED_TEST(RegistryTest, ConcurrentWritersKeepTheChainWhole) {
    this->open().reset();
    constexpr int kPerWriter = 15;
    std::string errors[2];
    auto writer = [&](const std::string& prefix, std::string* error) {
        try {
            auto r = registry::open_registry(this->backend->url(), this->clock);
            for (int i = 0; i < kPerWriter; ++i) {
                registry::Transaction tx(*r);
                std::string id = prefix + std::to_string(i);
                r->add_device(this->device(id), {"op-" + prefix, "st-" + prefix});
                r->add_certificate(this->cert(id, prefix + std::to_string(i)), {"op-" + prefix, "st-" + prefix});
                tx.commit();
            }
        } catch (const std::exception& e) {
            *error = e.what();
        }
    };
    std::thread a(writer, "A", &errors[0]);
    std::thread b(writer, "B", &errors[1]);
    a.join();
    b.join();
    EXPECT_EQ(errors[0], "");
    EXPECT_EQ(errors[1], "");
    auto r = this->open();
    auto report = r->verify_audit();
    EXPECT_TRUE(report.ok()) << report.problem;
    EXPECT_EQ(report.entries, 4 * kPerWriter);
    EXPECT_EQ(r->list_devices({}).size(), 2u * kPerWriter);
}

TYPED_TEST(RegistryTest, ConcurrentIssuanceForOneDeviceLeavesOneActive) {
    auto r = this->open();
    this->add_device(*r, "SN-1");
    constexpr int kPerWriter = 10;
    std::string errors[2];
    auto writer = [&](const std::string& prefix, std::string* error) {
        try {
            auto own = registry::open_registry(this->backend->url(), this->clock);
            for (int i = 0; i < kPerWriter; ++i) {
                registry::Transaction tx(*own);
                own->add_certificate(this->cert("SN-1", prefix + std::to_string(i)), this->actor);
                tx.commit();
            }
        } catch (const std::exception& e) {
            *error = e.what();
        }
    };
    std::thread a(writer, "A", &errors[0]);
    std::thread b(writer, "B", &errors[1]);
    a.join();
    b.join();
    EXPECT_EQ(errors[0], "");
    EXPECT_EQ(errors[1], "");
    auto certs = r->certificates_of("SN-1");
    EXPECT_EQ(certs.size(), 2u * kPerWriter);
    EXPECT_EQ(std::count_if(certs.begin(), certs.end(),
                            [](const auto& c) { return c.status == registry::CertStatus::active; }),
              1);
    EXPECT_TRUE(r->verify_audit().ok());
}

TYPED_TEST(RegistryTest, ADeviceWithItsFirstCertificateInOneStepStillMeetsTheConstraints) {
    auto r = this->open();
    {
        registry::Transaction tx(*r);
        r->add_device_with_certificate(this->device("SN-1"), this->cert("SN-1", "0A"), this->actor);
        tx.commit();
    }
    auto certs = r->certificates_of("SN-1");
    ASSERT_EQ(certs.size(), 1u);
    EXPECT_EQ(certs[0].status, registry::CertStatus::active);
    EXPECT_EQ(r->find_device("SN-1")->hardware_uid, "HW-SN-1");
    auto audit = r->audit_entries("SN-1");
    ASSERT_EQ(audit.size(), 2u);
    EXPECT_EQ(audit[0].action, "register");
    EXPECT_EQ(audit[1].action, "issue");
    EXPECT_EQ(audit[1].serial, "0A");
    EXPECT_TRUE(r->verify_audit().ok());
    // No look-ups, but the database's unique keys: the same device, or the same serial, is refused.
    for (const auto& [id, serial] : {std::pair<std::string, std::string>{"SN-1", "0B"}, {"SN-2", "0A"}}) {
        registry::Transaction tx(*r);
        EXPECT_THROW(r->add_device_with_certificate(this->device(id), this->cert(id, serial), this->actor),
                     registry::ConstraintViolation)
            << id << " " << serial;
    }
    EXPECT_FALSE(r->find_device("SN-2"));
    EXPECT_EQ(r->audit_entries().size(), 2u);
}
