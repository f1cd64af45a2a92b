// The C2SP CCTV test vectors for age (npm package `cctv-age`), run through AgeDecryptor. Every
// vector that uses X25519 identities only is run and must give its expected result: success
// with the payload's SHA-256, or the expected kind of failure (header, no match, HMAC, payload)
// with the SHA-256 of whatever plaintext was released before it. Vectors for what this tool
// does not implement are skipped and counted: ASCII armor (backups are binary files),
// passphrases (scrypt) and post-quantum (hybrid) identities.
//
// The package is found in $CCTV_AGE_DIR, else in the cache folder that scripts/install-deps.sh
// fills (${XDG_CACHE_HOME:-$HOME/.cache}/mysql-backup-tests/cctv-age, the same rule in both); when it is
// missing there, the test installs it with npm. Without npm the test skips, saying so.
#include <dirent.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <zlib.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "codec/age_decryptor.h"
#include "codec/age_keys.h"
#include "codec/sha256.h"
#include "support/command.h"
#include "support/npm_package.h"
#include "support/temp_dir.h"
#include "util/file_util.h"

namespace mysql_backup {
namespace {

using testing::CommandResult;
using testing::FindNpmPackage;
using testing::RunCommand;
using testing::TempDir;

class HashSink : public ByteSink {
 public:
  Status Write(std::span<const uint8_t> data) override {
    sha_.Update(data);
    return Status::Ok();
  }
  std::string Hex() { return sha_.FinishHex(); }

 private:
  Sha256 sha_;
};

struct Vector {
  std::string name;
  std::multimap<std::string, std::string> fields;
  std::string file;  // the age file, decompressed
};

std::string Inflate(const std::string& in) {
  z_stream z{};
  EXPECT_EQ(inflateInit(&z), Z_OK);
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  char buf[65536];
  int rc;
  do {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    rc = inflate(&z, Z_NO_FLUSH);
    EXPECT_TRUE(rc == Z_OK || rc == Z_STREAM_END) << rc;
    out.append(buf, sizeof(buf) - z.avail_out);
  } while (rc == Z_OK);
  inflateEnd(&z);
  return out;
}

Vector ParseVector(const std::string& name, const std::string& data) {
  Vector v{name, {}, {}};
  size_t pos = 0;
  while (true) {
    size_t end = data.find('\n', pos);
    EXPECT_NE(end, std::string::npos) << name;
    if (end == std::string::npos || end == pos) {
      pos = end + 1;
      break;
    }
    std::string line = data.substr(pos, end - pos);
    size_t colon = line.find(": ");
    EXPECT_NE(colon, std::string::npos) << name << ": " << line;
    v.fields.emplace(line.substr(0, colon), line.substr(colon + 2));
    pos = end + 1;
  }
  v.file = data.substr(pos);
  auto compressed = v.fields.find("compressed");
  if (compressed != v.fields.end()) {
    EXPECT_EQ(compressed->second, "zlib") << name;
    v.file = Inflate(v.file);
  }
  return v;
}

std::vector<Vector> LoadVectors(const std::string& package, const TempDir& out) {
  // The package ships the files base64-encoded inside index.js; node writes them out.
  static const char kScript[] =
      "const v = require(process.argv[1]); const fs = require('fs');"
      "for (const k of Object.keys(v)) fs.writeFileSync(process.argv[2] + '/' + k, v[k]);";
  Result<CommandResult> r = RunCommand({"node", "-e", kScript, package, out.path()});
  EXPECT_TRUE(r.ok() && r->ok()) << (r.ok() ? r->Describe() : r.status().ToString());
  std::vector<std::string> names;
  if (DIR* dir = opendir(out.path().c_str())) {
    while (dirent* e = readdir(dir)) {
      if (e->d_name[0] != '.') names.push_back(e->d_name);
    }
    closedir(dir);
  }
  std::sort(names.begin(), names.end());
  std::vector<Vector> vectors;
  for (const std::string& name : names) {
    Result<std::string> data = ReadFileToString(out / name);
    EXPECT_TRUE(data.ok());
    if (data.ok()) vectors.push_back(ParseVector(name, *data));
  }
  return vectors;
}

// Why this vector is not run, or empty when it is.
std::string SkipReason(const Vector& v) {
  auto armored = v.fields.find("armored");
  if (armored != v.fields.end() && armored->second == "yes") return "ASCII armor";
  auto [first, last] = v.fields.equal_range("identity");
  if (first == last) return "passphrase (scrypt) only";
  for (auto it = first; it != last; ++it) {
    if (!it->second.starts_with("AGE-SECRET-KEY-1")) return "post-quantum (hybrid) identity";
  }
  return "";
}

TEST(AgeCctvTest, EveryX25519VectorGivesItsExpectedResult) {
  bool npm_missing = false;
  Result<std::string> found = FindNpmPackage(
      {.spec = "cctv-age@0.2.0",
       .module = "cctv-age",
       .marker = "index.js",
       .cache = "cctv-age",
       .override_env = "CCTV_AGE_DIR",
       .what = "the CCTV age vectors (npm package cctv-age)"},
      &npm_missing);
  if (npm_missing) GTEST_SKIP() << found.status().message();
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  const std::string package = *found;
  TempDir dir;
  std::vector<Vector> vectors = LoadVectors(package, dir);
  ASSERT_GT(vectors.size(), 100u) << "too few vectors in '" << package << "'";

  static const std::map<std::string, AgeFailure> kExpected = {
      {"success", AgeFailure::kNone},
      {"header failure", AgeFailure::kHeader},
      {"no match", AgeFailure::kNoMatch},
      {"HMAC failure", AgeFailure::kHeaderMac},
      {"payload failure", AgeFailure::kPayload},
  };
  int passed = 0;
  std::map<std::string, int> skipped;
  for (const Vector& v : vectors) {
    SCOPED_TRACE(v.name);
    if (std::string reason = SkipReason(v); !reason.empty()) {
      ++skipped[reason];
      continue;
    }
    auto expect = kExpected.find(v.fields.find("expect")->second);
    ASSERT_NE(expect, kExpected.end()) << v.fields.find("expect")->second;
    std::vector<age::X25519Identity> ids;
    auto [first, last] = v.fields.equal_range("identity");
    for (auto it = first; it != last; ++it) {
      Result<age::X25519Identity> id = age::ParseIdentity(it->second);
      ASSERT_TRUE(id.ok()) << id.status().message();
      ids.push_back(*id);
    }
    // Odd-sized writes, so header, nonce and chunk boundaries fall inside them.
    HashSink sink;
    AgeDecryptor dec(ids, &sink, v.name);
    Status s;
    for (size_t pos = 0; pos < v.file.size() && s.ok(); pos += 777) {
      s = dec.Write(std::span(reinterpret_cast<const uint8_t*>(v.file.data()) + pos,
                              std::min<size_t>(777, v.file.size() - pos)));
    }
    if (s.ok()) s = dec.Finish();
    bool ok = true;
    if (expect->second == AgeFailure::kNone) {
      EXPECT_TRUE(s.ok()) << s.ToString();
      ok &= s.ok();
    } else {
      EXPECT_FALSE(s.ok());
      EXPECT_EQ(s.ok() ? ErrorKind::kUsage : s.kind(), ErrorKind::kIntegrity);
      EXPECT_EQ(static_cast<int>(dec.failure()), static_cast<int>(expect->second))
          << "expected '" << expect->first << "', got: " << s.ToString();
      ok &= !s.ok() && s.kind() == ErrorKind::kIntegrity && dec.failure() == expect->second;
    }
    auto payload = v.fields.find("payload");
    if (payload != v.fields.end()) {
      std::string hex = sink.Hex();
      EXPECT_EQ(hex, payload->second) << "released plaintext differs";
      ok &= hex == payload->second;
    }
    passed += ok;
  }
  int total_skipped = 0;
  std::string summary;
  for (const auto& [reason, n] : skipped) {
    total_skipped += n;
    summary += " " + std::to_string(n) + " " + reason + ";";
  }
  std::printf("CCTV age vectors: %d of %zu passed, %d skipped:%s\n", passed,
              vectors.size() - total_skipped, total_skipped, summary.c_str());
  RecordProperty("cctv_passed", passed);
  RecordProperty("cctv_skipped", total_skipped);
  EXPECT_EQ(static_cast<size_t>(passed), vectors.size() - total_skipped);
}

}  // namespace
}  // namespace mysql_backup
