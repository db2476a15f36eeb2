// Secret hygiene: key material is wiped before its memory is freed, and no
// key byte reaches an event, a log line or a status output.
//
// Zeroization is checked through the global allocation functions, which
// C++ lets a program replace: this test binary's operator new / new[] put a
// small header before each block recording its size and form, and operator
// delete / delete[] look at the block's contents before releasing it. That
// sees exactly the memory SecretBytes frees (it allocates with new[]) and
// every std::vector / std::string the library frees, so a key copied into
// an ordinary container and dropped unwiped is found too.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "crypto/hex.h"
#include "crypto/secret_bytes.h"
#include "gtest/gtest.h"
#include "ike/engine/show_ikev2.h"
#include "ike/robustness/attack_test_support.h"

namespace {

// ---- Allocation hooks (no allocation inside them).

constexpr size_t kHeader = 16;  // keeps 16-byte alignment
constexpr size_t kMaxNeedles = 128;
constexpr size_t kMaxNeedleSize = 64;

struct Needle {
  size_t size;
  uint8_t bytes[kMaxNeedleSize];
};
Needle g_needles[kMaxNeedles];
std::atomic<size_t> g_needle_count{0};
std::atomic<bool> g_scanning{false};
std::atomic<uint64_t> g_array_hits{0};     // found in a block freed by delete[]
std::atomic<uint64_t> g_plain_hits{0};     // found in a block freed by delete
std::atomic<uint64_t> g_array_frees{0};    // delete[] seen while scanning
std::atomic<size_t> g_last_hit_needle{0};  // for the failure message
std::atomic<size_t> g_last_hit_size{0};

bool Contains(const uint8_t* block, size_t size, const Needle& needle) {
  if (needle.size == 0 || needle.size > size) return false;
  for (size_t i = 0; i + needle.size <= size; ++i) {
    if (block[i] == needle.bytes[0] &&
        std::memcmp(block + i, needle.bytes, needle.size) == 0) {
      return true;
    }
  }
  return false;
}

void* Allocate(size_t size, bool array) {
  auto* raw = static_cast<uint8_t*>(std::malloc(size + kHeader));
  if (raw == nullptr) throw std::bad_alloc();
  reinterpret_cast<size_t*>(raw)[0] = size;
  reinterpret_cast<size_t*>(raw)[1] = array ? 1 : 0;
  return raw + kHeader;
}

void Release(void* p) {
  if (p == nullptr) return;
  uint8_t* raw = static_cast<uint8_t*>(p) - kHeader;
  if (g_scanning.load(std::memory_order_relaxed)) {
    size_t size = reinterpret_cast<size_t*>(raw)[0];
    bool array = reinterpret_cast<size_t*>(raw)[1] == 1;
    if (array) g_array_frees.fetch_add(1, std::memory_order_relaxed);
    size_t count = g_needle_count.load(std::memory_order_acquire);
    for (size_t i = 0; i < count; ++i) {
      if (Contains(static_cast<uint8_t*>(p), size, g_needles[i])) {
        (array ? g_array_hits : g_plain_hits)
            .fetch_add(1, std::memory_order_relaxed);
        g_last_hit_needle = i;
        g_last_hit_size = size;
        break;
      }
    }
  }
  std::free(raw);
}

}  // namespace

void* operator new(size_t size) { return Allocate(size, false); }
void* operator new[](size_t size) { return Allocate(size, true); }
void* operator new(size_t size, const std::nothrow_t&) noexcept {
  try {
    return Allocate(size, false);
  } catch (...) {
    return nullptr;
  }
}
void* operator new[](size_t size, const std::nothrow_t&) noexcept {
  try {
    return Allocate(size, true);
  } catch (...) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { Release(p); }
void operator delete[](void* p) noexcept { Release(p); }
void operator delete(void* p, size_t) noexcept { Release(p); }
void operator delete[](void* p, size_t) noexcept { Release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { Release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { Release(p); }

namespace cygnet::ike::robustness {
namespace {

void AddNeedle(absl::Span<const uint8_t> bytes) {
  size_t i = g_needle_count.load();
  ASSERT_LT(i, kMaxNeedles);
  ASSERT_LE(bytes.size(), kMaxNeedleSize);
  g_needles[i].size = bytes.size();
  std::memcpy(g_needles[i].bytes, bytes.data(), bytes.size());
  g_needle_count.store(i + 1, std::memory_order_release);
}

class Scan {
 public:
  Scan() {
    g_needle_count = 0;
    g_array_hits = 0;
    g_plain_hits = 0;
    g_array_frees = 0;
    g_scanning = true;
  }
  ~Scan() { g_scanning = false; }
};

TEST(SecretHygieneTest, HookSeesAnUnwipedArray) {
  // The detector works: a new[] block freed with a needle in it is counted.
  Scan scan;
  const uint8_t needle[] = {0xde, 0xad, 0xbe, 0xef, 0x01, 0x02, 0x03, 0x04,
                            0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c};
  AddNeedle(needle);
  auto* leaky = new uint8_t[64];
  std::memcpy(leaky + 10, needle, sizeof(needle));
  delete[] leaky;
  EXPECT_EQ(g_array_hits.load(), 1u);
}

TEST(SecretHygieneTest, SecretBytesWipesOnDestroyMoveAssignAndDerivedCopies) {
  Scan scan;
  std::vector<uint8_t> key(32);
  for (size_t i = 0; i < key.size(); ++i)
    key[i] = static_cast<uint8_t>(0xa0 + i);
  AddNeedle(absl::MakeConstSpan(key).subspan(0, 16));
  AddNeedle(absl::MakeConstSpan(key).subspan(16, 16));
  {
    crypto::SecretBytes a = crypto::SecretBytes::Copy(key);
    crypto::SecretBytes b = a.Clone();
    crypto::SecretBytes c = a.Slice(0, 20);
    crypto::SecretBytes d = a.Concat(key);
    crypto::SecretBytes e = std::move(b);
    e = crypto::SecretBytes::Copy(key);  // the previous buffer is freed here
    crypto::SecretBytes f(48);
    std::memcpy(f.mutable_data(), key.data(), key.size());
  }
  EXPECT_GE(g_array_frees.load(), 6u);
  EXPECT_EQ(g_array_hits.load(), 0u);
}

// Every key of a full IKE SA lifetime (IKE_SA_INIT, IKE_AUTH with a PSK,
// child rekey with PFS, IKE SA rekey, delete) is wiped before being freed.
// The keys are learned from the engine's insecure key log (which the test
// enables for exactly this purpose), plus the PSK.
TEST(SecretHygieneTest, EngineWipesEveryKeyItFrees) {
  std::vector<std::string> key_log;
  {
    Scan scan;
    absl::Time now = absl::FromUnixSeconds(1700000000);
    Node a(1, kInitiatorAddress);
    Node b(2, kResponderAddress);
    ASSERT_TRUE(
        a.engine
            .AddPolicy(TestPolicy("a", kInitiatorAddress, kResponderAddress))
            .ok());
    ASSERT_TRUE(
        b.engine
            .AddPolicy(TestPolicy("b", kResponderAddress, kInitiatorAddress))
            .ok());
    // The needles must be known before the keys are freed: the log
    // callback registers each key as soon as the engine derives it.
    auto learn = [&key_log](const std::string& line) {
      // The test's own copies of the keys are not the library's to wipe.
      g_scanning = false;
      struct Resume {
        ~Resume() { g_scanning = true; }
      } resume;
      key_log.push_back(line);
      for (absl::string_view field : absl::StrSplit(line, ' ')) {
        size_t eq = field.find('=');
        if (eq == absl::string_view::npos || absl::StartsWith(field, "spi")) {
          continue;
        }
        absl::StatusOr<std::vector<uint8_t>> key =
            crypto::HexDecode(field.substr(eq + 1));
        if (key.ok() && key->size() >= 16) {
          AddNeedle(absl::MakeConstSpan(*key).subspan(0, 16));
        }
      }
    };
    a.engine.SetInsecureKeyLog(learn);
    const std::string psk = kPsk;
    AddNeedle(absl::Span<const uint8_t>(
        reinterpret_cast<const uint8_t*>(psk.data()), psk.size()));
    absl::StatusOr<uint64_t> id = a.engine.Initiate("a", now);
    ASSERT_TRUE(id.ok());
    Pump(a, b, now);
    ASSERT_EQ(a.Count(EventType::kIkeSaEstablished), 1) << a.Reasons();
    ASSERT_TRUE(a.engine.RekeyChildSa(*id, now).ok());
    Pump(a, b, now);
    ASSERT_TRUE(a.engine.RekeyIkeSa(*id, now).ok());
    Pump(a, b, now);
    std::vector<IkeSaStatus> status = a.engine.Status(now);
    ASSERT_EQ(status.size(), 1u);
    ASSERT_TRUE(a.engine.DeleteIkeSa(status[0].id, now).ok());
    Pump(a, b, now);
    EXPECT_EQ(a.engine.ike_sa_count(), 0u);
    // SecretBytes (new[]) never frees a key unwiped.
    EXPECT_EQ(g_array_hits.load(), 0u);
    // Nor does any other container the engine and its SAD free. (The PSK
    // needle also matches the test's own std::string copies of it, freed
    // with the policies when the engines go out of scope below.)
    EXPECT_EQ(g_plain_hits.load(), 0u)
        << "last: needle " << g_last_hit_needle << " (0 = PSK) in a block of "
        << g_last_hit_size << " bytes";
    g_needle_count = 0;  // the key log strings are test-owned
  }
  // IKE SA, its rekey, three child SAs (initial, rekeyed, after IKE rekey
  // none new), each with several keys.
  EXPECT_GE(key_log.size(), 3u);
}

// No key byte in any event reason or `show` output: the engines run with a
// known PSK; every key they derive is taken from the insecure key log and
// searched for, in hex (either case) and raw, in everything they report.
TEST(SecretHygieneTest, NoKeyInEventsOrShowOutput) {
  absl::Time now = absl::FromUnixSeconds(1700000000);
  Node a(3, kInitiatorAddress);
  Node b(4, kResponderAddress);
  ASSERT_TRUE(
      a.engine.AddPolicy(TestPolicy("a", kInitiatorAddress, kResponderAddress))
          .ok());
  ASSERT_TRUE(
      b.engine.AddPolicy(TestPolicy("b", kResponderAddress, kInitiatorAddress))
          .ok());
  std::vector<std::string> keys_hex;
  a.engine.SetInsecureKeyLog([&](const std::string& line) {
    for (absl::string_view field : absl::StrSplit(line, ' ')) {
      size_t eq = field.find('=');
      if (eq == absl::string_view::npos || absl::StartsWith(field, "spi")) {
        continue;
      }
      keys_hex.push_back(std::string(field.substr(eq + 1)));
    }
  });
  absl::StatusOr<uint64_t> id = a.engine.Initiate("a", now);
  ASSERT_TRUE(id.ok());
  Pump(a, b, now);
  ASSERT_TRUE(a.engine.RekeyChildSa(*id, now).ok());
  Pump(a, b, now);
  ASSERT_GE(keys_hex.size(), 8u);
  std::string outputs;
  for (Node* node : {&a, &b}) {
    std::vector<IkeSaStatus> status = node->engine.Status(now);
    outputs += ShowIkev2Session(status, true);
    outputs += ShowIkev2Sa(status);
    outputs += ShowIkev2Summary(status);
    for (const Event& e : node->events) outputs += e.reason + e.policy + "\n";
  }
  // Failure paths report too: a wrong PSK.
  Node c(5, kInitiatorAddress);
  ASSERT_TRUE(c.engine
                  .AddPolicy(TestPolicy("c", kInitiatorAddress,
                                        kResponderAddress, "wrong-psk-0000"))
                  .ok());
  ASSERT_TRUE(c.engine.Initiate("c", now).ok());
  Pump(c, b, now);
  for (const Event& e : c.events) outputs += e.reason + "\n";
  for (const Event& e : b.events) outputs += e.reason + "\n";
  ASSERT_FALSE(outputs.empty());
  EXPECT_TRUE(absl::StrContains(outputs, "Encryption"));  // show ran
  const std::string lower = absl::AsciiStrToLower(outputs);
  for (const std::string& hex : keys_hex) {
    // 8 hex digits (4 bytes) of any key would already be a leak.
    for (size_t at = 0; at + 8 <= hex.size(); at += 8) {
      EXPECT_FALSE(
          absl::StrContains(lower, absl::AsciiStrToLower(hex.substr(at, 8))))
          << "key bytes " << hex.substr(at, 8) << " in output";
    }
  }
  for (const std::string& psk : {std::string(kPsk), std::string("wrong-psk")}) {
    EXPECT_FALSE(absl::StrContains(outputs, psk));
    EXPECT_FALSE(absl::StrContains(lower, absl::BytesToHexString(psk)));
  }
}

}  // namespace
}  // namespace cygnet::ike::robustness
