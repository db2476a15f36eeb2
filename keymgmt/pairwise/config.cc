#include "keymgmt/pairwise/config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace cygnet::keymgmt::pairwise {
namespace {

struct AuthName {
  AuthenticationType type;
  absl::string_view cli;
  absl::string_view show;
};
constexpr AuthName kAuthNames[] = {
    {AuthenticationType::kAhSha1Hmac, "ah-sha1-hmac", "AH_SHA1_HMAC"},
    {AuthenticationType::kSha1Hmac, "sha1-hmac", "SHA1_HMAC"},
    {AuthenticationType::kAhNoId, "ah-no-id", "AH_NO_ID"},
    {AuthenticationType::kNone, "none", "NONE"},
};

absl::Status LineError(int line, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", what));
}

absl::Status ApplyIpsec(SecurityConfig& c, std::vector<absl::string_view> w,
                        int line) {
  bool negate = false;
  if (!w.empty() && w[0] == "no") {
    negate = true;
    w.erase(w.begin());
  }
  if (w.empty()) return LineError(line, "empty `security ipsec` line");
  const SecurityConfig defaults;
  const absl::string_view key = w[0];
  const size_t args = w.size() - 1;
  if (key == "pairwise-keying" || key == "pwk-sym-rekey") {
    if (args != 0)
      return LineError(line, absl::StrCat("`", key, "` takes no value"));
    (key == "pairwise-keying" ? c.pairwise_keying : c.pwk_sym_rekey) = !negate;
    return absl::OkStatus();
  }
  if (key == "rekey" || key == "replay-window") {
    if (negate) {
      if (key == "rekey")
        c.rekey_interval = defaults.rekey_interval;
      else
        c.replay_window = defaults.replay_window;
      return absl::OkStatus();
    }
    uint32_t value = 0;
    if (args != 1 || !absl::SimpleAtoi(w[1], &value)) {
      return LineError(
          line, absl::StrCat("`", key, "` wants one number, got \"",
                             absl::StrJoin(w.begin() + 1, w.end(), " "), "\""));
    }
    if (key == "rekey") {
      if (value < 10 || value > 1209600) {
        return LineError(line, absl::StrCat("rekey ", value,
                                            " is outside 10..1209600 seconds"));
      }
      c.rekey_interval = absl::Seconds(value);
    } else {
      if (value < 64 || value > 8192 || (value & (value - 1)) != 0) {
        return LineError(line,
                         absl::StrCat("replay-window ", value,
                                      " is not a power of two in 64..8192"));
      }
      c.replay_window = value;
    }
    return absl::OkStatus();
  }
  if (key == "authentication-type") {
    if (negate) {
      c.authentication_types = defaults.authentication_types;
      return absl::OkStatus();
    }
    if (args == 0) return LineError(line, "authentication-type wants a type");
    std::vector<AuthenticationType> types;
    for (size_t i = 1; i < w.size(); ++i) {
      bool found = false;
      for (const AuthName& n : kAuthNames) {
        if (n.cli == w[i]) {
          for (AuthenticationType t : types) {
            if (t == n.type) {
              return LineError(line, absl::StrCat("authentication-type \"",
                                                  w[i], "\" given twice"));
            }
          }
          types.push_back(n.type);
          found = true;
        }
      }
      if (!found) {
        return LineError(
            line, absl::StrCat("unknown authentication-type \"", w[i], "\""));
      }
    }
    c.authentication_types = types;
    return absl::OkStatus();
  }
  return LineError(
      line, absl::StrCat("unknown `security ipsec` keyword \"", key, "\""));
}

}  // namespace

bool SecurityConfig::authenticated() const {
  for (AuthenticationType t : authentication_types) {
    if (t != AuthenticationType::kNone) return true;
  }
  return false;
}

absl::StatusOr<SecurityConfig> ParseSecurityConfig(absl::string_view text) {
  SecurityConfig config;
  // Nesting by indentation: depth of the `security` and `ipsec` blocks.
  int security_indent = -1;
  int ipsec_indent = -1;
  int line_number = 0;
  for (absl::string_view raw : absl::StrSplit(text, '\n')) {
    ++line_number;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    const size_t first = raw.find_first_not_of(' ');
    if (first == absl::string_view::npos) continue;
    const int indent = static_cast<int>(first);
    std::vector<absl::string_view> words =
        absl::StrSplit(raw.substr(first), ' ', absl::SkipEmpty());
    if (words[0][0] == '!' || words[0][0] == '#') continue;
    if (ipsec_indent >= 0 && indent <= ipsec_indent) ipsec_indent = -1;
    if (security_indent >= 0 && indent <= security_indent) {
      security_indent = -1;
      ipsec_indent = -1;
    }
    if (ipsec_indent >= 0) {
      if (absl::Status s = ApplyIpsec(config, words, line_number); !s.ok()) {
        return s;
      }
      continue;
    }
    if (security_indent >= 0 && words[0] == "ipsec") {
      words.erase(words.begin());
      if (words.empty()) {
        ipsec_indent = indent;
      } else if (absl::Status s = ApplyIpsec(config, words, line_number);
                 !s.ok()) {
        return s;
      }
      continue;
    }
    if (words[0] == "security") {
      if (words.size() == 1) {
        security_indent = indent;
        continue;
      }
      if (words[1] != "ipsec") continue;  // another security sub-mode
      if (words.size() == 2) {
        security_indent = indent;
        ipsec_indent = indent;
        continue;
      }
      words.erase(words.begin(), words.begin() + 2);
      if (absl::Status s = ApplyIpsec(config, words, line_number); !s.ok()) {
        return s;
      }
    }
  }
  return config;
}

std::string RenderSecurityInfo(const SecurityConfig& c) {
  std::vector<absl::string_view> auth;
  for (AuthenticationType t : c.authentication_types) {
    for (const AuthName& n : kAuthNames) {
      if (n.type == t) auth.push_back(n.show);
    }
  }
  return absl::StrCat(
      "security-info authentication-type \"", absl::StrJoin(auth, " "), "\"\n",
      "security-info rekey ", absl::ToInt64Seconds(c.rekey_interval), "\n",
      "security-info replay-window ", c.replay_window, "\n",
      "security-info encryption-supported \"AES_GCM_256 (and AES_256_CBC for "
      "multicast)\"\n",
      "security-info fips-mode ", c.fips_mode ? "Enabled" : "Disabled", "\n",
      "security-info pairwise-keying ",
      c.pairwise_keying ? "Enabled" : "Disabled", "\n");
}

}  // namespace cygnet::keymgmt::pairwise
