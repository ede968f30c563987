// PyTorch-profiler (Kineto) Chrome traces (docs/formats.md "Kineto"): the
// importer of the kineto row. The document is read as a stream
// (kineto_scanner.h): a .gz is inflated in chunks and never held whole, and
// each event is parsed on its own (kineto_event.h), so memory holds the
// input bytes, one chunk and the kept records, never a DOM of the trace.
// Times stay relative until the end, when baseTimeNanoseconds (which may
// come after traceEvents) is added.
#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>
#include <zlib.h>

#include "smr/kineto.h"
#include "src/ingest/importer.h"
#include "src/ingest/kineto_event.h"
#include "src/ingest/kineto_records.h"
#include "src/ingest/kineto_scanner.h"

namespace smr::ingest_internal {
namespace {

// Inflated bytes handed to the scanner at a time.
constexpr size_t kInflateChunk = size_t{1} << 20;

bool IsGzip(const char* data, size_t size) {
  return size >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

class KinetoImporter final : public Importer, private KinetoScanner::Handler {
 public:
  explicit KinetoImporter(const ImportContext& c)
      : file_(c.file), out_(c.out), diag_(c.diag), records_(c.file.rel_path, c.diag) {}

  void Feed(const char* data, size_t size) override;
  BaseTimeUse Finish() override;

 private:
  bool Wanted(std::string_view key) const override { return records_.WantsTopKey(key); }
  void TopValue(std::string_view key, const char* p, size_t n) override {
    records_.TopValue(&dom_parser_, key, p, n);
  }
  void Element(const char* p, size_t n, int64_t line) override {
    records_.Element(&parser_, p, n, line);
  }
  // Inflates `data` chunk by chunk into the scanner; false on a gzip error.
  bool FeedGzip(const char* data, size_t size, uint64_t* inflated);

  const InputFile& file_;
  StoreBuilder* out_;
  Diagnostics* diag_;
  KinetoRecords records_;
  KinetoScanner scanner_{this};
  simdjson::ondemand::parser parser_;
  simdjson::dom::parser dom_parser_;
  uint32_t file_index_ = 0;
  bool fed_ = false;
};

bool KinetoImporter::FeedGzip(const char* data, size_t size, uint64_t* inflated) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return false;
  std::vector<char> out(kInflateChunk + simdjson::SIMDJSON_PADDING);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data));
  size_t in_left = size;
  bool ok = true;
  for (;;) {
    if (zs.avail_in == 0 && in_left > 0) {
      const uInt n = static_cast<uInt>(std::min<size_t>(in_left, 1u << 30));
      zs.avail_in = n;
      in_left -= n;
    }
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(kInflateChunk);
    const int ret = inflate(&zs, Z_NO_FLUSH);
    const size_t produced = kInflateChunk - zs.avail_out;
    if (produced > 0) {
      scanner_.Feed(out.data(), produced);
      *inflated += produced;
    }
    if (ret == Z_STREAM_END) {
      // Concatenated members are legal; trailing zero bytes are not one.
      if ((zs.avail_in == 0 && in_left == 0) || (zs.avail_in > 0 && zs.next_in[0] == 0)) break;
      if (inflateReset(&zs) != Z_OK) {
        ok = false;
        break;
      }
    } else if (ret == Z_BUF_ERROR) {
      if (zs.avail_in == 0 && in_left == 0) {
        ok = false;  // input ended before the stream did
        break;
      }
    } else if (ret != Z_OK) {
      ok = false;
      break;
    }
  }
  inflateEnd(&zs);
  return ok;
}

void KinetoImporter::Feed(const char* data, size_t size) {
  fed_ = true;
  FileStats stats;
  stats.rel_path = file_.rel_path;
  stats.kind = file_.kind;
  stats.bytes = size;
  file_index_ = out_->AddFile(std::move(stats));
  if (IsGzip(data, size)) {
    uint64_t inflated = 0;
    if (!FeedGzip(data, size, &inflated)) {
      diag_->Record(Issue::kGzipError, file_.rel_path, 0,
                    fmt::format("corrupt or truncated gzip; {} bytes inflated", inflated));
    }
  } else {
    scanner_.Feed(data, size);
  }
  scanner_.End();
}

BaseTimeUse KinetoImporter::Finish() {
  if (!fed_) Feed("", 0);
  FileStats& fs = out_->file(file_index_);
  if (records_.Conclude(scanner_, &fs)) {
    KinetoTrace trace = records_.TakeTrace();
    trace.file_index = file_index_;
    out_->AddKinetoTrace(std::move(trace));
  }
  return {};
}

}  // namespace

std::unique_ptr<Importer> NewKinetoImporter(const ImportContext& context) {
  return std::make_unique<KinetoImporter>(context);
}

}  // namespace smr::ingest_internal
