#include "keymgmt/ppk/qkd014_client.h"

#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "keymgmt/ppk/key_encoding.h"

namespace cygnet::keymgmt {
namespace {

using ::testing::HasSubstr;

constexpr char kId1[] = "bc490419-7d60-487f-adc1-4ddcc177c139";
constexpr char kId2[] = "0a782fb5-3434-48fe-aa4d-14f41d46cf92";
// 32 bytes 0x00..0x1f and 32 bytes 0x20..0x3f.
constexpr char kKey1[] = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
constexpr char kKey2[] = "ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8=";

HttpResponse Ok(std::string body) {
  return HttpResponse{
      200, "OK", {{"Content-Type", "application/json"}}, std::move(body)};
}

std::string Container(std::vector<std::pair<std::string, std::string>> keys) {
  std::string body = "{\"keys\":[";
  for (size_t i = 0; i < keys.size(); ++i) {
    body += (i ? "," : "") + std::string("{\"key_ID\":\"") + keys[i].first +
            "\",\"key\":\"" + keys[i].second + "\"}";
  }
  return body + "]}";
}

TEST(Qkd014RequestTest, Paths) {
  EXPECT_EQ(Qkd014StatusRequest("kme", "SAE_B")->path,
            "/api/v1/keys/SAE_B/status");
  auto get = Qkd014EncKeysRequest("kme", "SAE_B", 2, 256, Qkd014Method::kGet);
  EXPECT_EQ(get->method, "GET");
  EXPECT_EQ(get->path, "/api/v1/keys/SAE_B/enc_keys?number=2&size=256");
  auto post =
      Qkd014EncKeysRequest("kme:443", "SAE_B", 3, 0, Qkd014Method::kPost);
  EXPECT_EQ(post->Serialize(),
            "POST /api/v1/keys/SAE_B/enc_keys HTTP/1.1\r\nHost: kme:443\r\n"
            "Accept: application/json\r\nContent-Type: application/json\r\n"
            "Content-Length: 12\r\n\r\n{\"number\":3}");
  std::vector<std::string> ids = {kId1, kId2};
  auto dec = Qkd014DecKeysRequest("kme", "SAE_A", ids, Qkd014Method::kPost);
  EXPECT_EQ(dec->path, "/api/v1/keys/SAE_A/dec_keys");
  EXPECT_EQ(dec->body, std::string("{\"key_IDs\":[{\"key_ID\":\"") + kId1 +
                           "\"},{\"key_ID\":\"" + kId2 + "\"}]}");
  std::vector<std::string> one = {kId1};
  EXPECT_EQ(Qkd014DecKeysRequest("kme", "SAE_A", one, Qkd014Method::kGet)->path,
            std::string("/api/v1/keys/SAE_A/dec_keys?key_ID=") + kId1);
  // SAE IDs are percent-encoded into the path segment.
  EXPECT_EQ(Qkd014StatusRequest("kme", "a/b")->path,
            "/api/v1/keys/a%2Fb/status");
}

TEST(Qkd014RequestTest, RejectsBadArguments) {
  EXPECT_FALSE(
      Qkd014EncKeysRequest("kme", "B", 0, 256, Qkd014Method::kGet).ok());
  EXPECT_FALSE(
      Qkd014EncKeysRequest("kme", "B", 129, 256, Qkd014Method::kGet).ok());
  EXPECT_THAT(Qkd014EncKeysRequest("kme", "B", 1, 12, Qkd014Method::kGet)
                  .status()
                  .message(),
              HasSubstr("key size 12 bits"));
  EXPECT_FALSE(
      Qkd014EncKeysRequest("kme", "", 1, 256, Qkd014Method::kGet).ok());
  std::vector<std::string> two = {kId1, kId2};
  EXPECT_THAT(Qkd014DecKeysRequest("kme", "A", two, Qkd014Method::kGet)
                  .status()
                  .message(),
              HasSubstr("exactly one"));
  std::vector<std::string> bad = {"not-a-uuid"};
  EXPECT_THAT(Qkd014DecKeysRequest("kme", "A", bad, Qkd014Method::kPost)
                  .status()
                  .message(),
              HasSubstr("'not-a-uuid' is not a UUID"));
  EXPECT_FALSE(Qkd014DecKeysRequest("kme", "A", {}, Qkd014Method::kPost).ok());
}

TEST(Qkd014ResponseTest, KeyIdFormat) {
  EXPECT_TRUE(ValidateQkd014KeyId(kId1).ok());
  EXPECT_TRUE(ValidateQkd014KeyId("BC490419-7D60-487F-ADC1-4DDCC177C139").ok());
  EXPECT_FALSE(ValidateQkd014KeyId("bc4904197d60487fadc14ddcc177c139").ok());
  EXPECT_FALSE(
      ValidateQkd014KeyId("bc490419-7d60-487f-adc1-4ddcc177c13g").ok());
  EXPECT_FALSE(
      ValidateQkd014KeyId("bc490419-7d60-487f-adc14-ddcc177c139").ok());
}

TEST(Qkd014ResponseTest, Status) {
  auto s = ParseQkd014StatusResponse(Ok(R"({
    "source_KME_ID": "AAAABBBBCCCCDDDD", "target_KME_ID": "EEEEFFFFGGGGHHHH",
    "master_SAE_ID": "IIIIJJJJKKKKLLLL", "slave_SAE_ID": "MMMMNNNNOOOOPPPP",
    "key_size": 352, "stored_key_count": 25000, "max_key_count": 100000,
    "max_key_per_request": 128, "max_key_size": 1024, "min_key_size": 64,
    "max_SAE_ID_count": 0, "status_extension": {}})"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->source_kme_id, "AAAABBBBCCCCDDDD");
  EXPECT_EQ(s->slave_sae_id, "MMMMNNNNOOOOPPPP");
  EXPECT_EQ(s->key_size, 352);
  EXPECT_EQ(s->stored_key_count, 25000);
  EXPECT_EQ(s->max_key_per_request, 128);
  auto missing = ParseQkd014StatusResponse(Ok(R"({"source_KME_ID":"A"})"));
  EXPECT_THAT(missing.status().message(), HasSubstr("\"target_KME_ID\""));
  auto incons = ParseQkd014StatusResponse(Ok(R"({
    "source_KME_ID": "A", "target_KME_ID": "B", "master_SAE_ID": "C",
    "slave_SAE_ID": "D", "key_size": 2048, "stored_key_count": 1,
    "max_key_count": 1, "max_key_per_request": 1, "max_key_size": 1024,
    "min_key_size": 64, "max_SAE_ID_count": 0})"));
  EXPECT_THAT(incons.status().message(), HasSubstr("inconsistent"));
}

TEST(Qkd014ResponseTest, KeyContainerBatch) {
  auto keys = ParseQkd014KeysResponse(
      Ok(Container({{kId1, kKey1}, {kId2, kKey2}})), 2, 256, {}, false);
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].id, kId1);
  EXPECT_EQ(EncodeBase64Key((*keys)[1].key), kKey2);
  EXPECT_EQ((*keys)[0].key.data()[31], 0x1f);
  // dec_keys: the asked IDs, returned in the asked order.
  std::vector<std::string> want = {kId2, kId1};
  auto dec = ParseQkd014KeysResponse(
      Ok(Container({{kId1, kKey1}, {kId2, kKey2}})), 2, 256, want, true);
  ASSERT_TRUE(dec.ok()) << dec.status();
  EXPECT_EQ((*dec)[0].id, kId2);
  EXPECT_EQ(EncodeBase64Key((*dec)[0].key), kKey2);
  // Extensions are allowed.
  EXPECT_TRUE(
      ParseQkd014KeysResponse(
          Ok(std::string("{\"keys\":[{\"key_ID\":\"") + kId1 +
             "\",\"key_ID_extension\":{},\"key\":\"" + kKey1 +
             "\",\"key_extension\":{}}],\"key_container_extension\":{}}"),
          1, 256, {}, false)
          .ok());
}

TEST(Qkd014ResponseTest, KeyContainerErrors) {
  std::vector<std::string> want1 = {kId1};
  struct Case {
    HttpResponse response;
    size_t count;
    int bits;
    bool use_ids;
    absl::StatusCode code;
    const char* error;
  } cases[] = {
      {Ok(Container({{kId1, kKey1}})), 2, 256, false,
       absl::StatusCode::kInvalidArgument, "has 1 entries, expected 2"},
      {Ok(Container({{kId1, kKey1}})), 1, 128, false,
       absl::StatusCode::kInvalidArgument, "has 256 bits, expected 128"},
      {Ok(Container({{"k1", kKey1}})), 1, 256, false,
       absl::StatusCode::kInvalidArgument, "'k1' is not a UUID"},
      {Ok(Container({{kId1, kKey1}, {kId1, kKey2}})), 2, 256, false,
       absl::StatusCode::kInvalidArgument, "is repeated"},
      {Ok(Container({{kId1, "AAEC"}, {kId2, kKey2}})), 2, 0, false,
       absl::StatusCode::kInvalidArgument, "differs in size"},
      {Ok(Container({{kId1, "!!!!"}})), 1, 0, false,
       absl::StatusCode::kInvalidArgument, "invalid character at offset 0"},
      {Ok(Container({{kId2, kKey2}})), 1, 256, true,
       absl::StatusCode::kInvalidArgument, "lacks key_ID"},
      {Ok("{\"keys\":{}}"), 1, 256, false, absl::StatusCode::kInvalidArgument,
       "not an array"},
      {Ok("{\"keys\":[1]}"), 1, 256, false, absl::StatusCode::kInvalidArgument,
       "\"keys\"[0] is not an object"},
      {HttpResponse{400,
                    "Bad Request",
                    {},
                    R"({"message":"key not found\u0007", "details":[]})"},
       1, 256, true, absl::StatusCode::kNotFound, "HTTP 400 (key not found)"},
      {HttpResponse{401, "Unauthorized", {}, ""}, 1, 256, false,
       absl::StatusCode::kPermissionDenied, "HTTP 401"},
      {HttpResponse{503, "Unavailable", {}, "not json"}, 1, 256, false,
       absl::StatusCode::kUnavailable, "HTTP 503"},
  };
  for (const Case& c : cases) {
    auto keys =
        ParseQkd014KeysResponse(c.response, c.count, c.bits,
                                c.use_ids ? absl::Span<const std::string>(want1)
                                          : absl::Span<const std::string>(),
                                c.use_ids);
    ASSERT_FALSE(keys.ok()) << c.response.body;
    EXPECT_EQ(keys.status().code(), c.code) << keys.status();
    EXPECT_THAT(keys.status().message(), HasSubstr(c.error)) << c.response.body;
  }
}

class FakeTransport : public HttpTransport {
 public:
  void Send(PpkSource::RequestId id, const HttpRequest& request) override {
    sent.emplace_back(id, request);
  }
  std::vector<std::pair<PpkSource::RequestId, HttpRequest>> sent;
};

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

TEST(Qkd014PpkSourceTest, MasterAndSlave) {
  FakeTransport transport;
  Qkd014Config config;
  config.host = "kme-a";
  config.sae_ids["r2"] = "SAE_B";
  config.sae_ids["r1"] = "SAE_A";
  Qkd014PpkSource src(transport, config);

  auto a = src.RequestNewKey("r2", kT0);
  ASSERT_EQ(transport.sent.size(), 1u);
  EXPECT_EQ(transport.sent[0].second.method, "POST");
  EXPECT_EQ(transport.sent[0].second.path, "/api/v1/keys/SAE_B/enc_keys");
  EXPECT_EQ(transport.sent[0].second.body, "{\"number\":1,\"size\":256}");
  std::string wire = Ok(Container({{kId1, kKey1}})).Serialize();
  src.OnHttpResponse(a, AsBytes(wire), kT0);

  auto b = src.RequestKeyById("r1", kId1, kT0);
  EXPECT_EQ(transport.sent[1].second.path, "/api/v1/keys/SAE_A/dec_keys");
  src.OnHttpResponse(b, AsBytes(wire), kT0);
  auto bad = src.RequestKeyById("r1", "123", kT0);  // not a UUID: no request
  EXPECT_EQ(transport.sent.size(), 2u);

  auto results = src.TakeResults(kT0);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].first, a);
  ASSERT_TRUE(results[0].second.ok()) << results[0].second.status();
  EXPECT_EQ(results[0].second->id, kId1);
  EXPECT_EQ(results[1].first, b);
  ASSERT_TRUE(results[1].second.ok()) << results[1].second.status();
  EXPECT_TRUE(results[1].second->key.Equals(results[0].second->key));
  EXPECT_EQ(results[2].first, bad);
  EXPECT_EQ(results[2].second.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(results[2].second.status().message(),
              HasSubstr("unknown PPK ID '123'"));
}

TEST(Qkd014PpkSourceTest, GetMethodUnknownIdAndTimeout) {
  FakeTransport transport;
  Qkd014Config config;
  config.host = "kme-b";
  config.method = Qkd014Method::kGet;
  HttpPpkSourceOptions options;
  options.timeout = absl::Seconds(2);
  Qkd014PpkSource src(transport, config, options);
  auto a = src.RequestKeyById("SAE_A", kId2, kT0);
  EXPECT_EQ(transport.sent[0].second.path,
            std::string("/api/v1/keys/SAE_A/dec_keys?key_ID=") + kId2);
  std::string wire =
      HttpResponse{400, "Bad Request", {}, R"({"message":"no such key"})"}
          .Serialize();
  src.OnHttpResponse(a, AsBytes(wire), kT0);
  auto slow = src.RequestNewKey("SAE_A", kT0);
  EXPECT_EQ(transport.sent[1].second.path,
            "/api/v1/keys/SAE_A/enc_keys?number=1&size=256");
  auto results = src.TakeResults(kT0 + absl::Seconds(2));
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].second.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(results[0].second.status().message(),
              HasSubstr(std::string("unknown PPK ID '") + kId2));
  EXPECT_EQ(results[1].first, slow);
  EXPECT_EQ(results[1].second.status().message(),
            "key source timed out after 2 s");
}

}  // namespace
}  // namespace cygnet::keymgmt
