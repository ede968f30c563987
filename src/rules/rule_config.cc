// Rule configuration from the command line and a JSON config file.
#include "smr/rule_config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "src/rules/param_rule.h"

namespace smr {
namespace {

constexpr std::string_view kEnabled = "enabled";

std::string RuleNames(const std::vector<std::unique_ptr<Rule>>& rules) {
  std::string names;
  for (const auto& r : rules) {
    if (!names.empty()) names += ", ";
    names += r->name();
  }
  return names;
}

std::string ParamNames(const Rule& rule) {
  std::string names;
  for (const ParamSpec& p : rule.params()) {
    names += p.name;
    names += ", ";
  }
  names += kEnabled;
  return names;
}

bool ParseBool(std::string_view text, bool* out) {
  std::string t;
  for (char c : text) {
    if (c != ' ' && c != '\t')
      t.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (t == "true" || t == "1") {
    *out = true;
    return true;
  }
  if (t == "false" || t == "0") {
    *out = false;
    return true;
  }
  return false;
}

// Applies one setting of one rule. `where` prefixes error messages
// ("--rule-param X.y=1", "config file cfg.json").
class Configurator {
 public:
  explicit Configurator(std::vector<std::unique_ptr<Rule>>* rules)
      : rules_(rules), enabled_(rules->size(), true) {}

  // Index of rule `name`, or an error listing the valid rule names.
  StatusOr<size_t> Find(std::string_view name, std::string_view where) const {
    for (size_t i = 0; i < rules_->size(); ++i) {
      if ((*rules_)[i]->name() == name) return i;
    }
    return Status::Error(
        fmt::format("{}: unknown rule '{}' (rules: {})", where, name, RuleNames(*rules_)));
  }

  Status Set(size_t index, std::string_view param, std::string_view value, std::string_view where) {
    Rule& rule = *(*rules_)[index];
    if (param == kEnabled) {
      bool on = true;
      if (!ParseBool(value, &on)) {
        return Status::Error(fmt::format(
            "{}: rule {}: parameter 'enabled' has invalid value '{}' (allowed: true, false)", where,
            rule.name(), value));
      }
      enabled_[index] = on;
      return Status::Ok();
    }
    const auto& specs = rule.params();
    const auto spec = std::find_if(specs.begin(), specs.end(),
                                   [&](const ParamSpec& s) { return s.name == param; });
    if (spec == specs.end()) {
      return Status::Error(fmt::format("{}: rule {} has no parameter '{}' (allowed: {})", where,
                                       rule.name(), param, ParamNames(rule)));
    }
    // The declared range first, so that every rule rejects what is not
    // meaningful with the same message; SetParam then parses the value.
    if (const std::optional<ParamRange> range = ParamRangeOf(*spec); range) {
      double v = 0;
      if (!ParseParamNumber(value, &v) || !range->Contains(v)) {
        return Status::Error(
            fmt::format("{}: rule {}: parameter '{}' has invalid value '{}' (allowed: {})", where,
                        rule.name(), param, value, range->Describe()));
      }
    }
    Status st = rule.SetParam(param, value);
    if (!st.ok()) return Status::Error(fmt::format("{}: {}", where, st.message()));
    return Status::Ok();
  }

  // Drops the disabled rules and checks each remaining rule's combination
  // of values (Rule::ValidateParams).
  Status Finish(std::vector<std::string>* disabled) {
    std::vector<std::unique_ptr<Rule>> kept;
    for (size_t i = 0; i < rules_->size(); ++i) {
      if (enabled_[i]) {
        kept.push_back(std::move((*rules_)[i]));
      } else if (disabled) {
        disabled->emplace_back((*rules_)[i]->name());
      }
    }
    *rules_ = std::move(kept);
    for (const auto& rule : *rules_) {
      if (Status st = rule->ValidateParams(); !st.ok()) return st;
    }
    return Status::Ok();
  }

 private:
  std::vector<std::unique_ptr<Rule>>* rules_;
  std::vector<bool> enabled_;
};

// A config value as the text SetParam parses. JSON numbers keep their
// shortest round-trip form (80 -> "80", 0.25 -> "0.25").
StatusOr<std::string> ValueText(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::number_integer:
      return std::to_string(v.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return std::to_string(v.get<uint64_t>());
    case nlohmann::json::value_t::number_float:
      return fmt::format("{}", v.get<double>());
    case nlohmann::json::value_t::string:
      return v.get<std::string>();
    case nlohmann::json::value_t::boolean:
      return std::string(v.get<bool>() ? "true" : "false");
    default:
      return Status::Error("");
  }
}

}  // namespace

StatusOr<RuleParamOverride> ParseRuleParamArg(std::string_view arg) {
  const auto usage = [&] {
    return Status::Error(
        fmt::format("--rule-param '{}': expected Rule.param=value or Rule_param=value "
                    "(e.g. CPUBottleneck.threshold=60)",
                    arg));
  };
  const size_t eq = arg.find('=');
  if (eq == std::string_view::npos) return usage();
  const std::string_view key = arg.substr(0, eq);
  const size_t sep = std::min(key.find('.'), key.find('_'));
  if (sep == std::string_view::npos || sep == 0 || sep + 1 >= key.size()) return usage();
  RuleParamOverride o;
  o.rule = std::string(key.substr(0, sep));
  o.param = std::string(key.substr(sep + 1));
  o.value = std::string(arg.substr(eq + 1));
  o.source = std::string(arg);
  return o;
}

namespace {

// A char iterator for nlohmann's parser that records the last character the
// parser read, so that the SAX handler knows where in the text a key is.
class TrackingIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackingIterator(const char* p, const char** last) : p_(p), last_(last) {}
  reference operator*() const {
    *last_ = p_;
    return *p_;
  }
  TrackingIterator& operator++() {
    ++p_;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator old = *this;
    ++p_;
    return old;
  }
  bool operator==(const TrackingIterator& o) const { return p_ == o.p_; }
  bool operator!=(const TrackingIterator& o) const { return p_ != o.p_; }

 private:
  const char* p_;
  const char** last_;
};

// 1-based line and column (in bytes) of `offset` in `text`.
TextPosition PositionOf(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  TextPosition pos;
  const std::string_view before = text.substr(0, offset);
  pos.line = 1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  const size_t nl = before.rfind('\n');
  pos.column = static_cast<int>(offset - (nl == std::string_view::npos ? 0 : nl + 1)) + 1;
  return pos;
}

std::string Where(const std::string& origin, const TextPosition* pos) {
  if (pos == nullptr || pos->line <= 0) return fmt::format("config file {}", origin);
  return fmt::format("config file {}, line {}, column {}", origin, pos->line, pos->column);
}

// First pass over a config file: finds syntax errors and duplicate keys (at
// any depth; nlohmann's DOM parser would silently keep the last one) with
// their line and column, and records where each rule and parameter key
// starts. Builds no values.
class ConfigScanner : public nlohmann::json_sax<nlohmann::json> {
 public:
  ConfigScanner(std::string_view text, const char** last_read, RuleConfig* config)
      : text_(text), last_read_(last_read), config_(config) {}

  const std::string& error() const { return error_; }

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return Open(/*is_object=*/true); }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(/*is_object=*/false); }
  bool end_array() override { return Close(); }
  bool key(string_t& k) override {
    const TextPosition pos = PositionOf(text_, KeyStart());
    Frame& f = frames_.back();
    if (!f.keys.insert(k).second) {
      error_ = fmt::format(
          "{}: duplicate key \"{}\"{}", Where(config_->origin, &pos), k,
          frames_.size() > 1 && !f.key.empty() ? fmt::format(" in \"{}\"", f.key) : std::string());
      return false;
    }
    pending_key_ = k;
    if (frames_.size() == 1) {
      config_->positions[{k, ""}] = pos;
    } else if (frames_.size() == 2 && frames_[0].is_object && frames_[1].is_object) {
      config_->positions[{frames_[1].key, k}] = pos;
    }
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    // position counts the characters read, the offending one included.
    const TextPosition pos = PositionOf(text_, position > 0 ? position - 1 : 0);
    // ex.what(): "[json.exception.parse_error.101] parse error at line 1,
    // column 2: syntax error while parsing value - invalid literal; ..."
    std::string detail = ex.what();
    if (const size_t col = detail.find("column "); col != std::string::npos) {
      if (const size_t colon = detail.find(": ", col); colon != std::string::npos) {
        detail = detail.substr(colon + 2);
      }
    }
    error_ = fmt::format("{}: not valid JSON: {}", Where(config_->origin, &pos), detail);
    return false;
  }

 private:
  struct Frame {
    bool is_object = false;
    std::set<std::string> keys;
    std::string key;  // this container's key in its parent ("" in arrays)
  };

  bool Open(bool is_object) {
    frames_.push_back({is_object, {}, pending_key_});
    return true;
  }
  bool Close() {
    frames_.pop_back();
    return true;
  }

  // The parser has just read the key's closing quote: walk back to the
  // opening one (a quote preceded by an odd number of backslashes is part
  // of the key).
  size_t KeyStart() const {
    size_t i = static_cast<size_t>(*last_read_ - text_.data());
    while (i > 0) {
      --i;
      if (text_[i] != '"') continue;
      size_t slashes = 0;
      while (i > slashes && text_[i - 1 - slashes] == '\\') ++slashes;
      if (slashes % 2 == 0) return i;
    }
    return 0;
  }

  std::string_view text_;
  const char** last_read_;
  RuleConfig* config_;
  std::vector<Frame> frames_;
  std::string pending_key_;
  std::string error_;
};

}  // namespace

StatusOr<RuleConfig> ParseRuleConfig(std::string_view text, const std::string& origin) {
  RuleConfig config;
  config.origin = origin;
  const char* last_read = text.data();
  ConfigScanner scanner(text, &last_read, &config);
  const TrackingIterator first(text.data(), &last_read);
  const TrackingIterator last(text.data() + text.size(), &last_read);
  if (!nlohmann::json::sax_parse(first, last, &scanner)) {
    return Status::Error(scanner.error().empty()
                             ? fmt::format("config file {}: not valid JSON", origin)
                             : scanner.error());
  }
  nlohmann::json j = nlohmann::json::parse(text.begin(), text.end(), nullptr,
                                           /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return Status::Error(fmt::format(
        "config file {}: top level must be an object {{\"RuleName\": {{\"param\": value}}}}",
        origin));
  }
  for (const auto& [rule, settings] : j.items()) {
    if (!settings.is_object()) {
      return Status::Error(
          fmt::format("{}: rule {}: settings must be an object {{\"param\": value}}",
                      Where(origin, config.Position(rule, "")), rule));
    }
  }
  config.settings = std::move(j);
  return config;
}

StatusOr<RuleConfig> LoadRuleConfig(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Status::Error(fmt::format("config file {}: is a directory, expected a JSON file", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(fmt::format("config file {}: cannot be read", path));
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return Status::Error(fmt::format("config file {}: cannot be read", path));
  return ParseRuleConfig(ss.str(), path);
}

StatusOr<nlohmann::json> ParseRuleConfigText(std::string_view text, const std::string& origin) {
  StatusOr<RuleConfig> config = ParseRuleConfig(text, origin);
  if (!config.ok()) return config.status();
  return std::move(config->settings);
}

StatusOr<nlohmann::json> LoadRuleConfigFile(const std::string& path) {
  StatusOr<RuleConfig> config = LoadRuleConfig(path);
  if (!config.ok()) return config.status();
  return std::move(config->settings);
}

const TextPosition* RuleConfig::Position(const std::string& rule, const std::string& param) const {
  const auto it = positions.find({rule, param});
  return it == positions.end() ? nullptr : &it->second;
}

Status ApplyRuleConfig(const RuleConfig& config, const std::vector<RuleParamOverride>& overrides,
                       std::vector<std::unique_ptr<Rule>>* rules,
                       std::vector<std::string>* disabled) {
  Configurator cfg(rules);
  const nlohmann::json& settings = config.settings;
  if (!settings.is_null()) {
    if (!settings.is_object()) {
      return Status::Error(
          fmt::format("{}: top level must be an object {{\"RuleName\": {{\"param\": value}}}}",
                      Where(config.origin, nullptr)));
    }
    // In file order when the positions are known (the first problem in the
    // file is the one reported), else in key order: deterministic.
    std::vector<std::string> names;
    for (const auto& item : settings.items()) names.push_back(item.key());
    const auto by_position = [&](const std::string& rule) {
      const TextPosition* p = config.Position(rule, "");
      return p ? std::make_pair(p->line, p->column) : std::make_pair(0, 0);
    };
    std::stable_sort(names.begin(), names.end(), [&](const std::string& a, const std::string& b) {
      return by_position(a) < by_position(b);
    });
    for (const std::string& rule_name : names) {
      const nlohmann::json& rule_settings = settings[rule_name];
      StatusOr<size_t> index =
          cfg.Find(rule_name, Where(config.origin, config.Position(rule_name, "")));
      if (!index.ok()) return index.status();
      if (!rule_settings.is_object()) {
        return Status::Error(
            fmt::format("{}: rule {}: settings must be an object {{\"param\": value}}",
                        Where(config.origin, config.Position(rule_name, "")), rule_name));
      }
      for (const auto& [param, value] : rule_settings.items()) {
        const std::string where = Where(config.origin, config.Position(rule_name, param));
        StatusOr<std::string> text = ValueText(value);
        if (!text.ok() || (value.is_boolean() && param != kEnabled)) {
          return Status::Error(
              fmt::format("{}: rule {}: parameter '{}' must be a JSON number or string, got {}",
                          where, rule_name, param, value.dump()));
        }
        Status st = cfg.Set(*index, param, *text, where);
        if (!st.ok()) return st;
      }
    }
  }
  for (const RuleParamOverride& o : overrides) {
    const std::string where = fmt::format("--rule-param {}", o.source);
    StatusOr<size_t> index = cfg.Find(o.rule, where);
    if (!index.ok()) return index.status();
    Status st = cfg.Set(*index, o.param, o.value, where);
    if (!st.ok()) return st;
  }
  return cfg.Finish(disabled);
}

Status ApplyRuleConfig(const nlohmann::json& config,
                       const std::vector<RuleParamOverride>& overrides,
                       std::vector<std::unique_ptr<Rule>>* rules,
                       std::vector<std::string>* disabled, std::string_view config_origin) {
  RuleConfig c;
  c.settings = config;
  c.origin = std::string(config_origin);
  return ApplyRuleConfig(c, overrides, rules, disabled);
}

}  // namespace smr
