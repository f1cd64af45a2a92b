#include "mysql/accounts_filter.h"

#include <cstring>

namespace mysql_backup {

bool MentionsInternalAccount(std::string_view line) {
  // `mariadb.sys`@..., 'mariadb.sys'@..., `mysql.session`@... : a quoted user name followed by
  // '@'. `mysql`.`global_priv` (a table, in a GRANT) does not match: its quote closes at "mysql".
  for (char q : {'`', '\''}) {
    for (size_t at = line.find(q); at != std::string_view::npos; at = line.find(q, at + 1)) {
      std::string_view rest = line.substr(at + 1);
      size_t close = rest.find(q);
      if (close == std::string_view::npos) break;
      std::string_view user = rest.substr(0, close);
      bool followed_by_at = close + 1 < rest.size() && rest[close + 1] == '@';
      if (followed_by_at && (user == "mariadb.sys" || user.substr(0, 6) == "mysql.")) return true;
      at += close + 1;  // skip the whole quoted name
    }
  }
  return false;
}

Status InternalAccountFilter::EndLine() {
  Status s;
  if (MentionsInternalAccount(line_)) {
    ++dropped_;
  } else {
    s = next_->Write({reinterpret_cast<const uint8_t*>(line_.data()), line_.size()});
  }
  line_.clear();
  return s;
}

Status InternalAccountFilter::Write(std::span<const uint8_t> data) {
  const char* p = reinterpret_cast<const char*>(data.data());
  const char* end = p + data.size();
  while (p < end) {
    const char* nl = static_cast<const char*>(memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* stop = nl != nullptr ? nl + 1 : end;
    line_.append(p, static_cast<size_t>(stop - p));
    if (line_.size() > kMaxLine) {
      return Status(ErrorKind::kProcess,
                    "the accounts dump has a line over 16 MiB; it is not what mariadb-dump "
                    "--system=users writes");
    }
    p = stop;
    if (nl != nullptr) {
      Status s = EndLine();
      if (!s.ok()) return s;
    }
  }
  return Status::Ok();
}

Status InternalAccountFilter::Finish() {
  if (line_.empty()) return Status::Ok();
  return EndLine();
}

}  // namespace mysql_backup
