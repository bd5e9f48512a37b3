// Convolution Playground: the application's entry point, the same on the desktop and in the browser.
// The loop lives in platform_run(): a plain loop natively, the browser's animation frames on the web.
//
// Its command line (natively: convplay_app --help) is platform_parse_command_line().
#include "app.h"
#include "background.h"
#include "platform.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace {
struct Loop {
  convplay::app::App* app;
  convplay::app::CommandLine* options;
  GLFWwindow* window;
};
} // namespace

namespace convplay::app {
// screenshot.cpp (native only)
bool save_screenshot(const std::string& path, int width, int height);
void request_close(GLFWwindow* window);
void framebuffer_size(GLFWwindow* window, int* width, int* height);
}

static bool frame(void* user) {
  auto* loop = static_cast<Loop*>(user);
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
  GLFWwindow* window = convplay::app::platform_create_window(options.window);
  if (!window) return 1;
  if (!app.init(window)) return 1;
  // A scripted run draws what a student would see once the work is done: nothing in the background.
  if (options.frames > 0) convplay::app::set_background_mode(convplay::app::BackgroundMode::Inline);
  static convplay::app::CommandLine kept = options;
  static Loop loop{&app, &kept, window};
  convplay::app::platform_run(window, frame, &loop); // on the web, never returns
  app.shutdown();
  convplay::app::platform_destroy_window(window);
  return 0;
}
