// The platform layer: everything that differs between the desktop (platform_native.cpp) and the
// browser (platform_web.cpp). The rest of the app is written once against these functions.
#pragma once
#include <optional>
#include <string>

struct GLFWwindow;

namespace convplay::app {

struct WindowConfig {
  int width = 1280;  // initial size natively, in screen coordinates; the web canvas follows the page
  int height = 800;
  const char* title = "Convolution Playground";
};

// The app's command line (natively, for development and the tests under Xvfb; convplay_app --help).
struct CommandLine {
  std::string scene;      // --scene ID: open this scene (as index.html#scene=ID does)
  std::string url;        // --url HASH: read an address hash, as the page does ("#scene=params&k=3&nav=0")
  std::string state;      // --state JSON: apply a state object, as window.convplay.setState() does
  long frames = 0;        // --frames N: draw N frames, then exit 0 (0: run until the window closes)
  std::string screenshot; // --screenshot FILE: with --frames, write the last frame as a PNG
  bool print_state = false; // --print-state: with --frames, print state() of the last frame (JSON) on stdout
  std::optional<std::string> keys; // --keys SEQ: with --frames, press these keys one by one over the frames ("Tab,7,Enter")
  WindowConfig window;    // --size WxH
};
// Reads argv into out: -1 to go on, else the exit status (0 after --help; 2 after bad input, written as
// one line "convplay_app: ..." on stderr). The web has no command line (the page's address and
// setState() instead): -1 with the defaults.
int platform_parse_command_line(int argc, char** argv, CommandLine& out);

GLFWwindow* platform_create_window(const WindowConfig& config); // GL context current; nullptr + stderr message on failure
const char* platform_glsl_version();  // "#version 300 es" (WebGL2) or "#version 130" (desktop GL 3.0)
float platform_pixel_ratio(GLFWwindow* window); // device pixels per logical pixel (devicePixelRatio on the web)
void platform_after_imgui_new_frame(GLFWwindow* window); // fixes DisplaySize, framebuffer scale and mouse for high-DPI; web: feeds queued keys
void platform_request_frame();        // something changed (input, state from JS): draw again soon
// True where a frame that makes no GL call keeps the last drawn picture on the screen (a WebGL canvas);
// false where every frame must draw (natively the swapped back buffer's contents are undefined).
bool platform_keeps_last_frame();
// Runs frame() until it returns false or the window closes. frame() returns whether it wants another
// frame right away (animation or input just happened); otherwise the loop sleeps until an event.
void platform_run(GLFWwindow* window, bool (*frame)(void* user), void* user);
void platform_destroy_window(GLFWwindow* window); // after platform_run returns (native)
void platform_install_input_hooks(GLFWwindow* window); // before ImGui's GLFW backend, which chains to them
void platform_after_imgui_init(GLFWwindow* window);     // after the backends: e.g. the page's clipboard
std::string platform_page_url(); // the page's address without the hash (for Share links)

} // namespace convplay::app
