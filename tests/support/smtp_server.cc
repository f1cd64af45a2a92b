#include "support/smtp_server.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <string_view>

#include "util/file_util.h"
#include "util/unique_fd.h"

namespace mysql_backup::testing {
namespace {

Status TestError(std::string message) { return Status(ErrorKind::kProcess, std::move(message)); }

// Runs a helper script to the end; its output goes to the test log.
Status RunScript(const std::vector<std::string>& argv) {
  Result<ChildProcess> child = ChildProcess::Spawn(ChildSpec{argv, {}});
  if (!child.ok()) return child.status();
  Result<ExitInfo> info = child->Wait();
  if (!info.ok()) return info.status();
  if (!info->success()) return TestError("'" + argv[0] + "' failed: " + info->ToString());
  return Status::Ok();
}

Status EnsureDependenciesOnce() {
  static std::once_flag once;
  static Status result;
  std::call_once(once, [] { result = RunScript({SupportDir() + "/ensure_smtp_deps.sh"}); });
  return result;
}

// Just enough JSON for the server's records: objects, arrays, strings (with \u escapes, ASCII
// input since Python writes ensure_ascii), true/false/null and numbers (kept as text).
struct Json {
  enum Type { kNull, kBool, kNumber, kString, kArray, kObject } type = kNull;
  bool boolean = false;
  std::string text;               // kString, kNumber
  std::vector<Json> items;        // kArray; kObject values
  std::vector<std::string> keys;  // kObject

  const Json* Get(std::string_view key) const {
    for (size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == key) return &items[i];
    }
    return nullptr;
  }
  std::string String(std::string_view key) const {
    const Json* v = Get(key);
    return v != nullptr && v->type == kString ? v->text : "";
  }
  bool Bool(std::string_view key) const {
    const Json* v = Get(key);
    return v != nullptr && v->type == kBool && v->boolean;
  }
  std::vector<std::string> Strings(std::string_view key) const {
    std::vector<std::string> out;
    if (const Json* v = Get(key); v != nullptr) {
      for (const Json& item : v->items) out.push_back(item.text);
    }
    return out;
  }
};

class JsonParser {
 public:
  explicit JsonParser(std::string_view in) : in_(in) {}

  bool Parse(Json* out) {
    if (!Value(out)) return false;
    SkipSpace();
    return pos_ == in_.size();
  }

 private:
  void SkipSpace() {
    while (pos_ < in_.size() && std::strchr(" \t\r\n", in_[pos_]) != nullptr) ++pos_;
  }
  bool Literal(std::string_view word) {
    if (in_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  bool Value(Json* out) {
    SkipSpace();
    if (pos_ >= in_.size()) return false;
    char c = in_[pos_];
    if (c == '{') return Object(out);
    if (c == '[') return Array(out);
    if (c == '"') {
      out->type = Json::kString;
      return String(&out->text);
    }
    if (Literal("true")) {
      out->type = Json::kBool;
      out->boolean = true;
      return true;
    }
    if (Literal("false")) {
      out->type = Json::kBool;
      return true;
    }
    if (Literal("null")) return true;
    out->type = Json::kNumber;
    while (pos_ < in_.size() && std::strchr("+-.0123456789eE", in_[pos_]) != nullptr) {
      out->text += in_[pos_++];
    }
    return !out->text.empty();
  }
  bool Object(Json* out) {
    out->type = Json::kObject;
    ++pos_;
    SkipSpace();
    if (Literal("}")) return true;
    while (true) {
      SkipSpace();
      std::string key;
      if (pos_ >= in_.size() || in_[pos_] != '"' || !String(&key)) return false;
      SkipSpace();
      if (!Literal(":")) return false;
      Json value;
      if (!Value(&value)) return false;
      out->keys.push_back(std::move(key));
      out->items.push_back(std::move(value));
      SkipSpace();
      if (Literal("}")) return true;
      if (!Literal(",")) return false;
    }
  }
  bool Array(Json* out) {
    out->type = Json::kArray;
    ++pos_;
    SkipSpace();
    if (Literal("]")) return true;
    while (true) {
      Json value;
      if (!Value(&value)) return false;
      out->items.push_back(std::move(value));
      SkipSpace();
      if (Literal("]")) return true;
      if (!Literal(",")) return false;
    }
  }
  bool Hex4(unsigned* out) {
    if (pos_ + 4 > in_.size()) return false;
    *out = 0;
    for (int i = 0; i < 4; ++i) {
      char c = in_[pos_++];
      unsigned digit;
      if (c >= '0' && c <= '9')
        digit = c - '0';
      else if (c >= 'a' && c <= 'f')
        digit = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        digit = c - 'A' + 10;
      else
        return false;
      *out = *out * 16 + digit;
    }
    return true;
  }
  static void AppendUtf8(unsigned cp, std::string* out) {
    if (cp < 0x80) {
      *out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      *out += static_cast<char>(0xc0 | (cp >> 6));
      *out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      *out += static_cast<char>(0xe0 | (cp >> 12));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      *out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
      *out += static_cast<char>(0xf0 | (cp >> 18));
      *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
      *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
      *out += static_cast<char>(0x80 | (cp & 0x3f));
    }
  }
  bool String(std::string* out) {
    ++pos_;  // the opening quote
    while (pos_ < in_.size()) {
      char c = in_[pos_++];
      if (c == '"') return true;
      if (c != '\\') {
        *out += c;
        continue;
      }
      if (pos_ >= in_.size()) return false;
      char e = in_[pos_++];
      switch (e) {
        case 'n':
          *out += '\n';
          break;
        case 'r':
          *out += '\r';
          break;
        case 't':
          *out += '\t';
          break;
        case 'b':
          *out += '\b';
          break;
        case 'f':
          *out += '\f';
          break;
        case 'u': {
          unsigned cp;
          if (!Hex4(&cp)) return false;
          if (cp >= 0xd800 && cp < 0xdc00 && Literal("\\u")) {
            unsigned low;
            if (!Hex4(&low)) return false;
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default:
          *out += e;  // \" \\ \/
      }
    }
    return false;
  }

  std::string_view in_;
  size_t pos_ = 0;
};

Result<ReceivedMail> ReadMail(const std::string& path) {
  Result<std::string> text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  Json json;
  if (!JsonParser(*text).Parse(&json) || json.type != Json::kObject) {
    return TestError("Cannot parse '" + path + "'");
  }
  ReceivedMail mail;
  mail.mail_from = json.String("mail_from");
  mail.rcpt_tos = json.Strings("rcpt_tos");
  mail.data = json.String("data");
  mail.tls = json.Bool("tls");
  mail.authenticated_as = json.String("authenticated_as");
  mail.subject = json.String("subject");
  mail.body = json.String("body");
  for (size_t pos; (pos = mail.body.find("\r\n")) != std::string::npos;) {
    mail.body.replace(pos, 2, "\n");
  }
  mail.defects = json.Strings("defects");
  if (const Json* list = json.Get("attachments"); list != nullptr) {
    for (const Json& item : list->items) {
      mail.attachments.push_back(ReceivedAttachment{
          item.String("filename"), item.String("content_type"), item.String("content")});
    }
  }
  return mail;
}

const char* ModeName(SmtpMode mode) {
  switch (mode) {
    case SmtpMode::kStartTls:
      return "starttls";
    case SmtpMode::kImplicitTls:
      return "implicit";
    case SmtpMode::kPlain:
      return "plain";
    case SmtpMode::kNoStartTls:
      return "no-starttls";
  }
  return "plain";
}

}  // namespace

std::string SupportDir() {
  const char* root = getenv("MYSQL_BACKUP_SOURCE_ROOT");
  return std::string(root != nullptr ? root : ".") + "/tests/support";
}

Result<TestCa> MakeTestCa(const std::string& dir) {
  Status s = RunScript({SupportDir() + "/make_test_ca.sh", dir});
  if (!s.ok()) return s;
  return TestCa{dir + "/ca.crt", dir + "/server.crt", dir + "/server.key"};
}

Result<std::unique_ptr<SmtpServer>> SmtpServer::Start(const SmtpServerOptions& options,
                                                      const std::string& work_dir) {
  if (Status s = EnsureDependenciesOnce(); !s.ok()) return s;

  std::unique_ptr<SmtpServer> server(new SmtpServer());
  server->maildir_ = work_dir + "/maildir-" + ModeName(options.mode);
  std::vector<std::string> argv = {
      "/usr/bin/python3", SupportDir() + "/smtp_server.py", "--port",    "0",
      "--mode",           ModeName(options.mode),           "--maildir", server->maildir_};
  if (!options.cert_file.empty()) {
    argv.insert(argv.end(), {"--cert", options.cert_file, "--key", options.key_file});
  }
  if (!options.auth_user.empty()) {
    argv.insert(argv.end(),
                {"--auth-user", options.auth_user, "--auth-password", options.auth_password});
  }

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return ErrnoError(ErrorKind::kProcess, "create", "pipe");
  UniqueFd read_end(pipe_fds[0]);
  UniqueFd write_end(pipe_fds[1]);
  Result<ChildProcess> child = ChildProcess::Spawn(ChildSpec{argv, {{1, write_end.get()}}});
  if (!child.ok()) return child.status();
  server->child_ = std::move(*child);
  write_end.Reset();  // so a server that dies shows up as end of file

  // "READY <port>\n". Bounded, so a server that hangs fails the test instead of the CI job.
  std::string output;
  while (output.find('\n') == std::string::npos) {
    pollfd pfd{read_end.get(), POLLIN, 0};
    int r = poll(&pfd, 1, 60'000);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return TestError("SMTP test server did not report READY within 60 s");
    char buffer[256];
    ssize_t n = read(read_end.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return TestError("SMTP test server exited before it was ready (see its stderr)");
    output.append(buffer, static_cast<size_t>(n));
  }
  if (output.rfind("READY ", 0) != 0) {
    return TestError("SMTP test server said '" + output + "' instead of READY");
  }
  server->port_ = std::atoi(output.c_str() + 6);
  if (server->port_ <= 0) return TestError("SMTP test server reported no port: " + output);
  return server;
}

Result<std::vector<ReceivedMail>> SmtpServer::Messages() const {
  std::vector<ReceivedMail> mails;
  for (int n = 1;; ++n) {
    std::string path = maildir_ + "/" + std::to_string(n) + ".json";
    if (access(path.c_str(), F_OK) != 0) break;
    Result<ReceivedMail> mail = ReadMail(path);
    if (!mail.ok()) return mail.status();
    mails.push_back(std::move(*mail));
  }
  return mails;
}

}  // namespace mysql_backup::testing
