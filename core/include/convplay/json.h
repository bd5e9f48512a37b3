// convplay/json.h — the JSON the project exchanges: a writer for one-level objects (state, benchmark
// records) and a reader for flat objects (string keys; number, boolean, string or null values), which is
// what the page API's setState() and the benchmark's shapes files hold. The reader is strict RFC 8259
// (nlohmann/json underneath): decimal numbers only, escapes checked, surrogate pairs decoded to UTF-8.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace convplay {

using JsonValue = std::variant<std::nullptr_t, bool, double, std::string>;
using JsonObject = std::map<std::string, JsonValue, std::less<>>;

// Parses a flat JSON object into out (replacing it); on failure returns false, leaves out alone and sets
// error ("invalid JSON: ... at offset N" for bad syntax; a message naming the key whose value is an array or
// an object; "expected a JSON object" for other documents). Keys in `ignored` are dropped whatever their
// values, so a reader can take back a document that also holds read-only, non-flat fields. With `nested`,
// an array or object value of any other key does not fail the parse either: the key is left out of `out`
// and listed in *nested (document order), so that the caller can say what that key takes instead.
struct JsonNestedValue {
  std::string key;
  const char* kind = "an array"; // "an array" or "an object"
};
bool parse_flat_json_object(std::string_view text, JsonObject& out, std::string& error,
                            const std::vector<std::string_view>& ignored = {},
                            std::vector<JsonNestedValue>* nested = nullptr);
// Parses an array of flat objects, e.g. [{"id":"s1","K":5}, ...], the same way.
bool parse_flat_json_array(std::string_view text, std::vector<JsonObject>& out, std::string& error);

class JsonWriter { // writes one object: {"a":1,"b":"x"}
public:
  JsonWriter& field(std::string_view key, std::string_view value);
  JsonWriter& field(std::string_view key, const char* value) { return field(key, std::string_view(value)); }
  JsonWriter& field(std::string_view key, double value);
  JsonWriter& field(std::string_view key, long long value);
  JsonWriter& field(std::string_view key, int value) { return field(key, static_cast<long long>(value)); }
  JsonWriter& field(std::string_view key, bool value);
  JsonWriter& raw_field(std::string_view key, std::string_view json); // value already JSON
  std::string str() const { return out_ + "}"; }

private:
  void key(std::string_view k);
  std::string out_ = "{";
};

std::string json_quote(std::string_view s); // "a\"b\n": control characters escaped, invalid UTF-8 as U+FFFD

// Typed look-ups for apply_state(): each returns "" or a message naming the key and the problem.
std::string json_get_int(const JsonObject& o, std::string_view key, long long lo, long long hi, int& out);
std::string json_get_bool(const JsonObject& o, std::string_view key, bool& out);
std::string json_get_choice(const JsonObject& o, std::string_view key, std::initializer_list<std::string_view> choices,
                            std::string& out);
std::string json_get_number(const JsonObject& o, std::string_view key, double lo, double hi, double& out);
std::string json_get_string(const JsonObject& o, std::string_view key, size_t max_length, std::string& out);
// "1, 0, -1; 2 0 -2" → {1,0,-1,2,0,-2}: decimal numbers (".5", "+1" and "1e-3" too; no hex, inf or nan)
// separated by commas, semicolons or spaces, within float's range.
// Returns "" or a message naming the first bad item (e.g. "'abc' is not a number").
std::string parse_number_list(std::string_view text, std::vector<float>& out, size_t max_count);

} // namespace convplay
