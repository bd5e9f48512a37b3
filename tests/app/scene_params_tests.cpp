// Every scene's parameter table, through the same path as setState(): the defaults are in state() and
// read back unchanged; a value out of range or of the wrong type, and an unknown key, are refused with a
// message naming the key, and leave the state as it was.
#include <catch2/catch.hpp>

#include "scene_test_support.h"
#include "url_state.h"

#include <cmath>

using namespace convplay;
using namespace convplay::app;
using namespace convplay::app::testing;

namespace {

// Values that the parameter must refuse.
std::vector<JsonValue> bad_values(const ParamSpec& spec) {
  switch (spec.type) {
  case ParamType::Int: return {spec.lo - 1, spec.hi + 1, spec.lo + 0.5, std::string("x"), true};
  case ParamType::Float: return {spec.lo - 1 - std::fabs(spec.lo), spec.hi + 1 + std::fabs(spec.hi), std::string("x"), false};
  case ParamType::Bool: return {std::string("yes"), 1.0};
  case ParamType::Choice: return {std::string("no such choice"), 3.0, true};
  case ParamType::Text: return {std::string(static_cast<size_t>(spec.hi) + 1, '1'), true};
  }
  return {};
}

} // namespace

TEST_CASE("parameter tables: defaults are in state() and read back unchanged, through setState and the address", "[params-table]") {
  for (auto& scene : make_scenes()) {
    INFO("scene " << scene->id());
    const auto params = scene->parameters();
    REQUIRE(!params.empty());
    const JsonObject before = stable_state(*scene);
    JsonObject all, through_url;
    for (const ParamValue& p : params) {
      INFO("key " << p.spec->key);
      REQUIRE(before.count(p.spec->key) == 1);
      CHECK(before.at(p.spec->key) == p.value);
      CHECK(p.spec->check(p.value) == "");
      CHECK(p.spec->lo <= p.spec->hi);
      CHECK(p.spec->slider_max <= p.spec->hi); // a slider never goes past what setState accepts
      if (p.spec->slider_max > 0) CHECK(p.spec->slider_min >= p.spec->lo);
      if (p.spec->type == ParamType::Choice) CHECK(!p.spec->choices.empty());
      all[p.spec->key] = p.value;
      if (p.hashed) through_url[p.spec->key] = url_value_to_json(json_to_url_value(p.value));
    }
    CHECK(scene->apply_state(all) == "");
    CHECK(stable_state(*scene) == before);
    CHECK(scene->apply_state(through_url) == "");
    CHECK(stable_state(*scene) == before);
    // state() as a whole, derived keys included, is accepted back.
    CHECK(testing::apply(*scene, text_of(*scene)) == "");
    CHECK(stable_state(*scene) == before);
  }
}

TEST_CASE("parameter tables: bad values and unknown keys are refused with the key named, state unchanged", "[params-table]") {
  for (auto& scene : make_scenes()) {
    INFO("scene " << scene->id());
    const auto params = scene->parameters();
    REQUIRE(!params.empty());
    const JsonObject before = stable_state(*scene);
    for (const ParamValue& p : params)
      for (const JsonValue& bad : bad_values(*p.spec)) {
        INFO("key " << p.spec->key << " value " << json_to_url_value(bad));
        const std::string e = scene->apply_state(JsonObject{{p.spec->key, bad}});
        CHECK(e.rfind(p.spec->key, 0) == 0); // the message starts with the key
        CHECK(p.spec->check(bad) == e);
        // Together with a good value of another key: all or nothing.
        JsonObject mixed{{p.spec->key, bad}};
        for (const ParamValue& q : params)
          if (q.spec != p.spec) mixed[q.spec->key] = q.value;
        CHECK(scene->apply_state(mixed) == e);
        CHECK(stable_state(*scene) == before);
      }
    CHECK(testing::apply(*scene, R"({"zz_not_a_key":1})") == "unknown key 'zz_not_a_key' for scene " + std::string(scene->id()));
    CHECK(stable_state(*scene) == before);
  }
}

TEST_CASE("parameter tables: a slider that stops before what the address accepts says how to type the rest", "[params-table]") {
  for (auto& scene : make_scenes()) {
    INFO("scene " << scene->id());
    for (const ParamValue& p : scene->parameters()) {
      const ParamSpec& s = *p.spec;
      if (s.widget != Widget::Slider && s.widget != Widget::LogSlider) continue;
      if (s.slider_max <= 0 || (s.slider_max >= s.hi && s.slider_min <= s.lo)) continue;
      INFO("key " << s.key << ", tooltip '" << tooltip_text(s) << "'");
      CHECK(tooltip_text(s).find("Ctrl+click to type") != std::string::npos);
      if (s.help[0] == '\0') CHECK(tooltip_text(s) == "Ctrl+click to type up to " + std::to_string(static_cast<int>(s.hi)));
    }
  }
}

TEST_CASE("parameter tables: an integer slider of few steps writes its value beside it, not under its wide grab", "[params-table]") {
  ParamSpec k = spec_of("k", ParamType::Int, "kernel K", Widget::Slider, 3, 7); // 5 steps: a grab a fifth of the slider
  CHECK(value_beside_slider(k));
  ParamSpec n = spec_of("n", ParamType::Int, "input size n", Widget::Slider, 8, 40);
  CHECK_FALSE(value_beside_slider(n));
  n.slider_min = 8;
  n.slider_max = 12; // the slider's own range counts, not the limits
  CHECK(value_beside_slider(n));
  CHECK_FALSE(value_beside_slider(spec_of("h", ParamType::Int, "h", Widget::LogSlider, 1, 4096)));
  CHECK_FALSE(value_beside_slider(spec_of("bias", ParamType::Float, "bias", Widget::Slider, -1, 1)));
  CHECK_FALSE(value_beside_slider(spec_of("c", ParamType::Int, "c", Widget::Input, 1, 3))); // a number field shows its value
  // The scenes' small sliders: features' kernel K (3 to 7) and colour's K (1 to 7).
  for (auto& scene : make_scenes())
    for (const ParamValue& p : scene->parameters())
      if ((std::string(scene->id()) == "features" || std::string(scene->id()) == "color") && std::string(p.spec->key) == "k")
        CHECK(value_beside_slider(*p.spec));
}
