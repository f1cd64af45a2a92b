#include "notify/mail_message.h"

#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <random>

namespace mysql_backup::notify {
namespace {

constexpr char kCrlf[] = "\r\n";
// RFC 5322 says lines SHOULD stay within 78 characters; RFC 2045 caps encoded lines at 76.
constexpr size_t kHeaderLineLimit = 78;
constexpr size_t kEncodedLineLimit = 76;

constexpr char kHexDigits[] = "0123456789ABCDEF";
constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool IsPrintableAscii(unsigned char c) { return c >= 0x20 && c < 0x7f; }

// Header values must not carry line breaks (a subject with "\nBcc: x" would add a header).
std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? ' ' : c;
  }
  size_t begin = out.find_first_not_of(' ');
  if (begin == std::string::npos) return "";
  size_t end = out.find_last_not_of(' ');
  return out.substr(begin, end - begin + 1);
}

std::string Base64(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(data[i]) << 16) |
                 (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += kBase64Alphabet[(n >> 6) & 63];
    out += kBase64Alphabet[n & 63];
  }
  if (i + 1 == data.size()) {
    uint32_t n = static_cast<unsigned char>(data[i]) << 16;
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    uint32_t n = (static_cast<unsigned char>(data[i]) << 16) |
                 (static_cast<unsigned char>(data[i + 1]) << 8);
    out += kBase64Alphabet[(n >> 18) & 63];
    out += kBase64Alphabet[(n >> 12) & 63];
    out += kBase64Alphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  ssize_t got = getrandom(raw.data(), raw.size(), GRND_NONBLOCK);
  if (got != static_cast<ssize_t>(raw.size())) {
    // Early boot without entropy: uniqueness still comes from time and pid in the Message-ID.
    std::random_device device;
    for (char& c : raw) c = static_cast<char>(device() & 0xff);
  }
  std::string out;
  for (char c : raw) {
    out += kHexDigits[(static_cast<unsigned char>(c) >> 4) & 0xf];
    out += kHexDigits[static_cast<unsigned char>(c) & 0xf];
  }
  return out;
}

// The host part of the Message-ID must be a dot-atom; anything else becomes '-'.
std::string DotAtom(std::string_view host) {
  std::string out;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    out += ok ? c : '-';
  }
  while (!out.empty() && out.front() == '.') out.erase(0, 1);
  while (!out.empty() && out.back() == '.') out.pop_back();
  return out.empty() ? "localhost" : out;
}

// "To: a@x, b@y" folded after commas when a line would grow past 78 characters.
std::string AddressListHeader(std::string_view name, const std::vector<std::string>& addresses) {
  std::string out(name);
  out += ':';
  size_t line_length = out.size();
  bool first = true;
  for (const std::string& raw : addresses) {
    std::string address = OneLine(raw);
    if (address.empty()) continue;
    if (!first) {
      out += ',';
      ++line_length;
    }
    if (!first && line_length + 1 + address.size() > kHeaderLineLimit) {
      out += kCrlf;
      line_length = 0;
    }
    out += ' ';
    out += address;
    line_length += 1 + address.size();
    first = false;
  }
  return out;
}

// A MIME parameter (name="value"), RFC 2231 encoded (name*0*=utf-8''%xx...) when the value is
// not plain printable ASCII or too long to sit on one line. Starts with "; " and a fold.
std::string MimeParameter(std::string_view name, std::string_view value) {
  bool simple = value.size() <= 60;
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    simple = simple && IsPrintableAscii(u) && c != '"' && c != '\\';
  }
  std::string out;
  if (simple) {
    out += ";\r\n ";
    out += name;
    out += "=\"";
    out += value;
    out += '"';
    return out;
  }
  std::string encoded;
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-' || c == '_';
    if (plain) {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHexDigits[u >> 4];
      encoded += kHexDigits[u & 0xf];
    }
  }
  // Pieces of at most 60 characters, never splitting a %XX.
  size_t section = 0;
  size_t pos = 0;
  do {
    size_t length = std::min<size_t>(60, encoded.size() - pos);
    if (length < encoded.size() - pos) {
      if (encoded[pos + length - 1] == '%')
        length -= 1;
      else if (encoded[pos + length - 2] == '%')
        length -= 2;
    }
    out += ";\r\n ";
    out += name;
    out += '*';
    out += std::to_string(section);
    out += "*=";
    if (section == 0) out += "utf-8''";
    out += encoded.substr(pos, length);
    pos += length;
    ++section;
  } while (pos < encoded.size());
  return out;
}

}  // namespace

std::string FormatMailDate(std::time_t now) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm tm_local;
  localtime_r(&now, &tm_local);
  long offset_min = tm_local.tm_gmtoff / 60;
  char sign = offset_min < 0 ? '-' : '+';
  if (offset_min < 0) offset_min = -offset_min;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld",
                kDays[tm_local.tm_wday], tm_local.tm_mday, kMonths[tm_local.tm_mon],
                tm_local.tm_year + 1900, tm_local.tm_hour, tm_local.tm_min, tm_local.tm_sec, sign,
                offset_min / 60, offset_min % 60);
  return buf;
}

std::string EncodeSubjectHeader(std::string_view raw_subject) {
  const std::string subject = OneLine(raw_subject);
  // A plain subject stays readable; it is folded at spaces. Anything a reader could misparse
  // (non-ASCII, a word too long to fold, text that looks like an encoded-word) is encoded whole.
  bool plain = subject.find("=?") == std::string::npos;
  size_t word_length = 0;
  for (char c : subject) {
    plain = plain && IsPrintableAscii(static_cast<unsigned char>(c));
    word_length = (c == ' ') ? 0 : word_length + 1;
    plain = plain && word_length <= 60;
  }

  std::string out = "Subject:";
  if (plain) {
    size_t line_length = out.size();
    size_t pos = 0;
    while (pos <= subject.size()) {
      size_t space = subject.find(' ', pos);
      if (space == std::string::npos) space = subject.size();
      std::string_view word(subject.data() + pos, space - pos);
      // Folding puts CRLF before the space; unfolding removes the CRLF and keeps the space.
      if (line_length + 1 + word.size() > kHeaderLineLimit && line_length > 1) {
        out += kCrlf;
        line_length = 0;
      }
      out += ' ';
      out += word;
      line_length += 1 + word.size();
      pos = space + 1;
    }
    return out;
  }

  // Encoded-words of at most 42 bytes of text (56 base64 characters, 68 with the
  // "=?UTF-8?B?...?=" frame), so even "Subject: " plus the first one stays within 78.
  // Decoders join adjacent encoded-words and drop the folding whitespace between them, so a
  // chunk boundary may fall anywhere except inside a UTF-8 sequence.
  constexpr size_t kChunkBytes = 42;
  size_t pos = 0;
  bool first = true;
  do {
    size_t length = std::min(kChunkBytes, subject.size() - pos);
    while (length > 0 && pos + length < subject.size() &&
           (static_cast<unsigned char>(subject[pos + length]) & 0xc0) == 0x80) {
      --length;
    }
    if (length == 0) length = std::min(kChunkBytes, subject.size() - pos);  // broken UTF-8
    out += first ? " " : "\r\n ";
    out += "=?UTF-8?B?";
    out += Base64(std::string_view(subject).substr(pos, length));
    out += "?=";
    pos += length;
    first = false;
  } while (pos < subject.size());
  return out;
}

std::string EncodeQuotedPrintable(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t newline = text.find('\n', pos);
    bool last = newline == std::string_view::npos;
    if (last) newline = text.size();
    std::string_view line = text.substr(pos, newline - pos);
    if (!last && !line.empty() && line.back() == '\r') line.remove_suffix(1);

    // "From " at the start of a line is mangled by mbox-style delivery; encoding the F is cheap.
    bool from_line = line.substr(0, 5) == "From ";
    size_t line_length = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(line[i]);
      bool at_end = i + 1 == line.size();
      bool literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && !at_end);
      if (i == 0 && from_line) literal = false;
      std::string token;
      if (literal) {
        token = static_cast<char>(c);
      } else {
        token = {'=', kHexDigits[c >> 4], kHexDigits[c & 0xf]};
      }
      // Keep one column for the soft break "=", except for the line's last token, which may
      // end exactly at column 76.
      size_t room = at_end ? kEncodedLineLimit : kEncodedLineLimit - 1;
      if (line_length + token.size() > room) {
        out += "=\r\n";
        line_length = 0;
      }
      out += token;
      line_length += token.size();
    }
    if (last) break;
    out += kCrlf;
    pos = newline + 1;
  }
  return out;
}

std::string EncodeBase64Lines(std::string_view data) {
  constexpr size_t kBytesPerLine = kEncodedLineLimit / 4 * 3;  // 57 bytes -> 76 characters
  std::string out;
  for (size_t pos = 0; pos < data.size(); pos += kBytesPerLine) {
    out += Base64(data.substr(pos, kBytesPerLine));
    out += kCrlf;
  }
  return out;
}

std::string LocalHostName() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

std::string RenderMail(const MailMessage& message, const std::string& from,
                       const std::vector<std::string>& to, std::time_t now,
                       const std::string& hostname) {
  struct tm tm_utc;
  gmtime_r(&now, &tm_utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d%H%M%S", &tm_utc);

  std::string out;
  out += "Date: " + FormatMailDate(now) + kCrlf;
  out += "Message-ID: <" + std::string(stamp) + "." + std::to_string(getpid()) + "." +
         RandomHex(8) + "@" + DotAtom(hostname) + ">" + kCrlf;
  out += "From: " + OneLine(from) + kCrlf;
  out += AddressListHeader("To", to) + kCrlf;
  out += EncodeSubjectHeader(message.subject) + kCrlf;
  out += "MIME-Version: 1.0\r\n";
  // RFC 3834: vacation responders and the like should not answer a machine.
  out += "Auto-Submitted: auto-generated\r\n";

  std::string body = EncodeQuotedPrintable(message.body);
  if (body.size() < 2 || body.compare(body.size() - 2, 2, kCrlf) != 0) body += kCrlf;
  constexpr char kTextHeaders[] =
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n";

  if (message.attachments.empty()) {
    out += kTextHeaders;
    out += kCrlf;
    out += body;
    return out;
  }

  // "=_" never occurs in quoted-printable or base64 output, so the boundary cannot collide with
  // any encoded part, whatever it holds.
  const std::string boundary = "=_mysql-backup_" + RandomHex(12);
  out += "Content-Type: multipart/mixed;\r\n boundary=\"" + boundary + "\"\r\n";
  out += kCrlf;
  out += "This is a multi-part message in MIME format.\r\n";
  out += "--" + boundary + kCrlf;
  out += kTextHeaders;
  out += kCrlf;
  out += body;
  for (const Attachment& attachment : message.attachments) {
    std::string type = OneLine(attachment.content_type);
    if (type.empty()) type = "application/octet-stream";
    out += "--" + boundary + kCrlf;
    out += "Content-Type: " + type + MimeParameter("name", attachment.filename) + kCrlf;
    out +=
        "Content-Disposition: attachment" + MimeParameter("filename", attachment.filename) + kCrlf;
    out += "Content-Transfer-Encoding: base64\r\n";
    out += kCrlf;
    out += EncodeBase64Lines(attachment.content);
  }
  out += "--" + boundary + "--" + kCrlf;
  return out;
}

}  // namespace mysql_backup::notify
