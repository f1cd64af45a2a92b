#include "codec/age_header.h"

#include <optional>

#include "codec/age_base64.h"

namespace mysql_backup::age {
namespace {

constexpr size_t kColumns = 64;  // base64 characters per full body line

Status Bad(std::string reason) { return Status(ErrorKind::kIntegrity, std::move(reason)); }

// An argument (and the type) is a non-empty run of visible ASCII, no space.
bool IsArgument(std::string_view arg) {
  if (arg.empty()) return false;
  for (char c : arg) {
    if (c < 33 || c > 126) return false;
  }
  return true;
}

// Cuts the next LF-terminated line off `rest`; nullopt when no LF is left.
std::optional<std::string_view> NextLine(std::string_view* rest) {
  size_t end = rest->find('\n');
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = rest->substr(0, end);
  rest->remove_prefix(end + 1);
  return line;
}

}  // namespace

std::string EncodeHeaderForMac(const std::vector<Stanza>& stanzas) {
  std::string out = std::string(kVersionLine) + "\n";
  for (const Stanza& stanza : stanzas) {
    out += "-> " + stanza.type;
    for (const std::string& arg : stanza.args) out += " " + arg;
    out += "\n";
    std::string body = EncodeBase64(stanza.body);
    // Full lines, then a final shorter one, which is empty when the body fills its last line.
    size_t pos = 0;
    for (; body.size() - pos >= kColumns; pos += kColumns) {
      out.append(body, pos, kColumns);
      out += "\n";
    }
    out.append(body, pos);
    out += "\n";
  }
  out += "---";
  return out;
}

std::string EncodeMacLine(const Bytes32& mac) { return " " + EncodeBase64(mac) + "\n"; }

Result<Header> ParseHeader(std::string_view text) {
  std::string_view rest = text;
  std::optional<std::string_view> line = NextLine(&rest);
  if (!line || *line != kVersionLine) {
    return Bad("the first line is not '" + std::string(kVersionLine) +
               "' (not an age file, or an unsupported version)");
  }
  Header header;
  while (true) {
    line = NextLine(&rest);
    if (!line) return Bad("the header ends without its MAC line");
    if (line->starts_with("---")) break;
    if (!line->starts_with("-> ")) {
      return Bad("a header line is neither a stanza ('-> ') nor the MAC line ('--- ')");
    }
    // "-> " then the type and arguments, each separated by exactly one space.
    std::string_view fields = line->substr(3);
    std::vector<std::string> words;
    while (true) {
      size_t space = fields.find(' ');
      std::string_view word = fields.substr(0, space);
      if (!IsArgument(word)) {
        return Bad("a stanza has an empty argument or one with characters outside visible ASCII");
      }
      words.emplace_back(word);
      if (space == std::string_view::npos) break;
      fields.remove_prefix(space + 1);
    }
    Stanza stanza;
    stanza.type = std::move(words.front());
    stanza.args.assign(std::make_move_iterator(words.begin() + 1),
                       std::make_move_iterator(words.end()));
    std::string body;
    while (true) {
      line = NextLine(&rest);
      if (!line) return Bad("a stanza body is not terminated by a short line");
      if (line->size() > kColumns) return Bad("a stanza body line is longer than 64 columns");
      body.append(*line);
      if (line->size() < kColumns) break;
    }
    std::optional<std::vector<uint8_t>> decoded = DecodeBase64(body);
    if (!decoded) return Bad("a stanza body is not canonical unpadded base64");
    stanza.body = std::move(*decoded);
    header.stanzas.push_back(std::move(stanza));
  }
  header.mac_input_size = static_cast<size_t>(line->data() - text.data()) + 3;
  if (!line->starts_with("--- ")) return Bad("the MAC line does not start with '--- '");
  std::optional<std::vector<uint8_t>> mac = DecodeBase64(line->substr(4));
  if (!mac || mac->size() != header.mac.size()) {
    return Bad("the header MAC is not 32 bytes of canonical unpadded base64");
  }
  std::copy(mac->begin(), mac->end(), header.mac.begin());
  if (!rest.empty()) return Bad("the header has data after its MAC line");
  if (header.stanzas.empty()) return Bad("the header has no recipient stanza");
  // The spec: an scrypt (passphrase) stanza must be the only one, so that a file meant for a
  // passphrase cannot also be opened with a key, or the reverse.
  for (const Stanza& stanza : header.stanzas) {
    if (stanza.type == "scrypt" && header.stanzas.size() > 1) {
      return Bad("an scrypt stanza is not alone in the header");
    }
  }
  return header;
}

Status ComputeHeaderMac(const Secret<16>& file_key, std::string_view mac_input, Bytes32* mac) {
  Secret<32> key;
  if (Status s = HkdfSha256(file_key.bytes, {}, "header", key.bytes); !s.ok()) return s;
  return HmacSha256(key.bytes,
                    std::span(reinterpret_cast<const uint8_t*>(mac_input.data()), mac_input.size()),
                    mac);
}

}  // namespace mysql_backup::age
