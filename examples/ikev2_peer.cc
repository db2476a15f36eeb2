// ikev2_peer: one cygnet IKEv2/IPsec endpoint on real sockets, for use
// against a real peer (strongSwan in testing/interop/) or another ikev2_peer.
//
// It reads a seed running configuration (--config), binds every tunnel
// interface with `tunnel protection ipsec profile` to an IkePolicy, and runs
// one IkeEngine. --initiate starts the first policy's IKE SA; otherwise it
// waits as responder.
//
// Sockets:
//  - UDP on the local IKE port (500 unless --local says otherwise): IKE.
//  - UDP 4500 (RFC 3948): datagrams starting with the 4-byte zero non-ESP
//    marker are IKE and go to the engine (which strips the marker itself);
//    a lone 0xff byte is a NAT keepalive; everything else is ESP-in-UDP.
//    Received ESP-in-UDP is wrapped in a synthetic outer IPv4 + UDP header
//    (the addresses and ports the datagram really had, a correct header
//    checksum) and handed to ipsec::Decapsulate. This keeps ONE inbound
//    path: Decapsulate does the SA lookup by (SPI, destination), the NAT-T
//    checks, the counters and the inner traffic-selector checks, exactly as
//    for raw ESP, instead of a second SA-level path through EspOpen.
//    Outbound, ipsec::Encapsulate builds the whole outer IPv4 + UDP packet;
//    the IP and UDP headers are stripped again and the rest sent from this
//    socket (the kernel writes its own headers).
//  - A raw IPPROTO_ESP socket for ESP without UDP encapsulation (no NAT
//    detected); optional: without it only NAT-T SAs carry traffic.
//  - --tun=NAME: a TUN device (created, or attached when it already exists,
//    e.g. from `ip tuntap add`); packets read from it are encapsulated on the
//    current outbound SA of the newest child SA, decapsulated inner packets
//    are written to it. Addresses and routes on it are the caller's job.
//
// Logs: one line per engine event on stderr. SIGUSR1 prints `show ikev2
// session detail` and `show ipsec sa` (and `show ipsec sa interface NAME`
// per tunnel) on stdout; so does exit. SIGTERM / SIGINT exit cleanly.
//
// Dynamic PPK (`ppk dynamic SKS-PROFILE` with `sks profile NAME type remote`
// and `kme server ipv4 A port P`): each sks profile gets a SKIP client
// (keymgmt::SkipPpkSource) whose requests go to A:P as PLAIN HTTP over TCP.
// *** Plain HTTP is for examples/key_server in tests and demos ONLY. SKIP
// requires TLS-PSK between the router and its key provider; a real
// deployment supplies that transport (keymgmt::HttpTransport) itself. ***
// Requests run on short-lived worker threads; their responses are queued and
// handed to the source and the engine by the single-threaded event loop.
//
// Test-only flags (testing/interop/): --stdin_commands reads commands
// ("rekey-child", "rekey-ike", "delete", "show", "initiate") from stdin;
// --insecure_log_keys prints every derived key in hex (see below).
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "crypto/random.h"
#include "ike/config/parser.h"
#include "ike/config/validator.h"
#include "ike/engine/config_binding.h"
#include "ike/engine/ike_engine.h"
#include "ike/engine/show_ikev2.h"
#include "ipsec/esp.h"
#include "ipsec/sa_database.h"
#include "ipsec/sad_decapsulation.h"
#include "ipsec/show_ipsec_sa.h"
#include "keymgmt/ppk/http.h"
#include "keymgmt/ppk/http_ppk_source.h"
#include "keymgmt/ppk/skip_client.h"

ABSL_FLAG(std::string, config, "",
          "running configuration file (seed syntax, ike/config)");
ABSL_FLAG(std::string, local, "",
          "IP[:PORT]: local address (and IKE port, default 500) overriding "
          "the configuration");
ABSL_FLAG(std::string, remote, "",
          "IP[:PORT]: peer address (and IKE port, default 500) overriding "
          "the configuration");
ABSL_FLAG(bool, initiate, false,
          "start the IKE SA; otherwise wait as responder");
ABSL_FLAG(std::string, tun, "",
          "TUN device carrying the tunnel's inner packets (optional)");
ABSL_FLAG(bool, exit_after_established, false,
          "exit 0 once the first child SA is installed, after the status");
ABSL_FLAG(int, timeout, 0,
          "seconds: exit non-zero with the last failure reason if no child "
          "SA is installed by then (0: no limit)");
ABSL_FLAG(int, show_interval, 0, "seconds between status prints (0: never)");
ABSL_FLAG(bool, insecure_log_keys, false,
          "INSECURE, TESTS ONLY: print every derived IKE and ESP key in hex "
          "on stderr (lines starting 'INSECURE-KEY'), so interop tests can "
          "compare them with the peer's key log. Anyone reading the log can "
          "decrypt the traffic. Never use it on a real tunnel.");
ABSL_FLAG(bool, stdin_commands, false,
          "tests: read commands from stdin, one per line: initiate, "
          "rekey-child, rekey-ike, delete, show");

namespace {

using cygnet::ike::Event;
using cygnet::ike::EventType;
using cygnet::ike::IkeEngine;
using cygnet::ike::IkePolicy;
using cygnet::ike::UdpEndpoint;
using cygnet::ipsec::IpAddress;

constexpr uint16_t kNatTraversalPort = 4500;

volatile sig_atomic_t g_show_requested = 0;
volatile sig_atomic_t g_stop_requested = 0;

void OnSignal(int signal) {
  if (signal == SIGUSR1) {
    g_show_requested = 1;
  } else {
    g_stop_requested = 1;
  }
}

void Log(const std::string& line) {
  std::string stamp =
      absl::FormatTime("%H:%M:%E3S", absl::Now(), absl::UTCTimeZone());
  std::fprintf(stderr, "%s ikev2_peer: %s\n", stamp.c_str(), line.c_str());
}

std::optional<IpAddress> ParseIpv4(const std::string& text) {
  in_addr address{};
  if (inet_pton(AF_INET, text.c_str(), &address) != 1) return std::nullopt;
  return IpAddress::V4(ntohl(address.s_addr));
}

// "IP" or "IP:PORT".
bool ParseEndpoint(const std::string& text, std::optional<IpAddress>* address,
                   std::optional<uint16_t>* port, std::string* error) {
  if (text.empty()) return true;
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  if (parts.size() > 2) {
    *error = absl::StrCat("'", text, "': expected IP[:PORT] (IPv4 only)");
    return false;
  }
  *address = ParseIpv4(parts[0]);
  if (!address->has_value()) {
    *error = absl::StrCat("'", parts[0], "' is not an IPv4 address");
    return false;
  }
  if (parts.size() == 2) {
    int value = 0;
    if (!absl::SimpleAtoi(parts[1], &value) || value <= 0 || value > 65535) {
      *error = absl::StrCat("'", parts[1], "' is not a UDP port");
      return false;
    }
    *port = static_cast<uint16_t>(value);
  }
  return true;
}

sockaddr_in SocketAddress(const IpAddress& address, uint16_t port) {
  sockaddr_in out{};
  out.sin_family = AF_INET;
  out.sin_port = htons(port);
  out.sin_addr.s_addr = htonl(address.v4_host_order());
  return out;
}

int BoundUdpSocket(const IpAddress& address, uint16_t port) {
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in local = SocketAddress(address, port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

int OpenTun(const std::string& name, std::string* error) {
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
  if (fd < 0) {
    *error = absl::StrCat("/dev/net/tun: ", std::strerror(errno));
    return -1;
  }
  ifreq request{};
  request.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::strncpy(request.ifr_name, name.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &request) != 0) {
    *error = absl::StrCat("TUNSETIFF ", name, ": ", std::strerror(errno));
    close(fd);
    return -1;
  }
  // Bring it up; addresses and routes are left to the caller.
  int control = socket(AF_INET, SOCK_DGRAM, 0);
  if (control >= 0) {
    ifreq flags{};
    std::strncpy(flags.ifr_name, name.c_str(), IFNAMSIZ - 1);
    if (ioctl(control, SIOCGIFFLAGS, &flags) == 0) {
      flags.ifr_flags |= IFF_UP;
      ioctl(control, SIOCSIFFLAGS, &flags);
    }
    close(control);
  }
  return fd;
}

uint16_t Ipv4HeaderChecksum(const uint8_t* header) {
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2)
    sum += (uint32_t{header[i]} << 8) | header[i + 1];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// PLAIN HTTP (no TLS) to a key provider: for examples/key_server only; see the
// file comment. Send() starts one worker thread per request that connects,
// writes the request and reads one response, each step bounded by
// kStepTimeoutMs; the worker only touches this object's queue. Deliver(), on
// the event loop's thread, passes finished responses to the source, so the
// source and the engine never see another thread.
class PlainHttpKeyTransport : public cygnet::keymgmt::HttpTransport {
 public:
  PlainHttpKeyTransport(std::string address, uint16_t port)
      : address_(std::move(address)), port_(port) {}
  ~PlainHttpKeyTransport() override {
    for (std::thread& worker : workers_) worker.join();
  }
  void set_source(cygnet::keymgmt::HttpPpkSource* source) { source_ = source; }

  void Send(cygnet::keymgmt::PpkSource::RequestId id,
            const cygnet::keymgmt::HttpRequest& request) override {
    workers_.emplace_back(
        [this, id, bytes = request.Serialize()] { Fetch(id, bytes); });
  }

  // Hands finished responses to the source; true when there were any.
  bool Deliver(absl::Time now) {
    std::vector<Done> done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      done.swap(done_);
    }
    for (Done& d : done) {
      if (d.error.ok()) {
        source_->OnHttpResponse(d.id, cygnet::keymgmt::AsBytes(d.bytes), now);
      } else {
        source_->OnTransportError(d.id, d.error, now);
      }
      // The response carries the key in hex; do not leave it in the heap.
      std::fill(d.bytes.begin(), d.bytes.end(), '\0');
    }
    return !done.empty();
  }

 private:
  static constexpr int kStepTimeoutMs = 5000;
  struct Done {
    cygnet::keymgmt::PpkSource::RequestId id;
    std::string bytes;
    absl::Status error;
  };

  void Fetch(cygnet::keymgmt::PpkSource::RequestId id, const std::string& out) {
    // SIGUSR1/SIGTERM belong to the event loop (and would cut polls short).
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, nullptr);
    Done done{id, "", absl::OkStatus()};
    done.error = Exchange(out, done.bytes);
    std::lock_guard<std::mutex> lock(mu_);
    done_.push_back(std::move(done));
  }

  absl::Status Exchange(const std::string& out, std::string& in) {
    std::string where = absl::StrCat(address_, ":", port_);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port_);
    if (inet_pton(AF_INET, address_.c_str(), &sa.sin_addr) != 1) {
      return absl::InvalidArgumentError(
          absl::StrCat("kme server address '", address_, "' is not IPv4"));
    }
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return absl::UnavailableError(std::strerror(errno));
    absl::Status status = absl::OkStatus();
    if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 &&
        errno != EINPROGRESS) {
      status = absl::UnavailableError(
          absl::StrCat("connect ", where, ": ", std::strerror(errno)));
    }
    if (status.ok()) {
      // The non-blocking connect completes (or fails) when writable.
      pollfd p{fd, POLLOUT, 0};
      int error = 0;
      socklen_t length = sizeof(error);
      if (poll(&p, 1, kStepTimeoutMs) <= 0) {
        status = absl::UnavailableError(
            absl::StrCat("connect ", where, ": timed out"));
      } else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 ||
                 error != 0) {
        status = absl::UnavailableError(
            absl::StrCat("connect ", where, ": ", std::strerror(error)));
      }
    }
    size_t written = 0;
    while (status.ok() && written < out.size()) {
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, kStepTimeoutMs) <= 0) {
        status =
            absl::UnavailableError(absl::StrCat("write ", where, ": stalled"));
        break;
      }
      ssize_t n = write(fd, out.data() + written, out.size() - written);
      if (n < 0 && errno != EAGAIN) {
        status = absl::UnavailableError(
            absl::StrCat("write ", where, ": ", std::strerror(errno)));
      } else if (n > 0) {
        written += static_cast<size_t>(n);
      }
    }
    while (status.ok()) {
      absl::StatusOr<size_t> need =
          cygnet::keymgmt::HttpMessageLength(cygnet::keymgmt::AsBytes(in));
      if (!need.ok() || *need != 0) break;  // complete, or the parser says
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, kStepTimeoutMs) <= 0) {
        status =
            absl::UnavailableError(absl::StrCat("read ", where, ": no answer"));
        break;
      }
      char buffer[4096];
      ssize_t n = read(fd, buffer, sizeof(buffer));
      if (n == 0) break;  // closed: the parser judges what arrived
      if (n < 0 && errno != EAGAIN) {
        status = absl::UnavailableError(
            absl::StrCat("read ", where, ": ", std::strerror(errno)));
      } else if (n > 0) {
        in.append(buffer, static_cast<size_t>(n));
      }
    }
    close(fd);
    return status;
  }

  const std::string address_;
  const uint16_t port_;
  cygnet::keymgmt::HttpPpkSource* source_ = nullptr;
  std::vector<std::thread> workers_;  // event loop thread only
  std::mutex mu_;
  std::vector<Done> done_;  // guarded by mu_
};

// One per sks profile; the transport outlives the source that refers to it.
struct DynamicKeySource {
  std::unique_ptr<PlainHttpKeyTransport> transport;
  std::unique_ptr<cygnet::keymgmt::SkipPpkSource> source;
};

struct Tunnel {
  std::string interface_name;
  std::string policy_name;
  // The newest child SA lineage this tunnel's policy installed (0: none).
  cygnet::ipsec::PolicyId lineage = 0;
};

class Peer {
 public:
  int Run();

 private:
  bool Setup();
  void Flush();
  void HandleEvent(const Event& event);
  void ReceiveIke(int fd, uint16_t local_port, absl::Time now);
  void ReceiveNatTraversal(absl::Time now);
  void ReceiveRawEsp(absl::Time now);
  void ReceiveTun(absl::Time now);
  void HandleEsp(cygnet::ipsec::PacketBuffer& packet, absl::Time now);
  // False at end of input.
  bool ReadCommands(absl::Time now);
  void RunCommand(const std::string& command, absl::Time now);
  uint64_t CurrentIkeSa(absl::Time now) const;
  void PrintShow();

  cygnet::crypto::SystemRandom random_;
  cygnet::ipsec::SaDatabase sad_;
  // Declared before engine_, whose policies point at these sources.
  std::map<std::string, DynamicKeySource> key_sources_;
  std::unique_ptr<IkeEngine> engine_;
  std::vector<Tunnel> tunnels_;
  IpAddress local_address_;
  uint16_t ike_port_ = 500;
  int ike_fd_ = -1;
  int nat_fd_ = -1;  // == ike_fd_ when the IKE port is 4500
  int esp_fd_ = -1;
  int tun_fd_ = -1;
  bool child_installed_ = false;
  std::string last_failure_;
  std::string stdin_buffer_;
  uint64_t esp_received_ = 0;
  uint64_t esp_sent_ = 0;
  uint64_t esp_dropped_ = 0;
  cygnet::ipsec::DecapsulationCounters decap_counters_;
};

bool Peer::Setup() {
  std::string path = absl::GetFlag(FLAGS_config);
  if (path.empty()) {
    Log("--config=FILE is required");
    return false;
  }
  std::string text = ReadFile(path);
  if (text.empty()) {
    Log(absl::StrCat("cannot read ", path));
    return false;
  }
  auto parsed = cygnet::ike::config::ParseConfig(text);
  if (!parsed.ok()) {
    Log(absl::StrCat(path, ": ", parsed.status().message()));
    return false;
  }
  absl::Status valid = cygnet::ike::config::CheckValid(parsed->config);
  if (!valid.ok()) {
    Log(absl::StrCat(path, ": ", valid.message()));
    return false;
  }
  auto config = std::make_shared<const cygnet::ike::config::Config>(
      std::move(parsed->config));

  cygnet::ike::BindingOverrides overrides;
  std::string error;
  if (!ParseEndpoint(absl::GetFlag(FLAGS_local), &overrides.local_address,
                     &overrides.local_port, &error) ||
      !ParseEndpoint(absl::GetFlag(FLAGS_remote), &overrides.remote_address,
                     &overrides.remote_port, &error)) {
    Log(error);
    return false;
  }
  overrides.dynamic_ppk_source =
      [this](const cygnet::ike::config::SksProfile& sks)
      -> cygnet::keymgmt::PpkSource* {
    if (!sks.kme_address.has_value() || !sks.kme_address->is_v4() ||
        sks.kme_port == 0) {
      Log(absl::StrCat("sks profile ", sks.name,
                       ": needs `kme server ipv4 ADDRESS port PORT`"));
      return nullptr;
    }
    DynamicKeySource& entry = key_sources_[sks.name];
    if (entry.source == nullptr) {
      std::string address = sks.kme_address->ToString();
      entry.transport =
          std::make_unique<PlainHttpKeyTransport>(address, sks.kme_port);
      cygnet::keymgmt::SkipConfig skip;
      skip.host = absl::StrCat(address, ":", sks.kme_port);
      entry.source = std::make_unique<cygnet::keymgmt::SkipPpkSource>(
          *entry.transport, std::move(skip));
      entry.transport->set_source(entry.source.get());
      Log(absl::StrCat("WARNING: sks profile ", sks.name,
                       ": SKIP over PLAIN "
                       "HTTP to ",
                       address, ":", sks.kme_port,
                       " (no TLS-PSK; for test key servers only)"));
    }
    return entry.source.get();
  };
  engine_ = std::make_unique<IkeEngine>(random_, sad_);
  if (absl::GetFlag(FLAGS_insecure_log_keys)) {
    Log("WARNING: --insecure_log_keys: every key is printed; test use only");
    engine_->SetInsecureKeyLog([](const std::string& line) {
      std::fprintf(stderr, "INSECURE-KEY %s\n", line.c_str());
    });
  }
  for (const cygnet::ike::config::Interface& interface : config->interfaces) {
    if (interface.tunnel_protection_profile.empty()) continue;
    absl::StatusOr<IkePolicy> policy =
        cygnet::ike::BindTunnel(config, interface.name, overrides);
    if (!policy.ok()) {
      Log(std::string(policy.status().message()));
      return false;
    }
    if (tunnels_.empty()) {
      local_address_ = policy->local_address;
      ike_port_ = policy->local_port;
    }
    Log(absl::StrCat(
        "policy ", policy->name, " on ", interface.name, ": ",
        policy->local_address.ToString(), "/", policy->local_port, " <-> ",
        policy->remote_address.ToString(), "/", policy->remote_port,
        policy->dpd.interval > absl::ZeroDuration()
            ? absl::StrCat(
                  ", dpd every ", absl::FormatDuration(policy->dpd.interval),
                  policy->dpd.periodic ? " (periodic)" : " (on-demand)")
            : std::string()));
    tunnels_.push_back(Tunnel{interface.name, policy->name, 0});
    absl::Status added = engine_->AddPolicy(std::move(*policy));
    if (!added.ok()) {
      Log(std::string(added.message()));
      return false;
    }
  }
  if (tunnels_.empty()) {
    Log(absl::StrCat(path, ": no interface with tunnel protection"));
    return false;
  }
  ike_fd_ = BoundUdpSocket(local_address_, ike_port_);
  if (ike_fd_ < 0) {
    Log(absl::StrCat("cannot bind UDP ", local_address_.ToString(), ":",
                     ike_port_, ": ", std::strerror(errno)));
    return false;
  }
  if (ike_port_ == kNatTraversalPort) {
    nat_fd_ = ike_fd_;
  } else {
    nat_fd_ = BoundUdpSocket(local_address_, kNatTraversalPort);
    if (nat_fd_ < 0) {
      Log(absl::StrCat("cannot bind UDP ", local_address_.ToString(), ":",
                       kNatTraversalPort, ": ", std::strerror(errno)));
      return false;
    }
  }
  esp_fd_ = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ESP);
  if (esp_fd_ < 0) {
    Log(absl::StrCat("no raw ESP socket (", std::strerror(errno),
                     "): only UDP-encapsulated ESP will carry traffic"));
  }
  std::string tun = absl::GetFlag(FLAGS_tun);
  if (!tun.empty()) {
    tun_fd_ = OpenTun(tun, &error);
    if (tun_fd_ < 0) {
      Log(error);
      return false;
    }
    Log(absl::StrCat("TUN ", tun, " attached"));
  }
  return true;
}

void Peer::HandleEvent(const Event& event) {
  std::string line = absl::StrCat(cygnet::ike::EventTypeName(event.type),
                                  " [IKE SA ", event.ike_sa_id, "]");
  if (!event.policy.empty()) absl::StrAppend(&line, " ", event.policy);
  if (event.inbound_spi != 0 || event.outbound_spi != 0) {
    absl::StrAppend(
        &line, absl::StrFormat(" SPI in 0x%08x out 0x%08x", event.inbound_spi,
                               event.outbound_spi));
  }
  if (!event.reason.empty()) absl::StrAppend(&line, ": ", event.reason);
  Log(line);
  switch (event.type) {
    case EventType::kChildSaInstalled:
    case EventType::kChildSaRekeyed:
      for (Tunnel& tunnel : tunnels_) {
        if (tunnel.policy_name == event.policy)
          tunnel.lineage = event.sad_policy;
      }
      child_installed_ = true;
      break;
    case EventType::kIkeSaFailed:
    case EventType::kDeadPeer:
      last_failure_ = event.reason;
      break;
    case EventType::kIkeSaDeleted:
      if (!event.reason.empty()) last_failure_ = event.reason;
      break;
    default:
      break;
  }
}

void Peer::Flush() {
  for (cygnet::ike::SendDatagram& d : engine_->TakeDatagrams()) {
    int fd = d.from.port == kNatTraversalPort ? nat_fd_ : ike_fd_;
    sockaddr_in to = SocketAddress(d.to.address, d.to.port);
    if (sendto(fd, d.bytes.data(), d.bytes.size(), 0,
               reinterpret_cast<sockaddr*>(&to), sizeof(to)) < 0) {
      Log(absl::StrCat("send to ", d.to.ToString(), ": ",
                       std::strerror(errno)));
    }
  }
  for (const Event& event : engine_->TakeEvents()) HandleEvent(event);
}

void Peer::ReceiveIke(int fd, uint16_t local_port, absl::Time now) {
  uint8_t buffer[65536];
  sockaddr_in from{};
  socklen_t from_size = sizeof(from);
  ssize_t n = recvfrom(fd, buffer, sizeof(buffer), 0,
                       reinterpret_cast<sockaddr*>(&from), &from_size);
  if (n <= 0) return;
  engine_->HandleDatagram(
      UdpEndpoint{IpAddress::V4(ntohl(from.sin_addr.s_addr)),
                  ntohs(from.sin_port)},
      UdpEndpoint{local_address_, local_port},
      absl::MakeConstSpan(buffer, static_cast<size_t>(n)), now);
}

void Peer::HandleEsp(cygnet::ipsec::PacketBuffer& packet, absl::Time now) {
  cygnet::ipsec::Decapsulated out;
  std::shared_ptr<cygnet::ipsec::SecurityAssociation> held;
  absl::Status opened = cygnet::ipsec::DecapsulateFromSad(
      sad_, packet, decap_counters_, &out, &held);
  if (!opened.ok()) {
    ++esp_dropped_;
    Log(absl::StrCat("ESP dropped: ", opened.message()));
    return;
  }
  if (out.kind == cygnet::ipsec::DecapsulatedKind::kPacket ||
      out.kind == cygnet::ipsec::DecapsulatedKind::kDummy) {
    engine_->NoteEspTraffic(out.sa->spi(), /*sent=*/false, now);
  }
  if (out.kind != cygnet::ipsec::DecapsulatedKind::kPacket) return;
  ++esp_received_;
  if (tun_fd_ >= 0) {
    if (write(tun_fd_, packet.data(), packet.length) < 0) {
      Log(absl::StrCat("TUN write: ", std::strerror(errno)));
    }
  }
}

void Peer::ReceiveNatTraversal(absl::Time now) {
  constexpr size_t kHeadroom = 28;  // synthetic IPv4 + UDP header
  uint8_t storage[65536 + kHeadroom];
  sockaddr_in from{};
  socklen_t from_size = sizeof(from);
  ssize_t n =
      recvfrom(nat_fd_, storage + kHeadroom, sizeof(storage) - kHeadroom, 0,
               reinterpret_cast<sockaddr*>(&from), &from_size);
  if (n <= 0) return;
  const uint8_t* payload = storage + kHeadroom;
  size_t size = static_cast<size_t>(n);
  UdpEndpoint source{IpAddress::V4(ntohl(from.sin_addr.s_addr)),
                     ntohs(from.sin_port)};
  if (size == 1 && payload[0] == 0xff) return;  // NAT keepalive
  if (size >= 4 && payload[0] == 0 && payload[1] == 0 && payload[2] == 0 &&
      payload[3] == 0) {
    engine_->HandleDatagram(source,
                            UdpEndpoint{local_address_, kNatTraversalPort},
                            absl::MakeConstSpan(payload, size), now);
    return;
  }
  if (size + kHeadroom > 65535) return;
  // The outer headers the datagram had on the wire, rebuilt so
  // ipsec::Decapsulate sees what it would see from a raw socket.
  uint8_t* ip = storage;
  std::memset(ip, 0, kHeadroom);
  uint16_t total = static_cast<uint16_t>(size + kHeadroom);
  ip[0] = 0x45;
  ip[2] = static_cast<uint8_t>(total >> 8);
  ip[3] = static_cast<uint8_t>(total);
  ip[8] = 64;
  ip[9] = cygnet::ipsec::kProtocolUdp;
  uint32_t src = ntohl(from.sin_addr.s_addr);
  uint32_t dst = local_address_.v4_host_order();
  for (int i = 0; i < 4; ++i) {
    ip[12 + i] = static_cast<uint8_t>(src >> (24 - 8 * i));
    ip[16 + i] = static_cast<uint8_t>(dst >> (24 - 8 * i));
  }
  uint16_t checksum = Ipv4HeaderChecksum(ip);
  ip[10] = static_cast<uint8_t>(checksum >> 8);
  ip[11] = static_cast<uint8_t>(checksum);
  uint8_t* udp = ip + 20;
  udp[0] = static_cast<uint8_t>(source.port >> 8);
  udp[1] = static_cast<uint8_t>(source.port);
  udp[2] = static_cast<uint8_t>(kNatTraversalPort >> 8);
  udp[3] = static_cast<uint8_t>(kNatTraversalPort & 0xff);
  uint16_t udp_length = static_cast<uint16_t>(size + 8);
  udp[4] = static_cast<uint8_t>(udp_length >> 8);
  udp[5] = static_cast<uint8_t>(udp_length);
  // Checksum 0: RFC 3948 section 2.1 lets IPv4 senders omit it.
  cygnet::ipsec::PacketBuffer packet{absl::MakeSpan(storage), 0, total};
  HandleEsp(packet, now);
}

void Peer::ReceiveRawEsp(absl::Time now) {
  uint8_t storage[65536];
  ssize_t n = recv(esp_fd_, storage, sizeof(storage), 0);
  if (n <= 0) return;
  // A raw IPv4 socket delivers the IP header too.
  cygnet::ipsec::PacketBuffer packet{absl::MakeSpan(storage), 0,
                                     static_cast<size_t>(n)};
  HandleEsp(packet, now);
}

void Peer::ReceiveTun(absl::Time now) {
  constexpr size_t kHeadroom = cygnet::ipsec::kMaxEncapsulationHeadroom;
  uint8_t storage[kHeadroom + 65536 + cygnet::ipsec::kMaxEncapsulationTailroom];
  ssize_t n = read(tun_fd_, storage + kHeadroom, 65536);
  if (n <= 0) return;
  cygnet::ipsec::PolicyId lineage = 0;
  for (const Tunnel& tunnel : tunnels_) {
    if (tunnel.lineage != 0) {
      lineage = tunnel.lineage;
      break;
    }
  }
  std::shared_ptr<cygnet::ipsec::SecurityAssociation> sa =
      lineage != 0 ? sad_.LookupOutbound(lineage) : nullptr;
  if (sa == nullptr) return;  // no tunnel yet: dropped like an unrouted packet
  cygnet::ipsec::PacketBuffer packet{absl::MakeSpan(storage), kHeadroom,
                                     static_cast<size_t>(n)};
  absl::Status sealed = cygnet::ipsec::Encapsulate(*sa, packet, random_);
  if (!sealed.ok()) {
    Log(absl::StrCat("ESP seal: ", sealed.message()));
    return;
  }
  const uint8_t* ip = packet.data();
  size_t header = static_cast<size_t>(ip[0] & 0x0f) * 4;
  if ((ip[0] >> 4) != 4 || packet.length < header) return;
  if (ip[9] == cygnet::ipsec::kProtocolUdp) {
    // ESP in UDP: the kernel adds IP and UDP headers again.
    const uint8_t* udp = ip + header;
    uint16_t port = static_cast<uint16_t>((udp[2] << 8) | udp[3]);
    sockaddr_in to = SocketAddress(sa->remote_address(), port);
    if (sendto(nat_fd_, udp + 8, packet.length - header - 8, 0,
               reinterpret_cast<sockaddr*>(&to), sizeof(to)) < 0) {
      Log(absl::StrCat("ESP send: ", std::strerror(errno)));
      return;
    }
  } else if (esp_fd_ >= 0) {
    sockaddr_in to = SocketAddress(sa->remote_address(), 0);
    if (sendto(esp_fd_, ip + header, packet.length - header, 0,
               reinterpret_cast<sockaddr*>(&to), sizeof(to)) < 0) {
      Log(absl::StrCat("ESP send: ", std::strerror(errno)));
      return;
    }
  } else {
    return;
  }
  ++esp_sent_;
  engine_->NoteEspTraffic(sa->spi(), /*sent=*/true, now);
}

uint64_t Peer::CurrentIkeSa(absl::Time now) const {
  uint64_t id = 0;
  for (const cygnet::ike::IkeSaStatus& sa : engine_->Status(now)) {
    if (sa.established) id = std::max(id, sa.id);
  }
  return id;
}

void Peer::RunCommand(const std::string& command, absl::Time now) {
  Log(absl::StrCat("command: ", command));
  absl::Status status = absl::OkStatus();
  if (command == "show") {
    PrintShow();
  } else if (command == "initiate") {
    status = engine_->Initiate(tunnels_.front().policy_name, now).status();
  } else if (command == "rekey-child" || command == "rekey-ike" ||
             command == "delete") {
    uint64_t id = CurrentIkeSa(now);
    if (id == 0) {
      status = absl::FailedPreconditionError("no established IKE SA");
    } else if (command == "rekey-child") {
      status = engine_->RekeyChildSa(id, now);
    } else if (command == "rekey-ike") {
      status = engine_->RekeyIkeSa(id, now);
    } else {
      status = engine_->DeleteIkeSa(id, now);
    }
  } else if (!command.empty()) {
    status = absl::InvalidArgumentError("unknown command");
  }
  if (!status.ok()) {
    Log(absl::StrCat("command ", command, " failed: ", status.message()));
  }
}

bool Peer::ReadCommands(absl::Time now) {
  char buffer[1024];
  ssize_t n = read(STDIN_FILENO, buffer, sizeof(buffer));
  if (n == 0) return false;
  if (n < 0) return errno == EAGAIN || errno == EINTR;
  stdin_buffer_.append(buffer, static_cast<size_t>(n));
  size_t newline;
  while ((newline = stdin_buffer_.find('\n')) != std::string::npos) {
    std::string line(
        absl::StripAsciiWhitespace(stdin_buffer_.substr(0, newline)));
    stdin_buffer_.erase(0, newline + 1);
    RunCommand(line, now);
  }
  return true;
}

void Peer::PrintShow() {
  absl::Time now = absl::Now();
  std::string out = "ikev2_peer# show ikev2 session detail\n";
  out += cygnet::ike::ShowIkev2Session(engine_->Status(now), true);
  std::vector<cygnet::ipsec::IpsecInterfaceView> views;
  uint32_t handle = 0x800090;
  for (const Tunnel& tunnel : tunnels_) {
    cygnet::ipsec::IpsecInterfaceView view;
    view.interface_name = tunnel.interface_name;
    view.interface_handle = handle;
    handle += 0x10;
    view.sa_id = static_cast<uint32_t>(tunnel.lineage);
    if (tunnel.lineage != 0) view.sas = sad_.ListPolicy(tunnel.lineage);
    view.ipsec_profile = tunnel.policy_name;
    views.push_back(std::move(view));
  }
  cygnet::ipsec::ShowOptions options;
  options.now = now;
  absl::StrAppend(&out, "ikev2_peer# show ipsec sa\n",
                  cygnet::ipsec::RenderShowIpsecSa(views, options), "\n");
  for (const Tunnel& tunnel : tunnels_) {
    absl::StatusOr<std::string> detail =
        cygnet::ipsec::RenderShowIpsecSaInterface(views, tunnel.interface_name,
                                                  options);
    absl::StrAppend(
        &out, "ikev2_peer# show ipsec sa interface ", tunnel.interface_name,
        "\n", detail.ok() ? *detail : std::string(detail.status().message()),
        "\n");
  }
  absl::StrAppend(&out,
                  absl::StrFormat("ikev2_peer: ESP packets sent %u, received "
                                  "%u, dropped %u\n",
                                  esp_sent_, esp_received_, esp_dropped_));
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
}

int Peer::Run() {
  if (!Setup()) return 2;
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigaction(SIGUSR1, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  signal(SIGPIPE, SIG_IGN);
  bool stdin_commands = absl::GetFlag(FLAGS_stdin_commands);
  if (stdin_commands) fcntl(STDIN_FILENO, F_SETFL, O_NONBLOCK);

  absl::Time start = absl::Now();
  int timeout_seconds = absl::GetFlag(FLAGS_timeout);
  absl::Time deadline = timeout_seconds > 0
                            ? start + absl::Seconds(timeout_seconds)
                            : absl::InfiniteFuture();
  int show_interval = absl::GetFlag(FLAGS_show_interval);
  absl::Time next_show = show_interval > 0
                             ? start + absl::Seconds(show_interval)
                             : absl::InfiniteFuture();
  if (absl::GetFlag(FLAGS_initiate)) {
    absl::StatusOr<uint64_t> id =
        engine_->Initiate(tunnels_.front().policy_name, start);
    if (!id.ok()) {
      Log(absl::StrCat("initiate: ", id.status().message()));
      return 2;
    }
  }
  Log(absl::StrCat(absl::GetFlag(FLAGS_initiate) ? "initiating" : "listening",
                   " on ", local_address_.ToString(), " UDP ", ike_port_,
                   ike_port_ == kNatTraversalPort ? "" : " and 4500"));
  int exit_code = 0;
  bool stdin_open = stdin_commands;
  while (true) {
    Flush();
    if (g_stop_requested) {
      Log("stopping on signal");
      break;
    }
    if (g_show_requested) {
      g_show_requested = 0;
      PrintShow();
    }
    absl::Time now = absl::Now();
    if (child_installed_ && absl::GetFlag(FLAGS_exit_after_established)) {
      Log("child SA installed; exiting");
      break;
    }
    if (!child_installed_ && now >= deadline) {
      std::string reason = last_failure_;
      if (reason.empty()) {
        // Nothing failed outright: say where negotiation stands.
        std::vector<cygnet::ike::IkeSaStatus> sas = engine_->Status(now);
        reason =
            sas.empty()
                ? std::string("no IKE SA (nothing received from a peer)")
                : absl::StrCat("IKE SA ", sas.back().id, " ", sas.back().state,
                               " (", sas.back().description, "), ",
                               engine_->counters().retransmissions,
                               " retransmissions, ",
                               engine_->counters().datagrams_received,
                               " datagrams received");
      }
      Log(absl::StrCat("not established within ", timeout_seconds,
                       " s: ", reason));
      exit_code = 1;
      break;
    }
    if (now >= next_show) {
      PrintShow();
      next_show = now + absl::Seconds(show_interval);
    }
    absl::Time wake =
        std::min({engine_->NextTimeout(), next_show,
                  child_installed_ ? absl::InfiniteFuture() : deadline});
    // Clamp first: wake may be InfiniteFuture (INT64_MAX milliseconds).
    int timeout_ms = static_cast<int>(
        std::clamp<int64_t>(absl::ToInt64Milliseconds(wake - now), -1, 199) +
        1);
    pollfd fds[5];
    int count = 0;
    fds[count++] = {ike_fd_, POLLIN, 0};
    int nat_index = -1, esp_index = -1, tun_index = -1, stdin_index = -1;
    if (nat_fd_ != ike_fd_) {
      nat_index = count;
      fds[count++] = {nat_fd_, POLLIN, 0};
    }
    if (esp_fd_ >= 0) {
      esp_index = count;
      fds[count++] = {esp_fd_, POLLIN, 0};
    }
    if (tun_fd_ >= 0) {
      tun_index = count;
      fds[count++] = {tun_fd_, POLLIN, 0};
    }
    if (stdin_open) {
      stdin_index = count;
      fds[count++] = {STDIN_FILENO, POLLIN, 0};
    }
    int ready = poll(fds, static_cast<nfds_t>(count), timeout_ms);
    now = absl::Now();
    if (ready > 0) {
      if (fds[0].revents & POLLIN) {
        if (ike_port_ == kNatTraversalPort) {
          ReceiveNatTraversal(now);
        } else {
          ReceiveIke(ike_fd_, ike_port_, now);
        }
      }
      if (nat_index >= 0 && (fds[nat_index].revents & POLLIN))
        ReceiveNatTraversal(now);
      if (esp_index >= 0 && (fds[esp_index].revents & POLLIN))
        ReceiveRawEsp(now);
      if (tun_index >= 0 && (fds[tun_index].revents & POLLIN)) ReceiveTun(now);
      if (stdin_index >= 0 && (fds[stdin_index].revents & (POLLIN | POLLHUP))) {
        if (!ReadCommands(now)) stdin_open = false;  // end of input
      }
    }
    bool keys_arrived = false;
    for (auto& [name, entry] : key_sources_) {
      if (entry.transport->Deliver(now)) keys_arrived = true;
    }
    Flush();
    // HandleTimeout also collects PPK source results (IkeEngine polls its
    // sources at the end of every input).
    if (keys_arrived || engine_->NextTimeout() <= now) {
      engine_->HandleTimeout(now);
    }
  }
  Flush();
  PrintShow();
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "ikev2_peer --config=FILE [--local=IP[:PORT]] [--remote=IP[:PORT]] "
      "[--initiate] [--tun=NAME] [--exit-after-established] "
      "[--timeout=SECONDS] [--show-interval=SECONDS]\n"
      "A cygnet IKEv2/IPsec endpoint on real sockets (UDP 500 and 4500, "
      "optional TUN). SIGUSR1 prints `show ikev2 session detail` and `show "
      "ipsec sa`.");
  // The documented spelling uses dashes (--exit-after-established); Abseil
  // flag names use underscores. Accept both.
  std::vector<std::string> arguments;
  for (int i = 0; i < argc; ++i) {
    std::string argument = argv[i];
    if (i > 0 && argument.rfind("--", 0) == 0) {
      size_t end = argument.find('=');
      if (end == std::string::npos) end = argument.size();
      std::replace(argument.begin() + 2, argument.begin() + end, '-', '_');
    }
    arguments.push_back(std::move(argument));
  }
  std::vector<char*> pointers;
  for (std::string& argument : arguments) pointers.push_back(argument.data());
  pointers.push_back(nullptr);
  absl::ParseCommandLine(static_cast<int>(arguments.size()), pointers.data());
  Peer peer;
  return peer.Run();
}
