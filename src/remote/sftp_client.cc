#include "remote/sftp_client.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <sstream>

#include "remote/curl_util.h"
#include "util/unique_fd.h"

namespace mysql_backup {

namespace {

using remote::CurlHandle;
using remote::CurlHeaders;

// Folders below the target's path that List() descends into; ours are one level deep.
constexpr int kMaxListDepth = 4;

// A path for a libcurl quote command: double-quoted, '"' and '\' escaped (libcurl's
// get_pathname reads it back that way), so names with spaces stay one argument.
std::string QuotePath(const std::string& path) {
  std::string out = "\"";
  for (char c : path) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

struct Transfer {
  CURL* curl = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  // upload
  int fd = -1;
  uint64_t length = 0;
  uint64_t sent = 0;
  int read_errno = 0;
  const TransferProgress* progress = nullptr;
  // download
  ByteSink* sink = nullptr;
  Status sink_status;
  std::string text;  // a listing
  // known_hosts
  int key_match = -1;
};

size_t ReadBody(char* buffer, size_t size, size_t nitems, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  if (t->cancel != nullptr && t->cancel->load()) return CURL_READFUNC_ABORT;
  size_t want = static_cast<size_t>(std::min<uint64_t>(t->length - t->sent, size * nitems));
  if (want == 0) return 0;
  ssize_t n = pread(t->fd, buffer, want, static_cast<off_t>(t->sent));
  if (n <= 0) {
    t->read_errno = n < 0 ? errno : EIO;
    return CURL_READFUNC_ABORT;
  }
  t->sent += static_cast<uint64_t>(n);
  if (t->progress != nullptr && *t->progress) (*t->progress)(t->sent, t->length);
  return static_cast<size_t>(n);
}

size_t WriteBody(char* data, size_t size, size_t nmemb, void* userdata) {
  auto* t = static_cast<Transfer*>(userdata);
  size_t n = size * nmemb;
  if (t->cancel != nullptr && t->cancel->load()) return 0;
  if (t->sink != nullptr) {
    Status s = t->sink->Write(std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(data), n));
    if (!s.ok()) {
      t->sink_status = s;
      return 0;
    }
    return n;
  }
  t->text.append(data, n);
  return n;
}

// Accepts only a key that known_hosts holds for this host; an unknown or changed key is refused
// and never added to the file.
int CheckKnownHost(CURL*, const curl_khkey*, const curl_khkey*, enum curl_khmatch match,
                   void* clientp) {
  static_cast<Transfer*>(clientp)->key_match = static_cast<int>(match);
  return match == CURLKHMATCH_OK ? CURLKHSTAT_FINE : CURLKHSTAT_REJECT;
}

// One line of a long listing, as OpenSSH's sftp server sends it ("-rw-r--r--  1 u g  1234 Dec
// 2 05:35 name").
struct ListEntry {
  char kind = '?';  // '-' file, 'd' folder, 'l' link
  uint64_t size = 0;
  std::string name;
};

std::optional<ListEntry> ParseListLine(const std::string& line) {
  std::istringstream in(line);
  std::string field;
  ListEntry e;
  for (int i = 0; i < 8; ++i) {
    if (!(in >> field)) return std::nullopt;
    if (i == 0) e.kind = field[0];
    if (i == 4) {
      char* end = nullptr;
      e.size = std::strtoull(field.c_str(), &end, 10);
      if (end == nullptr || *end != '\0') return std::nullopt;
    }
  }
  std::getline(in, e.name);
  size_t start = e.name.find_first_not_of(' ');
  if (start == std::string::npos) return std::nullopt;
  e.name.erase(0, start);
  if (e.kind == 'l') e.name = e.name.substr(0, e.name.find(" -> "));
  return e;
}

// A temp name of ours: ".<name>.upload-<unix time>"; returns the time, or -1.
std::time_t TempNameTime(const std::string& base) {
  if (base.empty() || base[0] != '.') return -1;
  size_t m = base.rfind(kSftpTempMarker);
  if (m == std::string::npos) return -1;
  std::string digits = base.substr(m + sizeof(kSftpTempMarker) - 1);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return static_cast<std::time_t>(std::strtoll(digits.c_str(), nullptr, 10));
}

class SftpTarget : public RemoteTarget {
 public:
  explicit SftpTarget(SftpSettings settings) : s_(std::move(settings)) {
    std::string host = s_.host.find(':') != std::string::npos ? "[" + s_.host + "]" : s_.host;
    server_ = host + ":" + std::to_string(s_.port);
  }

  std::string Describe(const std::string& key) const override {
    return "sftp://" + s_.user + "@" + server_ + s_.path + "/" + key;
  }

  Status Upload(const std::string& local_path, const std::string& key,
                const TransferProgress& progress) override {
    UniqueFd fd(open(local_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) return ErrnoError(ErrorKind::kStorage, "open", local_path);
    struct stat st;
    if (fstat(fd.get(), &st) != 0) return ErrnoError(ErrorKind::kStorage, "stat", local_path);
    std::string final_path = s_.path + "/" + key;
    size_t slash = final_path.rfind('/');
    std::string temp_path = final_path.substr(0, slash + 1) + "." + final_path.substr(slash + 1) +
                            kSftpTempMarker + std::to_string(std::time(nullptr));

    Transfer t;
    t.fd = fd.get();
    t.length = static_cast<uint64_t>(st.st_size);
    t.progress = &progress;
    // OpenSSH's server refuses to rename onto an existing name, so an older copy under the final
    // name is removed first ('*': its absence is fine); the new one appears whole by the rename.
    CurlHeaders after;
    after.Add("*rm " + QuotePath(final_path));
    after.Add("rename " + QuotePath(temp_path) + " " + QuotePath(final_path));
    Status s = Perform(temp_path, &t, [&](CURL* curl) {
      curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
      curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
      curl_easy_setopt(curl, CURLOPT_READDATA, &t);
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(t.length));
      curl_easy_setopt(curl, CURLOPT_FTP_CREATE_MISSING_DIRS, static_cast<long>(CURLFTP_CREATE_DIR));
      curl_easy_setopt(curl, CURLOPT_NEW_FILE_PERMS, 0600L);
      curl_easy_setopt(curl, CURLOPT_NEW_DIRECTORY_PERMS, 0700L);
      curl_easy_setopt(curl, CURLOPT_POSTQUOTE, after.get());
    });
    if (t.read_errno != 0) {
      s = ErrnoError(ErrorKind::kStorage, "read the file to upload to", Describe(key), t.read_errno);
    }
    if (s.ok()) return s;
    // Leave nothing behind: the temp of a failed upload (CleanStaleUploads catches what a
    // crash leaves).
    (void)Remove(temp_path);
    return s.AddContext("Upload of '" + local_path + "' to '" + Describe(key) + "' failed");
  }

  Result<std::optional<uint64_t>> Size(const std::string& key) override {
    std::string full = s_.path + "/" + key;
    size_t slash = full.rfind('/');
    auto entries = ListFolder(full.substr(0, slash + 1), /*missing_ok=*/true);
    if (!entries.ok()) return entries.status();
    std::string base = full.substr(slash + 1);
    for (const auto& e : *entries) {
      if (e.name == base && e.kind == '-') return std::optional<uint64_t>(e.size);
    }
    return std::optional<uint64_t>();
  }

  Status Download(const std::string& key, ByteSink* sink) override {
    Transfer t;
    t.sink = sink;
    Status s = Perform(s_.path + "/" + key, &t, [](CURL*) {});
    if (!t.sink_status.ok()) return t.sink_status;
    if (!s.ok()) return s.AddContext("Download of '" + Describe(key) + "' failed");
    return s;
  }

  Result<std::vector<RemoteObject>> List() override {
    std::vector<RemoteObject> out;
    Status s = ListInto("", 0, &out);
    if (!s.ok()) return s;
    std::sort(out.begin(), out.end(),
              [](const RemoteObject& a, const RemoteObject& b) { return a.key < b.key; });
    return out;
  }

  Status Delete(const std::string& key) override {
    Status s = Remove(s_.path + "/" + key);
    if (!s.ok()) return s.AddContext("Cannot delete '" + Describe(key) + "'");
    return s;
  }

  Result<std::vector<std::string>> CleanStaleUploads(std::time_t older_than) override {
    std::vector<std::string> out;
    std::vector<std::string> temps;
    Status s = ListTemps("", 0, &temps);
    if (!s.ok()) return s;
    for (const auto& rel : temps) {
      std::string base = rel.substr(rel.rfind('/') + 1);
      if (TempNameTime(base) >= older_than) continue;
      Status d = Remove(s_.path + "/" + rel);
      if (!d.ok()) {
        out.push_back("warning: cannot remove the temp file of an interrupted upload '" +
                      Describe(rel) + "': " + d.ToString());
      } else {
        out.push_back("removed the temp file of an interrupted upload '" + Describe(rel) + "'");
      }
    }
    return out;
  }

 private:
  std::string Url(const std::string& path) const {
    std::string url = "sftp://" + server_;
    size_t pos = 0;
    while (pos < path.size()) {
      size_t next = path.find('/', pos + 1);
      std::string segment = path.substr(pos + 1, next == std::string::npos ? std::string::npos
                                                                            : next - pos - 1);
      char* escaped = curl_easy_escape(nullptr, segment.c_str(), static_cast<int>(segment.size()));
      url += "/" + std::string(escaped != nullptr ? escaped : "");
      curl_free(escaped);
      if (next == std::string::npos) break;
      pos = next;
    }
    if (!path.empty() && path.back() == '/') url += "/";
    return url;
  }

  // One libcurl transfer on `path` (absolute; ending in '/' lists the folder). `setup` adds the
  // operation's options.
  template <typename Setup>
  Status Perform(const std::string& path, Transfer* t, Setup setup) {
    auto handle = remote::NewCurlHandle();
    if (!handle.ok()) return handle.status();
    CURL* curl = handle->get();
    t->curl = curl;
    t->cancel = s_.cancel;
    char error[CURL_ERROR_SIZE] = "";
    std::string url = Url(path);
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "sftp");
    curl_easy_setopt(curl, CURLOPT_USERNAME, s_.user.c_str());
    curl_easy_setopt(curl, CURLOPT_SSH_AUTH_TYPES, static_cast<long>(CURLSSH_AUTH_PUBLICKEY));
    curl_easy_setopt(curl, CURLOPT_SSH_PRIVATE_KEYFILE, s_.identity_file.c_str());
    // Empty: libssh2 derives the public key from the private one (no guessed ~/.ssh path).
    curl_easy_setopt(curl, CURLOPT_SSH_PUBLIC_KEYFILE, "");
    if (!s_.host_key_sha256.empty()) {
      curl_easy_setopt(curl, CURLOPT_SSH_HOST_PUBLIC_KEY_SHA256, s_.host_key_sha256.c_str());
    } else {
      curl_easy_setopt(curl, CURLOPT_SSH_KNOWNHOSTS, s_.known_hosts.c_str());
      curl_easy_setopt(curl, CURLOPT_SSH_KEYFUNCTION, CheckKnownHost);
      curl_easy_setopt(curl, CURLOPT_SSH_KEYDATA, t);
    }
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, 120L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, t);
    setup(curl);
    CURLcode rc = curl_easy_perform(curl);
    if (s_.cancel != nullptr && s_.cancel->load()) {
      return Status(ErrorKind::kOffsite, "'" + Describe(path.substr(s_.path.size() + 1)) +
                                             "': interrupted by a signal");
    }
    if (rc == CURLE_OK) return Status::Ok();
    std::string detail = error[0] != '\0' ? std::string(error) : curl_easy_strerror(rc);
    if (rc == CURLE_PEER_FAILED_VERIFICATION) {
      return Status(ErrorKind::kOffsite, HostKeyMessage(t->key_match, detail));
    }
    if (t->fd >= 0 && t->sent > 0 && (rc == CURLE_SSH || rc == CURLE_UPLOAD_FAILED)) {
      // SFTP (version 3, as OpenSSH speaks it) has no "disk full" status: a write the server
      // cannot store comes back as a plain failure, which is what a full disk or a quota gives.
      detail += " while uploading: the server refused to store what was sent (is the remote "
                "disk full, or the user over quota?)";
    }
    if (rc == CURLE_LOGIN_DENIED) {
      detail += " (is the public key of identity_file in ~" + s_.user +
                "/.ssh/authorized_keys on " + s_.host + "? It must be ed25519)";
    }
    return Status(ErrorKind::kOffsite, "sftp://" + s_.user + "@" + server_ + ": " + detail);
  }

  std::string HostKeyMessage(int key_match, const std::string& detail) const {
    std::string msg = "The host key of " + server_ + " ";
    if (!s_.host_key_sha256.empty()) {
      return msg + "does not match host_key_sha256 (" + detail +
             "); if the server's key really changed, compare 'ssh-keyscan -p " +
             std::to_string(s_.port) + " " + s_.host +
             " | ssh-keygen -lf -' with the server's own 'ssh-keygen -lf' and update the pin";
    }
    if (key_match == CURLKHMATCH_MISSING) {
      return msg + "is not in '" + s_.known_hosts + "'; add it (ssh-keyscan -p " +
             std::to_string(s_.port) + " " + s_.host + ", checked against the server) first";
    }
    if (key_match == CURLKHMATCH_MISMATCH) {
      return msg + "does not match the one in '" + s_.known_hosts +
             "': the server's key changed, or this is not the server you meant";
    }
    return msg + "could not be checked against '" + s_.known_hosts + "': " + detail;
  }

  Status Remove(const std::string& path) {
    Transfer t;
    CurlHeaders quote;
    quote.Add("*rm " + QuotePath(path));
    size_t slash = path.rfind('/');
    return Perform(path.substr(0, slash + 1), &t, [&](CURL* curl) {
      curl_easy_setopt(curl, CURLOPT_QUOTE, quote.get());
      curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    });
  }

  // The entries of `folder` (absolute, ending in '/'), without "." and "..".
  Result<std::vector<ListEntry>> ListFolder(const std::string& folder, bool missing_ok) {
    Transfer t;
    Status s = Perform(folder, &t, [](CURL*) {});
    if (!s.ok()) {
      // libcurl reports a folder that is not there as CURLE_REMOTE_FILE_NOT_FOUND's text.
      if (missing_ok && s.ToString().find("No such file") != std::string::npos) {
        return std::vector<ListEntry>();
      }
      return s.AddContext("Cannot list '" + Describe(folder.substr(s_.path.size() + 1)) + "'");
    }
    std::vector<ListEntry> out;
    std::istringstream in(t.text);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      auto e = ParseListLine(line);
      if (!e || e->name == "." || e->name == "..") continue;
      out.push_back(*e);
    }
    return out;
  }

  Status ListInto(const std::string& rel, int depth, std::vector<RemoteObject>* out) {
    auto entries = ListFolder(s_.path + "/" + rel, /*missing_ok=*/depth == 0);
    if (!entries.ok()) return entries.status();
    for (const auto& e : *entries) {
      if (e.kind == '-' && TempNameTime(e.name) < 0) {
        out->push_back({rel + e.name, e.size});
      } else if (e.kind == 'd' && depth + 1 < kMaxListDepth) {
        Status s = ListInto(rel + e.name + "/", depth + 1, out);
        if (!s.ok()) return s;
      }
    }
    return Status::Ok();
  }

  Status ListTemps(const std::string& rel, int depth, std::vector<std::string>* out) {
    auto entries = ListFolder(s_.path + "/" + rel, /*missing_ok=*/depth == 0);
    if (!entries.ok()) return entries.status();
    for (const auto& e : *entries) {
      if (e.kind == '-' && TempNameTime(e.name) >= 0) {
        out->push_back(rel + e.name);
      } else if (e.kind == 'd' && depth + 1 < kMaxListDepth) {
        Status s = ListTemps(rel + e.name + "/", depth + 1, out);
        if (!s.ok()) return s;
      }
    }
    return Status::Ok();
  }

  SftpSettings s_;
  std::string server_;  // "host:port"
};

}  // namespace

Result<std::unique_ptr<RemoteTarget>> MakeSftpTarget(SftpSettings settings) {
  if (settings.host_key_sha256.empty() && settings.known_hosts.empty()) {
    return Status(ErrorKind::kConfiguration,
                  "An SFTP target needs host_key_sha256 or known_hosts: without either, any "
                  "server would be accepted");
  }
  return std::unique_ptr<RemoteTarget>(std::make_unique<SftpTarget>(std::move(settings)));
}

}  // namespace mysql_backup
