#include "keymgmt/ppk/skip_client.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "keymgmt/ppk/key_encoding.h"

namespace cygnet::keymgmt {
namespace {

using ::testing::HasSubstr;

// draft-cisco-skip-02 Figures 4, 6 and 8.
constexpr char kFigure4[] = R"({
     "entropy" : true,
     "key" : true,
     "algorithm": "PRF",
     "localSystemID": "Alice",
     "remoteSystemID": [
       "Bob",
       "Eve"
     ]
   })";
constexpr char kFigure6KeyId[] =
    "1726e9AE76234FB1dd1283d4dca1911e1f93864d70f3069e";
constexpr char kFigure6Key[] =
    "ad229dfb8a276e74c1f3b6c09349a69fb2fed73c541270663f0e5cbbfb031670";
constexpr char kFigure8[] = R"({
      "randomStr" : "AD229DFB8A276E74C1F3B6C09349A69FB2FED73C541270663F0E5CBBFB031670",
      "minentropy" : 256
   })";

HttpResponse Ok(std::string body) {
  return HttpResponse{
      200, "OK", {{"Content-Type", "application/json"}}, std::move(body)};
}

std::string KeyBody(const std::string& id, const std::string& key) {
  return "{\"keyId\":\"" + id + "\",\"key\":\"" + key + "\"}";
}

TEST(SkipRequestTest, PathsOfTable2) {
  EXPECT_EQ(SkipCapabilitiesRequest("192.0.2.34:10001").Serialize(),
            "GET /capabilities HTTP/1.1\r\nHost: 192.0.2.34:10001\r\n"
            "Accept: application/json\r\n\r\n");
  EXPECT_EQ(SkipNewKeyRequest("h", "Bob", 0)->path, "/key?remoteSystemID=Bob");
  EXPECT_EQ(SkipNewKeyRequest("h", "Bob", 128)->path,
            "/key?remoteSystemID=Bob&size=128");
  EXPECT_EQ(SkipKeyByIdRequest("h", kFigure6KeyId, "Alice")->path,
            std::string("/key/") + kFigure6KeyId + "?remoteSystemID=Alice");
  EXPECT_EQ(SkipEntropyRequest("h", 0)->path, "/entropy");
  EXPECT_EQ(SkipEntropyRequest("h", 128)->path, "/entropy?minentropy=128");
  // Characters outside the unreserved set are percent-encoded.
  EXPECT_EQ(SkipNewKeyRequest("h", "KP/B&x=1", 0)->path,
            "/key?remoteSystemID=KP%2FB%26x%3D1");
  for (const auto& r :
       {*SkipNewKeyRequest("h", "Bob", 0), *SkipEntropyRequest("h", 0)}) {
    EXPECT_EQ(r.method, "GET");  // Table 3: only GET
  }
}

TEST(SkipRequestTest, RejectsBadArguments) {
  EXPECT_THAT(SkipNewKeyRequest("h", "Bob", 100).status().message(),
              HasSubstr("key size 100 bits"));
  EXPECT_FALSE(SkipNewKeyRequest("h", "Bob", 64).ok());
  EXPECT_FALSE(SkipNewKeyRequest("h", "Bob", 16384).ok());
  EXPECT_FALSE(SkipNewKeyRequest("h", "", 0).ok());
  EXPECT_FALSE(SkipNewKeyRequest("h", std::string(257, 'a'), 0).ok());
  EXPECT_FALSE(SkipNewKeyRequest("h", "Bo\nb", 0).ok());
  EXPECT_THAT(SkipKeyByIdRequest("h", "../etc", "A").status().message(),
              HasSubstr("non-hex character at offset 0"));
  EXPECT_THAT(SkipKeyByIdRequest("h", "abc", "A").status().message(),
              HasSubstr("length 3"));
  EXPECT_FALSE(SkipKeyByIdRequest("h", "", "A").ok());
  EXPECT_FALSE(SkipKeyByIdRequest("h", std::string(258, 'a'), "A").ok());
  EXPECT_FALSE(SkipEntropyRequest("h", 7).ok());
}

TEST(SkipResponseTest, CapabilitiesFigure4) {
  auto caps = ParseSkipCapabilitiesResponse(Ok(kFigure4));
  ASSERT_TRUE(caps.ok()) << caps.status();
  EXPECT_TRUE(caps->entropy);
  EXPECT_TRUE(caps->key);
  EXPECT_EQ(caps->algorithm, "PRF");
  EXPECT_EQ(caps->local_system_id, "Alice");
  EXPECT_EQ(caps->remote_system_ids, (std::vector<std::string>{"Bob", "Eve"}));
  EXPECT_TRUE(caps->CanShareWith("Eve"));
  EXPECT_FALSE(caps->CanShareWith("Mallory"));
}

TEST(SkipResponseTest, CapabilitiesGlobPatterns) {
  auto caps = ParseSkipCapabilitiesResponse(Ok(
      R"({"entropy":false,"key":true,"algorithm":"QKD","localSystemID":"A",
          "remoteSystemID":["KP_*_LOC1","R?","X[!0-9]"]})"));
  ASSERT_TRUE(caps.ok()) << caps.status();
  EXPECT_TRUE(caps->CanShareWith("KP_ALICE_LOC1"));
  EXPECT_TRUE(caps->CanShareWith("KP_BOB_LOC1"));
  EXPECT_FALSE(caps->CanShareWith("KP_BOB_LOC2"));
  EXPECT_TRUE(caps->CanShareWith("R2"));
  EXPECT_FALSE(caps->CanShareWith("R22"));
  EXPECT_TRUE(caps->CanShareWith("Xa"));
  EXPECT_FALSE(caps->CanShareWith("X1"));
}

TEST(SkipResponseTest, CapabilitiesErrors) {
  struct Case {
    std::string body;
    const char* error;
  } cases[] = {
      {R"({"key":true,"algorithm":"PRF","localSystemID":"A","remoteSystemID":["B"]})",
       "lacks \"entropy\""},
      {R"({"entropy":"yes","key":true,"algorithm":"PRF","localSystemID":"A","remoteSystemID":["B"]})",
       "\"entropy\" is not a boolean"},
      {R"({"entropy":true,"key":true,"algorithm":"PRF","localSystemID":"A","remoteSystemID":[]})",
       "is empty"},
      {R"({"entropy":true,"key":true,"algorithm":"PRF","localSystemID":"A","remoteSystemID":[1]})",
       "\"remoteSystemID\"[0] is not a string"},
      {R"({"entropy":true,"key":true,"algorithm":"PRF","localSystemID":"","remoteSystemID":["B"]})",
       "\"localSystemID\""},
      {R"({"entropy":true,"key":true,"algorithm":"PRF","localSystemID":"A","remoteSystemID":"B"})",
       "is not a array"},
      {"[1]", "not a JSON object"},
      {"{", "JSON error at offset 1"},
  };
  for (const Case& c : cases) {
    auto caps = ParseSkipCapabilitiesResponse(Ok(c.body));
    ASSERT_FALSE(caps.ok()) << c.body;
    EXPECT_THAT(caps.status().message(), HasSubstr(c.error)) << c.body;
  }
}

TEST(SkipResponseTest, KeyFigure6) {
  auto ppk =
      ParseSkipKeyResponse(Ok(KeyBody(kFigure6KeyId, kFigure6Key)), 0, "");
  ASSERT_TRUE(ppk.ok()) << ppk.status();
  EXPECT_EQ(ppk->id, kFigure6KeyId);
  EXPECT_EQ(EncodeHexKey(ppk->key), kFigure6Key);
  // Responder side: the keyId it asked for, compared case-insensitively.
  auto by_id =
      ParseSkipKeyResponse(Ok(KeyBody(kFigure6KeyId, kFigure6Key)), 256,
                           "1726E9AE76234FB1DD1283D4DCA1911E1F93864D70F3069E");
  ASSERT_TRUE(by_id.ok()) << by_id.status();
  EXPECT_TRUE(by_id->key.Equals(ppk->key));
}

TEST(SkipResponseTest, KeyErrors) {
  const std::string k256 = kFigure6Key;
  struct Case {
    HttpResponse response;
    int bits;
    std::string expected_id;
    absl::StatusCode code;
    const char* error;
  } cases[] = {
      {Ok(KeyBody("abcd", k256.substr(0, 32))), 256, "",
       absl::StatusCode::kInvalidArgument, "has 128 bits, expected 256"},
      {Ok(KeyBody("abcd", k256)), 128, "", absl::StatusCode::kInvalidArgument,
       "has 256 bits, expected 128"},
      {Ok(KeyBody("abcd", k256 + "0")), 0, "",
       absl::StatusCode::kInvalidArgument, "odd length"},
      {Ok(KeyBody("abcd", "zz" + k256.substr(2))), 0, "",
       absl::StatusCode::kInvalidArgument, "non-hex character at offset 0"},
      {Ok(KeyBody("xyz1", k256)), 0, "", absl::StatusCode::kInvalidArgument,
       "keyId 'xyz1' has a non-hex character"},
      {Ok(KeyBody("abcd", k256)), 0, "abce", absl::StatusCode::kInvalidArgument,
       "has keyId 'abcd', asked for 'abce'"},
      {Ok(R"({"keyId":"abcd"})"), 0, "", absl::StatusCode::kInvalidArgument,
       "lacks \"key\""},
      {Ok(R"({"keyId":"abcd","key":"00","key":"11"})"), 0, "",
       absl::StatusCode::kInvalidArgument, "duplicate member 'key'"},
      {Ok(R"({"keyId":12,"key":"00"})"), 0, "",
       absl::StatusCode::kInvalidArgument, "\"keyId\" is not a string"},
      {HttpResponse{400, "Bad Request", {}, ""}, 0, "abcd",
       absl::StatusCode::kNotFound, "HTTP 400"},
      {HttpResponse{404, "Not Found", {}, ""}, 0, "",
       absl::StatusCode::kUnimplemented, "HTTP 404"},
      {HttpResponse{500, "Internal", {}, ""}, 0, "",
       absl::StatusCode::kUnavailable, "HTTP 500"},
      {HttpResponse{200, "OK", {{"Content-Type", "text/html"}}, "{}"}, 0, "",
       absl::StatusCode::kInvalidArgument, "Content-Type 'text/html'"},
  };
  for (const Case& c : cases) {
    auto ppk = ParseSkipKeyResponse(c.response, c.bits, c.expected_id);
    ASSERT_FALSE(ppk.ok()) << c.response.body;
    EXPECT_EQ(ppk.status().code(), c.code) << ppk.status();
    EXPECT_THAT(ppk.status().message(), HasSubstr(c.error)) << c.response.body;
  }
}

TEST(SkipResponseTest, EntropyFigure8) {
  auto e = ParseSkipEntropyResponse(Ok(kFigure8), 0);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->min_entropy_bits, 256);
  EXPECT_EQ(EncodeHexKey(e->random), kFigure6Key);  // same bytes, upper case
  EXPECT_THAT(ParseSkipEntropyResponse(Ok(kFigure8), 512).status().message(),
              HasSubstr("asked for 512"));
  EXPECT_THAT(ParseSkipEntropyResponse(
                  Ok(R"({"randomStr":"00ff","minentropy":256})"), 0)
                  .status()
                  .message(),
              HasSubstr("has 16 bits but \"minentropy\" says 256"));
  EXPECT_FALSE(ParseSkipEntropyResponse(
                   Ok(R"({"randomStr":"00ff","minentropy":1.6e1})"), 16)
                   .ok());
  EXPECT_EQ(ParseSkipEntropyResponse(HttpResponse{503, "", {}, ""}, 0)
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
}

// A transport that records what it was asked to send.
class FakeTransport : public HttpTransport {
 public:
  void Send(PpkSource::RequestId id, const HttpRequest& request) override {
    sent.emplace_back(id, request);
  }
  std::vector<std::pair<PpkSource::RequestId, HttpRequest>> sent;
};

std::string Wire(const HttpResponse& r) { return r.Serialize(); }

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

TEST(SkipPpkSourceTest, InitiatorAndResponderFlow) {
  FakeTransport transport;
  SkipConfig config;
  config.host = "192.0.2.34:10001";
  config.remote_system_ids["r2"] = "Bob";
  SkipPpkSource src(transport, config);

  auto a = src.RequestNewKey("r2", kT0);
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(transport.sent[0].first, a);
  EXPECT_EQ(transport.sent[0].second.path, "/key?remoteSystemID=Bob");
  EXPECT_EQ(src.NextTimeout(), kT0 + absl::Seconds(10));
  EXPECT_TRUE(src.TakeResults(kT0).empty());

  std::string wire = Wire(Ok(KeyBody(kFigure6KeyId, kFigure6Key)));
  src.OnHttpResponse(a, AsBytes(wire), kT0 + absl::Seconds(1));
  EXPECT_EQ(src.NextTimeout(), absl::InfiniteFuture());
  auto results = src.TakeResults(kT0 + absl::Seconds(1));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].first, a);
  ASSERT_TRUE(results[0].second.ok()) << results[0].second.status();
  EXPECT_EQ(results[0].second->id, kFigure6KeyId);

  // Responder: a peer without a mapping is its own remoteSystemID.
  auto b = src.RequestKeyById("Alice", kFigure6KeyId, kT0);
  EXPECT_EQ(transport.sent[1].second.path,
            std::string("/key/") + kFigure6KeyId + "?remoteSystemID=Alice");
  src.OnHttpResponse(b, AsBytes(wire), kT0);
  results = src.TakeResults(kT0);
  ASSERT_EQ(results.size(), 1u);
  ASSERT_TRUE(results[0].second.ok());
  EXPECT_TRUE(results[0].second->key.Equals(*DecodeHexKey(kFigure6Key)));
  // A duplicate response for a finished request is dropped and counted.
  src.OnHttpResponse(b, AsBytes(wire), kT0);
  EXPECT_TRUE(src.TakeResults(kT0).empty());
  EXPECT_EQ(src.late_responses(), 1u);
}

TEST(SkipPpkSourceTest, EachNewKeyRequestIsAFreshGet) {
  FakeTransport transport;
  SkipPpkSource src(transport, SkipConfig{"kp", 512, {}});
  auto a = src.RequestNewKey("Bob", kT0);
  auto b = src.RequestNewKey("Bob", kT0);
  EXPECT_NE(a, b);
  ASSERT_EQ(transport.sent.size(), 2u);
  EXPECT_EQ(transport.sent[1].second.path, "/key?remoteSystemID=Bob&size=512");
}

TEST(SkipPpkSourceTest, TimeoutUnknownIdAndErrors) {
  FakeTransport transport;
  HttpPpkSourceOptions options;
  options.timeout = absl::Seconds(3);
  options.max_pending = 2;
  SkipPpkSource src(transport, SkipConfig{"kp", 256, {}}, options);

  auto slow = src.RequestNewKey("Bob", kT0);
  auto unknown = src.RequestKeyById("Alice", "abcd", kT0 + absl::Seconds(1));
  auto over = src.RequestNewKey("Bob", kT0 + absl::Seconds(1));
  auto results = src.TakeResults(kT0 + absl::Seconds(1));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].first, over);
  EXPECT_EQ(results[0].second.status().code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(results[0].second.status().message(), HasSubstr("limit 2"));

  std::string not_found = Wire(HttpResponse{400, "Bad Request", {}, ""});
  src.OnHttpResponse(unknown, AsBytes(not_found), kT0 + absl::Seconds(2));
  EXPECT_EQ(src.NextTimeout(), kT0 + absl::Seconds(3));
  results = src.TakeResults(kT0 + absl::Seconds(3));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].first, unknown);
  EXPECT_EQ(results[0].second.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(results[0].second.status().message(),
              HasSubstr("unknown PPK ID 'abcd'"));
  EXPECT_EQ(results[1].first, slow);
  EXPECT_EQ(results[1].second.status().code(),
            absl::StatusCode::kDeadlineExceeded);
  EXPECT_EQ(results[1].second.status().message(),
            "key source timed out after 3 s");
  // The slow answer arriving now is late.
  std::string ok = Wire(Ok(KeyBody("abcd", kFigure6Key)));
  src.OnHttpResponse(slow, AsBytes(ok), kT0 + absl::Seconds(4));
  EXPECT_EQ(src.late_responses(), 1u);

  auto down = src.RequestNewKey("Bob", kT0 + absl::Seconds(5));
  src.OnTransportError(down, absl::UnavailableError("connection refused"),
                       kT0 + absl::Seconds(5));
  auto garbage = src.RequestNewKey("Bob", kT0 + absl::Seconds(5));
  src.OnHttpResponse(garbage, AsBytes("HTTP/1.1 2"), kT0 + absl::Seconds(5));
  // An invalid key ID from the peer fails without a request.
  auto bad_id = src.RequestKeyById("Alice", "not hex", kT0 + absl::Seconds(5));
  EXPECT_EQ(transport.sent.size(), 4u);
  results = src.TakeResults(kT0 + absl::Seconds(5));
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].first, down);
  EXPECT_EQ(results[0].second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(results[0].second.status().message(),
            "key source unreachable: connection refused");
  EXPECT_EQ(results[1].first, garbage);
  EXPECT_THAT(results[1].second.status().message(),
              HasSubstr("malformed response"));
  EXPECT_EQ(results[2].first, bad_id);
  EXPECT_EQ(results[2].second.status().code(), absl::StatusCode::kNotFound);
}

TEST(SkipPpkSourceTest, ResponseAfterDeadlineCountsAsTimeout) {
  FakeTransport transport;
  HttpPpkSourceOptions options;
  options.timeout = absl::Milliseconds(1500);
  SkipPpkSource src(transport, SkipConfig{"kp", 256, {}}, options);
  auto a = src.RequestNewKey("Bob", kT0);
  std::string ok = Wire(Ok(KeyBody("abcd", kFigure6Key)));
  src.OnHttpResponse(a, AsBytes(ok), kT0 + absl::Seconds(2));
  auto results = src.TakeResults(kT0 + absl::Seconds(2));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].second.status().message(),
            "key source timed out after 1.5 s");
}

// A transport that answers from inside Send.
class SyncTransport : public HttpTransport {
 public:
  SkipPpkSource* src = nullptr;
  void Send(PpkSource::RequestId id, const HttpRequest&) override {
    std::string ok = Wire(Ok(KeyBody("abcd", kFigure6Key)));
    src->OnHttpResponse(id, AsBytes(ok), kT0);
  }
};

TEST(SkipPpkSourceTest, ReentrantTransport) {
  SyncTransport transport;
  SkipPpkSource src(transport, SkipConfig{"kp", 256, {}});
  transport.src = &src;
  auto a = src.RequestNewKey("Bob", kT0);
  auto results = src.TakeResults(kT0);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].first, a);
  EXPECT_TRUE(results[0].second.ok());
  EXPECT_EQ(src.pending(), 0u);
}

}  // namespace
}  // namespace cygnet::keymgmt
