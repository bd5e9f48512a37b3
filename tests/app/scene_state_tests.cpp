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

TEST_CASE("params: the lecture's 32x32x3 input, 64 filters 5x5 valid: 4,800 weights versus 154,140,672", "[params]") {
  auto s = make_params_scene();
  const std::string st = state_of(*s);
  CHECK(st.find(R"("out_h":28,"out_w":28)") != std::string::npos);
  CHECK(st.find(R"("conv_weights":4800)") != std::string::npos);
  CHECK(st.find(R"("conv_parameters":4864)") != std::string::npos);
  CHECK(st.find(R"("dense_weights":154140672)") != std::string::npos);
}

TEST_CASE("params: an HD image to a dense layer needs more weights than 32 bits count", "[params]") {
  auto s = make_params_scene();
  REQUIRE(apply(*s, R"({"h":720,"w":1280,"c":3,"filters":64,"k":3,"padding":"same"})").empty());
  const std::string st = state_of(*s);
  CHECK(st.find(R"("conv_weights":1728)") != std::string::npos);
  // 2,764,800 inputs × 58,982,400 outputs = 163,074,539,520,000 weights: past 2^32, within 2^63.
  CHECK(st.find(R"("dense_weights":163074539520000)") != std::string::npos);
  CHECK(apply(*s, R"({"k":0})") == "k must be between 1 and 1024");
  CHECK(apply(*s, R"({"padding":"explicit"})") == "padding must be one of: valid, same, full");
}
