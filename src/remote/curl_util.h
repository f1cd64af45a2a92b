// The small libcurl ownership helpers the remote clients share: an easy handle, a header list,
// the once-per-process global init.
#ifndef MYSQL_BACKUP_REMOTE_CURL_UTIL_H_
#define MYSQL_BACKUP_REMOTE_CURL_UTIL_H_

#include <curl/curl.h>

#include <memory>
#include <string>

#include "util/status.h"

namespace mysql_backup::remote {

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

// Owns a curl_slist; libcurl only borrows it, so it must outlive curl_easy_perform.
class CurlHeaders {
 public:
  void Add(const std::string& line) {
    curl_slist* head = curl_slist_append(list_.get(), line.c_str());
    if (head != nullptr) {
      (void)list_.release();
      list_.reset(head);
    }
  }
  curl_slist* get() const { return list_.get(); }

 private:
  struct Deleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
  };
  std::unique_ptr<curl_slist, Deleter> list_;
};

// A new easy handle after curl_global_init; kOffsite when libcurl cannot start.
Result<CurlHandle> NewCurlHandle();

}  // namespace mysql_backup::remote

#endif  // MYSQL_BACKUP_REMOTE_CURL_UTIL_H_
