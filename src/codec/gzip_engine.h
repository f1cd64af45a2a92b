// The deflate implementations behind gzip output, and which one `auto` means.
//
// zlib: the reference. pigz's scheme (parallel_gzip_compressor.cc) makes one gzip member whose
// blocks carry the 32 KiB before them as dictionary, so the size is zlib's own.
// libdeflate: the same format, 2.2x less CPU than zlib at level 6 on dump-like text (its own
// check included) and 3.8% smaller output than `gzip -6`, but whole-buffer only (no streaming,
// no preset dictionary), so each block becomes a gzip member of its own. Every gzip reader reads a
// multi-member file as the concatenation of its members (RFC 1952 2.2; gzip, zcat, Python's
// gzip module, our decompressor). The worker that compresses a block also inflates it and
// compares it with the input before the block is handed on (ChecksItsOutput()).
// ISA-L was measured and left out: 13x less CPU than zlib -6, but its best level (3) came out
// 8% larger than `gzip -6`, against the rule that level 6 is no larger than gzip -6; at level 1
// it needs 0.6x libdeflate's CPU for 3% larger files, too little to carry a second library.
#ifndef MYSQL_BACKUP_CODEC_GZIP_ENGINE_H_
#define MYSQL_BACKUP_CODEC_GZIP_ENGINE_H_

#include "config/config.h"

namespace mysql_backup {

// kAuto becomes the fastest engine built in; the others stay as they are.
GzipEngine ResolveGzipEngine(GzipEngine engine);
// "auto", "zlib", "libdeflate": the config spelling.
const char* GzipEngineName(GzipEngine engine);

}  // namespace mysql_backup

#endif  // MYSQL_BACKUP_CODEC_GZIP_ENGINE_H_
