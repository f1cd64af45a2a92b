#include "config/ini_file.h"

#include <algorithm>
#include <cctype>
#include <limits>

namespace mysql_backup {

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view Strip(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Status ParseError(const std::string& origin, int line, const std::string& what) {
  return Status(ErrorKind::kConfiguration,
                "'" + origin + "' line " + std::to_string(line) + ": " + what);
}

}  // namespace

std::string ExcerptForMessage(std::string_view value) {
  constexpr size_t kMaxShown = 200;
  std::string out;
  size_t shown = 0;
  // Past the limit, a UTF-8 character already begun is finished, not cut in half.
  for (; shown < value.size() &&
         (out.size() < kMaxShown || (static_cast<unsigned char>(value[shown]) & 0xC0) == 0x80);
       ++shown) {
    unsigned char c = static_cast<unsigned char>(value[shown]);
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  if (shown < value.size()) {
    out += "... (" + std::to_string(value.size()) + " bytes in all)";
  }
  return out;
}

Result<std::vector<IniSection>> ParseIni(std::string_view text, const std::string& origin) {
  std::vector<IniSection> sections;
  // The entry that indented lines continue, and the indent of its key line (configparser
  // continues a value only with lines indented deeper than the key).
  IniEntry* current = nullptr;
  size_t current_indent = 0;
  // configparser keeps blank lines inside a multi-line value but strips them at the end.
  int pending_blank_lines = 0;

  int line_no = 0;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view raw = text.substr(pos, end - pos);
    bool last = end == text.size();
    pos = end + 1;
    ++line_no;
    if (line_no == 1 && raw.substr(0, 3) == "\xEF\xBB\xBF") raw.remove_prefix(3);  // UTF-8 BOM

    std::string_view stripped = Strip(raw);
    if (stripped.empty()) {
      if (current != nullptr) ++pending_blank_lines;
      if (last) break;
      continue;
    }
    if (stripped.front() == '#' || stripped.front() == ';') {
      if (last) break;
      continue;
    }
    size_t indent = raw.find_first_not_of(" \t");
    if (current != nullptr && indent > current_indent) {
      for (; pending_blank_lines > 0; --pending_blank_lines) current->value += '\n';
      current->value += '\n';
      current->value += stripped;
      if (last) break;
      continue;
    }
    pending_blank_lines = 0;
    current = nullptr;

    if (stripped.front() == '[') {
      // configparser's header pattern is "\[(.+)\]": greedy, so the name runs to the last ']'
      // ("[a]b]" is section "a]b"), and "[]" is no header at all.
      size_t close = stripped.rfind(']');
      if (close == std::string_view::npos || close == 1) {
        return ParseError(origin, line_no,
                          "expected '[section]', got '" + ExcerptForMessage(stripped) + "'");
      }
      std::string name(stripped.substr(1, close - 1));
      for (const auto& s : sections) {
        if (s.name == name) {
          return ParseError(origin, line_no,
                            "section [" + name + "] appears twice (first on line " +
                                std::to_string(s.line) + ")");
        }
      }
      sections.push_back(IniSection{name, line_no, {}});
      if (last) break;
      continue;
    }
    if (sections.empty()) {
      return ParseError(origin, line_no,
                        "key outside any section; the file must start with a [section] header");
    }
    size_t delim = stripped.find_first_of("=:");
    if (delim == std::string_view::npos) {
      return ParseError(origin, line_no,
                        "expected 'key = value', got '" + ExcerptForMessage(stripped) + "'");
    }
    std::string key = Lower(Strip(stripped.substr(0, delim)));
    if (key.empty()) return ParseError(origin, line_no, "empty key before '='");
    IniSection& section = sections.back();
    for (const auto& e : section.entries) {
      if (e.key == key) {
        return ParseError(origin, line_no,
                          "key '" + key + "' appears twice in [" + section.name +
                              "] (first on line " + std::to_string(e.line) + ")");
      }
    }
    section.entries.push_back(
        IniEntry{key, std::string(Strip(stripped.substr(delim + 1))), line_no});
    current = &section.entries.back();
    current_indent = indent;
    if (last) break;
  }
  return sections;
}

}  // namespace mysql_backup
