// The terminal progress line of uploads (and restores): the text it shows, that it draws only
// on a terminal (a real pty here), rewrites one line with '\r' and blanks what a longer text
// left, and ends it with one newline.
#include "cli/progress_line.h"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <string>

#include "util/unique_fd.h"

namespace mysql_backup {
namespace {

TEST(ProgressLineTest, FormatsBytesPercentAndRate) {
  static const struct {
    uint64_t done, total;
    double seconds;
    const char* want;
  } kCases[] = {
      {0, 0, 0, "Uploading x to box: 0 B of 0 B"},
      {512, 2048, 0, "Uploading x to box: 512 B of 2.0 KiB (25%)"},
      {3 << 20, 12 << 20, 2, "Uploading x to box: 3.0 MiB of 12.0 MiB (25%), 1.5 MiB/s"},
      {12 << 20, 12 << 20, 4, "Uploading x to box: 12.0 MiB of 12.0 MiB (100%), 3.0 MiB/s"},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(FormatTransferProgress("Uploading x to box", c.done, c.total, c.seconds), c.want);
  }
}

TEST(ProgressLineTest, DrawsNothingWhenTheStreamIsNotATerminal) {
  int fds[2];
  ASSERT_EQ(pipe2(fds, O_CLOEXEC | O_NONBLOCK), 0);
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  {
    ProgressLine line(write_end.get(), std::chrono::seconds(0));
    EXPECT_FALSE(line.active());
    line.Show("Uploading: 1 B of 2 B", true);
    line.Finish();
  }
  char buf[16];
  EXPECT_EQ(read(read_end.get(), buf, sizeof buf), -1);
  EXPECT_EQ(errno, EAGAIN);
}

// Everything the terminal received so far.
std::string Drain(int master) {
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = read(master, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  return out;
}

TEST(ProgressLineTest, RewritesOneLineOnATerminalAndEndsItWithANewline) {
  int master_fd, slave_fd;
  struct termios raw;
  cfmakeraw(&raw);  // bytes as written: no "\n" -> "\r\n"
  ASSERT_EQ(openpty(&master_fd, &slave_fd, nullptr, &raw, nullptr), 0);
  UniqueFd master(master_fd), slave(slave_fd);
  ASSERT_EQ(fcntl(master.get(), F_SETFL, O_NONBLOCK), 0);

  ProgressLine line(slave.get(), std::chrono::hours(1));
  ASSERT_TRUE(line.active());
  line.Show("Uploading: 10 B of 2.0 KiB");
  line.Show("Uploading: 11 B of 2.0 KiB");  // within the interval: not drawn
  line.Show("Up: 2.0 KiB", /*force=*/true);
  line.Finish();
  line.Finish();  // a second end adds nothing
  EXPECT_EQ(Drain(master.get()),
            "\rUploading: 10 B of 2.0 KiB\rUp: 2.0 KiB" + std::string(15, ' ') + "\n");
}

TEST(ProgressLineTest, FinishesAtDestructionAndNotWhenNothingWasDrawn) {
  int master_fd, slave_fd;
  struct termios raw;
  cfmakeraw(&raw);
  ASSERT_EQ(openpty(&master_fd, &slave_fd, nullptr, &raw, nullptr), 0);
  UniqueFd master(master_fd), slave(slave_fd);
  ASSERT_EQ(fcntl(master.get(), F_SETFL, O_NONBLOCK), 0);
  { ProgressLine unused(slave.get()); }
  { ProgressLine line(slave.get()); line.Show("Uploading: 1 B of 1 B"); }
  EXPECT_EQ(Drain(master.get()), "\rUploading: 1 B of 1 B\n");
}

}  // namespace
}  // namespace mysql_backup
