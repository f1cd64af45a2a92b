#include "monitor/ping.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

namespace mysql_backup::monitor {

namespace {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

// The answer's body is of no interest (healthchecks.io says "OK").
size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

}  // namespace

std::string PingUrl(const std::string& base, const std::string& suffix) {
  if (suffix.empty()) return base;
  size_t query = base.find_first_of("?#");
  std::string path = base.substr(0, query);
  std::string rest = query == std::string::npos ? "" : base.substr(query);
  if (path.empty() || path.back() != '/') path += '/';
  return path + suffix + rest;
}

std::string RedactUrl(const std::string& url) {
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "…";
  size_t host_end = url.find_first_of("/?#", scheme + 3);
  std::string host = url.substr(scheme + 3, host_end == std::string::npos ? std::string::npos
                                                                          : host_end - scheme - 3);
  // user:password@ in front of the host is a secret too.
  if (size_t at = host.rfind('@'); at != std::string::npos) host = host.substr(at + 1);
  return url.substr(0, scheme + 3) + host + "/…";
}

Status Ping(const std::string& url, const std::string& body, int timeout_sec) {
  CurlHandle curl(curl_easy_init());
  if (!curl) return Status(ErrorKind::kNotification, "Cannot set up libcurl");
  CURL* c = curl.get();
  char error_buffer[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(std::min(timeout_sec, 5)));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(timeout_sec));
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "mysql-backup");
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return Status(ErrorKind::kNotification,
                  "no answer within " + std::to_string(timeout_sec) + " s (ping_timeout)");
  }
  if (rc != CURLE_OK) {
    // libcurl's messages name the host and port at most, never the path with the token.
    return Status(ErrorKind::kNotification,
                  error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 400) {
    return Status(ErrorKind::kNotification, "the server answered HTTP status " +
                                                std::to_string(status));
  }
  return Status::Ok();
}

}  // namespace mysql_backup::monitor
