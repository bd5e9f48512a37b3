// The App's page API without a window: state() output is accepted by setState() for every scene, and
// hostile values for every key are refused with a message naming the key and what it takes.
#include <catch2/catch.hpp>

#include "app.h"
#include "scene_test_support.h"

#include <convplay/json.h>

#include <nlohmann/json.hpp>

#include <GLFW/glfw3.h> // the key codes of --keys

#include <chrono>
#include <map>
#include <tuple>

using namespace convplay;
using namespace convplay::app;

namespace {
// The state without the fields that change on their own (frames, frames_drawn); the arrays and objects (scenes, layout) skipped.
JsonObject comparable(const std::string& state) {
  JsonObject o;
  std::string error;
  REQUIRE(parse_flat_json_object(state, o, error, {"scenes", "layout", "parameters"}));
  o.erase("frames");
  o.erase("frames_drawn");
  for (auto it = o.begin(); it != o.end();) it = it->first.ends_with("_ms") ? o.erase(it) : std::next(it); // measured times
  return o;
}

// The keys whose values differ between two states, "" if none: what a failed comparison prints.
std::string changed_keys(const JsonObject& a, const JsonObject& b) {
  std::string out;
  for (const auto& [k, v] : a)
    if (!b.count(k) || b.at(k) != v) out += k + " ";
  for (const auto& [k, v] : b)
    if (!a.count(k)) out += k + " ";
  return out;
}

// What the key's message must contain besides the key: "between 1 and 4096", "one of: valid, same", ...
std::string allowed_part(const ParamSpec& spec) {
  const std::string a = spec.allowed();
  for (std::string_view lead : {"a whole number ", "a number "})
    if (a.rfind(lead, 0) == 0) return a.substr(lead.size());
  return spec.type == ParamType::Text ? std::string() : a; // a text's parser says what is wrong with it
}

// JSON values of the wrong type or out of range for `spec` (any key when null): what a hostile page sends.
std::vector<std::string> hostile_values(const ParamSpec* spec) {
  std::vector<std::string> v = {"null", "[1,2]", "{\"a\":1}", "[[[[[[]]]]]]", "\"" + std::string(10000, 'x') + "\"",
                                "\"<img src=x onerror=alert(1)>\""};
  const ParamType t = spec ? spec->type : ParamType::Choice;
  if (t != ParamType::Text) v.insert(v.end(), {"1e9", "-1e308", "1e308", "\"\"", "\"1e9\""}); // a text takes numbers, and may be empty
  if (t == ParamType::Int && spec->lo >= 0) v.push_back("-1");
  if (t != ParamType::Bool) v.push_back("true");
  if (t == ParamType::Bool) v.insert(v.end(), {"1", "0", "\"true\""});
  if (t == ParamType::Int) v.push_back(std::to_string(static_cast<long long>(spec->lo)) + ".5");
  return v;
}
} // namespace

TEST_CASE("setState(state()) is accepted and changes nothing, in every scene", "[app]") {
  App app;
  const auto list = nlohmann::json::parse(app.state_json());
  std::vector<std::string> ids;
  for (const auto& id : list.at("scenes")) ids.push_back(id.get<std::string>());
  REQUIRE(ids.size() >= 6);
  for (const std::string& id : ids) {
    INFO(id);
    REQUIRE(app.select_scene(id).empty());
    const std::string before = app.state_json();
    CHECK(app.set_state_json(before) == "");
    CHECK(comparable(app.state_json()) == comparable(before));
  }
}

TEST_CASE("a changed state carried to a fresh App through setState(state())", "[app]") {
  std::string saved;
  {
    App a;
    REQUIRE(a.set_state_json(R"({"scene":"modes","n":7,"k":5,"stride":2})").empty());
    saved = a.state_json();
  }
  App b;
  REQUIRE(b.set_state_json(saved).empty());
  CHECK(comparable(b.state_json()) == comparable(saved));
  // the read-only keys do not make a wrong value acceptable
  CHECK(b.set_state_json(R"({"scenes":[],"n":"x"})").find("n") != std::string::npos);
}

TEST_CASE("state() lists what setState() takes for each parameter", "[app]") {
  // Compared as parsed JSON: neither the order of the keys nor the spacing is part of the contract.
  App app;
  REQUIRE(app.select_scene("modes").empty());
  const auto params = nlohmann::json::parse(app.state_json()).at("parameters");
  CHECK(params.at("dims") == nlohmann::json::parse(R"({"type":"int","allowed":"a whole number between 1 and 2",
                                                      "min":1,"max":2,"slider_min":1,"slider_max":2})"));
  CHECK(params.at("stride") == nlohmann::json::parse(R"({"type":"int","allowed":"a whole number between 0 and 1024",
                                                        "min":0,"max":1024,"slider_min":0,"slider_max":8})"));
  CHECK(params.at("padding") == nlohmann::json::parse(R"({"type":"choice","allowed":"one of: valid, same, full, explicit",
                                                         "choices":["valid","same","full","explicit"]})"));
  CHECK(params.at("flip") == nlohmann::json::parse(R"({"type":"bool","allowed":"true or false"})"));
  REQUIRE(app.select_scene("architecture").empty());
  CHECK(nlohmann::json::parse(app.state_json()).at("parameters").at("stack") ==
        nlohmann::json::parse(R"({"type":"text","allowed":"a text of at most 4096 characters","max":4096})"));
}

TEST_CASE("hostile setState values, every scene and key: refused naming the key and what it takes, state unchanged", "[app][hostile]") {
  App app;
  double slowest_ms = 0;
  std::string slowest;
  int calls = 0;
  for (auto& fresh : make_scenes()) { // a scene of the same kind, for its parameter specs
    const std::string id = fresh->id();
    INFO("scene " << id);
    REQUIRE(app.set_state_json("{\"scene\":\"" + id + "\"}").empty());
    const auto params = fresh->parameters();
    std::map<std::string, const ParamSpec*, std::less<>> specs;
    for (const ParamValue& p : params) specs[p.spec->key] = p.spec;
    const JsonObject before = comparable(app.state_json());
    for (const auto& entry : before) {
      const std::string& key = entry.first;
      const auto found = specs.find(key);
      const ParamSpec* spec = found == specs.end() ? nullptr : found->second;
      for (const std::string& bad : hostile_values(spec)) {
        INFO("key " << key << " value " << bad.substr(0, 40));
        const auto t0 = std::chrono::steady_clock::now();
        const std::string e = app.set_state_json("{" + json_quote(key) + ":" + bad + "}");
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        ++calls;
        if (ms > slowest_ms) { slowest_ms = ms; slowest = id + " " + key + " " + bad.substr(0, 20); }
        if (key == "scene") {
          CHECK((e.rfind("scene must be one of: modes", 0) == 0 || e.rfind("unknown scene '", 0) == 0));
        } else if (spec) { // a parameter: the message starts with the key and says what it takes
          CHECK(e.rfind(key, 0) == 0);
          // the declared limits, or the narrower ones of this state ("step must be between 0 and 8 (...)")
          const bool numeric = spec->type == ParamType::Int || spec->type == ParamType::Float;
          CHECK((e.find(allowed_part(*spec)) != std::string::npos || (numeric && e.find(" must be between ") != std::string::npos)));
          CHECK(e.size() < 400);
        } else { // a result state() reports: setState takes it back and ignores it, or refuses it by name
          CHECK((e.empty() || e.find(key) != std::string::npos));
        }
        CHECK(changed_keys(comparable(app.state_json()), before) == "");
      }
    }
  }
  WARN(calls << " hostile setState calls; the slowest took " << slowest_ms << " ms (" << slowest << ")");
  CHECK(slowest_ms < 1000); // generous: a frame's time is the aim, timings belong to benchmarks
}

TEST_CASE("an array or object for a key says what the key takes", "[app][hostile]") {
  App app;
  CHECK(app.set_state_json(R"({"scene":"modes","h":[5]})") == "h must be a whole number between 1 and 4096 (not an array)");
  CHECK(app.set_state_json(R"({"scene":"pooling","op":{"max":1}})") == "op must be one of: max, avg (not an object)");
  CHECK(app.set_state_json(R"({"scene":["modes"]})").rfind("scene must be one of: modes, ", 0) == 0);
  CHECK(app.set_state_json(R"({"scene":7})").rfind("scene must be one of: modes, ", 0) == 0);
  // The key is looked up in the scene the call selects, and nothing changes.
  const std::string before = app.state_json();
  CHECK(app.set_state_json(R"({"scene":"architecture","stack":["conv6k5"]})") ==
        "stack must be a text of at most 4096 characters (not an array)");
  CHECK(comparable(app.state_json()) == comparable(before));
  // A step past the new state's positions, and a train stack kept for later, are refused too.
  CHECK(app.set_state_json(R"({"scene":"modes","n":5,"k":3,"step":9})") == "step must be between 0 and 8 (there are 9 positions)");
  CHECK(app.set_state_json(R"({"scene":"modes","n":6,"k":3,"step":15})") == "");
  CHECK(app.set_state_json(R"({"scene":"train","model":"both","stack":"<img src=x>"})").rfind("stack: ", 0) == 0);
  CHECK(app.set_state_json(R"({"zz":[1]})") == "'zz' must be a number, a string, true, false or null (not an array)");
}

TEST_CASE("convplay_app --keys: names, characters and modifiers are read, a bad key is refused by name", "[app][keys]") {
  std::string error;
  const auto keys = parse_key_presses("Tab,shift+TAB,Down,7,k,.,Ctrl+Alt+Enter,Esc,Comma", error);
  REQUIRE(error.empty());
  REQUIRE(keys.size() == 9);
  const std::vector<std::tuple<int, int, unsigned>> want = {
      {GLFW_KEY_TAB, 0, 0u},          {GLFW_KEY_TAB, GLFW_MOD_SHIFT, 0u}, {GLFW_KEY_DOWN, 0, 0u},
      {GLFW_KEY_7, 0, '7'},           {GLFW_KEY_K, 0, 'k'},               {GLFW_KEY_PERIOD, 0, '.'},
      {GLFW_KEY_ENTER, GLFW_MOD_CONTROL | GLFW_MOD_ALT, 0u}, {GLFW_KEY_ESCAPE, 0, 0u}, {GLFW_KEY_COMMA, 0, 0u}};
  for (size_t i = 0; i < keys.size(); ++i) {
    INFO("key " << i);
    CHECK(std::tuple(keys[i].key, keys[i].mods, keys[i].character) == want[i]);
  }
  for (const auto& [bad, says] : std::vector<std::pair<std::string, std::string>>{
           {"Tabb", "--keys: 'Tabb' is not a key ("},
           {"Tab,,Space", "--keys: '' is not a key ("},
           {"Tab,", "--keys: '' is not a key ("},
           {"Hyper+Tab", "--keys: 'Hyper+Tab' has an unknown modifier"},
           {"Shift+", "--keys: 'Shift+' is not a key ("},
           {"", "--keys: '' is empty"},
           {"Tab," + std::string(5000, 'x'), "--keys: 'xxxxxxxx"}}) {
    INFO(bad.substr(0, 40));
    error.clear();
    CHECK(parse_key_presses(bad, error).empty());
    CHECK(error.rfind(says, 0) == 0);
    CHECK(error.size() < 400);
  }
}
