#include "remote/curl_util.h"

#include <mutex>

namespace mysql_backup::remote {

Result<CurlHandle> NewCurlHandle() {
  // curl_global_init is not thread-safe in libcurl before 7.84 and must run once per process.
  static std::once_flag once;
  static CURLcode init = CURLE_OK;
  std::call_once(once, [] { init = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (init != CURLE_OK) {
    return Status(ErrorKind::kOffsite,
                  std::string("Cannot initialise libcurl: ") + curl_easy_strerror(init));
  }
  CurlHandle h(curl_easy_init());
  if (!h) return Status(ErrorKind::kOffsite, "Cannot initialise libcurl: out of memory");
  return h;
}

}  // namespace mysql_backup::remote
