// Widgets and helpers every scene shares: the intro text, error and hint lines, the author's hide and
// lock (Control) and the "3·0 + 3·1 + … = 12" line.
#pragma once
#include "stepper.h"
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

// "3·0 + 3·1 + 2·2 + … = 12": at most `max_terms` products written out (the rest as "…").
std::string multiply_adds(const float* inputs, const float* weights, int n, float result, int max_terms = 9);
// Compact number: integers without decimals, otherwise up to 3 significant decimals ("0.25", "-1.5").
std::string format_value(float v);

} // namespace convplay::app
