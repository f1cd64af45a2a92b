#include "journal/unit_failure.h"

#include <string.h>  // sigabbrev_np
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-journal.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>

namespace mysql_backup {

namespace {

struct JournalCloser {
  void operator()(sd_journal* j) const { sd_journal_close(j); }
};
using JournalPtr = std::unique_ptr<sd_journal, JournalCloser>;

struct BusCloser {
  void operator()(sd_bus* bus) const { sd_bus_flush_close_unref(bus); }
};
using BusPtr = std::unique_ptr<sd_bus, BusCloser>;

struct BusMessageUnref {
  void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using BusMessagePtr = std::unique_ptr<sd_bus_message, BusMessageUnref>;

// sd_bus_error is a plain struct the caller must free.
class BusError {
 public:
  BusError() = default;
  BusError(const BusError&) = delete;
  BusError& operator=(const BusError&) = delete;
  ~BusError() { sd_bus_error_free(&error_); }
  sd_bus_error* get() { return &error_; }
  std::string Describe(int r) const {
    return sd_bus_error_is_set(&error_) ? error_.message : std::strerror(-r);
  }

 private:
  sd_bus_error error_ = SD_BUS_ERROR_NULL;
};

constexpr char kManagerService[] = "org.freedesktop.systemd1";
constexpr char kUnitInterface[] = "org.freedesktop.systemd1.Unit";
constexpr char kServiceInterface[] = "org.freedesktop.systemd1.Service";

// The value of `field` in the current entry, without the "FIELD=" prefix; empty when absent.
std::string EntryField(sd_journal* j, const char* field) {
  const void* data = nullptr;
  size_t length = 0;
  if (sd_journal_get_data(j, field, &data, &length) < 0) return "";
  std::string_view entry(static_cast<const char*>(data), length);
  size_t eq = entry.find('=');
  return eq == std::string_view::npos ? "" : std::string(entry.substr(eq + 1));
}

// The last lines of one invocation: the service's own lines (journald adds
// _SYSTEMD_INVOCATION_ID to everything the unit's processes log) and the manager's lines about it
// ("Main process exited, code=killed, status=9/KILL"; PID 1 writes INVOCATION_ID= into those).
// Without an invocation id, the unit's lines and the manager's lines about the unit.
void ReadJournalLines(UnitFailureInfo& info) {
  sd_journal* raw = nullptr;
  int r = sd_journal_open(&raw, SD_JOURNAL_LOCAL_ONLY | SD_JOURNAL_SYSTEM);
  if (r < 0) {
    info.warnings.push_back(std::string("Cannot open the journal: ") + std::strerror(-r));
    return;
  }
  JournalPtr journal(raw);
  sd_journal* j = journal.get();
  if (!info.invocation_id.empty()) {
    r = sd_journal_add_match(j, ("_SYSTEMD_INVOCATION_ID=" + info.invocation_id).c_str(), 0);
    if (r >= 0) r = sd_journal_add_disjunction(j);
    if (r >= 0) r = sd_journal_add_match(j, ("INVOCATION_ID=" + info.invocation_id).c_str(), 0);
  } else {
    r = sd_journal_add_match(j, ("_SYSTEMD_UNIT=" + info.unit).c_str(), 0);
    if (r >= 0) r = sd_journal_add_disjunction(j);
    if (r >= 0) r = sd_journal_add_match(j, ("UNIT=" + info.unit).c_str(), 0);
    if (r >= 0) r = sd_journal_add_match(j, "_PID=1", 0);
  }
  if (r < 0) {
    info.warnings.push_back(std::string("Cannot filter the journal: ") + std::strerror(-r));
    return;
  }
  r = sd_journal_seek_tail(j);
  std::vector<std::string> newest_first;
  while (r >= 0 && newest_first.size() < kMaxUnitFailureJournalLines) {
    r = sd_journal_previous(j);
    if (r <= 0) break;
    uint64_t usec = 0;
    if (sd_journal_get_realtime_usec(j, &usec) < 0) continue;
    std::string identifier = EntryField(j, "SYSLOG_IDENTIFIER");
    if (identifier.empty()) identifier = EntryField(j, "_COMM");
    std::string pid = EntryField(j, "SYSLOG_PID");
    if (pid.empty()) pid = EntryField(j, "_PID");
    newest_first.push_back(FormatJournalLine(usec, identifier, pid, EntryField(j, "MESSAGE")));
    if (info.check_summary.empty()) info.check_summary = EntryField(j, "BACKUP_CHECK_SUMMARY");
  }
  if (r < 0) {
    info.warnings.push_back(std::string("Cannot read the journal: ") + std::strerror(-r));
  }
  info.journal_lines.assign(newest_first.rbegin(), newest_first.rend());
  if (info.journal_lines.empty() && r >= 0) {
    // Usually a missing permission: only root and the systemd-journal group see system units.
    info.warnings.push_back("No journal lines found for " + info.unit);
  }
}

std::string SignalName(int sig) {
  const char* name = sigabbrev_np(sig);
  return name != nullptr ? name : std::to_string(sig);
}

// The unit's last result as the service manager remembers it.
void ReadFromManager(UnitFailureInfo& info) {
  sd_bus* raw = nullptr;
  int r = sd_bus_open_system(&raw);
  if (r < 0) {
    info.warnings.push_back(std::string("Cannot reach the service manager: ") + std::strerror(-r));
    return;
  }
  BusPtr bus(raw);
  char* path_raw = nullptr;
  r = sd_bus_path_encode("/org/freedesktop/systemd1/unit", info.unit.c_str(), &path_raw);
  if (r < 0) {
    info.warnings.push_back(std::string("Cannot name the unit on the bus: ") + std::strerror(-r));
    return;
  }
  std::unique_ptr<char, decltype(&free)> path(path_raw, &free);

  BusError error;
  char* result = nullptr;
  r = sd_bus_get_property_string(bus.get(), kManagerService, path.get(), kServiceInterface,
                                 "Result", error.get(), &result);
  if (r < 0) {
    info.warnings.push_back("Cannot ask the service manager about " + info.unit + ": " +
                            error.Describe(r));
    return;
  }
  info.service_result = result;
  free(result);

  int32_t code = 0;
  int32_t status = 0;
  BusError code_error;
  BusError status_error;
  if (sd_bus_get_property_trivial(bus.get(), kManagerService, path.get(), kServiceInterface,
                                  "ExecMainCode", code_error.get(), 'i', &code) >= 0 &&
      sd_bus_get_property_trivial(bus.get(), kManagerService, path.get(), kServiceInterface,
                                  "ExecMainStatus", status_error.get(), 'i', &status) >= 0) {
    // si_code values of waitid(): CLD_EXITED, CLD_KILLED, CLD_DUMPED.
    switch (code) {
      case CLD_EXITED:
        info.exit_code = "exited";
        info.exit_status = std::to_string(status);
        break;
      case CLD_KILLED:
        info.exit_code = "killed";
        info.exit_status = SignalName(status);
        break;
      case CLD_DUMPED:
        info.exit_code = "dumped";
        info.exit_status = SignalName(status);
        break;
      default:
        break;  // 0: the main process never ran
    }
  }

  BusError id_error;
  sd_bus_message* reply_raw = nullptr;
  r = sd_bus_get_property(bus.get(), kManagerService, path.get(), kUnitInterface, "InvocationID",
                          id_error.get(), &reply_raw, "ay");
  BusMessagePtr reply(reply_raw);
  const void* bytes = nullptr;
  size_t size = 0;
  if (r >= 0 && sd_bus_message_read_array(reply.get(), 'y', &bytes, &size) >= 0 && size == 16) {
    static constexpr char kHex[] = "0123456789abcdef";
    const auto* b = static_cast<const unsigned char*>(bytes);
    for (size_t i = 0; i < size; ++i) {
      info.invocation_id.push_back(kHex[b[i] >> 4]);
      info.invocation_id.push_back(kHex[b[i] & 0xf]);
    }
  }
}

}  // namespace

std::string UnitFailureInfo::Summary() const {
  std::string s = service_result.empty() ? "result unknown" : "result '" + service_result + "'";
  if (exit_code == "exited") {
    s += ", exit status " + exit_status;
  } else if (exit_code == "killed") {
    s += ", killed by " + exit_status;
  } else if (exit_code == "dumped") {
    s += ", dumped core on " + exit_status;
  }
  return s;
}

bool IsValidUnitName(std::string_view unit) {
  // systemd's limit and alphabet (unit_name_is_valid); the suffix is required.
  if (unit.empty() || unit.size() > 255 || unit.find('.') == std::string_view::npos) return false;
  return std::all_of(unit.begin(), unit.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::strchr(":-_.\\@", c) != nullptr;
  });
}

std::optional<UnitFailureInfo> FailureFromMonitorEnv(
    const std::string& unit, const std::function<const char*(const char*)>& get_env) {
  const char* result = get_env("MONITOR_SERVICE_RESULT");
  if (result == nullptr) return std::nullopt;
  // Set since systemd 251; when present it must be the unit we were asked about.
  const char* monitor_unit = get_env("MONITOR_UNIT");
  if (monitor_unit != nullptr && unit != monitor_unit) return std::nullopt;
  auto value = [&](const char* name) {
    const char* v = get_env(name);
    return std::string(v != nullptr ? v : "");
  };
  UnitFailureInfo info;
  info.unit = unit;
  info.service_result = result;
  info.exit_code = value("MONITOR_EXIT_CODE");
  info.exit_status = value("MONITOR_EXIT_STATUS");
  info.invocation_id = value("MONITOR_INVOCATION_ID");
  return info;
}

std::string FormatJournalLine(uint64_t realtime_usec, std::string_view identifier,
                              std::string_view pid, std::string_view message) {
  time_t seconds = static_cast<time_t>(realtime_usec / 1000000);
  struct tm tm {};
  char stamp[64] = "";
  if (localtime_r(&seconds, &tm) != nullptr) {
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S%z", &tm);
  }
  std::string line = stamp;
  line += ' ';
  line += identifier.empty() ? "?" : identifier;
  if (!pid.empty()) {
    line += '[';
    line += pid;
    line += ']';
  }
  line += ": ";
  line += message;
  return line;
}

Result<UnitFailureInfo> CollectUnitFailure(const std::string& unit) {
  if (!IsValidUnitName(unit)) {
    return Status(ErrorKind::kUsage, "'" + unit + "' is not a valid unit name");
  }
  std::optional<UnitFailureInfo> from_env = FailureFromMonitorEnv(unit, &getenv);
  UnitFailureInfo info;
  if (from_env) {
    info = std::move(*from_env);
  } else {
    info.unit = unit;
    ReadFromManager(info);
  }
  ReadJournalLines(info);
  return info;
}

}  // namespace mysql_backup
