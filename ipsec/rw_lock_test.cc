#include "ipsec/rw_lock.h"

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace cygnet::ipsec {
namespace {

TEST(RwLockTest, ExcludesWritersAndSharesReaders) {
  RwLock lock;
  int64_t value = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20000; ++i) {
        std::unique_lock<RwLock> hold(lock);
        ++value;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(value, 40000);
  // Two shared holders at once.
  std::shared_lock<RwLock> first(lock);
  std::thread other([&] { std::shared_lock<RwLock> second(lock); });
  other.join();
}

// Readers that take the lock back to back must not keep a writer out
// forever: the writer finishes its updates while they spin.
TEST(RwLockTest, WriterIsNotStarvedByBusyReaders) {
  RwLock lock;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> reads{0};
  int64_t value = 0;
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        std::shared_lock<RwLock> hold(lock);
        if (value >= 0) reads.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  for (int i = 0; i < 2000; ++i) {
    std::unique_lock<RwLock> hold(lock);
    ++value;
  }
  stop = true;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(value, 2000);
}

}  // namespace
}  // namespace cygnet::ipsec
