#include "remote/s3_client.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <map>
#include <optional>

#include "remote/curl_util.h"
#include "util/unique_fd.h"

namespace mysql_backup {

namespace {

using remote::CurlHandle;
using remote::CurlHeaders;
using Query = std::vector<std::pair<std::string, std::string>>;

// Error bodies are short XML; anything longer is cut, it is only read for <Code> and <Message>.
constexpr size_t kMaxErrorBody = 64 << 10;
constexpr size_t kHashChunk = 1 << 20;

// The text of the first <tag>...</tag> in `xml` from `from`, entities decoded; nullopt if none.
std::optional<std::string> XmlText(std::string_view xml, std::string_view tag, size_t from = 0) {
  std::string open = "<" + std::string(tag) + ">";
  std::string close = "</" + std::string(tag) + ">";
  size_t b = xml.find(open, from);
  if (b == std::string_view::npos) return std::nullopt;
  b += open.size();
  size_t e = xml.find(close, b);
  if (e == std::string_view::npos) return std::nullopt;
  std::string_view raw = xml.substr(b, e - b);
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '&') {
      out += raw[i];
      continue;
    }
    size_t semi = raw.find(';', i);
    if (semi == std::string_view::npos) {
      out += raw[i];
      continue;
    }
    std::string_view entity = raw.substr(i + 1, semi - i - 1);
    if (entity == "amp") out += '&';
    else if (entity == "lt") out += '<';
    else if (entity == "gt") out += '>';
    else if (entity == "quot") out += '"';
    else if (entity == "apos") out += '\'';
    else if (!entity.empty() && entity[0] == '#') {
      long cp = entity.size() > 1 && (entity[1] == 'x' || entity[1] == 'X')
                    ? std::strtol(std::string(entity.substr(2)).c_str(), nullptr, 16)
                    : std::strtol(std::string(entity.substr(1)).c_str(), nullptr, 10);
      if (cp < 0x80) {
        out += static_cast<char>(cp);
      } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
      }
    } else {
      out += std::string(raw.substr(i, semi - i + 1));
    }
    i = semi;
  }
  return out;
}

// Each <tag>...</tag> block of `xml`, in order.
std::vector<std::string_view> XmlBlocks(std::string_view xml, std::string_view tag) {
  std::vector<std::string_view> out;
  std::string open = "<" + std::string(tag) + ">";
  std::string close = "</" + std::string(tag) + ">";
  size_t pos = 0;
  for (;;) {
    size_t b = xml.find(open, pos);
    if (b == std::string_view::npos) break;
    size_t e = xml.find(close, b);
    if (e == std::string_view::npos) break;
    out.push_back(xml.substr(b, e + close.size() - b));
    pos = e + close.size();
  }
  return out;
}

std::string AmzDate(std::time_t now) {
  char buf[32];
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// "2026-11-27T00:00:03.000Z" -> seconds; 0 when it does not parse.
std::time_t ParseIsoTime(const std::string& text) {
  struct tm tm = {};
  if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return timegm(&tm);
}

struct HttpResponse {
  long code = 0;
  std::string body;  // error bodies and small XML answers; not the object of a GET
  std::string etag;
  int64_t content_length = -1;
};

// One request: what to send and where the answer goes.
struct Call {
  std::string method;
  std::string key;  // full object key (prefix included); bucket-level calls leave it empty
  bool bucket_level = false;
  Query query;
  std::vector<std::pair<std::string, std::string>> headers;  // signed, beside Host and x-amz-*
  // The body: a range of a file, or text.
  int fd = -1;
  uint64_t offset = 0;
  uint64_t length = 0;
  std::string text;
  std::string payload_sha256 = s3::kEmptyPayloadSha256;
  ByteSink* sink = nullptr;                     // where a 2xx GET's body goes
  std::function<void(uint64_t)> on_sent;        // bytes of the body sent so far
};

struct Transfer {
  const Call* call = nullptr;
  CURL* curl = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  uint64_t sent = 0;
  HttpResponse* response = nullptr;
  Status sink_status;
  int read_errno = 0;
};

size_t ReadBody(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  if (t->cancel != nullptr && t->cancel->load()) return CURL_READFUNC_ABORT;
  uint64_t left = t->call->length - t->sent;
  size_t want = static_cast<size_t>(std::min<uint64_t>(left, size * nitems));
  if (want == 0) return 0;
  ssize_t n = pread(t->call->fd, buffer, want, static_cast<off_t>(t->call->offset + t->sent));
  if (n <= 0) {
    t->read_errno = n < 0 ? errno : EIO;
    return CURL_READFUNC_ABORT;
  }
  t->sent += static_cast<uint64_t>(n);
  if (t->call->on_sent) t->call->on_sent(t->sent);
  return static_cast<size_t>(n);
}

size_t WriteBody(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  size_t n = size * nmemb;
  if (t->cancel != nullptr && t->cancel->load()) return 0;
  long code = 0;
  curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &code);
  if (t->call->sink != nullptr && code >= 200 && code < 300) {
    Status s = t->call->sink->Write(
        std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data), n));
    if (!s.ok()) {
      t->sink_status = s;
      return 0;
    }
    return n;
  }
  if (t->response->body.size() < kMaxErrorBody) t->response->body.append(data, n);
  return n;
}

size_t ReadHeader(char* data, size_t size, size_t nitems, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  std::string_view line(data, size * nitems);
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    if (name == "etag") t->response->etag = std::string(value);
  }
  return size * nitems;
}

// Hex SHA-256 and base64 MD5 of a file range, read in chunks.
struct RangeDigests {
  std::string sha256_hex;
  std::string md5_base64;
};

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};

Result<RangeDigests> DigestRange(int fd, uint64_t offset, uint64_t length, const std::string& path) {
  std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> sha(EVP_MD_CTX_new()), md5(EVP_MD_CTX_new());
  if (!sha || !md5 || EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestInit_ex(md5.get(), EVP_md5(), nullptr) != 1) {
    return Status(ErrorKind::kOffsite, "Cannot start SHA-256/MD5 digests (OpenSSL)");
  }
  std::vector<char> buf(kHashChunk);
  uint64_t done = 0;
  while (done < length) {
    size_t want = static_cast<size_t>(std::min<uint64_t>(length - done, buf.size()));
    ssize_t n = pread(fd, buf.data(), want, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return ErrnoError(ErrorKind::kStorage, "read", path, n < 0 ? errno : EIO);
    EVP_DigestUpdate(sha.get(), buf.data(), static_cast<size_t>(n));
    EVP_DigestUpdate(md5.get(), buf.data(), static_cast<size_t>(n));
    done += static_cast<uint64_t>(n);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(sha.get(), digest, &len);
  static const char kHex[] = "0123456789abcdef";
  RangeDigests out;
  for (unsigned int i = 0; i < len; ++i) {
    out.sha256_hex += kHex[digest[i] >> 4];
    out.sha256_hex += kHex[digest[i] & 15];
  }
  EVP_DigestFinal_ex(md5.get(), digest, &len);
  unsigned char b64[64];
  int b64_len = EVP_EncodeBlock(b64, digest, static_cast<int>(len));
  out.md5_base64.assign(reinterpret_cast<char*>(b64), static_cast<size_t>(b64_len));
  return out;
}

class S3Target : public RemoteTarget {
 public:
  explicit S3Target(S3Settings settings) : s_(std::move(settings)) {
    s_.keys.service = "s3";
    std::string_view e = s_.endpoint;
    size_t scheme_end = e.find("://");
    scheme_ = scheme_end == std::string_view::npos ? "https" : std::string(e.substr(0, scheme_end));
    std::string_view rest = scheme_end == std::string_view::npos ? e : e.substr(scheme_end + 3);
    host_ = std::string(rest.substr(0, rest.find('/')));
    if (s_.virtual_addressing) host_ = s_.bucket + "." + host_;
  }

  std::string Describe(const std::string& key) const override {
    return "s3://" + s_.bucket + "/" + s_.prefix + key;
  }

  Status Upload(const std::string& local_path, const std::string& key,
                const TransferProgress& progress) override {
    UniqueFd fd(open(local_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) return ErrnoError(ErrorKind::kStorage, "open", local_path);
    struct stat st;
    if (fstat(fd.get(), &st) != 0) return ErrnoError(ErrorKind::kStorage, "stat", local_path);
    uint64_t size = static_cast<uint64_t>(st.st_size);
    uint64_t part = S3PartSizeFor(size, s_.part_size);
    if (size <= part && size <= kS3MaxSinglePut) {
      return PutRange(fd.get(), local_path, 0, size, s_.prefix + key, {}, progress, size, 0)
          .status();
    }
    return Multipart(fd.get(), local_path, size, part, s_.prefix + key, progress);
  }

  Result<std::optional<uint64_t>> Size(const std::string& key) override {
    Call c;
    c.method = "HEAD";
    c.key = s_.prefix + key;
    auto r = Send(c);
    if (!r.ok()) return r.status();
    if (r->code == 404) return std::optional<uint64_t>();
    if (r->code != 200) return HttpError("HEAD", c.key, *r);
    if (r->content_length < 0) {
      return Status(ErrorKind::kOffsite, "HEAD '" + Describe(key) + "' gave no Content-Length");
    }
    return std::optional<uint64_t>(static_cast<uint64_t>(r->content_length));
  }

  Status Download(const std::string& key, ByteSink* sink) override {
    Call c;
    c.method = "GET";
    c.key = s_.prefix + key;
    c.sink = sink;
    auto r = Send(c);
    if (!r.ok()) return r.status();
    if (r->code == 404) {
      return Status(ErrorKind::kOffsite, "'" + Describe(key) + "' does not exist");
    }
    if (r->code != 200) return HttpError("GET", c.key, *r);
    return Status::Ok();
  }

  Result<std::vector<RemoteObject>> List() override {
    std::vector<RemoteObject> out;
    std::string token;
    for (;;) {
      Call c;
      c.method = "GET";
      c.bucket_level = true;
      c.query = {{"list-type", "2"}, {"prefix", s_.prefix}};
      if (!token.empty()) c.query.emplace_back("continuation-token", token);
      auto r = Send(c);
      if (!r.ok()) return r.status();
      if (r->code != 200) return HttpError("List", s_.prefix, *r);
      for (std::string_view block : XmlBlocks(r->body, "Contents")) {
        auto key = XmlText(block, "Key");
        auto size = XmlText(block, "Size");
        if (!key || key->rfind(s_.prefix, 0) != 0) continue;
        out.push_back({key->substr(s_.prefix.size()),
                       size ? std::strtoull(size->c_str(), nullptr, 10) : 0});
      }
      auto truncated = XmlText(r->body, "IsTruncated");
      auto next = XmlText(r->body, "NextContinuationToken");
      if (!truncated || *truncated != "true") break;
      if (!next || next->empty()) {
        return Status(ErrorKind::kOffsite, "The listing of '" + Describe("") +
                                               "' is truncated but gives no continuation token");
      }
      token = *next;
    }
    return out;
  }

  Status Delete(const std::string& key) override {
    Call c;
    c.method = "DELETE";
    c.key = s_.prefix + key;
    auto r = Send(c);
    if (!r.ok()) return r.status();
    if (r->code != 204 && r->code != 200 && r->code != 404) return HttpError("DELETE", c.key, *r);
    return Status::Ok();
  }

  Result<std::vector<std::string>> CleanStaleUploads(std::time_t older_than) override {
    std::vector<std::string> out;
    Call c;
    c.method = "GET";
    c.bucket_level = true;
    c.query = {{"uploads", ""}, {"prefix", s_.prefix}};
    auto r = Send(c);
    if (!r.ok()) return r.status();
    if (r->code == 501 || r->code == 405) {
      out.push_back("warning: '" + Describe("") +
                    "': the server cannot list incomplete multipart uploads (HTTP " +
                    std::to_string(r->code) + "); none were looked for");
      return out;
    }
    if (r->code != 200) return HttpError("ListMultipartUploads", s_.prefix, *r);
    for (std::string_view block : XmlBlocks(r->body, "Upload")) {
      auto key = XmlText(block, "Key");
      auto id = XmlText(block, "UploadId");
      auto initiated = XmlText(block, "Initiated");
      if (!key || !id || key->rfind(s_.prefix, 0) != 0) continue;
      if (initiated && ParseIsoTime(*initiated) >= older_than) continue;
      Status s = Abort(*key, *id);
      if (!s.ok()) {
        out.push_back("warning: " + s.ToString());
      } else {
        out.push_back("aborted the incomplete upload of '" + Describe(key->substr(s_.prefix.size())) +
                      "'" + (initiated ? " started " + *initiated : ""));
      }
    }
    return out;
  }

 private:
  std::string DescribeFull(const std::string& full_key) const {
    return "s3://" + s_.bucket + "/" + full_key;
  }

  Status HttpError(const std::string& what, const std::string& full_key,
                   const HttpResponse& r) const {
    // Only <Code> and <Message>: S3's SignatureDoesNotMatch body also echoes the string to sign.
    std::string detail = "HTTP " + std::to_string(r.code);
    auto code = XmlText(r.body, "Code");
    auto message = XmlText(r.body, "Message");
    if (code) detail += " " + *code;
    if (message) detail += ": " + *message;
    if (r.code == 403) detail += " (check the target's credentials, region and clock)";
    return Status(ErrorKind::kOffsite,
                  what + " '" + DescribeFull(full_key) + "' failed: " + detail);
  }

  Result<HttpResponse> Send(const Call& call) {
    auto handle = remote::NewCurlHandle();
    if (!handle.ok()) return handle.status();
    CURL* curl = handle->get();

    std::string path = s_.virtual_addressing ? "/" + call.key : "/" + s_.bucket + "/" + call.key;
    if (call.bucket_level) path = s_.virtual_addressing ? "/" : "/" + s_.bucket;
    std::string date = AmzDate(std::time(nullptr));

    s3::SigningRequest req;
    req.method = call.method;
    req.path = path;
    req.query = call.query;
    req.headers = {{"Host", host_}, {"x-amz-date", date},
                   {"x-amz-content-sha256", call.payload_sha256}};
    for (const auto& h : call.headers) req.headers.push_back(h);
    req.payload_sha256 = call.payload_sha256;
    req.amz_date = date;

    CurlHeaders headers;
    for (const auto& [name, value] : req.headers) headers.Add(name + ": " + value);
    headers.Add("Authorization: " + s3::AuthorizationHeader(req, s_.keys));
    headers.Add("Expect:");  // no 100-continue round trip
    if (call.method == "POST" && call.headers.empty()) headers.Add("Content-Type:");

    std::string url = scheme_ + "://" + host_ + s3::UriEncode(path, true);
    std::string query = s3::CanonicalQuery(call.query);
    if (!query.empty()) url += "?" + query;

    HttpResponse response;
    Transfer t;
    t.call = &call;
    t.curl = curl;
    t.cancel = s_.cancel;
    t.response = &response;
    char error[CURL_ERROR_SIZE] = "";

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
    // A stalled connection (no byte for two minutes) fails instead of hanging the run.
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 120L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, ReadHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
    if (call.method == "HEAD") {
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    } else if (call.method == "PUT") {
      curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
      curl_easy_setopt(curl, CURLOPT_READDATA, &t);
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(call.length));
    } else if (call.method == "POST") {
      curl_easy_setopt(curl, CURLOPT_POST, 1L);
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, call.text.c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(call.text.size()));
    } else if (call.method != "GET") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, call.method.c_str());
    }

    CURLcode rc = curl_easy_perform(curl);
    std::string what = call.method + " '" + DescribeFull(call.key) + "'";
    if (!t.sink_status.ok()) return t.sink_status;
    if (t.read_errno != 0) return ErrnoError(ErrorKind::kStorage, "read the file to upload to", DescribeFull(call.key), t.read_errno);
    if (s_.cancel != nullptr && s_.cancel->load()) {
      return Status(ErrorKind::kOffsite, what + " interrupted by a signal");
    }
    if (rc != CURLE_OK) {
      return Status(ErrorKind::kOffsite, what + " failed: " +
                                             (error[0] != '\0' ? std::string(error)
                                                               : curl_easy_strerror(rc)));
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.code);
    curl_off_t length = -1;
    curl_easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    response.content_length = length;
    return response;
  }

  // PUTs bytes [offset, offset+length) of the file, with their SHA-256 and MD5. Returns the ETag.
  Result<std::string> PutRange(int fd, const std::string& local_path, uint64_t offset,
                               uint64_t length, const std::string& full_key, Query query,
                               const TransferProgress& progress, uint64_t total,
                               uint64_t done_before) {
    auto digests = DigestRange(fd, offset, length, local_path);
    if (!digests.ok()) return digests.status();
    Call c;
    c.method = "PUT";
    c.key = full_key;
    c.query = std::move(query);
    c.fd = fd;
    c.offset = offset;
    c.length = length;
    c.payload_sha256 = digests->sha256_hex;
    // libcurl sends Content-Length from CURLOPT_INFILESIZE_LARGE; never chunked.
    c.headers = {{"Content-MD5", digests->md5_base64}};
    if (progress) c.on_sent = [&](uint64_t sent) { progress(done_before + sent, total); };
    auto r = Send(c);
    if (!r.ok()) return r.status();
    if (r->code != 200) return HttpError("PUT", full_key, *r);
    return r->etag;
  }

  Status Abort(const std::string& full_key, const std::string& upload_id) {
    Call c;
    c.method = "DELETE";
    c.key = full_key;
    c.query = {{"uploadId", upload_id}};
    auto r = Send(c);
    if (!r.ok()) return r.status();
    if (r->code == 405 || r->code == 501) {
      return Status(ErrorKind::kOffsite, "the server cannot abort the multipart upload of '" +
                                             DescribeFull(full_key) + "' (HTTP " +
                                             std::to_string(r->code) + ")");
    }
    if (r->code != 204 && r->code != 200 && r->code != 404) {
      return HttpError("AbortMultipartUpload", full_key, *r);
    }
    return Status::Ok();
  }

  Status Multipart(int fd, const std::string& local_path, uint64_t size, uint64_t part_size,
                   const std::string& full_key, const TransferProgress& progress) {
    Call start;
    start.method = "POST";
    start.key = full_key;
    start.query = {{"uploads", ""}};
    auto r = Send(start);
    if (!r.ok()) return r.status();
    if (r->code != 200) return HttpError("CreateMultipartUpload", full_key, *r);
    auto upload_id = XmlText(r->body, "UploadId");
    if (!upload_id || upload_id->empty()) {
      return Status(ErrorKind::kOffsite, "CreateMultipartUpload '" + DescribeFull(full_key) +
                                             "' answered without an UploadId");
    }
    Status s = SendParts(fd, local_path, size, part_size, full_key, *upload_id, progress);
    if (s.ok()) return s;
    // Parts of an upload that is neither completed nor aborted are stored (and billed) forever.
    Status abort = Abort(full_key, *upload_id);
    if (!abort.ok()) {
      s.SetDetail("The incomplete upload could not be aborted: " + abort.ToString() +
                  "; remote retention aborts it once it is a day old");
    }
    return s;
  }

  Status SendParts(int fd, const std::string& local_path, uint64_t size, uint64_t part_size,
                   const std::string& full_key, const std::string& upload_id,
                   const TransferProgress& progress) {
    std::string complete = "<CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
    uint64_t part_number = 1;
    for (uint64_t offset = 0; offset < size; offset += part_size, ++part_number) {
      uint64_t length = std::min(part_size, size - offset);
      auto etag = PutRange(fd, local_path, offset, length, full_key,
                           {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}},
                           progress, size, offset);
      if (!etag.ok()) {
        return Status(etag.status()).AddContext("Part " + std::to_string(part_number) + " failed");
      }
      if (etag->empty()) {
        return Status(ErrorKind::kOffsite, "Part " + std::to_string(part_number) + " of '" +
                                               DescribeFull(full_key) + "' got no ETag");
      }
      complete += "<Part><PartNumber>" + std::to_string(part_number) + "</PartNumber><ETag>" +
                  *etag + "</ETag></Part>";
    }
    complete += "</CompleteMultipartUpload>";
    Call finish;
    finish.method = "POST";
    finish.key = full_key;
    finish.query = {{"uploadId", upload_id}};
    finish.text = complete;
    finish.payload_sha256 = s3::Sha256Hex(complete);
    finish.headers = {{"Content-Type", "application/xml"}};
    auto r = Send(finish);
    if (!r.ok()) return r.status();
    // S3 may answer 200 and only then fail, with an <Error> document in the body.
    if (r->code != 200 || r->body.find("<Error>") != std::string::npos ||
        r->body.find("CompleteMultipartUploadResult") == std::string::npos) {
      return HttpError("CompleteMultipartUpload", full_key, *r);
    }
    return Status::Ok();
  }

  S3Settings s_;
  std::string scheme_;
  std::string host_;
};

}  // namespace

uint64_t S3PartSizeFor(uint64_t size, uint64_t part_size) {
  if (part_size == 0) part_size = 64ULL << 20;
  if (size <= part_size * kS3MaxParts) return part_size;
  constexpr uint64_t kMiB = 1ULL << 20;
  uint64_t needed = (size + kS3MaxParts - 1) / kS3MaxParts;
  return (needed + kMiB - 1) / kMiB * kMiB;
}

std::unique_ptr<RemoteTarget> MakeS3Target(S3Settings settings) {
  return std::make_unique<S3Target>(std::move(settings));
}

}  // namespace mysql_backup
