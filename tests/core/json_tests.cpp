// The flat JSON reader and writer (convplay/json.h) behind window.convplay.state()/setState() and the
// benchmark's shapes files: typed values, strict RFC 8259 syntax, messages, and output that is always JSON.
#include <catch2/catch.hpp>

#include <convplay/json.h>

using namespace convplay;

namespace {
std::string refusal(std::string_view text) {
  JsonObject o;
  std::string error;
  if (parse_flat_json_object(text, o, error)) return "(accepted)";
  return error;
}
} // namespace

TEST_CASE("flat JSON objects parse into typed values", "[json]") {
  JsonObject o;
  std::string error;
  REQUIRE(parse_flat_json_object(R"( {"scene":"modes", "h": 7, "flip": true, "x": null, "s":"a\"b\u00e9"} )", o, error));
  CHECK(o.size() == 5);
  CHECK(std::get<std::string>(o.at("scene")) == "modes");
  CHECK(std::get<double>(o.at("h")) == 7.0);
  CHECK(std::get<bool>(o.at("flip")));
  CHECK(std::holds_alternative<std::nullptr_t>(o.at("x")));
  CHECK(std::get<std::string>(o.at("s")) == "a\"b\xC3\xA9");
  REQUIRE(parse_flat_json_object("{}", o, error));
  CHECK(o.empty()); // replaced, not merged
}

TEST_CASE("numbers are JSON's decimal numbers, exactly", "[json]") {
  JsonObject o;
  std::string error;
  REQUIRE(parse_flat_json_object(R"({"a":-0.5,"b":1e3,"c":2.5E-1,"d":-12,"e":18446744073709551615,"f":0})", o, error));
  CHECK(std::get<double>(o.at("a")) == -0.5);
  CHECK(std::get<double>(o.at("b")) == 1000.0);
  CHECK(std::get<double>(o.at("c")) == 0.25);
  CHECK(std::get<double>(o.at("d")) == -12.0);
  CHECK(std::get<double>(o.at("e")) == 18446744073709551615.0);
  CHECK(std::get<double>(o.at("f")) == 0.0);
  // strtod would read all of these; JSON does not.
  for (const char* bad : {R"({"a":0x10})", R"({"a":+1})", R"({"a":.5})", R"({"a":5.})", R"({"a":01})",
                          R"({"a":1e})", R"({"a":NaN})", R"({"a":Infinity})", R"({"a":-})", R"({"a":1e999})",
                          R"({"a":-1e999})"}) {
    INFO("input: " << bad);
    const std::string e = refusal(bad);
    CHECK(e.find("invalid JSON") == 0);
    CHECK(e.find("offset") != std::string::npos);
  }
  CHECK(refusal(R"({"a":1e999})").find("number overflow") != std::string::npos);
}

TEST_CASE("escapes: a u-escape needs four hex digits, surrogate pairs become one UTF-8 character", "[json]") {
  JsonObject o;
  std::string error;
  REQUIRE(parse_flat_json_object(R"({"s":"\ud83d\ude00","t":"\u00e9\u20ac\/\b\f\n\r\t\u0000x"})", o, error));
  CHECK(std::get<std::string>(o.at("s")) == "\xF0\x9F\x98\x80"); // U+1F600 in 4 bytes
  CHECK(std::get<std::string>(o.at("t")) == std::string("\xC3\xA9\xE2\x82\xAC/\b\f\n\r\t\0x", 13));
  for (const char* bad : {R"({"s":"\u12"})", R"({"s":"\u12g4"})", R"({"s":"\uzzzz"})", R"({"s":"\ud800"})",
                          R"({"s":"\ud800x"})", R"({"s":"\ud800\u0041"})", R"({"s":"\udc00"})", R"({"s":"\x"})",
                          R"({"s":"\'"})"}) {
    INFO("input: " << bad);
    const std::string e = refusal(bad);
    CHECK(e.find("invalid JSON") == 0);
    CHECK(e.find("offset") != std::string::npos);
  }
  CHECK(refusal(R"({"s":"\ud800"})").find("surrogate") != std::string::npos);
  // Raw bytes must be UTF-8 and control characters escaped.
  CHECK(refusal("{\"s\":\"\xFF\"}").find("UTF-8") != std::string::npos);
  CHECK(refusal("{\"s\":\"\xC3\"}").find("invalid JSON") == 0);
  CHECK(refusal("{\"s\":\"a\nb\"}").find("control character") != std::string::npos);
}

TEST_CASE("malformed JSON is refused with the offset", "[json]") {
  for (const char* bad : {"[]", "5", "\"x\"", "null"}) // well-formed, but not an object
    CHECK(refusal(bad).find("expected a JSON object") == 0);
  for (const char* bad : {"", " ", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":1} x",
                          "{\"a\":1}{}", "{\"a\":\"unterminated}", "{a:1}", "{'a':1}", "{\"a\":tru}", "{\"a\":1 \"b\":2}",
                          "{\"a\":1} // comment"}) {
    INFO("input: " << bad);
    const std::string e = refusal(bad);
    CHECK(e.find("invalid JSON") == 0);
    CHECK(e.find("offset") != std::string::npos);
  }
  CHECK(refusal("{\"a\":1,}") == "invalid JSON: syntax error while parsing object key - unexpected '}'; expected "
                                 "string literal at offset 8");
}

TEST_CASE("a nested array or object is refused naming its key", "[json]") {
  CHECK(refusal(R"({"ok":1,"stack":["conv"]})") ==
        "'stack' must be a number, a string, true, false or null, not an array");
  CHECK(refusal(R"({"a":{}})") ==
        "'a' must be a number, a string, true, false or null, not an object");
  // A hostile key is quoted short.
  const std::string long_key(10000, 'k');
  const std::string e = refusal("{\"" + long_key + "\":[1]}");
  CHECK(e.size() < 160);
  CHECK(e.find("kkk…' must be") != std::string::npos);
}

TEST_CASE("nested values can be listed instead of refused, for the caller to name what the key takes", "[json]") {
  JsonObject o;
  std::string error;
  std::vector<JsonNestedValue> nested;
  REQUIRE(parse_flat_json_object(R"({"h":[1,[2,{"x":[3]}]],"k":3,"m":{"a":{"b":1}},"scenes":[{}],"n":null})", o, error,
                                 {"scenes"}, &nested));
  CHECK(o == JsonObject{{"k", 3.0}, {"n", nullptr}}); // the listed keys and the ignored one are left out
  REQUIRE(nested.size() == 2);
  CHECK(nested[0].key == "h");
  CHECK(std::string(nested[0].kind) == "an array");
  CHECK(nested[1].key == "m");
  CHECK(std::string(nested[1].kind) == "an object");
  // Deep nesting is skipped without recursion; bad syntax inside is still an error.
  const std::string deep = "{\"d\":" + std::string(100000, '[') + std::string(100000, ']') + ",\"k\":1}";
  REQUIRE(parse_flat_json_object(deep, o, error, {}, &nested));
  CHECK(nested.size() == 1);
  CHECK(o == JsonObject{{"k", 1.0}});
  CHECK_FALSE(parse_flat_json_object(R"({"d":[1,}],"k":1})", o, error, {}, &nested));
  CHECK(error.find("invalid JSON") == 0);
}

TEST_CASE("typed look-ups of a value of the wrong type say what the key takes", "[json]") {
  JsonObject o{{"n", nullptr}, {"t", true}, {"x", std::string("1e9")}};
  double d = 0;
  std::string s;
  int v = 0;
  CHECK(json_get_number(o, "n", -2, 2.5, d) == "n must be a number between -2 and 2.5");
  CHECK(json_get_number(o, "x", -2, 2.5, d) == "x must be a number between -2 and 2.5");
  CHECK(json_get_int(o, "t", 0, 7, v) == "t must be a whole number between 0 and 7");
  CHECK(json_get_string(o, "t", 40, s) == "t must be a text of at most 40 characters");
}

TEST_CASE("the echo of bad input in a message stays short", "[json]") {
  const std::string e = refusal("{\"a\":\"" + std::string(10000, 'x')); // unterminated 10,000-byte string
  CHECK(e.find("invalid JSON") == 0);
  CHECK(e.size() < 200);
  // The input may itself hold the text nlohmann puts after its echo (fuzz_json's find: the message was cut
  // at that text, so 700 bytes of the input followed the excerpt).
  const std::string quoted = refusal("\"x'; expected " + std::string(2000, 'y') + std::string(1, '\0'));
  INFO(quoted);
  CHECK(quoted.rfind("invalid JSON: syntax error while parsing value - invalid string: control character U+0000 (NUL) must be "
                     "escaped to \\u0000; last read: '\"x'; expected yyyyyyyyyyyyyyyy…' at offset ", 0) == 0);
  CHECK(quoted.size() < 200);
  // A number too large for a double is echoed in another message, cut the same way.
  const std::string overflow = refusal("{\"a\": " + std::string(3000, '1') + "}");
  CHECK(overflow == "invalid JSON: number overflow parsing '" + std::string(30, '1') + "…' at offset 3006");
  CHECK(refusal("{\"a\": -1e999}") == "invalid JSON: number overflow parsing '-1e999' at offset 12");
}

TEST_CASE("arrays of flat objects, e.g. the benchmark's shapes", "[json]") {
  std::vector<JsonObject> items;
  std::string error;
  REQUIRE(parse_flat_json_array(R"([{"id":"s1","K":5}, {"id":"s2","pad":"same"}, {}])", items, error));
  REQUIRE(items.size() == 3);
  CHECK(std::get<std::string>(items[0].at("id")) == "s1");
  CHECK(std::get<double>(items[0].at("K")) == 5.0);
  CHECK(std::get<std::string>(items[1].at("pad")) == "same");
  CHECK(items[2].empty());
  REQUIRE(parse_flat_json_array(" [ ] ", items, error));
  CHECK(items.empty());
  auto array_refusal = [](std::string_view text) {
    std::vector<JsonObject> out{JsonObject{{"kept", true}}};
    std::string e;
    if (parse_flat_json_array(text, out, e)) return std::string("(accepted)");
    CHECK(out.size() == 1); // left alone
    return e;
  };
  CHECK(array_refusal(R"({"id":"s1"})") == "expected a JSON array of objects, found an object");
  CHECK(array_refusal(R"([{"id":"s1"}, 3])") == "item 2 is not an object");
  CHECK(array_refusal(R"([{"id":"s1"}, []])") == "item 2 is an array, expected an object");
  CHECK(array_refusal(R"([{"id":"s1"}, {"K":[5]}])") ==
        "item 2: 'K' must be a number, a string, true, false or null, not an array");
  CHECK(array_refusal(R"([{"id":"s1"},])").find("offset") != std::string::npos);
}

TEST_CASE("the writer escapes and formats values", "[json]") {
  JsonWriter w;
  w.field("s", "a\"b\n").field("i", 42).field("b", false).field("d", 0.5).field("nan", 0.0 / 0.0).raw_field("l", "[1]");
  CHECK(w.str() == R"({"s":"a\"b\n","i":42,"b":false,"d":0.5,"nan":null,"l":[1]})");
}

TEST_CASE("the writer's output is JSON for any bytes, and reads back", "[json]") {
  // Every control character, a quote and a backslash, UTF-8 kept as it is.
  std::string all;
  for (int c = 1; c < 0x20; ++c) all += static_cast<char>(c);
  all += "\"\\/\x7f\xC3\xA9\xF0\x9F\x98\x80";
  all += '\0';
  JsonObject o;
  std::string error;
  REQUIRE(parse_flat_json_object(JsonWriter().field(all, all).str(), o, error));
  CHECK(std::get<std::string>(o.at(all)) == all);
  CHECK(json_quote(std::string("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
  // Invalid UTF-8 (a lone continuation byte, a truncated sequence, an encoded surrogate) becomes U+FFFD.
  const std::string bad = "a\x80" "b\xE2\x82" "c\xED\xA0\x80";
  const std::string quoted = json_quote(bad);
  REQUIRE(parse_flat_json_object("{\"k\":" + quoted + "}", o, error));
  const std::string back = std::get<std::string>(o.at("k"));
  CHECK(back.find("\xEF\xBF\xBD") != std::string::npos);
  CHECK(back.front() == 'a');
  CHECK(back.find('b') != std::string::npos);
  CHECK(back.find('c') != std::string::npos);
}

TEST_CASE("typed look-ups name the key and the allowed range", "[json]") {
  JsonObject o;
  std::string error;
  REQUIRE(parse_flat_json_object(R"({"k":2.5,"n":99,"b":1,"c":"x","ok":3})", o, error));
  int v = 0;
  bool b = false;
  std::string c;
  CHECK(json_get_int(o, "k", 1, 10, v) == "k must be a whole number between 1 and 10");
  CHECK(json_get_int(o, "n", 1, 10, v) == "n must be between 1 and 10");
  CHECK(json_get_bool(o, "b", b) == "b must be true or false");
  CHECK(json_get_choice(o, "c", {"valid", "same"}, c) == "c must be one of: valid, same");
  CHECK(json_get_int(o, "ok", 1, 10, v).empty());
  CHECK(v == 3);
  CHECK(json_get_int(o, "missing", 1, 10, v).empty());
  CHECK(v == 3);
}

TEST_CASE("number lists: decimal numbers between separators, nothing strtod reads beyond that", "[json]") {
  std::vector<float> v;
  REQUIRE(parse_number_list("1, 0, -1; 2 0 -2\n.5 +1 1e-3 -2.5E2", v, 100).empty());
  CHECK(v == std::vector<float>{1, 0, -1, 2, 0, -2, 0.5f, 1, 1e-3f, -250});
  REQUIRE(parse_number_list(" ,; ", v, 100).empty());
  CHECK(v.empty());
  v = {7};
  for (const char* bad : {"0x10", "1 inf", "nan", "infinity", "1e39", "-1e39", "1,2x", "--1", "1e", "0x1p3"}) {
    INFO("input: " << bad);
    CHECK(parse_number_list(bad, v, 100).find("is not a number") != std::string::npos);
    CHECK(v == std::vector<float>{7}); // left alone
  }
  CHECK(parse_number_list("1 abc", v, 100) == "'abc' is not a number");
  CHECK(parse_number_list("1 2 3", v, 2) == "more than 2 numbers");
  // A long bad item is cut short in the message, not inside a UTF-8 character.
  const std::string e = parse_number_list(std::string(19, 'x') + "\xC3\xA9" + "yyyy", v, 10);
  CHECK(e == "'" + std::string(19, 'x') + "…' is not a number");
}

TEST_CASE("ignored keys are dropped whatever their values, the rest is read as before", "[json]") {
  JsonObject o;
  std::string error;
  const std::vector<std::string_view> ignored = {"scenes", "meta"};
  REQUIRE(parse_flat_json_object(R"({"scenes":["a",["b"],{"c":[1]}],"n":5,"meta":{"x":{"y":2}},"s":"t"})", o, error, ignored));
  CHECK(o.size() == 2);
  CHECK(std::get<double>(o.at("n")) == 5.0);
  CHECK(std::get<std::string>(o.at("s")) == "t");
  REQUIRE(parse_flat_json_object(R"({"meta":3,"n":1})", o, error, ignored));
  CHECK(o.size() == 1);
  // keys not in the list are still refused when nested, and bad syntax inside an ignored value too
  CHECK(!parse_flat_json_object(R"({"scenes":[],"other":[1]})", o, error, ignored));
  CHECK(error.find("'other'") != std::string::npos);
  error.clear();
  CHECK(!parse_flat_json_object(R"({"scenes":[1,}]})", o, error, ignored));
  CHECK(error.find("invalid JSON") != std::string::npos);
  // without the list, the array is refused as before
  CHECK(refusal(R"({"scenes":[]})").find("'scenes'") != std::string::npos);
}
