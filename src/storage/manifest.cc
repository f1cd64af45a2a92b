#include "storage/manifest.h"

#include "util/json.h"
#include "util/json_value.h"

namespace mysql_backup {

namespace {

// A tiny pretty-printer: each call appends one member, with the comma handled by the caller's
// `first` flag.
class JsonWriter {
 public:
  std::string Take() { return std::move(out_); }

  void Open(char bracket) {
    out_ += bracket;
    ++depth_;
    first_ = true;
  }
  void Close(char bracket) {
    --depth_;
    if (!first_) Newline();
    out_ += bracket;
    first_ = false;
  }
  void Key(std::string_view key) {
    Comma();
    out_ += JsonQuote(key);
    out_ += ": ";
  }
  void Item() { Comma(); }
  void Raw(std::string_view text) {
    out_ += text;
    first_ = false;
  }
  void String(std::string_view s) { Raw(JsonQuote(s)); }
  void Number(uint64_t n) { Raw(std::to_string(n)); }

  void StringArray(std::string_view key, const std::vector<std::string>& items) {
    Key(key);
    if (items.empty()) {
      Raw("[]");
      return;
    }
    Open('[');
    for (const auto& s : items) {
      Item();
      String(s);
    }
    Close(']');
  }

 private:
  void Comma() {
    if (!first_) out_ += ',';
    Newline();
    first_ = false;
  }
  void Newline() {
    out_ += '\n';
    out_.append(static_cast<size_t>(depth_) * 2, ' ');
  }

  std::string out_;
  int depth_ = 0;
  bool first_ = true;
};

void WriteFile(JsonWriter& w, const ManifestFile& f) {
  w.Open('{');
  w.Key("name");
  w.String(f.name);
  w.Key("kind");
  w.String(f.kind == BackupKind::kAccounts ? "accounts" : "database");
  if (f.kind == BackupKind::kDatabase) {
    w.Key("database");
    w.String(f.database);
  }
  w.Key("size");
  w.Number(f.size);
  w.Key("sha256");
  w.String(f.sha256);
  if (f.kind == BackupKind::kDatabase) {
    w.Key("tables");
    if (f.table_rows.empty()) {
      w.Raw("{}");
    } else {
      w.Open('{');
      for (const auto& [table, rows] : f.table_rows) {
        w.Key(table);
        w.Number(rows);
      }
      w.Close('}');
    }
  }
  w.Key("binlog");
  if (!f.binlog) {
    w.Raw("null");
  } else {
    w.Open('{');
    w.Key("file");
    w.String(f.binlog->file);
    w.Key("position");
    w.Number(f.binlog->position);
    w.Key("gtid");
    w.String(f.binlog->gtid);
    w.Close('}');
  }
  if (f.encrypted) {
    w.Key("encrypted");
    w.Raw("true");
    w.StringArray("recipients", f.recipients);
    w.Key("plain_sha256");
    w.String(f.plain_sha256);
  }
  w.Close('}');
}

Status Missing(std::string_view what) {
  return Status(ErrorKind::kIntegrity,
                "the manifest lacks '" + std::string(what) + "' or has the wrong type there");
}

Status ReadString(const JsonValue& obj, std::string_view key, std::string* out) {
  const JsonValue* v = obj.Find(key);
  if (v == nullptr || v->AsString() == nullptr) return Missing(key);
  *out = *v->AsString();
  return Status::Ok();
}

Status ReadUint(const JsonValue& obj, std::string_view key, uint64_t* out) {
  const JsonValue* v = obj.Find(key);
  if (v == nullptr || !v->AsUint64()) return Missing(key);
  *out = *v->AsUint64();
  return Status::Ok();
}

Status ReadTime(const JsonValue& obj, std::string_view key, std::time_t* out) {
  std::string s;
  Status st = ReadString(obj, key, &s);
  if (!st.ok()) return st;
  // "2026-11-27T00:00:03Z" -> the compact stamp parser.
  if (s.size() != 20) return Missing(key);
  std::string compact = s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2) + "T" +
                        s.substr(11, 2) + s.substr(14, 2) + s.substr(17, 2) + "Z";
  auto t = ParseUtcStamp(compact);
  if (!t || FormatIsoUtc(*t) != s) return Missing(key);
  *out = *t;
  return Status::Ok();
}

Status ReadStrings(const JsonValue& obj, std::string_view key, std::vector<std::string>* out) {
  const JsonValue* v = obj.Find(key);
  if (v == nullptr || v->AsArray() == nullptr) return Missing(key);
  for (const auto& item : *v->AsArray()) {
    if (item.AsString() == nullptr) return Missing(key);
    out->push_back(*item.AsString());
  }
  return Status::Ok();
}

Result<ManifestFile> ReadFile(const JsonValue& v) {
  ManifestFile f;
  std::string kind;
  Status s = ReadString(v, "name", &f.name);
  if (s.ok()) s = ReadString(v, "kind", &kind);
  if (s.ok()) s = ReadUint(v, "size", &f.size);
  if (s.ok()) s = ReadString(v, "sha256", &f.sha256);
  if (!s.ok()) return s;
  if (kind == "accounts") {
    f.kind = BackupKind::kAccounts;
  } else if (kind == "database") {
    s = ReadString(v, "database", &f.database);
    if (!s.ok()) return s;
    const JsonValue* tables = v.Find("tables");
    if (tables == nullptr || tables->AsObject() == nullptr) return Missing("tables");
    for (const auto& [table, rows] : *tables->AsObject()) {
      if (!rows.AsUint64()) return Missing("tables." + table);
      f.table_rows[table] = *rows.AsUint64();
    }
  } else {
    return Missing("kind");
  }
  const JsonValue* binlog = v.Find("binlog");
  if (binlog != nullptr && !binlog->is_null()) {
    BinlogPosition p;
    s = ReadString(*binlog, "file", &p.file);
    if (s.ok()) s = ReadUint(*binlog, "position", &p.position);
    if (s.ok()) s = ReadString(*binlog, "gtid", &p.gtid);
    if (!s.ok()) return s;
    f.binlog = p;
  }
  // Optional members (added with encryption; a file without them is not encrypted).
  if (const JsonValue* encrypted = v.Find("encrypted"); encrypted != nullptr) {
    if (!encrypted->AsBool()) return Missing("encrypted");
    f.encrypted = *encrypted->AsBool();
  }
  if (f.encrypted) {
    s = ReadStrings(v, "recipients", &f.recipients);
    if (s.ok()) s = ReadString(v, "plain_sha256", &f.plain_sha256);
    if (!s.ok()) return s;
  }
  return f;
}

}  // namespace

std::string ManifestToJson(const RunManifest& m) {
  JsonWriter w;
  w.Open('{');
  w.Key("format_version");
  w.Number(static_cast<uint64_t>(m.format_version));
  w.Key("tool_version");
  w.String(m.tool_version);
  w.Key("host");
  w.String(m.host);
  w.Key("server_flavour");
  w.String(m.server_flavour);
  w.Key("server_version");
  w.String(m.server_version);
  w.Key("type");
  w.String(BackupTypeName(m.type));
  w.Key("stamp");
  w.String(FormatUtcStamp(m.stamp));
  w.Key("started");
  w.String(FormatIsoUtc(m.started));
  w.Key("finished");
  w.String(FormatIsoUtc(m.finished));
  w.Key("mysqldump_options");
  w.String(m.mysqldump_options);
  w.Key("selection");
  w.String(m.selection);
  w.StringArray("expected", m.expected);
  w.StringArray("dumped", m.dumped);
  w.StringArray("vanished", m.vanished);
  w.StringArray("added", m.added);
  w.Key("failed");
  if (m.failed.empty()) {
    w.Raw("[]");
  } else {
    w.Open('[');
    for (const auto& f : m.failed) {
      w.Item();
      w.Open('{');
      w.Key("database");
      w.String(f.database);
      w.Key("error");
      w.String(f.error);
      w.Close('}');
    }
    w.Close(']');
  }
  w.Key("binlog_note");
  w.String(m.binlog_note);
  w.Key("files");
  if (m.files.empty()) {
    w.Raw("[]");
  } else {
    w.Open('[');
    for (const auto& f : m.files) {
      w.Item();
      WriteFile(w, f);
    }
    w.Close(']');
  }
  w.Close('}');
  std::string out = w.Take();
  out += '\n';
  return out;
}

Result<RunManifest> ParseManifest(std::string_view json) {
  auto doc = ParseJson(json);
  if (!doc.ok()) return Status(doc.status()).AddContext("Cannot read the manifest");
  const JsonValue& v = *doc;
  if (v.AsObject() == nullptr) return Missing("the top-level object");
  RunManifest m;
  uint64_t version = 0;
  Status s = ReadUint(v, "format_version", &version);
  if (!s.ok()) return s;
  if (version != static_cast<uint64_t>(kManifestFormatVersion)) {
    return Status(ErrorKind::kIntegrity,
                  "the manifest has format_version " + std::to_string(version) +
                      ", this mysql-backup reads " + std::to_string(kManifestFormatVersion) +
                      "; use a newer mysql-backup");
  }
  std::string type, stamp;
  if (s.ok()) s = ReadString(v, "tool_version", &m.tool_version);
  if (s.ok()) s = ReadString(v, "host", &m.host);
  if (s.ok()) s = ReadString(v, "server_flavour", &m.server_flavour);
  if (s.ok()) s = ReadString(v, "server_version", &m.server_version);
  if (s.ok()) s = ReadString(v, "type", &type);
  if (s.ok()) s = ReadString(v, "stamp", &stamp);
  if (s.ok()) s = ReadTime(v, "started", &m.started);
  if (s.ok()) s = ReadTime(v, "finished", &m.finished);
  if (s.ok()) s = ReadString(v, "mysqldump_options", &m.mysqldump_options);
  if (s.ok()) s = ReadString(v, "selection", &m.selection);
  if (s.ok()) s = ReadStrings(v, "expected", &m.expected);
  if (s.ok()) s = ReadStrings(v, "dumped", &m.dumped);
  if (s.ok()) s = ReadStrings(v, "vanished", &m.vanished);
  if (s.ok()) s = ReadStrings(v, "added", &m.added);
  if (s.ok()) s = ReadString(v, "binlog_note", &m.binlog_note);
  if (!s.ok()) return s;
  auto parsed_type = ParseBackupType(type);
  if (!parsed_type) return Missing("type");
  m.type = *parsed_type;
  auto parsed_stamp = ParseUtcStamp(stamp);
  if (!parsed_stamp) return Missing("stamp");
  m.stamp = *parsed_stamp;
  const JsonValue* failed = v.Find("failed");
  if (failed == nullptr || failed->AsArray() == nullptr) return Missing("failed");
  for (const auto& f : *failed->AsArray()) {
    FailedDatabase fd;
    s = ReadString(f, "database", &fd.database);
    if (s.ok()) s = ReadString(f, "error", &fd.error);
    if (!s.ok()) return s;
    m.failed.push_back(std::move(fd));
  }
  const JsonValue* files = v.Find("files");
  if (files == nullptr || files->AsArray() == nullptr) return Missing("files");
  for (const auto& f : *files->AsArray()) {
    auto file = ReadFile(f);
    if (!file.ok()) return file.status();
    m.files.push_back(std::move(*file));
  }
  return m;
}

const ManifestFile* FindDatabaseFile(const RunManifest& manifest, std::string_view database) {
  for (const auto& f : manifest.files) {
    if (f.kind == BackupKind::kDatabase && f.database == database) return &f;
  }
  return nullptr;
}

}  // namespace mysql_backup
