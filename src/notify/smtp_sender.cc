#include "notify/smtp_sender.h"

#include <curl/curl.h>

#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

#include "util/file_util.h"

namespace mysql_backup::notify {
namespace {

constexpr long kConnectTimeoutSec = 15;
constexpr long kTotalTimeoutSec = 60;
// Used when libcurl cannot tell its built-in bundle (it always can on Debian).
constexpr char kFallbackSystemBundle[] = "/etc/ssl/certs/ca-certificates.crt";

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

// Owns a curl_slist; libcurl only borrows it, so it must outlive curl_easy_perform.
class CurlStringList {
 public:
  bool Append(const std::string& value) {
    curl_slist* head = curl_slist_append(list_.get(), value.c_str());
    if (head == nullptr) return false;  // the old list is untouched and still ours
    list_.release();
    list_.reset(head);
    return true;
  }
  curl_slist* get() const { return list_.get(); }

 private:
  struct Deleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
  };
  std::unique_ptr<curl_slist, Deleter> list_;
};

// curl_global_init is not thread-safe in libcurl before 7.84 and must run once per process.
CURLcode GlobalInitOnce() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return result;
}

std::string Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

// The envelope wants the bare address: "Backups <b@x>" -> "<b@x>".
std::string EnvelopeAddress(std::string_view address) {
  std::string trimmed = Trim(address);
  size_t open = trimmed.rfind('<');
  size_t close = trimmed.rfind('>');
  if (open != std::string::npos && close != std::string::npos && open < close) {
    return trimmed.substr(open, close - open + 1);
  }
  return "<" + trimmed + ">";
}

std::string HostPort(const NotificationConfig& config) {
  return config.smtp_server + ":" + std::to_string(config.smtp_port);
}

std::string Url(const NotificationConfig& config, const std::string& helo_name) {
  std::string host = config.smtp_server;
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  // libcurl uses the URL path as the EHLO name; without one it would announce "localhost".
  return std::string(config.use_ssl ? "smtps://" : "smtp://") + host + ":" +
         std::to_string(config.smtp_port) + "/" + helo_name;
}

// libcurl reads the message through this; it does the SMTP dot-stuffing itself.
struct UploadCursor {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadMessage(char* buffer, size_t size, size_t count, void* user) {
  auto* cursor = static_cast<UploadCursor*>(user);
  size_t n = std::min(size * count, cursor->data->size() - cursor->offset);
  std::memcpy(buffer, cursor->data->data() + cursor->offset, n);
  cursor->offset += n;
  return n;
}

// Collects the server's replies, so an error can say what the server said, not only what
// libcurl concluded. Only incoming lines are kept: outgoing ones carry the AUTH credentials.
struct ServerReplies {
  std::string last_line;
};

int CaptureReplies(CURL*, curl_infotype type, char* data, size_t size, void* user) {
  if (type != CURLINFO_HEADER_IN) return 0;
  std::string line = Trim(std::string_view(data, size));
  if (!line.empty()) static_cast<ServerReplies*>(user)->last_line = line.substr(0, 300);
  return 0;
}

void ReplaceAll(std::string& text, const std::string& needle, std::string_view replacement) {
  if (needle.empty()) return;
  for (size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + replacement.size())) {
    text.replace(pos, needle.size(), replacement);
  }
}

// A server may echo what it got ("501 cannot decode <base64>"); the password must not reach a
// log or a mail through that echo, in clear or in the AUTH PLAIN/LOGIN base64 forms.
std::string ScrubPassword(std::string text, const NotificationConfig& config) {
  if (config.password.empty()) return text;
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto base64 = [](const std::string& in) {
    std::string out;
    for (size_t i = 0; i < in.size(); i += 3) {
      unsigned n = static_cast<unsigned char>(in[i]) << 16;
      if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
      if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
      out += kAlphabet[(n >> 18) & 63];
      out += kAlphabet[(n >> 12) & 63];
      out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
      out += i + 2 < in.size() ? kAlphabet[n & 63] : '=';
    }
    return out;
  };
  ReplaceAll(text, base64(std::string(1, '\0') + config.username + '\0' + config.password), "****");
  ReplaceAll(text, base64(config.password), "****");
  ReplaceAll(text, config.password, "****");
  return text;
}

// The system bundle followed by ca_file, as one PEM blob (see the header for why).
Result<std::string> CombinedCaBundle(CURL* curl, const std::string& ca_file) {
  Result<std::string> extra = ReadFileToString(ca_file);
  if (!extra.ok()) return extra.status();
  const char* builtin = nullptr;
  std::string system_path = kFallbackSystemBundle;
  if (curl_easy_getinfo(curl, CURLINFO_CAINFO, &builtin) == CURLE_OK && builtin != nullptr) {
    system_path = builtin;
  }
  std::string bundle;
  // A host without a system bundle still trusts ca_file; that is all it would have trusted.
  if (Result<std::string> system = ReadFileToString(system_path); system.ok()) {
    bundle = std::move(*system);
    if (!bundle.empty() && bundle.back() != '\n') bundle += '\n';
  }
  bundle += *extra;
  return bundle;
}

}  // namespace

std::optional<std::string> PlainTextPasswordWarning(const NotificationConfig& config) {
  if (config.use_tls || config.use_ssl || config.password.empty()) return std::nullopt;
  return "The SMTP password goes unencrypted to " + HostPort(config) +
         ": [notification] use_tls and use_ssl are both false";
}

std::string DescribeTransport(const NotificationConfig& config) {
  std::string out = HostPort(config);
  out += config.use_ssl ? ", implicit TLS" : config.use_tls ? ", STARTTLS" : ", no encryption";
  if (!config.username.empty()) out += ", AUTH as " + config.username;
  if (!config.ca_file.empty()) out += ", extra CA file '" + config.ca_file + "'";
  return out;
}

Status SendMail(const NotificationConfig& config, const MailMessage& message) {
  const std::string where = "Cannot send mail via " + HostPort(config) +
                            (config.use_ssl   ? " (implicit TLS)"
                             : config.use_tls ? " (STARTTLS)"
                                              : "");
  auto fail = [&where](std::string why) {
    return Status(ErrorKind::kNotification, where + ": " + std::move(why));
  };
  if (config.smtp_server.empty()) return fail("[notification] smtp_server is not set");

  std::vector<std::string> recipients;
  for (const std::string& recipient : config.recipients) {
    std::string trimmed = Trim(recipient);
    if (!trimmed.empty()) recipients.push_back(std::move(trimmed));
  }
  if (recipients.empty()) return fail("no recipients in [notification] recipients");

  if (CURLcode rc = GlobalInitOnce(); rc != CURLE_OK) {
    return fail(std::string("libcurl initialisation failed: ") + curl_easy_strerror(rc));
  }
  CurlHandle curl(curl_easy_init());
  if (!curl) return fail("libcurl initialisation failed");
  CURL* c = curl.get();

  const std::string hostname = LocalHostName();
  const std::string rendered =
      RenderMail(message, config.sender, recipients, std::time(nullptr), hostname);

  CurlStringList rcpt;
  for (const std::string& recipient : recipients) {
    if (!rcpt.Append(EnvelopeAddress(recipient))) return fail("out of memory");
  }

  std::string helo_name;
  for (char ch : hostname) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '.';
    if (ok) helo_name += ch;
  }
  if (helo_name.empty()) helo_name = "localhost";

  char error_buffer[CURL_ERROR_SIZE] = {};
  ServerReplies replies;
  UploadCursor cursor{&rendered};

  // Option setters only fail on out-of-memory or an unknown option; any such failure shows up
  // again, with a message, in curl_easy_perform.
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_URL, Url(config, helo_name).c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // we run threads; no SIGALRM for DNS timeouts
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSec);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, kTotalTimeoutSec);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (config.use_tls && !config.use_ssl) curl_easy_setopt(c, CURLOPT_USE_SSL, CURLUSESSL_ALL);
  std::string ca_bundle;
  if (!config.ca_file.empty()) {
    Result<std::string> bundle = CombinedCaBundle(c, config.ca_file);
    if (!bundle.ok()) return fail("[notification] ca_file: " + bundle.status().message());
    ca_bundle = std::move(*bundle);
    curl_blob blob{ca_bundle.data(), ca_bundle.size(), CURL_BLOB_COPY};
    curl_easy_setopt(c, CURLOPT_CAINFO_BLOB, &blob);
  }
  if (!config.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, config.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, config.password.c_str());
  }
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, EnvelopeAddress(config.sender).c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, ReadMessage);
  curl_easy_setopt(c, CURLOPT_READDATA, &cursor);
  curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(rendered.size()));
  // The debug callback only runs in verbose mode; it writes nothing anywhere.
  curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
  curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, CaptureReplies);
  curl_easy_setopt(c, CURLOPT_DEBUGDATA, &replies);

  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return Status::Ok();

  std::string why = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(rc);
  while (!why.empty() && (why.back() == '\n' || why.back() == '.')) why.pop_back();
  // The server's last reply explains a refusal (4xx, 5xx); after a TLS or protocol failure on
  // our side it is some earlier "250 ..." that would only mislead.
  long code = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
  const char first = replies.last_line.empty() ? '\0' : replies.last_line.front();
  if (first == '4' || first == '5') {
    why += "; server said: " + replies.last_line;
  } else if (code >= 400) {
    why += "; SMTP reply code " + std::to_string(code);
  }
  return fail(ScrubPassword(std::move(why), config));
}

}  // namespace mysql_backup::notify
