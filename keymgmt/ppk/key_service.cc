#include "keymgmt/ppk/key_service.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "keymgmt/ppk/json.h"
#include "keymgmt/ppk/key_encoding.h"
#include "keymgmt/ppk/qkd014_client.h"
#include "keymgmt/ppk/skip_client.h"

namespace cygnet::keymgmt {
namespace {

HttpResponse Json(int status, std::string body) {
  const char* reason = status == 200   ? "OK"
                       : status == 400 ? "Bad Request"
                       : status == 404 ? "Not Found"
                       : status == 405 ? "Method Not Allowed"
                                       : "Service Unavailable";
  return HttpResponse{
      status,
      reason,
      {{"Content-Type", "application/json"}, {"Connection", "close"}},
      std::move(body)};
}

HttpResponse Error(int status, absl::string_view message) {
  return Json(status, absl::StrCat("{\"message\":", JsonQuote(message), "}"));
}

bool ParseInt(const std::map<std::string, std::string>& query,
              const std::string& name, int def, int& out) {
  auto it = query.find(name);
  if (it == query.end()) {
    out = def;
    return true;
  }
  return it->second.size() <= 6 &&
         std::all_of(it->second.begin(), it->second.end(),
                     [](char c) { return c >= '0' && c <= '9'; }) &&
         absl::SimpleAtoi(it->second, &out);
}

}  // namespace

KeyService::KeyService(KeyServiceConfig config, crypto::Random& random)
    : config_(std::move(config)), random_(random) {}

const std::string& KeyService::Id(Side side) const {
  return side == Side::kA ? config_.id_a : config_.id_b;
}
const std::string& KeyService::PeerId(Side side) const {
  return side == Side::kA ? config_.id_b : config_.id_a;
}

std::string KeyService::NewSkipKeyId() {
  std::string id;
  do {
    crypto::SecretBytes raw = random_.Secret(16);
    id = EncodeHexKey(raw);
  } while (pool_.count(id) != 0);
  return id;
}

std::string KeyService::NewUuid() {
  std::string id;
  do {
    std::vector<uint8_t> b = random_.Bytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;  // version 4
    b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
    static constexpr char kHex[] = "0123456789abcdef";
    id.clear();
    for (size_t i = 0; i < 16; ++i) {
      if (i == 4 || i == 6 || i == 8 || i == 10) id += '-';
      id += kHex[b[i] >> 4];
      id += kHex[b[i] & 15];
    }
  } while (pool_.count(id) != 0);
  return id;
}

HttpResponse KeyService::Handle(Side side, const HttpRequest& request) {
  std::string path = request.path;
  std::map<std::string, std::string> query;
  if (size_t q = path.find('?'); q != std::string::npos) {
    for (absl::string_view kv :
         absl::StrSplit(absl::string_view(path).substr(q + 1), '&')) {
      std::vector<std::string> parts =
          absl::StrSplit(kv, absl::MaxSplits('=', 1));
      if (parts.size() != 2) return Error(400, "malformed query");
      absl::StatusOr<std::string> k = PercentDecode(parts[0]);
      absl::StatusOr<std::string> v = PercentDecode(parts[1]);
      if (!k.ok() || !v.ok()) return Error(400, "malformed query escape");
      if (!query.emplace(*k, *v).second) {
        return Error(400, absl::StrCat("repeated query parameter ", *k));
      }
    }
    path.resize(q);
  }
  if (absl::StartsWith(path, "/api/v1/keys/")) {
    return Qkd(side, request, path, query);
  }
  if (request.method != "GET") return Error(405, "only GET is supported");
  return Skip(side, path, query);
}

HttpResponse KeyService::Skip(Side side, const std::string& path,
                              const std::map<std::string, std::string>& query) {
  auto only = [&](std::initializer_list<const char*> allowed) {
    for (const auto& [k, v] : query) {
      bool ok = false;
      for (const char* a : allowed) ok = ok || k == a;
      if (!ok) return false;
    }
    return true;
  };
  if (path == "/capabilities") {
    if (!query.empty()) return Error(400, "unexpected query");
    return Json(200,
                absl::StrCat("{\"entropy\":true,\"key\":true,\"algorithm\":"
                             "\"cygnet-test-pool\",\"localSystemID\":",
                             JsonQuote(Id(side)), ",\"remoteSystemID\":[",
                             JsonQuote(PeerId(side)), "]}"));
  }
  if (path == "/entropy") {
    int bits;
    if (!only({"minentropy"}) ||
        !ParseInt(query, "minentropy", kSkipDefaultEntropyBits, bits) ||
        bits < 8 || bits > kSkipMaxKeyBits || bits % 8 != 0) {
      return Error(400, "bad minentropy");
    }
    crypto::SecretBytes r = random_.Secret(bits / 8);
    return Json(200, absl::StrCat("{\"randomStr\":\"", EncodeHexKey(r),
                                  "\",\"minentropy\":", bits, "}"));
  }
  auto remote = query.find("remoteSystemID");
  if (path == "/key") {
    int bits;
    if (!only({"remoteSystemID", "size"}) || remote == query.end() ||
        !ParseInt(query, "size", kSkipDefaultKeyBits, bits) ||
        bits < kSkipMinKeyBits || bits > kSkipMaxKeyBits || bits % 8 != 0) {
      return Error(400, "bad key request");
    }
    if (remote->second != PeerId(side)) {
      return Error(400, "unknown remoteSystemID");
    }
    if (pool_.size() >= config_.max_keys) return Error(503, "key pool full");
    std::string id = NewSkipKeyId();
    crypto::SecretBytes key = random_.Secret(bits / 8);
    HttpResponse r =
        Json(200, absl::StrCat("{\"keyId\":\"", id, "\",\"key\":\"",
                               EncodeHexKey(key), "\"}"));
    pool_.emplace(id, Entry{side, std::move(key)});
    return r;
  }
  if (absl::StartsWith(path, "/key/")) {
    std::string id = absl::AsciiStrToLower(path.substr(5));
    if (!only({"remoteSystemID"}) || remote == query.end() ||
        remote->second != PeerId(side) || !ValidateSkipKeyId(id).ok()) {
      return Error(400, "bad key request");
    }
    auto it = pool_.find(id);
    if (it == pool_.end() || it->second.created_at == side) {
      return Error(400, "key not found");
    }
    HttpResponse r =
        Json(200, absl::StrCat("{\"keyId\":\"", id, "\",\"key\":\"",
                               EncodeHexKey(it->second.key), "\"}"));
    pool_.erase(it);
    return r;
  }
  return Error(404, "unknown path");
}

HttpResponse KeyService::Qkd(Side side, const HttpRequest& request,
                             const std::string& path,
                             const std::map<std::string, std::string>& query) {
  std::vector<std::string> seg = absl::StrSplit(
      absl::string_view(path).substr(strlen("/api/v1/keys/")), '/');
  if (seg.size() != 2) return Error(404, "unknown path");
  absl::StatusOr<std::string> sae = PercentDecode(seg[0]);
  if (!sae.ok()) return Error(400, "bad SAE ID");
  const std::string& op = seg[1];
  bool post = request.method == "POST";
  if (!post && request.method != "GET") return Error(405, "bad method");
  if (op == "status") {
    if (post || !query.empty()) return Error(400, "bad status request");
    if (*sae != PeerId(side)) return Error(400, "unknown slave_SAE_ID");
    return Json(
        200,
        absl::StrCat("{\"source_KME_ID\":", JsonQuote(Id(side) + "_KME"),
                     ",\"target_KME_ID\":", JsonQuote(PeerId(side) + "_KME"),
                     ",\"master_SAE_ID\":", JsonQuote(Id(side)),
                     ",\"slave_SAE_ID\":", JsonQuote(PeerId(side)),
                     ",\"key_size\":256,\"stored_key_count\":", pool_.size(),
                     ",\"max_key_count\":", config_.max_keys,
                     ",\"max_key_per_request\":", kQkd014MaxKeysPerRequest,
                     ",\"max_key_size\":", kQkd014MaxKeyBits,
                     ",\"min_key_size\":", kQkd014MinKeyBits,
                     ",\"max_SAE_ID_count\":0}"));
  }
  if (op == "enc_keys") {
    if (*sae != PeerId(side)) return Error(400, "unknown slave_SAE_ID");
    int number = 1, bits = 256;
    if (post) {
      if (!query.empty()) return Error(400, "unexpected query");
      absl::StatusOr<JsonValue> body = ParseJson(request.body);
      if (!body.ok() || !body->is_object()) return Error(400, "bad JSON body");
      for (const auto& [name, value] : body->members()) {
        absl::StatusOr<int64_t> n = value.AsInt(0, kQkd014MaxKeyBits);
        if (name == "number" && n.ok()) {
          number = static_cast<int>(*n);
        } else if (name == "size" && n.ok()) {
          bits = static_cast<int>(*n);
        } else {
          return Error(400, absl::StrCat("unsupported member ", name));
        }
      }
    } else {
      for (const auto& [k, v] : query) {
        if (k != "number" && k != "size") return Error(400, "bad query");
      }
      if (!ParseInt(query, "number", 1, number) ||
          !ParseInt(query, "size", 256, bits)) {
        return Error(400, "bad number or size");
      }
    }
    if (number < 1 || number > kQkd014MaxKeysPerRequest ||
        bits < kQkd014MinKeyBits || bits > kQkd014MaxKeyBits || bits % 8 != 0) {
      return Error(400, "number or size out of range");
    }
    if (pool_.size() + number > config_.max_keys) {
      return Error(503, "key pool full");
    }
    std::string body = "{\"keys\":[";
    for (int i = 0; i < number; ++i) {
      std::string id = NewUuid();
      crypto::SecretBytes key = random_.Secret(bits / 8);
      absl::StrAppend(&body, i ? "," : "", "{\"key_ID\":\"", id,
                      "\",\"key\":\"", EncodeBase64Key(key), "\"}");
      pool_.emplace(id, Entry{side, std::move(key)});
    }
    body += "]}";
    return Json(200, std::move(body));
  }
  if (op == "dec_keys") {
    if (*sae != PeerId(side)) return Error(400, "unknown master_SAE_ID");
    std::vector<std::string> ids;
    if (post) {
      absl::StatusOr<JsonValue> body = ParseJson(request.body);
      const JsonValue* list = body.ok() ? body->Find("key_IDs") : nullptr;
      if (list == nullptr || !list->is_array() || list->items().empty() ||
          list->items().size() > kQkd014MaxKeysPerRequest) {
        return Error(400, "bad key_IDs");
      }
      for (const JsonValue& item : list->items()) {
        const JsonValue* id = item.Find("key_ID");
        if (id == nullptr || !id->is_string()) return Error(400, "bad key_ID");
        ids.push_back(absl::AsciiStrToLower(id->string_value()));
      }
    } else {
      auto it = query.find("key_ID");
      if (it == query.end() || query.size() != 1) {
        return Error(400, "bad key_ID");
      }
      ids.push_back(absl::AsciiStrToLower(it->second));
    }
    for (const std::string& id : ids) {
      auto it = pool_.find(id);
      if (!ValidateQkd014KeyId(id).ok() || it == pool_.end() ||
          it->second.created_at == side) {
        return Error(400,
                     absl::StrCat("key_ID ", id.substr(0, 64), " not found"));
      }
    }
    std::string body = "{\"keys\":[";
    for (size_t i = 0; i < ids.size(); ++i) {
      auto it = pool_.find(ids[i]);
      if (it == pool_.end()) return Error(400, "repeated key_ID");
      absl::StrAppend(&body, i ? "," : "", "{\"key_ID\":\"", ids[i],
                      "\",\"key\":\"", EncodeBase64Key(it->second.key), "\"}");
      pool_.erase(it);
    }
    body += "]}";
    return Json(200, std::move(body));
  }
  return Error(404, "unknown path");
}

}  // namespace cygnet::keymgmt
