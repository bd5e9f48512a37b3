// The flat JSON reader and writer behind window.convplay.state()/setState().
#include <catch2/catch.hpp>

#include <convplay/json.h>

using namespace convplay;

TEST_CASE("flat JSON objects parse into typed values", "[json]") {
  JsonObject o;
  std::string error;
  REQUIRE(parse_flat_json_object(R"( {"scene":"modes", "h": 7, "flip": true, "x": null, "s":"a\"b\u00e9"} )", o, error));
  CHECK(std::get<std::string>(o.at("scene")) == "modes");
  CHECK(std::get<double>(o.at("h")) == 7.0);
  CHECK(std::get<bool>(o.at("flip")));
  CHECK(std::holds_alternative<std::nullptr_t>(o.at("x")));
  CHECK(std::get<std::string>(o.at("s")) == "a\"b\xC3\xA9");
  REQUIRE(parse_flat_json_object("{}", o, error));
}

TEST_CASE("malformed JSON is refused with the offset", "[json]") {
  for (const char* bad : {"", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":{}}", "{\"a\":1} x",
                          "{\"a\":\"unterminated}", "{a:1}", "{\"a\":1e999}", "{\"a\":tru}"}) {
    JsonObject o;
    std::string error;
    INFO("input: " << bad);
    CHECK_FALSE(parse_flat_json_object(bad, o, error));
    CHECK(error.find("invalid JSON") == 0);
    CHECK(error.find("offset") != std::string::npos);
  }
}

TEST_CASE("the writer escapes and formats values", "[json]") {
  JsonWriter w;
  w.field("s", "a\"b\n").field("i", 42).field("b", false).field("d", 0.5).field("nan", 0.0 / 0.0).raw_field("l", "[1]");
  CHECK(w.str() == R"({"s":"a\"b\n","i":42,"b":false,"d":0.5,"nan":null,"l":[1]})");
}

TEST_CASE("typed look-ups name the key and the allowed range", "[json]") {
  JsonObject o;
  std::string error;
  REQUIRE(parse_flat_json_object(R"({"k":2.5,"n":99,"b":1,"c":"x","ok":3})", o, error));
  int v = 0;
  bool b = false;
  std::string c;
  CHECK(json_get_int(o, "k", 1, 10, v) == "k must be a whole number");
  CHECK(json_get_int(o, "n", 1, 10, v) == "n must be between 1 and 10");
  CHECK(json_get_bool(o, "b", b) == "b must be true or false");
  CHECK(json_get_choice(o, "c", {"valid", "same"}, c) == "c must be one of: valid, same");
  CHECK(json_get_int(o, "ok", 1, 10, v).empty());
  CHECK(v == 3);
  CHECK(json_get_int(o, "missing", 1, 10, v).empty());
  CHECK(v == 3);
}
