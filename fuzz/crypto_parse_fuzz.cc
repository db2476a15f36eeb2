// Fuzzes the crypto/ entry points that take bytes from the network or from
// configuration: certificates and CRLs (IKE CERT payloads, SVR identities),
// keys, peer key-exchange values and signatures. The first byte selects the
// entry point; the rest is its input. Besides "no crash", it checks the
// invariants that must hold for whatever parses: a parsed certificate
// survives a PEM round trip, a parsed private key verifies its own
// signature.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "crypto/key_exchange.h"
#include "crypto/random.h"
#include "crypto/signature.h"
#include "crypto/x509.h"

namespace {

using cygnet::crypto::Certificate;
using cygnet::crypto::Crl;
using cygnet::crypto::EcdsaEncoding;
using cygnet::crypto::KeyExchange;
using cygnet::crypto::KeyExchangeGroup;
using cygnet::crypto::KeyType;
using cygnet::crypto::PrivateKey;
using cygnet::crypto::PublicKey;
using cygnet::crypto::SignatureScheme;

const std::vector<uint8_t> kMessage = {'c', 'y', 'g', 'n', 'e', 't'};

void Require(bool condition) {
  if (!condition) std::abort();
}

absl::Time Now() {
  return absl::FromCivil(absl::CivilDay(2026, 6, 1), absl::UTCTimeZone());
}

void ExerciseCertificate(const Certificate& cert) {
  (void)cert.subject();
  (void)cert.issuer();
  (void)cert.subject_der();
  (void)cert.common_name();
  (void)cert.dns_names();
  (void)cert.email_addresses();
  (void)cert.ip_addresses();
  (void)cert.serial();
  (void)cert.not_before();
  (void)cert.not_after();
  (void)cert.public_key_sha1();
  Require(cert.public_key().ToDer().ok());
  absl::StatusOr<Certificate> again = Certificate::FromPem(cert.ToPem());
  Require(again.ok() && again->der() == cert.der());
  // Self-signed mode: verification may fail, but must not crash.
  (void)cygnet::crypto::VerifyCertificateChain(cert, {}, {cert}, Now());
}

void ExercisePrivateKey(const PrivateKey& key) {
  PublicKey pub = key.public_key();
  // Skip the slow path of huge fuzzer-made RSA keys.
  if (pub.rsa_bits() > 4096) return;
  const SignatureScheme scheme = key.type() == KeyType::kRsa
                                     ? SignatureScheme::kRsaPssSha256
                                     : SignatureScheme::kEcdsaSha256;
  absl::StatusOr<std::vector<uint8_t>> sig = key.Sign(scheme, kMessage);
  if (sig.ok()) Require(pub.Verify(scheme, kMessage, *sig).ok());
  Require(key.ToPkcs8Der().ok());
}

void ExercisePublicKey(const PublicKey& key, absl::Span<const uint8_t> sig) {
  (void)key.ToDer();
  if (key.rsa_bits() > 8192) return;
  for (SignatureScheme scheme :
       {SignatureScheme::kRsaPkcs1Sha256, SignatureScheme::kRsaPssSha384,
        SignatureScheme::kEcdsaSha256, SignatureScheme::kEcdsaSha512}) {
    (void)key.Verify(scheme, kMessage, sig, EcdsaEncoding::kDer);
    (void)key.Verify(scheme, kMessage, sig, EcdsaEncoding::kP1363);
  }
}

const KeyExchange* FixedKeyExchange(KeyExchangeGroup group) {
  static std::unique_ptr<KeyExchange>* table = [] {
    auto* t = new std::unique_ptr<KeyExchange>[5];
    cygnet::crypto::DeterministicRandom random(2026);
    const KeyExchangeGroup groups[] = {
        KeyExchangeGroup::kModp2048, KeyExchangeGroup::kEcp256,
        KeyExchangeGroup::kEcp384, KeyExchangeGroup::kEcp521,
        KeyExchangeGroup::kCurve25519};
    for (int i = 0; i < 5; ++i) {
      absl::StatusOr<std::unique_ptr<KeyExchange>> ke =
          KeyExchange::Generate(groups[i], random);
      Require(ke.ok());
      t[i] = *std::move(ke);
    }
    return t;
  }();
  switch (group) {
    case KeyExchangeGroup::kModp2048:
      return table[0].get();
    case KeyExchangeGroup::kEcp256:
      return table[1].get();
    case KeyExchangeGroup::kEcp384:
      return table[2].get();
    case KeyExchangeGroup::kEcp521:
      return table[3].get();
    case KeyExchangeGroup::kCurve25519:
      return table[4].get();
  }
  return nullptr;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t selector = data[0] % 8;
  absl::Span<const uint8_t> rest(data + 1, size - 1);
  const std::string text(reinterpret_cast<const char*>(rest.data()),
                         rest.size());
  switch (selector) {
    case 0: {
      absl::StatusOr<Certificate> cert = Certificate::FromDer(rest);
      if (cert.ok()) ExerciseCertificate(*cert);
      break;
    }
    case 1: {
      absl::StatusOr<Certificate> cert = Certificate::FromPem(text);
      if (cert.ok()) ExerciseCertificate(*cert);
      break;
    }
    case 2: {
      absl::StatusOr<Crl> crl = Crl::FromDer(rest);
      if (crl.ok()) {
        (void)crl->issuer();
        (void)crl->this_update();
        (void)crl->next_update();
        (void)crl->IsRevoked(rest.first(std::min<size_t>(rest.size(), 20)));
        absl::StatusOr<Crl> again = Crl::FromDer(crl->ToDer());
        Require(again.ok());
      }
      break;
    }
    case 3: {
      absl::StatusOr<PrivateKey> key = PrivateKey::FromDer(rest);
      if (key.ok()) ExercisePrivateKey(*key);
      break;
    }
    case 4: {
      // Input: 2-byte big-endian SPKI length, SPKI, then a signature.
      if (rest.size() < 2) break;
      const size_t length = (size_t{rest[0]} << 8) | rest[1];
      if (rest.size() - 2 < length) break;
      absl::StatusOr<PublicKey> key =
          PublicKey::FromDer(rest.subspan(2, length));
      if (key.ok()) ExercisePublicKey(*key, rest.subspan(2 + length));
      break;
    }
    case 5: {
      absl::StatusOr<PrivateKey> key = PrivateKey::FromPem(text);
      if (key.ok()) ExercisePrivateKey(*key);
      break;
    }
    case 6: {
      // Input: group selector byte, then the peer's public value.
      if (rest.empty()) break;
      const KeyExchangeGroup groups[] = {
          KeyExchangeGroup::kModp2048, KeyExchangeGroup::kEcp256,
          KeyExchangeGroup::kEcp384, KeyExchangeGroup::kEcp521,
          KeyExchangeGroup::kCurve25519};
      const KeyExchange* ke = FixedKeyExchange(groups[rest[0] % 5]);
      absl::StatusOr<cygnet::crypto::SecretBytes> shared =
          ke->ComputeSharedSecret(rest.subspan(1));
      if (shared.ok()) Require(!shared->empty());
      break;
    }
    case 7: {
      // A signature against a fixed P-256 key, in both encodings.
      static const PrivateKey* key = [] {
        cygnet::crypto::DeterministicRandom random(7);
        absl::StatusOr<PrivateKey> k =
            PrivateKey::GenerateEc(KeyType::kEcdsaP256, random);
        Require(k.ok());
        return new PrivateKey(*std::move(k));
      }();
      PublicKey pub = key->public_key();
      (void)pub.Verify(SignatureScheme::kEcdsaSha256, kMessage, rest);
      (void)pub.Verify(SignatureScheme::kEcdsaSha256, kMessage, rest,
                       EcdsaEncoding::kP1363);
      break;
    }
  }
  return 0;
}
