// What the scene tests share: a scene's state as an object or as text, setState's path, typed look-ups.
#pragma once
#include <catch2/catch.hpp>

#include "scene.h"

#include <memory>
#include <string>
#include <string_view>

namespace convplay::app::testing {

inline std::string text_of(const Scene& s) { // the state JSON, as window.convplay.state() returns it
  JsonWriter w;
  s.write_state(w);
  return w.str();
}
inline JsonObject state(const Scene& s) {
  JsonObject o;
  std::string error;
  REQUIRE(parse_flat_json_object(text_of(s), o, error));
  return o;
}
// state() without what differs from run to run (measured times).
inline JsonObject stable_state(const Scene& s) {
  JsonObject o = state(s);
  for (auto it = o.begin(); it != o.end();) it = it->first.ends_with("_ms") ? o.erase(it) : std::next(it);
  return o;
}
inline std::string apply(Scene& s, std::string_view json) { // "" or the message setState() would throw
  JsonObject o;
  std::string error;
  if (!parse_flat_json_object(json, o, error)) return error;
  return s.apply_state(o);
}
// Exact-match overloads: a std::string argument would otherwise find std::apply by argument lookup.
inline std::string apply(Scene& s, const std::string& json) { return apply(s, std::string_view(json)); }
inline std::string apply(Scene& s, const char* json) { return apply(s, std::string_view(json)); }
// The scene `id` of the registry (make_scenes()), or null.
inline std::unique_ptr<Scene> scene_by_id(std::string_view id) {
  for (auto& s : make_scenes())
    if (id == s->id()) return std::move(s);
  return nullptr;
}
inline double num(const JsonObject& o, const char* key) {
  INFO("key " << key);
  auto it = o.find(key);
  REQUIRE(it != o.end());
  REQUIRE(std::holds_alternative<double>(it->second));
  return std::get<double>(it->second);
}
inline std::string str(const JsonObject& o, const char* key) {
  INFO("key " << key);
  auto it = o.find(key);
  REQUIRE(it != o.end());
  REQUIRE(std::holds_alternative<std::string>(it->second));
  return std::get<std::string>(it->second);
}

} // namespace convplay::app::testing
