#include "app.h"

#include "background.h"
#include "gl_util.h"
#include "gl.h"
#include "platform.h"
#include "scene_ui.h"
#include "tensor_view.h"
#include "ui_renderer.h"

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <thread>

#ifndef CONVPLAY_FONT_PATH
#define CONVPLAY_FONT_PATH ""
#endif

namespace convplay::app {

App* App::instance_ = nullptr;

App::App() {
  scenes_ = make_scenes();
  scene_ = scenes_.front().get();
  set_app_scenes(&scenes_);
  instance_ = this;
}

App::~App() {
  shutdown();
  instance_ = nullptr;
}

void App::shutdown() {
  if (!window_) return;
  background_discard();                         // closing: queued timings would only delay it
  set_background_mode(BackgroundMode::Inline); // waits for the running task, which may use the pool
  set_app_thread_pool(nullptr);
  set_app_scenes(nullptr);
  scenes_.clear(); // their GL objects go while the context exists
  scene_ = nullptr;
  ui_renderer_release();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  window_ = nullptr;
}

bool App::init(GLFWwindow* window) {
  window_ = window;
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr; // no imgui.ini: a page, a test run and the next start all look the same
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard; // Tab/arrows move the focus, Space/Enter use the control
  apply_theme();
  platform_install_input_hooks(window); // ImGui's backend chains to these
  if (!ImGui_ImplGlfw_InitForOpenGL(window, true) || !ui_renderer_init(platform_glsl_version())) {
    std::fprintf(stderr, "convplay: cannot initialise the ImGui backend or the UI renderer\n");
    return false;
  }
  platform_after_imgui_init(window);
  if (!tensor_views_init(platform_glsl_version())) {
    std::fprintf(stderr, "convplay: cannot build the tensor shaders\n");
    return false;
  }
#if CONVPLAY_THREADS
  // One fixed pool for the whole run.
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  pool_ = std::make_unique<ThreadPool>(std::min(hw, 4u));
  threads_ = static_cast<int>(pool_->workers());
#else
  pool_ = std::make_unique<ThreadPool>(0);
#endif
  set_app_thread_pool(pool_.get());
  // Long work (a scene's timing of a real layer) leaves the main thread: to a worker thread where the
  // build has threads, else cut into one step per frame.
  set_background_mode(ThreadPool::threads_supported() ? BackgroundMode::Thread : BackgroundMode::Stepped);
#if CONVPLAY_THREADS
  // Report only workers that were seen executing work. The probe waits up to a second for them, which
  // the browser's main thread must not do (Emscripten: "Blocking on the main thread is very dangerous"),
  // so it runs on the background thread and frame() takes its answer. A loop of the main thread that
  // holds the pool meanwhile makes the probe run alone: it looks once more before it reports fewer.
  background_submit([this] {
    const auto seen = [this] { return static_cast<int>(pool_->probe_running_threads()) - 1; };
    int ran = seen();
    if (ran < static_cast<int>(pool_->workers())) ran = seen();
    probed_threads_.store(ran);
  });
#endif
  return true;
}

namespace {
struct KeyName {
  const char* name;
  int key;
};
constexpr KeyName kKeyNames[] = {
    {"tab", GLFW_KEY_TAB},       {"space", GLFW_KEY_SPACE},         {"enter", GLFW_KEY_ENTER},   {"escape", GLFW_KEY_ESCAPE},
    {"esc", GLFW_KEY_ESCAPE},    {"up", GLFW_KEY_UP},               {"down", GLFW_KEY_DOWN},     {"left", GLFW_KEY_LEFT},
    {"right", GLFW_KEY_RIGHT},   {"home", GLFW_KEY_HOME},           {"end", GLFW_KEY_END},       {"pageup", GLFW_KEY_PAGE_UP},
    {"pagedown", GLFW_KEY_PAGE_DOWN}, {"backspace", GLFW_KEY_BACKSPACE}, {"delete", GLFW_KEY_DELETE}, {"comma", GLFW_KEY_COMMA},
    {"period", GLFW_KEY_PERIOD}, {"minus", GLFW_KEY_MINUS},
};
struct Modifier {
  const char* name;
  int mod; // GLFW_MOD_…
  int key; // the key that gives it
};
constexpr Modifier kModifiers[] = {{"shift", GLFW_MOD_SHIFT, GLFW_KEY_LEFT_SHIFT},
                                   {"ctrl", GLFW_MOD_CONTROL, GLFW_KEY_LEFT_CONTROL},
                                   {"alt", GLFW_MOD_ALT, GLFW_KEY_LEFT_ALT}};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}
} // namespace

std::vector<KeyPress> parse_key_presses(std::string_view sequence, std::string& error) {
  std::vector<KeyPress> keys;
  auto refuse = [&](std::string_view what, const char* why) {
    error = "--keys: '" + message_excerpt(what) + "' " + why;
    return std::vector<KeyPress>{};
  };
  if (sequence.empty()) return refuse(sequence, "is empty (keys separated by commas, e.g. Tab,Space)");
  size_t at = 0;
  for (;;) {
    const size_t comma = sequence.find(',', at);
    const std::string_view item = sequence.substr(at, comma == std::string_view::npos ? std::string_view::npos : comma - at);
    KeyPress k;
    std::string_view rest = item;
    for (size_t plus = rest.find('+'); plus != std::string_view::npos && plus > 0 && plus + 1 < rest.size(); plus = rest.find('+')) {
      const std::string name = lower(rest.substr(0, plus));
      const Modifier* m = std::find_if(std::begin(kModifiers), std::end(kModifiers), [&](const Modifier& x) { return name == x.name; });
      if (m == std::end(kModifiers)) return refuse(item, "has an unknown modifier (Shift+, Ctrl+ or Alt+)");
      k.mods |= m->mod;
      rest.remove_prefix(plus + 1);
    }
    if (rest.size() == 1 && (std::isalnum(static_cast<unsigned char>(rest[0])) || rest[0] == '.' || rest[0] == '-')) {
      const char c = rest[0];
      k.key = std::isalpha(static_cast<unsigned char>(c)) ? std::toupper(static_cast<unsigned char>(c)) : c; // GLFW's codes for these are ASCII
      k.character = static_cast<unsigned char>(c);
    } else {
      for (const KeyName& n : kKeyNames)
        if (lower(rest) == n.name) k.key = n.key;
      if (k.key == 0)
        return refuse(item, "is not a key (Tab, Space, Enter, Escape, Up, Down, Left, Right, Home, End, PageUp, PageDown, "
                            "Backspace, Delete, Comma, Period, Minus, or one letter, digit, '.' or '-')");
    }
    keys.push_back(k);
    if (comma == std::string_view::npos) break;
    at = comma + 1;
  }
  error.clear();
  return keys;
}

void App::press_key(const KeyPress& k, bool down) {
  if (!window_) return;
  const int action = down ? GLFW_PRESS : GLFW_RELEASE;
  auto modifiers = [&] {
    for (const Modifier& m : kModifiers)
      if (k.mods & m.mod) ImGui_ImplGlfw_KeyCallback(window_, m.key, 0, action, k.mods);
  };
  if (down) modifiers();
  ImGui_ImplGlfw_KeyCallback(window_, k.key, 0, action, k.mods);
  if (down && k.character) ImGui_ImplGlfw_CharCallback(window_, k.character);
  if (!down) modifiers();
}

void App::release_gl_objects() {
  ui_renderer_release();
  tensor_views_release();
  gl_forget_objects(); // TensorView and RgbView make their textures again when next drawn
}

bool App::recreate_gl_objects() {
  return ui_renderer_init(platform_glsl_version()) && tensor_views_init(platform_glsl_version());
}

void App::apply_theme() {
  const int want = author_.dark ? 1 : 0;
  if (want == theme_applied_) return;
  theme_applied_ = want;
  if (want) ImGui::StyleColorsDark();
  else ImGui::StyleColorsLight();
  ImGuiStyle& style = ImGui::GetStyle();
  style.WindowRounding = 0.0f;
  style.FrameRounding = 3.0f;
  style.GrabRounding = 3.0f;
  style.FramePadding = ImVec2(6, 4);
  style.ItemSpacing = ImVec2(8, 6);
  const ThemeColours& colours = theme_colours(want != 0);
  style.Colors[ImGuiCol_WindowBg] = colours.window_bg;
  style.Colors[ImGuiCol_TextDisabled] = colours.muted_text; // intros, hints, notes
  style.Colors[ImGuiCol_ChildBg] = ImVec4(0, 0, 0, 0);
}

void App::rebuild_fonts(float pixel_ratio) {
  // Rasterise at device resolution and scale back, so text is sharp at any devicePixelRatio.
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  static const ImWchar ranges[] = {
      0x0020, 0x00FF, // Latin-1 (×, ·)
      0x0391, 0x03C9, // Greek (σ, Σ)
      0x2010, 0x2027, // dashes, bullet, ellipsis
      0x2190, 0x21FF, // arrows
      0x2200, 0x22FF, // mathematical operators (−, ∗, ⌊ ⌋ nearby)
      0x2308, 0x230B, // floor and ceiling brackets
      0,
  };
  ImFontConfig config;
  config.OversampleH = 2;
  const float size = 16.0f * pixel_ratio;
  ImFont* font = nullptr;
  if (std::FILE* f = std::fopen(CONVPLAY_FONT_PATH, "rb")) {
    std::fclose(f);
    font = io.Fonts->AddFontFromFileTTF(CONVPLAY_FONT_PATH, size, &config, ranges);
  }
  if (!font) {
    std::fprintf(stderr, "convplay: font %s not found, using ImGui's default font\n", CONVPLAY_FONT_PATH);
    ImFontConfig fallback;
    fallback.SizePixels = 13.0f * pixel_ratio;
    io.Fonts->AddFontDefault(&fallback);
  }
  io.FontGlobalScale = 1.0f / pixel_ratio;
  ui_renderer_rebuild_font_texture();
  font_ratio_ = pixel_ratio;
}

std::string App::select_scene(std::string_view id) {
  std::string error;
  if (Scene* s = find_scene(scenes_, id, error)) scene_ = s;
  return error;
}

std::string App::state_json() const {
  JsonWriter w;
  w.field("scene", scene_->id())
      .field("title", scene_->title())
      .field("description", scene_->description())
      .field("threads", threads_)
      .field("simd", static_cast<bool>(CONVPLAY_SIMD))
      .field("build", CONVPLAY_THREADS ? "threads" : "single")
      .field("frames", frames_)
      .field("frames_drawn", frames_drawn_)
      .field("notice", notice_)
      .field("preferred_height", static_cast<long long>(preferred_height_))
      .field("scroll_y", static_cast<long long>(scroll_y_))
      .field("scroll_max_y", static_cast<long long>(scroll_max_y_))
      .field("hash", url_hash())
      .field("editing", editing_)
      .field("share_copied", share_copied_line())
      .field("texture_uploads", tensor_view_uploads())
      .field("draw_calls", ui_renderer_stats().draw_calls)
      .field("draw_commands", ui_renderer_stats().commands)
      .raw_field("layout", layout_report_json());
  std::string scenes = "[";
  for (auto& s : scenes_) scenes += (scenes.size() > 1 ? "," : "") + json_quote(s->id());
  w.raw_field("scenes", scenes + "]");
  w.raw_field("parameters", parameter_specs_json(scene_->parameters()));
  scene_->write_state(w);
  return w.str();
}

std::string App::set_state_json(std::string_view json) {
  // What state() reports besides the scene's parameters: accepted back and ignored, whatever the value,
  // so state() output (with its "scenes" array) can be fed to setState().
  static const std::vector<std::string_view> read_only = {"threads", "simd", "build", "frames", "frames_drawn", "scenes", "notice",
                                                          "preferred_height", "scroll_y", "scroll_max_y", "hash", "editing", "share_copied", "texture_uploads", "draw_calls", "draw_commands",
                                                          "title", "description", "layout", "parameters"};
  JsonObject in;
  std::string error;
  std::vector<JsonNestedValue> nested; // an array or object given for a key: refused below, naming what the key takes
  if (!parse_flat_json_object(json, in, error, read_only, &nested)) return error;
  Scene* target = scene_;
  auto scene_refused = [&](const char* not_what) {
    std::string ids;
    for (auto& s : scenes_) ids += (ids.empty() ? "" : ", ") + std::string(s->id());
    return "scene must be one of: " + ids + not_what;
  };
  if (auto it = in.find("scene"); it != in.end()) {
    const std::string* id = std::get_if<std::string>(&it->second);
    if (!id) return scene_refused("");
    target = find_scene(scenes_, *id, error);
    if (!target) return error;
    in.erase(it);
  }
  for (const JsonNestedValue& n : nested) {
    const std::string not_what = std::string(" (not ") + n.kind + ")";
    if (n.key == "scene") return scene_refused(not_what.c_str());
    for (const ParamValue& p : target->parameters())
      if (n.key == p.spec->key) return n.key + " must be " + p.spec->allowed() + not_what;
    return "'" + message_excerpt(n.key) + "' must be a number, a string, true, false or null" + not_what; // not a parameter
  }
  Scene* previous = scene_;
  scene_ = target;
  if (auto e = scene_->apply_state(in); !e.empty()) {
    scene_ = previous;
    return e;
  }
  return {};
}

std::string App::url_hash() const { return scene_url_hash(*scene_, author_); }

std::string App::apply_url_hash(std::string_view hash) {
  notice_ = load_url_hash(hash, scenes_, scene_, author_);
  set_author_options(author_);
  return notice_;
}

std::string App::share_copied_line() const {
  if (!share_open_ || !ImGui::GetCurrentContext() || ImGui::GetTime() - share_copied_at_ >= 3.0) return {};
  return "Copied the " + share_copied_;
}

void App::draw_share_popup() {
  if (!ImGui::BeginPopup("share")) {
    share_open_ = false;
    return;
  }
  if (!share_open_) { // opened now: the author's form starts from what this page shows, without the scene list
    share_open_ = true;
    share_options_ = embed_defaults(author_);
    share_copied_at_ = -10.0;
  }
  const float field_w = std::min(420.0f, ImGui::GetMainViewport()->WorkSize.x - 40.0f);
  const std::string link = platform_page_url() + "#" + url_hash();
  const std::string embed_link = platform_page_url() + "#" + scene_url_hash(*scene_, share_options_);
  const std::string embed = embed_snippet(embed_link, scene_->title(), kEmbedSize);
  ImGui::TextUnformatted("Share this view");
  ImGui::TextDisabled("The address holds the scene and every setting.");
  if (ImGui::Button("Copy link")) {
    ImGui::SetClipboardText(link.c_str());
    share_copied_ = "link";
    share_copied_at_ = ImGui::GetTime();
  }
  ImGui::SameLine();
  if (ImGui::Button("Copy embed code")) {
    ImGui::SetClipboardText(embed.c_str());
    share_copied_ = "embed code";
    share_copied_at_ = ImGui::GetTime();
  }
  if (const std::string copied = share_copied_line(); !copied.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(0.1f, 0.55f, 0.2f, 1.0f), "%s", copied.c_str());
  }
  ImGui::SetNextItemWidth(field_w);
  ImGui::InputText("##link", const_cast<char*>(link.c_str()), link.size() + 1, ImGuiInputTextFlags_ReadOnly);
  ImGui::InputTextMultiline("##embed", const_cast<char*>(embed.c_str()), embed.size() + 1, ImVec2(field_w, 70.0f),
                            ImGuiInputTextFlags_ReadOnly);
  // The author's options for the embed (the link above keeps this page's own).
  ImGui::TextUnformatted("For a course page (the embed code):");
  ImGui::Checkbox("scene list", &share_options_.nav);
  ImGui::SameLine();
  ImGui::Checkbox("dark theme", &share_options_.dark);
  ImGui::SameLine();
  ImGui::Checkbox("autoplay", &share_options_.play);
  auto toggle = [](std::vector<std::string>& list, const std::string& key, bool on) {
    const auto it = std::find(list.begin(), list.end(), key);
    if (on && it == list.end()) list.push_back(key);
    if (!on && it != list.end()) list.erase(it);
  };
  bool intro = share_options_.hidden("intro");
  if (ImGui::Checkbox("hide the intro", &intro)) toggle(share_options_.hide, "intro", intro);
  ImGui::SameLine();
  bool controls = share_options_.hidden("controls");
  if (ImGui::Checkbox("hide the controls", &controls)) toggle(share_options_.hide, "controls", controls);
  if (ImGui::TreeNode("Lock or hide single controls")) {
    if (ImGui::BeginTable("share controls", 3, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY,
                          ImVec2(field_w, ImGui::GetTextLineHeightWithSpacing() * 7))) {
      for (const ParamValue& p : scene_->parameters()) {
        if (!p.hashed) continue;
        const std::string key = p.spec->key;
        ImGui::PushID(key.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(key.c_str());
        ImGui::TableNextColumn();
        bool locked = share_options_.locked(key), hidden = share_options_.hidden(key);
        if (ImGui::Checkbox("lock", &locked)) toggle(share_options_.lock, key, locked);
        ImGui::TableNextColumn();
        if (ImGui::Checkbox("hide", &hidden)) toggle(share_options_.hide, key, hidden);
        ImGui::PopID();
      }
      ImGui::EndTable();
    }
    ImGui::TreePop();
  }
  ImGui::TextDisabled("More in the README's section for course authors.");
  ImGui::EndPopup();
}

void App::draw_ui() {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  // NoBackground: frame() clears to WindowBg (opaque) already, so the same colour drawn again as a quad over
  // the whole window would only cost a blended, textured pass over every pixel (with software WebGL, such
  // as SwiftShader, about 15 ms of a 1280×800 frame).
  ImGui::Begin("Convolution Playground", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground);
  // Wide: the scene list in a sidebar. Narrow (an embed, a phone): a menu above the scene, so the scene
  // keeps the width.
  const bool narrow = vp->WorkSize.x < kNarrowWidth;
  if (author_.nav && narrow) {
    std::vector<std::string> titles;
    for (auto& s : scenes_) titles.emplace_back(s->title());
    const float share_w = ImGui::CalcTextSize("Share…").x + ImGui::GetStyle().FramePadding.x * 2.0f + ImGui::GetStyle().ItemSpacing.x;
    ImGui::SetNextItemWidth(std::max(ImGui::GetFrameHeight() * 2.0f, std::min(combo_width(titles), ImGui::GetContentRegionAvail().x - share_w)));
    if (begin_combo("##scene list", scene_->title())) {
      for (auto& s : scenes_)
        if (ImGui::Selectable(s->title(), s.get() == scene_)) scene_ = s.get();
      ImGui::EndCombo();
    }
    ImGui::SameLine();
    if (ImGui::Button("Share…")) ImGui::OpenPopup("share");
    draw_share_popup();
  } else if (author_.nav) {
    const float sidebar = std::clamp(vp->WorkSize.x * 0.2f, 150.0f, 230.0f);
    // NavFlattened: the arrows move between the scene list and the scene's controls as one window.
    ImGui::BeginChild("sidebar", ImVec2(sidebar, 0), true, ImGuiWindowFlags_NavFlattened);
    ImGui::TextUnformatted("Convolution");
    ImGui::TextUnformatted("Playground");
    ImGui::Separator();
    for (auto& s : scenes_)
      if (ImGui::Selectable(s->title(), s.get() == scene_)) scene_ = s.get();
    ImGui::Dummy(ImVec2(0, 12));
    ImGui::Separator();
    if (ImGui::Button("Share…")) ImGui::OpenPopup("share");
    draw_share_popup();
    if (ImGui::TreeNode("technical details")) { // closed by default: not for students
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      if (threads_ > 0) ImGui::Text("%d worker thread%s", threads_, threads_ == 1 ? "" : "s");
      else text_wrapped("Runs without threads (this page is not cross-origin isolated).");
      ImGui::TextUnformatted(CONVPLAY_SIMD ? "SIMD on" : "SIMD off");
      ImGui::PopStyleColor();
      ImGui::TreePop();
    }
    ImGui::EndChild();
    ImGui::SameLine();
  }
  ImGui::BeginChild("scene", ImVec2(0, 0), false, ImGuiWindowFlags_NavFlattened);
  if (!notice_.empty()) {
    ImGui::PushStyleColor(ImGuiCol_ChildBg, IM_COL32(255, 243, 205, 255));
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(102, 77, 3, 255));
    const float wrap = ImGui::GetContentRegionAvail().x - 80.0f;
    const float height = ImGui::CalcTextSize(notice_.c_str(), nullptr, false, wrap).y + ImGui::GetStyle().WindowPadding.y * 2;
    ImGui::BeginChild("notice", ImVec2(0, height), false);
    ImGui::PushTextWrapPos(wrap);
    ImGui::TextUnformatted(notice_.c_str());
    ImGui::PopTextWrapPos();
    ImGui::SameLine(ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("dismiss").x - ImGui::GetStyle().FramePadding.x * 2.0f);
    if (ImGui::SmallButton("dismiss")) notice_.clear();
    ImGui::EndChild();
    ImGui::PopStyleColor(2);
  }
  if (!author_.nav) { // no sidebar: Share and the thread line go above the scene, right-aligned and small
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextUnformatted(threads_ > 0 ? "" : "Runs without threads.");
    ImGui::PopStyleColor();
    const float share_w = ImGui::CalcTextSize("Share…").x + ImGui::GetStyle().FramePadding.x * 2.0f;
    ImGui::SameLine(std::max(0.0f, ImGui::GetContentRegionAvail().x - share_w));
    if (ImGui::SmallButton("Share…")) ImGui::OpenPopup("share");
    draw_share_popup();
  }
  // Locked parameters stay as the address set them, whatever a scene's widgets did this frame.
  JsonObject locked_before;
  if (!author_.lock.empty())
    for (const ParamValue& p : scene_->parameters())
      if (author_.locked(p.spec->key)) locked_before[p.spec->key] = p.value;
  scene_->draw();
  layout_report_text_overflow();
  preferred_height_ = ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y * 2;
  scroll_y_ = ImGui::GetScrollY();
  scroll_max_y_ = ImGui::GetScrollMaxY();
  ImGui::EndChild();
  editing_ = ImGui::GetIO().WantTextInput || ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId);
  ImGui::End();
  if (!locked_before.empty()) (void)scene_->apply_state(locked_before);
}

bool App::frame() {
  if (const int ran = probed_threads_.exchange(-1); ran >= 0) {
    if (ran < threads_) std::fprintf(stderr, "convplay: only %d of %d worker threads ran\n", ran, threads_);
    threads_ = ran;
  }
  apply_theme();
  layout_report_begin_frame();
  const float ratio = platform_pixel_ratio(window_);
  if (ratio != font_ratio_) rebuild_fonts(ratio);
  ImGui_ImplGlfw_NewFrame();
  platform_after_imgui_new_frame(window_);
  ImGui::NewFrame();
  draw_ui();
  layout_report_end_frame();
  ImGui::Render();
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  // A frame that would draw the same pixels as the last drawn one is not drawn where the last picture
  // stays shown (the page's canvas): while training, the results change ten times a second, the frames
  // come three times as often.
  if (ui_renderer_prepare(ImGui::GetDrawData(), bg) || !platform_keeps_last_frame()) {
    ui_renderer_draw(ImGui::GetDrawData(), bg);
    ++frames_drawn_;
  }
  ++frames_;
  const bool working = background_poll(); // Stepped mode: the next task runs here, after the frame
  return scene_->animating() || working || !share_copied_line().empty(); // frames until the "Copied" line goes
}

} // namespace convplay::app
