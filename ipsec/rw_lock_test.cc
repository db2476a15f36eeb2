#include "ipsec/rw_lock.h"

#include <atomic>
#include <chrono>
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

// Writer preference: while a writer waits for a reader to leave, new readers
// are held back, so readers taking the lock back to back cannot keep a
// writer out forever. (A reader-preferring lock lets the new reader in, and
// this test fails at its deadline.)
TEST(RwLockTest, WaitingWriterHoldsBackNewReaders) {
  RwLock lock;
  std::shared_lock<RwLock> reader(lock);
  std::atomic<bool> written{false};
  std::thread writer([&] {
    std::unique_lock<RwLock> hold(lock);
    written = true;
  });
  // Once the writer is queued, a new shared acquisition must fail.
  bool held_back = false;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!held_back && std::chrono::steady_clock::now() < deadline) {
    if (lock.try_lock_shared()) {
      lock.unlock_shared();
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    } else {
      held_back = true;
    }
  }
  EXPECT_TRUE(held_back);
  EXPECT_FALSE(written.load());
  reader.unlock();
  writer.join();
  EXPECT_TRUE(written.load());
  EXPECT_TRUE(lock.try_lock());
  EXPECT_FALSE(lock.try_lock_shared());
  lock.unlock();
}

// Busy readers and a writer: the writer's 2000 updates all get through.
TEST(RwLockTest, WriterProgressesAmongBusyReaders) {
  RwLock lock;
  std::atomic<bool> stop{false};
  int64_t value = 0;
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        std::shared_lock<RwLock> hold(lock);
        EXPECT_GE(value, 0);
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
