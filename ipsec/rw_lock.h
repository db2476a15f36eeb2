// RwLock: a writer-preferring reader/writer lock for the SAD and SPD.
//
// The packet path takes it shared on every lookup, the control plane takes it
// exclusively to change a table. Two properties matter and neither
// std::shared_mutex nor absl::Mutex gives both here:
// - writers must not starve: packet threads look up back to back, and the
//   default glibc rwlock prefers readers, so a rekey could wait forever.
//   This lock is a pthread rwlock of kind
//   PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP: once a writer waits, new
//   readers queue behind it;
// - ThreadSanitizer must see the happens-before edges: TSan intercepts the
//   pthread calls, while the system Abseil is built without TSan
//   annotations, so every absl::Mutex-protected access would be reported.
// Not recursive: a thread must not take it shared twice (a waiting writer
// would deadlock it). Meets the Lockable and SharedLockable requirements, so
// std::unique_lock / std::shared_lock work with it.
#ifndef CYGNET_IPSEC_RW_LOCK_H_
#define CYGNET_IPSEC_RW_LOCK_H_

#include <pthread.h>

namespace cygnet::ipsec {

class RwLock {
 public:
  RwLock();
  ~RwLock();
  RwLock(const RwLock&) = delete;
  RwLock& operator=(const RwLock&) = delete;

  void lock();
  bool try_lock();
  void unlock();
  void lock_shared();
  // Fails while the lock is held exclusively or a writer is waiting.
  bool try_lock_shared();
  void unlock_shared();

 private:
  pthread_rwlock_t lock_;
};

}  // namespace cygnet::ipsec

#endif  // CYGNET_IPSEC_RW_LOCK_H_
