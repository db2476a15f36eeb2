#include "ike/wire/fragmentation.h"

#include <algorithm>
#include <string>
#include <vector>

#include "crypto/random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ike/wire/message.h"
#include "ike/wire/test_messages.h"

namespace cygnet::ike::wire {
namespace {

using ::testing::HasSubstr;

SkCipher MakeCipher(EncryptionId encryption, uint16_t key_bits,
                    IntegrityId integrity) {
  auto sizes = SkKeySizesFor(encryption, key_bits, integrity);
  EXPECT_TRUE(sizes.ok());
  crypto::DeterministicRandom random(21);
  crypto::SecretBytes e = random.Secret(sizes->encryption_key);
  crypto::SecretBytes a = random.Secret(sizes->integrity_key);
  auto cipher = SkCipher::Create(encryption, key_bits, integrity, e, a);
  EXPECT_TRUE(cipher.ok()) << cipher.status();
  return *std::move(cipher);
}

const absl::Time kStart = absl::FromUnixSeconds(1700000000);

OpenedFragment MakeFragment(uint16_t number, uint16_t total, Bytes plaintext,
                            uint32_t message_id = 1) {
  OpenedFragment f;
  f.header = testing::IkeAuthHeader(false);
  f.header.message_id = message_id;
  f.fragment_number = number;
  f.total_fragments = total;
  f.first_inner_payload =
      number == 1 ? PayloadType::kNonce : PayloadType::kNone;
  f.plaintext = std::move(plaintext);
  return f;
}

// A Nonce payload of 32 bytes (36 on the wire) split into pieces.
Bytes NonceChain() {
  auto bytes = EncodePayloadChain({Payload::Of(Nonce{Bytes(32, 0x42)})});
  EXPECT_TRUE(bytes.ok());
  return *bytes;
}

TEST(FragmentationTest, MaxIkeMessageSize) {
  EXPECT_EQ(MaxIkeMessageSize(1280, true, false), 1232u);
  EXPECT_EQ(MaxIkeMessageSize(576, false, false), 548u);
  EXPECT_EQ(MaxIkeMessageSize(576, false, true), 544u);
  EXPECT_EQ(MaxIkeMessageSize(1500, false, true), 1468u);
  EXPECT_EQ(MaxIkeMessageSize(30, true, false), 0u);
}

class FragmentSuiteTest : public ::testing::TestWithParam<
                              std::tuple<EncryptionId, uint16_t, IntegrityId>> {
};

TEST_P(FragmentSuiteTest, FragmentsVerifyAndReassembleInAnyOrder) {
  const auto [encryption, key_bits, integrity] = GetParam();
  const SkCipher cipher = MakeCipher(encryption, key_bits, integrity);
  crypto::DeterministicRandom random(22);
  const std::vector<Payload> inner = testing::IkeAuthRequestInner();
  const Header header = testing::IkeAuthHeader(false);
  auto fragments = Fragment(cipher, header, inner, 300, random);
  ASSERT_TRUE(fragments.ok()) << fragments.status();
  ASSERT_GT(fragments->size(), 3u);

  std::vector<OpenedFragment> opened;
  for (size_t i = 0; i < fragments->size(); ++i) {
    const Bytes& bytes = (*fragments)[i];
    EXPECT_LE(bytes.size(), 300u);
    auto decoded = Decode(bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.status();
    EXPECT_EQ(decoded->header.next_payload, PayloadType::kEncryptedFragment);
    EXPECT_EQ(decoded->header.message_id, 1u);
    auto fragment = cipher.UnprotectFragment(bytes);
    ASSERT_TRUE(fragment.ok()) << fragment.status();
    EXPECT_EQ(fragment->fragment_number, i + 1);
    EXPECT_EQ(fragment->total_fragments, fragments->size());
    EXPECT_EQ(fragment->first_inner_payload,
              i == 0 ? PayloadType::kIdInitiator : PayloadType::kNone);
    opened.push_back(*std::move(fragment));
  }
  // All but the last fragment are full: the split wastes no room.
  EXPECT_GE((*fragments)[0].size() + cipher.block_size(), 300u);

  // Deliver last-first.
  std::reverse(opened.begin(), opened.end());
  Reassembler reassembler;
  for (size_t i = 0; i < opened.size(); ++i) {
    auto result = reassembler.Add(opened[i], kStart + absl::Seconds(i));
    ASSERT_TRUE(result.ok()) << result.status();
    if (i + 1 < opened.size()) {
      EXPECT_FALSE(result->has_value());
      EXPECT_EQ(reassembler.messages_in_reassembly(), 1u);
    } else {
      ASSERT_TRUE(result->has_value());
      EXPECT_EQ((*result)->payloads, inner);
      EXPECT_EQ((*result)->header.exchange_type, ExchangeType::kIkeAuth);
    }
  }
  EXPECT_EQ(reassembler.messages_in_reassembly(), 0u);
  EXPECT_EQ(reassembler.buffered_bytes(), 0u);

  // A tampered fragment never reaches the reassembler.
  Bytes tampered = (*fragments)[1];
  tampered[tampered.size() / 2] ^= 0x80;
  auto bad = cipher.UnprotectFragment(tampered);
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("SKF payload: integrity check failed"));
}

INSTANTIATE_TEST_SUITE_P(
    Suites, FragmentSuiteTest,
    ::testing::Values(
        std::make_tuple(EncryptionId::kAesCbc, 256,
                        IntegrityId::kHmacSha2_256_128),
        std::make_tuple(EncryptionId::kAesCbc, 128, IntegrityId::kHmacSha1_96),
        std::make_tuple(EncryptionId::kAesGcm16, 256, IntegrityId::kNone),
        std::make_tuple(EncryptionId::kAesGcm8, 128, IntegrityId::kNone)));

TEST(FragmentationTest, SmallMessageIsOneFragment) {
  const SkCipher cipher =
      MakeCipher(EncryptionId::kAesGcm16, 128, IntegrityId::kNone);
  crypto::DeterministicRandom random(23);
  auto fragments = Fragment(cipher, testing::IkeAuthHeader(true),
                            testing::IkeAuthResponseInner(), 1232, random);
  ASSERT_TRUE(fragments.ok());
  ASSERT_EQ(fragments->size(), 1u);
  auto f = cipher.UnprotectFragment((*fragments)[0]);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->total_fragments, 1);
  Reassembler reassembler;
  auto result = reassembler.Add(*f, kStart);
  ASSERT_TRUE(result.ok() && result->has_value());
  EXPECT_EQ((*result)->payloads, testing::IkeAuthResponseInner());
}

TEST(FragmentationTest, TooSmallFragmentSizeIsRefused) {
  const SkCipher cipher =
      MakeCipher(EncryptionId::kAesCbc, 128, IntegrityId::kHmacSha2_256_128);
  crypto::DeterministicRandom random(24);
  // 28 + 8 + 16 IV + 16 ICV = 68: no room for a block.
  auto fragments = Fragment(cipher, testing::IkeAuthHeader(false),
                            testing::IkeAuthRequestInner(), 70, random);
  ASSERT_FALSE(fragments.ok());
  EXPECT_THAT(std::string(fragments.status().message()),
              HasSubstr("cannot carry any payload"));
  // One block of room: 15 plaintext bytes per fragment, and it works.
  auto tiny = Fragment(cipher, testing::IkeAuthHeader(false),
                       testing::IkeAuthResponseInner(), 84, random);
  ASSERT_TRUE(tiny.ok()) << tiny.status();
  EXPECT_GT(tiny->size(), 10u);
}

TEST(ReassemblerTest, DuplicateFragmentIsRejected) {
  const Bytes chain = NonceChain();
  Reassembler r;
  Bytes first(chain.begin(), chain.begin() + 10);
  ASSERT_TRUE(r.Add(MakeFragment(1, 2, first), kStart).ok());
  auto dup = r.Add(MakeFragment(1, 2, first), kStart);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(dup.status().message()),
              HasSubstr("SKF fragment 1/2 of message 1: duplicate fragment"));
  // The reassembly survives and completes.
  auto done =
      r.Add(MakeFragment(2, 2, Bytes(chain.begin() + 10, chain.end())), kStart);
  ASSERT_TRUE(done.ok());
  ASSERT_TRUE(done->has_value());
  EXPECT_EQ((*done)->payloads[0].As<Nonce>()->data, Bytes(32, 0x42));
}

TEST(ReassemblerTest, LowerTotalIsRejectedHigherTotalRestarts) {
  const Bytes chain = NonceChain();
  Reassembler r;
  ASSERT_TRUE(r.Add(MakeFragment(2, 3, Bytes(12, 0)), kStart).ok());
  auto lower = r.Add(MakeFragment(1, 2, Bytes(12, 0)), kStart);
  ASSERT_FALSE(lower.ok());
  EXPECT_THAT(std::string(lower.status().message()),
              HasSubstr("Total Fragments 2 is below the 3 of earlier"));
  // Re-fragmented into 4: the old fragment 2/3 is forgotten.
  ASSERT_TRUE(
      r.Add(MakeFragment(1, 4, Bytes(chain.begin(), chain.begin() + 9)), kStart)
          .ok());
  EXPECT_EQ(r.buffered_bytes(), 9u);
  ASSERT_TRUE(
      r.Add(MakeFragment(2, 4, Bytes(chain.begin() + 9, chain.begin() + 18)),
            kStart)
          .ok());
  ASSERT_TRUE(
      r.Add(MakeFragment(3, 4, Bytes(chain.begin() + 18, chain.begin() + 27)),
            kStart)
          .ok());
  auto done =
      r.Add(MakeFragment(4, 4, Bytes(chain.begin() + 27, chain.end())), kStart);
  ASSERT_TRUE(done.ok() && done->has_value()) << done.status();
}

TEST(ReassemblerTest, OutOfRangeAndOverLimitFragments) {
  Reassembler r(ReassemblyLimits{4, 100, 2, absl::Seconds(10)});
  auto zero = r.Add(MakeFragment(0, 2, Bytes(4, 0)), kStart);
  EXPECT_THAT(std::string(zero.status().message()),
              HasSubstr("SKF fragment 0/2 of message 1: Fragment Number out "
                        "of range"));
  auto above = r.Add(MakeFragment(3, 2, Bytes(4, 0)), kStart);
  EXPECT_THAT(std::string(above.status().message()),
              HasSubstr("Fragment Number out of range"));
  auto many = r.Add(MakeFragment(1, 5, Bytes(4, 0)), kStart);
  EXPECT_THAT(std::string(many.status().message()),
              HasSubstr("Total Fragments 5 exceeds the limit of 4"));
  OpenedFragment named = MakeFragment(2, 2, Bytes(4, 0));
  named.first_inner_payload = PayloadType::kNotify;
  EXPECT_THAT(std::string(r.Add(named, kStart).status().message()),
              HasSubstr("only fragment 1 may name the first inner payload"));
  EXPECT_EQ(r.messages_in_reassembly(), 0u);
}

TEST(ReassemblerTest, OversizeMessageIsAbandoned) {
  Reassembler r(ReassemblyLimits{8, 100, 2, absl::Seconds(10)});
  auto single = r.Add(MakeFragment(1, 3, Bytes(101, 0)), kStart);
  EXPECT_EQ(single.status().code(), absl::StatusCode::kResourceExhausted);
  ASSERT_TRUE(r.Add(MakeFragment(1, 3, Bytes(60, 0)), kStart).ok());
  auto over = r.Add(MakeFragment(2, 3, Bytes(41, 0)), kStart);
  ASSERT_FALSE(over.ok());
  EXPECT_EQ(over.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(over.status().message()),
              HasSubstr("reassembled message would exceed 100 bytes; "
                        "reassembly abandoned"));
  EXPECT_EQ(r.messages_in_reassembly(), 0u);
  EXPECT_EQ(r.buffered_bytes(), 0u);
}

TEST(ReassemblerTest, TooManyMessagesAndTimeout) {
  Reassembler r(ReassemblyLimits{8, 1000, 2, absl::Seconds(10)});
  ASSERT_TRUE(r.Add(MakeFragment(1, 2, Bytes(4, 0), 1), kStart).ok());
  ASSERT_TRUE(
      r.Add(MakeFragment(1, 2, Bytes(4, 0), 2), kStart + absl::Seconds(5))
          .ok());
  auto third =
      r.Add(MakeFragment(1, 2, Bytes(4, 0), 3), kStart + absl::Seconds(6));
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(third.status().message()),
              HasSubstr("2 messages already in reassembly (limit 2)"));
  // At +10 s message 1 has timed out, which makes room for message 3.
  EXPECT_TRUE(
      r.Add(MakeFragment(1, 2, Bytes(4, 0), 3), kStart + absl::Seconds(10))
          .ok());
  EXPECT_EQ(r.messages_in_reassembly(), 2u);
  // Message 1's second fragment now starts a fresh (incomplete) reassembly
  // rather than completing a stale one... once there is room.
  EXPECT_EQ(r.Expire(kStart + absl::Seconds(15)), 1u);  // message 2
  auto late =
      r.Add(MakeFragment(2, 2, Bytes(4, 0), 1), kStart + absl::Seconds(15));
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->has_value());
  EXPECT_EQ(r.Expire(kStart + absl::Seconds(60)), 2u);
  EXPECT_EQ(r.messages_in_reassembly(), 0u);
}

TEST(ReassemblerTest, ExchangeMismatchAndUndecodablePlaintext) {
  Reassembler r;
  ASSERT_TRUE(r.Add(MakeFragment(1, 2, Bytes{0, 0, 0}), kStart).ok());
  OpenedFragment other = MakeFragment(2, 2, Bytes{9});
  other.header.exchange_type = ExchangeType::kInformational;
  auto mismatch = r.Add(other, kStart);
  EXPECT_THAT(std::string(mismatch.status().message()),
              HasSubstr("exchange INFORMATIONAL differs from IKE_AUTH"));
  // The pieces join to a 4-byte Nonce header claiming 9 bytes.
  auto done = r.Add(MakeFragment(2, 2, Bytes{9}), kStart);
  ASSERT_FALSE(done.ok());
  EXPECT_EQ(done.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(done.status().message()),
              HasSubstr("payload 1 (Nonce): Payload Length 9 exceeds"));
  EXPECT_EQ(r.messages_in_reassembly(), 0u);
}

}  // namespace
}  // namespace cygnet::ike::wire
