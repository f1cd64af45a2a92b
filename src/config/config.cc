#include "config/config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <algorithm>
#include <thread>

#include "config/database_selection.h"
#include "config/ini_file.h"
#include "util/file_util.h"
#include "util/shell_split.h"

namespace mysql_backup {

namespace {

// Reads one INI file into a Config, remembering which keys exist so that every unknown key is
// an error with its place named.
class ConfigReader {
 public:
  ConfigReader(std::string path, std::vector<IniSection> sections)
      : path_(std::move(path)), sections_(std::move(sections)) {}

  bool HasSection(const std::string& name) const { return Find(name) != nullptr; }

  // Null when absent.
  const IniEntry* Get(const std::string& section, const std::string& key) const {
    const IniSection* s = Find(section);
    if (s == nullptr) return nullptr;
    for (const auto& e : s->entries) {
      if (e.key == key) return &e;
    }
    return nullptr;
  }

  Status Error(const std::string& section, const std::string& key, const std::string& what) const {
    std::string where =
        "'" + path_ + "' [" + ExcerptForMessage(section) + "] " + ExcerptForMessage(key);
    if (const IniEntry* e = Get(section, key)) where += " (line " + std::to_string(e->line) + ")";
    return Status(ErrorKind::kConfiguration, where + ": " + what);
  }

  Status String(const std::string& section, const std::string& key, std::string* out,
                bool required = false) const {
    const IniEntry* e = Get(section, key);
    if (e == nullptr || e->value.empty()) {
      if (required) return Error(section, key, "required key is missing or empty");
      return Status::Ok();
    }
    *out = e->value;
    return Status::Ok();
  }

  Status Int(const std::string& section, const std::string& key, int min, int max,
             int* out) const {
    const IniEntry* e = Get(section, key);
    if (e == nullptr || e->value.empty()) return Status::Ok();
    const std::string& v = e->value;
    // Leading zeros are always fine ("0007" is 7), however many: only the significant digits
    // count towards the length that could overflow.
    bool digits = !v.empty();
    for (char c : v) digits &= std::isdigit(static_cast<unsigned char>(c)) != 0;
    size_t first = v.find_first_not_of('0');
    std::string significant = first == std::string::npos ? "0" : v.substr(first);
    digits &= significant.size() <= 9;
    int n = digits ? std::atoi(significant.c_str()) : -1;
    if (!digits || n < min || n > max) {
      return Error(section, key,
                   "expected a whole number from " + std::to_string(min) + " to " +
                       std::to_string(max) + ", got '" + ExcerptForMessage(v) + "'");
    }
    *out = n;
    return Status::Ok();
  }

  Status Bool(const std::string& section, const std::string& key, bool* out) const {
    const IniEntry* e = Get(section, key);
    if (e == nullptr || e->value.empty()) return Status::Ok();
    std::string v;
    for (char c : e->value) v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static const std::set<std::string> kTrue = {"1", "yes", "true", "on"};
    static const std::set<std::string> kFalse = {"0", "no", "false", "off"};
    if (kTrue.count(v)) {
      *out = true;
    } else if (kFalse.count(v)) {
      *out = false;
    } else {
      return Error(section, key, "expected true/false, yes/no, on/off or 1/0, got '" +
                                     ExcerptForMessage(e->value) + "'");
    }
    return Status::Ok();
  }

  // Every section and key must be known: a typo must not silently fall back to a default.
  Status CheckKnown(const std::map<std::string, std::set<std::string>>& known) const {
    for (const auto& s : sections_) {
      auto it = known.find(s.name);
      if (it == known.end()) {
        std::string names;
        for (const auto& [name, keys] : known) names += (names.empty() ? "[" : ", [") + name + "]";
        // Target sections are read elsewhere (config/target_config.h) and have a NAME.
        names += ", [target NAME]";
        return Status(ErrorKind::kConfiguration,
                      "'" + path_ + "' line " + std::to_string(s.line) + ": unknown section [" +
                          ExcerptForMessage(s.name) + "]; known sections are " + names);
      }
      for (const auto& e : s.entries) {
        if (!it->second.count(e.key)) {
          return Error(s.name, e.key, "unknown key; check its spelling against mysql-backup.conf(5)");
        }
      }
    }
    return Status::Ok();
  }

  // Values are one line of text: a control character in `user` (a NUL cuts it short), in
  // `sender` (an LF goes raw into the SMTP session) or in `database` (a newline from a
  // continuation line ends up in a file name) is an error, not something to pass on. Only the
  // keys in `multi_line` may span lines (newline and tab allowed), and a password may hold a
  // tab, as it is written quoted.
  Status CheckControlCharacters(const std::set<std::string>& multi_line) const {
    for (const auto& s : sections_) {
      for (const auto& e : s.entries) {
        bool spans_lines = multi_line.count(e.key) > 0;
        for (size_t i = 0; i < e.value.size(); ++i) {
          unsigned char c = static_cast<unsigned char>(e.value[i]);
          if (c >= 0x20 && c != 0x7f) continue;
          if (c == '\t' && (spans_lines || e.key == "password")) continue;
          if (c == '\n' && spans_lines) continue;
          std::string what = c == '\n' ? "a line break (a continuation line?)"
                                        : "the control character '" +
                                              ExcerptForMessage(e.value.substr(i, 1)) + "'";
          return Error(s.name, e.key,
                       "contains " + what + " at character " + std::to_string(i + 1) +
                           "; the value must be one line of printable text");
        }
      }
    }
    return Status::Ok();
  }

  // Whether the file itself holds a password (not a password_file or a credential).
  bool HoldsPassword() const {
    for (const auto& s : sections_) {
      for (const auto& e : s.entries) {
        if (e.key == "password" && !e.value.empty()) return true;
      }
    }
    return false;
  }

  void CollectPercentWarnings(std::vector<std::string>* warnings) const {
    for (const auto& s : sections_) {
      for (const auto& e : s.entries) {
        if (e.value.find("%%") != std::string::npos) {
          warnings->push_back("'" + path_ + "' [" + s.name + "] " + e.key +
                              ": '%%' is kept as two characters (values are verbatim; the Python "
                              "tool read it as '%')");
        }
      }
    }
  }

 private:
  const IniSection* Find(const std::string& name) const {
    for (const auto& s : sections_) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }

  std::string path_;
  std::vector<IniSection> sections_;
};

const std::map<std::string, std::set<std::string>>& KnownKeys() {
  static const std::map<std::string, std::set<std::string>> kKnown = {
      {"general", {"log_dir", "environment"}},
      {"database",
       {"host", "port", "user", "password", "password_file", "socket", "database", "databases",
        "exclude", "accounts"}},
      {"backup",
       {"backup_dir", "mysqldump_options", "daily_retention", "weekly_retention",
        "monthly_retention", "compression", "compression_level", "threads", "lock_timeout", "dump_timeout",
        "parallel_dumps", "gzip_engine"}},
      {"notification",
       {"enabled", "smtp_server", "smtp_port", "use_tls", "use_ssl", "username", "password",
        "sender", "recipients", "attach_logs", "notify_on", "ca_file"}},
      {"restore",
       {"host", "port", "user", "password", "password_file", "socket", "restore_threads"}},
      {"monitoring",
       {"metrics_file", "max_age_daily", "max_age_weekly", "max_age_monthly", "ping_url",
        "ping_timeout"}},
      {"pitr", {"enabled", "host", "port", "socket", "user", "password", "password_file", "max_lag"}},
  };
  return kKnown;
}

// Keys whose value may be written over several lines; every other value is one line.
// A new list key that users may continue over lines belongs here.
const std::set<std::string>& MultiLineKeys() {
  static const std::set<std::string> kKeys = {"mysqldump_options", "recipients", "databases",
                                              "exclude"};
  return kKeys;
}

// Sizes far above any real file, so that /dev/zero or a wrong path fails fast.
constexpr size_t kMaxConfigBytes = 1 << 20;
constexpr size_t kMaxPasswordFileBytes = 64 << 10;

// A password file holds the password on its first line; a trailing newline is not part of it.
Result<std::string> ReadPasswordFile(const std::string& path) {
  auto content = ReadSmallRegularFile(path, kMaxPasswordFileBytes);
  if (!content.ok()) return content.status();
  std::string& s = *content;
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return std::move(s);
}

// Reads the connection keys of `section` over `base` (the [database] values for [restore]).
Status ReadConnection(const ConfigReader& r, const std::string& section, bool use_credential,
                      ConnectionConfig* conn) {
  Status s = r.String(section, "host", &conn->host);
  if (s.ok()) s = r.Int(section, "port", 1, 65535, &conn->port);
  if (s.ok()) s = r.String(section, "socket", &conn->socket);
  if (s.ok()) s = r.String(section, "user", &conn->user, section == "database");
  if (!s.ok()) return s;
  if (r.Get(section, "password") != nullptr) {
    conn->password = r.Get(section, "password")->value;
  }
  std::string password_file;
  s = r.String(section, "password_file", &password_file);
  if (!s.ok()) return s;
  if (!password_file.empty()) {
    auto pw = ReadPasswordFile(password_file);
    if (!pw.ok()) {
      return r.Error(section, "password_file", pw.status().message());
    }
    conn->password = std::move(*pw);
  }
  // systemd's LoadCredential=mysql-password:... wins: it is how the units pass the password.
  const char* cred_dir = std::getenv("CREDENTIALS_DIRECTORY");
  if (use_credential && cred_dir != nullptr) {
    std::string cred = JoinPath(cred_dir, "mysql-password");
    if (access(cred.c_str(), F_OK) == 0) {
      auto pw = ReadPasswordFile(cred);
      if (!pw.ok()) return Status(pw.status()).AddContext("Cannot read systemd credential mysql-password");
      conn->password = std::move(*pw);
    }
  }
  return Status::Ok();
}

// Options that mysql-backup cannot accept in mysqldump_options, and why: those that would send
// our password elsewhere or write the dump somewhere we do not read (an empty stdout would then
// be stored as a backup), and those that make the dump switch databases itself (`CREATE
// DATABASE`, `USE db`), so that a restore into another name would load into the live database.
// mysqldump's option parser (my_getopt) takes any unique prefix of a long option, in any case,
// with '_' for '-', an optional "loose-" and, for booleans, "enable-" in front, and clusters of
// short options ("-Br FILE"), so every such spelling is caught. A prefix that mysqldump would
// find ambiguous is an error there anyway.
struct ForbiddenDumpOption {
  std::string_view long_name;
  char short_name;  // 0: none
  const char* why;
};
constexpr const char* kOwnsOutput = "mysql-backup sets the credentials and the output itself";
constexpr const char* kSwitchesDatabase =
    "the dump would then hold CREATE DATABASE and USE statements, and a restore into another "
    "database would load into the original one; mysql-backup dumps one database a backup";
constexpr ForbiddenDumpOption kForbiddenDumpOptions[] = {
    {"defaults-file", 0, kOwnsOutput},   {"defaults-extra-file", 0, kOwnsOutput},
    {"result-file", 'r', kOwnsOutput},   {"password", 'p', kOwnsOutput},
    {"tab", 'T', kOwnsOutput},           {"databases", 'B', kSwitchesDatabase},
    {"all-databases", 'A', kSwitchesDatabase},
};

// The reason `word` is refused, or nullptr.
const char* ForbiddenDumpOptionReason(std::string_view word) {
  // After one of these, the rest of a cluster is its value ("-hprod" is the host "prod").
  static constexpr std::string_view kShortWithValue = "#hPSuw";
  if (word.size() > 2 && word.substr(0, 2) == "--") {
    std::string_view body = word.substr(2);
    std::string name(body.substr(0, body.find('=')));
    for (char& c : name) {
      c = c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (name.rfind("loose-", 0) == 0) name.erase(0, 6);
    const bool enabled = name.rfind("enable-", 0) == 0;
    if (enabled) name.erase(0, 7);
    if (name.empty()) return nullptr;
    for (const ForbiddenDumpOption& f : kForbiddenDumpOptions) {
      // "enable-" only turns on a boolean option; "--enable-tab" is no option at all.
      if (enabled && f.why != kSwitchesDatabase) continue;
      if (f.long_name.substr(0, name.size()) == name) return f.why;
    }
    return nullptr;
  }
  if (word.size() >= 2 && word[0] == '-' && word[1] != '-') {
    for (char c : word.substr(1)) {
      for (const ForbiddenDumpOption& f : kForbiddenDumpOptions) {
        if (f.short_name != 0 && c == f.short_name) return f.why;
      }
      if (kShortWithValue.find(c) != std::string_view::npos) return nullptr;
    }
  }
  return nullptr;
}

Status ReadBackup(const ConfigReader& r, BackupConfig* b) {
  const std::string sec = "backup";
  Status s = r.String(sec, "backup_dir", &b->backup_dir);
  if (s.ok()) s = r.String(sec, "mysqldump_options", &b->mysqldump_options);
  if (s.ok()) s = r.Int(sec, "daily_retention", 1, 100000, &b->daily_retention);
  if (s.ok()) s = r.Int(sec, "weekly_retention", 1, 100000, &b->weekly_retention);
  if (s.ok()) s = r.Int(sec, "monthly_retention", 1, 100000, &b->monthly_retention);
  if (s.ok()) s = r.Int(sec, "threads", 1, 256, &b->threads);
  if (s.ok()) s = r.Int(sec, "lock_timeout", 0, 7 * 24 * 3600, &b->lock_timeout_sec);
  if (s.ok()) s = r.Int(sec, "dump_timeout", 0, 30 * 24 * 3600, &b->dump_timeout_sec);
  if (s.ok()) s = r.Int(sec, "parallel_dumps", 1, 64, &b->parallel_dumps);
  if (!s.ok()) return s;
  b->backup_dir = AbsolutePath(b->backup_dir);
  auto words = ShellSplit(b->mysqldump_options);
  if (!words.ok()) return r.Error(sec, "mysqldump_options", words.status().message());
  for (const auto& w : *words) {
    if (const char* why = ForbiddenDumpOptionReason(w); why != nullptr) {
      return r.Error(sec, "mysqldump_options",
                     "option '" + w + "' cannot be used here: " + why);
    }
  }
  if (const IniEntry* e = r.Get(sec, "compression"); e != nullptr && !e->value.empty()) {
    if (e->value == "gzip") {
      b->compression = Compression::kGzip;
    } else if (e->value == "zstd") {
      b->compression = Compression::kZstd;
    } else {
      return r.Error(sec, "compression",
                     "expected 'gzip' or 'zstd', got '" + ExcerptForMessage(e->value) + "'");
    }
  }
  if (const IniEntry* e = r.Get(sec, "gzip_engine"); e != nullptr && !e->value.empty()) {
    if (e->value == "auto") {
      b->gzip_engine = GzipEngine::kAuto;
    } else if (e->value == "zlib") {
      b->gzip_engine = GzipEngine::kZlib;
    } else if (e->value == "libdeflate") {
      b->gzip_engine = GzipEngine::kLibdeflate;
    } else {
      return r.Error(sec, "gzip_engine",
                     "expected 'auto', 'zlib' or 'libdeflate', got '" +
                         ExcerptForMessage(e->value) + "'");
    }
  }
  bool zstd = b->compression == Compression::kZstd;
  b->compression_level = zstd ? 3 : 6;
  s = r.Int(sec, "compression_level", 1, zstd ? 19 : 9, &b->compression_level);
  if (!s.ok()) return s;
  if (b->threads == 0) {
    b->threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  return Status::Ok();
}

std::vector<std::string> SplitRecipients(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string one = list.substr(start, comma - start);
    size_t b = one.find_first_not_of(" \t\n");
    size_t e = one.find_last_not_of(" \t\n");
    if (b != std::string::npos) out.push_back(one.substr(b, e - b + 1));
    start = comma + 1;
  }
  return out;
}

Status ReadNotification(const ConfigReader& r, NotificationConfig* n) {
  const std::string sec = "notification";
  Status s = r.Bool(sec, "enabled", &n->enabled);
  if (!s.ok() || !n->enabled) return s;  // disabled: no other key is needed or checked
  s = r.String(sec, "smtp_server", &n->smtp_server, true);
  if (s.ok()) s = r.Int(sec, "smtp_port", 1, 65535, &n->smtp_port);
  if (s.ok()) s = r.Bool(sec, "use_tls", &n->use_tls);
  if (s.ok()) s = r.Bool(sec, "use_ssl", &n->use_ssl);
  if (s.ok()) s = r.String(sec, "username", &n->username);
  if (s.ok()) s = r.String(sec, "password", &n->password);
  if (s.ok()) s = r.String(sec, "sender", &n->sender, true);
  if (s.ok()) s = r.Bool(sec, "attach_logs", &n->attach_logs);
  if (s.ok()) s = r.String(sec, "ca_file", &n->ca_file);
  if (!s.ok()) return s;
  if (n->use_tls && n->use_ssl) {
    return r.Error(sec, "use_ssl",
                   "use_tls (STARTTLS) and use_ssl (implicit TLS) cannot both be true; port 465 "
                   "usually means use_ssl, port 587 use_tls");
  }
  std::string recipients;
  s = r.String(sec, "recipients", &recipients, true);
  if (!s.ok()) return s;
  n->recipients = SplitRecipients(recipients);
  if (n->recipients.empty()) return r.Error(sec, "recipients", "no address in the list");
  for (const auto& one : n->recipients) {
    if (one.find_first_of("\n\t") != std::string::npos) {
      return r.Error(sec, "recipients",
                     "'" + ExcerptForMessage(one) +
                         "' is not one address; separate addresses with commas");
    }
  }
  if (const IniEntry* e = r.Get(sec, "notify_on"); e != nullptr && !e->value.empty()) {
    if (e->value == "always") {
      n->notify_on = NotifyOn::kAlways;
    } else if (e->value == "failure") {
      n->notify_on = NotifyOn::kFailure;
    } else {
      return r.Error(sec, "notify_on",
                     "expected 'always' or 'failure', got '" + ExcerptForMessage(e->value) + "'");
    }
  }
  if (!n->ca_file.empty() && access(n->ca_file.c_str(), R_OK) != 0) {
    return r.Error(sec, "ca_file", "cannot read '" + n->ca_file + "'");
  }
  return Status::Ok();
}

// [database] database = NAME (the old tool's single database), or databases = a, b | *, with
// exclude (only with *) and accounts (default: yes with *).
Status ReadSelection(const ConfigReader& r, Config* c) {
  const std::string sec = "database";
  const IniEntry* single = r.Get(sec, "database");
  const IniEntry* several = r.Get(sec, "databases");
  if (single != nullptr && several != nullptr) {
    return r.Error(sec, "databases",
                   "set either database = NAME (one database) or databases = a, b or * "
                   "(several), not both");
  }
  DatabaseSelection& sel = c->selection;
  if (several == nullptr) {
    Status s = r.String(sec, "database", &c->database_name, true);
    if (!s.ok()) {
      return r.Error(sec, "database",
                     "missing: name the database to back up (database = NAME), or set "
                     "databases = a, b or databases = * for several");
    }
    sel.mode = DatabaseSelection::Mode::kSingle;
    sel.names = {c->database_name};
  } else {
    auto names = SplitNameList(several->value);
    if (!names.ok()) return r.Error(sec, "databases", names.status().message());
    if (names->size() == 1 && (*names)[0] == "*") {
      sel.mode = DatabaseSelection::Mode::kAll;
    } else {
      sel.mode = DatabaseSelection::Mode::kList;
      sel.names = std::move(*names);
      if (sel.names.size() == 1) c->database_name = sel.names[0];
    }
  }
  for (const auto& n : sel.names) {
    if (IsVirtualSchema(n)) {
      return r.Error(sec, several != nullptr ? "databases" : "database",
                     "'" + n + "' is a virtual schema; it holds no data to back up");
    }
  }
  if (const IniEntry* e = r.Get(sec, "exclude"); e != nullptr) {
    if (sel.mode != DatabaseSelection::Mode::kAll) {
      return r.Error(sec, "exclude",
                     "exclude applies only with databases = *; list the databases you want "
                     "instead");
    }
    auto patterns = SplitNameList(e->value);
    if (!patterns.ok()) return r.Error(sec, "exclude", patterns.status().message());
    sel.exclude = std::move(*patterns);
  }
  c->accounts = sel.mode == DatabaseSelection::Mode::kAll;
  return r.Bool(sec, "accounts", &c->accounts);
}

// "26h", "8d", "90m", "3600s", "2w", or "0" (off), in seconds.
std::optional<long long> ParseDuration(const std::string& v) {
  if (v == "0") return 0;
  if (v.size() < 2 || v.size() > 8) return std::nullopt;
  long long n = 0;
  for (size_t i = 0; i + 1 < v.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(v[i]))) return std::nullopt;
    n = n * 10 + (v[i] - '0');
  }
  switch (std::tolower(static_cast<unsigned char>(v.back()))) {
    case 's': return n;
    case 'm': return n * 60;
    case 'h': return n * 3600;
    case 'd': return n * 86400;
    case 'w': return n * 7 * 86400;
    default: return std::nullopt;
  }
}

Status ReadMonitoring(const ConfigReader& r, MonitoringConfig* m) {
  const std::string sec = "monitoring";
  // Unset: the node_exporter textfile folder when it exists. Set but empty: no metrics file.
  if (const IniEntry* e = r.Get(sec, "metrics_file"); e != nullptr) {
    m->metrics_file = e->value.empty() ? "" : AbsolutePath(e->value);
  } else if (struct stat st; stat(kDefaultMetricsFolder, &st) == 0 && S_ISDIR(st.st_mode)) {
    m->metrics_file = JoinPath(kDefaultMetricsFolder, "mysql_backup.prom");
  }
  const char* kAgeKeys[] = {"max_age_daily", "max_age_weekly", "max_age_monthly"};
  for (int i = 0; i < 3; ++i) {
    const IniEntry* e = r.Get(sec, kAgeKeys[i]);
    if (e == nullptr || e->value.empty()) continue;
    auto seconds = ParseDuration(e->value);
    if (!seconds) {
      return r.Error(sec, kAgeKeys[i],
                     "expected a duration such as 26h, 8d, 90m or 2w (0 turns the check off), "
                     "got '" + ExcerptForMessage(e->value) + "'");
    }
    m->max_age_sec[i] = *seconds;
  }
  Status s = r.String(sec, "ping_url", &m->ping_url);
  if (s.ok()) s = r.Int(sec, "ping_timeout", 1, 300, &m->ping_timeout_sec);
  if (!s.ok()) return s;
  if (!m->ping_url.empty() && m->ping_url.rfind("https://", 0) != 0 &&
      m->ping_url.rfind("http://", 0) != 0) {
    // The value is not quoted back: it may hold the check's secret token.
    return r.Error(sec, "ping_url", "expected an http:// or https:// URL");
  }
  return Status::Ok();
}

// [pitr] over the [database] account (already read), key by key.
Status ReadPitr(const ConfigReader& r, const ConnectionConfig& database, PitrConfig* p) {
  const std::string sec = "pitr";
  p->connection = database;
  if (!r.HasSection(sec)) return Status::Ok();
  Status s = r.Bool(sec, "enabled", &p->enabled);
  if (!s.ok()) return s;
  // An own user in [pitr] must not inherit the backup account's password.
  if (r.Get(sec, "user") != nullptr) p->connection.password.clear();
  s = ReadConnection(r, sec, false, &p->connection);
  if (!s.ok()) return s;
  if (const IniEntry* e = r.Get(sec, "max_lag"); e != nullptr && !e->value.empty()) {
    auto seconds = ParseDuration(e->value);
    if (!seconds) {
      return r.Error(sec, "max_lag",
                     "expected a duration such as 10m, 1h or 2d (0 turns the check off), got '" +
                         ExcerptForMessage(e->value) + "'");
    }
    p->max_lag_sec = *seconds;
  }
  return Status::Ok();
}

}  // namespace

Result<Config> LoadConfig(const std::string& path) {
  auto text = ReadSmallRegularFile(path, kMaxConfigBytes);
  if (!text.ok()) {
    return Status(ErrorKind::kConfiguration, text.status().message())
        .AddContext("Cannot read configuration file (use --config FILE)");
  }
  auto sections = ParseIni(*text, path);
  if (!sections.ok()) return sections.status();
  // [target NAME] sections have their own reader (config/target_config.cc).
  std::vector<IniSection> target_sections;
  std::erase_if(*sections, [&](IniSection& section) {
    if (!IsTargetSection(section.name)) return false;
    target_sections.push_back(std::move(section));
    return true;
  });
  // [encryption] too (config/encryption_config.cc): it checks its own keys.
  std::optional<IniSection> encryption_section;
  std::erase_if(*sections, [&](IniSection& section) {
    if (section.name != kEncryptionSection) return false;
    encryption_section = std::move(section);
    return true;
  });
  ConfigReader r(path, std::move(*sections));
  Status s = r.CheckKnown(KnownKeys());
  if (s.ok()) s = r.CheckControlCharacters(MultiLineKeys());
  if (!s.ok()) return s;

  Config c;
  c.path = path;
  s = r.String("general", "log_dir", &c.general.log_dir);
  if (s.ok()) s = r.String("general", "environment", &c.general.environment);
  if (s.ok()) s = ReadConnection(r, "database", true, &c.database);
  if (s.ok()) s = ReadSelection(r, &c);
  if (s.ok()) s = ReadBackup(r, &c.backup);
  if (s.ok()) s = ReadNotification(r, &c.notification);
  if (s.ok()) s = ReadMonitoring(r, &c.monitoring);
  if (s.ok()) {
    s = ReadTargets(target_sections, path, c.backup.daily_retention, c.backup.weekly_retention,
                    c.backup.monthly_retention, &c.targets, &c.warnings);
  }
  if (s.ok()) {
    s = ReadEncryption(encryption_section ? &*encryption_section : nullptr, path, &c.encryption);
  }
  if (!s.ok()) return s;
  c.general.log_dir = AbsolutePath(c.general.log_dir);
  c.restore = c.database;
  if (r.HasSection("restore")) {
    // An own user in [restore] must not inherit the backup account's password.
    if (r.Get("restore", "user") != nullptr) c.restore.password.clear();
    s = ReadConnection(r, "restore", false, &c.restore);
    if (!s.ok()) return s;
  }
  c.restore_threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
  s = r.Int("restore", "restore_threads", 1, 64, &c.restore_threads);
  if (!s.ok()) return s;
  s = ReadPitr(r, c.database, &c.pitr);
  if (!s.ok()) return s;

  r.CollectPercentWarnings(&c.warnings);
  struct stat st;
  if (r.HoldsPassword() && stat(path.c_str(), &st) == 0 && (st.st_mode & S_IROTH)) {
    c.warnings.push_back("'" + path + "' holds a password and is readable by every user; run: " +
                         "chmod 0640 '" + path + "'");
  }
  return c;
}

}  // namespace mysql_backup
