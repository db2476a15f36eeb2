#include "keymgmt/ppk/http.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace cygnet::keymgmt {
namespace {

absl::Status Error(size_t offset, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("HTTP error at offset ", offset, ": ", what));
}

bool IsTokenChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
         absl::string_view("!#$%&'*+-.^_`|~").find(c) !=
             absl::string_view::npos;
}

struct Head {
  std::string start_line;
  HttpHeaders headers;
  size_t body_offset = 0;
  size_t content_length = 0;
};

// Parses the start line and headers. Returns 0 body_offset when the header
// block is not complete yet.
absl::StatusOr<Head> ParseHead(absl::string_view s, const HttpLimits& limits) {
  Head head;
  size_t end = s.find("\r\n\r\n");
  if (end == absl::string_view::npos) {
    if (s.size() > limits.max_header_bytes) {
      return Error(limits.max_header_bytes, "header block exceeds the limit");
    }
    return head;
  }
  if (end + 4 > limits.max_header_bytes) {
    return Error(limits.max_header_bytes, "header block exceeds the limit");
  }
  size_t pos = s.find("\r\n");
  head.start_line = std::string(s.substr(0, pos));
  for (char c : head.start_line) {
    if (static_cast<uint8_t>(c) < 0x20 || c == 0x7f) {
      return Error(0, "control character in the start line");
    }
  }
  pos += 2;
  bool have_length = false;
  while (pos < end + 2) {
    size_t eol = s.find("\r\n", pos);
    absl::string_view line = s.substr(pos, eol - pos);
    size_t colon = line.find(':');
    if (colon == absl::string_view::npos || colon == 0) {
      return Error(pos, "header line without a name");
    }
    absl::string_view name = line.substr(0, colon);
    for (size_t i = 0; i < name.size(); ++i) {
      if (!IsTokenChar(name[i])) {
        return Error(pos + i, "invalid character in header name");
      }
    }
    absl::string_view value = line.substr(colon + 1);
    for (size_t i = 0; i < value.size(); ++i) {
      uint8_t c = static_cast<uint8_t>(value[i]);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        return Error(pos + colon + 1 + i, "control character in header value");
      }
    }
    value = absl::StripAsciiWhitespace(value);
    if (head.headers.size() >= limits.max_headers) {
      return Error(pos,
                   absl::StrCat("more than ", limits.max_headers, " headers"));
    }
    if (absl::EqualsIgnoreCase(name, "Transfer-Encoding")) {
      return Error(pos, "Transfer-Encoding is not supported");
    }
    if (absl::EqualsIgnoreCase(name, "Content-Length")) {
      uint64_t n = 0;
      if (have_length) return Error(pos, "duplicate Content-Length");
      if (value.empty() || value.size() > 10 ||
          !std::all_of(value.begin(), value.end(),
                       [](char c) { return c >= '0' && c <= '9'; }) ||
          !absl::SimpleAtoi(value, &n)) {
        return Error(pos, absl::StrCat("bad Content-Length '", value, "'"));
      }
      if (n > limits.max_body_bytes) {
        return Error(
            pos, absl::StrCat("Content-Length ", n, " exceeds the limit of ",
                              limits.max_body_bytes));
      }
      head.content_length = n;
      have_length = true;
    }
    head.headers.emplace_back(std::string(name), std::string(value));
    pos = eol + 2;
  }
  head.body_offset = end + 4;
  return head;
}

absl::string_view View(absl::Span<const uint8_t> raw) {
  return {reinterpret_cast<const char*>(raw.data()), raw.size()};
}

void AppendHeaders(const HttpHeaders& headers, const std::string& body,
                   std::string& out) {
  bool have_length = false;
  for (const auto& h : headers) {
    if (absl::EqualsIgnoreCase(h.first, "Content-Length")) have_length = true;
    absl::StrAppend(&out, h.first, ": ", h.second, "\r\n");
  }
  if (!have_length && !body.empty()) {
    absl::StrAppend(&out, "Content-Length: ", body.size(), "\r\n");
  }
  absl::StrAppend(&out, "\r\n", body);
}

}  // namespace

std::string HttpRequest::Serialize() const {
  std::string out = absl::StrCat(method, " ", path, " HTTP/1.1\r\n");
  AppendHeaders(headers, body, out);
  return out;
}

std::string HttpResponse::Serialize() const {
  std::string out = absl::StrCat("HTTP/1.1 ", status, " ", reason, "\r\n");
  bool have_length = false;
  for (const auto& h : headers) {
    if (absl::EqualsIgnoreCase(h.first, "Content-Length")) have_length = true;
  }
  HttpHeaders all = headers;
  if (!have_length)
    all.emplace_back("Content-Length", absl::StrCat(body.size()));
  AppendHeaders(all, body, out);
  return out;
}

const std::string* HttpResponse::Header(absl::string_view name) const {
  for (const auto& h : headers) {
    if (absl::EqualsIgnoreCase(h.first, name)) return &h.second;
  }
  return nullptr;
}

absl::StatusOr<size_t> HttpMessageLength(absl::Span<const uint8_t> raw,
                                         const HttpLimits& limits) {
  absl::StatusOr<Head> head = ParseHead(View(raw), limits);
  if (!head.ok()) return head.status();
  if (head->body_offset == 0) return 0;
  size_t total = head->body_offset + head->content_length;
  return raw.size() >= total ? total : 0;
}

absl::StatusOr<HttpResponse> ParseHttpResponse(absl::Span<const uint8_t> raw,
                                               const HttpLimits& limits) {
  absl::string_view s = View(raw);
  absl::StatusOr<Head> head = ParseHead(s, limits);
  if (!head.ok()) return head.status();
  if (head->body_offset == 0) return Error(s.size(), "incomplete header block");
  // "HTTP/1.1 200 OK": version, a three-digit status, optional reason.
  absl::string_view line = head->start_line;
  if (!(absl::StartsWith(line, "HTTP/1.1 ") ||
        absl::StartsWith(line, "HTTP/1.0 ")) ||
      line.size() < 12 || (line.size() > 12 && line[12] != ' ')) {
    return Error(0, absl::StrCat("bad status line '", line.substr(0, 40), "'"));
  }
  int status = 0;
  for (size_t i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') return Error(i, "bad status code");
    status = status * 10 + (line[i] - '0');
  }
  if (status < 100) return Error(9, "bad status code");
  size_t total = head->body_offset + head->content_length;
  if (s.size() < total) {
    return Error(s.size(),
                 absl::StrCat("body truncated: ", s.size() - head->body_offset,
                              " of ", head->content_length, " bytes"));
  }
  if (s.size() > total) return Error(total, "trailing bytes after the body");
  HttpResponse r;
  r.status = status;
  r.reason = line.size() > 13 ? std::string(line.substr(13)) : "";
  r.headers = std::move(head->headers);
  r.body = std::string(s.substr(head->body_offset, head->content_length));
  return r;
}

absl::StatusOr<HttpRequest> ParseHttpRequest(absl::Span<const uint8_t> raw,
                                             const HttpLimits& limits) {
  absl::string_view s = View(raw);
  absl::StatusOr<Head> head = ParseHead(s, limits);
  if (!head.ok()) return head.status();
  if (head->body_offset == 0) return Error(s.size(), "incomplete header block");
  absl::string_view line = head->start_line;
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == absl::string_view::npos || sp1 == sp2 || sp1 == 0) {
    return Error(0, "bad request line");
  }
  absl::string_view version = line.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    return Error(sp2 + 1, "bad HTTP version");
  }
  HttpRequest r;
  r.method = std::string(line.substr(0, sp1));
  for (char c : r.method) {
    if (!IsTokenChar(c)) return Error(0, "bad method");
  }
  r.path = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  if (r.path.empty() || r.path[0] != '/' ||
      r.path.find(' ') != std::string::npos) {
    return Error(sp1 + 1, "request target is not an absolute path");
  }
  size_t total = head->body_offset + head->content_length;
  if (s.size() != total)
    return Error(std::min(s.size(), total), "body length mismatch");
  r.headers = std::move(head->headers);
  r.body = std::string(s.substr(head->body_offset));
  return r;
}

std::string PercentEncode(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += absl::StrFormat("%%%02X", static_cast<uint8_t>(c));
    }
  }
  return out;
}

absl::StatusOr<std::string> PercentDecode(absl::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() ||
        !absl::ascii_isxdigit(static_cast<unsigned char>(s[i + 1])) ||
        !absl::ascii_isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad percent escape at offset ", i));
    }
    auto hex = [](char c) {
      return c <= '9' ? c - '0' : (absl::ascii_tolower(c) - 'a' + 10);
    };
    out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
    i += 2;
  }
  return out;
}

}  // namespace cygnet::keymgmt
