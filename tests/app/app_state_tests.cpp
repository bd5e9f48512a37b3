// The App's page API without a window: state() output is accepted by setState() for every scene.
#include <catch2/catch.hpp>

#include "app.h"

#include <convplay/json.h>

using namespace convplay;
using namespace convplay::app;

namespace {
// The state without the fields that change on their own (frames); the arrays and objects (scenes, layout) skipped.
JsonObject comparable(const std::string& state) {
  JsonObject o;
  std::string error;
  REQUIRE(parse_flat_json_object(state, o, error, {"scenes", "layout"}));
  o.erase("frames");
  return o;
}
} // namespace

TEST_CASE("setState(state()) is accepted and changes nothing, in every scene", "[app]") {
  App app;
  const std::string list = app.state_json();
  const auto at = list.find("\"scenes\":[");
  REQUIRE(at != std::string::npos);
  std::vector<std::string> ids; // the ids are plain words: every second piece between quotes
  const std::string array = list.substr(at + 10, list.find(']', at) - at - 10);
  for (std::size_t p = array.find('"'); p != std::string::npos; p = array.find('"', array.find('"', p + 1) + 1))
    ids.push_back(array.substr(p + 1, array.find('"', p + 1) - p - 1));
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
