// ike_negotiation_fuzz: peer-controlled inputs of ike/proposal_negotiation.h
// and ike/authentication.h.
//
// The first octet picks what the rest is:
//   0: SA payload proposals (a compact structure-aware encoding, below) for
//      the responder's choice, the initiator's answer check and FromWire;
//   1: a method 14 AUTH payload (AlgorithmIdentifier parsing, verification
//      with a fixed key);
//   2: SIGNATURE_HASH_ALGORITHMS notify data;
//   3: INVALID_KE_PAYLOAD notify data and a PSK AUTH value.
// Proposal encoding: number, protocol, SPI length (mod 9) and SPI, transform
// count (mod 16), then per transform: type, ID (2 octets), flags (bit 0: a
// Key Length follows, 2 octets; bit 1: add an unknown attribute).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "crypto/random.h"
#include "crypto/secret_bytes.h"
#include "crypto/signature.h"
#include "ike/authentication.h"
#include "ike/proposal_negotiation.h"

namespace {

using namespace cygnet;  // NOLINT: fuzz driver

class Reader {
 public:
  explicit Reader(absl::Span<const uint8_t> data) : data_(data) {}
  bool empty() const { return data_.empty(); }
  uint8_t U8() {
    if (data_.empty()) return 0;
    uint8_t v = data_[0];
    data_.remove_prefix(1);
    return v;
  }
  uint16_t U16() { return static_cast<uint16_t>((U8() << 8) | U8()); }
  absl::Span<const uint8_t> rest() const { return data_; }

 private:
  absl::Span<const uint8_t> data_;
};

std::vector<ike::wire::Proposal> ReadProposals(Reader& in) {
  std::vector<ike::wire::Proposal> out;
  while (!in.empty() && out.size() < 8) {
    ike::wire::Proposal p;
    p.number = in.U8();
    p.protocol_id = static_cast<ike::wire::ProtocolId>(in.U8() % 5);
    const size_t spi = in.U8() % 9;
    for (size_t i = 0; i < spi; ++i) p.spi.push_back(in.U8());
    const size_t transforms = in.U8() % 16;
    for (size_t i = 0; i < transforms && !in.empty(); ++i) {
      ike::wire::Transform t;
      t.type = static_cast<ike::wire::TransformType>(in.U8() % 7);
      t.id = in.U16();
      const uint8_t flags = in.U8();
      if (flags & 1) t.key_length = in.U16();
      if (flags & 2) t.other_attributes.push_back({in.U16(), true, {0, 1}});
      p.transforms.push_back(std::move(t));
    }
    out.push_back(std::move(p));
  }
  return out;
}

const std::vector<ike::IkeProposalConfig>& LocalIke() {
  static const auto* configs = new std::vector<ike::IkeProposalConfig>{
      {{ike::EncryptionAlgorithm::kAesCbc256,
        ike::EncryptionAlgorithm::kAesGcm16_128},
       {ike::IntegrityAlgorithm::kHmacSha2_256_128,
        ike::IntegrityAlgorithm::kHmacSha1_96},
       {crypto::PrfAlgorithm::kHmacSha256, crypto::PrfAlgorithm::kHmacSha1},
       {crypto::KeyExchangeGroup::kEcp384, crypto::KeyExchangeGroup::kEcp256}}};
  return *configs;
}

const std::vector<ike::EspProposalConfig>& LocalEsp() {
  static const auto* configs = [] {
    auto* c = new std::vector<ike::EspProposalConfig>(2);
    (*c)[0].encryption = {ike::EncryptionAlgorithm::kAesCbc256};
    (*c)[0].integrity = {ike::IntegrityAlgorithm::kHmacSha2_256_128};
    (*c)[0].pfs_groups = {crypto::KeyExchangeGroup::kEcp256};
    (*c)[1].encryption = {ike::EncryptionAlgorithm::kChaCha20Poly1305};
    (*c)[1].extended_sequence_numbers = {true, false};
    return c;
  }();
  return *configs;
}

const crypto::PrivateKey& Key() {
  static const crypto::PrivateKey* key = [] {
    crypto::DeterministicRandom random(1);
    return new crypto::PrivateKey(
        *crypto::PrivateKey::GenerateEc(crypto::KeyType::kEcdsaP256, random));
  }();
  return *key;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Reader in({data, size});
  const uint8_t mode = in.U8() % 4;
  const std::vector<uint8_t> ike_spi(8, 1), esp_spi = {1, 2, 3, 4};
  switch (mode) {
    case 0: {
      const std::vector<ike::wire::Proposal> proposals = ReadProposals(in);
      (void)ike::SelectIkeProposal(LocalIke(), proposals, {},
                                   ike::wire::KeyExchangeGroup::kEcp256);
      (void)ike::SelectIkeProposal(LocalIke(), proposals, ike_spi);
      for (auto exchange : {ike::ChildSaExchange::kIkeAuth,
                            ike::ChildSaExchange::kCreateChildSa}) {
        (void)ike::SelectEspProposal(LocalEsp(), proposals, esp_spi, exchange);
        auto offered = ike::EspProposalsToWire(LocalEsp(), esp_spi, exchange);
        if (offered.ok())
          (void)ike::CheckEspAnswer(*offered, proposals, exchange);
      }
      auto offered = ike::IkeProposalsToWire(LocalIke(), {});
      if (offered.ok()) (void)ike::CheckIkeAnswer(*offered, proposals);
      for (const auto& p : proposals) {
        (void)ike::IkeProposalConfigFromWire(p);
        (void)ike::EspProposalConfigFromWire(p);
      }
      break;
    }
    case 1: {
      const std::vector<uint8_t> octets = {1, 2, 3};
      (void)ike::ParseSignatureAlgorithmIdentifier(in.rest());
      (void)ike::VerifySignatureAuth(ike::wire::AuthMethod::kDigitalSignature,
                                     in.rest(), Key().public_key(), octets);
      (void)ike::VerifySignatureAuth(ike::wire::AuthMethod::kEcdsaSha256P256,
                                     in.rest(), Key().public_key(), octets);
      break;
    }
    case 2: {
      auto hashes = ike::ParseSignatureHashAlgorithmsData(in.rest());
      if (hashes.ok()) {
        (void)ike::ChooseSignatureScheme(crypto::KeyType::kRsa, true, *hashes);
        (void)ike::ChooseSignatureScheme(crypto::KeyType::kEcdsaP521, false,
                                         *hashes);
      }
      break;
    }
    case 3: {
      auto offered = ike::IkeProposalsToWire(LocalIke(), {});
      if (offered.ok())
        (void)ike::GroupFromInvalidKePayload(in.rest(), *offered);
      const crypto::SecretBytes psk =
          crypto::SecretBytes::Copy({'k', 'e', 'y'});
      (void)ike::VerifySharedKeyAuth(crypto::PrfAlgorithm::kHmacSha256, psk,
                                     {1, 2, 3}, in.rest());
      break;
    }
  }
  return 0;
}
