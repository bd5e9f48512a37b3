// The scene list the build writes for the page's loader (bin/scenes.json: ids and titles, read from the
// scene files) is the app's own list, in its order.
#include <catch2/catch.hpp>

#include "scene.h"

#include <fstream>
#include <sstream>

using namespace convplay;
using namespace convplay::app;

TEST_CASE("scene list: the loader's scenes.json names every scene as the app does, in its order", "[scenes]") {
  std::ifstream f(CONVPLAY_SCENES_JSON);
  REQUIRE(f.good());
  std::stringstream text;
  text << f.rdbuf();
  std::vector<JsonObject> list;
  std::string error;
  REQUIRE(parse_flat_json_array(text.str(), list, error));
  const auto scenes = make_scenes();
  REQUIRE(list.size() == scenes.size());
  for (size_t i = 0; i < scenes.size(); ++i) {
    INFO("scene " << scenes[i]->id());
    CHECK(std::get<std::string>(list[i].at("id")) == scenes[i]->id());
    CHECK(std::get<std::string>(list[i].at("title")) == scenes[i]->title());
  }
}
