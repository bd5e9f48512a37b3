#include "scene_ui.h"

#include "scene.h"

#include <algorithm>
#include <cmath>
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

void scene_intro(const char* title, const char* text) {
  ImGui::TextUnformatted(title);
  if (g_author.hidden("intro")) {
    ImGui::Dummy(ImVec2(0, 4));
    return;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", text);
  ImGui::PopStyleColor();
  ImGui::Dummy(ImVec2(0, 4));
}

void error_line(const std::string& message) {
  if (message.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(190, 30, 30, 255));
  ImGui::TextWrapped("%s", message.c_str());
  ImGui::PopStyleColor();
}

void hint_line(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", text);
  ImGui::PopStyleColor();
}

std::string check_keys(const JsonObject& in, std::string_view scene, std::initializer_list<std::string_view> known,
                       std::initializer_list<std::string_view> derived) {
  for (const auto& entry : in) {
    const std::string& key = entry.first;
    if (std::find(known.begin(), known.end(), key) == known.end() &&
        std::find(derived.begin(), derived.end(), key) == derived.end())
      return "unknown key '" + key + "' for scene " + std::string(scene);
  }
  return {};
}

void Stepper::set_position(int p, int count) {
  position_ = count > 0 ? ((p % count) + count) % count : 0;
  accumulated_ = 0.0;
}

bool Stepper::draw(int count) {
  const int before = position_;
  if (count <= 0) {
    position_ = 0;
    return false;
  }
  if (position_ >= count) position_ = count - 1;
  ImGui::PushID(this);
  if (ImGui::Button("|<")) set_position(0, count);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("first position");
  ImGui::SameLine();
  if (ImGui::Button("<")) set_position(position_ - 1, count);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("step back");
  ImGui::SameLine();
  if (ImGui::Button(playing_ ? "pause" : "play", ImVec2(ImGui::GetFontSize() * 3.5f, 0))) {
    playing_ = !playing_;
    accumulated_ = 0.0;
  }
  ImGui::SameLine();
  if (ImGui::Button(">")) set_position(position_ + 1, count);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("step forward");
  ImGui::SameLine();
  // The value is written beside the slider, not on it: the grab would cover it.
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5.0f);
  ImGui::SliderFloat("##speed", &speed_, 0.25f, 20.0f, "", ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("speed: steps per second");
  ImGui::SameLine(0.0f, ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::Text("%.2g steps/s", static_cast<double>(speed_));
  ImGui::SameLine();
  const std::string where = "position " + std::to_string(position_ + 1) + " of " + std::to_string(count);
  if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(where.c_str()).x) ImGui::NewLine();
  ImGui::TextUnformatted(where.c_str());
  ImGui::PopID();
  if (playing_) {
    accumulated_ += static_cast<double>(ImGui::GetIO().DeltaTime) * speed_;
    if (accumulated_ >= 1.0) {
      const int steps = static_cast<int>(accumulated_);
      accumulated_ -= steps;
      position_ = (position_ + steps) % count;
    }
  }
  return position_ != before;
}

void Stepper::write_state(JsonWriter& out) const {
  out.field("step", position_).field("playing", playing_).field("speed", static_cast<double>(speed_));
}

std::string Stepper::apply_state(const JsonObject& in) {
  int step = position_;
  bool playing = playing_;
  double speed = speed_;
  for (auto e : {json_get_int(in, "step", 0, 1 << 30, step), json_get_bool(in, "playing", playing),
                 json_get_number(in, "speed", 0.25, 20.0, speed)})
    if (!e.empty()) return e;
  if (step != position_) accumulated_ = 0.0;
  position_ = step; // wrapped into range by the next draw()
  playing_ = playing;
  speed_ = static_cast<float>(speed);
  return {};
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
