#include "cli/options.h"

#include "config/config.h"
#include "config/database_selection.h"
#include "config/ini_file.h"
#include "storage/backup_name.h"

namespace mysql_backup {

namespace {

enum class Arg { kNone, kRequired, kOptional, kMany };

struct OptionSpec {
  const char* long_name;
  char short_name;
  Arg arg;
  const char* value_name;
  const char* help;
};

// The table that --help prints and the parser reads.
constexpr OptionSpec kOptions[] = {
    {"--config", 'c', Arg::kRequired, "FILE",
     "configuration file (default /etc/mysql-backup/mysql_backup.conf)"},
    {"--backup-type", 0, Arg::kRequired, "TYPE",
     "take one backup: daily, weekly, monthly, or all (the three in turn)"},
    {"--cleanup", 0, Arg::kNone, nullptr,
     "delete backups beyond the retention counts (after the backup, with --backup-type)"},
    {"--dry-run", 0, Arg::kNone, nullptr, "with --cleanup: only print what would be deleted"},
    {"--list", 0, Arg::kNone, nullptr, "list the backups on disk, newest first"},
    {"--json", 0, Arg::kNone, nullptr, "with --list: print JSON"},
    {"--verify", 0, Arg::kMany, "FILE...",
     "re-check checksum, compressed stream and dump trailer (no FILE: every backup)"},
    {"--restore", 0, Arg::kRequired, "FILE|latest|STAMP",
     "verify FILE, then load it into --target-database; or load a whole run (latest, or its "
     "stamp) under the original database names"},
    {"--target-database", 0, Arg::kRequired, "NAME", "with --restore FILE: the database to load into"},
    {"--databases", 0, Arg::kRequired, "A,B",
     "with --restore latest|STAMP: only these databases of the run"},
    {"--accounts", 0, Arg::kNone, nullptr,
     "with --restore latest|STAMP: load the run's accounts file too (users, roles, grants)"},
    {"--force", 0, Arg::kNone, nullptr, "with --restore: load into databases that have tables"},
    {"--until", 0, Arg::kRequired, "\"YYYY-MM-DD HH:MM:SS\"|end",
     "with --restore latest: load the newest dump before that moment, then replay the archived "
     "binlogs up to it (end: to the last archived transaction)"},
    {"--until-gtid", 0, Arg::kRequired, "D-S-N",
     "with --restore latest: the same, up to and including that GTID"},
    {"--timezone", 0, Arg::kRequired, "ZONE",
     "with --until: the zone the time is in (default: the host's)"},
    {"--restore-test", 0, Arg::kOptional, "FILE",
     "restore the newest (or FILE) backup into a scratch database and compare row counts"},
    {"--test-notification", 0, Arg::kNone, nullptr, "send a test mail and exit"},
    {"--notify-failure", 0, Arg::kRequired, "UNIT", "mail the failure of a systemd unit"},
    {"--check", 0, Arg::kNone, nullptr,
     "check that the newest backups are younger than [monitoring] max_age_* (exit 0 OK, "
     "2 CRITICAL, 3 UNKNOWN)"},
    {"--daemon", 0, Arg::kNone, nullptr,
     "run in the foreground and schedule backups like the old tool (hosts without systemd)"},
    {"--upload", 0, Arg::kMany, "FILE...",
     "copy backups to the offsite targets (no FILE: every backup a target lacks)"},
    {"--target", 0, Arg::kRequired, "NAME",
     "with --upload, --list, --verify: only the offsite target [target NAME]; with --restore, "
     "--restore-test: read the FILE (or latest) from it"},
    {"--generate-key", 0, Arg::kOptional, "FILE",
     "write a new age identity to FILE (mode 0600, never over an existing file) and print its "
     "public key for [encryption] recipients; no FILE: print the identity"},
    {"--archive-binlogs", 0, Arg::kNone, nullptr,
     "copy every completed binary log to <backup_dir>/binlog/<server_id>/ ([pitr])"},
    {"--binlog-events", 0, Arg::kNone, nullptr,
     "list the archived transactions from --from to --to (time, GTID, file:byte, tables or "
     "statement), to find the moment for --until"},
    {"--from", 0, Arg::kRequired, "\"YYYY-MM-DD HH:MM:SS\"", "with --binlog-events: the start"},
    {"--to", 0, Arg::kRequired, "\"YYYY-MM-DD HH:MM:SS\"",
     "with --binlog-events: the end (default: the end of the archive)"},
    {"--version", 0, Arg::kNone, nullptr, "print the version and exit"},
    {"--help", 'h', Arg::kNone, nullptr, "show this help and exit"},
};

Status UsageError(const std::string& what) {
  return Status(ErrorKind::kUsage, what + " (see mysql-backup --help)");
}

// argparse accepts any unambiguous prefix of a long option.
Result<const OptionSpec*> FindLong(const std::string& name) {
  const OptionSpec* found = nullptr;
  int matches = 0;
  for (const auto& spec : kOptions) {
    std::string full = spec.long_name;
    if (full == name) return &spec;
    if (name.size() > 2 && full.rfind(name, 0) == 0) {
      found = &spec;
      ++matches;
    }
  }
  if (matches == 1) return found;
  if (matches > 1) return UsageError("ambiguous option '" + name + "'");
  return UsageError("unknown option '" + name + "'");
}

// Why the server would refuse `name` as a database name ("" when it would take it): MariaDB and
// MySQL take at most 64 characters of the Basic Multilingual Plane and no trailing space. Caught
// here, a bad name is a usage error before anything is verified or created.
std::string DatabaseNameProblem(const std::string& name) {
  size_t characters = 0;
  for (size_t i = 0; i < name.size(); ++characters) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7f) return "it contains a control character";
    size_t length = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 0;
    if (length == 0 || i + length > name.size()) return "it is not valid UTF-8 text of the BMP";
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(name[i + k]) & 0xC0) != 0x80) {
        return "it is not valid UTF-8 text of the BMP";
      }
    }
    i += length;
  }
  if (characters > 64) return "it is longer than 64 characters";
  if (name.back() == ' ') return "it ends with a space";
  return "";
}

Result<const OptionSpec*> FindShort(char c) {
  for (const auto& spec : kOptions) {
    if (spec.short_name == c) return &spec;
  }
  return UsageError(std::string("unknown option '-") + c + "'");
}

}  // namespace

Result<Options> ParseOptions(const std::vector<std::string>& args) {
  Options o;
  o.config_path = kDefaultConfigPath;
  std::vector<std::string> actions;  // the action flags seen, to reject two at once
  bool have_databases = false, have_accounts = false;
  bool verify = false, restore_test = false, have_target = false, have_force = false,
       have_dry_run = false, have_json = false, have_remote = false;
  bool have_until = false, have_until_gtid = false, have_timezone = false, have_from_to = false;
  std::string restore_file;
  // The action that takes FILE arguments (--verify, --upload, --restore-test), so that files may
  // also follow other options: `--verify --target NAME FILE` as well as `--verify FILE`.
  bool files_action_seen = false;

  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const OptionSpec* spec = nullptr;
    std::string value;
    bool has_inline_value = false;
    if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
      size_t eq = arg.find('=');
      auto found = FindLong(arg.substr(0, eq));
      if (!found.ok()) return found.status();
      spec = *found;
      if (eq != std::string::npos) {
        value = arg.substr(eq + 1);
        has_inline_value = true;
      }
    } else if (arg.size() >= 2 && arg[0] == '-' && arg[1] != '-') {
      auto found = FindShort(arg[1]);
      if (!found.ok()) return found.status();
      spec = *found;
      if (arg.size() > 2) {
        // argparse reads "-c=F" as "-c F", not as the file "=F".
        value = arg.substr(arg[2] == '=' ? 3 : 2);
        has_inline_value = true;
      }
    } else if (files_action_seen) {
      o.files.push_back(arg);
      continue;
    } else {
      return UsageError("unexpected argument '" + arg + "'");
    }
    std::string name = spec->long_name;
    std::vector<std::string> values;
    if (spec->arg == Arg::kNone) {
      if (has_inline_value) return UsageError("option '" + name + "' takes no value");
    } else if (has_inline_value) {
      values.push_back(value);
    } else if (spec->arg == Arg::kRequired) {
      if (i + 1 >= args.size()) return UsageError("option '" + name + "' needs a value");
      values.push_back(args[++i]);
    }
    if (spec->arg == Arg::kOptional || spec->arg == Arg::kMany) {
      // Following words that are not options belong to this one.
      while (i + 1 < args.size() && (args[i + 1].empty() || args[i + 1][0] != '-')) {
        if (spec->arg == Arg::kOptional && !values.empty()) break;
        values.push_back(args[++i]);
      }
    }

    if (name == "--config") {
      o.config_path = values[0];
    } else if (name == "--backup-type") {
      const std::string& t = values[0];
      // The units' instance name is passed as a type; cleanup and restore-test are actions.
      if (t == "cleanup") {
        actions.push_back("--cleanup");
      } else if (t == "restore-test") {
        actions.push_back("--restore-test");
        restore_test = true;
      } else if (t == "binlogs") {
        actions.push_back("--archive-binlogs");
      } else if (t == "daily" || t == "weekly" || t == "monthly" || t == "all") {
        actions.push_back(name);
        o.backup_type = t;
      } else {
        return UsageError("--backup-type must be daily, weekly, monthly or all, not '" + t + "'");
      }
    } else if (name == "--cleanup") {
      actions.push_back(name);
    } else if (name == "--dry-run") {
      o.dry_run = have_dry_run = true;
    } else if (name == "--list") {
      actions.push_back(name);
    } else if (name == "--json") {
      o.json = have_json = true;
    } else if (name == "--verify") {
      actions.push_back(name);
      files_action_seen = true;
      verify = true;
      o.files.insert(o.files.end(), values.begin(), values.end());
    } else if (name == "--restore") {
      actions.push_back(name);
      restore_file = values[0];
    } else if (name == "--target-database") {
      o.target_database = values[0];
      have_target = true;
    } else if (name == "--databases") {
      auto names = SplitNameList(values[0]);
      if (!names.ok()) return UsageError("--databases: " + names.status().message());
      o.restore_databases = std::move(*names);
      have_databases = true;
    } else if (name == "--accounts") {
      o.restore_accounts = have_accounts = true;
    } else if (name == "--force") {
      o.force = have_force = true;
    } else if (name == "--until") {
      o.until = values[0];
      have_until = true;
    } else if (name == "--until-gtid") {
      o.until_gtid = values[0];
      have_until_gtid = true;
    } else if (name == "--timezone") {
      o.timezone = values[0];
      have_timezone = true;
    } else if (name == "--restore-test") {
      actions.push_back(name);
      files_action_seen = true;
      restore_test = true;
      o.files.insert(o.files.end(), values.begin(), values.end());
    } else if (name == "--test-notification") {
      actions.push_back(name);
    } else if (name == "--notify-failure") {
      actions.push_back(name);
      o.unit = values[0];
    } else if (name == "--daemon") {
      actions.push_back(name);
    } else if (name == "--check") {
      actions.push_back(name);
    } else if (name == "--archive-binlogs") {
      actions.push_back(name);
    } else if (name == "--binlog-events") {
      actions.push_back(name);
    } else if (name == "--from") {
      o.from = values[0];
      have_from_to = true;
    } else if (name == "--to") {
      o.to = values[0];
      have_from_to = true;
    } else if (name == "--upload") {
      actions.push_back(name);
      files_action_seen = true;
      o.files.insert(o.files.end(), values.begin(), values.end());
    } else if (name == "--target") {
      o.target = values[0];
      have_remote = true;
    } else if (name == "--generate-key") {
      actions.push_back(name);
      if (!values.empty()) o.key_file = values[0];
    } else if (name == "--version") {
      actions.push_back(name);
    } else if (name == "--help") {
      actions.push_back(name);
    }
  }

  // --help and --version win over everything, as with argparse.
  for (const auto& a : actions) {
    if (a == "--help") {
      o.action = Action::kHelp;
      return o;
    }
  }
  for (const auto& a : actions) {
    if (a == "--version") {
      o.action = Action::kVersion;
      return o;
    }
  }
  // "--backup-type X --cleanup" is the one allowed pair: the backup, then the cleanup.
  if (actions.size() == 2 && ((actions[0] == "--backup-type" && actions[1] == "--cleanup") ||
                              (actions[0] == "--cleanup" && actions[1] == "--backup-type"))) {
    o.cleanup_after_backup = true;
    actions = {"--backup-type"};
  }
  if (actions.empty()) {
    return UsageError(
        "no action given: use --backup-type, --cleanup, --list, --verify, --restore, "
        "--restore-test, --check, --upload, --archive-binlogs, --binlog-events, --test-notification, --notify-failure or --daemon");
  }
  if (actions.size() > 1) {
    return UsageError("one action per run: '" + actions[0] + "' and '" + actions[1] +
                      "' were both given");
  }
  const std::string& a = actions[0];
  if (a == "--backup-type") o.action = Action::kBackup;
  if (a == "--cleanup") o.action = Action::kCleanup;
  if (a == "--list") o.action = Action::kList;
  if (a == "--verify") o.action = Action::kVerify;
  if (a == "--restore") o.action = Action::kRestore;
  if (a == "--restore-test") o.action = Action::kRestoreTest;
  if (a == "--test-notification") o.action = Action::kTestNotification;
  if (a == "--notify-failure") o.action = Action::kNotifyFailure;
  if (a == "--daemon") o.action = Action::kDaemon;
  if (a == "--check") o.action = Action::kCheck;
  if (a == "--upload") o.action = Action::kUpload;
  if (a == "--generate-key") o.action = Action::kGenerateKey;
  if (a == "--archive-binlogs") o.action = Action::kArchiveBinlogs;
  if (a == "--binlog-events") o.action = Action::kBinlogEvents;
  if (o.action == Action::kBinlogEvents) {
    if (o.from.empty()) return UsageError("--binlog-events needs --from \"YYYY-MM-DD HH:MM:SS\"");
    if (have_until || have_until_gtid) {
      return UsageError("--until and --until-gtid go with --restore latest");
    }
    return o;
  }
  if (have_from_to) return UsageError("--from and --to go with --binlog-events");

  if (have_dry_run && o.action != Action::kCleanup && !o.cleanup_after_backup) {
    return UsageError("--dry-run goes with --cleanup");
  }
  if (have_json && o.action != Action::kList) return UsageError("--json goes with --list");
  if ((have_target || have_force) && o.action != Action::kRestore) {
    return UsageError("--target-database and --force go with --restore");
  }
  if ((have_databases || have_accounts) && o.action != Action::kRestore) {
    return UsageError("--databases and --accounts go with --restore latest|STAMP");
  }
  bool whole_run = restore_file == "latest" || ParseUtcStamp(restore_file).has_value();
  if (have_until || have_until_gtid || have_timezone) {
    if (o.action != Action::kRestore || restore_file != "latest" || have_target || have_remote) {
      return UsageError("--until, --until-gtid and --timezone go with --restore latest (the "
                        "dump is picked by the target moment)");
    }
    if (have_until == have_until_gtid) return UsageError("give one of --until and --until-gtid");
    // An empty value would otherwise read as no target: a plain restore of the newest run.
    if (have_until && o.until.empty()) return UsageError("--until needs a time or end");
    if (have_until_gtid && o.until_gtid.empty()) return UsageError("--until-gtid needs a GTID");
    if (have_timezone && !have_until) return UsageError("--timezone goes with --until");
    if (have_timezone && o.until == "end") {
      return UsageError("--timezone makes no sense with --until end");
    }
    if (have_databases) {
      return UsageError("--databases cannot go with --until: the binlogs are replayed for the "
                        "whole server (filtering by database loses statements); see "
                        "\"Recover from a bad statement\" in mysql-backup(8) for a single "
                        "database");
    }
  }
  if (o.action == Action::kRestore && whole_run && !have_target && !have_remote) {
    o.restore_run = restore_file;
    return o;
  }
  if (o.action == Action::kRestore && (have_databases || have_accounts)) {
    return UsageError("--databases and --accounts go with --restore latest|STAMP, not with a "
                      "file and --target-database");
  }
  if (o.action == Action::kRestore) {
    if (!have_target || o.target_database.empty()) {
      return UsageError("--restore FILE needs --target-database NAME (or restore a whole run: "
                        "--restore latest)");
    }
    if (std::string why = DatabaseNameProblem(o.target_database); !why.empty()) {
      return UsageError("--target-database '" + ExcerptForMessage(o.target_database) +
                        "' cannot name a database: " + why);
    }
    o.files = {restore_file};
  }
  if (have_remote && o.action != Action::kUpload && o.action != Action::kList &&
      o.action != Action::kVerify && o.action != Action::kRestore &&
      o.action != Action::kRestoreTest) {
    return UsageError("--target goes with --upload, --list, --verify, --restore or --restore-test");
  }
  if (have_remote && o.action == Action::kRestoreTest && o.files.empty()) {
    return UsageError("--restore-test --target NAME needs a FILE on the target, or latest");
  }
  if (have_remote && o.target.empty()) return UsageError("--target needs a NAME");
  if (restore_test && o.files.size() > 1) return UsageError("--restore-test takes one FILE");
  (void)verify;
  return o;
}

std::string UsageText() {
  std::string out =
      "Usage: mysql-backup [-c FILE] ACTION [OPTIONS]\n"
      "\n"
      "Takes verified logical backups of a MySQL or MariaDB database. One action per run.\n"
      "\n"
      "Options:\n";
  for (const auto& spec : kOptions) {
    std::string left = "  ";
    if (spec.short_name) left += std::string("-") + spec.short_name + ", ";
    left += spec.long_name;
    if (spec.value_name) {
      left += spec.arg == Arg::kOptional ? " [" + std::string(spec.value_name) + "]"
                                         : " " + std::string(spec.value_name);
    }
    if (left.size() < 30) left.resize(30, ' ');
    else left += "\n" + std::string(30, ' ');
    out += left + spec.help + "\n";
  }
  out +=
      "\n"
      "Examples:\n"
      "  mysql-backup --backup-type daily             one daily backup\n"
      "  mysql-backup --backup-type all --cleanup     daily, weekly, monthly, then prune\n"
      "  mysql-backup --list --json                   what is on disk, for scripts\n"
      "  mysql-backup --verify                        re-check every backup\n"
      "  mysql-backup --restore FILE --target-database shop_copy\n"
      "  mysql-backup --restore latest --accounts     rebuild a server from its newest run\n"
      "  mysql-backup --restore latest --until \"2026-12-01 14:31:00\"\n"
      "                                               the same, as it was at that moment\n"
      "  mysql-backup --restore-test                  prove the newest backup restores\n"
      "  mysql-backup --check                         are the newest backups fresh?\n"
      "\n"
      "Exit status: 0 done, 64 usage, 65 integrity, 69 database unreachable or login refused,\n"
      "70 dump failed, 74 storage, 75 notification failed or lock held too long,\n"
      "76 a copy to an offsite target failed (the local backup is kept), 78 configuration.\n"
      "--check alone: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.\n"
      "See mysql-backup(8).\n";
  return out;
}

}  // namespace mysql_backup
