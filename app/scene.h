// A scene teaches one idea of the lecture. It reads results from the core and draws them; it never
// computes what the core can. Its parameters are its state: written to and read from JSON
// (window.convplay.state()/setState(), and later the URL hash).
#pragma once
#include "scene_params.h"

#include <convplay/json.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace convplay::app {

using convplay::JsonObject;
using convplay::JsonWriter;

class Scene;
// The default description: the title and every written parameter's value. A free function, so that Scene
// has no out-of-line virtual function and every file using it (url_state.cpp, without the scenes) gets
// its type information.
std::string default_scene_description(const Scene& scene);

class Scene {
public:
  virtual ~Scene() = default;
  virtual const char* id() const = 0;    // URL id, e.g. "modes"
  virtual const char* title() const = 0; // shown in the scene list
  virtual void draw() = 0;               // ImGui widgets, inside the scene area
  virtual void write_state(JsonWriter& out) const = 0;
  // Applies the keys it knows (all-or-nothing); returns "" or a message for the student or the host page.
  virtual std::string apply_state(const JsonObject& in) = 0;
  virtual bool animating() const { return false; }
  // Its parameters (from its tables: its own and the Stepper's) with their current values: what the URL
  // hash keeps, what a lock holds, what the tests iterate.
  virtual std::vector<ParamValue> parameters() const = 0;
  // A paragraph for screen readers (the page's live region, state()'s "description"): what the scene shows
  // now, with its numbers. The default names the title and every parameter's value.
  virtual std::string description() const { return default_scene_description(*this); }
};

// The App's scenes, for a scene that reads another's state (the train scene takes the architecture
// scene's stack); null for an unknown id and outside the App (tests).
const Scene* find_app_scene(std::string_view id);
void set_app_scenes(const std::vector<std::unique_ptr<Scene>>* scenes);

// Every scene, in the order of the scene list (generated from app/CMakeLists.txt's list).
std::vector<std::unique_ptr<Scene>> make_scenes();
// One per scene file, app/scenes/<id>.cpp.
std::unique_ptr<Scene> make_modes_scene();  // shape arithmetic
std::unique_ptr<Scene> make_params_scene(); // parameter sharing: conv versus dense

} // namespace convplay::app
