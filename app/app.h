// The application: ImGui setup, the scene list and the frame; platform-independent.
#pragma once
#include "scene.h"
#include "url_state.h"

#include <convplay/thread_pool.h>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct GLFWwindow;

namespace convplay::app {

// One key of a scripted key sequence (convplay_app --keys "Tab,7,Enter"): a GLFW key, its modifiers and
// the character it types into a text field (0: none).
struct KeyPress {
  int key = 0;            // GLFW_KEY_…
  int mods = 0;           // GLFW_MOD_SHIFT | GLFW_MOD_CONTROL | GLFW_MOD_ALT
  unsigned character = 0; // a letter, digit, '.' or '-' also types itself
};
// Reads "Tab,Shift+Tab,Down,Space,Enter,7,K": comma-separated keys, each a name (Tab, Space, Enter, Escape
// or Esc, Up, Down, Left, Right, Home, End, PageUp, PageDown, Backspace, Delete, Comma, Period, Minus) or
// one letter, digit, '.' or '-', after any of the modifiers Shift+, Ctrl+, Alt+ (names in any case).
// On bad input: nothing, and `error` names the key ("--keys: 'Tabb' is not a key (…)").
std::vector<KeyPress> parse_key_presses(std::string_view sequence, std::string& error);

class App {
public:
  App();
  ~App();
  bool init(GLFWwindow* window);  // ImGui, fonts, shaders, threads; false + stderr message on failure
  void shutdown();                 // before the window goes; also done by the destructor
  bool frame();                   // draws one frame; true if it wants another right away (animation)
  std::string state_json() const; // {"scene":..., "threads":..., "simd":..., "frames":..., "editing":..., scene fields}
  std::string set_state_json(std::string_view json); // "" or why not; nothing changes on error
  std::string select_scene(std::string_view id);      // "" or "unknown scene ..."
  // The address hash: "scene=modes&n=5&…" (the scene, its parameters, the author's options).
  std::string url_hash() const;
  // Reads a hash; what it cannot use falls back to the defaults and is listed in the returned notice
  // (also shown in the app). Never fails as a whole.
  std::string apply_url_hash(std::string_view hash);
  // The GL context was lost (web: webglcontextlost): drop every GL object (calls on a lost context do
  // nothing). recreate_gl_objects() after it is restored; false + stderr message if shaders fail.
  void release_gl_objects();
  bool recreate_gl_objects();
  // A scripted key (convplay_app --keys): down or up, handed to ImGui's GLFW backend as GLFW would.
  void press_key(const KeyPress& key, bool down);
  const std::string& notice() const { return notice_; }
  long long frames() const { return frames_; }
  static App* instance() { return instance_; }

private:
  void rebuild_fonts(float pixel_ratio);
  void draw_ui();
  void draw_share_popup();
  std::string share_copied_line() const; // "Copied the link" for 3 s after a copy while the menu is open, else ""
  void apply_theme();

  GLFWwindow* window_ = nullptr;
  std::vector<std::unique_ptr<Scene>> scenes_;
  Scene* scene_ = nullptr;
  std::unique_ptr<ThreadPool> pool_;
  int threads_ = 0;        // worker threads running: those started, until the probe has seen them run (0 in the single-threaded build)
  std::atomic<int> probed_threads_{-1}; // the background probe's answer for frame() to take (-1: none yet)
  long long frames_ = 0;
  long long frames_drawn_ = 0; // frames that drew (the rest showed the same picture: not drawn again)
  float font_ratio_ = 0.0f;
  std::string notice_;     // what the address could not set (shown until dismissed)
  AuthorOptions author_;   // from the address: nav, theme, play, hide, lock
  int theme_applied_ = -1; // 0 light, 1 dark
  float preferred_height_ = 0.0f; // content height of the last frame, reported to a host page
  bool editing_ = false; // a text field or a popup takes the keys (Esc is theirs, not the page's)
  float scroll_y_ = 0.0f, scroll_max_y_ = 0.0f; // the scene's vertical scroll in the last frame (logical px)
  // The Share menu: the author's options for the embed code (from this page's, without the scene list
  // when it opens) and what was copied when (for the "Copied" line).
  AuthorOptions share_options_;
  bool share_open_ = false;
  std::string share_copied_;
  double share_copied_at_ = -10.0;
  static constexpr float kNarrowWidth = 900.0f;     // narrower windows get the scene list as a menu (px)
  static constexpr EmbedSize kEmbedSize{800, 520};   // the Share menu's iframe size
  static App* instance_;
};

} // namespace convplay::app
