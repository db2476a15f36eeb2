#include "ipsec/rw_lock.h"

namespace cygnet::ipsec {

RwLock::RwLock() {
  pthread_rwlockattr_t attributes;
  pthread_rwlockattr_init(&attributes);
#if defined(__GLIBC__)
  pthread_rwlockattr_setkind_np(&attributes,
                                PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
#endif
  pthread_rwlock_init(&lock_, &attributes);
  pthread_rwlockattr_destroy(&attributes);
}

RwLock::~RwLock() { pthread_rwlock_destroy(&lock_); }

// The pthread calls fail only on misuse (unlocking a lock not held, or
// deadlock detection), which the callers' scoped locks rule out.
void RwLock::lock() { pthread_rwlock_wrlock(&lock_); }
bool RwLock::try_lock() { return pthread_rwlock_trywrlock(&lock_) == 0; }
void RwLock::unlock() { pthread_rwlock_unlock(&lock_); }
void RwLock::lock_shared() { pthread_rwlock_rdlock(&lock_); }
bool RwLock::try_lock_shared() { return pthread_rwlock_tryrdlock(&lock_) == 0; }
void RwLock::unlock_shared() { pthread_rwlock_unlock(&lock_); }

}  // namespace cygnet::ipsec
