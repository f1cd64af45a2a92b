#include "util/status.h"

#include <cstring>

namespace mysql_backup {

int ExitCodeFor(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage: return 64;
    case ErrorKind::kIntegrity: return 65;
    case ErrorKind::kConnection: return 69;
    case ErrorKind::kProcess: return 70;
    case ErrorKind::kIncomplete: return 70;
    case ErrorKind::kStorage: return 74;
    case ErrorKind::kNotification: return 75;
    case ErrorKind::kLockTimeout: return 75;
    case ErrorKind::kConfiguration: return 78;
    case ErrorKind::kOffsite: return 76;
    case ErrorKind::kGap: return 65;
  }
  return 70;
}

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUsage: return "usage";
    case ErrorKind::kIntegrity: return "integrity";
    case ErrorKind::kConnection: return "connection";
    case ErrorKind::kProcess: return "process";
    case ErrorKind::kIncomplete: return "incomplete";
    case ErrorKind::kStorage: return "storage";
    case ErrorKind::kNotification: return "notification";
    case ErrorKind::kLockTimeout: return "lock";
    case ErrorKind::kConfiguration: return "configuration";
    case ErrorKind::kOffsite: return "offsite";
    case ErrorKind::kGap: return "gap";
  }
  return "process";
}

Status::Status(ErrorKind kind, std::string message)
    : rep_(std::make_shared<Rep>(Rep{kind, std::move(message), {}, {}})) {}

Status& Status::AddContext(std::string context) & {
  if (ok()) return *this;
  rep_ = std::make_shared<Rep>(*rep_);
  rep_->context.push_back(std::move(context));
  return *this;
}

Status&& Status::AddContext(std::string context) && {
  AddContext(std::move(context));
  return std::move(*this);
}

Status& Status::SetDetail(std::string detail) & {
  if (ok()) return *this;
  rep_ = std::make_shared<Rep>(*rep_);
  rep_->detail = std::move(detail);
  return *this;
}

Status&& Status::SetDetail(std::string detail) && {
  SetDetail(std::move(detail));
  return std::move(*this);
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out;
  for (auto it = rep_->context.rbegin(); it != rep_->context.rend(); ++it) {
    out += *it;
    out += ": ";
  }
  out += rep_->message;
  return out;
}

Status ErrnoError(ErrorKind kind, std::string_view action, std::string_view path, int err) {
  std::string message = "Cannot ";
  message += action;
  message += " '";
  message += path;
  message += "': ";
  message += std::strerror(err);
  return Status(kind, std::move(message));
}

}  // namespace mysql_backup
