#include "ike/proposal_negotiation.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace cygnet::ike {
namespace {

using crypto::KeyExchangeGroup;
using crypto::PrfAlgorithm;
using wire::EncryptionId;
using wire::IntegrityId;
using wire::PrfId;
using wire::Proposal;
using wire::Transform;

const std::vector<uint8_t> kNoSpi;
const std::vector<uint8_t> kIkeSpi = {1, 2, 3, 4, 5, 6, 7, 8};
const std::vector<uint8_t> kInitiatorEspSpi = {0xc0, 0, 0, 1};
const std::vector<uint8_t> kResponderEspSpi = {0xd0, 0, 0, 2};

// seed 001/003: ikev2 proposal with prf sha-256, dh-group 20, integrity
// sha-256, encryption aes-cbc-256.
IkeProposalConfig SeedProposal() {
  return {{EncryptionAlgorithm::kAesCbc256},
          {IntegrityAlgorithm::kHmacSha2_256_128},
          {PrfAlgorithm::kHmacSha256},
          {KeyExchangeGroup::kEcp384}};
}

// seed 001: transform esp-256-aes esp-hmac-sha-256, set pfs group19.
EspProposalConfig SeedTransformSet() {
  EspProposalConfig config;
  config.encryption = {EncryptionAlgorithm::kAesCbc256};
  config.integrity = {IntegrityAlgorithm::kHmacSha2_256_128};
  config.pfs_groups = {KeyExchangeGroup::kEcp256};
  return config;
}

Transform Ke(uint16_t group) {
  return Transform::KeyExchange(static_cast<wire::KeyExchangeGroup>(group));
}

void ExpectNoProposalChosen(const absl::Status& status,
                            const std::vector<std::string>& mentions) {
  ASSERT_FALSE(status.ok());
  std::optional<ErrorNotify> notify = ErrorNotifyOf(status);
  ASSERT_TRUE(notify.has_value()) << status;
  EXPECT_EQ(notify->type, wire::NotifyType::kNoProposalChosen);
  EXPECT_TRUE(notify->data.empty());
  for (const std::string& m : mentions) {
    EXPECT_NE(status.message().find(m), absl::string_view::npos)
        << "missing \"" << m << "\" in: " << status.message();
  }
}

TEST(ProposalNegotiationTest, SeedProposalToWire) {
  auto proposals = IkeProposalsToWire({SeedProposal()}, kNoSpi);
  ASSERT_TRUE(proposals.ok()) << proposals.status();
  ASSERT_EQ(proposals->size(), 1u);
  const Proposal& p = proposals->front();
  EXPECT_EQ(p.number, 1);
  EXPECT_EQ(p.protocol_id, wire::ProtocolId::kIke);
  EXPECT_TRUE(p.spi.empty());
  std::vector<Transform> expected = {
      Transform::Encryption(EncryptionId::kAesCbc, 256),
      Transform::Prf(PrfId::kHmacSha2_256),
      Transform::Integrity(IntegrityId::kHmacSha2_256_128), Ke(20)};
  EXPECT_EQ(p.transforms, expected);
  // And back.
  auto back = IkeProposalConfigFromWire(p);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->encryption, SeedProposal().encryption);
  EXPECT_EQ(back->integrity, SeedProposal().integrity);
  EXPECT_EQ(back->prf, SeedProposal().prf);
  EXPECT_EQ(back->groups, SeedProposal().groups);
}

TEST(ProposalNegotiationTest, AeadAndPlainCiphersBecomeTwoProposals) {
  IkeProposalConfig mixed = SeedProposal();
  mixed.encryption = {EncryptionAlgorithm::kAesGcm16_256,
                      EncryptionAlgorithm::kAesCbc128,
                      EncryptionAlgorithm::kAesGcm16_128};
  auto proposals = IkeProposalsToWire({mixed}, kIkeSpi);
  ASSERT_TRUE(proposals.ok());
  ASSERT_EQ(proposals->size(), 2u);
  // The first cipher is AEAD: its proposal comes first, without INTEG.
  const Proposal& aead = (*proposals)[0];
  EXPECT_EQ(aead.number, 1);
  EXPECT_EQ(aead.spi, kIkeSpi);
  // An IKE SA rekey: both sides learn the other's new SPI.
  const std::vector<uint8_t> responder_spi = {9, 9, 9, 9, 9, 9, 9, 9};
  auto rekey = SelectIkeProposal({mixed}, *proposals, responder_spi);
  ASSERT_TRUE(rekey.ok()) << rekey.status();
  EXPECT_EQ(rekey->peer_spi, kIkeSpi);
  EXPECT_EQ(rekey->answer.spi, responder_spi);
  auto checked = CheckIkeAnswer(*proposals, {rekey->answer});
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->peer_spi, responder_spi);
  EXPECT_EQ(aead.transforms[0],
            Transform::Encryption(EncryptionId::kAesGcm16, 256));
  EXPECT_EQ(aead.transforms[1],
            Transform::Encryption(EncryptionId::kAesGcm16, 128));
  for (const Transform& t : aead.transforms) {
    EXPECT_NE(t.type, wire::TransformType::kIntegrity);
  }
  const Proposal& plain = (*proposals)[1];
  EXPECT_EQ(plain.number, 2);
  EXPECT_EQ(plain.transforms[0],
            Transform::Encryption(EncryptionId::kAesCbc, 128));
  EXPECT_NE(std::find(plain.transforms.begin(), plain.transforms.end(),
                      Transform::Integrity(IntegrityId::kHmacSha2_256_128)),
            plain.transforms.end());
}

TEST(ProposalNegotiationTest, InvalidConfigurationsAreRejected) {
  IkeProposalConfig no_prf = SeedProposal();
  no_prf.prf.clear();
  EXPECT_NE(IkeProposalsToWire({no_prf}, kNoSpi).status().message().find("prf"),
            absl::string_view::npos);
  IkeProposalConfig no_integrity = SeedProposal();
  no_integrity.integrity.clear();
  EXPECT_FALSE(IkeProposalsToWire({no_integrity}, kNoSpi).ok());
  IkeProposalConfig aead_only = SeedProposal();
  aead_only.encryption = {EncryptionAlgorithm::kAesGcm16_128};
  aead_only.integrity.clear();
  EXPECT_TRUE(IkeProposalsToWire({aead_only}, kNoSpi).ok());
  EXPECT_FALSE(IkeProposalsToWire({SeedProposal()}, {1, 2, 3}).ok());
  EXPECT_FALSE(IkeProposalsToWire({}, kNoSpi).ok());
  EXPECT_FALSE(EspProposalsToWire({SeedTransformSet()}, kIkeSpi,
                                  ChildSaExchange::kIkeAuth)
                   .ok());
}

TEST(ProposalNegotiationTest,
     ResponderTakesTheFirstAcceptableInInitiatorOrder) {
  IkeProposalConfig gcm{{EncryptionAlgorithm::kAesGcm16_256},
                        {},
                        {PrfAlgorithm::kHmacSha384},
                        {KeyExchangeGroup::kEcp256}};
  auto offered = IkeProposalsToWire({gcm, SeedProposal()}, kNoSpi);
  ASSERT_TRUE(offered.ok());
  // The responder lists them the other way round: the initiator's order wins.
  auto selection = SelectIkeProposal({SeedProposal(), gcm}, *offered, kNoSpi);
  ASSERT_TRUE(selection.ok()) << selection.status();
  EXPECT_EQ(selection->answer.number, 1);
  EXPECT_EQ(
      selection->suite,
      (IkeSuite{EncryptionAlgorithm::kAesGcm16_256, IntegrityAlgorithm::kNone,
                PrfAlgorithm::kHmacSha384, KeyExchangeGroup::kEcp256}));
  EXPECT_EQ(selection->answer.transforms.size(), 3u);  // ENCR, PRF, KE
  // A responder that only has the seed proposal takes number 2.
  selection = SelectIkeProposal({SeedProposal()}, *offered, kNoSpi);
  ASSERT_TRUE(selection.ok());
  EXPECT_EQ(selection->answer.number, 2);
  EXPECT_EQ(selection->answer.transforms.size(), 4u);  // ENCR, PRF, INTEG, KE
  // The initiator accepts that answer and derives the same suite.
  auto checked = CheckIkeAnswer(*offered, {selection->answer});
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->suite, selection->suite);
}

TEST(ProposalNegotiationTest, TransformsAreChosenInInitiatorOrder) {
  Proposal offer;
  offer.transforms = {Transform::Encryption(EncryptionId::kAesCbc, 128),
                      Transform::Encryption(EncryptionId::kAesCbc, 256),
                      Transform::Prf(PrfId::kHmacSha2_512),
                      Transform::Prf(PrfId::kHmacSha2_256),
                      Transform::Integrity(IntegrityId::kHmacSha1_96),
                      Transform::Integrity(IntegrityId::kHmacSha2_256_128),
                      Ke(21),
                      Ke(19)};
  IkeProposalConfig local{
      {EncryptionAlgorithm::kAesCbc256, EncryptionAlgorithm::kAesCbc128},
      {IntegrityAlgorithm::kHmacSha2_256_128, IntegrityAlgorithm::kHmacSha1_96},
      {PrfAlgorithm::kHmacSha256, PrfAlgorithm::kHmacSha512},
      {KeyExchangeGroup::kEcp256, KeyExchangeGroup::kEcp521}};
  auto selection = SelectIkeProposal({local}, {offer}, kNoSpi);
  ASSERT_TRUE(selection.ok());
  EXPECT_EQ(selection->suite,
            (IkeSuite{EncryptionAlgorithm::kAesCbc128,
                      IntegrityAlgorithm::kHmacSha1_96,
                      PrfAlgorithm::kHmacSha512, KeyExchangeGroup::kEcp521}));
  std::vector<Transform> expected = {
      Transform::Encryption(EncryptionId::kAesCbc, 128),
      Transform::Prf(PrfId::kHmacSha2_512),
      Transform::Integrity(IntegrityId::kHmacSha1_96), Ke(21)};
  EXPECT_EQ(selection->answer.transforms, expected);
}

TEST(ProposalNegotiationTest, Seed002DefaultProposalIsNeverNegotiated) {
  // A peer running the seed 002 default: encryption aes-cbc-128 3des,
  // integrity sha1 md5, group 5 2 (PRF follows integrity).
  Proposal offer;
  offer.transforms = {Transform::Encryption(EncryptionId::k3Des),
                      Transform::Encryption(EncryptionId::kAesCbc, 128),
                      Transform::Prf(PrfId::kHmacMd5),
                      Transform::Prf(PrfId::kHmacSha1),
                      Transform::Integrity(IntegrityId::kHmacMd5_96),
                      Transform::Integrity(IntegrityId::kHmacSha1_96),
                      Ke(5),
                      Ke(2)};
  IkeProposalConfig local{{EncryptionAlgorithm::kAesCbc128},
                          {IntegrityAlgorithm::kHmacSha1_96},
                          {PrfAlgorithm::kHmacSha1},
                          {KeyExchangeGroup::kEcp256}};
  auto selection = SelectIkeProposal({local}, {offer}, kNoSpi);
  ExpectNoProposalChosen(
      selection.status(),
      {"proposal 1", "no acceptable KE group", "group 5 refused: RFC 8247",
       "group 2 refused: RFC 8247"});
  // With a usable group added, the refused algorithms are passed over even
  // though the initiator lists them first.
  offer.transforms.push_back(Ke(19));
  selection = SelectIkeProposal({local}, {offer}, kNoSpi);
  ASSERT_TRUE(selection.ok()) << selection.status();
  EXPECT_EQ(selection->suite,
            (IkeSuite{EncryptionAlgorithm::kAesCbc128,
                      IntegrityAlgorithm::kHmacSha1_96, PrfAlgorithm::kHmacSha1,
                      KeyExchangeGroup::kEcp256}));
  // Only 3DES offered: the reason cites RFC 8247.
  Proposal des_only = offer;
  des_only.transforms.erase(des_only.transforms.begin() + 1);
  selection = SelectIkeProposal({local}, {des_only}, kNoSpi);
  ExpectNoProposalChosen(
      selection.status(),
      {"no acceptable encryption", "ENCR_3DES", "RFC 8247 section 2.1"});
}

TEST(ProposalNegotiationTest, KeyLengthAttributeIsHonoured) {
  Proposal offer;
  offer.transforms = {Transform::Encryption(EncryptionId::kAesCbc, 192),
                      Transform::Prf(PrfId::kHmacSha2_256),
                      Transform::Integrity(IntegrityId::kHmacSha2_256_128),
                      Ke(20)};
  auto selection = SelectIkeProposal({SeedProposal()}, {offer}, kNoSpi);
  ExpectNoProposalChosen(selection.status(),
                         {"ENCR_AES_CBC/192", "not configured locally"});
  // AES without a Key Length attribute is skipped with a reason.
  offer.transforms[0] = Transform::Encryption(EncryptionId::kAesCbc);
  selection = SelectIkeProposal({SeedProposal()}, {offer}, kNoSpi);
  ExpectNoProposalChosen(selection.status(), {"Key Length attribute missing"});
  offer.transforms[0] = Transform::Encryption(EncryptionId::kAesCbc, 256);
  EXPECT_TRUE(SelectIkeProposal({SeedProposal()}, {offer}, kNoSpi).ok());
}

TEST(ProposalNegotiationTest, UnknownTypesAttributesAndMissingTypes) {
  Proposal offer = IkeProposalsToWire({SeedProposal()}, kNoSpi)->front();
  // An unknown transform type makes the whole proposal unacceptable.
  Proposal unknown_type = offer;
  unknown_type.transforms.push_back(
      {static_cast<wire::TransformType>(9), 1, std::nullopt, {}});
  ExpectNoProposalChosen(
      SelectIkeProposal({SeedProposal()}, {unknown_type}, kNoSpi).status(),
      {"unknown transform type 9"});
  // An unknown attribute makes only that transform unacceptable.
  Proposal unknown_attribute = offer;
  Transform odd = Transform::Encryption(EncryptionId::kAesCbc, 256);
  odd.other_attributes.push_back({17, true, {0, 1}});
  unknown_attribute.transforms.insert(unknown_attribute.transforms.begin(),
                                      odd);
  auto selection =
      SelectIkeProposal({SeedProposal()}, {unknown_attribute}, kNoSpi);
  ASSERT_TRUE(selection.ok());
  EXPECT_TRUE(selection->answer.transforms[0].other_attributes.empty());
  // A missing mandatory type.
  Proposal no_ke = offer;
  no_ke.transforms.pop_back();
  ExpectNoProposalChosen(
      SelectIkeProposal({SeedProposal()}, {no_ke}, kNoSpi).status(),
      {"no KE group transform offered"});
  // ESP proposals in an IKE SA payload.
  Proposal esp = offer;
  esp.protocol_id = wire::ProtocolId::kEsp;
  ExpectNoProposalChosen(
      SelectIkeProposal({SeedProposal()}, {esp}, kNoSpi).status(),
      {"expected IKE"});
  ExpectNoProposalChosen(
      SelectIkeProposal({SeedProposal()}, {}, kNoSpi).status(), {"empty"});
}

TEST(ProposalNegotiationTest, AeadIsNeverPairedWithIntegrity) {
  IkeProposalConfig gcm{{EncryptionAlgorithm::kAesGcm16_128},
                        {},
                        {PrfAlgorithm::kHmacSha256},
                        {KeyExchangeGroup::kEcp256}};
  Proposal offer;
  offer.transforms = {Transform::Encryption(EncryptionId::kAesGcm16, 128),
                      Transform::Prf(PrfId::kHmacSha2_256),
                      Transform::Integrity(IntegrityId::kHmacSha2_256_128),
                      Ke(19)};
  EXPECT_FALSE(SelectIkeProposal({gcm}, {offer}, kNoSpi).ok());
  // INTEG NONE is fine and echoed.
  offer.transforms[2] = Transform::Integrity(IntegrityId::kNone);
  auto selection = SelectIkeProposal({gcm}, {offer}, kNoSpi);
  ASSERT_TRUE(selection.ok()) << selection.status();
  EXPECT_EQ(selection->answer.transforms[2],
            Transform::Integrity(IntegrityId::kNone));
  EXPECT_TRUE(CheckIkeAnswer({offer}, {selection->answer}).ok());
}

TEST(ProposalNegotiationTest, InitiatorRejectsAnswersItDidNotOffer) {
  auto offered = IkeProposalsToWire({SeedProposal()}, kNoSpi);
  ASSERT_TRUE(offered.ok());
  auto selection = SelectIkeProposal({SeedProposal()}, *offered, kNoSpi);
  ASSERT_TRUE(selection.ok());
  const Proposal good = selection->answer;
  ASSERT_TRUE(CheckIkeAnswer(*offered, {good}).ok());

  ExpectNoProposalChosen(CheckIkeAnswer(*offered, {good, good}).status(),
                         {"2 proposals"});
  ExpectNoProposalChosen(CheckIkeAnswer(*offered, {}).status(),
                         {"0 proposals"});
  Proposal wrong_number = good;
  wrong_number.number = 7;
  ExpectNoProposalChosen(CheckIkeAnswer(*offered, {wrong_number}).status(),
                         {"number 7 was never offered"});
  Proposal other_length = good;
  other_length.transforms[0] =
      Transform::Encryption(EncryptionId::kAesCbc, 128);
  ExpectNoProposalChosen(CheckIkeAnswer(*offered, {other_length}).status(),
                         {"ENCR_AES_CBC/128 was not in offered proposal 1"});
  Proposal two_prfs = good;
  two_prfs.transforms.push_back(Transform::Prf(PrfId::kHmacSha2_256));
  ExpectNoProposalChosen(CheckIkeAnswer(*offered, {two_prfs}).status(),
                         {"exactly one of each type"});
  Proposal no_ke = good;
  no_ke.transforms.pop_back();
  ExpectNoProposalChosen(CheckIkeAnswer(*offered, {no_ke}).status(),
                         {"mandatory"});
  Proposal no_integrity = good;
  no_integrity.transforms.erase(no_integrity.transforms.begin() + 2);
  EXPECT_FALSE(CheckIkeAnswer(*offered, {no_integrity}).ok());
  Proposal with_spi = good;
  with_spi.spi = kIkeSpi;
  ExpectNoProposalChosen(CheckIkeAnswer(*offered, {with_spi}).status(),
                         {"8-octet SPI"});
}

TEST(ProposalNegotiationTest, KePayloadGroupIsPreferredWithinTheProposal) {
  IkeProposalConfig two_groups = SeedProposal();
  two_groups.groups = {KeyExchangeGroup::kEcp256, KeyExchangeGroup::kEcp384};
  auto offered = IkeProposalsToWire({two_groups}, kNoSpi);
  ASSERT_TRUE(offered.ok());
  // Without a hint: the initiator's first group.
  auto selection = SelectIkeProposal({two_groups}, *offered, kNoSpi);
  ASSERT_TRUE(selection.ok());
  EXPECT_EQ(selection->suite.group, KeyExchangeGroup::kEcp256);
  // The KE payload carries group 20, which both accept: no round trip.
  selection = SelectIkeProposal({two_groups}, *offered, kNoSpi,
                                wire::KeyExchangeGroup::kEcp384);
  ASSERT_TRUE(selection.ok());
  EXPECT_EQ(selection->suite.group, KeyExchangeGroup::kEcp384);
  EXPECT_TRUE(CheckKeyExchangeGroup(selection->suite.group,
                                    wire::KeyExchangeGroup::kEcp384)
                  .ok());
  // A KE payload group the responder does not accept changes nothing.
  selection = SelectIkeProposal({SeedProposal()}, *offered, kNoSpi,
                                wire::KeyExchangeGroup::kEcp256);
  ASSERT_TRUE(selection.ok());
  EXPECT_EQ(selection->suite.group, KeyExchangeGroup::kEcp384);
  EXPECT_FALSE(CheckKeyExchangeGroup(selection->suite.group,
                                     wire::KeyExchangeGroup::kEcp256)
                   .ok());
  // Same for a CREATE_CHILD_SA with PFS.
  EspProposalConfig esp = SeedTransformSet();
  esp.pfs_groups = {KeyExchangeGroup::kEcp256, KeyExchangeGroup::kEcp521};
  auto esp_offer = EspProposalsToWire({esp}, kInitiatorEspSpi,
                                      ChildSaExchange::kCreateChildSa);
  ASSERT_TRUE(esp_offer.ok());
  auto esp_selection = SelectEspProposal({esp}, *esp_offer, kResponderEspSpi,
                                         ChildSaExchange::kCreateChildSa,
                                         wire::KeyExchangeGroup::kEcp521);
  ASSERT_TRUE(esp_selection.ok());
  EXPECT_EQ(esp_selection->suite.pfs_group, KeyExchangeGroup::kEcp521);
}

// The responder's one call for IKE_SA_INIT and IKE SA rekeys: the KE
// payload's group when the chosen proposal allows it, else INVALID_KE_PAYLOAD
// naming the group to use, and NO_PROPOSAL_CHOSEN when nothing matches.
TEST(ProposalNegotiationTest, SelectIkeProposalForKe) {
  IkeProposalConfig two_groups = SeedProposal();
  two_groups.groups = {KeyExchangeGroup::kEcp256, KeyExchangeGroup::kEcp384};
  auto offered = IkeProposalsToWire({two_groups}, kNoSpi);
  ASSERT_TRUE(offered.ok());
  auto selection = SelectIkeProposalForKe({two_groups}, *offered, kNoSpi,
                                          wire::KeyExchangeGroup::kEcp384);
  ASSERT_TRUE(selection.ok());
  EXPECT_EQ(selection->suite.group, KeyExchangeGroup::kEcp384);

  // Seed proposal: group 20 only; the initiator guessed group 19.
  selection = SelectIkeProposalForKe({SeedProposal()}, *offered, kNoSpi,
                                     wire::KeyExchangeGroup::kEcp256);
  std::optional<ErrorNotify> notify = ErrorNotifyOf(selection.status());
  ASSERT_TRUE(notify.has_value());
  EXPECT_EQ(notify->type, wire::NotifyType::kInvalidKePayload);
  EXPECT_EQ(notify->data, (std::vector<uint8_t>{0, 20}));

  IkeProposalConfig other = SeedProposal();
  other.prf = {PrfAlgorithm::kHmacSha512};
  auto unacceptable = IkeProposalsToWire({other}, kNoSpi);
  ASSERT_TRUE(unacceptable.ok());
  selection = SelectIkeProposalForKe({SeedProposal()}, *unacceptable, kNoSpi,
                                     wire::KeyExchangeGroup::kEcp384);
  notify = ErrorNotifyOf(selection.status());
  ASSERT_TRUE(notify.has_value());
  EXPECT_EQ(notify->type, wire::NotifyType::kNoProposalChosen);
}

TEST(ProposalNegotiationTest, InvalidKePayload) {
  absl::Status status = CheckKeyExchangeGroup(KeyExchangeGroup::kEcp384,
                                              wire::KeyExchangeGroup::kEcp256);
  std::optional<ErrorNotify> notify = ErrorNotifyOf(status);
  ASSERT_TRUE(notify.has_value());
  EXPECT_EQ(notify->type, wire::NotifyType::kInvalidKePayload);
  EXPECT_EQ(notify->data, (std::vector<uint8_t>{0, 20}));
  EXPECT_NE(status.message().find("group 19"), absl::string_view::npos);
  EXPECT_TRUE(CheckKeyExchangeGroup(KeyExchangeGroup::kEcp384,
                                    wire::KeyExchangeGroup::kEcp384)
                  .ok());
  EXPECT_FALSE(ErrorNotifyOf(absl::OkStatus()).has_value());
  EXPECT_FALSE(ErrorNotifyOf(absl::InvalidArgumentError("x")).has_value());

  // The initiator obeys only a group it offered.
  IkeProposalConfig two_groups = SeedProposal();
  two_groups.groups = {KeyExchangeGroup::kEcp256, KeyExchangeGroup::kEcp384};
  auto offered = IkeProposalsToWire({two_groups}, kNoSpi);
  ASSERT_TRUE(offered.ok());
  auto group = GroupFromInvalidKePayload(notify->data, *offered);
  ASSERT_TRUE(group.ok());
  EXPECT_EQ(*group, KeyExchangeGroup::kEcp384);
  EXPECT_FALSE(GroupFromInvalidKePayload({0, 21}, *offered).ok());
  EXPECT_FALSE(GroupFromInvalidKePayload({0}, *offered).ok());
}

TEST(ProposalNegotiationTest, EspSeedTransformSetInIkeAuthAndCreateChildSa) {
  auto auth = EspProposalsToWire({SeedTransformSet()}, kInitiatorEspSpi,
                                 ChildSaExchange::kIkeAuth);
  ASSERT_TRUE(auth.ok()) << auth.status();
  ASSERT_EQ(auth->size(), 1u);
  std::vector<Transform> expected = {
      Transform::Encryption(EncryptionId::kAesCbc, 256),
      Transform::Integrity(IntegrityId::kHmacSha2_256_128),
      Transform::Esn(wire::EsnId::kNoEsn)};
  EXPECT_EQ(auth->front().transforms, expected);
  EXPECT_EQ(auth->front().spi, kInitiatorEspSpi);

  auto selection = SelectEspProposal(
      {SeedTransformSet()}, *auth, kResponderEspSpi, ChildSaExchange::kIkeAuth);
  ASSERT_TRUE(selection.ok()) << selection.status();
  EXPECT_FALSE(selection->suite.pfs_group.has_value());
  EXPECT_EQ(selection->peer_spi, kInitiatorEspSpi);
  EXPECT_EQ(selection->answer.spi, kResponderEspSpi);
  auto checked =
      CheckEspAnswer(*auth, {selection->answer}, ChildSaExchange::kIkeAuth);
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->suite, selection->suite);
  EXPECT_EQ(checked->peer_spi, kResponderEspSpi);

  // CREATE_CHILD_SA carries the PFS group.
  auto rekey = EspProposalsToWire({SeedTransformSet()}, kInitiatorEspSpi,
                                  ChildSaExchange::kCreateChildSa);
  ASSERT_TRUE(rekey.ok());
  EXPECT_NE(std::find(rekey->front().transforms.begin(),
                      rekey->front().transforms.end(), Ke(19)),
            rekey->front().transforms.end());
  selection = SelectEspProposal({SeedTransformSet()}, *rekey, kResponderEspSpi,
                                ChildSaExchange::kCreateChildSa);
  ASSERT_TRUE(selection.ok()) << selection.status();
  EXPECT_EQ(selection->suite.pfs_group, KeyExchangeGroup::kEcp256);
  checked = CheckEspAnswer(*rekey, {selection->answer},
                           ChildSaExchange::kCreateChildSa);
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->suite.pfs_group, KeyExchangeGroup::kEcp256);
  // An answer that drops the required KE is refused.
  Proposal no_ke = selection->answer;
  no_ke.transforms.erase(no_ke.transforms.begin() + 2);
  EXPECT_FALSE(
      CheckEspAnswer(*rekey, {no_ke}, ChildSaExchange::kCreateChildSa).ok());
}

TEST(ProposalNegotiationTest, EspPfsRules) {
  EspProposalConfig no_pfs = SeedTransformSet();
  no_pfs.pfs_groups.clear();
  auto without_ke = EspProposalsToWire({no_pfs}, kInitiatorEspSpi,
                                       ChildSaExchange::kCreateChildSa);
  ASSERT_TRUE(without_ke.ok());
  // Local PFS required, peer offers none.
  ExpectNoProposalChosen(
      SelectEspProposal({SeedTransformSet()}, *without_ke, kResponderEspSpi,
                        ChildSaExchange::kCreateChildSa)
          .status(),
      {"no acceptable PFS KE group", "offered none"});
  // Peer requires PFS, none configured locally.
  auto with_ke = EspProposalsToWire({SeedTransformSet()}, kInitiatorEspSpi,
                                    ChildSaExchange::kCreateChildSa);
  ASSERT_TRUE(with_ke.ok());
  ExpectNoProposalChosen(SelectEspProposal({no_pfs}, *with_ke, kResponderEspSpi,
                                           ChildSaExchange::kCreateChildSa)
                             .status(),
                         {"offered group 19"});
  // Peer makes PFS optional with NONE: accepted without PFS, NONE echoed.
  Proposal optional = with_ke->front();
  optional.transforms.insert(optional.transforms.end() - 1, Ke(0));
  auto selection = SelectEspProposal({no_pfs}, {optional}, kResponderEspSpi,
                                     ChildSaExchange::kCreateChildSa);
  ASSERT_TRUE(selection.ok()) << selection.status();
  EXPECT_FALSE(selection->suite.pfs_group.has_value());
  EXPECT_NE(std::find(selection->answer.transforms.begin(),
                      selection->answer.transforms.end(), Ke(0)),
            selection->answer.transforms.end());
  EXPECT_TRUE(CheckEspAnswer({optional}, {selection->answer},
                             ChildSaExchange::kCreateChildSa)
                  .ok());
  // In IKE_AUTH KE transforms are ignored.
  selection = SelectEspProposal({no_pfs}, *with_ke, kResponderEspSpi,
                                ChildSaExchange::kIkeAuth);
  ASSERT_TRUE(selection.ok());
  for (const Transform& t : selection->answer.transforms) {
    EXPECT_NE(t.type, wire::TransformType::kKeyExchange);
  }
  // Refused PFS group.
  Proposal group5 = with_ke->front();
  for (Transform& t : group5.transforms) {
    if (t.type == wire::TransformType::kKeyExchange) t = Ke(5);
  }
  ExpectNoProposalChosen(
      SelectEspProposal({SeedTransformSet()}, {group5}, kResponderEspSpi,
                        ChildSaExchange::kCreateChildSa)
          .status(),
      {"group 5"});
}

TEST(ProposalNegotiationTest, EspMandatoryTypesAndAlgorithms) {
  auto offered = EspProposalsToWire({SeedTransformSet()}, kInitiatorEspSpi,
                                    ChildSaExchange::kIkeAuth);
  ASSERT_TRUE(offered.ok());
  Proposal no_esn = offered->front();
  no_esn.transforms.pop_back();
  ExpectNoProposalChosen(
      SelectEspProposal({SeedTransformSet()}, {no_esn}, kResponderEspSpi,
                        ChildSaExchange::kIkeAuth)
          .status(),
      {"no ESN transform offered"});
  Proposal md5 = offered->front();
  md5.transforms[1] = Transform::Integrity(IntegrityId::kHmacMd5_96);
  ExpectNoProposalChosen(
      SelectEspProposal({SeedTransformSet()}, {md5}, kResponderEspSpi,
                        ChildSaExchange::kIkeAuth)
          .status(),
      {"AUTH_HMAC_MD5_96", "RFC 8221"});
  Proposal bad_spi = offered->front();
  bad_spi.spi = {1, 2};
  ExpectNoProposalChosen(
      SelectEspProposal({SeedTransformSet()}, {bad_spi}, kResponderEspSpi,
                        ChildSaExchange::kIkeAuth)
          .status(),
      {"SPI of 2 octets"});
  // ChaCha20-Poly1305 with ESN, no integrity.
  EspProposalConfig chacha;
  chacha.encryption = {EncryptionAlgorithm::kChaCha20Poly1305};
  chacha.extended_sequence_numbers = {true, false};
  auto chacha_offer =
      EspProposalsToWire({chacha}, kInitiatorEspSpi, ChildSaExchange::kIkeAuth);
  ASSERT_TRUE(chacha_offer.ok());
  auto selection = SelectEspProposal({chacha}, *chacha_offer, kResponderEspSpi,
                                     ChildSaExchange::kIkeAuth);
  ASSERT_TRUE(selection.ok()) << selection.status();
  EXPECT_EQ(selection->suite.encryption,
            EncryptionAlgorithm::kChaCha20Poly1305);
  EXPECT_EQ(selection->suite.integrity, IntegrityAlgorithm::kNone);
  EXPECT_TRUE(selection->suite.extended_sequence_numbers);
  auto back = EspProposalConfigFromWire(chacha_offer->front());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->encryption, chacha.encryption);
  EXPECT_EQ(back->extended_sequence_numbers, chacha.extended_sequence_numbers);
}

TEST(ProposalNegotiationTest, FromWireNamesRefusedTransforms) {
  Proposal offer;
  offer.number = 3;
  offer.transforms = {Transform::Encryption(EncryptionId::k3Des),
                      Transform::Prf(PrfId::kHmacSha1),
                      Transform::Integrity(IntegrityId::kHmacSha1_96), Ke(14)};
  auto config = IkeProposalConfigFromWire(offer);
  EXPECT_NE(config.status().message().find("proposal 3"),
            absl::string_view::npos);
  EXPECT_NE(config.status().message().find("RFC 8247"),
            absl::string_view::npos);
}

// Every refusal of the decoders names the proposal and the problem.
TEST(ProposalNegotiationTest, FromWireRefusesWrongProtocolAndTypes) {
  Proposal esp;
  esp.number = 2;
  esp.protocol_id = wire::ProtocolId::kEsp;
  esp.transforms = {Transform::Prf(PrfId::kHmacSha2_256)};
  EXPECT_EQ(EspProposalConfigFromWire(esp).status().message(),
            "proposal 2: transform type PRF not allowed for ESP");
  EXPECT_EQ(IkeProposalConfigFromWire(esp).status().message(),
            "proposal 2: protocol ESP, expected IKE");
  Proposal ike;
  ike.number = 4;
  ike.transforms = {Transform::Esn(wire::EsnId::kNoEsn)};
  EXPECT_EQ(IkeProposalConfigFromWire(ike).status().message(),
            "proposal 4: transform type ESN not allowed for IKE");
  EXPECT_EQ(EspProposalConfigFromWire(ike).status().message(),
            "proposal 4: protocol IKE, expected ESP");
}

}  // namespace
}  // namespace cygnet::ike
