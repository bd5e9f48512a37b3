// Desktop platform: GLFW window with an OpenGL 3.0 context. The web counterpart is platform_web.cpp.
#include "platform.h"
#include "dataset_source.h"
#include "export_weights.h"
#include "image_source.h"

#include "command_line.h" // cli/: CLI11 with the programs' error rules

#include <convplay/npy.h>

#include <GLFW/glfw3.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace convplay::app {
namespace {
int g_frames_requested = 0; // frames still to draw after the last event (ImGui settles hover state)
void on_glfw_error(int code, const char* message) { std::fprintf(stderr, "convplay: GLFW error %d: %s\n", code, message); }
void on_cursor(GLFWwindow*, double, double) { platform_request_frame(); }
void on_button(GLFWwindow*, int, int, int) { platform_request_frame(); }
void on_scroll(GLFWwindow*, double, double) { platform_request_frame(); }
void on_key(GLFWwindow*, int, int, int, int) { platform_request_frame(); }
void on_char(GLFWwindow*, unsigned) { platform_request_frame(); }
void on_size(GLFWwindow*, int, int) { platform_request_frame(); }
// A file dropped on the window: the student's own picture (the scenes that use pictures switch to it;
// what went wrong is shown there). Only the first file of a multiple drop.
void on_drop(GLFWwindow*, int count, const char** paths) {
  if (count > 0 && paths && paths[0]) (void)load_user_image_file(paths[0]);
  platform_request_frame();
}
} // namespace

GLFWwindow* platform_create_window(const WindowConfig& config) {
  glfwSetErrorCallback(on_glfw_error);
  if (!glfwInit()) {
    std::fprintf(stderr, "convplay: cannot initialise GLFW (no display? run under xvfb-run)\n");
    return nullptr;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  GLFWwindow* window = glfwCreateWindow(config.width, config.height, config.title, nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "convplay: cannot create an OpenGL 3.0 window\n");
    glfwTerminate();
    return nullptr;
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);
  return window;
}

const char* platform_glsl_version() { return "#version 130"; }

float platform_pixel_ratio(GLFWwindow*) {
  // On X11, window coordinates are device pixels already: ImGui's GLFW backend gets sizes right.
  return 1.0f;
}

void platform_after_imgui_new_frame(GLFWwindow*) {}

void platform_request_frame() { g_frames_requested = 3; }

void platform_install_input_hooks(GLFWwindow* window) {
  glfwSetCursorPosCallback(window, on_cursor);
  glfwSetMouseButtonCallback(window, on_button);
  glfwSetScrollCallback(window, on_scroll);
  glfwSetKeyCallback(window, on_key);
  glfwSetCharCallback(window, on_char);
  glfwSetFramebufferSizeCallback(window, on_size);
  glfwSetDropCallback(window, on_drop);
}

// The desktop has no downloads folder of its own: the file goes into the current folder.
static Expected<std::string> save_file(const std::string& name, const std::string& bytes) {
  std::error_code ec;
  const std::filesystem::path path = std::filesystem::current_path(ec) / name;
  if (ec) return Error{"cannot find the current folder: " + ec.message()};
  if (auto e = write_file_atomically(path.string(), bytes); !e.empty()) return Error{e};
  return "in " + path.string();
}

// Fashion-MNIST from Debian's dataset-fashion-mnist (or CONVPLAY_DATASET_DIR), read and inflated at once.
static void fetch_data_file(const char* file_name, DataFileSink sink) {
  const char* dir = std::getenv("CONVPLAY_DATASET_DIR");
  const std::string path = std::string(dir && *dir ? dir : kFashionMnistDir) + "/" + file_name;
  std::error_code ec;
  const auto size = static_cast<int64_t>(std::filesystem::file_size(path, ec));
  auto bytes = read_data_file(path);
  if (!bytes.ok()) {
    sink.done(bytes.error() + (dir && *dir ? "" : " (install Debian's dataset-fashion-mnist: tools/setup.sh)"));
    return;
  }
  sink.progress(ec ? 0 : size, ec ? 0 : size);
  sink.bytes(bytes.value());
  sink.done({});
}

void platform_after_imgui_init(GLFWwindow*) { // GLFW's own clipboard is the desktop's
  set_data_fetcher(fetch_data_file);
  set_file_saver(save_file);
  // The sample pictures are read from disk and a picture comes by a drop on the window (on_drop):
  // image_source.cpp's defaults, with no sample fetcher or picker installed.
}

int platform_parse_command_line(int argc, char** argv, CommandLine& out) {
  CLI::App parser{"Convolution Playground, the desktop app", "convplay_app"};
  int64_t frames = 0;
  std::string size;
  parser.add_option("--scene", out.scene, "open this scene (as index.html#scene=ID does)");
  parser.add_option("--url", out.url, "read an address hash, as the page does, e.g. '#scene=params&k=3'");
  parser.add_option("--state", out.state, "apply a state object, as window.convplay.setState() does");
  parser.add_option("--size", size, "window size WxH (1280x800; 200x150 to 8192x8192)");
  cli::add_int(parser, "--frames", frames, 1, 1000000, "draw N frames, then exit");
  parser.add_option("--screenshot", out.screenshot, "with --frames: write the last frame as a PNG");
  parser.add_flag("--print-state", out.print_state, "with --frames: print state() of the last frame (JSON) on stdout");
  std::string keys;
  parser.add_option("--keys", keys, "with --frames: press these keys one per two frames, e.g. 'Tab,7,Enter' (names: Tab, Space, "
                                    "Enter, Escape, Up, Down, Left, Right, Home, End, PageUp, PageDown, Backspace, Delete, "
                                    "Comma, Period, Minus; one letter, digit, '.' or '-'; Shift+, Ctrl+, Alt+)");
  bool go_on = false;
  const int status = cli::run(parser, "convplay_app", argc, argv, [&] {
    if (!size.empty()) {
      auto wh = cli::need(cli::parse_ints("size", size, 'x', 2, 2, 1, 8192));
      if (wh[0] < 200 || wh[1] < 150) throw cli::Failure{"--size: " + size + " is smaller than 200x150"};
      out.window.width = static_cast<int>(wh[0]);
      out.window.height = static_cast<int>(wh[1]);
    }
    if (parser.count("--screenshot") && out.screenshot.empty()) throw cli::Failure{"--screenshot: empty file name"};
    if (!out.screenshot.empty() && frames == 0) throw cli::Failure{"--screenshot needs --frames N"};
    if (out.print_state && frames == 0) throw cli::Failure{"--print-state needs --frames N"};
    if (parser.count("--keys")) {
      if (frames == 0) throw cli::Failure{"--keys needs --frames N"};
      out.keys = keys;
    }
    out.frames = static_cast<long>(frames);
    go_on = true;
    return 0;
  });
  return go_on ? -1 : status;
}

// What tools/play.sh serves; Share links from the desktop build point there.
std::string platform_page_url() { return "http://127.0.0.1:8080/index.html"; }

void platform_run(GLFWwindow* window, bool (*frame)(void*), void* user) {
  bool busy = true;
  while (!glfwWindowShouldClose(window)) {
    if (busy) glfwPollEvents();
    else glfwWaitEvents(); // idle: no CPU until something happens
    busy = frame(user);
    glfwSwapBuffers(window);
    if (g_frames_requested > 0) {
      --g_frames_requested;
      busy = true;
    }
  }
}

bool platform_keeps_last_frame() { return false; }

void platform_destroy_window(GLFWwindow* window) {
  glfwDestroyWindow(window);
  glfwTerminate();
}

} // namespace convplay::app
