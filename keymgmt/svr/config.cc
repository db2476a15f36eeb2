#include "keymgmt/svr/config.h"

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace cygnet::keymgmt::svr {
namespace {

enum class Block { kRoot, kConfig, kAuthority, kSkm, kRouter, kNode, kPeer };

const char* BlockName(Block b) {
  switch (b) {
    case Block::kRoot:
      return "top level";
    case Block::kConfig:
      return "config";
    case Block::kAuthority:
      return "authority";
    case Block::kSkm:
      return "security-key-management";
    case Block::kRouter:
      return "router";
    case Block::kNode:
      return "node";
    case Block::kPeer:
      return "peer";
  }
  return "?";
}

bool Accepts(Block b, absl::string_view kw) {
  static const std::map<Block, std::set<std::string>>* const kKeywords =
      new std::map<Block, std::set<std::string>>{
          {Block::kRoot, {"config", "authority"}},
          {Block::kConfig, {"authority"}},
          {Block::kAuthority,
           {"enhanced-security-key-management", "security-key-management",
            "router"}},
          {Block::kSkm,
           {"key-exchange-algorithm", "payload-key-rekey-interval",
            "peer-key-rekey-interval", "peer-key-retransmit-interval",
            "peer-key-timeout", "invalid-certificate-behavior",
            "trusted-ca-certificate"}},
          {Block::kRouter,
           {"name", "peering-common-name", "location", "description",
            "inter-node-security", "neighborhood", "node", "peer"}},
          {Block::kNode, {"name"}},
          {Block::kPeer, {"name", "router-name", "peering-common-name"}},
      };
  return kKeywords->at(b).count(std::string(kw)) > 0;
}

absl::Status LineError(int line, absl::string_view field,
                       absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("line ", line, ": ", field, ": ", what));
}

// Splits a line into words; "double quoted" words may hold spaces.
absl::StatusOr<std::vector<std::string>> Tokenize(absl::string_view line,
                                                  int number) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < line.size()) {
    if (absl::ascii_isspace(static_cast<unsigned char>(line[i]))) {
      ++i;
      continue;
    }
    if (line[i] == '"') {
      size_t end = line.find('"', i + 1);
      if (end == absl::string_view::npos) {
        return LineError(number, "quote", "unterminated string");
      }
      out.emplace_back(line.substr(i + 1, end - i - 1));
      i = end + 1;
      continue;
    }
    size_t end = i;
    while (end < line.size() &&
           !absl::ascii_isspace(static_cast<unsigned char>(line[end]))) {
      ++end;
    }
    out.emplace_back(line.substr(i, end - i));
    i = end;
  }
  return out;
}

absl::StatusOr<std::optional<int>> ParseInterval(int line,
                                                 absl::string_view field,
                                                 absl::string_view value) {
  if (value == "never") return std::optional<int>();
  int hours = 0;
  if (!absl::SimpleAtoi(value, &hours) || hours < 1 || hours > 720) {
    return LineError(
        line, field,
        absl::StrCat("value '", value, "' is not 1..720 hours or never"));
  }
  return std::optional<int>(hours);
}

absl::StatusOr<int> ParseRange(int line, absl::string_view field,
                               absl::string_view value, int min, int max) {
  int v = 0;
  if (!absl::SimpleAtoi(value, &v) || v < min || v > max) {
    return LineError(line, field,
                     absl::StrCat("value '", value, "' outside ", min, "..",
                                  max, " seconds"));
  }
  return v;
}

bool ValidCommonName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::Duration SecurityKeyManagementConfig::peer_key_rekey_interval() const {
  return peer_key_rekey_interval_hours
             ? absl::Hours(*peer_key_rekey_interval_hours)
             : absl::InfiniteDuration();
}

absl::Duration SecurityKeyManagementConfig::payload_key_rekey_interval() const {
  return payload_key_rekey_interval_hours
             ? absl::Hours(*payload_key_rekey_interval_hours)
             : absl::InfiniteDuration();
}

std::string InvalidCertificateBehaviorName(InvalidCertificateBehavior b) {
  return b == InvalidCertificateBehavior::kFailHard ? "fail-hard" : "fail-soft";
}

const RouterConfig* AuthorityConfig::FindRouter(absl::string_view name) const {
  for (const RouterConfig& r : routers) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

std::vector<PeerConfig> AuthorityConfig::EffectivePeers(
    const RouterConfig& router) const {
  if (!router.peers.empty()) return router.peers;
  std::vector<PeerConfig> out;
  for (const RouterConfig& other : routers) {
    if (other.name == router.name) continue;
    bool shared = false;
    for (const std::string& n : router.neighborhoods) {
      for (const std::string& m : other.neighborhoods) shared |= n == m;
    }
    if (!shared) continue;
    PeerConfig p;
    p.name = other.name;
    p.router_name = other.name;
    p.peering_common_name = other.peering_common_name;
    p.line = other.line;
    out.push_back(p);
  }
  return out;
}

absl::StatusOr<AuthorityConfig> ParseAuthorityConfig(absl::string_view text) {
  AuthorityConfig config;
  std::vector<Block> stack = {Block::kRoot};
  std::set<std::string> seen_skm_fields;
  bool skm_seen = false;
  int line_number = 0;
  int timeout_line = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_number;
    auto tokens = Tokenize(raw, line_number);
    if (!tokens.ok()) return tokens.status();
    if (tokens->empty() || (*tokens)[0][0] == '#') continue;
    const std::string& kw = (*tokens)[0];
    if (kw == "exit") {
      if (stack.size() == 1) {
        return LineError(line_number, "exit", "no block to close");
      }
      stack.pop_back();
      continue;
    }
    while (!Accepts(stack.back(), kw)) {
      if (stack.size() == 1) {
        return LineError(line_number, kw, "unknown attribute");
      }
      stack.pop_back();
    }
    const Block block = stack.back();
    const bool opens_block =
        kw == "config" || kw == "authority" ||
        kw == "security-key-management" || kw == "router" ||
        (block == Block::kRouter && (kw == "node" || kw == "peer"));
    const size_t want =
        (kw == "config" || kw == "authority" || kw == "security-key-management")
            ? 1
            : 2;
    if (tokens->size() != want) {
      return LineError(
          line_number, kw,
          tokens->size() < want
              ? std::string("missing value")
              : absl::StrCat("unexpected '", (*tokens)[want], "'"));
    }
    const std::string value = want == 2 ? (*tokens)[1] : "";
    auto duplicate = [&](const std::string& field) -> absl::Status {
      if (!seen_skm_fields.insert(field).second) {
        return LineError(line_number, field, "set twice");
      }
      return absl::OkStatus();
    };
    SecurityKeyManagementConfig& skm = config.security_key_management;
    if (opens_block) {
      if (kw == "config") {
        stack.push_back(Block::kConfig);
      } else if (kw == "authority") {
        stack.push_back(Block::kAuthority);
      } else if (kw == "security-key-management") {
        if (skm_seen) {
          return LineError(line_number, kw, "block given twice");
        }
        skm_seen = true;
        stack.push_back(Block::kSkm);
      } else if (kw == "router") {
        if (config.FindRouter(value) != nullptr) {
          return LineError(line_number, "router",
                           absl::StrCat("'", value, "' defined twice"));
        }
        RouterConfig r;
        r.name = value;
        r.line = line_number;
        config.routers.push_back(r);
        stack.push_back(Block::kRouter);
      } else if (kw == "node") {
        config.routers.back().nodes.push_back({value, line_number});
        stack.push_back(Block::kNode);
      } else {
        PeerConfig p;
        p.name = value;
        p.router_name = value;
        p.line = line_number;
        config.routers.back().peers.push_back(p);
        stack.push_back(Block::kPeer);
      }
      continue;
    }
    switch (block) {
      case Block::kAuthority:
        if (value != "true" && value != "false") {
          return LineError(
              line_number, kw,
              absl::StrCat("value '", value, "' is not true or false"));
        }
        config.enhanced_security_key_management = value == "true";
        break;
      case Block::kSkm: {
        if (kw != "trusted-ca-certificate") {
          if (auto s = duplicate(kw); !s.ok()) return s;
        }
        if (kw == "key-exchange-algorithm") {
          static const std::map<std::string, KeyExchangeAlgorithm>* const
              kAlgorithms = new std::map<std::string, KeyExchangeAlgorithm>{
                  {"ecdh-p256", KeyExchangeAlgorithm::kEcdhP256},
                  {"ecdh-p384", KeyExchangeAlgorithm::kEcdhP384},
                  {"ecdh-p521", KeyExchangeAlgorithm::kEcdhP521},
                  {"x25519", KeyExchangeAlgorithm::kX25519},
                  {"modp-2048", KeyExchangeAlgorithm::kModp2048},
              };
          auto it = kAlgorithms->find(value);
          if (it == kAlgorithms->end()) {
            return LineError(
                line_number, kw,
                absl::StrCat("value '", value,
                             "' is not ecdh-p256, ecdh-p384, ecdh-p521, "
                             "x25519 or modp-2048"));
          }
          skm.key_exchange_algorithm = it->second;
        } else if (kw == "payload-key-rekey-interval") {
          auto v = ParseInterval(line_number, kw, value);
          if (!v.ok()) return v.status();
          skm.payload_key_rekey_interval_hours = *v;
        } else if (kw == "peer-key-rekey-interval") {
          auto v = ParseInterval(line_number, kw, value);
          if (!v.ok()) return v.status();
          skm.peer_key_rekey_interval_hours = *v;
        } else if (kw == "peer-key-retransmit-interval") {
          auto v = ParseRange(line_number, kw, value, 5, 3600);
          if (!v.ok()) return v.status();
          skm.peer_key_retransmit_interval_seconds = *v;
        } else if (kw == "peer-key-timeout") {
          auto v = ParseRange(line_number, kw, value, 10, 86400);
          if (!v.ok()) return v.status();
          skm.peer_key_timeout_seconds = *v;
          timeout_line = line_number;
        } else if (kw == "invalid-certificate-behavior") {
          if (value == "fail-soft") {
            skm.invalid_certificate_behavior =
                InvalidCertificateBehavior::kFailSoft;
          } else if (value == "fail-hard") {
            skm.invalid_certificate_behavior =
                InvalidCertificateBehavior::kFailHard;
          } else {
            return LineError(line_number, kw,
                             absl::StrCat("value '", value,
                                          "' is not fail-soft or fail-hard"));
          }
        } else {
          skm.trusted_ca_certificates.push_back(value);
        }
        break;
      }
      case Block::kRouter: {
        RouterConfig& r = config.routers.back();
        if (kw == "name") {
          if (value != r.name) {
            return LineError(
                line_number, "name",
                absl::StrCat("value '", value, "' differs from router '",
                             r.name, "'"));
          }
        } else if (kw == "peering-common-name") {
          if (!ValidCommonName(value)) {
            return LineError(line_number, kw,
                             absl::StrCat("value '", value,
                                          "' is not 1..64 of [A-Za-z0-9._-]"));
          }
          r.peering_common_name = value;
        } else if (kw == "location") {
          r.location = value;
        } else if (kw == "description") {
          r.description = value;
        } else if (kw == "inter-node-security") {
          r.inter_node_security = value;
        } else {
          r.neighborhoods.push_back(value);
        }
        break;
      }
      case Block::kNode:
        if (value != config.routers.back().nodes.back().name) {
          return LineError(
              line_number, "name",
              absl::StrCat("value '", value, "' differs from node '",
                           config.routers.back().nodes.back().name, "'"));
        }
        break;
      case Block::kPeer: {
        PeerConfig& p = config.routers.back().peers.back();
        if (kw == "name") {
          if (value != p.name) {
            return LineError(
                line_number, "name",
                absl::StrCat("value '", value, "' differs from peer '", p.name,
                             "'"));
          }
        } else if (kw == "router-name") {
          p.router_name = value;
        } else {
          if (!ValidCommonName(value)) {
            return LineError(line_number, kw,
                             absl::StrCat("value '", value,
                                          "' is not 1..64 of [A-Za-z0-9._-]"));
          }
          p.peering_common_name = value;
        }
        break;
      }
      default:
        return LineError(line_number, kw,
                         absl::StrCat("not valid in ", BlockName(block)));
    }
  }
  // Cross-field validation.
  const SecurityKeyManagementConfig& skm = config.security_key_management;
  if (skm.peer_key_timeout_seconds < skm.peer_key_retransmit_interval_seconds) {
    return LineError(timeout_line, "peer-key-timeout",
                     absl::StrCat("value '", skm.peer_key_timeout_seconds,
                                  "' is below peer-key-retransmit-interval ",
                                  skm.peer_key_retransmit_interval_seconds));
  }
  std::map<std::string, std::string> common_names;
  for (const RouterConfig& r : config.routers) {
    if (r.peering_common_name.empty()) continue;
    auto [it, inserted] = common_names.emplace(r.peering_common_name, r.name);
    if (!inserted) {
      return LineError(
          r.line, "peering-common-name",
          absl::StrCat("value '", r.peering_common_name, "' of router '",
                       r.name, "' already used by router '", it->second, "'"));
    }
  }
  for (const RouterConfig& r : config.routers) {
    for (const PeerConfig& p : r.peers) {
      const RouterConfig* target = config.FindRouter(p.router_name);
      if (target == nullptr) {
        return LineError(
            p.line, "router-name",
            absl::StrCat("value '", p.router_name, "' names no router"));
      }
      if (target->name == r.name) {
        return LineError(
            p.line, "router-name",
            absl::StrCat("value '", p.router_name, "' is the router itself"));
      }
      if (p.peering_common_name.empty()) {
        return LineError(p.line, "peering-common-name",
                         absl::StrCat("missing for peer '", p.name, "'"));
      }
      if (p.peering_common_name != target->peering_common_name) {
        return LineError(
            p.line, "peering-common-name",
            absl::StrCat("value '", p.peering_common_name, "' of peer '",
                         p.name, "' differs from router '", target->name,
                         "' ('", target->peering_common_name, "')"));
      }
    }
    if (config.enhanced_security_key_management &&
        r.peering_common_name.empty() && !config.EffectivePeers(r).empty()) {
      return LineError(
          r.line, "peering-common-name",
          absl::StrCat("missing for router '", r.name, "', which has peers"));
    }
    if (config.enhanced_security_key_management) {
      for (const PeerConfig& p : config.EffectivePeers(r)) {
        if (p.peering_common_name.empty()) {
          return LineError(p.line, "peering-common-name",
                           absl::StrCat("missing for peer router '",
                                        p.router_name, "' of '", r.name, "'"));
        }
      }
    }
  }
  return config;
}

}  // namespace cygnet::keymgmt::svr
