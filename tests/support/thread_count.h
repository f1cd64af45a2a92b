// How many threads this process runs, for tests that prove a stage joins its worker threads on
// every path (success, a failing sink, abandoned mid-stream).
#ifndef MYSQL_BACKUP_TESTS_SUPPORT_THREAD_COUNT_H_
#define MYSQL_BACKUP_TESTS_SUPPORT_THREAD_COUNT_H_

#include <dirent.h>
#include <unistd.h>

namespace mysql_backup::testing {

// The entries of /proc/self/task; -1 when it cannot be read.
inline int ThreadCount() {
  int n = 0;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return -1;
  while (dirent* entry = readdir(dir)) n += entry->d_name[0] != '.';
  closedir(dir);
  return n;
}

// The thread count once joined threads are gone: pthread_join returns when the thread has
// cleared its tid, a moment before the kernel drops its /proc/self/task entry, so on a busy
// machine the count may lag for a while. Polls for up to 10 s; a thread really left running
// stays counted.
inline int SettledThreadCount(int expected) {
  int n = ThreadCount();
  for (int i = 0; i < 1000 && n != expected; ++i) {
    usleep(10000);
    n = ThreadCount();
  }
  return n;
}

}  // namespace mysql_backup::testing

#endif  // MYSQL_BACKUP_TESTS_SUPPORT_THREAD_COUNT_H_
