// The pure half of a point-in-time restore: where the replay of a transaction stream stops
// (ReplayCutter), which dump and archived files a target needs or why it cannot be reached
// (PlanReplay), and wall-clock times read in a named zone.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "binlog/replay_cut.h"
#include "binlog/replay_plan.h"
#include "util/local_time.h"

namespace mysql_backup {
namespace {

using Bytes = std::vector<uint8_t>;

void Put(Bytes* b, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) b->push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// Feeds synthetic events to a cutter, laying them out back to back in one file.
class Stream {
 public:
  explicit Stream(ReplayCutter* c) : c_(c) {}
  void File(const std::string& name, uint64_t start = 0) {
    c_->BeginFile(name, start);
    offset_ = 4;
  }
  Status Ev(uint8_t type, uint32_t time, Bytes body = {}, uint32_t server = 1) {
    body_ = std::move(body);
    BinlogEventView v;
    v.offset = offset_;
    v.end = offset_ + 19 + body_.size() + 4;
    v.type = type;
    v.time = time;
    v.server_id = server;
    v.body = body_;
    offset_ = v.end;
    return c_->Event(v);
  }
  Status Gtid(uint32_t time, uint32_t domain, uint64_t seq, bool standalone = false) {
    Bytes b;
    Put(&b, seq, 8);
    Put(&b, domain, 4);
    b.push_back(standalone ? 1 : 0);
    return Ev(kGtidEvent, time, b);
  }
  Status TableMap(uint32_t time, const std::string& db) {
    Bytes b(8, 0);
    b.push_back(static_cast<uint8_t>(db.size()));
    b.insert(b.end(), db.begin(), db.end());
    b.push_back(0);
    return Ev(19, time, b);
  }
  Status Query(uint32_t time, const std::string& text) {
    Bytes b(13, 0);  // thread id, exec time, db length 0, error code, no status variables
    b.push_back(0);  // the empty db name's NUL
    b.insert(b.end(), text.begin(), text.end());
    return Ev(2, time, b);
  }
  // A row transaction: GTID, table map, rows, XID; returns its end offset.
  uint64_t Trx(uint32_t time, uint64_t seq, const std::string& db = "shop") {
    EXPECT_TRUE(Gtid(time, 0, seq).ok());
    EXPECT_TRUE(TableMap(time, db).ok());
    EXPECT_TRUE(Ev(30, time, Bytes(10, 7)).ok());  // WRITE_ROWS
    EXPECT_TRUE(Ev(16, time, Bytes(8, 0)).ok());   // XID
    return offset_;
  }
  uint64_t offset() const { return offset_; }

 private:
  ReplayCutter* c_;
  uint64_t offset_ = 4;
  Bytes body_;
};

ReplayTarget AtTime(std::time_t t) {
  ReplayTarget r;
  r.kind = ReplayTarget::Kind::kTime;
  r.time = t;
  return r;
}

TEST(ReplayCutterTest, TimeTargetStopsBeforeTheFirstTransactionAtOrAfterIt) {
  ReplayCutter c(AtTime(1000));
  Stream s(&c);
  s.File("b.000001");
  ASSERT_TRUE(s.Ev(kFormatDescriptionEvent, 990).ok());
  s.Trx(995, 1);
  uint64_t end2 = s.Trx(999, 2);
  s.Trx(1000, 3);
  s.Trx(1001, 4);
  c.Finish();
  ASSERT_TRUE(c.reached());
  EXPECT_EQ(c.stop_file(), "b.000001");
  EXPECT_EQ(c.stop_position(), end2);
  ASSERT_TRUE(c.last_applied().has_value());
  EXPECT_EQ(c.last_applied()->gtid.ToString(), "0-1-2");
  EXPECT_EQ(c.last_applied()->time, 999u);
  EXPECT_EQ(c.applied(), 2u);
  EXPECT_EQ(c.databases(), std::set<std::string>{"shop"});
}

TEST(ReplayCutterTest, SkipsWhatTheDumpAlreadyHolds) {
  ReplayCutter c(ReplayTarget{});  // kEnd
  Stream s(&c);
  // The dump's position is after the first transaction: 4 magic bytes, then GTID (36 bytes),
  // table map of `old` (36), rows (33), XID (31).
  s.File("b.000001", 4 + 36 + 36 + 33 + 31);
  s.Trx(10, 1, "old");
  s.Trx(11, 2);
  c.Finish();
  EXPECT_EQ(c.applied(), 1u);
  EXPECT_EQ(c.last_applied()->gtid.seq, 2u);
  EXPECT_EQ(c.databases(), std::set<std::string>{"shop"});
  EXPECT_TRUE(c.stop_file().empty());  // to the end of the file
}

TEST(ReplayCutterTest, TimeTargetMayFallInALaterFile) {
  ReplayCutter c(AtTime(50));
  Stream s(&c);
  s.File("b.000001");
  s.Trx(10, 1);
  ASSERT_TRUE(s.Ev(kRotateEvent, 0, Bytes(12, 'x')).ok());
  s.File("b.000002");
  ASSERT_TRUE(s.Ev(kFormatDescriptionEvent, 60).ok());  // not a transaction: no cut here
  uint64_t first = s.offset();
  s.Trx(60, 2);
  c.Finish();
  EXPECT_EQ(c.stop_file(), "b.000002");
  EXPECT_EQ(c.stop_position(), first);
  EXPECT_EQ(c.last_applied()->file, "b.000001");
}

TEST(ReplayCutterTest, GtidTargetStopsRightAfterThatTransaction) {
  ReplayTarget t;
  t.kind = ReplayTarget::Kind::kGtid;
  ASSERT_TRUE(ParseGtid("0-1-2", &t.gtid));
  ReplayCutter c(t);
  Stream s(&c);
  s.File("b.000001");
  s.Trx(10, 1);
  uint64_t end2 = s.Trx(11, 2);
  s.Trx(12, 3);
  c.Finish();
  ASSERT_TRUE(c.reached());
  EXPECT_EQ(c.stop_position(), end2);
  EXPECT_EQ(c.last_applied()->gtid.seq, 2u);
}

TEST(ReplayCutterTest, AGtidThatIsNotInTheBinlogIsAUsageError) {
  ReplayTarget t;
  t.kind = ReplayTarget::Kind::kGtid;
  t.gtid = {0, 7, 2};  // written by server 7, but server 1 wrote seq 2
  ReplayCutter c(t);
  Stream s(&c);
  s.File("b.000001");
  s.Trx(10, 1);
  s.Trx(11, 2);
  Status st = s.Gtid(12, 0, 3);
  EXPECT_EQ(st.kind(), ErrorKind::kUsage);
  EXPECT_NE(st.message().find("0-7-2"), std::string::npos) << st.message();
}

TEST(ReplayCutterTest, DdlIsOneStatementAndACutOffTransactionIsNotApplied) {
  ReplayCutter c(ReplayTarget{});
  Stream s(&c);
  s.File("b.000001");
  ASSERT_TRUE(s.Gtid(10, 0, 1, /*standalone=*/true).ok());
  ASSERT_TRUE(s.Query(10, "CREATE TABLE t (i INT)").ok());
  uint64_t cut = s.offset();
  ASSERT_TRUE(s.Gtid(11, 0, 2).ok());
  ASSERT_TRUE(s.Query(11, "BEGIN").ok());
  ASSERT_TRUE(s.TableMap(11, "shop").ok());
  c.Finish();
  EXPECT_EQ(c.applied(), 1u);
  EXPECT_EQ(c.stop_position(), cut);
  EXPECT_TRUE(c.databases().empty());
}

TEST(ReplayCutterTest, AWriteBeforeADatabasesOwnDumpPositionIsAConflict) {
  // `shop` dumped at the start (byte 4 of b.000001), `crm` later, at byte 1000 of b.000002.
  ReplayCutter quiet(ReplayTarget{});
  quiet.set_later_dumps({{"crm", {"b.000002", 1000}}});
  Stream q(&quiet);
  q.File("b.000001");
  q.Trx(10, 1, "shop");  // only shop: fine, its dump is older
  q.File("b.000002");
  q.Trx(11, 2, "shop");
  quiet.Finish();
  EXPECT_EQ(quiet.conflict(), "");

  ReplayCutter busy(ReplayTarget{});
  busy.set_later_dumps({{"crm", {"b.000002", 1000}}});
  Stream b(&busy);
  b.File("b.000001");
  b.Trx(10, 1, "shop");
  b.Trx(11, 2, "crm");  // in crm's dump already
  busy.Finish();
  EXPECT_NE(busy.conflict().find("0-1-2"), std::string::npos) << busy.conflict();
  EXPECT_NE(busy.conflict().find("'crm'"), std::string::npos) << busy.conflict();

  ReplayCutter ddl(ReplayTarget{});
  ddl.set_later_dumps({{"crm", {"b.000002", 1000}}});
  Stream d(&ddl);
  d.File("b.000002");
  ASSERT_TRUE(d.Gtid(10, 0, 3, /*standalone=*/true).ok());
  ASSERT_TRUE(d.Query(10, "ALTER TABLE t ADD c INT").ok());
  ddl.Finish();
  EXPECT_NE(ddl.conflict().find("statement"), std::string::npos) << ddl.conflict();
}

TEST(ReplayCutterTest, ParsesGtids) {
  Gtid g;
  EXPECT_TRUE(ParseGtid("0-1-1234", &g));
  EXPECT_EQ(g, (Gtid{0, 1, 1234}));
  for (const char* bad : {"", "0-1", "a-1-2", "0-1-2x", "-0-1-2", "0-1-2,0-2-3"}) {
    EXPECT_FALSE(ParseGtid(bad, &g)) << bad;
  }
}

// --- PlanReplay ---

ArchivedBinlog File(uint64_t n, std::time_t first, std::time_t last, uint64_t seq_start,
                    uint64_t seq_end, bool partial = false) {
  ArchivedBinlog f;
  char name[32];
  std::snprintf(name, sizeof name, "mysql-bin.%06llu", static_cast<unsigned long long>(n));
  f.name = name;
  f.number = n;
  f.partial = partial;
  f.first_time = first;
  f.last_time = last;
  f.state_start = {{0, 1, seq_start}};
  f.state_end = {{0, 1, seq_end}};
  f.last_gtid = "0-1-" + std::to_string(seq_end);
  if (!partial) {
    std::snprintf(name, sizeof name, "mysql-bin.%06llu", static_cast<unsigned long long>(n + 1));
    f.next_file = name;
  }
  return f;
}

DumpPoint Dump(const std::string& label, std::time_t finished, const std::string& file,
               uint64_t pos, const std::string& gtid) {
  DumpPoint d;
  d.label = label;
  d.finished = finished;
  d.position = BinlogPosition{file, pos, gtid};
  return d;
}

std::string Describe(std::time_t t) { return FormatUtcTime(t); }

class PlanReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BinlogIndex a;
    a.server = "1";
    a.path = "/b/binlog/1";
    a.files = {File(1, 100, 199, 0, 10), File(2, 200, 299, 10, 20), File(3, 300, 399, 20, 30)};
    a.partial = File(4, 400, 450, 30, 35, true);
    archives_ = {a};
    dumps_ = {Dump("daily run B", 320, "mysql-bin.000003", 500, "0-1-25"),
              Dump("daily run A", 150, "mysql-bin.000001", 900, "0-1-5")};
  }
  std::vector<BinlogIndex> archives_;
  std::vector<DumpPoint> dumps_;
};

std::vector<std::string> Names(const ReplayPlan& p) {
  std::vector<std::string> out;
  for (const auto& f : p.files) out.push_back(f.name);
  return out;
}

TEST_F(PlanReplayTest, PicksTheNewestDumpBeforeTheTimeAndTheFilesUpToIt) {
  auto p = PlanReplay(dumps_, archives_, AtTime(250), Describe);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->dump, 1u);  // run B finished after 250
  EXPECT_EQ(p->start.position, 900u);
  EXPECT_EQ(Names(*p), (std::vector<std::string>{"mysql-bin.000001", "mysql-bin.000002"}));
}

TEST_F(PlanReplayTest, ThePartialCopyIsTheLastLink) {
  auto p = PlanReplay(dumps_, archives_, AtTime(420), Describe);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->dump, 0u);
  EXPECT_EQ(Names(*p), (std::vector<std::string>{"mysql-bin.000003", "mysql-bin.000004"}));
  EXPECT_TRUE(p->files.back().partial);
  auto end = PlanReplay(dumps_, archives_, ReplayTarget{}, Describe);
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(Names(*end).back(), "mysql-bin.000004");
}

TEST_F(PlanReplayTest, ATargetPastTheArchiveIsRefusedWithTheReachableMoment) {
  auto p = PlanReplay(dumps_, archives_, AtTime(451), Describe);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().kind(), ErrorKind::kGap);
  EXPECT_NE(p.status().message().find("1970-01-01T00:07:30Z"), std::string::npos)
      << p.status().message();
  EXPECT_NE(p.status().message().find("0-1-35"), std::string::npos);
}

TEST_F(PlanReplayTest, AStalePartialCopyDoesNotCount) {
  archives_[0].partial = File(3, 300, 350, 20, 25, true);  // older than the complete 000003
  auto p = PlanReplay(dumps_, archives_, AtTime(420), Describe);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("ends with 'mysql-bin.000003'"), std::string::npos)
      << p.status().message();
}

TEST_F(PlanReplayTest, AGapOnTheWayIsRefusedAndNamed) {
  archives_[0].files.erase(archives_[0].files.begin() + 1);  // 000002 purged before archiving
  archives_[0].gaps = {{"mysql-bin.000002", "mysql-bin.000002", "mysql-bin.000003",
                        "purged by the server before they were archived"}};
  auto p = PlanReplay(dumps_, archives_, AtTime(250), Describe);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().kind(), ErrorKind::kGap);
  EXPECT_NE(p.status().message().find("'mysql-bin.000002' to 'mysql-bin.000002'"),
            std::string::npos)
      << p.status().message();
  EXPECT_NE(p.status().message().find("latest moment reachable is 1970-01-01T00:03:19Z"),
            std::string::npos)
      << p.status().message();
  // --until end must not quietly stop at the gap either.
  dumps_.erase(dumps_.begin());
  EXPECT_EQ(PlanReplay(dumps_, archives_, ReplayTarget{}, Describe).status().kind(),
            ErrorKind::kGap);
  // A dump after the gap re-anchors.
  dumps_.insert(dumps_.begin(), Dump("daily run B", 320, "mysql-bin.000003", 500, "0-1-25"));
  EXPECT_TRUE(PlanReplay(dumps_, archives_, AtTime(420), Describe).ok());
}

TEST_F(PlanReplayTest, AFileThatDoesNotCarryOnIsAGap) {
  archives_[0].files[1].state_start = {{0, 1, 9}};
  auto p = PlanReplay(dumps_, archives_, AtTime(250), Describe);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("does not carry on"), std::string::npos);
}

TEST_F(PlanReplayTest, GtidTargetsPickTheDumpBelowThem) {
  ReplayTarget t;
  t.kind = ReplayTarget::Kind::kGtid;
  t.gtid = {0, 1, 25};  // run B is at 0-1-25: it holds it already
  auto p = PlanReplay(dumps_, archives_, t, Describe);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->dump, 1u);
  EXPECT_EQ(Names(*p).back(), "mysql-bin.000003");
  t.gtid = {0, 1, 36};
  EXPECT_EQ(PlanReplay(dumps_, archives_, t, Describe).status().kind(), ErrorKind::kGap);
}

TEST_F(PlanReplayTest, NoDumpBeforeTheTargetOrNoArchive) {
  auto p = PlanReplay(dumps_, archives_, AtTime(120), Describe);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("daily run A"), std::string::npos) << p.status().message();
  EXPECT_EQ(PlanReplay(dumps_, {}, AtTime(250), Describe).status().kind(), ErrorKind::kGap);
  dumps_[1].position.reset();
  dumps_[1].why_not = "its databases were dumped at different binlog positions";
  p = PlanReplay(dumps_, archives_, AtTime(250), Describe);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("different binlog positions"), std::string::npos);
}

TEST_F(PlanReplayTest, TheDumpsFileMustBeArchived) {
  dumps_[1].position->file = "mysql-bin.000000";
  auto p = PlanReplay(dumps_, archives_, AtTime(250), Describe);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("no copy of 'mysql-bin.000000'"), std::string::npos);
  // A dump whose file was purged before it was archived is in the recorded gap.
  archives_[0].files.erase(archives_[0].files.begin());
  archives_[0].gaps = {{"mysql-bin.000000", "mysql-bin.000001", "mysql-bin.000002", "purged"}};
  dumps_[1].position->file = "mysql-bin.000001";
  p = PlanReplay(dumps_, archives_, AtTime(250), Describe);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().kind(), ErrorKind::kGap);
  EXPECT_NE(p.status().message().find("lies in a gap"), std::string::npos) << p.status().message();
  EXPECT_NE(p.status().message().find("reachable from it is the dump's own"), std::string::npos);
}

// --- local time ---

TEST(LocalTimeTest, TheSameWallClockInTwoZonesIsTwoMoments) {
  auto berlin = ResolveTimeZone("Europe/Berlin");
  ASSERT_TRUE(berlin.ok()) << berlin.status().ToString();
  auto a = ParseLocalTime("2026-12-01 14:31:00", *berlin);
  auto b = ParseLocalTime("2026-12-01 14:31:00", "UTC");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*b - *a, 3600);
  EXPECT_EQ(FormatUtcTime(*a), "2026-12-01T13:31:00Z");
  EXPECT_EQ(FormatLocalTime(*a, *berlin), "2026-12-01 14:31:00 CET");
  auto summer = ParseLocalTime("2026-07-01 14:31:00", *berlin);
  ASSERT_TRUE(summer.ok());
  EXPECT_EQ(FormatUtcTime(*summer), "2026-07-01T12:31:00Z");
}

TEST(LocalTimeTest, RefusesUnclearTimesAndUnknownZones) {
  EXPECT_EQ(ResolveTimeZone("Mars/Olympus").status().kind(), ErrorKind::kUsage);
  EXPECT_EQ(ResolveTimeZone("../etc/passwd").status().kind(), ErrorKind::kUsage);
  // 2026-03-29 02:30 does not exist in Berlin; 2026-10-25 02:30 happens twice.
  EXPECT_EQ(ParseLocalTime("2026-03-29 02:30:00", "Europe/Berlin").status().kind(),
            ErrorKind::kUsage);
  auto twice = ParseLocalTime("2026-10-25 02:30:00", "Europe/Berlin");
  EXPECT_EQ(twice.status().kind(), ErrorKind::kUsage);
  EXPECT_NE(twice.status().message().find("twice"), std::string::npos);
  for (const char* bad : {"2026-12-01", "2026-12-01T14:31:00", "2026-13-01 00:00:00",
                          "2026-12-01 14:31:00x", "yesterday"}) {
    EXPECT_EQ(ParseLocalTime(bad, "UTC").status().kind(), ErrorKind::kUsage) << bad;
  }
}

}  // namespace
}  // namespace mysql_backup
