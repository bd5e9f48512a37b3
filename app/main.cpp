// Convolution Playground: the application's entry point, the same on the desktop and in the browser.
// The loop lives in platform_run(): a plain loop natively, the browser's animation frames on the web.
//
// Its command line (natively: convplay_app --help) is platform_parse_command_line().
#include "app.h"
#include "background.h"
#include "platform.h"

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace {
struct Loop {
  convplay::app::App* app;
  convplay::app::CommandLine* options;
  GLFWwindow* window;
  std::vector<convplay::app::KeyPress> keys; // --keys
};

// --keys: after kKeysAfter frames (the window has appeared and taken the focus), key i goes down before
// one frame and up before the next; kKeysSettle frames after the last one let the state follow it.
constexpr long kKeysAfter = 3, kKeysSettle = 3;
long frames_for_keys(size_t keys) { return kKeysAfter + 2 * static_cast<long>(keys) + kKeysSettle; }

void press_scripted_keys(Loop& loop) {
  const long long at = loop.app->frames() - kKeysAfter;
  if (at < 0 || at >= 2 * static_cast<long long>(loop.keys.size())) return;
  loop.app->press_key(loop.keys[static_cast<size_t>(at / 2)], at % 2 == 0);
}
} // namespace

namespace convplay::app {
// screenshot.cpp (native only)
bool save_screenshot(const std::string& path, int width, int height);
void request_close(GLFWwindow* window);
void framebuffer_size(GLFWwindow* window, int* width, int* height);
}

static bool frame(void* user) {
  auto* loop = static_cast<Loop*>(user);
  press_scripted_keys(*loop);
  const bool busy = loop->app->frame();
#ifndef __EMSCRIPTEN__
  if (loop->options->frames > 0 && loop->app->frames() >= loop->options->frames) {
    if (!loop->options->screenshot.empty()) {
      int w = 0, h = 0;
      convplay::app::framebuffer_size(loop->window, &w, &h);
      if (!convplay::app::save_screenshot(loop->options->screenshot, w, h)) std::exit(1);
    }
    if (loop->options->print_state) std::printf("%s\n", loop->app->state_json().c_str());
    convplay::app::request_close(loop->window);
  }
  if (loop->options->frames > 0) return true; // scripted run: never wait for input
#endif
  return busy;
}

// A problem with what the command line asked for: one line, status 2.
static int usage_error(const std::string& message) {
  std::fprintf(stderr, "convplay_app: %s\n", message.c_str());
  return 2;
}

int main(int argc, char** argv) {
  convplay::app::CommandLine options;
  if (const int status = convplay::app::platform_parse_command_line(argc, argv, options); status >= 0) return status;
  const std::string& scene = options.scene;
  static convplay::app::App app; // static: the web main loop outlives main()
  if (!scene.empty()) {
    if (auto e = app.select_scene(scene); !e.empty()) return usage_error(e);
  }
  if (!options.url.empty()) { // as the page does with its address: problems become the app's notice
    if (auto notice = app.apply_url_hash(options.url); !notice.empty()) std::fprintf(stderr, "convplay_app: %s\n", notice.c_str());
  }
  if (!options.state.empty()) {
    if (auto e = app.set_state_json(options.state); !e.empty()) return usage_error("--state: " + e);
  }
  std::vector<convplay::app::KeyPress> keys;
  if (options.keys) {
    std::string error;
    keys = convplay::app::parse_key_presses(*options.keys, error);
    if (!error.empty()) return usage_error(error);
    if (options.frames < frames_for_keys(keys.size()))
      return usage_error("--keys: " + std::to_string(keys.size()) + " key" + (keys.size() == 1 ? "" : "s") + " need --frames " +
                         std::to_string(frames_for_keys(keys.size())) + " or more");
  }
  GLFWwindow* window = convplay::app::platform_create_window(options.window);
  if (!window) return 1;
  if (!app.init(window)) return 1;
  // A scripted run draws what a student would see once the work is done: nothing in the background.
  if (options.frames > 0) convplay::app::set_background_mode(convplay::app::BackgroundMode::Inline);
  static convplay::app::CommandLine kept = options;
  static Loop loop{&app, &kept, window, std::move(keys)};
  convplay::app::platform_run(window, frame, &loop); // on the web, never returns
  app.shutdown();
  convplay::app::platform_destroy_window(window);
  return 0;
}
