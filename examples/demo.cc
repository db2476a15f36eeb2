// cygnet demo: two IKEv2/IPsec routers on loopback, configured from seed
// 001's Router 1 / Router 2 running configurations (examples/configs/),
// each on its own thread with real UDP sockets.
//
// Router 1 initiates; once the child SA is up both routers send ESP-protected
// traffic to each other continuously; Router 1 rekeys the child SA and
// Router 2 rekeys the IKE SA while the traffic flows; then traffic stops and
// the demo prints both routers' `show ikev2 session detail` and `show ipsec
// sa interface tunnel-ip1` and checks that every packet sent was received.
// Exit 0 only when both rekeys happened with zero loss.
//
// Wiring: IKE runs over UDP (127.0.0.1:15500 <-> 127.0.0.2:15500; ports
// above 1024 so no privileges are needed). The link between the routers is
// emulated by a second UDP socket pair (port 15501) that carries whole outer
// IP packets, exactly the bytes ipsec::Encapsulate produces and
// ipsec::Decapsulate consumes (a real router would put them on the wire with
// a raw socket, which needs root).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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

namespace {

using cygnet::ike::Event;
using cygnet::ike::EventType;
using cygnet::ike::IkeEngine;
using cygnet::ike::IkePolicy;
using cygnet::ike::UdpEndpoint;
using cygnet::ipsec::IpAddress;

constexpr uint16_t kIkePort = 15500;
constexpr uint16_t kLinkPort = 15501;
constexpr absl::Duration kSendInterval = absl::Microseconds(250);

sockaddr_in SocketAddress(const IpAddress& address, uint16_t port) {
  sockaddr_in out{};
  out.sin_family = AF_INET;
  out.sin_port = htons(port);
  out.sin_addr.s_addr = htonl(address.v4_host_order());
  return out;
}

int BoundSocket(const IpAddress& address, uint16_t port) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  int buffer = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
  sockaddr_in local = SocketAddress(address, port);
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// One router: its engine, SAD, sockets and traffic counters. Everything but
// the atomics is touched only by the router's own thread until it is joined.
class Router {
 public:
  Router(std::string name, IpAddress address, IpAddress peer)
      : name_(std::move(name)), address_(address), peer_(peer) {}

  bool Configure(const std::string& path) {
    std::string text = ReadFile(path);
    if (text.empty()) {
      std::fprintf(stderr, "%s: cannot read %s\n", name_.c_str(), path.c_str());
      return false;
    }
    auto parsed = cygnet::ike::config::ParseConfig(text);
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s: %s\n", name_.c_str(),
                   std::string(parsed.status().message()).c_str());
      return false;
    }
    absl::Status valid = cygnet::ike::config::CheckValid(parsed->config);
    if (!valid.ok()) {
      std::fprintf(stderr, "%s: %s\n", name_.c_str(),
                   std::string(valid.message()).c_str());
      return false;
    }
    auto config = std::make_shared<const cygnet::ike::config::Config>(
        std::move(parsed->config));
    cygnet::ike::BindingOverrides overrides;
    overrides.local_port = kIkePort;
    overrides.remote_port = kIkePort;
    auto policy = cygnet::ike::BindTunnel(config, "tunnel-ip1", overrides);
    if (!policy.ok()) {
      std::fprintf(stderr, "%s: %s\n", name_.c_str(),
                   std::string(policy.status().message()).c_str());
      return false;
    }
    policy_name_ = policy->name;
    engine_ = std::make_unique<IkeEngine>(random_, sad_);
    absl::Status added = engine_->AddPolicy(std::move(*policy));
    if (!added.ok()) return false;
    ike_fd_ = BoundSocket(address_, kIkePort);
    link_fd_ = BoundSocket(address_, kLinkPort);
    if (ike_fd_ < 0 || link_fd_ < 0) {
      std::fprintf(stderr, "%s: cannot bind %s ports %d/%d\n", name_.c_str(),
                   address_.ToString().c_str(), kIkePort, kLinkPort);
      return false;
    }
    return true;
  }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close(ike_fd_);
    close(link_fd_);
  }

  // Commands from the main thread.
  std::atomic<bool> initiate{false};
  std::atomic<bool> rekey_child{false};
  std::atomic<bool> rekey_ike{false};
  std::atomic<bool> traffic{false};
  // Progress for the main thread.
  std::atomic<bool> child_up{false};
  std::atomic<int> child_rekeys{0};
  std::atomic<int> ike_rekeys{0};
  std::atomic<uint64_t> sent{0};
  std::atomic<uint64_t> received{0};
  std::atomic<uint64_t> errors{0};

  const std::string& name() const { return name_; }

  // After Stop(): the status outputs.
  std::string Show() const {
    absl::Time now = absl::Now();
    std::string out =
        absl::StrCat("=== ", name_, "# show ikev2 session detail\n");
    out += cygnet::ike::ShowIkev2Session(engine_->Status(now), true);
    cygnet::ipsec::IpsecInterfaceView view;
    view.interface_name = "tunnel-ip1";
    view.interface_handle = 0x800090;
    view.sa_id = static_cast<uint32_t>(lineage_);
    view.sas = sad_.ListPolicy(lineage_);
    cygnet::ipsec::ShowOptions options;
    options.now = now;
    auto ipsec = cygnet::ipsec::RenderShowIpsecSaInterface({view}, "tunnel-ip1",
                                                           options);
    absl::StrAppend(
        &out, "=== ", name_, "# show ipsec sa interface tunnel-ip1\n",
        ipsec.ok() ? *ipsec : std::string(ipsec.status().message()), "\n");
    return out;
  }

 private:
  void Log(const Event& event) {
    std::fprintf(stderr, "%s %s [IKE SA %llu] %s\n", name_.c_str(),
                 cygnet::ike::EventTypeName(event.type),
                 static_cast<unsigned long long>(event.ike_sa_id),
                 event.reason.c_str());
    switch (event.type) {
      case EventType::kChildSaInstalled:
        lineage_ = event.sad_policy;
        child_up = true;
        break;
      case EventType::kChildSaRekeyed:
        ++child_rekeys;
        break;
      case EventType::kIkeSaRekeyed:
        ++ike_rekeys;
        break;
      default:
        break;
    }
  }

  void Flush() {
    for (cygnet::ike::SendDatagram& d : engine_->TakeDatagrams()) {
      sockaddr_in to = SocketAddress(d.to.address, d.to.port);
      sendto(ike_fd_, d.bytes.data(), d.bytes.size(), 0,
             reinterpret_cast<sockaddr*>(&to), sizeof(to));
    }
    for (const Event& event : engine_->TakeEvents()) Log(event);
  }

  void SendOnePacket(absl::Time now) {
    std::shared_ptr<cygnet::ipsec::SecurityAssociation> sa =
        sad_.LookupOutbound(lineage_);
    if (sa == nullptr) return;
    // An inner IPv4/UDP packet between the tunnel addresses, carrying a
    // sequence number.
    uint8_t storage[256] = {};
    cygnet::ipsec::PacketBuffer packet{absl::MakeSpan(storage), 128, 28 + 8};
    uint8_t* p = packet.data();
    p[0] = 0x45;
    p[3] = 36;
    p[8] = 64;
    p[9] = 17;
    IpAddress inner_source = IpAddress::V4(0xc0000201);  // 192.0.2.1/.2
    IpAddress inner_destination = IpAddress::V4(0xc0000202);
    if (address_ != IpAddress::V4(0x7f000001))
      std::swap(inner_source, inner_destination);
    std::copy_n(inner_source.bytes().data(), 4, p + 12);
    std::copy_n(inner_destination.bytes().data(), 4, p + 16);
    p[21] = 9;  // UDP discard port
    p[23] = 9;
    p[25] = 16;
    uint64_t sequence = sent.load() + 1;
    for (int i = 0; i < 8; ++i)
      p[28 + i] = static_cast<uint8_t>(sequence >> (56 - 8 * i));
    absl::Status sealed = cygnet::ipsec::Encapsulate(*sa, packet, random_);
    if (!sealed.ok()) {
      ++errors;
      std::fprintf(stderr, "%s: seal: %s\n", name_.c_str(),
                   std::string(sealed.message()).c_str());
      return;
    }
    sockaddr_in to = SocketAddress(peer_, kLinkPort);
    sendto(link_fd_, packet.data(), packet.length, 0,
           reinterpret_cast<sockaddr*>(&to), sizeof(to));
    ++sent;
    engine_->NoteEspTraffic(sa->spi(), /*sent=*/true, now);
  }

  void ReceiveLink(absl::Time now) {
    uint8_t storage[2048];
    ssize_t n =
        recv(link_fd_, storage + 64, sizeof(storage) - 64, MSG_DONTWAIT);
    if (n <= 0) return;
    cygnet::ipsec::PacketBuffer packet{absl::MakeSpan(storage), 64,
                                       static_cast<size_t>(n)};
    cygnet::ipsec::DecapsulationCounters counters;
    cygnet::ipsec::Decapsulated out;
    // `held` keeps the SA alive while the packet is processed even if the
    // engine removes it from the SAD meanwhile.
    std::shared_ptr<cygnet::ipsec::SecurityAssociation> held;
    absl::Status opened =
        cygnet::ipsec::DecapsulateFromSad(sad_, packet, counters, &out, &held);
    if (!opened.ok()) {
      ++errors;
      std::fprintf(stderr, "%s: ESP dropped: %s\n", name_.c_str(),
                   std::string(opened.message()).c_str());
      return;
    }
    if (out.kind != cygnet::ipsec::DecapsulatedKind::kPacket) return;
    ++received;
    engine_->NoteEspTraffic(out.sa->spi(), /*sent=*/false, now);
  }

  void ReceiveIke(absl::Time now) {
    uint8_t buffer[65536];
    sockaddr_in from{};
    socklen_t from_size = sizeof(from);
    ssize_t n = recvfrom(ike_fd_, buffer, sizeof(buffer), MSG_DONTWAIT,
                         reinterpret_cast<sockaddr*>(&from), &from_size);
    if (n <= 0) return;
    UdpEndpoint source{IpAddress::V4(ntohl(from.sin_addr.s_addr)),
                       ntohs(from.sin_port)};
    engine_->HandleDatagram(source, UdpEndpoint{address_, kIkePort},
                            absl::MakeConstSpan(buffer, static_cast<size_t>(n)),
                            now);
  }

  void Run() {
    absl::Time next_send = absl::Now();
    while (!stop_) {
      absl::Time now = absl::Now();
      if (initiate.exchange(false)) {
        engine_->Initiate(policy_name_, now).IgnoreError();
      }
      bool child = rekey_child.exchange(false);
      bool ike = rekey_ike.exchange(false);
      if (child || ike) {
        // The current IKE SA: a rekey replaces it with a new ID.
        std::vector<cygnet::ike::IkeSaStatus> status = engine_->Status(now);
        if (!status.empty()) {
          absl::Status started =
              child ? engine_->RekeyChildSa(status.front().id, now)
                    : engine_->RekeyIkeSa(status.front().id, now);
          if (!started.ok()) {
            std::fprintf(stderr, "%s: rekey: %s\n", name_.c_str(),
                         std::string(started.message()).c_str());
          }
        }
      }
      Flush();
      absl::Time wake =
          std::min(engine_->NextTimeout(),
                   traffic ? next_send : now + absl::Milliseconds(20));
      int timeout_ms = static_cast<int>(std::max<int64_t>(
          0, std::min<int64_t>(20, absl::ToInt64Milliseconds(wake - now))));
      pollfd fds[2] = {{ike_fd_, POLLIN, 0}, {link_fd_, POLLIN, 0}};
      poll(fds, 2, timeout_ms);
      now = absl::Now();
      if (fds[0].revents & POLLIN) ReceiveIke(now);
      while (true) {
        pollfd link = {link_fd_, POLLIN, 0};
        if (poll(&link, 1, 0) <= 0) break;
        ReceiveLink(now);
      }
      if (engine_->NextTimeout() <= now) engine_->HandleTimeout(now);
      Flush();
      // Catch up on the schedule (poll wakes in whole milliseconds).
      for (int burst = 0; traffic && now >= next_send && burst < 16; ++burst) {
        SendOnePacket(now);
        next_send += kSendInterval;
      }
      if (next_send < now) next_send = now;
    }
  }

 private:
  std::string name_;
  IpAddress address_;
  IpAddress peer_;
  std::string policy_name_;
  cygnet::crypto::SystemRandom random_;
  cygnet::ipsec::SaDatabase sad_;
  std::unique_ptr<IkeEngine> engine_;
  cygnet::ipsec::PolicyId lineage_ = 0;
  int ike_fd_ = -1;
  int link_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace

int main(int argc, char** argv) {
  // Under `bazel run` the configs are runfiles next to the binary's
  // workspace root; a path may also be given.
  std::string directory = argc > 1 ? argv[1] : "examples/configs";
  IpAddress one = IpAddress::V4(0x7f000001);
  IpAddress two = IpAddress::V4(0x7f000002);
  Router router1("Router1", one, two);
  Router router2("Router2", two, one);
  if (!router1.Configure(directory + "/seed001_router1_loopback.cfg") ||
      !router2.Configure(directory + "/seed001_router2_loopback.cfg")) {
    return 1;
  }
  absl::Time start = absl::Now();
  router1.Start();
  router2.Start();
  auto wait_for = [](const std::function<bool()>& done, absl::Duration limit) {
    absl::Time deadline = absl::Now() + limit;
    while (!done() && absl::Now() < deadline)
      absl::SleepFor(absl::Milliseconds(5));
    return done();
  };
  bool ok = true;
  std::string failure;
  router1.initiate = true;
  if (!wait_for([&] { return router1.child_up && router2.child_up; },
                absl::Seconds(10))) {
    ok = false;
    failure = "child SA not established within 10 s";
  }
  if (ok) {
    std::fprintf(stderr, "demo: child SA up after %s; starting traffic\n",
                 absl::FormatDuration(absl::Now() - start).c_str());
    router1.traffic = true;
    router2.traffic = true;
    absl::SleepFor(absl::Milliseconds(800));
    router1.rekey_child = true;
    if (!wait_for(
            [&] {
              return router1.child_rekeys >= 1 && router2.child_rekeys >= 1;
            },
            absl::Seconds(10))) {
      ok = false;
      failure = "child SA rekey did not complete";
    }
    absl::SleepFor(absl::Milliseconds(800));
    router2.rekey_ike = true;
    if (ok &&
        !wait_for(
            [&] { return router1.ike_rekeys >= 1 && router2.ike_rekeys >= 1; },
            absl::Seconds(10))) {
      ok = false;
      failure = "IKE SA rekey did not complete";
    }
    absl::SleepFor(absl::Milliseconds(800));
    router1.traffic = false;
    router2.traffic = false;
    // Let the last packets arrive.
    absl::SleepFor(absl::Milliseconds(300));
  }
  router1.Stop();
  router2.Stop();
  std::printf("%s%s", router1.Show().c_str(), router2.Show().c_str());
  uint64_t lost_1_to_2 =
      router1.sent - std::min(router1.sent.load(), router2.received.load());
  uint64_t lost_2_to_1 =
      router2.sent - std::min(router2.sent.load(), router1.received.load());
  std::printf(
      "demo summary: Router1 -> Router2 %llu sent, %llu received; Router2 -> "
      "Router1 %llu sent, %llu received; child SA rekeys %d, IKE SA rekeys "
      "%d; ESP errors %llu; %s elapsed\n",
      static_cast<unsigned long long>(router1.sent.load()),
      static_cast<unsigned long long>(router2.received.load()),
      static_cast<unsigned long long>(router2.sent.load()),
      static_cast<unsigned long long>(router1.received.load()),
      router1.child_rekeys.load(), router1.ike_rekeys.load(),
      static_cast<unsigned long long>(router1.errors + router2.errors),
      absl::FormatDuration(absl::Now() - start).c_str());
  if (ok &&
      (lost_1_to_2 != 0 || lost_2_to_1 != 0 ||
       router1.received + router2.received != router1.sent + router2.sent ||
       router1.errors + router2.errors != 0)) {
    ok = false;
    failure = "packets were lost or rejected";
  }
  if (ok && router1.sent == 0) {
    ok = false;
    failure = "no traffic was sent";
  }
  if (!ok) {
    std::printf("demo FAILED: %s\n", failure.c_str());
    return 1;
  }
  std::printf(
      "demo OK: both rekeys completed while traffic flowed, zero loss\n");
  return 0;
}
