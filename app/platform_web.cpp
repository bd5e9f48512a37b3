// Browser platform: Emscripten's GLFW on a WebGL2 canvas, plus what its GLFW lacks (devicePixelRatio,
// pausing the main loop when idle) and the C functions behind window.convplay (web/loader.js).
// The desktop counterpart is platform_native.cpp.
#include "app.h"
#include "platform.h"
#include "dataset_source.h"
#include "export_weights.h"

#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

namespace convplay::app {
namespace {
constexpr const char* kCanvas = "#canvas";
int g_frames_requested = 0;
bool g_paused = false;
bool (*g_frame)(void*) = nullptr;
void* g_user = nullptr;

void on_cursor(GLFWwindow*, double, double) { platform_request_frame(); }
void on_button(GLFWwindow*, int, int, int) { platform_request_frame(); }
void on_scroll(GLFWwindow*, double, double) { platform_request_frame(); }
void on_key(GLFWwindow*, int, int, int, int) { platform_request_frame(); }
void on_char(GLFWwindow*, unsigned) { platform_request_frame(); }
EM_BOOL on_resize(int, const EmscriptenUiEvent*, void*) {
  platform_request_frame();
  return EM_FALSE;
}

void tick() {
  static long long drawn = 0;
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
  GLFWwindow* window = glfwCreateWindow(config.width, config.height, config.title, nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "convplay: cannot create a WebGL2 context\n");
    return nullptr;
  }
  glfwMakeContextCurrent(window);
  emscripten_set_resize_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, EM_FALSE, on_resize);
  return window;
}

const char* platform_glsl_version() { return "#version 300 es"; }

float platform_pixel_ratio(GLFWwindow*) { return static_cast<float>(emscripten_get_device_pixel_ratio()); }

// Emscripten 3.1.6's GLFW ignores devicePixelRatio: size the canvas backing store to CSS size × ratio
// ourselves (the page sizes the canvas with CSS), and give ImGui logical sizes with a framebuffer scale.
void platform_after_imgui_new_frame(GLFWwindow* window) {
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
  (void)window;
  io.DisplaySize = ImVec2(static_cast<float>(css_w), static_cast<float>(css_h));
  io.DisplayFramebufferScale = ImVec2(static_cast<float>(want_w / css_w), static_cast<float>(want_h / css_h));
}

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
  glfwSetScrollCallback(window, on_scroll);
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

void platform_after_imgui_init(GLFWwindow*) {
  set_file_saver(save_file);
  ImGuiIO& io = ImGui::GetIO();
  io.SetClipboardTextFn = [](void* user, const char* text) {
    g_clipboard = text;
    set_clipboard(user, text);
  };
  io.GetClipboardTextFn = get_clipboard;
  set_data_fetcher(fetch_data_file);
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
