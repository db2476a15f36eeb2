#include "keymgmt/ppk/http.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace cygnet::keymgmt {
namespace {

using ::testing::HasSubstr;

TEST(HttpTest, SerializesRequest) {
  HttpRequest r{"GET",
                "/key?remoteSystemID=Bob&size=256",
                {{"Host", "192.0.2.34:10001"}, {"Accept", "application/json"}},
                ""};
  EXPECT_EQ(r.Serialize(),
            "GET /key?remoteSystemID=Bob&size=256 HTTP/1.1\r\n"
            "Host: 192.0.2.34:10001\r\nAccept: application/json\r\n\r\n");
  HttpRequest post{"POST", "/x", {{"Host", "h"}}, "{}"};
  EXPECT_EQ(post.Serialize(),
            "POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n{}");
  auto parsed = ParseHttpRequest(AsBytes(post.Serialize()));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->method, "POST");
  EXPECT_EQ(parsed->path, "/x");
  EXPECT_EQ(parsed->body, "{}");
}

TEST(HttpTest, ParsesResponseRoundTrip) {
  HttpResponse r{
      200, "OK", {{"Content-Type", "application/json"}}, "{\"a\":1}"};
  std::string bytes = r.Serialize();
  auto p = ParseHttpResponse(AsBytes(bytes));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->status, 200);
  EXPECT_EQ(p->reason, "OK");
  EXPECT_EQ(p->body, "{\"a\":1}");
  ASSERT_NE(p->Header("content-type"), nullptr);
  EXPECT_EQ(*p->Header("CONTENT-TYPE"), "application/json");
  EXPECT_EQ(p->Header("X-Missing"), nullptr);
}

TEST(HttpTest, MessageLengthWaitsForAllBytes) {
  std::string bytes = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto len = HttpMessageLength(AsBytes(bytes.substr(0, n)));
    ASSERT_TRUE(len.ok());
    EXPECT_EQ(*len, 0u) << n;
  }
  EXPECT_EQ(*HttpMessageLength(AsBytes(bytes + "extra")), bytes.size());
  EXPECT_EQ(*HttpMessageLength(AsBytes("HTTP/1.0 404 Not Found\r\n\r\n")), 26u);
}

TEST(HttpTest, RejectsMalformedResponses) {
  struct Case {
    std::string raw;
    const char* error;
  } cases[] = {
      {"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhi", "body truncated"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nhi", "trailing bytes"},
      {"HTTP/2 200 OK\r\n\r\n", "bad status line"},
      {"HTTP/1.1 2x0 OK\r\n\r\n", "offset 10: bad status code"},
      {"HTTP/1.1 200OK\r\n\r\n", "bad status line"},
      {"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
       "invalid character in header name"},
      {"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "header line without a name"},
      {"HTTP/1.1 200 OK\r\nX: a\x01\r\n\r\n",
       "control character in header value"},
      {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
       "not supported"},
      {"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
       "bad Content-Length '-1'"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
       "duplicate Content-Length"},
      {"HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n",
       "exceeds the limit"},
      {"HTTP/1.1 200 OK\r\n", "incomplete header block"},
  };
  for (const Case& c : cases) {
    auto p = ParseHttpResponse(AsBytes(c.raw));
    ASSERT_FALSE(p.ok()) << c.raw;
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(p.status().message(), HasSubstr(c.error)) << c.raw;
  }
}

TEST(HttpTest, HeaderLimits) {
  HttpLimits limits;
  limits.max_headers = 2;
  std::string three = "HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
  EXPECT_THAT(ParseHttpResponse(AsBytes(three), limits).status().message(),
              HasSubstr("more than 2 headers"));
  limits = HttpLimits();
  limits.max_header_bytes = 16;
  // Without an end of headers in sight, the length query fails once the
  // limit is passed, so a transport stops reading.
  EXPECT_FALSE(HttpMessageLength(AsBytes(std::string(17, 'a')), limits).ok());
  EXPECT_EQ(*HttpMessageLength(AsBytes(std::string(16, 'a')), limits), 0u);
}

TEST(HttpTest, PercentEncoding) {
  EXPECT_EQ(PercentEncode("KP_*_LOC1 a/b"), "KP_%2A_LOC1%20a%2Fb");
  EXPECT_EQ(*PercentDecode("KP_%2a_LOC1%20a%2Fb"), "KP_*_LOC1 a/b");
  EXPECT_FALSE(PercentDecode("%4").ok());
  EXPECT_FALSE(PercentDecode("%zz").ok());
}

}  // namespace
}  // namespace cygnet::keymgmt
