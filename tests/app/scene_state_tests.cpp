// Scene state through the same path as window.convplay.setState(): values come from the core, and bad
// input changes nothing and says why.
#include <catch2/catch.hpp>

#include "scene.h"

using namespace convplay;
using namespace convplay::app;

namespace {
std::string state_of(const Scene& s) {
  JsonWriter w;
  s.write_state(w);
  return w.str();
}
std::string apply(Scene& s, const char* json) {
  JsonObject o;
  std::string error;
  if (!parse_flat_json_object(json, o, error)) return error;
  return s.apply_state(o);
}
} // namespace

TEST_CASE("modes: the lecture's 5x5 input and 3x3 filter give 3x3 (valid), 5x5 (same), 7x7 (full)", "[modes]") {
  auto s = make_modes_scene();
  CHECK(state_of(*s).find(R"("out_h":3,"out_w":3)") != std::string::npos);
  REQUIRE(apply(*s, R"({"padding":"same"})").empty());
  CHECK(state_of(*s).find(R"("out_h":5,"out_w":5)") != std::string::npos);
  REQUIRE(apply(*s, R"({"padding":"full"})").empty());
  CHECK(state_of(*s).find(R"("out_h":7,"out_w":7)") != std::string::npos);
  REQUIRE(apply(*s, R"({"padding":"explicit","pad":2,"stride":2,"n":7,"k":3})").empty());
  CHECK(state_of(*s).find(R"("out_h":5,"out_w":5)") != std::string::npos); // floor((7+4-3)/2)+1
}

TEST_CASE("modes: impossible combinations give the core's message, not a crash", "[modes]") {
  auto s = make_modes_scene();
  REQUIRE(apply(*s, R"({"n":5,"k":7,"dilation":2,"padding":"valid"})").empty());
  const std::string st = state_of(*s);
  CHECK(st.find(R"("error":"")") == std::string::npos);
  CHECK(st.find("kernel 7") != std::string::npos);
  REQUIRE(apply(*s, R"({"k":3,"dilation":1,"stride":0})").empty());
  CHECK(state_of(*s).find("stride") != std::string::npos);
}

TEST_CASE("modes: bad setState input is refused and changes nothing", "[modes]") {
  auto s = make_modes_scene();
  const std::string before = state_of(*s);
  CHECK(apply(*s, R"({"h":0})") == "h must be between 1 and 4096");
  CHECK(apply(*s, R"({"h":3,"padding":"sideways"})") == "padding must be one of: valid, same, full, explicit");
  CHECK(apply(*s, R"({"colour":"red"})") == "unknown key 'colour' for scene modes");
  CHECK(apply(*s, R"({"flip":"yes"})") == "flip must be true or false");
  CHECK(state_of(*s) == before);
}
