// A ByteSink that keeps everything written to it, for tests of stream stages.
#ifndef MYSQL_BACKUP_TESTS_SUPPORT_STRING_SINK_H_
#define MYSQL_BACKUP_TESTS_SUPPORT_STRING_SINK_H_

#include <cstdint>
#include <span>
#include <string>

#include "codec/compressor.h"

namespace mysql_backup::testing {

class StringSink : public ByteSink {
 public:
  Status Write(std::span<const uint8_t> data) override {
    text.append(reinterpret_cast<const char*>(data.data()), data.size());
    return Status::Ok();
  }
  std::string text;
};

}  // namespace mysql_backup::testing

#endif  // MYSQL_BACKUP_TESTS_SUPPORT_STRING_SINK_H_
