#include "scene_ui.h"

#include "scene.h"

#include <imgui_internal.h> // the current text wrap position (DC.TextWrapPos), as ImGui::TextWrapped reads it

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

namespace convplay::app {

namespace {
AuthorOptions g_author;
ThreadPool* g_pool = nullptr;
const std::vector<std::unique_ptr<Scene>>* g_scenes = nullptr;
}

const Scene* find_app_scene(std::string_view id) {
  if (g_scenes)
    for (const auto& s : *g_scenes)
      if (id == s->id()) return s.get();
  return nullptr;
}
void set_app_scenes(const std::vector<std::unique_ptr<Scene>>* scenes) { g_scenes = scenes; }

ThreadPool* app_thread_pool() { return g_pool; }
void set_app_thread_pool(ThreadPool* pool) { g_pool = pool; }

const AuthorOptions& author_options() { return g_author; }
void set_author_options(const AuthorOptions& options) { g_author = options; }

Control::Control(const char* key) : shown(!g_author.hidden(key)) {
  if (shown && g_author.locked(key)) {
    ImGui::BeginDisabled();
    disabled_ = true;
  }
}

Control::~Control() {
  if (disabled_) ImGui::EndDisabled();
}

const ThemeColours& theme_colours(bool dark) {
  // Light: the near-white of a course page, so an embed sits on it without a frame; #666 on it is 5.5:1.
  static const ThemeColours light{ImVec4(0.98f, 0.98f, 0.97f, 1.0f), ImVec4(0.40f, 0.40f, 0.40f, 1.0f)};
  // Dark: ImGui's own grey (0.5) would be 4.3:1 on this background; 0.66 is 7:1.
  static const ThemeColours dark_theme{ImVec4(0.11f, 0.11f, 0.12f, 1.0f), ImVec4(0.66f, 0.66f, 0.66f, 1.0f)};
  return dark ? dark_theme : light;
}

namespace {
double relative_luminance(const ImVec4& c) {
  auto linear = [](float v) {
    const double s = v;
    return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * linear(c.x) + 0.7152 * linear(c.y) + 0.0722 * linear(c.z);
}
} // namespace

double contrast_ratio(const ImVec4& a, const ImVec4& b) {
  const double la = relative_luminance(a), lb = relative_luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

void scene_intro(const char* title, const char* text) {
  ImGui::TextUnformatted(title);
  if (g_author.hidden("intro")) {
    ImGui::Dummy(ImVec2(0, 4));
    return;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  text_wrapped("%s", text);
  ImGui::PopStyleColor();
  ImGui::Dummy(ImVec2(0, 4));
}

void error_line(const std::string& message) {
  if (message.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(190, 30, 30, 255));
  text_wrapped("%s", message.c_str());
  ImGui::PopStyleColor();
}

void hint_line(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  text_wrapped("%s", text);
  ImGui::PopStyleColor();
}

std::vector<std::string_view> wrap_at_spaces(std::string_view text, float width,
                                             const std::function<float(std::string_view)>& measure) {
  std::vector<std::string_view> lines;
  const float space = measure(" ");
  size_t para = 0;
  while (para <= text.size()) {
    size_t para_end = text.find('\n', para);
    if (para_end == std::string_view::npos) para_end = text.size();
    size_t line_start = para, line_end = para; // [line_start, line_end): the words placed so far
    float line_w = 0;
    size_t at = para;
    while (at < para_end) {
      if (text[at] == ' ') {
        ++at;
        continue;
      }
      size_t word_end = text.find(' ', at);
      if (word_end == std::string_view::npos || word_end > para_end) word_end = para_end;
      const float word_w = measure(text.substr(at, word_end - at));
      if (line_end > line_start && line_w + space + word_w > width) { // the word starts the next line
        lines.push_back(text.substr(line_start, line_end - line_start));
        line_start = at;
        line_w = word_w;
      } else {
        if (line_end == line_start) line_start = at;
        line_w += (line_end > line_start ? space : 0.0f) + word_w;
      }
      line_end = word_end;
      at = word_end;
    }
    lines.push_back(text.substr(line_start, line_end - line_start));
    para = para_end + 1;
  }
  return lines;
}

void text_wrapped(const char* fmt, ...) {
  char stack_buf[1024];
  va_list args;
  va_start(args, fmt);
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(stack_buf, sizeof stack_buf, fmt, args);
  va_end(args);
  std::string text;
  if (n >= static_cast<int>(sizeof stack_buf)) {
    text.resize(static_cast<size_t>(n) + 1);
    std::vsnprintf(text.data(), text.size(), fmt, copy);
    text.resize(static_cast<size_t>(n));
  } else if (n > 0) {
    text = stack_buf;
  }
  va_end(copy);
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  const float wrap_pos = window->DC.TextWrapPos;
  const float width = std::max(1.0f, ImGui::CalcWrapWidthForPos(window->DC.CursorPos, wrap_pos < 0.0f ? 0.0f : wrap_pos));
  std::string out;
  for (std::string_view line : wrap_at_spaces(text, width, [](std::string_view s) {
         return ImGui::CalcTextSize(s.data(), s.data() + s.size()).x;
       })) {
    if (!out.empty()) out += '\n';
    out.append(line);
  }
  ImGui::PushTextWrapPos(-1.0f); // the lines are broken already
  ImGui::TextUnformatted(out.c_str(), out.c_str() + out.size());
  ImGui::PopTextWrapPos();
}

std::string ratio_text(Count base, Count other) {
  if (base.overflow || other.overflow) return "unknown (overflow)";
  const double r = static_cast<double>(other.value) / static_cast<double>(std::max<int64_t>(1, base.value));
  if (r >= 100.0) return format_count(count_of(std::llround(r))) + "×"; // "32,113×" rather than "3.21e+04×"
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g×", r);
  return buf;
}

std::string format_value(float v) {
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e7f) std::snprintf(buf, sizeof buf, "%.0f", static_cast<double>(v));
  else std::snprintf(buf, sizeof buf, "%.3g", static_cast<double>(v));
  std::string s = buf;
  if (s == "-0") s = "0";
  if (!s.empty() && s[0] == '-') s = "\u2212" + s.substr(1); // the typographic minus, as elsewhere in the app
  return s;
}

std::string multiply_adds(const float* inputs, const float* weights, int n, float result, int max_terms) {
  std::string s;
  const int shown = std::min(n, max_terms);
  for (int i = 0; i < shown; ++i) {
    if (i) s += " + ";
    const std::string x = format_value(inputs[i]), w = format_value(weights[i]);
    const bool xneg = inputs[i] < 0 && x != "0", wneg = weights[i] < 0 && w != "0";
    s += (xneg ? "(" + x + ")" : x) + "·" + (wneg ? "(" + w + ")" : w);
  }
  if (shown < n) s += " + … (" + std::to_string(n - shown) + " more)";
  if (n == 0) s = "0";
  return s + " = " + format_value(result);
}

} // namespace convplay::app
