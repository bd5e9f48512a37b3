#include "stepper.h"

#include "scene_ui.h"

#include <imgui.h>

namespace convplay::app {

const ParamTable<Stepper::State>& Stepper::table() {
  static const ParamTable<State> t{
      int_param("step", &State::step, 0, 1 << 30, "position").no_widget(),
      bool_param("playing", &State::playing, "play").no_widget().not_in_hash(), // the author's play=1 says it
      float_param("speed", &State::speed, 0.25, 20.0, "##speed").log_slider().value_beside().help("speed: steps per second"),
  };
  return t;
}

std::string Stepper::check_step(const JsonObject& in, const State& s, int count, const char* owner) {
  if (count <= 0 || !table().given(in, s, s.step) || s.step < count) return {};
  const std::string n = std::to_string(count);
  return "step must be between 0 and " + std::to_string(count - 1) +
         (owner ? " (" + std::string(owner) + " has " + n + " cells)" : " (there are " + n + " positions)");
}

void Stepper::take(const JsonObject& in, const State& s, int count) {
  set_state(s);
  if (!table().given(in, s, s.step)) set_position(std::min(position(), count - 1), count);
}

void Stepper::set_position(int p, int count) {
  s_.step = count > 0 ? ((p % count) + count) % count : 0;
  accumulated_ = 0.0;
}

void Stepper::set_state(const State& s) {
  if (s.step != s_.step) accumulated_ = 0.0;
  s_ = s;
}

Stepper::State Stepper::shown(int count) const {
  State s = s_;
  if (count >= 0) s.step = position_in(count);
  return s;
}

void Stepper::write_state(JsonWriter& out, int count) const { table().write(shown(count), out); }
void Stepper::list(std::vector<ParamValue>& out, int count) const { table().list(shown(count), out); }

bool Stepper::draw(int count) {
  const int before = s_.step;
  if (count <= 0) {
    s_.step = 0;
    return false;
  }
  if (s_.step >= count) s_.step = count - 1;
  // Shortcuts while the app has the keys and no text field is being edited: K play/pause, ',' and '.' one
  // step back and forward (as in video players; Space and the arrows belong to keyboard navigation).
  // Emscripten's GLFW and the native one both index letter and punctuation keys by their ASCII code.
  const ImGuiIO& io = ImGui::GetIO();
  const bool keys = !io.WantTextInput && !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId);
  if (keys && ImGui::IsKeyPressed('K', false)) {
    s_.playing = !s_.playing;
    accumulated_ = 0.0;
  }
  if (keys && ImGui::IsKeyPressed(',', false)) set_position(s_.step - 1, count);
  if (keys && ImGui::IsKeyPressed('.', false)) set_position(s_.step + 1, count);
  ImGui::PushID(this);
  if (ImGui::Button("|<")) set_position(0, count);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("first position");
  ImGui::SameLine();
  if (ImGui::Button("<")) set_position(s_.step - 1, count);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("step back (key ,)");
  ImGui::SameLine();
  if (ImGui::Button(s_.playing ? "pause" : "play", ImVec2(ImGui::GetFontSize() * 3.5f, 0))) {
    s_.playing = !s_.playing;
    accumulated_ = 0.0;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("play or pause (key K)");
  ImGui::SameLine();
  if (ImGui::Button(">")) set_position(s_.step + 1, count);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("step forward (key .)");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 5.0f);
  table().widget(s_, s_.speed);
  ImGui::SameLine(0.0f, 0.0f);
  ImGui::TextUnformatted(" steps/s");
  ImGui::SameLine();
  const std::string where = "position " + std::to_string(s_.step + 1) + " of " + std::to_string(count);
  if (ImGui::GetContentRegionAvail().x < ImGui::CalcTextSize(where.c_str()).x) ImGui::NewLine();
  ImGui::TextUnformatted(where.c_str());
  ImGui::PopID();
  if (s_.playing) {
    accumulated_ += static_cast<double>(ImGui::GetIO().DeltaTime) * s_.speed;
    if (accumulated_ >= 1.0) {
      const int steps = static_cast<int>(accumulated_);
      accumulated_ -= steps;
      s_.step = (s_.step + steps) % count;
    }
  }
  return s_.step != before;
}

} // namespace convplay::app
