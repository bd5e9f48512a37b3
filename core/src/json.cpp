// The page API's JSON: parsing goes through nlohmann/json's SAX reader (strict RFC 8259: numbers, escapes,
// surrogate pairs, UTF-8), which this file narrows to the flat shape the callers use: one object, or an array
// of objects, whose values are numbers, strings, booleans or null. Writing quotes strings with the same
// library, so any bytes come out as valid JSON.
#include <convplay/json.h>
#include <convplay/tensor.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace convplay {
namespace {

// nlohmann's what() without its prefixes ("[json.exception.parse_error.101] parse error at line 1,
// column 5: ") and with the echoed input ("last read: '...'", "number overflow parsing '...'") kept short and ASCII (other bytes as \xNN).
// last_read is that input as the parser gives it: the text after it is not looked for, since the input
// itself may hold "'; expected ".
std::string library_message(const std::string& what, std::string_view last_read_text) {
  std::string_view m = what;
  if (m.substr(0, 1) == "[")
    if (size_t p = m.find("] "); p != std::string_view::npos) m.remove_prefix(p + 2);
  if (m.substr(0, 19) == "parse error at line")
    if (size_t p = m.find(": "); p != std::string_view::npos) m.remove_prefix(p + 2);
  size_t from = std::string_view::npos; // where the echoed input starts
  for (std::string_view echo : {"; last read: '", "number overflow parsing '"})
    if (const size_t start = m.find(echo); start != std::string_view::npos) {
      from = start + echo.size();
      break;
    }
  if (from == std::string_view::npos) return std::string(m);
  size_t end = m.size() - 1; // the closing quote, when the message is not as expected
  if (m.substr(from, last_read_text.size()) == last_read_text && from + last_read_text.size() < m.size())
    end = from + last_read_text.size();
  std::string token;
  for (unsigned char c : m.substr(from, end - from)) {
    if (c < 0x80) token += static_cast<char>(c);
    else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      token += hex;
    }
  }
  return std::string(m.substr(0, from)) + message_excerpt(token, 30) + std::string(m.substr(end));
}

// The SAX events of one document, accepted only in the flat shapes. `list` null: one object; otherwise
// an array of objects appended to *list. The top-level object's keys in `ignored` are dropped whatever
// their values (arrays and objects included).
class FlatReader {
public:
  using json = nlohmann::json;
  FlatReader(JsonObject* object, std::vector<JsonObject>* list, const std::vector<std::string_view>* ignored = nullptr,
             std::vector<JsonNestedValue>* nested = nullptr)
      : object_(object), list_(list), ignored_(ignored), nested_(nested) {}
  std::string error; // set when a callback refused the document or the syntax was wrong

  bool null() { return value(nullptr); }
  bool boolean(bool v) { return value(v); }
  bool number_integer(json::number_integer_t v) { return value(static_cast<double>(v)); }
  bool number_unsigned(json::number_unsigned_t v) { return value(static_cast<double>(v)); }
  bool number_float(json::number_float_t v, const json::string_t&) { return value(static_cast<double>(v)); }
  bool string(json::string_t& v) { return value(std::move(v)); }
  bool binary(json::binary_t&) { return refuse("binary values are not JSON"); } // only CBOR and friends send these
  bool key(json::string_t& k) {
    if (skip_depth_ > 0) return true;
    key_ = std::move(k);
    skipping_ = in_object_ && !list_ && ignored_ && std::find(ignored_->begin(), ignored_->end(), key_) != ignored_->end();
    return true;
  }
  bool start_object(size_t) {
    if (skipping_) return ++skip_depth_, true;
    if (in_object_) return nested("an object");
    if (list_ && !in_array_) return refuse("expected a JSON array of objects, found an object");
    in_object_ = true;
    current_.clear();
    return true;
  }
  bool end_object() {
    if (skipping_) return leave_skipped();
    in_object_ = false;
    if (list_) list_->push_back(std::move(current_));
    else *object_ = std::move(current_);
    return true;
  }
  bool start_array(size_t) {
    if (skipping_) return ++skip_depth_, true;
    if (in_object_) return nested("an array");
    if (!list_) return refuse("expected a JSON object, found an array");
    if (in_array_) return refuse(item() + " is an array, expected an object");
    in_array_ = true;
    return true;
  }
  bool end_array() { return skipping_ ? leave_skipped() : true; }
  bool parse_error(size_t offset, const std::string& last_token, const nlohmann::detail::exception& e) {
    return refuse("invalid JSON: " + library_message(e.what(), last_token) + " at offset " + std::to_string(offset));
  }

private:
  bool leave_skipped() {
    if (--skip_depth_ == 0) skipping_ = false;
    return true;
  }
  bool value(JsonValue v) {
    if (skipping_) {
      if (skip_depth_ == 0) skipping_ = false; // an ignored key with a plain value
      return true;
    }
    if (!in_object_) {
      if (!list_) return refuse("expected a JSON object");
      return refuse(in_array_ ? item() + " is not an object" : "expected a JSON array of objects");
    }
    current_[key_] = std::move(v); // a repeated key: the last value wins, as in JSON.parse
    return true;
  }
  bool nested(const char* what) {
    if (nested_ && !list_) { // listed for the caller, and skipped like an ignored key's value
      nested_->push_back({key_, what});
      skipping_ = true;
      skip_depth_ = 1;
      return true;
    }
    return refuse((list_ ? item() + ": " : std::string()) + "'" + message_excerpt(key_) +
                  "' must be a number, a string, true, false or null, not " + what);
  }
  std::string item() const { return "item " + std::to_string(list_->size() + 1); }
  bool refuse(std::string message) {
    if (error.empty()) error = std::move(message);
    return false;
  }

  JsonObject* object_;
  std::vector<JsonObject>* list_;
  const std::vector<std::string_view>* ignored_;
  std::vector<JsonNestedValue>* nested_;
  bool skipping_ = false; // inside an ignored key's value, skip_depth_ arrays or objects deep
  int skip_depth_ = 0;
  JsonObject current_;
  std::string key_;
  bool in_object_ = false, in_array_ = false;
};

bool read_flat(std::string_view text, FlatReader& reader, std::string& error) {
  if (nlohmann::json::sax_parse(text.begin(), text.end(), &reader)) return true;
  error = reader.error.empty() ? "invalid JSON" : reader.error;
  return false;
}

} // namespace

bool parse_flat_json_object(std::string_view text, JsonObject& out, std::string& error,
                            const std::vector<std::string_view>& ignored, std::vector<JsonNestedValue>* nested) {
  JsonObject parsed;
  std::vector<JsonNestedValue> found;
  FlatReader reader(&parsed, nullptr, &ignored, nested ? &found : nullptr);
  if (!read_flat(text, reader, error)) return false;
  out = std::move(parsed);
  if (nested) *nested = std::move(found);
  return true;
}

bool parse_flat_json_array(std::string_view text, std::vector<JsonObject>& out, std::string& error) {
  std::vector<JsonObject> parsed;
  FlatReader reader(nullptr, &parsed);
  if (!read_flat(text, reader, error)) return false;
  out = std::move(parsed);
  return true;
}

// Control characters as \n or \u001f, invalid UTF-8 as U+FFFD, everything else as it is.
std::string json_quote(std::string_view s) {
  return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void JsonWriter::key(std::string_view k) {
  if (out_.size() > 1) out_ += ',';
  out_ += json_quote(k);
  out_ += ':';
}
JsonWriter& JsonWriter::field(std::string_view k, std::string_view v) { key(k); out_ += json_quote(v); return *this; }
JsonWriter& JsonWriter::field(std::string_view k, long long v) { key(k); out_ += std::to_string(v); return *this; }
JsonWriter& JsonWriter::field(std::string_view k, bool v) { key(k); out_ += v ? "true" : "false"; return *this; }
JsonWriter& JsonWriter::raw_field(std::string_view k, std::string_view json) { key(k); out_ += json; return *this; }
JsonWriter& JsonWriter::field(std::string_view k, double v) {
  key(k);
  if (!std::isfinite(v)) { out_ += "null"; return *this; }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  out_ += buf;
  return *this;
}

std::string json_get_int(const JsonObject& o, std::string_view key, long long lo, long long hi, int& out) {
  auto it = o.find(key);
  if (it == o.end()) return {};
  const double* d = std::get_if<double>(&it->second);
  const std::string range = " between " + std::to_string(lo) + " and " + std::to_string(hi);
  if (!d || *d != std::floor(*d)) return std::string(key) + " must be a whole number" + range;
  if (*d < static_cast<double>(lo) || *d > static_cast<double>(hi)) return std::string(key) + " must be" + range;
  out = static_cast<int>(*d);
  return {};
}

std::string json_get_bool(const JsonObject& o, std::string_view key, bool& out) {
  auto it = o.find(key);
  if (it == o.end()) return {};
  const bool* b = std::get_if<bool>(&it->second);
  if (!b) return std::string(key) + " must be true or false";
  out = *b;
  return {};
}

std::string json_get_choice(const JsonObject& o, std::string_view key, std::initializer_list<std::string_view> choices,
                            std::string& out) {
  auto it = o.find(key);
  if (it == o.end()) return {};
  const std::string* s = std::get_if<std::string>(&it->second);
  std::string list;
  for (auto c : choices) {
    if (s && *s == c) { out = *s; return {}; }
    list += (list.empty() ? "" : ", ") + std::string(c);
  }
  return std::string(key) + " must be one of: " + list;
}

std::string json_get_number(const JsonObject& o, std::string_view key, double lo, double hi, double& out) {
  auto it = o.find(key);
  if (it == o.end()) return {};
  const double* d = std::get_if<double>(&it->second);
  char range[80];
  std::snprintf(range, sizeof range, " between %g and %g", lo, hi);
  if (!d || !std::isfinite(*d)) return std::string(key) + " must be a number" + range;
  if (*d < lo || *d > hi) return std::string(key) + " must be" + range;
  out = *d;
  return {};
}

std::string json_get_string(const JsonObject& o, std::string_view key, size_t max_length, std::string& out) {
  auto it = o.find(key);
  if (it == o.end()) return {};
  if (const double* d = std::get_if<double>(&it->second)) { // "10" in an address reads as a number
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    out = buf;
    return {};
  }
  const std::string* s = std::get_if<std::string>(&it->second);
  if (!s) return std::string(key) + " must be a text of at most " + std::to_string(max_length) + " characters";
  if (s->size() > max_length) return std::string(key) + " is longer than " + std::to_string(max_length) + " characters";
  out = *s;
  return {};
}

std::string parse_number_list(std::string_view text, std::vector<float>& out, size_t max_count) {
  std::vector<float> values;
  size_t i = 0;
  auto separator = [](char c) { return c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (i < text.size()) {
    while (i < text.size() && separator(text[i])) ++i;
    if (i == text.size()) break;
    size_t j = i;
    while (j < text.size() && !separator(text[j])) ++j;
    const std::string item(text.substr(i, j - i));
    char* end = nullptr;
    // strtod also reads hex ("0x1p3"), "inf" and "nan": only decimal characters get that far.
    const bool decimal = item.find_first_not_of("0123456789.eE+-") == std::string::npos;
    const double v = decimal ? std::strtod(item.c_str(), &end) : 0.0;
    // The limit is the float's own: a value that rounds to a finite float prints back as one that parses.
    const float f = static_cast<float>(v);
    if (!decimal || end != item.c_str() + item.size() || !std::isfinite(v) || !std::isfinite(f))
      return "'" + message_excerpt(item, 20) + "' is not a number";
    if (values.size() == max_count) return "more than " + std::to_string(max_count) + " numbers";
    values.push_back(f);
    i = j;
  }
  out = std::move(values);
  return {};
}

} // namespace convplay
