// The encodings and key formats under age: strict base64, Bech32, keys and key files, and the
// header's canonical form.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <string>
#include <vector>

#include "codec/age_base64.h"
#include "codec/age_bech32.h"
#include "codec/age_header.h"
#include "codec/age_keys.h"

namespace mysql_backup::age {
namespace {

// A key pair from the CCTV vectors; `age-keygen -y` gives the recipient.
constexpr char kIdentity[] =
    "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";
constexpr char kRecipient[] = "age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66mv4q47ryef";

std::string AsString(const std::vector<uint8_t>& v) { return std::string(v.begin(), v.end()); }

TEST(AgeBase64Test, AcceptsOnlyCanonicalUnpaddedText) {
  static const struct {
    const char* text;
    bool ok;
    const char* bytes;
  } kCases[] = {
      {"", true, ""},        {"Zg", true, "f"},        {"Zm8", true, "fo"},
      {"Zm9v", true, "foo"}, {"Zm9vYg", true, "foob"}, {"Zg==", false, ""},  // padding
      {"Zm8=", false, ""},                                                   // padding
      {"Zh", false, ""},      // non-zero trailing bits (4 of them)
      {"Zm9", false, ""},     // non-zero trailing bits (2 of them)
      {"Z", false, ""},       // a lone 6-bit group is no byte
      {"Zm9vY", false, ""},   // the same after a full group
      {"Zm9v\n", false, ""},  // line ends are the header's business
      {"Zm9v\r", false, ""}, {"Zm 9v", false, ""},     {"Zm-v", false, ""},  // URL-safe alphabet
      {"Zm_v", false, ""},   {"Zm9v\x80", false, ""},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.text);
    std::optional<std::vector<uint8_t>> decoded = DecodeBase64(c.text);
    ASSERT_EQ(decoded.has_value(), c.ok);
    if (c.ok) {
      EXPECT_EQ(AsString(*decoded), c.bytes);
    }
  }
}

TEST(AgeBase64Test, EncodeRoundTripsEveryLengthWithoutPadding) {
  std::vector<uint8_t> data;
  for (int n = 0; n < 70; ++n) {
    std::string text = EncodeBase64(data);
    EXPECT_EQ(text.find('='), std::string::npos);
    EXPECT_EQ(text.size(), (data.size() * 4 + 2) / 3);
    std::optional<std::vector<uint8_t>> back = DecodeBase64(text);
    ASSERT_TRUE(back.has_value()) << text;
    EXPECT_EQ(*back, data);
    data.push_back(static_cast<uint8_t>(n * 37 + 255));
  }
}

TEST(AgeBech32Test, DecodesBip173ValidStrings) {
  static const struct {
    const char* text;
    const char* hrp;
    size_t bytes;
  } kCases[] = {
      {"A12UEL5L", "A", 0},
      {"a12uel5l", "a", 0},
      {"abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", "abcdef", 20},
      {"split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "split", 30},
      // age has no 90-character limit: identities are 74 characters, recipients 62, and
      // longer strings (post-quantum keys) exist.
      {"an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
       "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio", 0},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.text);
    Result<Bech32Data> decoded = Bech32Decode(c.text);
    ASSERT_TRUE(decoded.ok()) << decoded.status().message();
    EXPECT_EQ(decoded->hrp, c.hrp);
    EXPECT_EQ(decoded->data.size(), c.bytes);
  }
}

TEST(AgeBech32Test, RejectsBadStringsWithTheReason) {
  static const struct {
    const char* text;
    const char* reason;
  } kCases[] = {
      {"A12uEL5L", "mixed"},
      {"pzry9x0s0muk", "separator"},
      {"1pzry9x0s0muk", "separator"},      // empty prefix
      {"x1b4n0q5v", "invalid character"},  // 'b' is not in the alphabet
      {"li1dgmt3", "too short"},           // checksum cut
      {"A1G7SGD8", "checksum"},            // checksum made over the upper-case prefix
      {"a12uel5m", "checksum"},            // last character changed
      {"a1 2uel5l", "invalid character"},  // space
      {"abc1\x7f"
       "2uel5l",
       "invalid character"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.text);
    Result<Bech32Data> decoded = Bech32Decode(c.text);
    ASSERT_FALSE(decoded.ok());
    EXPECT_NE(decoded.status().message().find(c.reason), std::string::npos)
        << decoded.status().message();
  }
}

TEST(AgeBech32Test, RejectsNonCanonicalPadding) {
  // One byte 0xff is the 5-bit groups 31, 28 (two zero bits of padding): "age1luyvfgxs".
  Result<Bech32Data> good = Bech32Decode("age1luyvfgxs");
  ASSERT_TRUE(good.ok()) << good.status().message();
  EXPECT_EQ(good->data, std::vector<uint8_t>{0xff});
  EXPECT_EQ(Bech32Encode("age", good->data, false), "age1luyvfgxs");
  // Valid checksums, but the padding bits are not zero (31, 31), or a whole group too many.
  for (const char* text : {"age1ll2lu7g0", "age1luqrr2q7m"}) {
    Result<Bech32Data> bad = Bech32Decode(text);
    ASSERT_FALSE(bad.ok()) << text;
    EXPECT_EQ(bad.status().message(), "non-canonical padding bits");
  }
}

TEST(AgeBech32Test, EncodesAsAgeDoes) {
  Result<X25519Identity> identity = ParseIdentity(kIdentity);
  ASSERT_TRUE(identity.ok()) << identity.status().message();
  EXPECT_EQ(identity->ToString(), kIdentity);
  EXPECT_EQ(identity->recipient.ToString(), kRecipient);
}

TEST(AgeKeysTest, RecipientErrorsNameTheEntryButNeverASecretKey) {
  std::string flipped = kRecipient;
  flipped.back() = flipped.back() == 'f' ? 'g' : 'f';
  std::string upper = kRecipient;
  for (char& c : upper) c = static_cast<char>(toupper(c));
  static const std::string kShort = "age1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq";
  const struct {
    std::string text;
    std::string expected;
  } kCases[] = {
      {flipped, "'" + flipped + "' is not a valid age1... public key: invalid checksum"},
      {upper, "'" + upper + "' is not an age X25519 public key"},
      {"ssh-ed25519", "SSH key 'ssh-ed25519' is not supported"},
      {"age1", "'age1' is not a valid age1... public key"},
      {kIdentity, "a secret key (AGE-SECRET-KEY-1...) was given as a recipient"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.text);
    Result<X25519Recipient> r = ParseRecipient(c.text);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().kind(), ErrorKind::kConfiguration);
    EXPECT_NE(r.status().message().find(c.expected), std::string::npos) << r.status().message();
    EXPECT_EQ(r.status().message().find("EGTZVFFV"), std::string::npos);
  }
}

TEST(AgeKeysTest, IdentityErrorsNeverShowTheKey) {
  std::string lower = kIdentity;
  for (char& c : lower) c = static_cast<char>(tolower(c));
  std::string flipped = kIdentity;
  flipped[20] = flipped[20] == 'Q' ? 'P' : 'Q';
  const struct {
    std::string text;
    std::string expected;
  } kCases[] = {
      {lower, "must start with 'AGE-SECRET-KEY-1' and be in upper case"},
      {flipped, "invalid checksum"},
      {kRecipient, "a public key (age1...) was given"},
      {"AGE-SECRET-KEY-1", "not a valid age identity"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.expected);
    Result<X25519Identity> r = ParseIdentity(c.text);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(c.expected), std::string::npos) << r.status().message();
    if (c.text.size() > 26) {
      EXPECT_EQ(r.status().message().find(c.text.substr(16, 10)), std::string::npos)
          << r.status().message();
    }
  }
}

TEST(AgeKeysTest, RecipientListTakesSpacesAndCommas) {
  Result<X25519Identity> other = GenerateIdentity();
  ASSERT_TRUE(other.ok());
  std::string list = std::string(" ") + kRecipient + " ,\t" + other->recipient.ToString() + ",";
  Result<std::vector<X25519Recipient>> r = ParseRecipientList(list);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].ToString(), kRecipient);
  EXPECT_EQ((*r)[1], other->recipient);

  EXPECT_FALSE(ParseRecipientList(" , ").ok());
  Result<std::vector<X25519Recipient>> bad = ParseRecipientList(std::string(kRecipient) + " age1x");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'age1x'"), std::string::npos);
}

TEST(AgeKeysTest, RecipientsFileSkipsCommentsAndNamesTheBadLine) {
  std::string text = std::string("# backups\n\n") + kRecipient + "\n  # offsite\nage1nope\n";
  Result<std::vector<X25519Recipient>> r = ParseRecipientsFile(text, "/etc/r.txt");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("'/etc/r.txt' line 5: recipient 'age1nope'"),
            std::string::npos)
      << r.status().message();

  r = ParseRecipientsFile(std::string("# one\n") + kRecipient + "\r\n", "r");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->size(), 1u);
  r = ParseRecipientsFile("# nothing here\n\n", "r");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "'r' holds no recipient (age1... keys)");
}

TEST(AgeKeysTest, IdentityFileReadsAgeKeygenFormat) {
  std::string text = std::string("# created: 2024-05-01T10:00:00Z\n# public key: ") + kRecipient +
                     "\n" + kIdentity + "\n";
  Result<std::vector<X25519Identity>> ids = ParseIdentityFile(text, "key.txt");
  ASSERT_TRUE(ids.ok()) << ids.status().message();
  ASSERT_EQ(ids->size(), 1u);
  EXPECT_EQ((*ids)[0].recipient.ToString(), kRecipient);

  std::string bad = std::string("# x\n") + kIdentity + "\nAGE-SECRET-KEY-1QQQQ\n";
  ids = ParseIdentityFile(bad, "key.txt");
  ASSERT_FALSE(ids.ok());
  EXPECT_NE(ids.status().message().find("'key.txt' line 3: not a valid age identity"),
            std::string::npos)
      << ids.status().message();
  EXPECT_EQ(ids.status().message().find("EGTZVFFV"), std::string::npos);
  EXPECT_FALSE(ParseIdentityFile("# empty\n", "key.txt").ok());
}

TEST(AgeKeysTest, GeneratedKeyFileIsInAgeKeygenFormat) {
  setenv("TZ", "UTC", 1);
  tzset();
  Result<X25519Identity> id = GenerateIdentity();
  ASSERT_TRUE(id.ok());
  std::string text =
      IdentityFileText(*id, std::chrono::system_clock::from_time_t(1714557600));  // 2024-05-01
  std::string recipient = id->recipient.ToString();
  EXPECT_EQ(text, "# created: 2024-05-01T10:00:00Z\n# public key: " + recipient + "\n" +
                      id->ToString() + "\n");
  Result<std::vector<X25519Identity>> back = ParseIdentityFile(text, "k");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ((*back)[0].recipient.ToString(), recipient);

  setenv("TZ", "Europe/Berlin", 1);
  tzset();
  text = IdentityFileText(*id, std::chrono::system_clock::from_time_t(1714557600));
  EXPECT_TRUE(text.starts_with("# created: 2024-05-01T12:00:00+02:00\n")) << text;
  setenv("TZ", "UTC", 1);
  tzset();
}

TEST(AgeHeaderTest, BodiesWrapAt64ColumnsAndEndWithAShortLine) {
  for (size_t n : {0, 1, 47, 48, 49, 96, 100}) {
    SCOPED_TRACE(n);
    Stanza stanza{"test", {"a", "b"}, std::vector<uint8_t>(n, 0)};
    std::string text = EncodeHeaderForMac({stanza}) + EncodeMacLine(Bytes32{});
    Result<Header> header = ParseHeader(text);
    ASSERT_TRUE(header.ok()) << header.status().message() << "\n" << text;
    ASSERT_EQ(header->stanzas.size(), 1u);
    EXPECT_EQ(header->stanzas[0].body, stanza.body);
    EXPECT_EQ(header->stanzas[0].args, stanza.args);
    // 48 bytes fill one 64-column line exactly, so an empty line must follow.
    if (n == 48) {
      EXPECT_NE(text.find(std::string(64, 'A') + "\n\n---"), std::string::npos);
    }
  }
}

TEST(AgeHeaderTest, RejectsEveryNonCanonicalSpelling) {
  const std::string kMac = " AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n";
  const std::string kGood = "age-encryption.org/v1\n-> X a\nAAAA\n---" + kMac;
  ASSERT_TRUE(ParseHeader(kGood).ok());
  static const struct {
    const char* name;
    std::string text;
  } kCases[] = {
      {"version", "age-encryption.org/v2\n-> X a\nAAAA\n---" + kMac},
      {"crlf", "age-encryption.org/v1\r\n-> X a\nAAAA\n---" + kMac},
      {"cr in stanza", "age-encryption.org/v1\n-> X a\r\nAAAA\n---" + kMac},
      {"double space", "age-encryption.org/v1\n-> X  a\nAAAA\n---" + kMac},
      {"trailing space", "age-encryption.org/v1\n-> X a \nAAAA\n---" + kMac},
      {"no arguments", "age-encryption.org/v1\n-> \nAAAA\n---" + kMac},
      {"bad start", "age-encryption.org/v1\n->X a\nAAAA\n---" + kMac},
      {"padding", "age-encryption.org/v1\n-> X a\nAA==\n---" + kMac},
      {"trailing bits", "age-encryption.org/v1\n-> X a\nAB\n---" + kMac},
      {"long line", "age-encryption.org/v1\n-> X a\n" + std::string(68, 'A') + "\n---" + kMac},
      {"missing final line",
       "age-encryption.org/v1\n-> X a\n" + std::string(64, 'A') + "\n---" + kMac},
      {"no stanza", "age-encryption.org/v1\n---" + kMac},
      {"mac no space",
       "age-encryption.org/v1\n-> X a\nAAAA\n---AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"},
      {"mac extra space", "age-encryption.org/v1\n-> X a\nAAAA\n--- " + kMac},
      {"mac short", "age-encryption.org/v1\n-> X a\nAAAA\n--- AAAA\n"},
      {"mac not canonical",
       "age-encryption.org/v1\n-> X a\nAAAA\n--- AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB\n"},
      {"scrypt not alone", "age-encryption.org/v1\n-> scrypt a 10\nAAAA\n-> X a\n\n---" + kMac},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.name);
    Result<Header> header = ParseHeader(c.text);
    ASSERT_FALSE(header.ok());
    EXPECT_EQ(header.status().kind(), ErrorKind::kIntegrity);
  }
}

}  // namespace
}  // namespace mysql_backup::age
