#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "scan/sources.hpp"
#include "support/test_support.hpp"
#include "util/error.hpp"

using testing_support::TempDir;

namespace {

using Clock = std::chrono::steady_clock;

scan::Collector collector() {
    return scan::Collector(scan::Policy{static_cast<int64_t>(std::time(nullptr)), 30 * 86400, 7 * 86400},
                           scan::Status::ok, scan::GroupBy::none);
}

void openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = testing_support::run(argv);
    if (r.exit_code != 0) throw std::runtime_error("openssl " + args.at(0) + " failed: " + r.err);
}

// A P-256 key and a self-signed certificate valid for `days`, as NAME.key and NAME.crt.
void self_signed(const TempDir& dir, const std::string& name, const std::string& cn, int days) {
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days",
             std::to_string(days), "-subj", "/CN=" + cn, "-keyout", dir.file(name + ".key"), "-out",
             dir.file(name + ".crt")});
}

void issued(const TempDir& dir, const std::string& name, const std::string& cn, const std::string& ca, int days) {
    openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + cn,
             "-keyout", dir.file(name + ".key"), "-out", dir.file(name + ".csr")});
    openssl({"x509", "-req", "-in", dir.file(name + ".csr"), "-CA", dir.file(ca + ".crt"), "-CAkey",
             dir.file(ca + ".key"), "-CAcreateserial", "-days", std::to_string(days), "-out", dir.file(name + ".crt")});
}

// notAfter as `openssl x509 -enddate` prints it, in Unix seconds.
int64_t not_after(const std::string& cert) {
    auto r = testing_support::run({"openssl", "x509", "-noout", "-enddate", "-in", cert});
    if (r.exit_code != 0) throw std::runtime_error("openssl x509 failed: " + r.err);
    std::tm tm{};
    if (::strptime(r.out.c_str(), "notAfter=%b %d %H:%M:%S %Y GMT", &tm) == nullptr)
        throw std::runtime_error("unexpected enddate: " + r.out);
    return static_cast<int64_t>(::timegm(&tm));
}

int listen_socket(int& port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 16) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
        throw std::runtime_error("cannot listen on 127.0.0.1");
    port = ntohs(a.sin_port);
    return fd;
}

// A loopback port nothing listens on (bound, then released).
int free_port() {
    int port = 0;
    ::close(listen_socket(port));
    return port;
}

bool accepts(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    return ok;
}

// `openssl s_server` in the background, stopped at scope end.
class OpensslServer {
public:
    OpensslServer(const TempDir& dir, std::vector<std::string> args) : port_(free_port()) {
        std::vector<std::string> argv{"openssl", "s_server", "-accept", "127.0.0.1:" + std::to_string(port_), "-www"};
        argv.insert(argv.end(), args.begin(), args.end());
        std::string log = dir.file("s_server.log");
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            int null = ::open("/dev/null", O_RDONLY);
            int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
            ::dup2(null, 0);
            ::dup2(out, 1);
            ::dup2(out, 2);
            std::vector<char*> c;
            for (auto& a : argv) c.push_back(a.data());
            c.push_back(nullptr);
            ::execvp(c[0], c.data());
            ::_exit(127);
        }
        // Probing costs the server one failed handshake, which it shrugs off.
        auto give_up = Clock::now() + std::chrono::seconds(15);
        while (!accepts(port_)) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                throw std::runtime_error("s_server exited: " + testing_support::slurp(log));
            }
            if (Clock::now() > give_up) throw std::runtime_error("s_server never listened");
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    ~OpensslServer() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    OpensslServer(const OpensslServer&) = delete;
    OpensslServer& operator=(const OpensslServer&) = delete;
    int port() const { return port_; }

private:
    int port_;
    pid_t pid_ = -1;
};

// A loopback server whose behaviour per connection the test picks; it stops
// at scope end, whatever the handler is waiting for.
class FakeServer {
public:
    using Handler = std::function<void(int fd, const std::atomic<bool>& stop)>;
    explicit FakeServer(Handler handler) : fd_(listen_socket(port_)) {
        thread_ = std::thread([this, handler = std::move(handler)] {
            while (!stop_) {
                pollfd p{fd_, POLLIN, 0};
                if (::poll(&p, 1, 20) <= 0) continue;
                int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
                if (c < 0) continue;
                ++accepted_;
                handler(c, stop_);
                ::close(c);
            }
        });
    }
    ~FakeServer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    FakeServer(const FakeServer&) = delete;
    FakeServer& operator=(const FakeServer&) = delete;
    std::string endpoint() const { return "127.0.0.1:" + std::to_string(port_); }
    int accepted() const { return accepted_; }

private:
    int port_ = 0;
    int fd_;
    std::atomic<bool> stop_{false};
    std::atomic<int> accepted_{0};
    std::thread thread_;
};

// Reads and drops until the client hangs up or the server stops.
void until_closed(int fd, const std::atomic<bool>& stop) {
    char buf[4096];
    while (!stop) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        if (::recv(fd, buf, sizeof buf, 0) <= 0) return;
    }
}

const scan::Finding* at_depth(const std::vector<scan::Finding>& found, int depth) {
    for (const auto& f : found)
        for (const auto& l : f.locations)
            if (l.source == scan::Source::tls && l.index == depth) return &f;
    return nullptr;
}

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST(TlsSource, ReadsTheServersCertificate) {
    TempDir dir;
    self_signed(dir, "leaf", "tls-test", 3);
    OpensslServer server(dir, {"-cert", dir.file("leaf.crt"), "-key", dir.file("leaf.key")});
    std::string endpoint = "127.0.0.1:" + std::to_string(server.port());

    auto out = collector();
    scan::scan_tls({endpoint}, 10000, out);

    EXPECT_TRUE(out.problems().empty()) << out.problems().front().reason;
    auto found = out.take_findings();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].not_after, not_after(dir.file("leaf.crt")));
    EXPECT_TRUE(mentions(found[0].subject, "tls-test")) << found[0].subject;
    ASSERT_EQ(found[0].locations.size(), 1u);
    EXPECT_EQ(found[0].locations[0].source, scan::Source::tls);
    EXPECT_EQ(found[0].locations[0].where, endpoint);
    EXPECT_EQ(found[0].locations[0].index, 0);
}

TEST(TlsSource, ReadsTheChainAsPresented) {
    TempDir dir;
    self_signed(dir, "root", "tls-test-root", 30);
    issued(dir, "leaf", "tls-test-leaf", "root", 3);
    OpensslServer server(dir, {"-cert", dir.file("leaf.crt"), "-key", dir.file("leaf.key"), "-cert_chain",
                               dir.file("root.crt")});

    auto out = collector();
    scan::scan_tls({"127.0.0.1:" + std::to_string(server.port())}, 10000, out);

    EXPECT_TRUE(out.problems().empty());
    auto found = out.take_findings();
    ASSERT_EQ(found.size(), 2u);
    const scan::Finding* leaf = at_depth(found, 0);
    const scan::Finding* root = at_depth(found, 1);
    ASSERT_TRUE(leaf && root);
    EXPECT_EQ(leaf->not_after, not_after(dir.file("leaf.crt")));
    EXPECT_EQ(root->not_after, not_after(dir.file("root.crt")));
    EXPECT_TRUE(mentions(root->subject, "tls-test-root")) << root->subject;
}

TEST(TlsSource, SendsTheHostNameButNotAnAddress) {
    TempDir dir;
    self_signed(dir, "plain", "tls-test-plain", 3);
    self_signed(dir, "named", "tls-test-named", 5);
    // s_server answers with the second certificate only to SNI "localhost".
    OpensslServer server(dir, {"-cert", dir.file("plain.crt"), "-key", dir.file("plain.key"), "-servername",
                               "localhost", "-cert2", dir.file("named.crt"), "-key2", dir.file("named.key")});
    std::string port = std::to_string(server.port());

    auto by_name = collector();
    scan::scan_tls({"localhost:" + port}, 10000, by_name);
    auto by_address = collector();
    scan::scan_tls({"127.0.0.1:" + port}, 10000, by_address);

    auto named = by_name.take_findings();
    ASSERT_EQ(named.size(), 1u);
    EXPECT_EQ(named[0].not_after, not_after(dir.file("named.crt")));
    EXPECT_EQ(named[0].locations[0].where, "localhost:" + port);
    auto addressed = by_address.take_findings();
    ASSERT_EQ(addressed.size(), 1u);
    EXPECT_EQ(addressed[0].not_after, not_after(dir.file("plain.crt")));
}

TEST(TlsSource, ReadsAnOldServer) {
    TempDir dir;
    openssl({"req", "-x509", "-newkey", "rsa:1024", "-nodes", "-days", "3", "-subj", "/CN=tls-test-old", "-keyout",
             dir.file("old.key"), "-out", dir.file("old.crt")});
    std::unique_ptr<OpensslServer> server;
    try {
        server = std::make_unique<OpensslServer>(
            dir, std::vector<std::string>{"-cert", dir.file("old.crt"), "-key", dir.file("old.key"), "-tls1",
                                          "-cipher", "ALL:@SECLEVEL=0"});
    } catch (const std::runtime_error& e) {
        GTEST_SKIP() << "this OpenSSL cannot serve TLS 1.0: " << e.what();
    }

    auto out = collector();
    scan::scan_tls({"127.0.0.1:" + std::to_string(server->port())}, 10000, out);

    EXPECT_TRUE(out.problems().empty()) << out.problems().front().reason;
    auto found = out.take_findings();
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].not_after, not_after(dir.file("old.crt")));
}

TEST(TlsSource, GarbageFromTheServerIsAProblem) {
    FakeServer server([](int fd, const std::atomic<bool>& stop) {
        std::string junk = "HTTP/1.0 400 Bad Request\r\n\r\nthis is not TLS at all\r\n";
        (void)::send(fd, junk.data(), junk.size(), MSG_NOSIGNAL);
        until_closed(fd, stop);
    });

    auto out = collector();
    scan::scan_tls({server.endpoint()}, 5000, out);

    EXPECT_TRUE(out.take_findings().empty());
    auto problems = out.problems();
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].kind, "unreadable");
    EXPECT_EQ(problems[0].location.source, scan::Source::tls);
    EXPECT_EQ(problems[0].location.where, server.endpoint());
    EXPECT_EQ(problems[0].location.index, 0);
    EXPECT_TRUE(mentions(problems[0].reason, "TLS handshake failed: ")) << problems[0].reason;
}

TEST(TlsSource, ASilentServerTimesOut) {
    FakeServer server(until_closed);

    auto out = collector();
    auto start = Clock::now();
    scan::scan_tls({server.endpoint()}, 1000, out);
    auto elapsed = Clock::now() - start;

    EXPECT_GE(elapsed, std::chrono::milliseconds(900));
    EXPECT_LT(elapsed, std::chrono::milliseconds(3000));
    auto problems = out.problems();
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(server.accepted(), 1);
    EXPECT_TRUE(mentions(problems[0].reason, "no answer within 1s")) << problems[0].reason;
}

TEST(TlsSource, AServerThatHangsUpDoesNotStopTheScan) {
    // Closing at once, some with a reset: writes into a dead connection would
    // raise SIGPIPE, which the test process does not ignore.
    std::atomic<int> n{0};
    FakeServer server([&n](int fd, const std::atomic<bool>&) {
        if (n++ % 2 == 0) {
            linger l{1, 0};
            ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        }
    });
    std::vector<std::string> endpoints(12, server.endpoint());

    auto out = collector();
    scan::scan_tls(endpoints, 5000, out);

    auto problems = out.problems();
    ASSERT_EQ(problems.size(), endpoints.size());
    for (const auto& p : problems) EXPECT_EQ(p.kind, "unreadable") << p.reason;
}

TEST(TlsSource, ARefusedConnectionIsAProblem) {
    std::string endpoint = "127.0.0.1:" + std::to_string(free_port());

    auto out = collector();
    scan::scan_tls({endpoint}, 5000, out);

    auto problems = out.problems();
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].location.where, endpoint);
    EXPECT_TRUE(mentions(problems[0].reason, "refused")) << problems[0].reason;
}

TEST(TlsSource, AnUnknownNameIsAProblem) {
    auto out = collector();
    scan::scan_tls({"no-such-host.invalid:443"}, 3000, out);

    auto problems = out.problems();
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_TRUE(mentions(problems[0].reason, "resolve") || mentions(problems[0].reason, "name lookup"))
        << problems[0].reason;
}

TEST(TlsSource, EveryFailureIsReportedAndTheRestScanned) {
    TempDir dir;
    self_signed(dir, "leaf", "tls-test", 3);
    OpensslServer good(dir, {"-cert", dir.file("leaf.crt"), "-key", dir.file("leaf.key")});
    FakeServer silent(until_closed);

    auto out = collector();
    scan::scan_tls({"127.0.0.1:" + std::to_string(free_port()), silent.endpoint(),
                    "127.0.0.1:" + std::to_string(good.port()), "[::1]:" + std::to_string(free_port())},
                   1000, out);

    EXPECT_EQ(out.take_findings().size(), 1u);
    EXPECT_EQ(out.problems().size(), 3u);
}

TEST(TlsSource, MalformedEndpointsAreUsageErrorsBeforeAnyConnection) {
    FakeServer server(until_closed);
    for (std::string bad : {"example.com", "example.com:", ":443", "example.com:0", "example.com:65536",
                            "example.com:+443", "example.com:44a", "::1:443", "[::1]443", "[::1]:", "[]:443",
                            "[example.com]:443", "example.com:4430000"}) {
        auto out = collector();
        try {
            scan::scan_tls({server.endpoint(), bad}, 1000, out);
            ADD_FAILURE() << bad << " was accepted";
        } catch (const util::Error& e) {
            EXPECT_EQ(e.code(), util::ExitCode::usage);
            EXPECT_EQ(std::string(e.what()), "--tls: '" + bad + "' is not HOST:PORT");
        }
        EXPECT_TRUE(out.problems().empty());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(server.accepted(), 0);
}
