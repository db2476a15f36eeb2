#include "ike/config/parser.h"

#include <algorithm>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "keymgmt/secrets/type6.h"
#include "keymgmt/secrets/type7.h"

namespace cygnet::ike::config {
namespace {

using Tokens = absl::Span<const absl::string_view>;

// Returns a failed Status from a function returning StatusOr<...>.
#define RETURN_IF_ERROR_OUTCOME(expr)  \
  do {                                 \
    absl::Status status_ = (expr);     \
    if (!status_.ok()) return status_; \
  } while (false)

// ---- Lines -----------------------------------------------------------------

struct LogicalLine {
  int line = 0;
  std::string text;
  bool prompted = false;
  bool exec_prompt = false;
};

bool IsHostChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
         c == '.' || c == '/' || c == ':' || c == '-';
}

// Removes a leading CLI prompt. Returns true when one was found; sets *exec
// for "Host#" prompts (exec mode) as opposed to "Host(config...)#".
bool StripPrompt(absl::string_view line, absl::string_view* rest, bool* exec) {
  size_t i = 0;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  size_t host_begin = i;
  while (i < line.size() && IsHostChar(line[i])) ++i;
  size_t host_end = i;
  size_t j = i;
  if (j < line.size() && line[j] == ' ') ++j;
  if (line.substr(j).substr(0, 7) == "(config") {
    size_t close = line.find(')', j);
    if (close == absl::string_view::npos) return false;
    size_t after = close + 1;
    bool hash = after < line.size() && line[after] == '#';
    // "Router(config-x)keyring k1" (seed 001) has no '#'; with a space
    // between host and "(config" the '#' is required, so that a command
    // whose second word starts with "(config" is not taken for a prompt.
    if (!hash && j != host_end) return false;
    if (hash) ++after;
    *rest = line.substr(after);
    *exec = false;
    return true;
  }
  if (host_end > host_begin && i < line.size() && line[i] == '#') {
    *rest = line.substr(i + 1);
    *exec = true;
    return true;
  }
  return false;
}

std::vector<LogicalLine> SplitLines(absl::string_view text) {
  std::vector<LogicalLine> lines;
  int number = 0;
  bool previous_prompted_nonblank = false;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++number;
    absl::string_view line = absl::StripTrailingAsciiWhitespace(raw);
    absl::string_view rest;
    bool exec = false;
    bool prompted = StripPrompt(line, &rest, &exec);
    if (!prompted) rest = line;
    rest = absl::StripAsciiWhitespace(rest);
    if (!prompted && previous_prompted_nonblank && !rest.empty() &&
        rest[0] != '!' && !lines.empty()) {
      absl::StrAppend(&lines.back().text, " ", rest);
      continue;
    }
    previous_prompted_nonblank = prompted && !rest.empty();
    lines.push_back({number, std::string(rest), prompted, exec});
  }
  for (LogicalLine& line : lines) {
    size_t annotation = line.text.find(">>>");
    if (annotation != std::string::npos) {
      line.text = std::string(
          absl::StripTrailingAsciiWhitespace(line.text.substr(0, annotation)));
    }
    if (!line.text.empty() && line.text[0] == '!') line.text.clear();
  }
  return lines;
}

// ---- Errors ----------------------------------------------------------------

absl::Status Invalid(absl::string_view message) {
  return absl::InvalidArgumentError(message);
}

absl::Status Unknown(absl::string_view token, absl::string_view where) {
  return Invalid(absl::StrCat("unknown keyword '", token, "' in ", where));
}

absl::Status Missing(absl::string_view what, absl::string_view after) {
  return Invalid(absl::StrCat("missing ", what, " after '", after, "'"));
}

absl::Status Extra(Tokens t, size_t i) {
  return Invalid(absl::StrCat("unexpected '", t[i], "' after '",
                              absl::StrJoin(t.subspan(0, i), " "), "'"));
}

absl::Status ExpectEnd(Tokens t, size_t i) {
  if (i < t.size()) return Extra(t, i);
  return absl::OkStatus();
}

// Object names and references: letters, digits and _ . : / @ + -, as every
// name in the seeds is. Keeps rendered configurations unambiguous (no name
// can look like a prompt, a comment or an annotation).
absl::Status CheckName(absl::string_view name) {
  for (char c : name) {
    bool ok = absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' ||
              c == '.' || c == ':' || c == '/' || c == '@' || c == '+' ||
              c == '-';
    if (!ok) {
      return Invalid(absl::StrCat("name '", name,
                                  "' has characters outside "
                                  "[A-Za-z0-9_.:/@+-]"));
    }
  }
  if (name.size() > 128) {
    return Invalid(absl::StrCat("name '", name.substr(0, 16),
                                "...' is longer than 128 characters"));
  }
  return absl::OkStatus();
}

std::string RestOfLine(Tokens t, size_t i) {
  return i < t.size() ? absl::StrJoin(t.subspan(i), " ") : "";
}

absl::StatusOr<int> ParseInt(absl::string_view token, absl::string_view what,
                             int min, int max) {
  int value = 0;
  if (!absl::SimpleAtoi(token, &value) || value < min || value > max) {
    return Invalid(absl::StrCat(what, " '", token, "' is not a number in ", min,
                                "..", max));
  }
  return value;
}

// "A M" or "A" (host) at t[i].
absl::StatusOr<Ipv4Prefix> ParsePrefix(Tokens t, size_t& i,
                                       absl::string_view after) {
  if (i >= t.size()) return Missing("IPv4 address", after);
  absl::StatusOr<ipsec::IpAddress> address = ParseIpv4(t[i]);
  if (!address.ok()) return address.status();
  ++i;
  Ipv4Prefix prefix{*address, 32};
  if (i < t.size() &&
      absl::ascii_isdigit(static_cast<unsigned char>(t[i][0])) &&
      absl::StrContains(t[i], '.')) {
    absl::StatusOr<int> length = ParseNetmask(t[i]);
    if (!length.ok()) return length.status();
    prefix.prefix_length = *length;
    ++i;
  }
  return prefix;
}

template <typename T>
void AppendUnique(std::vector<T>& list, const T& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) {
    list.push_back(value);
  }
}

// ---- ESP transform keywords ------------------------------------------------

struct EspKeyword {
  absl::string_view keyword;
  std::optional<EspEncryption> encryption;
  std::optional<EspIntegrity> integrity;
};
// IOS XR spellings (seed 001/003) and IOS XE spellings (seed 002).
const EspKeyword kEspKeywords[] = {
    {"esp-128-aes", EspEncryption::kAesCbc128, std::nullopt},
    {"esp-192-aes", EspEncryption::kAesCbc192, std::nullopt},
    {"esp-256-aes", EspEncryption::kAesCbc256, std::nullopt},
    {"esp-gcm-128", EspEncryption::kAesGcm128, std::nullopt},
    {"esp-gcm-192", EspEncryption::kAesGcm192, std::nullopt},
    {"esp-gcm-256", EspEncryption::kAesGcm256, std::nullopt},
    {"esp-des", EspEncryption::kDes, std::nullopt},
    {"esp-3des", EspEncryption::k3Des, std::nullopt},
    {"esp-null", EspEncryption::kNull, std::nullopt},
    {"esp-hmac-sha1", std::nullopt, EspIntegrity::kSha1},
    {"esp-hmac-sha-1", std::nullopt, EspIntegrity::kSha1},
    {"esp-hmac-sha-256", std::nullopt, EspIntegrity::kSha256},
    {"esp-hmac-sha-384", std::nullopt, EspIntegrity::kSha384},
    {"esp-hmac-sha-512", std::nullopt, EspIntegrity::kSha512},
    {"esp-md5-hmac", std::nullopt, EspIntegrity::kMd5},
    {"esp-sha-hmac", std::nullopt, EspIntegrity::kSha1},
    {"esp-sha256-hmac", std::nullopt, EspIntegrity::kSha256},
    {"esp-sha384-hmac", std::nullopt, EspIntegrity::kSha384},
    {"esp-sha512-hmac", std::nullopt, EspIntegrity::kSha512},
};

// Parses transform keywords from t[i] to the end into `set`.
absl::Status ParseTransforms(Tokens t, size_t i, TransformSet& set) {
  if (i >= t.size()) return Missing("transform", t[i - 1]);
  while (i < t.size()) {
    absl::string_view keyword = t[i++];
    std::string written(keyword);
    std::optional<EspEncryption> encryption;
    std::optional<EspIntegrity> integrity;
    if (keyword == "esp-aes" || keyword == "esp-gcm") {
      // IOS XE: "esp-aes [128|192|256]", "esp-gcm [128|192|256]".
      int bits = 128;
      if (i < t.size() && (t[i] == "128" || t[i] == "192" || t[i] == "256")) {
        bits = t[i] == "128" ? 128 : t[i] == "192" ? 192 : 256;
        absl::StrAppend(&written, " ", t[i]);
        ++i;
      }
      bool gcm = keyword == "esp-gcm";
      encryption =
          bits == 128
              ? (gcm ? EspEncryption::kAesGcm128 : EspEncryption::kAesCbc128)
          : bits == 192
              ? (gcm ? EspEncryption::kAesGcm192 : EspEncryption::kAesCbc192)
              : (gcm ? EspEncryption::kAesGcm256 : EspEncryption::kAesCbc256);
    } else {
      const EspKeyword* found = nullptr;
      for (const EspKeyword& entry : kEspKeywords) {
        if (entry.keyword == keyword) found = &entry;
      }
      if (found == nullptr) {
        return Unknown(keyword, "ipsec transform-set");
      }
      encryption = found->encryption;
      integrity = found->integrity;
    }
    if (encryption) {
      if (set.encryption && *set.encryption != *encryption) {
        return Invalid(absl::StrCat("transform '", written,
                                    "': transform-set '", set.name,
                                    "' already has an encryption transform"));
      }
      set.encryption = encryption;
    }
    if (integrity) {
      if (set.integrity && *set.integrity != *integrity) {
        return Invalid(absl::StrCat("transform '", written,
                                    "': transform-set '", set.name,
                                    "' already has an integrity transform"));
      }
      set.integrity = integrity;
    }
    AppendUnique(set.keywords, written);
  }
  return absl::OkStatus();
}

// ---- The parser ------------------------------------------------------------

enum class Kind {
  kTop,
  kProposal,
  kPolicy,
  kIsakmpPolicy,
  kKeyring,
  kIsakmpKeyring,
  kPeer,
  kSks,
  kIkev2Profile,
  kIsakmpProfile,
  kTransformSet,
  kIpsecProfile,
  kInterface,
  kTrustpoint,
  kCertificateMap,
};

absl::string_view Describe(Kind kind) {
  switch (kind) {
    case Kind::kTop:
      return "global configuration";
    case Kind::kProposal:
      return "ikev2 proposal";
    case Kind::kPolicy:
      return "ikev2 policy";
    case Kind::kIsakmpPolicy:
      return "isakmp policy";
    case Kind::kKeyring:
      return "keyring";
    case Kind::kIsakmpKeyring:
      return "crypto keyring";
    case Kind::kPeer:
      return "keyring peer";
    case Kind::kSks:
      return "sks profile";
    case Kind::kIkev2Profile:
      return "ikev2 profile";
    case Kind::kIsakmpProfile:
      return "isakmp profile";
    case Kind::kTransformSet:
      return "ipsec transform-set";
    case Kind::kIpsecProfile:
      return "ipsec profile";
    case Kind::kInterface:
      return "interface";
    case Kind::kTrustpoint:
      return "pki trustpoint";
    case Kind::kCertificateMap:
      return "certificate map";
  }
  return "?";
}

struct Frame {
  Kind kind = Kind::kTop;
  size_t index = 0;  // into the Config vector for the kind
  size_t peer = 0;   // kPeer: index into the keyring's peers
};

// What a context handler did with a line.
struct Outcome {
  bool handled = false;
  std::optional<Frame> push;  // a block the line opened
  size_t rest = 0;            // when > 0: t[rest..] is a command inside `push`
};

Outcome NotMine() { return Outcome{}; }
Outcome Done() { return Outcome{true, std::nullopt, 0}; }
Outcome Open(Frame frame, Tokens t, size_t rest) {
  return Outcome{true, frame, rest < t.size() ? rest : 0};
}

template <typename T>
size_t FindOrAdd(std::vector<T>& items, absl::string_view name, int line) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (items[i].name == name) return i;
  }
  T item;
  item.name = std::string(name);
  item.line = line;
  items.push_back(std::move(item));
  return items.size() - 1;
}

class Parser {
 public:
  Parser(const ParseOptions& options) : options_(options) {}

  absl::StatusOr<ParseResult> Run(absl::string_view text) {
    for (const LogicalLine& line : SplitLines(text)) {
      line_ = line.line;
      absl::Status status = Line(line);
      if (status.ok()) continue;
      std::string message =
          absl::StrCat("line ", line.line, ": ", status.message());
      if (options_.lenient &&
          status.code() == absl::StatusCode::kInvalidArgument) {
        result_.warnings.push_back({line.line, message});
        continue;
      }
      return absl::Status(status.code(), message);
    }
    // An unnamed profile (seed 001's "ipsec profile set ...") whose every
    // line failed in lenient mode configures nothing: drop it.
    std::vector<IpsecProfile>& profiles = config().ipsec_profiles;
    profiles.erase(std::remove_if(profiles.begin(), profiles.end(),
                                  [](const IpsecProfile& p) {
                                    return p.name.empty() &&
                                           p.ikev2_profile.empty() &&
                                           p.isakmp_profile.empty() &&
                                           p.transform_sets.empty() &&
                                           !p.pfs_group &&
                                           !p.lifetime_seconds &&
                                           !p.responder_only && !p.replay;
                                  }),
                   profiles.end());
    return std::move(result_);
  }

  // For ParseIkev2ProposalBody: start inside a proposal block.
  void EnterProposal(absl::string_view name) {
    size_t index = FindOrAdd(config().proposals, name, 0);
    stack_.push_back({Kind::kProposal, index, 0});
  }
  Config& config() { return result_.config; }

 private:
  absl::Status Line(const LogicalLine& line) {
    std::vector<absl::string_view> tokens =
        absl::StrSplit(line.text, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (tokens.empty()) return absl::OkStatus();
    Tokens t(tokens);
    if (line.exec_prompt) {
      if (t[0] == "config" || t[0] == "configure" || t[0] == "conf") {
        stack_.resize(1);
        return absl::OkStatus();
      }
      return Invalid(
          absl::StrCat("exec command '", t[0], "' is not configuration"));
    }
    if (t[0] == "exit") {
      if (stack_.size() > 1) stack_.pop_back();
      return ExpectEnd(t, 1);
    }
    if (t[0] == "end") {
      stack_.resize(1);
      return ExpectEnd(t, 1);
    }
    if (t[0] == "commit") return absl::OkStatus();
    if (t[0] == "config" || t[0] == "configure") {
      stack_.resize(1);
      return absl::OkStatus();
    }
    if (t[0] == "no") {
      return Invalid("negated commands ('no ...') are not supported");
    }
    for (size_t level = stack_.size(); level-- > 0;) {
      absl::StatusOr<Outcome> outcome = Handle(stack_[level], t);
      if (!outcome.ok()) return outcome.status();
      if (!outcome->handled) continue;
      stack_.resize(level + 1);
      return Apply(*outcome, t);
    }
    return Unknown(t[0], Describe(stack_.back().kind));
  }

  // Pushes an opened block and runs the rest of a one-line command in it.
  absl::Status Apply(const Outcome& outcome, Tokens t) {
    if (!outcome.push) return absl::OkStatus();
    stack_.push_back(*outcome.push);
    if (outcome.rest == 0) return absl::OkStatus();
    Tokens rest = t.subspan(outcome.rest);
    absl::StatusOr<Outcome> inner = Handle(stack_.back(), rest);
    if (!inner.ok()) return inner.status();
    if (!inner->handled) return Unknown(rest[0], Describe(stack_.back().kind));
    return Apply(*inner, rest);
  }

  absl::StatusOr<Outcome> Handle(const Frame& frame, Tokens t) {
    switch (frame.kind) {
      case Kind::kTop:
        return Top(t);
      case Kind::kProposal:
        return Proposal(config().proposals[frame.index], t);
      case Kind::kPolicy:
        return Policy(config().policies[frame.index], t);
      case Kind::kIsakmpPolicy:
        return IsakmpPolicyLine(config().isakmp_policies[frame.index], t);
      case Kind::kKeyring:
        return KeyringLine(frame.index, t);
      case Kind::kIsakmpKeyring:
        return IsakmpKeyringLine(config().keyrings[frame.index], t);
      case Kind::kPeer:
        return PeerLine(config().keyrings[frame.index].peers[frame.peer], t);
      case Kind::kSks:
        return Sks(config().sks_profiles[frame.index], t);
      case Kind::kIkev2Profile:
        return Ikev2ProfileLine(config().ikev2_profiles[frame.index], t);
      case Kind::kIsakmpProfile:
        return IsakmpProfileLine(config().isakmp_profiles[frame.index], t);
      case Kind::kTransformSet:
        return TransformSetLine(config().transform_sets[frame.index], t);
      case Kind::kIpsecProfile:
        return IpsecProfileLine(config().ipsec_profiles[frame.index], t);
      case Kind::kInterface:
        return InterfaceLine(config().interfaces[frame.index], t);
      case Kind::kTrustpoint:
        return TrustpointLine(config().trustpoints[frame.index], t);
      case Kind::kCertificateMap:
        return CertificateMapLine(config().certificate_maps[frame.index], t);
    }
    return NotMine();
  }

  // ---- Global ----

  absl::StatusOr<Outcome> Top(Tokens t) {
    absl::string_view k = t[0];
    if (k == "crypto") return Crypto(t);
    if (k == "ikev2") return Ikev2(t, 1);
    if (k == "keyring") {
      if (t.size() < 2) return Missing("keyring name", "keyring");
      RETURN_IF_ERROR_OUTCOME(CheckName(t[1]));
      size_t index = FindOrAdd(config().keyrings, t[1], line_);
      if (config().keyrings[index].kind != Keyring::Kind::kIkev2) {
        return Invalid(
            absl::StrCat("keyring '", t[1], "' is already a crypto keyring"));
      }
      return Open({Kind::kKeyring, index, 0}, t, 2);
    }
    if (k == "ipsec") return Ipsec(t, 1);
    if (k == "interface") {
      if (t.size() < 2) return Missing("interface name", "interface");
      RETURN_IF_ERROR_OUTCOME(CheckName(t[1]));
      size_t index = config().interfaces.size();
      for (size_t i = 0; i < config().interfaces.size(); ++i) {
        if (absl::EqualsIgnoreCase(config().interfaces[i].name, t[1])) {
          index = i;
        }
      }
      if (index == config().interfaces.size()) {
        Interface interface;
        interface.name = std::string(t[1]);
        interface.line = line_;
        config().interfaces.push_back(std::move(interface));
      }
      return Open({Kind::kInterface, index, 0}, t, 2);
    }
    if (k == "sks") {
      if (t.size() < 2 || t[1] != "profile") {
        return t.size() < 2 ? Missing("'profile'", "sks")
                            : Unknown(t[1], "sks");
      }
      if (t.size() < 3) return Missing("sks profile name", "sks profile");
      RETURN_IF_ERROR_OUTCOME(CheckName(t[2]));
      size_t index = FindOrAdd(config().sks_profiles, t[2], line_);
      SksProfile& profile = config().sks_profiles[index];
      size_t i = 3;
      if (i < t.size() && t[i] == "type") {
        if (i + 1 >= t.size()) return Missing("sks profile type", "type");
        if (t[i + 1] != "remote") {
          return Invalid(absl::StrCat("sks profile type '", t[i + 1],
                                      "' is not supported (expected remote)"));
        }
        profile.type = "remote";
        i += 2;
      }
      return Open({Kind::kSks, index, 0}, t, i);
    }
    if (k == "ip" && t.size() >= 2 && t[1] == "route") {
      size_t i = 2;
      absl::StatusOr<Ipv4Prefix> prefix = ParsePrefix(t, i, "ip route");
      if (!prefix.ok()) return prefix.status();
      if (i >= t.size()) return Missing("next hop", "ip route");
      RETURN_IF_ERROR_OUTCOME(CheckName(t[i]));
      RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, i + 1));
      config().routes.push_back({*prefix, std::string(t[i]), line_});
      return Done();
    }
    if (k == "key") {
      if (t.size() < 3 || t[1] != "config-key" ||
          t[2] != "password-encryption") {
        return Invalid("expected 'key config-key password-encryption [KEY]'");
      }
      config().global.config_key_present = true;
      if (t.size() >= 4) {
        // The rest of the line is the key; IOS allows no spaces in it.
        RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, 4));
        master_key_from_text_ =
            crypto::SecretBytes::Copy(absl::Span<const uint8_t>(
                reinterpret_cast<const uint8_t*>(t[3].data()), t[3].size()));
        RETURN_IF_ERROR_OUTCOME(
            keymgmt::CheckMasterKey(*master_key_from_text_));
      }
      return Done();
    }
    if (k == "password") {
      if (t.size() != 3 || t[1] != "encryption" || t[2] != "aes") {
        return Invalid("expected 'password encryption aes'");
      }
      config().global.password_encryption_aes = true;
      return Done();
    }
    return NotMine();
  }

  absl::StatusOr<Outcome> Crypto(Tokens t) {
    if (t.size() < 2) return Missing("keyword", "crypto");
    absl::string_view k = t[1];
    if (k == "ikev2") return Ikev2(t, 2);
    if (k == "ipsec") return Ipsec(t, 2);
    if (k == "keyring") {
      if (t.size() < 3) return Missing("keyring name", "crypto keyring");
      RETURN_IF_ERROR_OUTCOME(CheckName(t[2]));
      size_t count = config().keyrings.size();
      size_t index = FindOrAdd(config().keyrings, t[2], line_);
      if (index < count &&
          config().keyrings[index].kind != Keyring::Kind::kIsakmp) {
        return Invalid(
            absl::StrCat("keyring '", t[2], "' is already an ikev2 keyring"));
      }
      config().keyrings[index].kind = Keyring::Kind::kIsakmp;
      return Open({Kind::kIsakmpKeyring, index, 0}, t, 3);
    }
    if (k == "isakmp") {
      if (t.size() < 3) return Missing("keyword", "crypto isakmp");
      if (t[2] == "policy") {
        if (t.size() < 4) return Missing("priority", "crypto isakmp policy");
        absl::StatusOr<int> priority =
            ParseInt(t[3], "isakmp policy priority", 1, 10000);
        if (!priority.ok()) return priority.status();
        std::vector<IsakmpPolicy>& policies = config().isakmp_policies;
        size_t index = policies.size();
        for (size_t i = 0; i < policies.size(); ++i) {
          if (policies[i].priority == *priority) index = i;
        }
        if (index == policies.size()) {
          IsakmpPolicy policy;
          policy.priority = *priority;
          policy.line = line_;
          policies.push_back(policy);
        }
        return Open({Kind::kIsakmpPolicy, index, 0}, t, 4);
      }
      if (t[2] == "profile") {
        if (t.size() < 4)
          return Missing("profile name", "crypto isakmp profile");
        RETURN_IF_ERROR_OUTCOME(CheckName(t[3]));
        size_t index = FindOrAdd(config().isakmp_profiles, t[3], line_);
        return Open({Kind::kIsakmpProfile, index, 0}, t, 4);
      }
      if (t[2] == "keepalive") {
        absl::StatusOr<DpdConfig> dpd = Dpd(t, 3, /*mode_required=*/false);
        if (!dpd.ok()) return dpd.status();
        config().global.isakmp_keepalive = *dpd;
        return Done();
      }
      return Unknown(t[2], "crypto isakmp");
    }
    if (k == "pki") {
      if (t.size() < 3) return Missing("keyword", "crypto pki");
      if (t[2] == "trustpoint") {
        if (t.size() < 4)
          return Missing("trustpoint name", "crypto pki trustpoint");
        RETURN_IF_ERROR_OUTCOME(CheckName(t[3]));
        size_t index = FindOrAdd(config().trustpoints, t[3], line_);
        return Open({Kind::kTrustpoint, index, 0}, t, 4);
      }
      if (t[2] == "certificate" && t.size() >= 4 && t[3] == "map") {
        if (t.size() < 5)
          return Missing("map name", "crypto pki certificate map");
        int sequence = 0;
        if (t.size() >= 6) {
          absl::StatusOr<int> parsed =
              ParseInt(t[5], "certificate map sequence", 1, 65535);
          if (!parsed.ok()) return parsed.status();
          sequence = *parsed;
        }
        RETURN_IF_ERROR_OUTCOME(CheckName(t[4]));
        size_t index = FindOrAdd(config().certificate_maps, t[4], line_);
        config().certificate_maps[index].sequence = sequence;
        return Open({Kind::kCertificateMap, index, 0}, t, 6);
      }
      return Unknown(t[2], "crypto pki");
    }
    return Unknown(k, "crypto");
  }

  // `[crypto] ikev2 ...` with t[i] the word after "ikev2".
  absl::StatusOr<Outcome> Ikev2(Tokens t, size_t i) {
    if (i >= t.size()) return Missing("keyword", t[i - 1]);
    absl::string_view k = t[i];
    if (k == "dpd") {
      absl::StatusOr<DpdConfig> dpd = Dpd(t, i + 1, /*mode_required=*/false);
      if (!dpd.ok()) return dpd.status();
      config().global.ikev2_dpd = *dpd;
      return Done();
    }
    if (i + 1 >= t.size()) return Missing(absl::StrCat(k, " name"), k);
    absl::string_view name = t[i + 1];
    RETURN_IF_ERROR_OUTCOME(CheckName(name));
    if (k == "proposal") {
      size_t index = FindOrAdd(config().proposals, name, line_);
      return Open({Kind::kProposal, index, 0}, t, i + 2);
    }
    if (k == "policy") {
      size_t index = FindOrAdd(config().policies, name, line_);
      return Open({Kind::kPolicy, index, 0}, t, i + 2);
    }
    if (k == "profile") {
      size_t index = FindOrAdd(config().ikev2_profiles, name, line_);
      return Open({Kind::kIkev2Profile, index, 0}, t, i + 2);
    }
    if (k == "keyring") {
      size_t index = FindOrAdd(config().keyrings, name, line_);
      if (config().keyrings[index].kind != Keyring::Kind::kIkev2) {
        return Invalid(
            absl::StrCat("keyring '", name, "' is already a crypto keyring"));
      }
      return Open({Kind::kKeyring, index, 0}, t, i + 2);
    }
    return Unknown(k, "ikev2");
  }

  // `[crypto] ipsec ...` with t[i] the word after "ipsec".
  absl::StatusOr<Outcome> Ipsec(Tokens t, size_t i) {
    if (i >= t.size()) return Missing("keyword", t[i - 1]);
    absl::string_view k = t[i];
    if (k == "security-association") {
      if (i + 1 >= t.size()) return Missing("keyword", k);
      if (t[i + 1] == "lifetime") {
        absl::StatusOr<int> seconds = LifetimeSeconds(t, i + 2);
        if (!seconds.ok()) return seconds.status();
        config().global.ipsec_lifetime_seconds = *seconds;
        return Done();
      }
      absl::StatusOr<ReplaySetting> parsed = Replay(t, i + 1);
      if (!parsed.ok()) return parsed.status();
      config().global.replay = *parsed;
      return Done();
    }
    if (i + 1 >= t.size()) return Missing(absl::StrCat(k, " name"), k);
    absl::string_view name = t[i + 1];
    RETURN_IF_ERROR_OUTCOME(CheckName(name));
    if (k == "transform-set") {
      size_t index = FindOrAdd(config().transform_sets, name, line_);
      return Open({Kind::kTransformSet, index, 0}, t, i + 2);
    }
    if (k == "profile") {
      if (name == "set" && i + 2 < t.size()) {
        // Seeds 001/003 write "ipsec profile set pfs group19" with the
        // profile name left out; keep those settings in a profile named ""
        // and say so.
        result_.warnings.push_back(
            {line_, absl::StrCat("line ", line_,
                                 ": ipsec profile name missing before 'set'; "
                                 "settings kept in an unnamed ipsec profile")});
        size_t index = FindOrAdd(config().ipsec_profiles, "", line_);
        return Open({Kind::kIpsecProfile, index, 0}, t, i + 1);
      }
      size_t index = FindOrAdd(config().ipsec_profiles, name, line_);
      return Open({Kind::kIpsecProfile, index, 0}, t, i + 2);
    }
    return Unknown(k, "ipsec");
  }

  // "I [R] [on-demand|periodic]" from t[i].
  absl::StatusOr<DpdConfig> Dpd(Tokens t, size_t i, bool mode_required) {
    DpdConfig dpd;
    if (i >= t.size()) return Missing("interval", t[i - 1]);
    absl::StatusOr<int> interval = ParseInt(t[i], "dpd interval", 10, 3600);
    if (!interval.ok()) return interval.status();
    dpd.interval_seconds = *interval;
    ++i;
    if (i < t.size() &&
        absl::ascii_isdigit(static_cast<unsigned char>(t[i][0]))) {
      absl::StatusOr<int> retry = ParseInt(t[i], "dpd retry", 2, 60);
      if (!retry.ok()) return retry.status();
      dpd.retry_seconds = *retry;
      ++i;
    }
    if (i < t.size()) {
      if (t[i] == "periodic") {
        dpd.mode = DpdConfig::Mode::kPeriodic;
      } else if (t[i] == "on-demand") {
        dpd.mode = DpdConfig::Mode::kOnDemand;
      } else {
        return Invalid(
            absl::StrCat("dpd mode '", t[i], "' is not on-demand or periodic"));
      }
      ++i;
    } else if (mode_required) {
      return Missing("on-demand or periodic", t[i - 1]);
    }
    RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, i));
    return dpd;
  }

  // "seconds N" from t[i].
  absl::StatusOr<int> LifetimeSeconds(Tokens t, size_t i) {
    if (i >= t.size()) return Missing("'seconds'", t[i - 1]);
    if (t[i] != "seconds") {
      return Invalid(absl::StrCat(
          "lifetime '", t[i],
          "' is not supported (only 'seconds': volume-based rekeying is not "
          "supported)"));
    }
    if (i + 1 >= t.size()) return Missing("seconds value", "seconds");
    absl::StatusOr<int> seconds = ParseInt(
        t[i + 1], "lifetime", kMinLifetimeSeconds, kMaxLifetimeSeconds);
    if (!seconds.ok()) return seconds.status();
    RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, i + 2));
    return *seconds;
  }

  // "replay window-size N" / "replay disable" from t[i].
  absl::StatusOr<ReplaySetting> Replay(Tokens t, size_t i) {
    if (i >= t.size() || t[i] != "replay") {
      return i >= t.size() ? Missing("'replay' or 'lifetime'", t[i - 1])
                           : Unknown(t[i], "security-association");
    }
    if (i + 1 >= t.size()) return Missing("window-size or disable", "replay");
    ReplaySetting replay;
    if (t[i + 1] == "disable") {
      RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, i + 2));
      replay.enabled = false;
      return replay;
    }
    if (t[i + 1] != "window-size") return Unknown(t[i + 1], "replay");
    if (i + 2 >= t.size()) return Missing("window size", "window-size");
    absl::StatusOr<int> window =
        ParseInt(t[i + 2], "replay window-size", 64, kMaxReplayWindow);
    if (!window.ok()) return window.status();
    if ((*window & (*window - 1)) != 0) {
      return Invalid(absl::StrCat("replay window-size '", t[i + 2],
                                  "' is not 64, 128, 256, 512 or 1024"));
    }
    RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, i + 3));
    replay.window = *window;
    return replay;
  }

  // ---- IKEv2 proposal / policy ----

  absl::StatusOr<Outcome> Proposal(Ikev2Proposal& proposal, Tokens t) {
    absl::string_view k = t[0];
    if (k == "encryption" || k == "integrity" || k == "prf" ||
        k == "dh-group" || k == "group") {
      if (t.size() < 2) return Missing("value", k);
      // A line that fails changes nothing: work on a copy.
      Ikev2Proposal staged = proposal;
      for (size_t i = 1; i < t.size(); ++i) {
        if (k == "encryption") {
          absl::StatusOr<IkeEncryption> value = IkeEncryptionFromKeyword(t[i]);
          if (!value.ok()) return value.status();
          AppendUnique(staged.encryption, *value);
        } else if (k == "integrity" || k == "prf") {
          absl::StatusOr<IkeHash> value = IkeHashFromKeyword(t[i]);
          if (!value.ok()) return value.status();
          AppendUnique(k == "prf" ? staged.prf : staged.integrity, *value);
        } else {
          absl::StatusOr<int> value = DhGroupFromKeyword(t[i]);
          if (!value.ok()) return value.status();
          AppendUnique(staged.dh_groups, *value);
        }
      }
      proposal = std::move(staged);
      return Done();
    }
    return NotMine();
  }

  absl::StatusOr<Outcome> Policy(Ikev2Policy& policy, Tokens t) {
    absl::string_view k = t[0];
    if (k == "proposal") {
      if (t.size() < 2) return Missing("proposal name", k);
      for (size_t i = 1; i < t.size(); ++i) {
        RETURN_IF_ERROR_OUTCOME(CheckName(t[i]));
      }
      for (size_t i = 1; i < t.size(); ++i) {
        AppendUnique(policy.proposals, std::string(t[i]));
      }
      return Done();
    }
    if (k == "match") {
      if (t.size() < 2) return Missing("'address' or 'fvrf'", k);
      if (t[1] == "address") {
        if (t.size() < 3 || t[2] != "local") {
          return t.size() < 3 ? Missing("'local'", "address")
                              : Unknown(t[2], "ikev2 policy match address");
        }
        if (t.size() < 4) return Missing("IPv4 address", "local");
        absl::StatusOr<ipsec::IpAddress> address = ParseIpv4(t[3]);
        if (!address.ok()) return address.status();
        RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, 4));
        AppendUnique(policy.match_address_local, *address);
        return Done();
      }
      if (t[1] == "fvrf") {
        if (t.size() < 3) return Missing("vrf name or 'any'", "fvrf");
        RETURN_IF_ERROR_OUTCOME(CheckName(t[2]));
        RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, 3));
        policy.match_fvrf = std::string(t[2]);
        return Done();
      }
      return Invalid(absl::StrCat("unknown keyword '", t[1],
                                  "' in ikev2 policy match (expected "
                                  "'address' or 'fvrf')"));
    }
    return NotMine();
  }

  absl::StatusOr<Outcome> IsakmpPolicyLine(IsakmpPolicy& policy, Tokens t) {
    absl::string_view k = t[0];
    if (k == "encr" || k == "encryption") {
      if (t.size() < 2) return Missing("encryption", k);
      static constexpr absl::string_view kKnown[] = {"des", "3des", "aes"};
      if (std::find(std::begin(kKnown), std::end(kKnown), t[1]) ==
          std::end(kKnown)) {
        return Invalid(absl::StrCat("isakmp encryption '", t[1],
                                    "' is not des, 3des or aes"));
      }
      policy.encryption = RestOfLine(t, 1);
      return Done();
    }
    if (k == "hash") {
      if (t.size() != 2) return t.size() < 2 ? Missing("hash", k) : Extra(t, 2);
      policy.hash = std::string(t[1]);
      return Done();
    }
    if (k == "authentication") {
      if (t.size() != 2) {
        return t.size() < 2 ? Missing("method", k) : Extra(t, 2);
      }
      if (t[1] != "pre-share" && t[1] != "rsa-sig" && t[1] != "rsa-encr") {
        return Invalid(absl::StrCat("isakmp authentication '", t[1],
                                    "' is not pre-share, rsa-sig or rsa-encr"));
      }
      policy.authentication = std::string(t[1]);
      return Done();
    }
    if (k == "group") {
      if (t.size() != 2)
        return t.size() < 2 ? Missing("group", k) : Extra(t, 2);
      absl::StatusOr<int> group = DhGroupFromKeyword(t[1]);
      if (!group.ok()) return group.status();
      policy.group = *group;
      return Done();
    }
    if (k == "lifetime") {
      if (t.size() != 2)
        return t.size() < 2 ? Missing("seconds", k) : Extra(t, 2);
      absl::StatusOr<int> seconds = ParseInt(t[1], "lifetime", 60, 86400);
      if (!seconds.ok()) return seconds.status();
      policy.lifetime_seconds = *seconds;
      return Done();
    }
    return NotMine();
  }

  // ---- Keyrings ----

  absl::StatusOr<Outcome> KeyringLine(size_t keyring_index, Tokens t) {
    if (t[0] != "peer") return NotMine();
    if (t.size() < 2) return Missing("peer name", "peer");
    Keyring& keyring = config().keyrings[keyring_index];
    size_t peer = keyring.peers.size();
    for (size_t i = 0; i < keyring.peers.size(); ++i) {
      if (keyring.peers[i].name == t[1]) peer = i;
    }
    if (peer == keyring.peers.size()) {
      KeyringPeer entry;
      RETURN_IF_ERROR_OUTCOME(CheckName(t[1]));
      entry.name = std::string(t[1]);
      entry.line = line_;
      keyring.peers.push_back(std::move(entry));
    }
    return Open({Kind::kPeer, keyring_index, peer}, t, 2);
  }

  // "[0|6|7|password] VALUE" at t[i]; advances i past the value.
  absl::StatusOr<StoredSecret> Secret(Tokens t, size_t& i,
                                      absl::string_view after) {
    if (i >= t.size()) return Missing("key", after);
    absl::string_view form = t[i];
    StoredSecret secret;
    if ((form == "0" || form == "6" || form == "7" || form == "password") &&
        i + 1 < t.size()) {
      absl::string_view value = t[i + 1];
      i += 2;
      if (form == "0") {
        secret.value = Bytes(value);
        return secret;
      }
      secret.encoded = std::string(value);
      if (form == "6") {
        const crypto::SecretBytes* master = MasterKey();
        if (master == nullptr) {
          return Invalid(
              "type 6 key needs the master key (key config-key "
              "password-encryption)");
        }
        absl::StatusOr<crypto::SecretBytes> clear =
            keymgmt::Type6Decrypt(*master, value);
        if (!clear.ok()) return clear.status();
        secret.value = *std::move(clear);
        secret.form = SecretForm::kType6;
        return secret;
      }
      absl::StatusOr<crypto::SecretBytes> clear = keymgmt::Type7Decode(value);
      if (!clear.ok()) return clear.status();
      secret.value = *std::move(clear);
      secret.form = SecretForm::kType7;
      return secret;
    }
    secret.value = Bytes(form);
    ++i;
    return secret;
  }

  static crypto::SecretBytes Bytes(absl::string_view text) {
    return crypto::SecretBytes::Copy(absl::Span<const uint8_t>(
        reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  }

  const crypto::SecretBytes* MasterKey() const {
    if (master_key_from_text_) return &*master_key_from_text_;
    return options_.master_key;
  }

  absl::StatusOr<Outcome> PeerLine(KeyringPeer& peer, Tokens t) {
    absl::string_view k = t[0];
    if (k == "address") {
      size_t i = 1;
      absl::StatusOr<Ipv4Prefix> prefix = ParsePrefix(t, i, "address");
      if (!prefix.ok()) return prefix.status();
      RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, i));
      peer.address = *prefix;
      return Done();
    }
    if (k == "pre-shared-key") {
      size_t i = 1;
      bool local = true, remote = true;
      if (i < t.size() && (t[i] == "local" || t[i] == "remote") &&
          i + 1 < t.size()) {
        local = t[i] == "local";
        remote = !local;
        ++i;
      }
      absl::StatusOr<StoredSecret> secret = Secret(t, i, "pre-shared-key");
      if (!secret.ok()) return secret.status();
      RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, i));
      if (local && remote) peer.remote_psk = secret->Clone();
      if (local) {
        peer.local_psk = *std::move(secret);
      } else {
        peer.remote_psk = *std::move(secret);
      }
      return Done();
    }
    if (k == "identity") {
      absl::StatusOr<IdentitySpec> identity = Identity(t, 1, "identity");
      if (!identity.ok()) return identity.status();
      peer.identities.push_back(*identity);
      return Done();
    }
    if (k == "ppk") {
      if (t.size() < 2) return Missing("'manual' or 'dynamic'", "ppk");
      PpkConfig ppk;
      ppk.line = line_;
      size_t i = 2;
      if (t[1] == "manual") {
        ppk.kind = PpkConfig::Kind::kManual;
        if (i >= t.size() || t[i] != "id") {
          return i >= t.size() ? Missing("'id'", "manual")
                               : Unknown(t[i], "ppk manual");
        }
        if (i + 1 >= t.size()) return Missing("PPK id", "id");
        RETURN_IF_ERROR_OUTCOME(CheckName(t[i + 1]));
        ppk.id = std::string(t[i + 1]);
        i += 2;
        if (i >= t.size() || t[i] != "key") {
          return i >= t.size() ? Missing("'key'", ppk.id)
                               : Unknown(t[i], "ppk manual");
        }
        ++i;
        absl::StatusOr<StoredSecret> key = Secret(t, i, "key");
        if (!key.ok()) return key.status();
        ppk.key = *std::move(key);
      } else if (t[1] == "dynamic") {
        ppk.kind = PpkConfig::Kind::kDynamic;
        if (i >= t.size()) return Missing("sks profile name", "dynamic");
        RETURN_IF_ERROR_OUTCOME(CheckName(t[i]));
        ppk.sks_profile = std::string(t[i]);
        ++i;
      } else {
        return Invalid(absl::StrCat("unknown keyword '", t[1],
                                    "' in ppk (expected 'manual' or "
                                    "'dynamic')"));
      }
      if (i < t.size() && t[i] == "required") {
        ppk.required = true;
        ++i;
      }
      RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, i));
      peer.ppk = std::move(ppk);
      return Done();
    }
    if (k == "description") return Done();
    return NotMine();
  }

  // "address A [M]" | "fqdn X" | "fqdn domain X" | "domain X" at t[i].
  absl::StatusOr<IdentitySpec> Identity(Tokens t, size_t i,
                                        absl::string_view after) {
    if (i >= t.size()) return Missing("'address', 'fqdn' or 'domain'", after);
    IdentitySpec identity;
    identity.line = line_;
    absl::string_view type = t[i++];
    if (type == "address") {
      absl::StatusOr<Ipv4Prefix> prefix = ParsePrefix(t, i, "address");
      if (!prefix.ok()) return prefix.status();
      identity.type = IdentitySpec::Type::kAddress;
      identity.prefix = *prefix;
    } else if (type == "fqdn" || type == "domain") {
      identity.type = type == "fqdn" ? IdentitySpec::Type::kFqdn
                                     : IdentitySpec::Type::kDomain;
      if (type == "fqdn" && i < t.size() && t[i] == "domain" &&
          i + 1 < t.size()) {
        // IOS XE spelling: "fqdn domain example.com".
        identity.type = IdentitySpec::Type::kDomain;
        ++i;
      }
      if (i >= t.size()) return Missing("name", type);
      absl::string_view name = t[i++];
      if (name.size() > 253 || name.empty() || name.front() == '.' ||
          name.back() == '.' || absl::StrContains(name, "..")) {
        return Invalid(absl::StrCat("'", name, "' is not a valid ", type));
      }
      identity.name = std::string(name);
    } else {
      return Invalid(absl::StrCat("unknown identity type '", type,
                                  "' (expected address, fqdn or domain)"));
    }
    RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, i));
    return identity;
  }

  absl::StatusOr<Outcome> IsakmpKeyringLine(Keyring& keyring, Tokens t) {
    if (t[0] != "pre-shared-key") return NotMine();
    // "pre-shared-key address A [M] key [0|6|7] KEY".
    if (t.size() < 2 || t[1] != "address") {
      return t.size() < 2 ? Missing("'address'", "pre-shared-key")
                          : Unknown(t[1], "crypto keyring pre-shared-key");
    }
    size_t i = 2;
    absl::StatusOr<Ipv4Prefix> prefix = ParsePrefix(t, i, "address");
    if (!prefix.ok()) return prefix.status();
    if (i >= t.size() || t[i] != "key") {
      return i >= t.size() ? Missing("'key'", t[i - 1])
                           : Unknown(t[i], "crypto keyring pre-shared-key");
    }
    ++i;
    absl::StatusOr<StoredSecret> secret = Secret(t, i, "key");
    if (!secret.ok()) return secret.status();
    RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, i));
    KeyringPeer peer;
    peer.name = prefix->address.ToString();
    peer.address = *prefix;
    peer.remote_psk = secret->Clone();
    peer.local_psk = *std::move(secret);
    peer.line = line_;
    keyring.peers.push_back(std::move(peer));
    return Done();
  }

  absl::StatusOr<Outcome> Sks(SksProfile& profile, Tokens t) {
    if (t[0] != "kme") return NotMine();
    // "kme server ipv4 A port P".
    if (t.size() != 6 || t[1] != "server" || t[2] != "ipv4" || t[4] != "port") {
      return Invalid("expected 'kme server ipv4 ADDRESS port PORT'");
    }
    absl::StatusOr<ipsec::IpAddress> address = ParseIpv4(t[3]);
    if (!address.ok()) return address.status();
    absl::StatusOr<int> port = ParseInt(t[5], "kme port", 1, 65535);
    if (!port.ok()) return port.status();
    profile.kme_address = *address;
    profile.kme_port = static_cast<uint16_t>(*port);
    return Done();
  }

  // ---- Profiles ----

  absl::StatusOr<AuthMethod> Auth(absl::string_view token) {
    if (token == "pre-shared" || token == "pre-share") {
      return AuthMethod::kPreShared;
    }
    if (token == "rsa-signature" || token == "rsa-sig") {
      return AuthMethod::kRsaSignature;
    }
    return Invalid(absl::StrCat("authentication method '", token,
                                "' is not pre-shared or rsa-signature"));
  }

  absl::StatusOr<Outcome> Ikev2ProfileLine(Ikev2Profile& profile, Tokens t) {
    absl::string_view k = t[0];
    if (k == "keyring") {
      if (t.size() < 2) return Missing("keyring name", k);
      if ((t[1] == "ppk" || t[1] == "local") && t.size() >= 3) {
        RETURN_IF_ERROR_OUTCOME(CheckName(t[2]));
        RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, 3));
        (t[1] == "ppk" ? profile.ppk_keyring : profile.keyring) =
            std::string(t[2]);
        return Done();
      }
      RETURN_IF_ERROR_OUTCOME(CheckName(t[1]));
      RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, 2));
      profile.keyring = std::string(t[1]);
      return Done();
    }
    if (k == "lifetime") {
      if (t.size() < 2) return Missing("seconds", k);
      absl::StatusOr<int> seconds =
          ParseInt(t[1], "lifetime", kMinLifetimeSeconds, kMaxLifetimeSeconds);
      if (!seconds.ok()) return seconds.status();
      RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, 2));
      profile.lifetime_seconds = *seconds;
      return Done();
    }
    if (k == "authentication") {
      if (t.size() < 2) return Missing("'local' or 'remote'", k);
      if (t.size() < 3 && (t[1] == "local" || t[1] == "remote")) {
        return Missing("method", t[1]);
      }
      if (t[1] != "local" && t[1] != "remote") {
        return Invalid(absl::StrCat("unknown keyword '", t[1],
                                    "' in ikev2 profile authentication "
                                    "(expected 'local' or 'remote')"));
      }
      absl::StatusOr<AuthMethod> method = Auth(t[2]);
      if (!method.ok()) return method.status();
      RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, 3));
      AppendUnique(t[1] == "local" ? profile.authentication_local
                                   : profile.authentication_remote,
                   *method);
      return Done();
    }
    if (k == "match") {
      if (t.size() < 2) return Missing("keyword", k);
      if (t[1] == "identity") {
        if (t.size() < 3 || t[2] != "remote") {
          return t.size() < 3 ? Missing("'remote'", "identity")
                              : Unknown(t[2], "ikev2 profile match identity");
        }
        absl::StatusOr<IdentitySpec> identity = Identity(t, 3, "remote");
        if (!identity.ok()) return identity.status();
        profile.match_identity_remote.push_back(*identity);
        return Done();
      }
      if (t[1] == "address") {
        if (t.size() < 4 || t[2] != "local") {
          return Invalid("expected 'match address local ADDRESS'");
        }
        absl::StatusOr<ipsec::IpAddress> address = ParseIpv4(t[3]);
        if (!address.ok()) return address.status();
        RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, 4));
        AppendUnique(profile.match_address_local, *address);
        return Done();
      }
      if (t[1] == "fvrf" || t[1] == "certificate") {
        if (t.size() < 3) return Missing("name", t[1]);
        RETURN_IF_ERROR_OUTCOME(CheckName(t[2]));
        RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, 3));
        (t[1] == "fvrf" ? profile.match_fvrf : profile.match_certificate) =
            std::string(t[2]);
        return Done();
      }
      return Invalid(absl::StrCat("unknown keyword '", t[1],
                                  "' in ikev2 profile match (expected "
                                  "identity, address, fvrf or certificate)"));
    }
    if (k == "identity") {
      if (t.size() < 4 || t[1] != "local") {
        return Invalid("expected 'identity local address|fqdn VALUE'");
      }
      LocalIdentity local;
      if (t[2] == "address") {
        absl::StatusOr<ipsec::IpAddress> address = ParseIpv4(t[3]);
        if (!address.ok()) return address.status();
        local.type = LocalIdentity::Type::kAddress;
        local.address = *address;
      } else if (t[2] == "fqdn") {
        local.type = LocalIdentity::Type::kFqdn;
        local.fqdn = std::string(t[3]);
      } else {
        return Invalid(absl::StrCat("unknown identity type '", t[2],
                                    "' (expected address or fqdn)"));
      }
      RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, 4));
      profile.identity_local = local;
      return Done();
    }
    if (k == "pki") {
      if (t.size() != 3 || t[1] != "trustpoint") {
        return Invalid("expected 'pki trustpoint NAME'");
      }
      RETURN_IF_ERROR_OUTCOME(CheckName(t[2]));
      profile.pki_trustpoint = std::string(t[2]);
      return Done();
    }
    if (k == "dpd") {
      absl::StatusOr<DpdConfig> dpd = Dpd(t, 1, /*mode_required=*/true);
      if (!dpd.ok()) return dpd.status();
      profile.dpd = *dpd;
      return Done();
    }
    if (k == "description") return Done();
    return NotMine();
  }

  absl::StatusOr<Outcome> IsakmpProfileLine(IsakmpProfile& profile, Tokens t) {
    absl::string_view k = t[0];
    if (k == "keyring") {
      if (t.size() != 2) return t.size() < 2 ? Missing("name", k) : Extra(t, 2);
      RETURN_IF_ERROR_OUTCOME(CheckName(t[1]));
      profile.keyring = std::string(t[1]);
      return Done();
    }
    if (k == "match") {
      if (t.size() < 3 || t[1] != "identity") {
        return Invalid("expected 'match identity address|fqdn|domain ...'");
      }
      absl::StatusOr<IdentitySpec> identity = Identity(t, 2, "identity");
      if (!identity.ok()) return identity.status();
      profile.match_identity.push_back(*identity);
      return Done();
    }
    return NotMine();
  }

  // ---- IPsec ----

  absl::StatusOr<Outcome> TransformSetLine(TransformSet& set, Tokens t) {
    absl::string_view k = t[0];
    if (k == "mode") {
      if (t.size() < 2) return Missing("'tunnel' or 'transport'", k);
      RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, 2));
      if (t[1] == "tunnel") {
        set.mode = TransformMode::kTunnel;
      } else if (t[1] == "transport") {
        set.mode = TransformMode::kTransport;
      } else {
        return Invalid(
            absl::StrCat("mode '", t[1], "' is not tunnel or transport"));
      }
      return Done();
    }
    if (k == "transform") {
      TransformSet staged = set;
      RETURN_IF_ERROR_OUTCOME(ParseTransforms(t, 1, staged));
      set = std::move(staged);
      return Done();
    }
    if (absl::StartsWith(k, "esp-") || absl::StartsWith(k, "ah-")) {
      // IOS XE: the transforms follow the set name, or stand on a line.
      TransformSet staged = set;
      RETURN_IF_ERROR_OUTCOME(ParseTransforms(t, 0, staged));
      set = std::move(staged);
      return Done();
    }
    return NotMine();
  }

  absl::StatusOr<Outcome> IpsecProfileLine(IpsecProfile& profile, Tokens t) {
    if (t[0] != "set") return NotMine();
    if (t.size() < 2) return Missing("keyword", "set");
    absl::string_view k = t[1];
    size_t i = 2;
    if (k == "ikev2-profile" || k == "isakmp-profile" ||
        (k == "ikev2" && t.size() >= 3 && t[2] == "profile")) {
      if (k == "ikev2") ++i;
      if (i >= t.size()) return Missing("profile name", t[i - 1]);
      RETURN_IF_ERROR_OUTCOME(CheckName(t[i]));
      RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, i + 1));
      (k == "isakmp-profile" ? profile.isakmp_profile : profile.ikev2_profile) =
          std::string(t[i]);
      return Done();
    }
    if (k == "transform-set") {
      if (t.size() < 3) return Missing("transform-set name", k);
      for (size_t j = 2; j < t.size(); ++j) {
        RETURN_IF_ERROR_OUTCOME(CheckName(t[j]));
      }
      for (size_t j = 2; j < t.size(); ++j) {
        AppendUnique(profile.transform_sets, std::string(t[j]));
      }
      return Done();
    }
    if (k == "pfs") {
      if (t.size() < 3) return Missing("group", k);
      absl::string_view group = t[2];
      size_t end = 3;
      if (group == "group" && t.size() >= 4) {
        group = t[3];
        end = 4;
      } else if (absl::StartsWith(group, "group")) {
        group.remove_prefix(5);
      } else {
        return Invalid(absl::StrCat("pfs '", t[2], "' is not groupN"));
      }
      absl::StatusOr<int> number = DhGroupFromKeyword(group);
      if (!number.ok()) return number.status();
      RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, end));
      profile.pfs_group = *number;
      return Done();
    }
    if (k == "security-association") {
      if (t.size() >= 3 && t[2] == "lifetime") {
        absl::StatusOr<int> seconds = LifetimeSeconds(t, 3);
        if (!seconds.ok()) return seconds.status();
        profile.lifetime_seconds = *seconds;
        return Done();
      }
      absl::StatusOr<ReplaySetting> replay = Replay(t, 2);
      if (!replay.ok()) return replay.status();
      profile.replay = *replay;
      return Done();
    }
    if (k == "responder-only") {
      RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, 2));
      profile.responder_only = true;
      return Done();
    }
    return Invalid(
        absl::StrCat("unknown keyword '", k, "' in ipsec profile set"));
  }

  absl::StatusOr<Outcome> InterfaceLine(Interface& interface, Tokens t) {
    absl::string_view k = t[0];
    if (k == "ipv4" || (k == "ip" && t.size() >= 2 && t[1] == "address")) {
      if (t.size() < 2 || t[1] != "address") {
        return t.size() < 2 ? Missing("'address'", k)
                            : Unknown(t[1], "interface ipv4");
      }
      size_t i = 2;
      absl::StatusOr<Ipv4Prefix> prefix = ParsePrefix(t, i, "address");
      if (!prefix.ok()) return prefix.status();
      RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, i));
      interface.ipv4_address = *prefix;
      return Done();
    }
    if (k == "tunnel") {
      if (t.size() < 2) return Missing("keyword", k);
      if (t[1] == "mode") {
        if (t.size() < 3) return Missing("mode", "tunnel mode");
        std::string mode = RestOfLine(t, 2);
        if (mode != "ipsec ipv4") {
          return Invalid(absl::StrCat("tunnel mode '", mode,
                                      "' is not supported (ipsec ipv4)"));
        }
        interface.tunnel_mode = mode;
        return Done();
      }
      if (t[1] == "source") {
        if (t.size() != 3) {
          return t.size() < 3 ? Missing("source", "source") : Extra(t, 3);
        }
        RETURN_IF_ERROR_OUTCOME(CheckName(t[2]));
        interface.tunnel_source = std::string(t[2]);
        return Done();
      }
      if (t[1] == "destination") {
        if (t.size() != 3) {
          return t.size() < 3 ? Missing("address", "destination") : Extra(t, 3);
        }
        absl::StatusOr<ipsec::IpAddress> address = ParseIpv4(t[2]);
        if (!address.ok()) return address.status();
        interface.tunnel_destination = *address;
        return Done();
      }
      if (t[1] == "protection") {
        if (t.size() < 5 || t[2] != "ipsec" || t[3] != "profile") {
          return Invalid("expected 'tunnel protection ipsec profile NAME'");
        }
        RETURN_IF_ERROR_OUTCOME(CheckName(t[4]));
        RETURN_IF_ERROR_OUTCOME(ExpectEnd(t, 5));
        interface.tunnel_protection_profile = std::string(t[4]);
        return Done();
      }
      return Invalid(absl::StrCat("unknown keyword '", t[1],
                                  "' in interface tunnel (expected mode, "
                                  "source, destination or protection)"));
    }
    if (k == "description") return Done();  // free text, not kept
    return NotMine();
  }

  // ---- PKI ----

  absl::StatusOr<Outcome> TrustpointLine(PkiTrustpoint& trustpoint, Tokens t) {
    absl::string_view k = t[0];
    if (k == "enrollment") {
      if (t.size() < 3 || t[1] != "url") {
        return Invalid("expected 'enrollment url URL'");
      }
      trustpoint.enrollment_url = RestOfLine(t, 2);
      return Done();
    }
    if (k == "vrf") {
      if (t.size() != 2) return t.size() < 2 ? Missing("name", k) : Extra(t, 2);
      RETURN_IF_ERROR_OUTCOME(CheckName(t[1]));
      trustpoint.vrf = std::string(t[1]);
      return Done();
    }
    if (k == "revocation-check") {
      if (t.size() < 2) return Missing("crl, ocsp or none", k);
      for (size_t i = 1; i < t.size(); ++i) {
        if (t[i] != "crl" && t[i] != "ocsp" && t[i] != "none") {
          return Invalid(absl::StrCat("revocation-check '", t[i],
                                      "' is not crl, ocsp or none"));
        }
      }
      for (size_t i = 1; i < t.size(); ++i) {
        trustpoint.revocation_check.push_back(std::string(t[i]));
      }
      return Done();
    }
    return NotMine();
  }

  absl::StatusOr<Outcome> CertificateMapLine(CertificateMap& map, Tokens t) {
    absl::string_view k = t[0];
    if (k != "issuer-name" && k != "subject-name") return NotMine();
    if (t.size() < 3) return Missing("operator and value", k);
    if (t[1] != "eq" && t[1] != "ne" && t[1] != "co" && t[1] != "nc") {
      return Invalid(absl::StrCat("certificate map operator '", t[1],
                                  "' is not eq, ne, co or nc"));
    }
    map.rules.push_back({std::string(k), std::string(t[1]), RestOfLine(t, 2)});
    return Done();
  }

#undef RETURN_IF_ERROR_OUTCOME

  const ParseOptions& options_;
  ParseResult result_;
  std::vector<Frame> stack_{Frame{}};
  int line_ = 0;
  std::optional<crypto::SecretBytes> master_key_from_text_;
};

}  // namespace

absl::StatusOr<ParseResult> ParseConfig(absl::string_view text,
                                        const ParseOptions& options) {
  Parser parser(options);
  return parser.Run(text);
}

absl::StatusOr<Ikev2Proposal> ParseIkev2ProposalBody(absl::string_view name,
                                                     absl::string_view text) {
  ParseOptions options;
  Parser parser(options);
  parser.EnterProposal(name);
  absl::StatusOr<ParseResult> result = parser.Run(text);
  if (!result.ok()) return result.status();
  const Config& config = result->config;
  if (config.proposals.size() != 1 || !config.policies.empty() ||
      !config.keyrings.empty() || !config.ikev2_profiles.empty() ||
      !config.interfaces.empty() || !config.transform_sets.empty() ||
      !config.ipsec_profiles.empty()) {
    return absl::InvalidArgumentError(
        "proposal body contains lines outside the proposal");
  }
  return config.proposals.front();
}

}  // namespace cygnet::ike::config
