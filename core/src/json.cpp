#include <convplay/json.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace convplay {
namespace {
struct Reader {
  std::string_view s;
  size_t i = 0;
  std::string error;
  void ws() { while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i; }
  bool fail(const char* what) {
    if (error.empty()) error = std::string(what) + " at offset " + std::to_string(i);
    return false;
  }
  bool lit(std::string_view w) {
    if (s.substr(i, w.size()) != w) return false;
    i += w.size();
    return true;
  }
  bool string(std::string& out) {
    if (i >= s.size() || s[i] != '"') return fail("expected a string");
    ++i;
    while (i < s.size() && s[i] != '"') {
      char c = s[i++];
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in string");
      if (c != '\\') { out += c; continue; }
      if (i >= s.size()) break;
      char e = s[i++];
      switch (e) {
      case '"': case '\\': case '/': out += e; break;
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'u': {
        if (i + 4 > s.size()) return fail("bad \\u escape");
        unsigned cp = static_cast<unsigned>(std::strtoul(std::string(s.substr(i, 4)).c_str(), nullptr, 16));
        i += 4;
        if (cp < 0x80) out += static_cast<char>(cp);
        else if (cp < 0x800) { out += static_cast<char>(0xC0 | (cp >> 6)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
        else { out += static_cast<char>(0xE0 | (cp >> 12)); out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)); out += static_cast<char>(0x80 | (cp & 0x3F)); }
        break;
      }
      default: return fail("bad escape");
      }
    }
    if (i >= s.size()) return fail("unterminated string");
    ++i;
    return true;
  }
  bool value(JsonValue& v) {
    ws();
    if (i >= s.size()) return fail("expected a value");
    if (s[i] == '"') { std::string str; if (!string(str)) return false; v = std::move(str); return true; }
    if (lit("true")) { v = true; return true; }
    if (lit("false")) { v = false; return true; }
    if (lit("null")) { v = nullptr; return true; }
    if (s[i] == '{' || s[i] == '[') return fail("nested objects and arrays are not accepted");
    const std::string rest(s.substr(i, 64));
    char* end = nullptr;
    double d = std::strtod(rest.c_str(), &end);
    if (end == rest.c_str() || !std::isfinite(d)) return fail("expected a number");
    i += static_cast<size_t>(end - rest.c_str());
    v = d;
    return true;
  }
};
} // namespace

namespace {
// Reads one object at r.i; false with r.error set on failure.
bool read_object(Reader& r, JsonObject& out) {
  const std::string_view text = r.s;
  r.ws();
  const size_t start = r.i;
  const bool empty = r.lit("{") && (r.ws(), r.lit("}"));
  if (empty) return true;
  if (r.i == start) r.fail("expected '{'");
  while (r.error.empty()) {
    r.ws();
    std::string key;
    JsonValue v;
    if (!r.string(key)) break;
    r.ws();
    if (!r.lit(":")) { r.fail("expected ':'"); break; }
    if (!r.value(v)) break;
    out[key] = std::move(v);
    r.ws();
    if (r.lit(",")) continue;
    if (r.lit("}")) return true;
    r.fail("expected ',' or '}'");
    break;
  }
  (void)text;
  return false;
}
} // namespace

bool parse_flat_json_object(std::string_view text, JsonObject& out, std::string& error) {
  Reader r{text, 0, {}};
  if (read_object(r, out)) {
    r.ws();
    if (r.i == text.size()) return true;
    r.fail("trailing characters");
  }
  error = "invalid JSON: " + r.error;
  return false;
}

bool parse_flat_json_array(std::string_view text, std::vector<JsonObject>& out, std::string& error) {
  Reader r{text, 0, {}};
  r.ws();
  if (!r.lit("[")) r.fail("expected '['");
  r.ws();
  if (r.error.empty() && !r.lit("]")) {
    for (;;) {
      JsonObject o;
      if (!read_object(r, o)) break;
      out.push_back(std::move(o));
      r.ws();
      if (r.lit(",")) continue;
      if (!r.lit("]")) r.fail("expected ',' or ']'");
      break;
    }
  }
  r.ws();
  if (r.error.empty() && r.i != text.size()) r.fail("trailing characters");
  if (r.error.empty()) return true;
  error = "invalid JSON: " + r.error;
  return false;
}

std::string json_quote(std::string_view s) {
  std::string o = "\"";
  for (char c : s) {
    switch (c) {
    case '"': o += "\\\""; break;
    case '\\': o += "\\\\"; break;
    case '\n': o += "\\n"; break;
    case '\t': o += "\\t"; break;
    case '\r': o += "\\r"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        o += buf;
      } else o += c;
    }
  }
  return o + "\"";
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
  if (!d || *d != std::floor(*d)) return std::string(key) + " must be a whole number";
  if (*d < static_cast<double>(lo) || *d > static_cast<double>(hi))
    return std::string(key) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi);
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
  if (!d || !std::isfinite(*d)) return std::string(key) + " must be a number";
  if (*d < lo || *d > hi) {
    char buf[96];
    std::snprintf(buf, sizeof buf, " must be between %g and %g", lo, hi);
    return std::string(key) + buf;
  }
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
  if (!s) return std::string(key) + " must be a string";
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
    const double v = std::strtod(item.c_str(), &end);
    if (end != item.c_str() + item.size() || !std::isfinite(v) || std::fabs(v) > 3.0e38)
      return "'" + (item.size() > 20 ? item.substr(0, 20) + "…" : item) + "' is not a number";
    if (values.size() == max_count) return "more than " + std::to_string(max_count) + " numbers";
    values.push_back(static_cast<float>(v));
    i = j;
  }
  out = std::move(values);
  return {};
}

} // namespace convplay
