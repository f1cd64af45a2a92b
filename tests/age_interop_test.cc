// Interoperability with the reference tool (Debian's `age` 1.1.1): our files open with
// `age -d`, its files open with ours, and keys from either key generator work with the other.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "codec/age_decryptor.h"
#include "codec/age_encryptor.h"
#include "codec/age_keys.h"
#include "support/command.h"
#include "support/temp_dir.h"
#include "util/file_util.h"
#include "support/string_sink.h"

namespace mysql_backup {
namespace {

using testing::CommandResult;
using testing::RunCommand;
using testing::TempDir;

using ::mysql_backup::testing::StringSink;

std::span<const uint8_t> Bytes(const std::string& s) {
  return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  uint32_t x = 12345;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1103515245 + 12345;
    s[i] = static_cast<char>(x >> 24);
  }
  return s;
}

void WriteFile(const std::string& path, const std::string& data) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  ASSERT_TRUE(fd.valid()) << path;
  ASSERT_TRUE(WriteAll(fd.get(), data, path).ok());
}

std::string ReadFile(const std::string& path) {
  Result<std::string> data = ReadFileToString(path);
  EXPECT_TRUE(data.ok()) << data.status().ToString();
  return data.ok() ? *data : "";
}

class AgeInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<CommandResult> version = RunCommand({"age", "--version"});
    if (!version.ok() || !version->ok()) {
      GTEST_SKIP() << "the `age` tool is not installed (scripts/install-deps.sh installs it)";
    }
  }

  std::string Encrypt(const std::string& plain, const std::vector<age::X25519Recipient>& to) {
    StringSink sink;
    Result<std::unique_ptr<AgeEncryptor>> enc = AgeEncryptor::Create(to, &sink);
    EXPECT_TRUE(enc.ok());
    EXPECT_TRUE((*enc)->Write(Bytes(plain)).ok());
    EXPECT_TRUE((*enc)->Finish().ok());
    return sink.text;
  }

  Status Decrypt(const std::string& file, const std::vector<age::X25519Identity>& ids,
                 std::string* plain) {
    StringSink sink;
    AgeDecryptor dec(ids, &sink, "file.age");
    Status s = dec.Write(Bytes(file));
    if (s.ok()) s = dec.Finish();
    *plain = sink.text;
    return s;
  }

  TempDir dir_;
};

TEST_F(AgeInteropTest, AgeDecryptsOurFilesOfEverySize) {
  Result<age::X25519Identity> ours = age::GenerateIdentity();
  ASSERT_TRUE(ours.ok());
  WriteFile(dir_ / "key.txt", age::IdentityFileText(*ours, std::chrono::system_clock::now()));
  for (size_t size :
       {size_t{0}, size_t{1}, size_t{65535}, size_t{65536}, size_t{65537}, size_t{3} << 20}) {
    SCOPED_TRACE(size);
    std::string plain = Pattern(size);
    WriteFile(dir_ / "x.age", Encrypt(plain, {ours->recipient}));
    // To stdout: `age -o` creates no file for an empty plaintext.
    Result<CommandResult> r = RunCommand({"age", "-d", "-i", dir_ / "key.txt", dir_ / "x.age"});
    ASSERT_TRUE(r.ok());
    ASSERT_TRUE(r->ok()) << r->Describe();
    EXPECT_TRUE(r->out == plain);
  }
}

TEST_F(AgeInteropTest, AgeDecryptsForEachOfSeveralRecipients) {
  std::vector<age::X25519Recipient> to;
  std::vector<std::string> keys;
  for (int i = 0; i < 3; ++i) {
    std::string key = dir_ / ("key" + std::to_string(i));
    Result<CommandResult> r = RunCommand({"age-keygen", "-o", key});
    ASSERT_TRUE(r.ok() && r->ok());
    Result<std::vector<age::X25519Identity>> ids = age::ParseIdentityFile(ReadFile(key), key);
    ASSERT_TRUE(ids.ok()) << ids.status().ToString();
    to.push_back((*ids)[0].recipient);
    keys.push_back(key);
  }
  std::string plain = Pattern(5 << 20);
  WriteFile(dir_ / "x.age", Encrypt(plain, to));
  for (const std::string& key : keys) {
    Result<CommandResult> r = RunCommand({"age", "-d", "-i", key, dir_ / "x.age"});
    ASSERT_TRUE(r.ok() && r->ok()) << (r.ok() ? r->Describe() : "");
    EXPECT_TRUE(r->out == plain);
  }
}

TEST_F(AgeInteropTest, WeDecryptWhatAgeEncrypts) {
  Result<CommandResult> keygen = RunCommand({"age-keygen", "-o", dir_ / "key.txt"});
  ASSERT_TRUE(keygen.ok() && keygen->ok());
  Result<CommandResult> pub = RunCommand({"age-keygen", "-y", dir_ / "key.txt"});
  ASSERT_TRUE(pub.ok() && pub->ok());
  std::string recipient = pub->out.substr(0, pub->out.find('\n'));
  // Our recipient list parser takes the public key age-keygen printed.
  Result<std::vector<age::X25519Recipient>> parsed = age::ParseRecipientList(recipient);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  Result<std::vector<age::X25519Identity>> ids =
      age::ParseIdentityFile(ReadFile(dir_ / "key.txt"), "key.txt");
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ((*ids)[0].recipient, (*parsed)[0]);
  Result<age::X25519Identity> other = age::GenerateIdentity();
  ASSERT_TRUE(other.ok());

  for (size_t size :
       {size_t{0}, size_t{1}, size_t{65535}, size_t{65536}, size_t{65537}, size_t{3} << 20}) {
    SCOPED_TRACE(size);
    std::string plain = Pattern(size);
    WriteFile(dir_ / "x", plain);
    Result<CommandResult> r =
        RunCommand({"age", "-e", "-r", recipient, "-r", other->recipient.ToString(), "-o",
                    dir_ / "x.age", dir_ / "x"});
    ASSERT_TRUE(r.ok() && r->ok()) << (r.ok() ? r->Describe() : "");
    std::string out;
    Status s = Decrypt(ReadFile(dir_ / "x.age"), *ids, &out);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_TRUE(out == plain);
    s = Decrypt(ReadFile(dir_ / "x.age"), {*other}, &out);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
}

TEST_F(AgeInteropTest, OurKeyFileWorksWithAgeAndItsRecipientLine) {
  Result<age::X25519Identity> ours = age::GenerateIdentity();
  ASSERT_TRUE(ours.ok());
  std::string text = age::IdentityFileText(*ours, std::chrono::system_clock::now());
  WriteFile(dir_ / "key.txt", text);
  // age-keygen -y reads our file and derives the same public key we wrote in the comment.
  Result<CommandResult> pub = RunCommand({"age-keygen", "-y", dir_ / "key.txt"});
  ASSERT_TRUE(pub.ok() && pub->ok()) << (pub.ok() ? pub->Describe() : "");
  EXPECT_EQ(pub->out, ours->recipient.ToString() + "\n");
  EXPECT_NE(text.find("# public key: " + ours->recipient.ToString() + "\n"), std::string::npos);

  // age encrypts to our recipient (from a recipients file), we decrypt with our identity.
  WriteFile(dir_ / "recipients.txt", "# ours\n" + ours->recipient.ToString() + "\n");
  Result<std::vector<age::X25519Recipient>> from_file =
      age::ParseRecipientsFile(ReadFile(dir_ / "recipients.txt"), "recipients.txt");
  ASSERT_TRUE(from_file.ok());
  WriteFile(dir_ / "x", "hello");
  Result<CommandResult> r =
      RunCommand({"age", "-e", "-R", dir_ / "recipients.txt", "-o", dir_ / "x.age", dir_ / "x"});
  ASSERT_TRUE(r.ok() && r->ok()) << (r.ok() ? r->Describe() : "");
  std::string out;
  Status s = Decrypt(ReadFile(dir_ / "x.age"), {*ours}, &out);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(out, "hello");
}

TEST_F(AgeInteropTest, AgeRefusesOurFileWhenAByteIsFlipped) {
  // The reverse check of our own strictness: a damaged file of ours is refused by age too.
  Result<age::X25519Identity> ours = age::GenerateIdentity();
  ASSERT_TRUE(ours.ok());
  WriteFile(dir_ / "key.txt", age::IdentityFileText(*ours, std::chrono::system_clock::now()));
  std::string file = Encrypt(Pattern(100000), {ours->recipient});
  file[file.size() / 2] ^= 0x40;
  WriteFile(dir_ / "x.age", file);
  Result<CommandResult> r =
      RunCommand({"age", "-d", "-i", dir_ / "key.txt", "-o", dir_ / "x", dir_ / "x.age"});
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->ok());
}

}  // namespace
}  // namespace mysql_backup
