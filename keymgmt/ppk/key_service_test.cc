#include "keymgmt/ppk/key_service.h"

#include <memory>
#include <string>
#include <vector>

#include "crypto/random.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "keymgmt/ppk/http_ppk_source.h"
#include "keymgmt/ppk/qkd014_client.h"
#include "keymgmt/ppk/skip_client.h"

namespace cygnet::keymgmt {
namespace {

using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

// Goes through the byte codec both ways, then answers at once.
class LoopbackTransport : public HttpTransport {
 public:
  LoopbackTransport(KeyService& service, KeyService::Side side)
      : service_(service), side_(side) {}
  HttpPpkSource* source = nullptr;
  void Send(PpkSource::RequestId id, const HttpRequest& request) override {
    std::string wire = request.Serialize();
    absl::StatusOr<HttpRequest> parsed = ParseHttpRequest(AsBytes(wire));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    std::string response = service_.Handle(side_, *parsed).Serialize();
    source->OnHttpResponse(id, AsBytes(response), kT0);
  }

 private:
  KeyService& service_;
  KeyService::Side side_;
};

absl::StatusOr<Ppk> One(PpkSource& src) {
  auto results = src.TakeResults(kT0);
  if (results.size() != 1) return absl::InternalError("not one result");
  return std::move(results[0].second);
}

TEST(KeyServiceTest, SkipBothSidesShareTheKeyOnce) {
  crypto::DeterministicRandom random(7);
  KeyService service(KeyServiceConfig{"Alice", "Bob", 100}, random);
  LoopbackTransport ta(service, KeyService::Side::kA);
  LoopbackTransport tb(service, KeyService::Side::kB);
  SkipPpkSource alice(ta, SkipConfig{"kp-alice", 256, {{"r2", "Bob"}}});
  SkipPpkSource bob(tb, SkipConfig{"kp-bob", 256, {{"r1", "Alice"}}});
  ta.source = &alice;
  tb.source = &bob;

  alice.RequestNewKey("r2", kT0);
  absl::StatusOr<Ppk> a = One(alice);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->id.size(), 32u);  // 128-bit keyId, section 4.2.1 default
  EXPECT_EQ(a->key.size(), 32u);
  EXPECT_EQ(service.stored_keys(), 1u);

  // The initiator's own side cannot fetch it back by ID.
  alice.RequestKeyById("r2", a->id, kT0);
  EXPECT_EQ(One(alice).status().code(), absl::StatusCode::kNotFound);

  bob.RequestKeyById("r1", a->id, kT0);
  absl::StatusOr<Ppk> b = One(bob);
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->id, a->id);
  EXPECT_TRUE(b->key.Equals(a->key));
  EXPECT_EQ(service.stored_keys(), 0u);

  // Erased after the fetch.
  bob.RequestKeyById("r1", a->id, kT0);
  absl::StatusOr<Ppk> again = One(bob);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(again.status().message(), HasSubstr("unknown PPK ID"));

  // A fresh key on every request.
  alice.RequestNewKey("r2", kT0);
  absl::StatusOr<Ppk> a2 = One(alice);
  ASSERT_TRUE(a2.ok());
  EXPECT_NE(a2->id, a->id);
  EXPECT_FALSE(a2->key.Equals(a->key));

  // Wrong remote system.
  alice.RequestNewKey("Mallory", kT0);
  EXPECT_EQ(One(alice).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(KeyServiceTest, SkipCapabilitiesEntropyAndSizes) {
  crypto::DeterministicRandom random(1);
  KeyService service(KeyServiceConfig{"Alice", "Bob", 100}, random);
  auto caps = ParseSkipCapabilitiesResponse(
      service.Handle(KeyService::Side::kB, SkipCapabilitiesRequest("h")));
  ASSERT_TRUE(caps.ok()) << caps.status();
  EXPECT_EQ(caps->local_system_id, "Bob");
  EXPECT_TRUE(caps->CanShareWith("Alice"));
  auto e = ParseSkipEntropyResponse(
      service.Handle(KeyService::Side::kA, *SkipEntropyRequest("h", 512)), 512);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->random.size(), 64u);
  auto k = ParseSkipKeyResponse(
      service.Handle(KeyService::Side::kA, *SkipNewKeyRequest("h", "Bob", 128)),
      128, "");
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(k->key.size(), 16u);
  EXPECT_EQ(service
                .Handle(KeyService::Side::kA,
                        HttpRequest{"POST", "/capabilities", {}, ""})
                .status,
            405);
  EXPECT_EQ(
      service.Handle(KeyService::Side::kA, HttpRequest{"GET", "/nope", {}, ""})
          .status,
      404);
}

TEST(KeyServiceTest, Qkd014BatchAndSingle) {
  crypto::DeterministicRandom random(3);
  KeyService service(KeyServiceConfig{"SAE_A", "SAE_B", 100}, random);
  auto status = ParseQkd014StatusResponse(service.Handle(
      KeyService::Side::kA, *Qkd014StatusRequest("kme", "SAE_B")));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_EQ(status->master_sae_id, "SAE_A");
  EXPECT_EQ(status->slave_sae_id, "SAE_B");
  EXPECT_EQ(status->key_size, 256);

  for (Qkd014Method method : {Qkd014Method::kGet, Qkd014Method::kPost}) {
    auto enc = ParseQkd014KeysResponse(
        service.Handle(KeyService::Side::kA,
                       *Qkd014EncKeysRequest("kme", "SAE_B", 3, 256, method)),
        3, 256, {}, false);
    ASSERT_TRUE(enc.ok()) << enc.status();
    std::vector<std::string> ids;
    for (const Ppk& p : *enc) {
      EXPECT_TRUE(ValidateQkd014KeyId(p.id).ok());
      EXPECT_EQ(p.id[14], '4');  // version-4 UUID
      ids.push_back(p.id);
    }
    if (method == Qkd014Method::kPost) {
      std::vector<std::string> reversed(ids.rbegin(), ids.rend());
      auto dec = ParseQkd014KeysResponse(
          service.Handle(KeyService::Side::kB,
                         *Qkd014DecKeysRequest("kme", "SAE_A", reversed,
                                               Qkd014Method::kPost)),
          3, 256, reversed, true);
      ASSERT_TRUE(dec.ok()) << dec.status();
      EXPECT_TRUE((*dec)[2].key.Equals((*enc)[0].key));
    } else {
      for (size_t i = 0; i < ids.size(); ++i) {
        std::vector<std::string> one = {ids[i]};
        auto dec = ParseQkd014KeysResponse(
            service.Handle(
                KeyService::Side::kB,
                *Qkd014DecKeysRequest("kme", "SAE_A", one, Qkd014Method::kGet)),
            1, 256, one, true);
        ASSERT_TRUE(dec.ok()) << dec.status();
        EXPECT_TRUE((*dec)[0].key.Equals((*enc)[i].key));
      }
    }
    // Erased once fetched.
    std::vector<std::string> first = {ids[0]};
    auto gone = ParseQkd014KeysResponse(
        service.Handle(
            KeyService::Side::kB,
            *Qkd014DecKeysRequest("kme", "SAE_A", first, Qkd014Method::kPost)),
        1, 256, first, true);
    EXPECT_EQ(gone.status().code(), absl::StatusCode::kNotFound);
  }
  EXPECT_EQ(service.stored_keys(), 0u);
}

TEST(KeyServiceTest, PoolBoundAndDeterminism) {
  crypto::DeterministicRandom r1(42), r2(42);
  KeyService s1(KeyServiceConfig{"A", "B", 2}, r1);
  KeyService s2(KeyServiceConfig{"A", "B", 2}, r2);
  HttpRequest req = *SkipNewKeyRequest("h", "B", 0);
  HttpResponse x = s1.Handle(KeyService::Side::kA, req);
  HttpResponse y = s2.Handle(KeyService::Side::kA, req);
  EXPECT_EQ(x.body, y.body);  // same seed, same keys and IDs
  EXPECT_EQ(s1.Handle(KeyService::Side::kA, req).status, 200);
  HttpResponse full = s1.Handle(KeyService::Side::kA, req);
  EXPECT_EQ(full.status, 503);
  EXPECT_EQ(ParseSkipKeyResponse(full, 0, "").status().code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace cygnet::keymgmt
