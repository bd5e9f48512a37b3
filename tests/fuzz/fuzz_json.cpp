// The JSON of setState() and postMessage (parse_flat_json_object / parse_flat_json_array) and the writer.
// Properties: the flat reader accepts exactly the well-formed documents of the flat shape (nlohmann's DOM
// parser is the oracle) with the same values; what it reads, JsonWriter writes back to text that reads the
// same (numbers as the writer rounds them, to 9 digits); json_quote makes valid JSON of any bytes; every
// refusal and every typed look-up's message names the problem (and the key).
#include "fuzz_support.h"

#include <convplay/json.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace convplay;
using nlohmann::json;

namespace {
bool is_flat_object(const json& j) {
  if (!j.is_object()) return false;
  for (const auto& [k, v] : j.items())
    if (v.is_object() || v.is_array() || v.is_binary()) return false;
  return true;
}

bool same_value(const JsonValue& ours, const json& theirs) {
  if (std::holds_alternative<std::nullptr_t>(ours)) return theirs.is_null();
  if (const bool* b = std::get_if<bool>(&ours)) return theirs.is_boolean() && theirs.get<bool>() == *b;
  if (const double* d = std::get_if<double>(&ours)) return theirs.is_number() && theirs.get<double>() == *d;
  return theirs.is_string() && theirs.get<std::string>() == std::get<std::string>(ours);
}

bool same_object(const JsonObject& o, const json& j) {
  if (o.size() != j.size()) return false;
  for (const auto& [k, v] : o)
    if (!j.contains(k) || !same_value(v, j.at(k))) return false;
  return true;
}

// Bad syntax is "invalid JSON: ... at offset N"; a well-formed document of the wrong shape is refused with
// another message (which may also come first when a document is both).
void check_refusal(const std::string& error, bool well_formed) {
  FUZZ_REQUIRE(good_refusal(error));
  const bool syntax = error.rfind("invalid JSON: ", 0) == 0;
  if (syntax) FUZZ_REQUIRE(!well_formed && error.find(" at offset ") != std::string::npos);
}

// JsonWriter's text for o reads back with the same keys and values (doubles as written: "%.9g").
void check_written(const JsonObject& o) {
  JsonWriter w;
  for (const auto& [k, v] : o) {
    if (std::holds_alternative<std::nullptr_t>(v)) w.raw_field(k, "null");
    else if (const bool* b = std::get_if<bool>(&v)) w.field(k, *b);
    else if (const double* d = std::get_if<double>(&v)) w.field(k, *d);
    else w.field(k, std::get<std::string>(v));
  }
  JsonObject back;
  std::string error;
  FUZZ_REQUIRE(parse_flat_json_object(w.str(), back, error));
  FUZZ_REQUIRE(back.size() == o.size());
  for (const auto& [k, v] : o) {
    auto it = back.find(k);
    FUZZ_REQUIRE(it != back.end());
    if (const double* d = std::get_if<double>(&v)) {
      char text[32];
      std::snprintf(text, sizeof text, "%.9g", *d);
      FUZZ_REQUIRE(std::holds_alternative<double>(it->second) && std::get<double>(it->second) == std::strtod(text, nullptr));
    } else {
      FUZZ_REQUIRE(it->second == v);
    }
  }
}

// The typed look-ups of apply_state(): "" or a message that starts with the key.
void check_lookups(const JsonObject& o) {
  for (const auto& [k, v] : o) {
    int i = 0;
    bool b = false;
    double d = 0.0;
    std::string s;
    for (const std::string& m : {json_get_int(o, k, -100, 100, i), json_get_bool(o, k, b), json_get_number(o, k, -1.0, 1.0, d),
                                 json_get_string(o, k, 16, s), json_get_choice(o, k, {"valid", "same"}, s)})
      FUZZ_REQUIRE(m.empty() || m.rfind(k, 0) == 0);
  }
}

bool valid_utf8(const std::string& s) {
  try {
    (void)json(s).dump(); // the strict error handler throws on invalid UTF-8
    return true;
  } catch (const json::type_error&) {
    return false;
  }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const bool well_formed = json::accept(text);
  const json dom = well_formed ? json::parse(text) : json();

  JsonObject o{{"before", true}};
  std::string error;
  const bool ok = parse_flat_json_object(text, o, error);
  FUZZ_REQUIRE(ok == (well_formed && is_flat_object(dom)));
  if (ok) {
    FUZZ_REQUIRE(same_object(o, dom));
    check_written(o);
    check_lookups(o);
  } else {
    FUZZ_REQUIRE(o.size() == 1 && o.count("before")); // left alone
    check_refusal(error, well_formed);
  }

  std::vector<JsonObject> list;
  error.clear();
  const bool list_ok = parse_flat_json_array(text, list, error);
  bool flat_list = well_formed && dom.is_array();
  if (flat_list)
    for (const auto& item : dom) flat_list = flat_list && is_flat_object(item);
  FUZZ_REQUIRE(list_ok == flat_list);
  if (list_ok) {
    FUZZ_REQUIRE(list.size() == dom.size());
    for (size_t i = 0; i < list.size(); ++i) FUZZ_REQUIRE(same_object(list[i], dom[i]));
  } else {
    FUZZ_REQUIRE(list.empty());
    check_refusal(error, well_formed);
  }

  // Any bytes as a string value: the quoted text is JSON and reads back (as itself when it is UTF-8).
  JsonObject quoted;
  FUZZ_REQUIRE(parse_flat_json_object("{\"k\":" + json_quote(text) + "}", quoted, error));
  if (valid_utf8(text)) FUZZ_REQUIRE(std::get<std::string>(quoted.at("k")) == text);
  return 0;
}
