#include "codec/gzip_engine.h"

namespace mysql_backup {

GzipEngine ResolveGzipEngine(GzipEngine engine) {
  return engine == GzipEngine::kAuto ? GzipEngine::kLibdeflate : engine;
}

const char* GzipEngineName(GzipEngine engine) {
  switch (engine) {
    case GzipEngine::kZlib:
      return "zlib";
    case GzipEngine::kLibdeflate:
      return "libdeflate";
    case GzipEngine::kAuto:
      break;
  }
  return "auto";
}

}  // namespace mysql_backup
