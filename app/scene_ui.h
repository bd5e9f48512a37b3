// Widgets and helpers every scene shares: the intro text, error and hint lines, the key check of
// apply_state(), the sliding-window animation controls and the "3·0 + 3·1 + … = 12" line.
#pragma once
#include "url_state.h"

#include <convplay/json.h>
#include <convplay/thread_pool.h>

#include <imgui.h>

#include <initializer_list>
#include <string>
#include <string_view>

namespace convplay::app {

// The application's thread pool (null in tests: run serially), for scenes that compute big layers.
ThreadPool* app_thread_pool();
void set_app_thread_pool(ThreadPool* pool);

// The course author's options (from the URL hash), set by the App; scenes ask through Control.
const AuthorOptions& author_options();
void set_author_options(const AuthorOptions& options);

// A control or panel the author may hide (hide=key) or lock (lock=key):
//   if (Control c{"stride"}; c.shown) ImGui::SliderInt("stride S", ...);
// A locked control is drawn disabled.
class Control {
public:
  explicit Control(const char* key);
  ~Control();
  Control(const Control&) = delete;
  Control& operator=(const Control&) = delete;
  const bool shown;

private:
  bool disabled_ = false;
};

// Title and a short text in our own words: what the scene shows and what to try (author key "intro").
void scene_intro(const char* title, const char* text);
void error_line(const std::string& message); // red, wrapped; nothing when message is empty
void hint_line(const char* text);            // grey, wrapped

// "" if every key of `in` is in `known` or `derived` (derived: read-only keys that write_state() reports
// and setState() accepts back unchanged), else "unknown key 'k' for scene <scene>".
std::string check_keys(const JsonObject& in, std::string_view scene, std::initializer_list<std::string_view> known,
                       std::initializer_list<std::string_view> derived = {});

// The sliding window's position as an animation: play/pause, step back and forward, speed. `count` is
// the number of positions (e.g. output cells); the position wraps around while playing.
class Stepper {
public:
  // Draws the controls; returns true if the position changed (by a button or by time).
  bool draw(int count);
  bool playing() const { return playing_; }
  int position() const { return position_; }
  int position_in(int count) const { return count > 0 ? (position_ < count ? position_ : count - 1) : 0; }
  float speed() const { return speed_; } // positions per second
  void set_position(int p, int count);
  void set_playing(bool p) { playing_ = p; }
  void set_speed(float s) { speed_ = s; }
  // State keys: "step", "playing", "speed".
  void write_state(JsonWriter& out) const;
  std::string apply_state(const JsonObject& in); // validates; changes nothing on error

private:
  int position_ = 0;
  bool playing_ = false;
  float speed_ = 2.0f;
  double accumulated_ = 0.0;
};

// "3·0 + 3·1 + 2·2 + … = 12": at most `max_terms` products written out (the rest as "…").
std::string multiply_adds(const float* inputs, const float* weights, int n, float result, int max_terms = 9);
// Compact number: integers without decimals, otherwise up to 3 significant decimals ("0.25", "-1.5").
std::string format_value(float v);

} // namespace convplay::app
