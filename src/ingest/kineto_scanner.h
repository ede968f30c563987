// Private: the streaming top-level reader of a Kineto trace (docs/formats.md
// "Kineto"). It is fed the document in pieces of any size (the inflated
// chunks of a .gz, or a whole plain file) and hands over each element of
// the traceEvents array (or of a bare top-level array) and the values of the
// few top-level keys the importer reads, found by balancing brackets
// (strings and escapes skipped) without parsing them: the document is never
// held whole, and a document cut off anywhere keeps its complete elements.
#ifndef SMR_SRC_INGEST_KINETO_SCANNER_H_
#define SMR_SRC_INGEST_KINETO_SCANNER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace smr::ingest_internal {

class KinetoScanner {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    // The raw JSON of a top-level value whose key Wanted() accepts.
    virtual void TopValue(std::string_view key, const char* p, size_t n) = 0;
    // One element of the events array: p[0, n) followed by at least
    // SIMDJSON_PADDING readable bytes; `line` is the 1-based line of its
    // first byte.
    virtual void Element(const char* p, size_t n, int64_t line) = 0;
    virtual bool Wanted(std::string_view key) const = 0;
  };

  enum class Shape : uint8_t {
    kEmpty,    // nothing but whitespace
    kObject,   // {"traceEvents": [...], ...}
    kArray,    // a bare array of events
    kInvalid,  // neither: the first byte is something else
  };

  explicit KinetoScanner(Handler* handler) : handler_(handler) {}

  // `p` holds `n` bytes followed by SIMDJSON_PADDING readable bytes.
  void Feed(const char* p, size_t n);
  // The end of the document.
  void End();

  Shape shape() const { return shape_; }
  bool events_found() const { return events_found_; }  // an events array began
  // The events array was closed with ']' / the whole document was read.
  bool events_terminated() const { return events_terminated_; }
  bool complete() const { return state_ == State::kDone; }
  // The data ended inside an element (a cut-off event).
  bool partial_element() const { return partial_element_; }
  int64_t line() const { return line_; }  // line of the last byte read

 private:
  enum class State : uint8_t {
    kStart,
    kKey,         // expecting a key or '}'
    kKeyText,     // inside a key string
    kColon,       // expecting ':'
    kValueStart,  // expecting a top-level value
    kValue,       // inside a top-level value
    kAfterValue,  // expecting ',' or '}'
    kArray,       // expecting an element, ',' or ']'
    kElement,     // inside an element
    kDone,
    kInvalid,
  };

  // Starts scanning a value whose first byte is `c`.
  void BeginValue(char c);
  // Steps the value scanner over `c`; true when the value ended. With
  // `*include` false the value ended before `c` (a scalar's delimiter).
  bool StepValue(char c, bool* include);
  // The value ended at p[end): hands it over and resets the carry.
  void EmitValue(const char* p, size_t begin, size_t end);
  // Steps the structure outside values over `c` (at `i` in `p`).
  void StepOuter(const char* p, size_t i);

  Handler* handler_;
  State state_ = State::kStart;
  Shape shape_ = Shape::kEmpty;
  bool events_found_ = false;
  bool events_terminated_ = false;
  bool partial_element_ = false;
  int bom_bytes_ = 0;  // bytes of a leading byte-order mark seen
  int64_t line_ = 1;
  // The current key and whether its value is captured.
  std::string key_;
  bool capture_ = false;
  bool in_events_ = false;  // the array being read holds the events
  // The value scanner.
  int64_t depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  bool scalar_ = false;
  int64_t value_line_ = 0;
  // Bytes of a value begun in an earlier piece (with padding room).
  std::vector<char> carry_;
  size_t carry_size_ = 0;
  bool carrying_ = false;
  size_t begin_ = 0;  // where the value began in the current piece
};

}  // namespace smr::ingest_internal

#endif  // SMR_SRC_INGEST_KINETO_SCANNER_H_
