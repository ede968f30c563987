// ReadProgressBar: the terminal progress bar while reading (progress_bar.h).
#include "src/pipeline/progress_bar.h"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "src/pipeline/process_metrics.h"

namespace smr {

ReadProgressBar::ReadProgressBar(const Discovery& discovery, std::ostream* log)
    : log_(log), base_rchar_(ReadChars()), start_(std::chrono::steady_clock::now()) {
  for (const InputFile& f : discovery.files) {
    cumulative_.push_back(total_ += f.size_bytes);
  }
  if (base_rchar_ >= 0 && total_ > 0) thread_ = std::thread([this] { Run(); });
}

void ReadProgressBar::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    *log_ << "\r\033[K" << std::flush;  // clear the bar
  }
}

void ReadProgressBar::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(200), [this] { return done_; })) {
    Draw();
  }
}

void ReadProgressBar::Draw() {
  const int64_t read = std::clamp<int64_t>(ReadChars() - base_rchar_, 0, total_);
  const double elapsed = Seconds(start_, std::chrono::steady_clock::now());
  const size_t files = static_cast<size_t>(
      std::upper_bound(cumulative_.begin(), cumulative_.end(), static_cast<uint64_t>(read)) -
      cumulative_.begin());
  const double frac = static_cast<double>(read) / static_cast<double>(total_);
  const double mb_s = elapsed > 0 ? static_cast<double>(read) / 1e6 / elapsed : 0;
  const std::string eta =
      read > 0 ? fmt::format("{:.0f} s", elapsed * (1 - frac) / std::max(frac, 1e-9)) : "?";
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(frac * kWidth);
  *log_ << fmt::format("\r\033[K[{}{}] {}/{} files  {:.0f}/{:.0f} MB  {:.0f} MB/s  ETA {}",
                       std::string(filled, '#'), std::string(kWidth - filled, ' '), files,
                       cumulative_.size(), static_cast<double>(read) / 1e6,
                       static_cast<double>(total_) / 1e6, mb_s, eta)
        << std::flush;
}

}  // namespace smr
