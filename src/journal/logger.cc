#include "journal/logger.h"

#include "journal/sd_status.h"

namespace mysql_backup {

namespace {
constexpr size_t kRecentLines = 50;
}

void Logger::SetCommonField(const std::string& name, const std::string& value) {
  for (auto& field : common_) {
    if (field.first == name) {
      field.second = value;
      return;
    }
  }
  common_.emplace_back(name, value);
}

void Logger::AddBackend(std::unique_ptr<LogBackend> backend) {
  backends_.push_back(std::move(backend));
}

void Logger::Log(Priority priority, const std::string& message, const LogFields& fields) {
  LogFields all = common_;
  all.insert(all.end(), fields.begin(), fields.end());
  for (auto& backend : backends_) backend->Write(priority, message, all);
  recent_.push_back(message);
  if (recent_.size() > kRecentLines) recent_.erase(recent_.begin());
}

void Logger::Status(const std::string& status) { NotifyStatus(status); }

}  // namespace mysql_backup
