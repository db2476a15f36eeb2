#include "keymgmt/ppk/skip_client.h"

#include <fnmatch.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "keymgmt/ppk/json.h"
#include "keymgmt/ppk/key_encoding.h"

namespace cygnet::keymgmt {
namespace {

HttpRequest Get(absl::string_view host, std::string path) {
  return HttpRequest{
      "GET",
      std::move(path),
      {{"Host", std::string(host)}, {"Accept", "application/json"}},
      ""};
}

absl::Status ValidateBits(absl::string_view field, int bits, int min, int max) {
  if (bits < min || bits > max || bits % 8 != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKIP ", field, " ", bits,
                     " bits is not a multiple of 8 in [", min, ", ", max, "]"));
  }
  return absl::OkStatus();
}

// Non-200 status -> error; then the body as a JSON object.
absl::StatusOr<JsonValue> JsonBody(const HttpResponse& response,
                                   absl::string_view what, bool key_request) {
  if (response.status != 200) {
    std::string msg =
        absl::StrCat("SKIP ", what, " failed: HTTP ", response.status);
    switch (response.status) {
      case 400:
        if (key_request) {
          return absl::NotFoundError(
              absl::StrCat(msg, " (keyId malformed or key not found)"));
        }
        return absl::InvalidArgumentError(msg);
      case 404:
      case 405:
        return absl::UnimplementedError(
            absl::StrCat(msg, " (method not supported by the Key Provider)"));
      default:
        return absl::UnavailableError(msg);
    }
  }
  if (const std::string* type = response.Header("Content-Type");
      type != nullptr &&
      !absl::StartsWithIgnoreCase(*type, "application/json")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SKIP ", what, " response has Content-Type '", *type, "'"));
  }
  absl::StatusOr<JsonValue> json = ParseJson(response.body);
  if (!json.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKIP ", what, " response: ", json.status().message()));
  }
  if (!json->is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKIP ", what, " response is not a JSON object"));
  }
  return json;
}

absl::StatusOr<const JsonValue*> Member(const JsonValue& obj,
                                        absl::string_view what,
                                        absl::string_view name,
                                        JsonValue::Type type,
                                        absl::string_view type_name) {
  const JsonValue* v = obj.Find(name);
  if (v == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKIP ", what, " response lacks \"", name, "\""));
  }
  if (v->type() != type) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SKIP ", what, " response \"", name, "\" is not a ", type_name));
  }
  return v;
}

}  // namespace

bool SkipCapabilities::CanShareWith(absl::string_view remote_system_id) const {
  std::string id(remote_system_id);
  for (const std::string& pattern : remote_system_ids) {
    if (fnmatch(pattern.c_str(), id.c_str(), 0) == 0) return true;
  }
  return false;
}

absl::Status ValidateSkipSystemId(absl::string_view id) {
  if (id.empty() || id.size() > kSkipMaxSystemIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat("SKIP system ID length ",
                                                   id.size(), " is not in [1, ",
                                                   kSkipMaxSystemIdBytes, "]"));
  }
  for (size_t i = 0; i < id.size(); ++i) {
    if (id[i] < 0x21 || id[i] > 0x7e) {
      return absl::InvalidArgumentError(absl::StrCat(
          "SKIP system ID has a non-printable character at offset ", i));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateSkipKeyId(absl::string_view key_id) {
  if (key_id.empty() || key_id.size() % 2 != 0 ||
      key_id.size() > kSkipMaxKeyIdHex) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SKIP keyId '", key_id.substr(0, 64), "' has length ", key_id.size(),
        " (want an even number of hex digits, at most ", kSkipMaxKeyIdHex,
        ")"));
  }
  for (size_t i = 0; i < key_id.size(); ++i) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(key_id[i]))) {
      return absl::InvalidArgumentError(
          absl::StrCat("SKIP keyId '", key_id.substr(0, 64),
                       "' has a non-hex character at offset ", i));
    }
  }
  return absl::OkStatus();
}

HttpRequest SkipCapabilitiesRequest(absl::string_view host) {
  return Get(host, "/capabilities");
}

absl::StatusOr<HttpRequest> SkipNewKeyRequest(
    absl::string_view host, absl::string_view remote_system_id, int size_bits) {
  if (absl::Status st = ValidateSkipSystemId(remote_system_id); !st.ok()) {
    return st;
  }
  std::string path =
      absl::StrCat("/key?remoteSystemID=", PercentEncode(remote_system_id));
  if (size_bits != 0) {
    if (absl::Status st = ValidateBits("key size", size_bits, kSkipMinKeyBits,
                                       kSkipMaxKeyBits);
        !st.ok()) {
      return st;
    }
    absl::StrAppend(&path, "&size=", size_bits);
  }
  return Get(host, std::move(path));
}

absl::StatusOr<HttpRequest> SkipKeyByIdRequest(
    absl::string_view host, absl::string_view key_id,
    absl::string_view remote_system_id) {
  if (absl::Status st = ValidateSkipKeyId(key_id); !st.ok()) return st;
  if (absl::Status st = ValidateSkipSystemId(remote_system_id); !st.ok()) {
    return st;
  }
  return Get(host, absl::StrCat("/key/", key_id, "?remoteSystemID=",
                                PercentEncode(remote_system_id)));
}

absl::StatusOr<HttpRequest> SkipEntropyRequest(absl::string_view host,
                                               int min_entropy_bits) {
  if (min_entropy_bits == 0) return Get(host, "/entropy");
  if (absl::Status st =
          ValidateBits("minentropy", min_entropy_bits, 8, kSkipMaxKeyBits);
      !st.ok()) {
    return st;
  }
  return Get(host, absl::StrCat("/entropy?minentropy=", min_entropy_bits));
}

absl::StatusOr<SkipCapabilities> ParseSkipCapabilitiesResponse(
    const HttpResponse& response) {
  constexpr absl::string_view kWhat = "capabilities";
  absl::StatusOr<JsonValue> json = JsonBody(response, kWhat, false);
  if (!json.ok()) return json.status();
  SkipCapabilities caps;
  auto entropy =
      Member(*json, kWhat, "entropy", JsonValue::Type::kBool, "boolean");
  if (!entropy.ok()) return entropy.status();
  caps.entropy = (*entropy)->bool_value();
  auto key = Member(*json, kWhat, "key", JsonValue::Type::kBool, "boolean");
  if (!key.ok()) return key.status();
  caps.key = (*key)->bool_value();
  auto algorithm =
      Member(*json, kWhat, "algorithm", JsonValue::Type::kString, "string");
  if (!algorithm.ok()) return algorithm.status();
  caps.algorithm = (*algorithm)->string_value();
  if (caps.algorithm.size() > kSkipMaxSystemIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKIP capabilities \"algorithm\" is longer than ",
                     kSkipMaxSystemIdBytes, " bytes"));
  }
  auto local =
      Member(*json, kWhat, "localSystemID", JsonValue::Type::kString, "string");
  if (!local.ok()) return local.status();
  caps.local_system_id = (*local)->string_value();
  if (absl::Status st = ValidateSkipSystemId(caps.local_system_id); !st.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKIP capabilities \"localSystemID\": ", st.message()));
  }
  auto remote =
      Member(*json, kWhat, "remoteSystemID", JsonValue::Type::kArray, "array");
  if (!remote.ok()) return remote.status();
  if ((*remote)->items().empty()) {
    return absl::InvalidArgumentError(
        "SKIP capabilities \"remoteSystemID\" is empty (section 4.1.2 "
        "requires at least one)");
  }
  for (size_t i = 0; i < (*remote)->items().size(); ++i) {
    const JsonValue& item = (*remote)->items()[i];
    if (!item.is_string()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "SKIP capabilities \"remoteSystemID\"[", i, "] is not a string"));
    }
    if (absl::Status st = ValidateSkipSystemId(item.string_value()); !st.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "SKIP capabilities \"remoteSystemID\"[", i, "]: ", st.message()));
    }
    caps.remote_system_ids.push_back(item.string_value());
  }
  return caps;
}

absl::StatusOr<Ppk> ParseSkipKeyResponse(const HttpResponse& response,
                                         int expected_bits,
                                         absl::string_view expected_key_id) {
  constexpr absl::string_view kWhat = "key";
  if (expected_bits == 0) expected_bits = kSkipDefaultKeyBits;
  absl::StatusOr<JsonValue> json =
      JsonBody(response, kWhat, /*key_request=*/!expected_key_id.empty());
  if (!json.ok()) return json.status();
  auto key_id =
      Member(*json, kWhat, "keyId", JsonValue::Type::kString, "string");
  if (!key_id.ok()) return key_id.status();
  const std::string& id = (*key_id)->string_value();
  if (absl::Status st = ValidateSkipKeyId(id); !st.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKIP key response: ", st.message()));
  }
  if (!expected_key_id.empty() &&
      !absl::EqualsIgnoreCase(id, expected_key_id)) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKIP key response has keyId '", id, "', asked for '",
                     expected_key_id, "'"));
  }
  auto key = Member(*json, kWhat, "key", JsonValue::Type::kString, "string");
  if (!key.ok()) return key.status();
  std::string key_hex = (*key)->string_value();
  absl::StatusOr<crypto::SecretBytes> bytes = DecodeHexKey(key_hex);
  WipeString(key_hex);
  if (!bytes.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKIP key response \"key\": ", bytes.status().message()));
  }
  if (bytes->size() * 8 != static_cast<size_t>(expected_bits)) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKIP key response \"key\" has ", bytes->size() * 8,
                     " bits, expected ", expected_bits));
  }
  return Ppk{id, *std::move(bytes)};
}

absl::StatusOr<SkipEntropy> ParseSkipEntropyResponse(
    const HttpResponse& response, int requested_bits) {
  constexpr absl::string_view kWhat = "entropy";
  if (requested_bits == 0) requested_bits = kSkipDefaultEntropyBits;
  absl::StatusOr<JsonValue> json = JsonBody(response, kWhat, false);
  if (!json.ok()) return json.status();
  auto random =
      Member(*json, kWhat, "randomStr", JsonValue::Type::kString, "string");
  if (!random.ok()) return random.status();
  auto min =
      Member(*json, kWhat, "minentropy", JsonValue::Type::kNumber, "number");
  if (!min.ok()) return min.status();
  absl::StatusOr<int64_t> bits = (*min)->AsInt(1, kSkipMaxKeyBits);
  if (!bits.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKIP entropy \"minentropy\": ", bits.status().message()));
  }
  std::string hex = (*random)->string_value();
  absl::StatusOr<crypto::SecretBytes> bytes = DecodeHexKey(hex);
  WipeString(hex);
  if (!bytes.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKIP entropy \"randomStr\": ", bytes.status().message()));
  }
  if (static_cast<int64_t>(bytes->size() * 8) != *bits) {
    return absl::InvalidArgumentError(
        absl::StrCat("SKIP entropy \"randomStr\" has ", bytes->size() * 8,
                     " bits but \"minentropy\" says ", *bits));
  }
  if (*bits < requested_bits) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SKIP entropy has ", *bits, " bits, asked for ", requested_bits));
  }
  return SkipEntropy{*std::move(bytes), static_cast<int>(*bits)};
}

SkipPpkSource::SkipPpkSource(HttpTransport& transport, SkipConfig config,
                             HttpPpkSourceOptions options)
    : HttpPpkSource(transport, std::move(options)),
      config_(std::move(config)) {}

std::string SkipPpkSource::RemoteSystemId(const std::string& peer) const {
  auto it = config_.remote_system_ids.find(peer);
  return it == config_.remote_system_ids.end() ? peer : it->second;
}

absl::StatusOr<HttpRequest> SkipPpkSource::BuildRequest(
    const Request& request) {
  std::string remote = RemoteSystemId(request.peer);
  if (request.by_id) {
    absl::StatusOr<HttpRequest> r =
        SkipKeyByIdRequest(config_.host, request.key_id, remote);
    if (!r.ok()) {
      return absl::NotFoundError(
          absl::StrCat("unknown PPK ID: ", r.status().message()));
    }
    return r;
  }
  return SkipNewKeyRequest(
      config_.host, remote,
      config_.key_bits == kSkipDefaultKeyBits ? 0 : config_.key_bits);
}

absl::StatusOr<Ppk> SkipPpkSource::ParseResponse(const Request& request,
                                                 const HttpResponse& response) {
  absl::StatusOr<Ppk> ppk = ParseSkipKeyResponse(
      response, config_.key_bits, request.by_id ? request.key_id : "");
  if (!ppk.ok() && request.by_id &&
      ppk.status().code() == absl::StatusCode::kNotFound) {
    return absl::NotFoundError(absl::StrCat("unknown PPK ID '", request.key_id,
                                            "': ", ppk.status().message()));
  }
  return ppk;
}

}  // namespace cygnet::keymgmt
