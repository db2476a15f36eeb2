// The typed configuration model: what the running-config text of seeds 001
// (IOS XR, with PPK and FQDN identities), 002 (IOS XE) and 003 (IOS XR)
// describes, after parsing and before negotiation.
//
// Built by the parser (parser.h), checked by the validator (validator.h),
// read by the IKE engine (proposals, profiles, keyrings through identity.h)
// and the PPK code (PpkConfig). The model keeps what the operator wrote:
// algorithms that cygnet refuses to negotiate (3DES, DES, MD5, MODP groups
// 2 and 5, as seed 002's examples and default proposal name) are still typed
// values here so that those configurations load; the validator reports them
// and the negotiation layer never offers them.
//
// Invariants: names are case-sensitive except interface names (IOS treats
// "Tunnel504" and "tunnel504" alike); every element remembers the line that
// created it (1-based, 0 for built-in defaults); secrets live only in
// crypto::SecretBytes, so a Config is move-only.
//
// Defaults (applied by the Effective*() accessors, never stored as if typed):
//   IKEv2 SA lifetime           86400 s  (seeds 001/003 `show ikev2 session
//                                         detail`: "Life/Active Time(sec) :
//                                         86400/2043" with no lifetime set)
//   IPsec SA lifetime           14400 s  (not stated by the seeds; the PPK
//                                         examples, which set no lifetime,
//                                         show 10927 and 11107 s remaining,
//                                         consistent with 4 hours)
//   transform-set mode          tunnel   (seed 001: "available only in
//                                         tunnel mode")
//   anti-replay window          64       (seed 002: "Currently, N is set at
//                                         64"; expandable to 1024)
//   IKEv2 proposal              encryption aes-cbc-128 3des, integrity sha1
//                               md5, group 5 2 (seed 002 default proposal)
//   PRF when not configured     the integrity algorithms, in order (IOS
//                               behaviour; an AEAD proposal must name a PRF)
//   authentication local        pre-shared when a keyring is named and no
//                               method is (seed 001's PPK profiles)
//   authentication remote       the local method when not configured
#ifndef CYGNET_IKE_CONFIG_MODEL_H_
#define CYGNET_IKE_CONFIG_MODEL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crypto/secret_bytes.h"
#include "ipsec/ip_address.h"

namespace cygnet::ike::config {

inline constexpr int kDefaultIkeLifetimeSeconds = 86400;
inline constexpr int kDefaultIpsecLifetimeSeconds = 14400;
inline constexpr int kDefaultReplayWindow = 64;
inline constexpr int kMaxReplayWindow = 1024;
// `lifetime` and `set security-association lifetime seconds` bounds.
inline constexpr int kMinLifetimeSeconds = 120;
inline constexpr int kMaxLifetimeSeconds = 86400;

// ---- Addresses -------------------------------------------------------------

// An IPv4 address with a contiguous mask as the seeds write them
// ("198.51.100.21 255.255.255.0"). The address keeps its host bits: the seeds
// write peer addresses that way and show them back unchanged.
struct Ipv4Prefix {
  ipsec::IpAddress address;
  int prefix_length = 32;

  bool Contains(const ipsec::IpAddress& candidate) const;
  // "198.51.100.21 255.255.255.0".
  std::string ToString() const;
  friend bool operator==(const Ipv4Prefix& a, const Ipv4Prefix& b) {
    return a.prefix_length == b.prefix_length &&
           a.address.Masked(a.prefix_length) ==
               b.address.Masked(b.prefix_length);
  }
};
// Dotted-quad IPv4 only (the seeds' feature is IPv4-only).
absl::StatusOr<ipsec::IpAddress> ParseIpv4(absl::string_view text);
// "255.255.255.0" -> 24; a non-contiguous mask is an error naming it.
absl::StatusOr<int> ParseNetmask(absl::string_view text);

// ---- IKE algorithms as configured ------------------------------------------

enum class IkeEncryption {
  kDes,
  k3Des,
  kAesCbc128,
  kAesCbc192,
  kAesCbc256,
  kAesGcm128,
  kAesGcm256,
};
// kMd5 is only reachable through seed 002's default proposal and XE configs.
enum class IkeHash { kMd5, kSha1, kSha256, kSha384, kSha512 };

bool IsAead(IkeEncryption encryption);
// RFC 8247 refuses DES, 3DES (SHOULD NOT / MUST NOT in new deployments), MD5
// and MODP groups 1, 2, 5; cygnet does not negotiate them.
bool IsLegacy(IkeEncryption encryption);
bool IsLegacy(IkeHash hash);
bool IsLegacyGroup(int group);

absl::StatusOr<IkeEncryption> IkeEncryptionFromKeyword(absl::string_view kw);
absl::StatusOr<IkeHash> IkeHashFromKeyword(absl::string_view kw);
// IANA transform type 4 numbers the seeds and IOS accept: 1 2 5 14 15 16 19
// 20 21 24 31 (31 = Curve25519).
absl::StatusOr<int> DhGroupFromKeyword(absl::string_view kw);
absl::string_view Keyword(IkeEncryption encryption);  // "aes-cbc-256"
absl::string_view Keyword(IkeHash hash);              // "sha-256", "sha1"

struct Ikev2Proposal {
  std::string name;
  std::vector<IkeEncryption> encryption;
  std::vector<IkeHash> integrity;
  std::vector<IkeHash> prf;
  std::vector<int> dh_groups;
  int line = 0;

  // prf if configured, otherwise the integrity list (see header comment).
  std::vector<IkeHash> EffectivePrf() const;
};
// Seed 002: "encryption aes-cbc-128 3des / integrity sha1 md5 / group 5 2",
// named "default".
Ikev2Proposal DefaultIkev2Proposal();

struct Ikev2Policy {
  std::string name;
  std::vector<ipsec::IpAddress> match_address_local;
  // "any" or a VRF name; empty when not configured (same as any).
  std::string match_fvrf;
  std::vector<std::string> proposals;
  int line = 0;
};

// IKEv1 (`crypto isakmp policy N`, seed 002). Parsed so that seed 002's
// configurations load; cygnet does not speak IKEv1.
struct IsakmpPolicy {
  int priority = 0;
  std::string encryption;      // "3des", "aes", "aes 256", ...
  std::string hash;            // "sha", "md5", "sha256", ...
  std::string authentication;  // "pre-share", "rsa-sig", "rsa-encr"
  int group = 0;
  std::optional<int> lifetime_seconds;
  int line = 0;
};

// ---- Secrets ---------------------------------------------------------------

// How a secret was written, so that it can be rendered and re-keyed in the
// same form. kType7 covers both "7 HEX" and IOS XR's "password HEX".
enum class SecretForm { kClear, kType6, kType7 };

struct StoredSecret {
  crypto::SecretBytes value;
  SecretForm form = SecretForm::kClear;
  // The encoded text for kType6 / kType7 as written; empty for kClear.
  std::string encoded;

  StoredSecret Clone() const { return {value.Clone(), form, encoded}; }
};

// `ppk manual id ID key [password] VALUE [required]` and
// `ppk dynamic SKS-PROFILE [required]` (seed 001), handed to the PPK code.
struct PpkConfig {
  enum class Kind { kManual, kDynamic };
  Kind kind = Kind::kManual;
  std::string id;           // manual: the PPK_ID sent on the wire
  StoredSecret key;         // manual only
  std::string sks_profile;  // dynamic only
  // Without `required`, a failure in the PPK path falls back to normal
  // authentication (seed 001 note); with it, the SA fails.
  bool required = false;
  int line = 0;
};

// ---- Identities ------------------------------------------------------------

// A configured identity: `identity address|fqdn|domain ...` in a keyring
// peer, `match identity remote address|fqdn|domain ...` in a profile.
struct IdentitySpec {
  enum class Type { kAddress, kFqdn, kDomain };
  Type type = Type::kAddress;
  Ipv4Prefix prefix;  // kAddress
  std::string name;   // kFqdn / kDomain, as written
  int line = 0;

  std::string ToString() const;  // "fqdn RouterA.example.com"
};

// `identity local address A` / `identity local fqdn X`.
struct LocalIdentity {
  enum class Type { kAddress, kFqdn };
  Type type = Type::kAddress;
  ipsec::IpAddress address;
  std::string fqdn;
};

// ---- Keyrings --------------------------------------------------------------

struct KeyringPeer {
  std::string name;
  // `address A M`: used by the initiator to find the key for a destination
  // and by the responder for peers that configure no identity.
  std::optional<Ipv4Prefix> address;
  std::vector<IdentitySpec> identities;
  // `pre-shared-key X` sets both; `pre-shared-key local|remote X` one.
  std::optional<StoredSecret> local_psk;
  std::optional<StoredSecret> remote_psk;
  std::optional<PpkConfig> ppk;
  int line = 0;
};

struct Keyring {
  enum class Kind {
    kIkev2,   // IOS XR `keyring K` / IOS XE `crypto ikev2 keyring K`
    kIsakmp,  // IOS XE `crypto keyring K` (IKEv1 style, seed 002)
  };
  std::string name;
  Kind kind = Kind::kIkev2;
  std::vector<KeyringPeer> peers;
  int line = 0;

  const KeyringPeer* FindPeer(absl::string_view peer_name) const;
};

// `sks profile NAME type remote` + `kme server ipv4 A port P` (seed 001):
// where dynamic PPKs come from.
struct SksProfile {
  std::string name;
  std::string type;  // "remote"
  std::optional<ipsec::IpAddress> kme_address;
  uint16_t kme_port = 0;
  int line = 0;
};

// ---- IKEv2 profiles --------------------------------------------------------

enum class AuthMethod { kPreShared, kRsaSignature };
absl::string_view Keyword(AuthMethod method);

// Dead peer detection (seed 002): periodic sends liveness checks on a timer;
// on-demand only when traffic was sent and nothing came back.
struct DpdConfig {
  enum class Mode { kOnDemand, kPeriodic };
  int interval_seconds = 0;
  int retry_seconds = 0;  // 0: the engine's default (documented there)
  Mode mode = Mode::kOnDemand;
};

struct Ikev2Profile {
  std::string name;
  std::string keyring;
  std::string ppk_keyring;  // `keyring ppk K`
  std::optional<int> lifetime_seconds;
  std::vector<AuthMethod> authentication_local;
  std::vector<AuthMethod> authentication_remote;
  std::vector<IdentitySpec> match_identity_remote;
  std::optional<LocalIdentity> identity_local;
  std::vector<ipsec::IpAddress> match_address_local;
  std::string match_fvrf;
  std::string match_certificate;  // certificate map name (seed 002)
  std::string pki_trustpoint;
  std::optional<DpdConfig> dpd;
  int line = 0;

  int EffectiveLifetimeSeconds() const {
    return lifetime_seconds.value_or(kDefaultIkeLifetimeSeconds);
  }
  // The seed 001 PPK profiles name a keyring but no `authentication local`
  // and still come up with pre-shared keys: a keyring implies pre-shared.
  std::vector<AuthMethod> EffectiveAuthenticationLocal() const {
    if (!authentication_local.empty() || keyring.empty()) {
      return authentication_local;
    }
    return {AuthMethod::kPreShared};
  }
  std::vector<AuthMethod> EffectiveAuthenticationRemote() const {
    return authentication_remote.empty() ? EffectiveAuthenticationLocal()
                                         : authentication_remote;
  }
};

// `crypto isakmp profile P` (seed 002, IKEv1): kept so references resolve.
struct IsakmpProfile {
  std::string name;
  std::string keyring;
  std::vector<IdentitySpec> match_identity;
  int line = 0;
};

// ---- IPsec -----------------------------------------------------------------

enum class EspEncryption {
  kNull,
  kDes,
  k3Des,
  kAesCbc128,
  kAesCbc192,
  kAesCbc256,
  kAesGcm128,
  kAesGcm192,
  kAesGcm256,
};
enum class EspIntegrity { kMd5, kSha1, kSha256, kSha384, kSha512 };
bool IsAead(EspEncryption encryption);
bool IsLegacy(EspEncryption encryption);
bool IsLegacy(EspIntegrity integrity);
// `show ipsec sa` names: "ESP_192_AES", "HMAC_SHA_256".
absl::string_view ShowName(EspEncryption encryption);
absl::string_view ShowName(EspIntegrity integrity);

enum class TransformMode { kTunnel, kTransport };

struct TransformSet {
  std::string name;
  std::optional<EspEncryption> encryption;
  std::optional<EspIntegrity> integrity;
  // The transform keywords in the order written ("esp-256-aes",
  // "esp-hmac-sha-256"), for rendering.
  std::vector<std::string> keywords;
  std::optional<TransformMode> mode;
  int line = 0;

  TransformMode EffectiveMode() const {
    return mode.value_or(TransformMode::kTunnel);
  }
};

// Anti-replay (seed 002): a window of 64..1024 packets, or disabled.
struct ReplaySetting {
  bool enabled = true;
  int window = kDefaultReplayWindow;
};

struct IpsecProfile {
  std::string name;
  std::string ikev2_profile;
  std::string isakmp_profile;
  std::vector<std::string> transform_sets;
  std::optional<int> pfs_group;
  std::optional<int> lifetime_seconds;
  bool responder_only = false;
  std::optional<ReplaySetting> replay;
  int line = 0;

  int EffectiveLifetimeSeconds() const {
    return lifetime_seconds.value_or(kDefaultIpsecLifetimeSeconds);
  }
};

struct Interface {
  std::string name;
  std::optional<Ipv4Prefix> ipv4_address;
  std::string tunnel_mode;    // "ipsec ipv4"
  std::string tunnel_source;  // an interface name or an IPv4 address
  std::optional<ipsec::IpAddress> tunnel_destination;
  std::string tunnel_protection_profile;
  int line = 0;

  // A VTI: the name says tunnel or any tunnel command is present.
  bool IsTunnel() const;
};

struct StaticRoute {
  Ipv4Prefix prefix;
  std::string next_hop;  // an interface name or an address, as written
  int line = 0;
};

// ---- PKI (seed 002), kept so that profile references resolve --------------

struct PkiTrustpoint {
  std::string name;
  std::string enrollment_url;
  std::string vrf;
  std::vector<std::string> revocation_check;  // "crl", "ocsp", "none"
  int line = 0;
};

struct CertificateMapRule {
  std::string field;  // "issuer-name", "subject-name"
  std::string op;     // "eq", "ne", "co", "nc"
  std::string value;  // rest of the line as written
};

struct CertificateMap {
  std::string name;
  int sequence = 0;
  std::vector<CertificateMapRule> rules;
  int line = 0;
};

// ---- Global lines (seed 002) -----------------------------------------------

struct GlobalSettings {
  // `crypto ikev2 dpd I R on-demand|periodic`.
  std::optional<DpdConfig> ikev2_dpd;
  // `crypto isakmp keepalive I [R] [periodic|on-demand]`: on-demand unless
  // `periodic` is given (seed 002).
  std::optional<DpdConfig> isakmp_keepalive;
  // `password encryption aes`.
  bool password_encryption_aes = false;
  // `key config-key password-encryption [KEY]` was present. The master key
  // itself is never part of the model.
  bool config_key_present = false;
  // `crypto ipsec security-association replay window-size N | disable`.
  std::optional<ReplaySetting> replay;
  // `crypto ipsec security-association lifetime seconds N`.
  std::optional<int> ipsec_lifetime_seconds;
};

// ---- The whole configuration -----------------------------------------------

struct Config {
  std::vector<Ikev2Proposal> proposals;
  std::vector<Ikev2Policy> policies;
  std::vector<IsakmpPolicy> isakmp_policies;
  std::vector<Keyring> keyrings;
  std::vector<SksProfile> sks_profiles;
  std::vector<Ikev2Profile> ikev2_profiles;
  std::vector<IsakmpProfile> isakmp_profiles;
  std::vector<TransformSet> transform_sets;
  std::vector<IpsecProfile> ipsec_profiles;
  std::vector<Interface> interfaces;
  std::vector<StaticRoute> routes;
  std::vector<PkiTrustpoint> trustpoints;
  std::vector<CertificateMap> certificate_maps;
  GlobalSettings global;

  const Ikev2Proposal* FindProposal(absl::string_view name) const;
  const Ikev2Policy* FindPolicy(absl::string_view name) const;
  const Keyring* FindKeyring(absl::string_view name) const;
  const SksProfile* FindSksProfile(absl::string_view name) const;
  const Ikev2Profile* FindIkev2Profile(absl::string_view name) const;
  const IsakmpProfile* FindIsakmpProfile(absl::string_view name) const;
  const TransformSet* FindTransformSet(absl::string_view name) const;
  const IpsecProfile* FindIpsecProfile(absl::string_view name) const;
  // Case-insensitive, as IOS treats interface names.
  const Interface* FindInterface(absl::string_view name) const;
  const PkiTrustpoint* FindTrustpoint(absl::string_view name) const;
  const CertificateMap* FindCertificateMap(absl::string_view name) const;

  // The proposals a policy offers: its named proposals in order, or the
  // seed 002 default proposal when it names none. Unknown names are skipped
  // (the validator reports them).
  std::vector<Ikev2Proposal> EffectiveProposals(
      const Ikev2Policy& policy) const;
  // Profile value, else the global `crypto ipsec security-association
  // lifetime seconds`, else 14400.
  int EffectiveIpsecLifetimeSeconds(const IpsecProfile& profile) const;
  // Profile value, else the global setting, else a 64-packet window.
  ReplaySetting EffectiveReplay(const IpsecProfile& profile) const;
};

}  // namespace cygnet::ike::config

#endif  // CYGNET_IKE_CONFIG_MODEL_H_
