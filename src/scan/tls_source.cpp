// The TLS source: connects to each endpoint, runs a handshake and reads the
// chain the server presents. No trust decision is made: an expired or
// self-signed chain is exactly what a scan wants to see.
//
// The TLS records go through memory BIOs and this file does the socket I/O
// itself: every wait is a poll against one deadline, and every write is a
// send() with MSG_NOSIGNAL, so a server that hangs up early can neither stall
// the scan nor raise SIGPIPE in a program that never asked to ignore it.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include "scan/sources.hpp"

namespace scan {
namespace {

using Clock = std::chrono::steady_clock;
using SslCtxPtr = std::unique_ptr<SSL_CTX, util::Free<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, util::Free<SSL_free>>;
using AddrInfoPtr = std::unique_ptr<addrinfo, util::Free<freeaddrinfo>>;

constexpr unsigned kMaxWorkers = 8;  // endpoints are mostly waiting, not computing

struct Endpoint {
    std::string text;  // as given: the location findings are reported at
    std::string host;  // brackets removed
    std::string port;
    bool literal = false;  // an IP address: no lookup, no SNI
};

std::optional<Endpoint> parse_endpoint(const std::string& text) {
    Endpoint e;
    e.text = text;
    std::string rest;
    if (!text.empty() && text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') return std::nullopt;
        e.host = text.substr(1, close - 1);
        // Brackets are only for IPv6 literals (a zone such as %eth0 included).
        if (e.host.find(':') == std::string::npos) return std::nullopt;
        rest = text.substr(close + 2);
    } else {
        auto colon = text.rfind(':');
        if (colon == std::string::npos) return std::nullopt;
        e.host = text.substr(0, colon);
        // An unbracketed IPv6 address cannot be told apart from its port.
        if (e.host.find(':') != std::string::npos) return std::nullopt;
        rest = text.substr(colon + 1);
    }
    if (e.host.empty() || rest.empty() || rest.size() > 5) return std::nullopt;
    if (!std::all_of(rest.begin(), rest.end(), [](unsigned char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    int port = std::stoi(rest);
    if (port < 1 || port > 65535) return std::nullopt;
    e.port = std::to_string(port);
    unsigned char buf[sizeof(in6_addr)];
    std::string bare = e.host.substr(0, e.host.find('%'));
    e.literal = ::inet_pton(AF_INET, bare.c_str(), buf) == 1 || ::inet_pton(AF_INET6, bare.c_str(), buf) == 1;
    return e;
}

class Socket {
public:
    explicit Socket(int fd) : fd_(fd) {}
    ~Socket() {
        if (fd_ >= 0) ::close(fd_);
    }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    Socket(Socket&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    int fd() const { return fd_; }

private:
    int fd_;
};

// Why one endpoint could not be read; the scan records it and goes on.
struct Failure {
    std::string reason;
};

class Deadline {
public:
    explicit Deadline(int64_t timeout_ms) : timeout_ms_(timeout_ms), at_(Clock::now() + std::chrono::milliseconds(timeout_ms)) {}
    Clock::time_point at() const { return at_; }
    // Milliseconds left for poll(), rounded up so a wait never ends just short of the deadline.
    int left_ms() const {
        auto left = std::chrono::ceil<std::chrono::milliseconds>(at_ - Clock::now()).count();
        return static_cast<int>(std::clamp<int64_t>(left, 0, 1 << 30));
    }
    Failure expired(const std::string& during) const {
        std::string limit = timeout_ms_ % 1000 == 0 ? std::to_string(timeout_ms_ / 1000) + "s"
                                                    : std::to_string(timeout_ms_) + "ms";
        return Failure{"no answer within " + limit + " (" + during + ")"};
    }

private:
    int64_t timeout_ms_;
    Clock::time_point at_;
};

// Waits until `fd` is ready for `events`; false once the deadline has passed.
bool wait_for(int fd, short events, const Deadline& deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        int left = deadline.left_ms();
        if (left == 0) return false;
        int rc = ::poll(&p, 1, left);
        if (rc > 0) return true;  // errors and hang-ups show in the next call on the socket
        if (rc < 0 && errno != EINTR) return false;
    }
}

std::string address_text(const sockaddr* sa, socklen_t len) {
    char host[NI_MAXHOST];
    if (::getnameinfo(sa, len, host, sizeof host, nullptr, 0, NI_NUMERICHOST) != 0) return "?";
    return sa->sa_family == AF_INET6 ? "[" + std::string(host) + "]" : std::string(host);
}

// What a lookup thread hands back, shared so the thread may outlive the wait.
struct Lookup {
    std::mutex mu;
    std::condition_variable done_cv;
    bool done = false;
    int rc = 0;
    int saved_errno = 0;
    AddrInfoPtr result;
};

std::string lookup_error(int rc, int saved_errno) {
    if (rc == EAI_SYSTEM) return std::string("cannot resolve: ") + std::strerror(saved_errno);
    return std::string("cannot resolve: ") + ::gai_strerror(rc);
}

AddrInfoPtr resolve(const Endpoint& e, const Deadline& deadline) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | (e.literal ? AI_NUMERICHOST : 0);
    auto lookup = std::make_shared<Lookup>();
    auto run = [lookup, host = e.host, port = e.port, hints] {
        addrinfo* res = nullptr;
        int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
        int saved = errno;
        std::lock_guard<std::mutex> lock(lookup->mu);
        lookup->rc = rc;
        lookup->saved_errno = saved;
        lookup->result.reset(res);
        lookup->done = true;
        lookup->done_cv.notify_all();
    };
    if (e.literal) {
        run();  // a numeric host never waits on the network
    } else {
        // getaddrinfo takes no deadline and cannot be cancelled, so a name is
        // looked up on a thread of its own. If the deadline passes first the
        // thread is left to finish alone; the shared Lookup frees what it finds.
        try {
            std::thread(run).detach();
        } catch (const std::system_error&) {
            run();  // out of threads: an unbounded lookup beats none
        }
    }
    std::unique_lock<std::mutex> lock(lookup->mu);
    if (!lookup->done_cv.wait_until(lock, deadline.at(), [&] { return lookup->done; }))
        throw deadline.expired("name lookup");
    if (lookup->rc != 0) throw Failure{lookup_error(lookup->rc, lookup->saved_errno)};
    return std::move(lookup->result);
}

// Tries each address in turn; the first that accepts wins.
Socket connect_any(const addrinfo* list, const Deadline& deadline) {
    std::string last = "no address to connect to";
    for (const addrinfo* ai = list; ai != nullptr; ai = ai->ai_next) {
        std::string addr = address_text(ai->ai_addr, ai->ai_addrlen);
        Socket s(::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol));
        if (s.fd() < 0) {
            last = "cannot open a socket for " + addr + ": " + std::strerror(errno);
            continue;
        }
        int rc = ::connect(s.fd(), ai->ai_addr, ai->ai_addrlen);
        int err = rc == 0 ? 0 : errno;
        if (err == EINPROGRESS || err == EINTR) {  // an interrupted connect goes on in the background
            if (!wait_for(s.fd(), POLLOUT, deadline)) throw deadline.expired("connecting to " + addr);
            socklen_t len = sizeof err;
            if (::getsockopt(s.fd(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
        }
        if (err == 0) return s;
        last = "cannot connect to " + addr + ": " + std::strerror(err);
    }
    throw Failure{last};
}

// Sends what the TLS engine has written. Failures are left for the next read
// to report, which names the cause better (a reset, an alert).
void flush(BIO* wbio, int fd, const Deadline& deadline) {
    char* data = nullptr;
    long pending = BIO_get_mem_data(wbio, &data);
    size_t done = 0;
    while (done < static_cast<size_t>(pending)) {
        ssize_t n = ::send(fd, data + done, static_cast<size_t>(pending) - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += static_cast<size_t>(n);
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!wait_for(fd, POLLOUT, deadline)) throw deadline.expired("TLS handshake");
        } else if (errno != EINTR) {
            break;
        }
    }
    (void)BIO_reset(wbio);
}

SslCtxPtr make_context() {
    SslCtxPtr ctx(util::check_ptr(SSL_CTX_new(TLS_client_method()), "cannot create a TLS context"));
    SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_NONE, nullptr);
    // Old servers are the ones whose certificates tend to expire unnoticed:
    // offer every version and cipher the library still has, and accept a
    // chain with short keys or SHA-1 signatures. Nothing here is trusted.
    SSL_CTX_set_security_level(ctx.get(), 0);
    // A library built without the old versions refuses these; the defaults then stand.
    if (SSL_CTX_set_min_proto_version(ctx.get(), TLS1_VERSION) != 1) ERR_clear_error();
    if (SSL_CTX_set_max_proto_version(ctx.get(), 0) != 1) ERR_clear_error();
    util::check_ok(SSL_CTX_set_cipher_list(ctx.get(), "ALL:!aNULL:!eNULL:@SECLEVEL=0"), "cannot set TLS ciphers");
    // OpenSSL 3 refuses servers without RFC 5746 renegotiation by default; no
    // data is exchanged here, so that protection buys nothing.
    SSL_CTX_set_options(ctx.get(), SSL_OP_LEGACY_SERVER_CONNECT);
    return ctx;
}

// Connects and handshakes; returns the TLS object with the peer's chain.
SslPtr handshake(SSL_CTX* ctx, const Endpoint& e, const Deadline& deadline) {
    AddrInfoPtr addrs = resolve(e, deadline);
    Socket sock = connect_any(addrs.get(), deadline);

    ERR_clear_error();
    SslPtr ssl(SSL_new(ctx));
    BIO* rbio = BIO_new(BIO_s_mem());
    BIO* wbio = BIO_new(BIO_s_mem());
    if (!ssl || !rbio || !wbio) {
        BIO_free(rbio);
        BIO_free(wbio);
        throw Failure{"cannot set up TLS: " + util::drain_openssl_errors()};
    }
    // An empty read buffer means "wait for the socket", not end of stream.
    BIO_set_mem_eof_return(rbio, -1);
    SSL_set_bio(ssl.get(), rbio, wbio);
    SSL_set_connect_state(ssl.get());
    if (!e.literal && SSL_set_tlsext_host_name(ssl.get(), e.host.c_str()) != 1)
        throw Failure{"cannot send " + e.host + " as server name: " + util::drain_openssl_errors()};

    char buf[16384];
    for (;;) {
        ERR_clear_error();
        int rc = SSL_do_handshake(ssl.get());
        int err = rc == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl.get(), rc);
        if (err != SSL_ERROR_NONE && err != SSL_ERROR_WANT_READ && err != SSL_ERROR_WANT_WRITE) {
            std::string why = util::drain_openssl_errors();
            // The alert telling the server why, if the socket takes it now.
            char* data = nullptr;
            long pending = BIO_get_mem_data(wbio, &data);
            if (pending > 0) (void)::send(sock.fd(), data, static_cast<size_t>(pending), MSG_NOSIGNAL | MSG_DONTWAIT);
            throw Failure{"TLS handshake failed" + (why.empty() ? std::string() : ": " + why)};
        }
        flush(wbio, sock.fd(), deadline);
        if (err == SSL_ERROR_NONE) break;
        if (err == SSL_ERROR_WANT_WRITE) continue;
        if (!wait_for(sock.fd(), POLLIN, deadline)) throw deadline.expired("TLS handshake");
        ssize_t n = ::recv(sock.fd(), buf, sizeof buf, 0);
        if (n == 0) throw Failure{"the server closed the connection during the TLS handshake"};
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            throw Failure{std::string("TLS handshake failed: ") + std::strerror(errno)};
        }
        if (BIO_write(rbio, buf, static_cast<int>(n)) != n)
            throw Failure{"TLS handshake failed: " + util::drain_openssl_errors()};
    }
    // A polite close, if the socket takes it now; the chain is all that was wanted.
    if (SSL_shutdown(ssl.get()) >= 0) {
        char* data = nullptr;
        long pending = BIO_get_mem_data(wbio, &data);
        if (pending > 0) (void)::send(sock.fd(), data, static_cast<size_t>(pending), MSG_NOSIGNAL | MSG_DONTWAIT);
    }
    ERR_clear_error();
    return ssl;
}

Problem tls_problem(const Endpoint& e, int depth, const std::string& reason) {
    return Problem{"unreadable", Location{Source::tls, e.text, depth, {}}, reason};
}

void scan_endpoint(SSL_CTX* ctx, const Endpoint& e, int64_t timeout_ms, Collector& out, Hasher& hash) {
    SslPtr ssl;
    try {
        ssl = handshake(ctx, e, Deadline(timeout_ms));
    } catch (const Failure& f) {
        ERR_clear_error();
        out.add_problem(tls_problem(e, 0, f.reason));
        return;
    }
    STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl.get());
    int count = chain == nullptr ? 0 : sk_X509_num(chain);
    if (count == 0) {
        out.add_problem(tls_problem(e, 0, "the server presented no certificate"));
        return;
    }
    for (int depth = 0; depth < count; ++depth) {
        unsigned char* der = nullptr;
        int len = i2d_X509(sk_X509_value(chain, depth), &der);
        if (len <= 0) {
            out.add_problem(tls_problem(e, depth, "certificate at depth " + std::to_string(depth) +
                                                      " cannot be encoded: " + util::drain_openssl_errors()));
            continue;
        }
        util::OpensslString owner(reinterpret_cast<char*>(der));
        std::string_view bytes(owner.get(), static_cast<size_t>(len));
        CertFields fields;
        if (auto why = read_cert_fields(bytes, fields)) {
            out.add_problem(tls_problem(e, depth, "certificate at depth " + std::to_string(depth) + ": " + *why));
            continue;
        }
        out.add(fields, hash(fields.der), Location{Source::tls, e.text, depth, {}});
    }
}

}  // namespace

void scan_tls(const std::vector<std::string>& endpoints, int64_t timeout_ms, Collector& out) {
    // Every endpoint is checked before the first connection: a typo in the
    // tenth should not cost nine handshakes first.
    std::vector<Endpoint> parsed;
    parsed.reserve(endpoints.size());
    for (const auto& text : endpoints) {
        auto e = parse_endpoint(text);
        if (!e) util::fail_input("--tls: '" + text + "' is not HOST:PORT");
        parsed.push_back(std::move(*e));
    }
    if (parsed.empty()) return;
    if (timeout_ms <= 0) util::fail_input("the TLS timeout must be positive");

    SslCtxPtr ctx = make_context();
    std::atomic<size_t> next{0};
    std::mutex error_mu;
    std::exception_ptr error;
    auto work = [&] {
        try {
            Hasher hash;
            for (;;) {
                size_t i = next.fetch_add(1);
                if (i >= parsed.size()) break;
                scan_endpoint(ctx.get(), parsed[i], timeout_ms, out, hash);
            }
        } catch (...) {
            std::lock_guard<std::mutex> lock(error_mu);
            if (!error) error = std::current_exception();
            next = parsed.size();
        }
    };
    unsigned jobs = static_cast<unsigned>(std::min<size_t>(parsed.size(), kMaxWorkers));
    std::vector<std::thread> workers;
    for (unsigned i = 1; i < jobs; ++i) {
        try {
            workers.emplace_back(work);
        } catch (const std::system_error&) {
            break;  // fewer threads only make the scan slower
        }
    }
    work();
    for (auto& t : workers) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace scan
