// Browser platform: Emscripten's GLFW on a WebGL2 canvas, plus what its GLFW lacks or gets wrong
// (devicePixelRatio, pausing the main loop when idle, the wheel's direction and units, key presses
// shorter than a frame, WebGL context loss) and the C functions behind window.convplay (web/loader.js).
// The desktop counterpart is platform_native.cpp.
#include "app.h"
#include "platform.h"
#include "dataset_source.h"
#include "export_weights.h"
#include "image_source.h"

#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>
#include <string_view>

namespace convplay::app {
namespace {
constexpr const char* kCanvas = "#canvas";
int g_frames_requested = 0;
bool g_paused = false;
bool (*g_frame)(void*) = nullptr;
void* g_user = nullptr;
bool g_context_lost = false; // between webglcontextlost and webglcontextrestored: nothing is drawn

void on_cursor(GLFWwindow*, double, double) { platform_request_frame(); }
void on_button(GLFWwindow*, int, int, int) { platform_request_frame(); }
void on_key(GLFWwindow*, int, int, int, int) { platform_request_frame(); }
void on_char(GLFWwindow*, unsigned) { platform_request_frame(); }
EM_BOOL on_resize(int, const EmscriptenUiEvent*, void*) {
  platform_request_frame();
  return EM_FALSE;
}

// ImGui 1.86 reads a key as down or up once per frame (io.KeysDown), so a press and release between two
// frames (automation, assistive input, a quick tap) would never be seen, and it takes a frame's typed
// characters before its keys (Backspace then 'x' would delete the 'x'). GLFW's key and character events
// are queued here and handed to ImGui's backend in order at the start of a frame, with the rules of
// ImGui 1.87's input queue ("trickling"): a frame takes at most one change of each key, no key change
// after typed text, and, while a text field is active, no text after a key change; the rest waits.
struct InputEvent { int key, scancode, action, mods; unsigned codepoint; }; // codepoint != 0: a character
std::vector<InputEvent> g_input;
void queue_key(GLFWwindow*, int key, int scancode, int action, int mods) {
  g_input.push_back({key, scancode, action, mods, 0});
  platform_request_frame();
}
void queue_char(GLFWwindow*, unsigned codepoint) {
  if (codepoint == 0) return;
  g_input.push_back({0, 0, 0, 0, codepoint});
  platform_request_frame();
}
void feed_queued_input(GLFWwindow* window) {
  const bool text_field = ImGui::GetIO().WantTextInput;
  std::vector<int> changed; // keys pressed or released in this frame
  bool typed = false;
  size_t i = 0;
  for (; i < g_input.size(); ++i) {
    const InputEvent& e = g_input[i];
    if (e.codepoint) {
      if (text_field && !changed.empty()) break;
      ImGui_ImplGlfw_CharCallback(window, e.codepoint);
      typed = true;
      continue;
    }
    if (e.action != GLFW_REPEAT) {
      if (typed || std::find(changed.begin(), changed.end(), e.key) != changed.end()) break;
      changed.push_back(e.key);
    }
    ImGui_ImplGlfw_KeyCallback(window, e.key, e.scancode, e.action, e.mods);
  }
  g_input.erase(g_input.begin(), g_input.begin() + static_cast<std::ptrdiff_t>(i));
  if (!g_input.empty()) platform_request_frame();
}

// Emscripten 3.1.6's GLFW passes the browser's raw deltaY to ImGui (+100 or +120 for one notch down),
// which ImGui reads as a hundred notches up. This listener replaces it (GLFW's scroll callback is
// removed, so GLFW neither feeds ImGui nor cancels the event): one notch is 100 pixels, 3 lines or
// 1/80 page, as ImGui 1.89's Emscripten handling counts, and the sign is turned (the browser's positive
// is down, ImGui's is up). web/loader.js hides the wheel from the canvas until the student clicks into
// an embed, so until then the page scrolls.
EM_BOOL on_wheel(int, const EmscriptenWheelEvent* e, void*) {
  double per_notch = 100.0;                              // DOM_DELTA_PIXEL
  if (e->deltaMode == DOM_DELTA_LINE) per_notch = 3.0;
  else if (e->deltaMode == DOM_DELTA_PAGE) per_notch = 1.0 / 80.0;
  ImGuiIO& io = ImGui::GetIO();
  io.MouseWheel -= static_cast<float>(e->deltaY / per_notch);
  io.MouseWheelH -= static_cast<float>(e->deltaX / per_notch);
  platform_request_frame();
  return EM_TRUE; // the app scrolled: the page must not
}

// WebGL context loss (GPU reset, memory pressure, too many contexts on the page). preventDefault tells
// the browser the app can be restored; until then no frame is drawn. On restore every GL object is made
// again (App::recreate_gl_objects) and the same state is drawn.
EM_BOOL on_context_lost(int, const void*, void*) {
  g_context_lost = true;
  if (App* app = App::instance()) app->release_gl_objects();
  return EM_TRUE;
}
EM_BOOL on_context_restored(int, const void*, void*) {
  // Extensions enabled on the lost context are off on the restored one: Emscripten's GL layer enables
  // them again (it does so once, when the context is created).
  EM_ASM({
    var context = GL.currentContext;
    if (context && GL.initExtensions) {
      context.initExtensionsDone = false;
      GL.initExtensions(context);
    }
  });
  g_context_lost = false;
  if (App* app = App::instance(); app && !app->recreate_gl_objects())
    std::fprintf(stderr, "convplay: cannot rebuild the GL objects after the WebGL context was restored\n");
  platform_request_frame();
  return EM_TRUE;
}

void tick() {
  static long long drawn = 0;
  if (g_context_lost) { // nothing to draw on: sleep until the context is back (or an event wakes us)
    g_paused = true;
    emscripten_pause_main_loop();
    return;
  }
  bool busy = g_frame(g_user);
  ++drawn;
  // Tell the page (web/loader.js): the first frame resolves window.convplay.ready.
  if (drawn == 1) EM_ASM({ if (Module["convplayFirstFrame"]) Module["convplayFirstFrame"](); });
  EM_ASM({ if (Module["convplayFrame"]) Module["convplayFrame"]($0); }, static_cast<double>(drawn));
  if (g_frames_requested > 0) {
    --g_frames_requested;
    busy = true;
  }
  if (!busy) { // idle: stop requestAnimationFrame until an event or setState wakes us
    g_paused = true;
    emscripten_pause_main_loop();
  }
}
} // namespace

GLFWwindow* platform_create_window(const WindowConfig& config) {
  if (!glfwInit()) {
    std::fprintf(stderr, "convplay: cannot initialise GLFW\n");
    return nullptr;
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  // ImGui draws in 2-D with blending only: no depth or stencil buffer (GLFW asks for 24 and 8 bits, which
  // the browser allocates and clears with every frame), and an opaque canvas (each frame is cleared to the
  // opaque window colour, so the compositor need not blend it over the page).
  glfwWindowHint(GLFW_DEPTH_BITS, 0);
  glfwWindowHint(GLFW_STENCIL_BITS, 0);
  glfwWindowHint(GLFW_ALPHA_BITS, 0);
  GLFWwindow* window = glfwCreateWindow(config.width, config.height, config.title, nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "convplay: cannot create a WebGL2 context\n");
    return nullptr;
  }
  glfwMakeContextCurrent(window);
  emscripten_set_resize_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, EM_FALSE, on_resize);
  emscripten_set_webglcontextlost_callback(kCanvas, nullptr, EM_FALSE, on_context_lost);
  emscripten_set_webglcontextrestored_callback(kCanvas, nullptr, EM_FALSE, on_context_restored);
  return window;
}

const char* platform_glsl_version() { return "#version 300 es"; }

float platform_pixel_ratio(GLFWwindow*) { return static_cast<float>(emscripten_get_device_pixel_ratio()); }

// Emscripten 3.1.6's GLFW ignores devicePixelRatio: size the canvas backing store to CSS size × ratio
// ourselves (the page sizes the canvas with CSS), and give ImGui logical sizes with a framebuffer scale.
void platform_after_imgui_new_frame(GLFWwindow* window) {
  feed_queued_input(window);
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size(kCanvas, &css_w, &css_h);
  if (css_w < 1 || css_h < 1) return; // hidden (display: none): keep the last size
  const double ratio = emscripten_get_device_pixel_ratio();
  int canvas_w = 0, canvas_h = 0;
  emscripten_get_canvas_element_size(kCanvas, &canvas_w, &canvas_h);
  ImGuiIO& io = ImGui::GetIO();
  // GLFW reported the mouse in canvas pixels of the current backing store: back to CSS pixels.
  if (io.MousePos.x != -FLT_MAX && canvas_w > 0 && canvas_h > 0) {
    io.MousePos.x *= static_cast<float>(css_w / canvas_w);
    io.MousePos.y *= static_cast<float>(css_h / canvas_h);
  }
  const int want_w = static_cast<int>(std::lround(css_w * ratio));
  const int want_h = static_cast<int>(std::lround(css_h * ratio));
  if (want_w != canvas_w || want_h != canvas_h) {
    // Not glfwSetWindowSize: it requests fullscreen when the size equals the screen's.
    emscripten_set_canvas_element_size(kCanvas, want_w, want_h);
  }
  io.DisplaySize = ImVec2(static_cast<float>(css_w), static_cast<float>(css_h));
  io.DisplayFramebufferScale = ImVec2(static_cast<float>(want_w / css_w), static_cast<float>(want_h / css_h));
}

bool platform_keeps_last_frame() { return true; } // the canvas is composited again only after it was drawn

void platform_request_frame() {
  g_frames_requested = 3;
  if (g_paused) {
    g_paused = false;
    emscripten_resume_main_loop();
  }
}

void platform_install_input_hooks(GLFWwindow* window) {
  glfwSetCursorPosCallback(window, on_cursor);
  glfwSetMouseButtonCallback(window, on_button);
  glfwSetKeyCallback(window, on_key);
  glfwSetCharCallback(window, on_char);
}

namespace {
// Emscripten 3.1.6's GLFW keeps the clipboard to itself: write to the page's (web/loader.js copyText).
void set_clipboard(void*, const char* text) {
  EM_ASM({ if (Module["convplayCopy"]) Module["convplayCopy"](UTF8ToString($0)); }, text);
}
std::string g_clipboard;
const char* get_clipboard(void*) { return g_clipboard.c_str(); }

// Fashion-MNIST next to the app (bin/datasets/fashion-mnist/, copied by the build): fetched as a stream,
// the compressed bytes counted for the progress bar, inflated by the browser's DecompressionStream and
// handed over piece by piece. A host that already sends the file with Content-Encoding: gzip gives us
// inflated bytes (no gzip magic at the start): those are handed over as they are.
std::map<int, DataFileSink> g_data_sinks;
int g_data_next_id = 0;

EM_JS(void, cp_fetch_data_file_js, (const char* file, int id), {
  var name = "datasets/fashion-mnist/" + UTF8ToString(file);
  var url = Module["locateFile"] ? Module["locateFile"](name, "") : name;
  var finished = false;
  function done(message) {
    if (finished) return;
    finished = true;
    if (!message) { Module["_cp_data_done"](id, 0); return; }
    var n = lengthBytesUTF8(message) + 1, p = _malloc(n);
    stringToUTF8(message, p, n);
    Module["_cp_data_done"](id, p);
    _free(p);
  }
  function deliver(chunk) {
    if (finished || !chunk.length) return;
    var p = _malloc(chunk.length);
    HEAPU8.set(chunk, p);
    Module["_cp_data_bytes"](id, p, chunk.length);
    _free(p);
  }
  (async function () {
    var response = await fetch(url);
    if (!response.ok) throw new Error("the server answered " + response.status + " " + response.statusText);
    var total = response.headers.get("Content-Encoding") ? 0 : (Number(response.headers.get("Content-Length")) || 0);
    var reader = response.body.getReader();
    var received = 0, writer = null, drained = null;
    for (;;) {
      var part = await reader.read();
      if (part.done) break;
      var chunk = part.value;
      if (received === 0 && chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b) {
        var inflate = new DecompressionStream("gzip");
        writer = inflate.writable.getWriter();
        var out = inflate.readable.getReader();
        drained = (async function () {
          for (;;) {
            var o = await out.read();
            if (o.done) return;
            deliver(o.value);
          }
        })();
        drained.catch(function () {}); // awaited below; a failure ends the write loop too
      }
      received += chunk.length;
      Module["_cp_data_progress"](id, received, Math.max(total, received));
      if (writer) await writer.write(chunk);
      else deliver(chunk);
    }
    if (writer) {
      await writer.close();
      await drained;
    }
    done("");
  })().catch(function (e) {
    done(String((e && e.message) || e || "the download failed") + " (" + name + ")");
  });
});

void fetch_data_file(const char* file_name, DataFileSink sink) {
  const int id = ++g_data_next_id;
  g_data_sinks[id] = std::move(sink);
  cp_fetch_data_file_js(file_name, id);
}
} // namespace

// A download started by the page: a Blob of the bytes behind a temporary link, clicked. 0 where there
// is no document (Node, a worker).
EM_JS(int, cp_download_js, (const char* name, const unsigned char* bytes, int size), {
  if (typeof document === "undefined") return 0;
  var blob = new Blob([HEAPU8.slice(bytes, bytes + size)], { type: "application/octet-stream" });
  var a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = UTF8ToString(name);
  document.body.appendChild(a);
  a.click();
  setTimeout(function() { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  return 1;
});

static Expected<std::string> save_file(const std::string& name, const std::string& bytes) {
  if (!cp_download_js(name.c_str(), reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size())))
    return Error{"there is no page to download " + name + " from"};
  return std::string("to the browser's downloads");
}

// The sample pictures next to the app's .wasm (bin/samples/, where the page's locateFile says), fetched
// when a scene first asks for one. The URL is malloc'ed.
EM_JS(char*, cp_sample_url, (const char* file), {
  var name = "samples/" + UTF8ToString(file);
  var url = Module["locateFile"] ? Module["locateFile"](name, "") : name;
  var bytes = lengthBytesUTF8(url) + 1;
  var p = _malloc(bytes);
  stringToUTF8(url, p, bytes);
  return p;
});

static void on_sample_loaded(void* arg, void* buffer, int size) {
  auto* name = static_cast<std::string*>(arg);
  sample_fetched(*name, static_cast<const unsigned char*>(buffer), static_cast<std::size_t>(std::max(size, 0)));
  delete name;
  emscripten_resume_main_loop(); // the app may be idle (paused): draw the picture
}

static void on_sample_failed(void* arg) {
  auto* name = static_cast<std::string*>(arg);
  sample_fetch_failed(*name);
  delete name;
  emscripten_resume_main_loop();
}

static void fetch_sample(const char* file) {
  char* url = cp_sample_url(file);
  emscripten_async_wget_data(url, new std::string(file), on_sample_loaded, on_sample_failed);
  std::free(url);
}

// The page's file picker (web/image_input.js sets Module.convplayOpenImage).
static bool image_picker_on_page() { return EM_ASM_INT({ return Module["convplayOpenImage"] ? 1 : 0; }) != 0; }
static bool open_page_image_picker() {
  return EM_ASM_INT({
    if (!Module["convplayOpenImage"]) return 0;
    Module["convplayOpenImage"]();
    return 1;
  }) != 0;
}

void platform_after_imgui_init(GLFWwindow* window) {
  // Input that ImGui's GLFW backend would take wrongly from Emscripten's GLFW: see on_wheel, queue_key.
  glfwSetScrollCallback(window, nullptr);
  emscripten_set_wheel_callback(kCanvas, nullptr, EM_FALSE, on_wheel);
  glfwSetKeyCallback(window, queue_key);
  glfwSetCharCallback(window, queue_char);
  set_file_saver(save_file);
  ImGuiIO& io = ImGui::GetIO();
  io.SetClipboardTextFn = [](void* user, const char* text) {
    g_clipboard = text;
    set_clipboard(user, text);
  };
  io.GetClipboardTextFn = get_clipboard;
  set_data_fetcher(fetch_data_file);
  set_sample_fetcher(fetch_sample);
  set_image_picker({image_picker_on_page, open_page_image_picker});
}

std::string platform_page_url() {
  char* url = reinterpret_cast<char*>(EM_ASM_INT({
    var href = String(window.location.href).split('#')[0];
    var bytes = lengthBytesUTF8(href) + 1;
    var p = _malloc(bytes);
    stringToUTF8(href, p, bytes);
    return p;
  }));
  std::string s = url ? url : "";
  std::free(url);
  return s;
}

int platform_parse_command_line(int, char**, CommandLine&) { return -1; } // the page passes no arguments

void platform_run(GLFWwindow*, bool (*frame)(void*), void* user) {
  g_frame = frame;
  g_user = user;
  emscripten_set_main_loop(tick, 0, EM_TRUE); // does not return: the browser drives tick()
}

void platform_destroy_window(GLFWwindow*) {} // the page owns the canvas; the loop never ends

} // namespace convplay::app

// ---- The C functions behind window.convplay (web/loader.js) ------------------------------------
namespace {
std::string g_state, g_error;
}

extern "C" {
// JSON of the current state; the pointer stays valid until the next call.
EMSCRIPTEN_KEEPALIVE const char* cp_state_json() {
  g_state = convplay::app::App::instance() ? convplay::app::App::instance()->state_json() : std::string("{}");
  return g_state.c_str();
}
// Applies a partial state (JSON object); 0 on success, else 1 and cp_last_error() says why.
EMSCRIPTEN_KEEPALIVE int cp_set_state_json(const char* json) {
  auto* app = convplay::app::App::instance();
  g_error = app ? app->set_state_json(json ? json : "") : std::string("the app is not running yet");
  convplay::app::platform_request_frame();
  return g_error.empty() ? 0 : 1;
}
EMSCRIPTEN_KEEPALIVE const char* cp_last_error() { return g_error.c_str(); }
// The address hash for the current state ("scene=modes&n=5&…", no '#'); valid until the next call.
EMSCRIPTEN_KEEPALIVE const char* cp_url_hash() {
  g_state = convplay::app::App::instance() ? convplay::app::App::instance()->url_hash() : std::string();
  return g_state.c_str();
}
// Reads an address hash; returns the notice listing what could not be used ("" if all was used).
// The dataset download (cp_fetch_data_file_js above) reports here, on the main thread.
EMSCRIPTEN_KEEPALIVE void cp_data_bytes(int id, const char* bytes, int size) {
  auto it = convplay::app::g_data_sinks.find(id);
  if (it != convplay::app::g_data_sinks.end() && size > 0) it->second.bytes(std::string_view(bytes, static_cast<size_t>(size)));
}
EMSCRIPTEN_KEEPALIVE void cp_data_progress(int id, double received, double total) {
  auto it = convplay::app::g_data_sinks.find(id);
  if (it != convplay::app::g_data_sinks.end())
    it->second.progress(static_cast<int64_t>(received), static_cast<int64_t>(total));
  convplay::app::platform_request_frame();
}
EMSCRIPTEN_KEEPALIVE void cp_data_done(int id, const char* error) {
  auto it = convplay::app::g_data_sinks.find(id);
  if (it == convplay::app::g_data_sinks.end()) return;
  convplay::app::DataFileSink sink = std::move(it->second);
  convplay::app::g_data_sinks.erase(it);
  sink.done(error ? error : "");
  convplay::app::platform_request_frame();
}
EMSCRIPTEN_KEEPALIVE const char* cp_apply_url_hash(const char* hash) {
  auto* app = convplay::app::App::instance();
  g_error = app ? app->apply_url_hash(hash ? hash : "") : std::string("the app is not running yet");
  convplay::app::platform_request_frame();
  return g_error.c_str();
}
}

// The bytes of a file the student picked or dropped (web/image_input.js): 0 if it was opened, else 1
// (the scene shows why). The caller frees `bytes` afterwards; `name` is the file's name. A file too large
// to copy comes as (null, its size): the message says so.
extern "C" EMSCRIPTEN_KEEPALIVE int cp_load_image(const unsigned char* bytes, int size, const char* name) {
  const std::string e = convplay::app::load_user_image(bytes, static_cast<std::size_t>(std::max(size, 0)), name ? name : "");
  emscripten_resume_main_loop();
  return e.empty() ? 0 : 1;
}
// The message of the last attempt ("Opened …" or why not); valid until the next call.
extern "C" EMSCRIPTEN_KEEPALIVE const char* cp_image_message() {
  return convplay::app::user_image_status().message.c_str();
}
