// IKEv2 key derivation: SKEYSEED and SK_* (RFC 7296 2.13/2.14), Child SA
// KEYMAT with and without PFS (2.17), the IKE SA rekey SKEYSEED (2.18) and
// RFC 8784 post-quantum preshared key (PPK) mixing.
//
// Driven by the IKE SA state machine after IKE_SA_INIT, after each
// CREATE_CHILD_SA, and when a PPK is in use. Pure functions of their inputs;
// every key and shared secret is a crypto::SecretBytes, and nonces and SPIs
// (public values) are plain bytes. Split lengths come from the negotiated
// suite (ike/algorithms.h): AEAD ciphers take key + 4-octet salt and no
// integrity key.
//
// The formulas are written once against PseudorandomFunction so that the very
// code IKE runs is checked against the NIST ACVP IKEv2 KDF vectors, including
// their SHA2-224 groups, which no IKE suite negotiates (the test supplies that
// PRF); products always use HmacPrf.
#ifndef CYGNET_IKE_KEY_DERIVATION_H_
#define CYGNET_IKE_KEY_DERIVATION_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "crypto/prf.h"
#include "crypto/secret_bytes.h"
#include "ike/algorithms.h"

namespace cygnet::ike {

// prf(K, S) of RFC 7296 2.13. Stateless and const, so one instance may serve
// several threads.
class PseudorandomFunction {
 public:
  virtual ~PseudorandomFunction() = default;
  // Octets of one prf output (= the preferred key length of RFC 7296 2.13).
  virtual size_t output_size() const = 0;
  // prf(key, data[0] | data[1] | ...).
  virtual crypto::SecretBytes Compute(
      absl::Span<const uint8_t> key,
      std::initializer_list<absl::Span<const uint8_t>> data) const = 0;
  // prf+(key, seed) truncated to `length` octets: T1 | T2 | ... with
  // Tn = prf(key, Tn-1 | seed | n). More than 255 blocks is an error. The
  // default is built on Compute().
  virtual absl::StatusOr<crypto::SecretBytes> Plus(
      absl::Span<const uint8_t> key, absl::Span<const uint8_t> seed,
      size_t length) const;
};

// The negotiated PRF: HMAC with crypto::PrfAlgorithm (crypto/prf.h).
class HmacPrf final : public PseudorandomFunction {
 public:
  explicit HmacPrf(crypto::PrfAlgorithm algorithm) : algorithm_(algorithm) {}
  crypto::PrfAlgorithm algorithm() const { return algorithm_; }
  size_t output_size() const override;
  crypto::SecretBytes Compute(
      absl::Span<const uint8_t> key,
      std::initializer_list<absl::Span<const uint8_t>> data) const override;
  absl::StatusOr<crypto::SecretBytes> Plus(absl::Span<const uint8_t> key,
                                           absl::Span<const uint8_t> seed,
                                           size_t length) const override;

 private:
  crypto::PrfAlgorithm algorithm_;
};

// ---- The formulas
// ------------------------------------------------------------

// SKEYSEED = prf(Ni | Nr, g^ir)  (RFC 7296 2.14). Nonces must be non-empty.
absl::StatusOr<crypto::SecretBytes> ComputeSkeyseed(
    const PseudorandomFunction& prf, absl::Span<const uint8_t> nonce_i,
    absl::Span<const uint8_t> nonce_r,
    const crypto::SecretBytes& shared_secret);

// SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)  (RFC 7296 2.18). `prf`
// is the OLD IKE SA's PRF: the rekey exchange belongs to the old SA.
absl::StatusOr<crypto::SecretBytes> ComputeRekeySkeyseed(
    const PseudorandomFunction& prf, const crypto::SecretBytes& old_sk_d,
    const crypto::SecretBytes& new_shared_secret,
    absl::Span<const uint8_t> nonce_i, absl::Span<const uint8_t> nonce_r);

// prf+(SKEYSEED, Ni | Nr | SPIi | SPIr), `length` octets (RFC 7296 2.14).
// SPIs are the 8-octet IKE SPIs in network byte order.
absl::StatusOr<crypto::SecretBytes> ExpandIkeSaKeyMaterial(
    const PseudorandomFunction& prf, const crypto::SecretBytes& skeyseed,
    absl::Span<const uint8_t> nonce_i, absl::Span<const uint8_t> nonce_r,
    uint64_t spi_i, uint64_t spi_r, size_t length);

// KEYMAT = prf+(SK_d, Ni | Nr), or prf+(SK_d, g^ir (new) | Ni | Nr) when
// `pfs_shared_secret` is non-null (RFC 7296 2.17).
absl::StatusOr<crypto::SecretBytes> ExpandChildSaKeyMaterial(
    const PseudorandomFunction& prf, const crypto::SecretBytes& sk_d,
    const crypto::SecretBytes* pfs_shared_secret,
    absl::Span<const uint8_t> nonce_i, absl::Span<const uint8_t> nonce_r,
    size_t length);

// ---- IKE SA keys
// ---------------------------------------------------------------

// {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}, in that order in
// the keying material. For AEAD suites sk_ai/sk_ar are empty and sk_ei/sk_er
// are key | 4-octet salt (RFC 5282 section 7).
struct IkeSaKeys {
  crypto::SecretBytes sk_d;
  crypto::SecretBytes sk_ai;
  crypto::SecretBytes sk_ar;
  crypto::SecretBytes sk_ei;
  crypto::SecretBytes sk_er;
  crypto::SecretBytes sk_pi;
  crypto::SecretBytes sk_pr;

  IkeSaKeys Clone() const;
};

// Octets of each SK_* for a suite: SK_d, SK_pi, SK_pr are the PRF's preferred
// key length; SK_a* the integrity key; SK_e* the cipher key plus salt.
struct IkeSaKeyLengths {
  size_t d = 0;
  size_t a = 0;
  size_t e = 0;
  size_t p = 0;
  size_t total() const { return d + 2 * a + 2 * e + 2 * p; }
};
IkeSaKeyLengths IkeSaKeyLengthsFor(const IkeSuite& suite);

// Splits prf+(SKEYSEED, Ni | Nr | SPIi | SPIr) with suite.prf.
absl::StatusOr<IkeSaKeys> DeriveIkeSaKeys(const IkeSuite& suite,
                                          const crypto::SecretBytes& skeyseed,
                                          absl::Span<const uint8_t> nonce_i,
                                          absl::Span<const uint8_t> nonce_r,
                                          uint64_t spi_i, uint64_t spi_r);

// After IKE_SA_INIT: SKEYSEED from g^ir, then the split.
absl::StatusOr<IkeSaKeys> DeriveInitialIkeSaKeys(
    const IkeSuite& suite, const crypto::SecretBytes& shared_secret,
    absl::Span<const uint8_t> nonce_i, absl::Span<const uint8_t> nonce_r,
    uint64_t spi_i, uint64_t spi_r);

// After an IKE SA rekey (CREATE_CHILD_SA with an IKE proposal): SKEYSEED with
// the old SA's PRF and SK_d, then the split with the new suite. Nonces and
// SPIs are those of the rekey exchange (the new SA's).
absl::StatusOr<IkeSaKeys> DeriveRekeyedIkeSaKeys(
    const IkeSuite& new_suite, crypto::PrfAlgorithm old_prf,
    const crypto::SecretBytes& old_sk_d,
    const crypto::SecretBytes& new_shared_secret,
    absl::Span<const uint8_t> nonce_i, absl::Span<const uint8_t> nonce_r,
    uint64_t new_spi_i, uint64_t new_spi_r);

// RFC 8784 section 3: SK_d = prf+(PPK, SK_d'), SK_pi = prf+(PPK, SK_pi'),
// SK_pr = prf+(PPK, SK_pr'), each as long as the PRF's preferred key length,
// where the primed keys are those derived without the PPK. The other SK_* are
// unchanged. `keys` is not modified: the caller keeps the PPK-less SK_pi/SK_pr
// for the NO_PPK_AUTH fallback. An empty PPK is an error.
absl::StatusOr<IkeSaKeys> MixPostQuantumPreSharedKey(
    crypto::PrfAlgorithm prf, const crypto::SecretBytes& ppk,
    const IkeSaKeys& keys);

// ---- Child SA keys
// -------------------------------------------------------------

// One Child SA's keys (RFC 7296 2.17): KEYMAT is taken initiator-to-responder
// first (encryption key, then integrity key), then responder-to-initiator.
// For AEAD suites the encryption entries are key | 4-octet salt (RFC 4106
// section 8.1, RFC 7634 section 3) and the integrity entries are empty.
struct ChildSaKeys {
  crypto::SecretBytes initiator_to_responder_encryption;
  crypto::SecretBytes initiator_to_responder_integrity;
  crypto::SecretBytes responder_to_initiator_encryption;
  crypto::SecretBytes responder_to_initiator_integrity;
};

// Octets of KEYMAT a suite consumes (both directions).
size_t ChildSaKeyMaterialSize(const EspSuite& suite);

// `ike_prf` and `sk_d` are the IKE SA's. `pfs_shared_secret` is the g^ir of a
// CREATE_CHILD_SA KE exchange, null without PFS; it must be given exactly
// when suite.pfs_group is set. Nonces: IKE_SA_INIT's for the Child SA set up
// in IKE_AUTH, the CREATE_CHILD_SA's otherwise.
absl::StatusOr<ChildSaKeys> DeriveChildSaKeys(
    crypto::PrfAlgorithm ike_prf, const crypto::SecretBytes& sk_d,
    const EspSuite& suite, const crypto::SecretBytes* pfs_shared_secret,
    absl::Span<const uint8_t> nonce_i, absl::Span<const uint8_t> nonce_r);

}  // namespace cygnet::ike

#endif  // CYGNET_IKE_KEY_DERIVATION_H_
