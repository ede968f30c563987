// The streaming top-level reader of a Kineto trace (kineto_scanner.h).
#include "src/ingest/kineto_scanner.h"

#include <cstring>
#include <string_view>

#include <simdjson.h>

#include "src/ingest/trace_events.h"

namespace smr::ingest_internal {

void KinetoScanner::BeginValue(char c) {
  depth_ = 0;
  in_string_ = false;
  escape_ = false;
  scalar_ = false;
  value_line_ = line_;
  if (c == '{' || c == '[') {
    depth_ = 1;
  } else if (c == '"') {
    in_string_ = true;
  } else {
    scalar_ = true;
  }
}

bool KinetoScanner::StepValue(char c, bool* include) {
  if (in_string_) {
    if (escape_) {
      escape_ = false;
    } else if (c == '\\') {
      escape_ = true;
    } else if (c == '"') {
      in_string_ = false;
      if (depth_ == 0) {
        *include = true;
        return true;
      }
    }
    return false;
  }
  if (scalar_) {
    if (c == ',' || c == ']' || c == '}' || IsJsonSpace(c)) {
      *include = false;
      return true;
    }
    return false;
  }
  switch (c) {
    case '"':
      in_string_ = true;
      break;
    case '{':
    case '[':
      ++depth_;
      break;
    case '}':
    case ']':
      if (--depth_ == 0) {
        *include = true;
        return true;
      }
      break;
    default:
      break;
  }
  return false;
}

void KinetoScanner::EmitValue(const char* p, size_t begin, size_t end) {
  const bool element = state_ == State::kElement;
  const char* data = p + begin;
  size_t size = end - begin;
  if (carrying_) {
    if (element || capture_) {
      carry_.resize(carry_size_ + end + simdjson::SIMDJSON_PADDING);
      std::memcpy(carry_.data() + carry_size_, p, end);
      carry_size_ += end;
    }
    data = carry_.data();
    size = carry_size_;
  }
  if (element) {
    handler_->Element(data, size, value_line_);
  } else if (capture_) {
    handler_->TopValue(key_, data, size);
  }
  carrying_ = false;
  carry_size_ = 0;
}

void KinetoScanner::StepOuter(const char* p, size_t i) {
  const char c = p[i];
  if (state_ == State::kKeyText) {
    if (escape_) {
      escape_ = false;
    } else if (c == '\\') {
      escape_ = true;
    } else if (c == '"') {
      state_ = State::kColon;
      return;
    }
    key_.push_back(c);
    return;
  }
  if (IsJsonSpace(c)) return;
  switch (state_) {
    case State::kStart:
      // A UTF-8 byte-order mark (possibly split across pieces).
      if (bom_bytes_ < 3 && c == "\xEF\xBB\xBF"[bom_bytes_]) {
        ++bom_bytes_;
      } else if (c == '{') {
        shape_ = Shape::kObject;
        state_ = State::kKey;
      } else if (c == '[') {
        shape_ = Shape::kArray;
        state_ = State::kArray;
        events_found_ = true;
      } else {
        shape_ = Shape::kInvalid;
        state_ = State::kInvalid;
      }
      break;
    case State::kKey:
      if (c == '"') {
        key_.clear();
        escape_ = false;
        state_ = State::kKeyText;
      } else {
        state_ = c == '}' ? State::kDone : State::kInvalid;
      }
      break;
    case State::kColon:
      state_ = c == ':' ? State::kValueStart : State::kInvalid;
      break;
    case State::kValueStart:
      if (key_ == "traceEvents" && c == '[') {
        events_found_ = true;
        state_ = State::kArray;
      } else {
        capture_ = handler_->Wanted(key_);
        BeginValue(c);
        begin_ = i;
        state_ = State::kValue;
      }
      break;
    case State::kAfterValue:
      if (c == ',') {
        state_ = State::kKey;
      } else {
        state_ = c == '}' ? State::kDone : State::kInvalid;
      }
      break;
    case State::kArray:
      if (c == ']') {
        events_terminated_ = true;
        state_ = shape_ == Shape::kArray ? State::kDone : State::kAfterValue;
      } else if (c != ',') {
        BeginValue(c);
        begin_ = i;
        state_ = State::kElement;
      }
      break;
    default:  // kDone, kInvalid: the rest is not read
      break;
  }
}

void KinetoScanner::Feed(const char* p, size_t n) {
  size_t i = 0;
  begin_ = 0;
  for (; i < n; ++i) {
    const char c = p[i];
    if (state_ == State::kValue || state_ == State::kElement) {
      bool include = true;
      if (StepValue(c, &include)) {
        EmitValue(p, begin_, include ? i + 1 : i);
        state_ = state_ == State::kElement ? State::kArray : State::kAfterValue;
        if (!include) StepOuter(p, i);
      }
    } else if (state_ == State::kDone || state_ == State::kInvalid) {
      break;
    } else {
      StepOuter(p, i);
    }
    if (c == '\n') ++line_;
  }
  if ((state_ == State::kValue && capture_) || state_ == State::kElement) {
    const size_t part = n - begin_;
    carry_.resize(carry_size_ + part + simdjson::SIMDJSON_PADDING);
    std::memcpy(carry_.data() + carry_size_, p + begin_, part);
    carry_size_ += part;
    carrying_ = true;
  } else if (state_ == State::kValue) {
    carrying_ = true;  // an uncaptured value: only its end matters
  }
}

void KinetoScanner::End() {
  if (state_ == State::kElement) partial_element_ = true;
  carry_.clear();
  carry_.shrink_to_fit();
  carry_size_ = 0;
  carrying_ = false;
}

}  // namespace smr::ingest_internal
