// key_server: a key service on loopback speaking SKIP (draft-cisco-skip-02)
// and ETSI GS QKD 014 over plain HTTP, for tests and demos.
//
// Two listening ports, one per side of a link: --port serves side A (whose
// system/SAE ID is --local-system-id), --peer-port serves side B
// (--remote-system-id). Both draw on one synchronized key pool, as a pair of
// QKD devices would: a key fetched new at one side can be fetched once by ID
// at the other side, and is erased there (keymgmt/ppk/key_service.h).
// Plain HTTP only: real key providers sit behind TLS (TLS-PSK for SKIP).
//
// Prints one line once listening:
//   key_server: A <id> 127.0.0.1:<port> B <id> 127.0.0.1:<port>
// --port=0 picks free ports. --pool-seed=N makes keys and IDs reproducible
// (crypto::DeterministicRandom; never for real keys). --max-runtime bounds
// how long it runs (seconds, 0 = forever).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "crypto/random.h"
#include "keymgmt/ppk/http.h"
#include "keymgmt/ppk/key_service.h"

namespace {

// Flags with dashes, as documented above (absl::flags does not accept
// dashes): --port, --peer-port, --pool-seed, --local-system-id,
// --remote-system-id, --bind, --max-runtime; "--name=value" or "--name value".
struct Flags {
  int port = 0;
  int peer_port = -1;      // -1: --port + 1, or any free port when --port=0
  int64_t pool_seed = -1;  // -1: system randomness
  std::string local_system_id = "KP_A";
  std::string remote_system_id = "KP_B";
  std::string bind = "127.0.0.1";
  int max_runtime = 0;
};

bool ParseFlags(int argc, char** argv, Flags& f) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string name = arg, value;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      std::fprintf(stderr, "key_server: %s needs a value\n", arg.c_str());
      return false;
    }
    bool ok = true;
    if (name == "--port") {
      ok = absl::SimpleAtoi(value, &f.port);
    } else if (name == "--peer-port") {
      ok = absl::SimpleAtoi(value, &f.peer_port);
    } else if (name == "--pool-seed") {
      ok = absl::SimpleAtoi(value, &f.pool_seed);
    } else if (name == "--local-system-id") {
      f.local_system_id = value;
    } else if (name == "--remote-system-id") {
      f.remote_system_id = value;
    } else if (name == "--bind") {
      f.bind = value;
    } else if (name == "--max-runtime") {
      ok = absl::SimpleAtoi(value, &f.max_runtime);
    } else {
      std::fprintf(stderr, "key_server: unknown flag %s\n", name.c_str());
      return false;
    }
    if (!ok) {
      std::fprintf(stderr, "key_server: bad value '%s' for %s\n", value.c_str(),
                   name.c_str());
      return false;
    }
  }
  return true;
}

using cygnet::keymgmt::HttpLimits;
using cygnet::keymgmt::HttpMessageLength;
using cygnet::keymgmt::HttpResponse;
using cygnet::keymgmt::KeyService;
using cygnet::keymgmt::ParseHttpRequest;

int Listen(const std::string& address, int port, int& bound_port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, address.c_str(), &sa.sin_addr) != 1 ||
      bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 ||
      listen(fd, 16) != 0) {
    close(fd);
    return -1;
  }
  socklen_t len = sizeof(sa);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  bound_port = ntohs(sa.sin_port);
  return fd;
}

// One request per connection, read with a 2 s budget, then closed.
void Serve(int client, KeyService& service, KeyService::Side side) {
  std::string in;
  HttpLimits limits;
  absl::Time deadline = absl::Now() + absl::Seconds(2);
  HttpResponse response{400, "Bad Request", {{"Connection", "close"}}, ""};
  while (true) {
    absl::StatusOr<size_t> need =
        HttpMessageLength(cygnet::keymgmt::AsBytes(in), limits);
    if (!need.ok()) break;
    if (*need != 0) {
      absl::StatusOr<cygnet::keymgmt::HttpRequest> request = ParseHttpRequest(
          cygnet::keymgmt::AsBytes(in).subspan(0, *need), limits);
      if (request.ok()) response = service.Handle(side, *request);
      break;
    }
    int wait_ms =
        static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (wait_ms <= 0) return;
    pollfd p{client, POLLIN, 0};
    if (poll(&p, 1, wait_ms) <= 0) return;
    char buf[4096];
    ssize_t n = read(client, buf, sizeof(buf));
    if (n <= 0) return;
    in.append(buf, static_cast<size_t>(n));
  }
  std::string out = response.Serialize();
  size_t off = 0;
  while (off < out.size()) {
    ssize_t n = write(client, out.data() + off, out.size() - off);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags;
  if (!ParseFlags(argc, argv, flags)) return 2;
  int port = flags.port;
  int peer_port = flags.peer_port;
  if (peer_port < 0) peer_port = port == 0 ? 0 : port + 1;

  std::unique_ptr<cygnet::crypto::Random> random;
  if (flags.pool_seed >= 0) {
    random = std::make_unique<cygnet::crypto::DeterministicRandom>(
        static_cast<uint64_t>(flags.pool_seed));
  } else {
    random = std::make_unique<cygnet::crypto::SystemRandom>();
  }
  cygnet::keymgmt::KeyServiceConfig config;
  config.id_a = flags.local_system_id;
  config.id_b = flags.remote_system_id;
  KeyService service(config, *random);

  int bound_a = 0, bound_b = 0;
  int fd_a = Listen(flags.bind, port, bound_a);
  int fd_b = Listen(flags.bind, peer_port, bound_b);
  if (fd_a < 0 || fd_b < 0) {
    std::fprintf(stderr, "key_server: cannot listen on %s ports %d/%d\n",
                 flags.bind.c_str(), port, peer_port);
    return 1;
  }
  std::printf("key_server: A %s %s:%d B %s %s:%d\n", config.id_a.c_str(),
              flags.bind.c_str(), bound_a, config.id_b.c_str(),
              flags.bind.c_str(), bound_b);
  std::fflush(stdout);

  int max_runtime = flags.max_runtime;
  absl::Time end = max_runtime > 0 ? absl::Now() + absl::Seconds(max_runtime)
                                   : absl::InfiniteFuture();
  while (absl::Now() < end) {
    pollfd fds[2] = {{fd_a, POLLIN, 0}, {fd_b, POLLIN, 0}};
    int ready = poll(fds, 2, 500);
    if (ready <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & POLLIN)) continue;
      int client = accept(fds[i].fd, nullptr, nullptr);
      if (client < 0) continue;
      Serve(client, service,
            i == 0 ? KeyService::Side::kA : KeyService::Side::kB);
      close(client);
    }
  }
  close(fd_a);
  close(fd_b);
  return 0;
}
