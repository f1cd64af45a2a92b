#include "remote/s3_signer.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <map>

namespace mysql_backup::s3 {

namespace {

std::string Hex(const unsigned char* data, size_t n) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kDigits[data[i] >> 4];
    out += kDigits[data[i] & 15];
  }
  return out;
}

std::string Hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Header values: leading and trailing spaces removed, inner runs of spaces made one.
std::string TrimValue(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Lower-cased names to trimmed values, sorted; repeated names joined with ','.
std::map<std::string, std::string> CanonicalHeaders(const SigningRequest& r) {
  std::map<std::string, std::string> out;
  for (const auto& [name, value] : r.headers) {
    std::string key = Lower(name);
    auto it = out.find(key);
    if (it == out.end()) {
      out.emplace(key, TrimValue(value));
    } else {
      it->second += "," + TrimValue(value);
    }
  }
  return out;
}

std::string SignedHeaderList(const std::map<std::string, std::string>& headers) {
  std::string out;
  for (const auto& [name, value] : headers) out += (out.empty() ? "" : ";") + name;
  return out;
}

std::string Scope(const SigningRequest& r, const SigningKeys& k) {
  return r.amz_date.substr(0, 8) + "/" + k.region + "/" + k.service + "/aws4_request";
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return Hex(digest, sizeof digest);
}

std::string UriEncode(std::string_view text, bool keep_slash) {
  static const char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) {
      out += ch;
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) out += (out.empty() ? "" : "&") + name + "=" + value;
  return out;
}

std::string CanonicalRequest(const SigningRequest& r) {
  auto headers = CanonicalHeaders(r);
  std::string out = r.method + "\n" + UriEncode(r.path.empty() ? "/" : r.path, true) + "\n" +
                    CanonicalQuery(r.query) + "\n";
  for (const auto& [name, value] : headers) out += name + ":" + value + "\n";
  out += "\n" + SignedHeaderList(headers) + "\n" + r.payload_sha256;
  return out;
}

std::string StringToSign(const SigningRequest& r, const SigningKeys& k) {
  return "AWS4-HMAC-SHA256\n" + r.amz_date + "\n" + Scope(r, k) + "\n" +
         Sha256Hex(CanonicalRequest(r));
}

std::string SignatureHex(const SigningRequest& r, const SigningKeys& k) {
  std::string key = Hmac("AWS4" + k.secret_access_key, r.amz_date.substr(0, 8));
  key = Hmac(key, k.region);
  key = Hmac(key, k.service);
  key = Hmac(key, "aws4_request");
  std::string sig = Hmac(key, StringToSign(r, k));
  return Hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
}

std::string AuthorizationHeader(const SigningRequest& r, const SigningKeys& k) {
  return "AWS4-HMAC-SHA256 Credential=" + k.access_key_id + "/" + Scope(r, k) +
         ", SignedHeaders=" + SignedHeaderList(CanonicalHeaders(r)) +
         ", Signature=" + SignatureHex(r, k);
}

}  // namespace mysql_backup::s3
