#include "keymgmt/svr/show.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "crypto/hash.h"
#include "crypto/hex.h"

namespace cygnet::keymgmt::svr {
namespace {

std::string DateLine(absl::Time now) {
  return absl::FormatTime("%a %Y-%m-%d %H:%M:%S UTC", now, absl::UTCTimeZone());
}

std::string Bool(bool b) { return b ? "True" : "False"; }

uint32_t Salt32(const std::vector<uint8_t>& salt) {
  if (salt.size() < 4) return 0;
  return (uint32_t{salt[0]} << 24) | (uint32_t{salt[1]} << 16) |
         (uint32_t{salt[2]} << 8) | uint32_t{salt[3]};
}

std::string PeerId(absl::string_view common_name) {
  auto d = crypto::Digest(
      crypto::HashAlgorithm::kSha256,
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(common_name.data()),
                          common_name.size()));
  return crypto::HexEncode(absl::MakeConstSpan(d).subspan(0, 6));
}

std::string Since(absl::Time then, absl::Time now) {
  if (then == absl::InfinitePast()) return "never";
  return FormatHms(now - then);
}

std::string Until(absl::Time then, absl::Time now) {
  if (then == absl::InfiniteFuture()) return "never";
  return FormatHms(std::max(then - now, absl::ZeroDuration()));
}

std::string CertificateWord(const PeerStatus& p) {
  if (!p.have_certificate) return "None";
  switch (p.certificate.grade) {
    case CertificateGrade::kValid:
      return "Valid";
    case CertificateGrade::kExpiringWithinMonth:
    case CertificateGrade::kExpiringWithinWeek:
      return "Expiring";
    case CertificateGrade::kExpired:
      return "Expired";
    case CertificateGrade::kRevoked:
      return "Revoked";
    default:
      return "Invalid";
  }
}

}  // namespace

std::string FormatHms(absl::Duration d) {
  if (d == absl::InfiniteDuration()) return "never";
  int64_t s = absl::ToInt64Seconds(d);
  if (s < 0) s = 0;
  return absl::StrCat(s / 3600, " hrs ", (s / 60) % 60, " min ", s % 60,
                      " sec");
}

std::string ShowSecurityKeyStatus(const SvrRouter& router, absl::Time now) {
  std::string out;
  const std::string rule(48, '=');
  for (const NodeKeyStatus& n : router.KeyStatus(now)) {
    out += rule + "\n" + n.node + "\n" + rule + "\n";
    out += absl::StrCat("Key Manager State: ",
                        !n.enabled ? "inactive"
                        : n.leader ? "Active Leader"
                                   : "Redundant Peer",
                        "\n");
    out += absl::StrCat("Rekey Index: ", n.rekey_index, "\n");
    out += absl::StrCat("Last Rekey: ", Since(n.last_rekey, now), "\n");
    out += absl::StrCat("Next Rekey: ", Until(n.next_rekey, now), "\n");
    out += absl::StrCat("Key Change Count: ", n.key_change_count, "\n");
    out += absl::StrCat("Config Key Change Count: ", n.config_key_change_count,
                        "\n");
    out += absl::StrCat(
        "Key Change Error: ",
        n.key_change_error.empty() ? "none" : n.key_change_error, "\n");
    out += absl::StrCat(
        "Config Key Change Error: ",
        n.config_key_change_error.empty() ? "none" : n.config_key_change_error,
        "\n");
    out += absl::StrCat("Metadata Rekey Index: ", n.metadata_rekey_index, "\n");
    out += absl::StrCat(
        "Metadata Last Rekey: ", Since(n.metadata_last_rekey, now), "\n");
    out += absl::StrCat(
        "Metadata Next Rekey: ", Until(n.metadata_next_rekey, now), "\n");
  }
  return out;
}

std::string ShowPeersSecurity(const SvrRouter& router, absl::Time now) {
  std::string out = DateLine(now) + "\n\u2714 Retrieving peer paths...\n";
  const std::string rule(14, '=');
  for (const PeerStatus& p : router.Peers(now)) {
    for (const PathStatus& path : p.paths) {
      out += "\n" + rule + "\nPeer: " + p.name + "\n" + rule + "\n";
      out += absl::StrCat("Peer: ", p.name, "\n");
      out += absl::StrCat("Node: ", path.id.node, "\n");
      out += absl::StrCat("Network Interface: ", path.id.interface, "\n");
      out += absl::StrCat("Destination: ", path.id.destination, "\n");
      out += absl::StrCat("Status: ", path.in_service ? "up" : "down", "\n");
      out += "Hostname: unavailable\n";
      out += "Path Mtu: unavailable\n";
      out += absl::StrCat("Security Status: ", SecurityStateName(path.state),
                          "\n");
      out += absl::StrCat("Salt: ", Salt32(p.local_salt), "\n");
      out += absl::StrCat("Peer Salt: ", Salt32(p.remote_salt), "\n");
      out += absl::StrCat("Key Index: ", p.local_metadata_index, "\n");
      out += absl::StrCat("Peer Ki: ", p.remote_metadata_index, "\n");
      out += absl::StrCat("Cert Rec: ", Bool(path.cert_rec), "\n");
      out += absl::StrCat("Cert Ack: ", Bool(path.cert_ack), "\n");
      out += absl::StrCat("Salt Rec: ", Bool(path.salt_rec), "\n");
      out += absl::StrCat("Salt Ack: ", Bool(path.salt_ack), "\n");
      out += absl::StrCat("Key Rec: ", Bool(path.key_rec), "\n");
      out += absl::StrCat("Key Ack: ", Bool(path.key_ack), "\n");
      out += "\n";
    }
  }
  return out;
}

std::string ShowSecurityAssociations(const SvrRouter& router,
                                     absl::string_view peer, bool detail,
                                     absl::Time now) {
  std::string out = DateLine(now) + " Retrieving security associations...\n";
  std::vector<PeerStatus> peers = router.Peers(now);
  if (!detail) {
    const std::string rule =
        "============== =========== ======= =================== "
        "================ ========\n";
    out += rule;
    out += absl::StrFormat("%-14s %-11s %-7s %-19s %-16s %s\n", "Peer",
                           "Peer Name", "Node", "Network Interface",
                           "Destination", "Status");
    out += rule;
    for (const PeerStatus& p : peers) {
      if (!peer.empty() && p.name != peer) continue;
      for (const PathStatus& path : p.paths) {
        out += absl::StrFormat(
            "%-14s %-11s %-7s %-19s %-16s %s\n", PeerId(p.peering_common_name),
            p.name, path.id.node, path.id.interface, path.id.destination,
            path.in_service ? "up" : "down");
      }
    }
    return out;
  }
  bool first = true;
  for (const PeerStatus& p : peers) {
    if (!peer.empty() && p.name != peer) continue;
    if (!first) out += "\n";
    first = false;
    bool up = false;
    for (const PathStatus& path : p.paths) up |= path.in_service;
    out += absl::StrCat("Peer Name: ", p.name, "\n");
    out += absl::StrCat("State: ",
                        p.removed ? "REMOVED"
                        : up      ? "UP"
                                  : "DOWN",
                        "\n");
    out += absl::StrCat("Peer Certificate: ", CertificateWord(p), "\n");
    out += absl::StrCat(
        "Public Key: ", p.public_key_valid ? "Valid" : "Invalid", "\n");
    out +=
        absl::StrCat("Local salt: ", crypto::HexEncode(p.local_salt),
                     ", Remote salt: ", crypto::HexEncode(p.remote_salt), "\n");
    out += absl::StrCat("Peer Key Rekey In: ", Until(p.next_peer_rekey, now),
                        "\n");
    out += absl::StrCat("Peer Rekey Count: ", p.peer_rekey_count, "\n");
    absl::Time md_next = absl::InfiniteFuture();
    for (const NodeKeyStatus& n : router.KeyStatus(now)) {
      if (n.leader) md_next = n.metadata_next_rekey;
    }
    out += absl::StrCat("Metadata Key Rekey In: ", Until(md_next, now), "\n");
    out +=
        absl::StrCat("Local Metadata Key Index: ", p.local_metadata_index, " (",
                     p.local_metadata_keys,
                     "), Remote Metadata Key Index: ", p.remote_metadata_index,
                     " (", p.remote_metadata_keys, ")\n");
  }
  if (first && !peer.empty()) {
    out += absl::StrCat("Peer '", peer, "' not found\n");
  }
  return out;
}

}  // namespace cygnet::keymgmt::svr
