// Convolution Playground: the application's entry point, the same on the desktop and in the browser.
// The loop lives in platform_run(): a plain loop natively, the browser's animation frames on the web.
//
// Native options (for development and the tests under Xvfb):
//   --scene ID           open this scene (as index.html#scene=ID does)
//   --url HASH           read an address hash, as the page does ("#scene=params&k=3&nav=0")
//   --state JSON         apply a state object, as window.convplay.setState() does
//   --size WxH           window size (default 1280x800)
//   --frames N           draw N frames, then exit 0
//   --screenshot FILE    with --frames: write the last frame as a PNG
//   --print-state        with --frames: print state() of the last frame (JSON) on stdout
#include "app.h"
#include "background.h"
#include "platform.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {
struct Options {
  long frames = 0;          // 0: run until the window closes
  std::string screenshot;
  std::string state;
  std::string url;
  bool print_state = false;
  convplay::app::WindowConfig window;
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "convplay_app: %s\nusage: convplay_app [--scene ID] [--url HASH] [--state JSON] [--size WxH] "
                       "[--frames N [--screenshot FILE.png] [--print-state]]\n", message.c_str());
  return 2;
}

bool parse_long(const char* s, long lo, long hi, long& out) {
  char* end = nullptr;
  long v = std::strtol(s, &end, 10);
  if (end == s || *end != '\0' || v < lo || v > hi) return false;
  out = v;
  return true;
}

struct Loop {
  convplay::app::App* app;
  Options* options;
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

int main(int argc, char** argv) {
  Options options;
  std::string scene;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)name;
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::printf("usage: convplay_app [--scene ID] [--url HASH] [--state JSON] [--size WxH] [--frames N [--screenshot FILE.png] [--print-state]]\n");
      return 0;
    } else if (arg == "--frames") {
      const char* v = value("--frames");
      if (!v || !parse_long(v, 1, 1000000, options.frames)) return usage_error("--frames needs a number from 1 to 1000000");
    } else if (arg == "--screenshot") {
      const char* v = value("--screenshot");
      if (!v || !*v) return usage_error("--screenshot needs a file name");
      options.screenshot = v;
    } else if (arg == "--print-state") {
      options.print_state = true;
    } else if (arg == "--scene") {
      const char* v = value("--scene");
      if (!v) return usage_error("--scene needs a scene id");
      scene = v;
    } else if (arg == "--state") {
      const char* v = value("--state");
      if (!v) return usage_error("--state needs a JSON object");
      options.state = v;
    } else if (arg == "--url") {
      const char* v = value("--url");
      if (!v) return usage_error("--url needs an address hash, e.g. '#scene=params&k=3'");
      options.url = v;
    } else if (arg == "--size") {
      const char* v = value("--size");
      int w = 0, h = 0;
      char extra = 0;
      if (!v || std::sscanf(v, "%dx%d%c", &w, &h, &extra) != 2 || w < 200 || h < 150 || w > 8192 || h > 8192)
        return usage_error("--size needs WxH, e.g. 1280x800 (200x150 to 8192x8192)");
      options.window.width = w;
      options.window.height = h;
    } else {
      return usage_error("unknown option '" + arg + "'");
    }
  }
  if (!options.screenshot.empty() && options.frames == 0) return usage_error("--screenshot needs --frames N");
  if (options.print_state && options.frames == 0) return usage_error("--print-state needs --frames N");

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
  static Options kept = options;
  static Loop loop{&app, &kept, window};
  convplay::app::platform_run(window, frame, &loop); // on the web, never returns
  app.shutdown();
  convplay::app::platform_destroy_window(window);
  return 0;
}
