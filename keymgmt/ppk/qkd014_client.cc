#include "keymgmt/ppk/qkd014_client.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "keymgmt/ppk/json.h"
#include "keymgmt/ppk/key_encoding.h"

namespace cygnet::keymgmt {
namespace {

HttpHeaders Headers(absl::string_view host) {
  return {{"Host", std::string(host)}, {"Accept", "application/json"}};
}

std::string KeysPath(absl::string_view sae_id, absl::string_view op) {
  return absl::StrCat("/api/v1/keys/", PercentEncode(sae_id), "/", op);
}

absl::Status Invalid(absl::string_view what, absl::string_view detail) {
  return absl::InvalidArgumentError(
      absl::StrCat("QKD 014 ", what, ": ", detail));
}

absl::StatusOr<JsonValue> JsonBody(const HttpResponse& response,
                                   absl::string_view what, bool dec_keys) {
  if (response.status != 200) {
    std::string msg =
        absl::StrCat("QKD 014 ", what, " failed: HTTP ", response.status);
    // The Error object (6.5) when there is one; only printable characters.
    if (absl::StatusOr<JsonValue> err = ParseJson(response.body);
        err.ok() && err->is_object()) {
      if (const JsonValue* m = err->Find("message");
          m != nullptr && m->is_string()) {
        std::string text;
        for (char c : m->string_value()) {
          if (text.size() >= 120) break;
          if (c >= 0x20 && c < 0x7f) text += c;
        }
        absl::StrAppend(&msg, " (", text, ")");
      }
    }
    switch (response.status) {
      case 400:
        return dec_keys ? absl::NotFoundError(msg)
                        : absl::InvalidArgumentError(msg);
      case 401:
        return absl::PermissionDeniedError(msg);
      default:
        return absl::UnavailableError(msg);
    }
  }
  if (const std::string* type = response.Header("Content-Type");
      type != nullptr &&
      !absl::StartsWithIgnoreCase(*type, "application/json")) {
    return Invalid(what, absl::StrCat("Content-Type '", *type, "'"));
  }
  absl::StatusOr<JsonValue> json = ParseJson(response.body);
  if (!json.ok()) return Invalid(what, json.status().message());
  if (!json->is_object()) return Invalid(what, "response is not a JSON object");
  return json;
}

absl::Status ValidateSize(int bits) {
  if (bits < kQkd014MinKeyBits || bits > kQkd014MaxKeyBits || bits % 8 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "QKD 014 key size ", bits, " bits is not a multiple of 8 in [",
        kQkd014MinKeyBits, ", ", kQkd014MaxKeyBits, "]"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateQkd014KeyId(absl::string_view key_id) {
  bool ok = key_id.size() == 36;
  for (size_t i = 0; ok && i < key_id.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    ok = dash ? key_id[i] == '-'
              : absl::ascii_isxdigit(static_cast<unsigned char>(key_id[i]));
  }
  if (!ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "QKD 014 key_ID '", key_id.substr(0, 64), "' is not a UUID"));
  }
  return absl::OkStatus();
}

absl::Status ValidateQkd014SaeId(absl::string_view sae_id) {
  if (sae_id.empty() || sae_id.size() > kQkd014MaxSaeIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("QKD 014 SAE ID length ", sae_id.size(), " is not in [1, ",
                     kQkd014MaxSaeIdBytes, "]"));
  }
  for (size_t i = 0; i < sae_id.size(); ++i) {
    if (sae_id[i] < 0x21 || sae_id[i] > 0x7e) {
      return absl::InvalidArgumentError(absl::StrCat(
          "QKD 014 SAE ID has a non-printable character at offset ", i));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<HttpRequest> Qkd014StatusRequest(
    absl::string_view host, absl::string_view slave_sae_id) {
  if (absl::Status st = ValidateQkd014SaeId(slave_sae_id); !st.ok()) return st;
  return HttpRequest{"GET", KeysPath(slave_sae_id, "status"), Headers(host),
                     ""};
}

absl::StatusOr<HttpRequest> Qkd014EncKeysRequest(absl::string_view host,
                                                 absl::string_view slave_sae_id,
                                                 int number, int size_bits,
                                                 Qkd014Method method) {
  if (absl::Status st = ValidateQkd014SaeId(slave_sae_id); !st.ok()) return st;
  if (number < 1 || number > kQkd014MaxKeysPerRequest) {
    return absl::InvalidArgumentError(
        absl::StrCat("QKD 014 number ", number, " is not in [1, ",
                     kQkd014MaxKeysPerRequest, "]"));
  }
  if (size_bits != 0) {
    if (absl::Status st = ValidateSize(size_bits); !st.ok()) return st;
  }
  std::string path = KeysPath(slave_sae_id, "enc_keys");
  if (method == Qkd014Method::kGet) {
    absl::StrAppend(&path, "?number=", number);
    if (size_bits != 0) absl::StrAppend(&path, "&size=", size_bits);
    return HttpRequest{"GET", std::move(path), Headers(host), ""};
  }
  std::string body = absl::StrCat("{\"number\":", number);
  if (size_bits != 0) absl::StrAppend(&body, ",\"size\":", size_bits);
  body += "}";
  HttpHeaders headers = Headers(host);
  headers.emplace_back("Content-Type", "application/json");
  return HttpRequest{"POST", std::move(path), std::move(headers),
                     std::move(body)};
}

absl::StatusOr<HttpRequest> Qkd014DecKeysRequest(
    absl::string_view host, absl::string_view master_sae_id,
    absl::Span<const std::string> key_ids, Qkd014Method method) {
  if (absl::Status st = ValidateQkd014SaeId(master_sae_id); !st.ok()) {
    return st;
  }
  if (key_ids.empty() || key_ids.size() > kQkd014MaxKeysPerRequest) {
    return absl::InvalidArgumentError(
        absl::StrCat("QKD 014 dec_keys with ", key_ids.size(),
                     " key IDs (want 1..", kQkd014MaxKeysPerRequest, ")"));
  }
  for (const std::string& id : key_ids) {
    if (absl::Status st = ValidateQkd014KeyId(id); !st.ok()) return st;
  }
  std::string path = KeysPath(master_sae_id, "dec_keys");
  if (method == Qkd014Method::kGet) {
    if (key_ids.size() != 1) {
      return absl::InvalidArgumentError(
          "QKD 014 dec_keys by GET carries exactly one key_ID");
    }
    absl::StrAppend(&path, "?key_ID=", key_ids[0]);
    return HttpRequest{"GET", std::move(path), Headers(host), ""};
  }
  std::string body = "{\"key_IDs\":[";
  for (size_t i = 0; i < key_ids.size(); ++i) {
    absl::StrAppend(&body, i ? "," : "", "{\"key_ID\":", JsonQuote(key_ids[i]),
                    "}");
  }
  body += "]}";
  HttpHeaders headers = Headers(host);
  headers.emplace_back("Content-Type", "application/json");
  return HttpRequest{"POST", std::move(path), std::move(headers),
                     std::move(body)};
}

absl::StatusOr<Qkd014Status> ParseQkd014StatusResponse(
    const HttpResponse& response) {
  constexpr absl::string_view kWhat = "status";
  absl::StatusOr<JsonValue> json = JsonBody(response, kWhat, false);
  if (!json.ok()) return json.status();
  Qkd014Status s;
  struct StringField {
    const char* name;
    std::string* out;
  } strings[] = {{"source_KME_ID", &s.source_kme_id},
                 {"target_KME_ID", &s.target_kme_id},
                 {"master_SAE_ID", &s.master_sae_id},
                 {"slave_SAE_ID", &s.slave_sae_id}};
  for (const auto& f : strings) {
    const JsonValue* v = json->Find(f.name);
    if (v == nullptr || !v->is_string()) {
      return Invalid(
          kWhat, absl::StrCat("\"", f.name, "\" is missing or not a string"));
    }
    if (absl::Status st = ValidateQkd014SaeId(v->string_value()); !st.ok()) {
      return Invalid(kWhat, absl::StrCat("\"", f.name, "\": ", st.message()));
    }
    *f.out = v->string_value();
  }
  struct IntField {
    const char* name;
    int64_t* out;
  } ints[] = {{"key_size", &s.key_size},
              {"stored_key_count", &s.stored_key_count},
              {"max_key_count", &s.max_key_count},
              {"max_key_per_request", &s.max_key_per_request},
              {"max_key_size", &s.max_key_size},
              {"min_key_size", &s.min_key_size},
              {"max_SAE_ID_count", &s.max_sae_id_count}};
  for (const auto& f : ints) {
    const JsonValue* v = json->Find(f.name);
    if (v == nullptr) {
      return Invalid(kWhat, absl::StrCat("\"", f.name, "\" is missing"));
    }
    absl::StatusOr<int64_t> n = v->AsInt(0, int64_t{1} << 40);
    if (!n.ok()) {
      return Invalid(kWhat,
                     absl::StrCat("\"", f.name, "\": ", n.status().message()));
    }
    *f.out = *n;
  }
  if (s.min_key_size > s.max_key_size || s.key_size < s.min_key_size ||
      s.key_size > s.max_key_size) {
    return Invalid(kWhat, absl::StrCat("key sizes are inconsistent (min ",
                                       s.min_key_size, ", default ", s.key_size,
                                       ", max ", s.max_key_size, ")"));
  }
  return s;
}

absl::StatusOr<std::vector<Ppk>> ParseQkd014KeysResponse(
    const HttpResponse& response, size_t expected_count, int expected_bits,
    absl::Span<const std::string> expected_ids, bool dec_keys) {
  const absl::string_view what = dec_keys ? "dec_keys" : "enc_keys";
  absl::StatusOr<JsonValue> json = JsonBody(response, what, dec_keys);
  if (!json.ok()) return json.status();
  const JsonValue* keys = json->Find("keys");
  if (keys == nullptr || !keys->is_array()) {
    return Invalid(what, "\"keys\" is missing or not an array");
  }
  if (keys->items().size() != expected_count) {
    return Invalid(what, absl::StrCat("\"keys\" has ", keys->items().size(),
                                      " entries, expected ", expected_count));
  }
  std::vector<Ppk> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < keys->items().size(); ++i) {
    const JsonValue& k = keys->items()[i];
    std::string where = absl::StrCat("\"keys\"[", i, "]");
    if (!k.is_object()) return Invalid(what, where + " is not an object");
    const JsonValue* id = k.Find("key_ID");
    const JsonValue* key = k.Find("key");
    if (id == nullptr || !id->is_string()) {
      return Invalid(what, where + ".key_ID is missing or not a string");
    }
    if (key == nullptr || !key->is_string()) {
      return Invalid(what, where + ".key is missing or not a string");
    }
    for (const char* ext : {"key_ID_extension", "key_extension"}) {
      if (const JsonValue* e = k.Find(ext); e != nullptr && !e->is_object()) {
        return Invalid(what,
                       absl::StrCat(where, ".", ext, " is not an object"));
      }
    }
    if (absl::Status st = ValidateQkd014KeyId(id->string_value()); !st.ok()) {
      return Invalid(what, absl::StrCat(where, ": ", st.message()));
    }
    std::string lower = absl::AsciiStrToLower(id->string_value());
    if (!seen.insert(lower).second) {
      return Invalid(what, absl::StrCat(where, ".key_ID '", id->string_value(),
                                        "' is repeated"));
    }
    std::string b64 = key->string_value();
    absl::StatusOr<crypto::SecretBytes> bytes = DecodeBase64Key(b64);
    WipeString(b64);
    if (!bytes.ok()) {
      return Invalid(what,
                     absl::StrCat(where, ".key: ", bytes.status().message()));
    }
    size_t bits = bytes->size() * 8;
    if (expected_bits != 0 && bits != static_cast<size_t>(expected_bits)) {
      return Invalid(what, absl::StrCat(where, ".key has ", bits,
                                        " bits, expected ", expected_bits));
    }
    if (bits > static_cast<size_t>(kQkd014MaxKeyBits)) {
      return Invalid(what, absl::StrCat(where, ".key has ", bits, " bits"));
    }
    if (!out.empty() && out[0].key.size() != bytes->size()) {
      return Invalid(what, where + ".key differs in size from the first key");
    }
    out.push_back(Ppk{id->string_value(), *std::move(bytes)});
  }
  if (!expected_ids.empty()) {
    std::vector<Ppk> ordered;
    for (const std::string& want : expected_ids) {
      bool found = false;
      for (Ppk& p : out) {
        if (!p.key.empty() && absl::EqualsIgnoreCase(p.id, want)) {
          ordered.push_back(Ppk{want, std::move(p.key)});
          found = true;
          break;
        }
      }
      if (!found) {
        return Invalid(what,
                       absl::StrCat("response lacks key_ID '", want, "'"));
      }
    }
    return ordered;
  }
  return out;
}

Qkd014PpkSource::Qkd014PpkSource(HttpTransport& transport, Qkd014Config config,
                                 HttpPpkSourceOptions options)
    : HttpPpkSource(transport, std::move(options)),
      config_(std::move(config)) {}

std::string Qkd014PpkSource::SaeId(const std::string& peer) const {
  auto it = config_.sae_ids.find(peer);
  return it == config_.sae_ids.end() ? peer : it->second;
}

absl::StatusOr<HttpRequest> Qkd014PpkSource::BuildRequest(
    const Request& request) {
  if (request.by_id) {
    if (absl::Status st = ValidateQkd014KeyId(request.key_id); !st.ok()) {
      return absl::NotFoundError(absl::StrCat(
          "unknown PPK ID '", request.key_id, "': ", st.message()));
    }
    std::vector<std::string> ids = {request.key_id};
    return Qkd014DecKeysRequest(config_.host, SaeId(request.peer), ids,
                                config_.method);
  }
  return Qkd014EncKeysRequest(config_.host, SaeId(request.peer), 1,
                              config_.key_bits, config_.method);
}

absl::StatusOr<Ppk> Qkd014PpkSource::ParseResponse(
    const Request& request, const HttpResponse& response) {
  std::vector<std::string> ids;
  if (request.by_id) ids.push_back(request.key_id);
  absl::StatusOr<std::vector<Ppk>> keys = ParseQkd014KeysResponse(
      response, 1, config_.key_bits, ids, request.by_id);
  if (!keys.ok()) {
    if (request.by_id && keys.status().code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError(absl::StrCat(
          "unknown PPK ID '", request.key_id, "': ", keys.status().message()));
    }
    return keys.status();
  }
  return std::move((*keys)[0]);
}

}  // namespace cygnet::keymgmt
