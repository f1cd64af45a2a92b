// AWS Signature Version 4, computed by us (OpenSSL HMAC-SHA256) rather than by libcurl: Debian's
// libcurl 7.88 does not canonicalise the query, signs "?uploads" without "=", does not encode the
// path and signs an empty body for streamed uploads. Pure: no clock, no I/O; the caller passes
// the time stamp and the payload hash, so the AWS documentation's worked examples are unit tests.
#ifndef MYSQL_BACKUP_REMOTE_S3_SIGNER_H_
#define MYSQL_BACKUP_REMOTE_S3_SIGNER_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mysql_backup::s3 {

inline constexpr char kEmptyPayloadSha256[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr char kUnsignedPayload[] = "UNSIGNED-PAYLOAD";

struct SigningKeys {
  std::string access_key_id;
  std::string secret_access_key;
  std::string region;
  std::string service = "s3";
};

struct SigningRequest {
  std::string method;  // "GET"
  std::string path;    // decoded, starting with '/': "/bucket/daily/x.sql.gz"
  // Decoded names and values; "?uploads" is {"uploads", ""}. Order does not matter.
  std::vector<std::pair<std::string, std::string>> query;
  // Every header to sign, Host and X-Amz-Date included; names in any case.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_sha256;  // hex, or kUnsignedPayload
  std::string amz_date;        // "20150830T123600Z"; its first 8 characters are the scope date
};

// RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ as %XX (upper-case
// hex); '/' kept when `keep_slash` (paths), encoded otherwise (query names and values).
std::string UriEncode(std::string_view text, bool keep_slash);

// "Action=ListUsers&Version=2010-05-08": encoded, sorted by name then value, "=" always present.
std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query);

// The intermediate steps, exposed for the tests and for a mismatch reported by a server.
std::string CanonicalRequest(const SigningRequest& request);
std::string StringToSign(const SigningRequest& request, const SigningKeys& keys);
std::string SignatureHex(const SigningRequest& request, const SigningKeys& keys);

// The value of the Authorization header:
// "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, SignedHeaders=...,
// Signature=...". It holds the signature: never log it.
std::string AuthorizationHeader(const SigningRequest& request, const SigningKeys& keys);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace mysql_backup::s3

#endif  // MYSQL_BACKUP_REMOTE_S3_SIGNER_H_
