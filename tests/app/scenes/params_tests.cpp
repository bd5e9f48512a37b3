// Scene "params": its description for screen readers and counts that overflow 64 bits (the lecture's
// numbers are checked in scene_state_tests.cpp).
#include <catch2/catch.hpp>

#include "../scene_test_support.h"
#include "scene_ui.h"

#include <string>

using namespace convplay;
using namespace convplay::app;
using namespace convplay::app::testing;
using Catch::Matchers::Contains;

TEST_CASE("params: the description counts the lecture's layer both ways and follows setState", "[params][a11y]") {
  auto s = make_params_scene();
  std::string d = s->description();
  CHECK(d.rfind("Parameter sharing. Input 32 × 32 × 3 = 3,072 values, 64 filters 5 × 5", 0) == 0);
  CHECK_THAT(d, Contains("output 28 × 28 × 64 = 50,176 values"));
  CHECK_THAT(d, Contains("C2 × K × K × C1 = 64 × 5 × 5 × 3 = 4,800 weights + 64 biases = 4,864 parameters"));
  CHECK_THAT(d, Contains("154,140,672 weights, 154,190,848 parameters, dense ÷ conv = 31,700×"));
  REQUIRE(apply(*s, R"({"k":3,"filters":6,"c":1,"h":28,"w":28})").empty());
  d = s->description();
  CHECK_THAT(d, Contains("6 × 3 × 3 × 1 = 54 weights + 6 biases = 60 parameters"));
  CHECK_THAT(d, Contains("output 26 × 26 × 6 = 4,056 values"));
  CHECK(num(state(*s), "conv_parameters") == 60);
}

TEST_CASE("params: counts past 2^63 read as overflow, and so does their ratio, not an exact-looking number", "[params]") {
  auto s = make_params_scene();
  // 100,000² × 3 inputs times as many outputs: the dense counts overflow, the conv counts do not.
  REQUIRE(apply(*s, R"({"h":100000,"w":100000,"c":3,"filters":3,"k":3,"padding":"same"})").empty());
  const auto st = state(*s);
  CHECK(std::holds_alternative<std::nullptr_t>(st.at("dense_parameters")));
  CHECK(num(st, "conv_parameters") == 84);
  const std::string d = s->description();
  CHECK_THAT(d, Contains("more than 9.2·10^18 (overflows 64 bits) parameters"));
  CHECK_THAT(d, Contains("dense ÷ conv = unknown (overflow)"));
  CHECK_THAT(d, Contains("these counts overflow 64-bit integers"));
  CHECK(ratio_text(count_of(84), Count{0, true}) == "unknown (overflow)");
  CHECK(ratio_text(Count{0, true}, count_of(84)) == "unknown (overflow)");
  // Exact counts: a whole ratio with separators from 100 up, three digits below.
  CHECK(ratio_text(count_of(4864), count_of(154190848)) == "31,700×");
  CHECK(ratio_text(count_of(3), count_of(10)) == "3.33×");
}
