// The SigV4 signer against the worked examples AWS publishes: the IAM ListUsers example of the
// "Signature Version 4 signing process" guide, the aws-sig-v4-test-suite's get-vanilla, and the
// S3 examples of "Authenticating Requests: Using the Authorization Header" (GET object with a
// Range, GET ?lifecycle with an empty value, GET ?max-keys=2&prefix=J).
#include "remote/s3_signer.h"

#include <gtest/gtest.h>

namespace mysql_backup::s3 {
namespace {

TEST(S3SignerTest, MatchesTheIamListUsersExample) {
  SigningKeys keys{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "iam"};
  SigningRequest r;
  r.method = "GET";
  r.path = "/";
  r.query = {{"Version", "2010-05-08"}, {"Action", "ListUsers"}};
  r.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
               {"Host", "iam.amazonaws.com"},
               {"X-Amz-Date", "20150830T123600Z"}};
  r.payload_sha256 = kEmptyPayloadSha256;
  r.amz_date = "20150830T123600Z";
  EXPECT_EQ(Sha256Hex(CanonicalRequest(r)),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(SignatureHex(r, keys),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  EXPECT_EQ(AuthorizationHeader(r, keys),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date, "
            "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST(S3SignerTest, MatchesTheTestSuiteGetVanilla) {
  SigningKeys keys{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1",
                   "service"};
  SigningRequest r;
  r.method = "GET";
  r.path = "/";
  r.headers = {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}};
  r.payload_sha256 = kEmptyPayloadSha256;
  r.amz_date = "20150830T123600Z";
  EXPECT_EQ(SignatureHex(r, keys),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

const SigningKeys kS3Keys{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                          "us-east-1", "s3"};

SigningRequest S3Get(std::string path) {
  SigningRequest r;
  r.method = "GET";
  r.path = std::move(path);
  r.headers = {{"Host", "examplebucket.s3.amazonaws.com"},
               {"x-amz-content-sha256", kEmptyPayloadSha256},
               {"x-amz-date", "20130524T000000Z"}};
  r.payload_sha256 = kEmptyPayloadSha256;
  r.amz_date = "20130524T000000Z";
  return r;
}

TEST(S3SignerTest, MatchesTheS3GetObjectExample) {
  SigningRequest r = S3Get("/test.txt");
  r.headers.emplace_back("Range", "bytes=0-9");
  EXPECT_EQ(SignatureHex(r, kS3Keys),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(S3SignerTest, SignsAQueryNameWithoutValueWithAnEqualsSign) {
  SigningRequest r = S3Get("/");
  r.query = {{"lifecycle", ""}};
  EXPECT_NE(CanonicalRequest(r).find("\nlifecycle=\n"), std::string::npos);
  EXPECT_EQ(SignatureHex(r, kS3Keys),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(S3SignerTest, SortsTheQuery) {
  SigningRequest r = S3Get("/");
  r.query = {{"prefix", "J"}, {"max-keys", "2"}};
  EXPECT_EQ(SignatureHex(r, kS3Keys),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
}

TEST(S3SignerTest, EncodesPathsAndQueryValues) {
  static const struct {
    const char* in;
    bool keep_slash;
    const char* out;
  } kCases[] = {
      {"/bucket/daily/shop-daily-20261127T000003Z.sql.gz", true,
       "/bucket/daily/shop-daily-20261127T000003Z.sql.gz"},
      {"/a b/c+d", true, "/a%20b/c%2Bd"},
      {"daily/", false, "daily%2F"},
      {"~x_y.z-", false, "~x_y.z-"},
      {"\xc3\xa9", false, "%C3%A9"},
  };
  for (const auto& c : kCases) EXPECT_EQ(UriEncode(c.in, c.keep_slash), c.out) << c.in;
  EXPECT_EQ(CanonicalQuery({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(CanonicalQuery({{"prefix", "p/daily/"}, {"list-type", "2"}}),
            "list-type=2&prefix=p%2Fdaily%2F");
}

}  // namespace
}  // namespace mysql_backup::s3
