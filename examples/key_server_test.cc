// End-to-end: examples/key_server on loopback, the SKIP and QKD 014 clients
// (keymgmt/ppk) over real TCP, one client per side of the link.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "keymgmt/ppk/http.h"
#include "keymgmt/ppk/http_ppk_source.h"
#include "keymgmt/ppk/key_encoding.h"
#include "keymgmt/ppk/qkd014_client.h"
#include "keymgmt/ppk/skip_client.h"

namespace cygnet::keymgmt {
namespace {

std::string g_server_path;
const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

// A blocking HTTP/1.1 transport over one TCP connection per request; it
// answers from inside Send, which HttpPpkSource allows.
class TcpTransport : public HttpTransport {
 public:
  explicit TcpTransport(int port) : port_(port) {}
  HttpPpkSource* source = nullptr;

  void Send(PpkSource::RequestId id, const HttpRequest& request) override {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port_));
    inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
      close(fd);
      source->OnTransportError(id, absl::UnavailableError("connect failed"),
                               kT0);
      return;
    }
    std::string out = request.Serialize();
    ASSERT_EQ(write(fd, out.data(), out.size()),
              static_cast<ssize_t>(out.size()));
    std::string in;
    while (true) {
      absl::StatusOr<size_t> need = HttpMessageLength(AsBytes(in));
      if (!need.ok() || *need != 0) break;
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 5000) <= 0) break;
      char buf[4096];
      ssize_t n = read(fd, buf, sizeof(buf));
      if (n <= 0) break;
      in.append(buf, static_cast<size_t>(n));
    }
    close(fd);
    source->OnHttpResponse(id, AsBytes(in), kT0);
  }

 private:
  int port_;
};

class KeyServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int out[2];
    ASSERT_EQ(pipe(out), 0);
    pid_ = fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      dup2(out[1], 1);
      close(out[0]);
      execl(g_server_path.c_str(), g_server_path.c_str(), "--port=0",
            "--pool-seed=5", "--local-system-id=KP_Alice",
            "--remote-system-id=KP_Bob", "--max-runtime=60",
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    std::string line;
    char c;
    pollfd p{out[0], POLLIN, 0};
    while (line.find('\n') == std::string::npos && poll(&p, 1, 10000) > 0 &&
           read(out[0], &c, 1) == 1) {
      line += c;
    }
    close(out[0]);
    char id_a[64], id_b[64];
    ASSERT_EQ(std::sscanf(line.c_str(),
                          "key_server: A %63s 127.0.0.1:%d B %63s 127.0.0.1:%d",
                          id_a, &port_a_, id_b, &port_b_),
              4)
        << line;
    EXPECT_STREQ(id_a, "KP_Alice");
    EXPECT_STREQ(id_b, "KP_Bob");
  }
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }

  static absl::StatusOr<Ppk> One(PpkSource& src) {
    auto results = src.TakeResults(kT0);
    if (results.size() != 1) return absl::InternalError("not one result");
    return std::move(results[0].second);
  }

  pid_t pid_ = -1;
  int port_a_ = 0;
  int port_b_ = 0;
};

TEST_F(KeyServerTest, SkipKeyFetchedAtBothSides) {
  TcpTransport ta(port_a_), tb(port_b_);
  SkipPpkSource alice(
      ta,
      SkipConfig{absl::StrCat("127.0.0.1:", port_a_), 256, {{"r2", "KP_Bob"}}});
  SkipPpkSource bob(
      tb, SkipConfig{
              absl::StrCat("127.0.0.1:", port_b_), 256, {{"r1", "KP_Alice"}}});
  ta.source = &alice;
  tb.source = &bob;

  alice.RequestNewKey("r2", kT0);
  absl::StatusOr<Ppk> a = One(alice);
  ASSERT_TRUE(a.ok()) << a.status();
  bob.RequestKeyById("r1", a->id, kT0);
  absl::StatusOr<Ppk> b = One(bob);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(a->id, b->id);
  EXPECT_TRUE(a->key.Equals(b->key));
  EXPECT_EQ(a->key.size(), 32u);
  // Erased at the responder's side once fetched.
  bob.RequestKeyById("r1", a->id, kT0);
  EXPECT_EQ(One(bob).status().code(), absl::StatusCode::kNotFound);
  // And a key fetched new at B is fetched by ID at A.
  bob.RequestNewKey("r1", kT0);
  absl::StatusOr<Ppk> b2 = One(bob);
  ASSERT_TRUE(b2.ok()) << b2.status();
  alice.RequestKeyById("r2", b2->id, kT0);
  absl::StatusOr<Ppk> a2 = One(alice);
  ASSERT_TRUE(a2.ok()) << a2.status();
  EXPECT_TRUE(a2->key.Equals(b2->key));
}

TEST_F(KeyServerTest, Qkd014KeyFetchedAtBothSides) {
  TcpTransport ta(port_a_), tb(port_b_);
  Qkd014Config ca;
  ca.host = absl::StrCat("127.0.0.1:", port_a_);
  ca.sae_ids["r2"] = "KP_Bob";
  Qkd014Config cb;
  cb.host = absl::StrCat("127.0.0.1:", port_b_);
  cb.sae_ids["r1"] = "KP_Alice";
  cb.method = Qkd014Method::kGet;
  Qkd014PpkSource master(ta, ca), slave(tb, cb);
  ta.source = &master;
  tb.source = &slave;

  master.RequestNewKey("r2", kT0);
  absl::StatusOr<Ppk> m = One(master);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(ValidateQkd014KeyId(m->id).ok());
  slave.RequestKeyById("r1", m->id, kT0);
  absl::StatusOr<Ppk> s = One(slave);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(m->id, s->id);
  EXPECT_TRUE(m->key.Equals(s->key));
  slave.RequestKeyById("r1", m->id, kT0);
  EXPECT_EQ(One(slave).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(KeyServerTest, UnreachableServerIsUnavailable) {
  TcpTransport t(1);  // nothing listens on port 1
  SkipPpkSource src(t, SkipConfig{"127.0.0.1:1", 256, {}});
  t.source = &src;
  src.RequestNewKey("KP_Bob", kT0);
  absl::StatusOr<Ppk> r = One(src);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(r.status().message(), "key source unreachable: connect failed");
}

}  // namespace
}  // namespace cygnet::keymgmt

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: key_server_test <key_server binary>\n");
    return 2;
  }
  cygnet::keymgmt::g_server_path = argv[1];
  signal(SIGPIPE, SIG_IGN);
  return RUN_ALL_TESTS();
}
