#include "scene_params.h"

#include "scene.h"

#include "scene_ui.h"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <cstdio>
#include <memory>
#include <unordered_map>

namespace convplay::app {

std::string ParamSpec::check(const JsonValue& value) const {
  const JsonObject one{{key, value}};
  switch (type) {
  case ParamType::Int: {
    int v = 0;
    return json_get_int(one, key, static_cast<long long>(lo), static_cast<long long>(hi), v);
  }
  case ParamType::Float: {
    double v = 0;
    return json_get_number(one, key, lo, hi, v);
  }
  case ParamType::Bool: {
    bool v = false;
    return json_get_bool(one, key, v);
  }
  case ParamType::Choice: {
    const std::string* s = std::get_if<std::string>(&value);
    if (s && std::find(choices.begin(), choices.end(), *s) != choices.end()) return {};
    return std::string(key) + " must be " + allowed();
  }
  case ParamType::Text: {
    std::string v;
    return json_get_string(one, key, static_cast<size_t>(hi), v);
  }
  }
  return {};
}

std::string ParamSpec::allowed() const {
  char buf[96];
  switch (type) {
  case ParamType::Int: // the words of the core's json_get_int and json_get_number
    std::snprintf(buf, sizeof buf, "a whole number between %.0f and %.0f", lo, hi);
    return buf;
  case ParamType::Float:
    std::snprintf(buf, sizeof buf, "a number between %g and %g", lo, hi);
    return buf;
  case ParamType::Bool: return "true or false";
  case ParamType::Choice: {
    std::string list;
    for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
    return "one of: " + list;
  }
  case ParamType::Text: return "a text of at most " + std::to_string(static_cast<long long>(hi)) + " characters";
  }
  return {};
}

std::string parameter_specs_json(const std::vector<ParamValue>& params) {
  static constexpr const char* kTypeNames[] = {"int", "number", "bool", "choice", "text"};
  std::string out = "{";
  for (const ParamValue& p : params) {
    const ParamSpec& s = *p.spec;
    JsonWriter w;
    w.field("type", kTypeNames[static_cast<int>(s.type)]).field("allowed", s.allowed());
    if (s.type == ParamType::Int || s.type == ParamType::Float) {
      const bool narrower = s.slider_max > 0;
      const double bottom = narrower ? std::max(s.slider_min, s.lo) : s.lo, top = narrower ? std::min(s.slider_max, s.hi) : s.hi;
      w.field("min", s.lo).field("max", s.hi).field("slider_min", bottom).field("slider_max", top);
    } else if (s.type == ParamType::Text) {
      w.field("max", s.hi);
    } else if (s.type == ParamType::Choice) {
      std::string list = "[";
      for (const auto& c : s.choices) list += (list.size() > 1 ? "," : "") + json_quote(c);
      w.raw_field("choices", list + "]");
    }
    out += (out.size() > 1 ? "," : "") + json_quote(s.key) + ":" + w.str();
  }
  return out + "}";
}

std::string apply_params(const JsonObject& in, std::string_view scene, std::initializer_list<BoundParams> tables,
                         const std::function<bool(std::string_view)>& derived) {
  auto spec_of = [&](std::string_view key) -> const ParamSpec* {
    for (const BoundParams& t : tables)
      for (const ParamSpec* s : t.specs)
        if (key == s->key) return s;
    return nullptr;
  };
  for (const auto& entry : in)
    if (!spec_of(entry.first) && !(derived && derived(entry.first)))
      return "unknown key '" + message_excerpt(entry.first) + "' for scene " + std::string(scene);
  for (const BoundParams& t : tables) // every value checked before any is applied
    for (const ParamSpec* s : t.specs)
      if (auto it = in.find(std::string_view(s->key)); it != in.end())
        if (auto e = s->check(it->second); !e.empty()) return e;
  for (const BoundParams& t : tables)
    for (size_t i = 0; i < t.specs.size(); ++i)
      if (auto it = in.find(std::string_view(t.specs[i]->key)); it != in.end())
        if (auto e = t.set(i, it->second); !e.empty()) return e;
  return {};
}

std::function<bool(std::string_view)> derived_keys(std::function<void(JsonWriter&)> write) {
  auto keys = std::make_shared<std::optional<JsonObject>>();
  return [keys, write = std::move(write)](std::string_view key) {
    if (!*keys) {
      JsonWriter w;
      write(w);
      JsonObject o;
      std::string error;
      if (!parse_flat_json_object(w.str(), o, error)) o.clear();
      *keys = std::move(o);
    }
    return (*keys)->count(key) > 0;
  };
}

namespace {
// A slider's ends: the declared limits unless the declaration gives the slider a narrower range.
double slider_top(const ParamSpec& spec) { return spec.slider_max > 0 ? std::min(spec.slider_max, spec.hi) : spec.hi; }
double slider_bottom(const ParamSpec& spec) { return spec.slider_max > 0 ? std::max(spec.slider_min, spec.lo) : spec.lo; }
} // namespace

std::string tooltip_text(const ParamSpec& spec) {
  std::string text = spec.help;
  const bool slider = spec.widget == Widget::Slider || spec.widget == Widget::LogSlider;
  const bool short_slider = slider && (slider_top(spec) < spec.hi || slider_bottom(spec) > spec.lo);
  if (!short_slider || text.find("Ctrl+click") != std::string::npos) return text;
  char range[80];
  if (slider_bottom(spec) > spec.lo) std::snprintf(range, sizeof range, "Ctrl+click to type from %g to %g", spec.lo, spec.hi);
  else std::snprintf(range, sizeof range, "Ctrl+click to type up to %g", spec.hi);
  return text.empty() ? range : text + "; " + range;
}

bool value_beside_slider(const ParamSpec& spec) {
  if (spec.widget != Widget::Slider && spec.widget != Widget::LogSlider) return false;
  return spec.value_beside || (spec.type == ParamType::Int && slider_top(spec) - slider_bottom(spec) + 1 < 8);
}

namespace detail {

std::string text(const JsonValue& v) {
  if (const double* d = std::get_if<double>(&v)) { // "10" in an address reads as a number
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    return buf;
  }
  const std::string* s = std::get_if<std::string>(&v);
  return s ? *s : std::string();
}

namespace {

void tooltip(const ParamSpec& spec) {
  if (ImGui::IsItemHovered())
    if (const std::string text = tooltip_text(spec); !text.empty()) ImGui::SetTooltip("%s", text.c_str());
}


ImGuiSliderFlags slider_flags(const ParamSpec& spec) {
  ImGuiSliderFlags f = spec.widget == Widget::LogSlider ? ImGuiSliderFlags_Logarithmic : 0;
  // With a narrower slider, Ctrl+click typing may go past its ends (up to the limits, clamped below); else clamp.
  if (slider_top(spec) >= spec.hi && slider_bottom(spec) <= spec.lo) f |= ImGuiSliderFlags_AlwaysClamp;
  return f;
}

void value_beside(const ParamSpec& spec, const char* text) {
  if (!value_beside_slider(spec)) return;
  ImGui::SameLine(0.0f, ImGui::GetStyle().ItemInnerSpacing.x);
  ImGui::TextUnformatted(text);
}

std::optional<JsonValue> draw_number(const ParamSpec& spec, const char* label, double value) {
  const bool integer = spec.type == ParamType::Int;
  bool changed = false;
  char shown[40];
  if (integer) {
    int v = static_cast<int>(value);
    std::snprintf(shown, sizeof shown, "%d", v);
    const char* format = value_beside_slider(spec) ? "" : "%d";
    if (spec.widget == Widget::Input) {
      changed = ImGui::InputInt(label, &v, 1, 8);
      v = std::clamp(v, static_cast<int>(spec.lo), static_cast<int>(spec.hi));
    } else if (spec.widget == Widget::Drag)
      changed = ImGui::DragInt(label, &v, 0.25f, static_cast<int>(spec.lo), static_cast<int>(spec.hi), format,
                               ImGuiSliderFlags_AlwaysClamp);
    else
      changed = ImGui::SliderInt(label, &v, static_cast<int>(slider_bottom(spec)), static_cast<int>(slider_top(spec)), format,
                                 slider_flags(spec));
    value = v;
  } else {
    std::snprintf(shown, sizeof shown, "%.3g", value);
    const char* format = value_beside_slider(spec) ? "" : "%.3g";
    const double lo = spec.lo, bottom = slider_bottom(spec), top = slider_top(spec);
    if (spec.widget == Widget::Drag)
      changed = ImGui::DragScalar(label, ImGuiDataType_Double, &value, static_cast<float>((spec.hi - spec.lo) / 400.0), &lo,
                                  &spec.hi, format, ImGuiSliderFlags_AlwaysClamp);
    else
      changed = ImGui::SliderScalar(label, ImGuiDataType_Double, &value, &bottom, &top, format, slider_flags(spec));
  }
  tooltip(spec);
  value_beside(spec, shown);
  if (!changed) return std::nullopt;
  return JsonValue(std::clamp(value, spec.lo, spec.hi));
}

// What a choice's widget shows for each of its names.
std::vector<std::string> shown_names(const ParamSpec& spec) {
  std::vector<std::string> shown = spec.choices;
  for (size_t i = 0; i < shown.size() && i < spec.shown_as.size(); ++i) shown[i] = spec.shown_as[i];
  return shown;
}

std::optional<JsonValue> draw_choice(const ParamSpec& spec, const char* label, const std::string& current) {
  const auto& names = spec.choices;
  int index = static_cast<int>(std::find(names.begin(), names.end(), current) - names.begin());
  bool changed = false;
  if (spec.widget == Widget::Radio) {
    ImGui::PushID(spec.key);
    if (*label && label[0] != '#') {
      ImGui::TextUnformatted(label);
      ImGui::SameLine();
    }
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string& shown = i < spec.shown_as.size() ? spec.shown_as[i] : names[i];
      if (i) same_line_if_fits(ImGui::GetFrameHeight() + label_width(shown.c_str())); // wraps in a narrow window
      changed |= ImGui::RadioButton(shown.c_str(), &index, static_cast<int>(i));
    }
    ImGui::PopID();
  } else {
    changed = fitted_combo(label, index, shown_names(spec)); // as wide as its longest choice
  }
  tooltip(spec);
  if (!changed || index < 0 || index >= static_cast<int>(names.size())) return std::nullopt;
  return JsonValue(names[static_cast<size_t>(index)]);
}

// A text field's draft while the student edits it; the model's value is shown otherwise.
struct Draft {
  std::string text;
  bool edited = false;   // typed into since the last commit
  bool held = false;     // committed, and the model still shows `model`: the commit was refused (or not yet
  std::string model;     // applied), so the typed text stays in the field beside the scene's message
};
std::unordered_map<ImGuiID, Draft> g_drafts;

std::optional<JsonValue> draw_text(const ParamSpec& spec, const char* label, const std::string& current, const char* button) {
  Draft& d = g_drafts[ImGui::GetID(label)];
  if (d.held && current != d.model) d.held = false;
  if (!d.edited && !d.held) d.text = current;
  bool commit = false;
  if (spec.widget == Widget::TextBox) {
    const float width = ImGui::CalcItemWidth();
    ImGui::InputTextMultiline(label, &d.text, ImVec2(width, ImGui::GetTextLineHeight() * 5.0f));
  } else {
    commit = ImGui::InputText(label, &d.text, ImGuiInputTextFlags_EnterReturnsTrue); // Enter
  }
  if (ImGui::IsItemEdited()) d.edited = true;
  if (ImGui::IsItemDeactivatedAfterEdit() && d.edited) commit = true; // click-away, Tab
  tooltip(spec);
  if (button) {
    if (spec.widget == Widget::TextField) ImGui::SameLine(); // a text box has its button below it
    if (ImGui::Button(button)) commit = true; // the draft, even if the field has not reported losing focus yet
  }
  if (!commit) return std::nullopt;
  d.edited = false;
  d.held = d.text != current;
  d.model = current;
  return JsonValue(d.text);
}

} // namespace

float widget_width(const ParamSpec& spec, const char* label) {
  if (spec.widget == Widget::None || author_options().hidden(spec.key)) return 0.0f;
  const ImGuiStyle& style = ImGui::GetStyle();
  if (spec.type == ParamType::Bool) return ImGui::GetFrameHeight() + label_width(label);
  if (spec.widget == Widget::Radio) { // the label, then the choices on one line
    float w = *label && label[0] != '#' ? ImGui::CalcTextSize(label).x : 0.0f;
    for (size_t i = 0; i < spec.choices.size(); ++i) {
      const std::string& shown = i < spec.shown_as.size() ? spec.shown_as[i] : spec.choices[i];
      w += (w > 0 ? style.ItemSpacing.x : 0.0f) + ImGui::GetFrameHeight() + label_width(shown.c_str());
    }
    return w;
  }
  if (spec.widget == Widget::Combo) return combo_width(shown_names(spec)) + label_width(label);
  const float beside = value_beside_slider(spec) ? style.ItemInnerSpacing.x + ImGui::CalcTextSize("0000").x : 0.0f;
  return ImGui::CalcItemWidth() + label_width(label) + beside;
}

std::optional<JsonValue> draw(const ParamSpec& spec, const char* label, const JsonValue& current, const char* button) {
  if (spec.widget == Widget::None) return std::nullopt;
  Control c{spec.key};
  if (!c.shown) return std::nullopt;
  switch (spec.type) {
  case ParamType::Int:
  case ParamType::Float: return draw_number(spec, label, number(current));
  case ParamType::Bool: {
    bool v = std::get<bool>(current);
    const bool changed = ImGui::Checkbox(label, &v);
    tooltip(spec);
    if (!changed) return std::nullopt;
    return JsonValue(v);
  }
  case ParamType::Choice: return draw_choice(spec, label, std::get<std::string>(current));
  case ParamType::Text: return draw_text(spec, label, text(current), button);
  }
  return std::nullopt;
}

} // namespace detail

std::string default_scene_description(const Scene& scene) {
  std::string text = std::string(scene.title()) + ".";
  for (const ParamValue& p : scene.parameters()) {
    if (!p.spec->written) continue;
    std::string label = p.spec->label;
    if (label.empty() || label.rfind("##", 0) == 0) label = p.spec->key;
    std::string value;
    if (const auto* d = std::get_if<double>(&p.value)) value = format_value(static_cast<float>(*d));
    else if (const auto* b = std::get_if<bool>(&p.value)) value = *b ? "on" : "off";
    else if (const auto* t = std::get_if<std::string>(&p.value)) value = t->size() > 40 ? t->substr(0, 40) + "…" : *t;
    else continue;
    if (value.empty()) continue;
    text += " " + label + ": " + value + ";";
  }
  if (text.back() == ';') text.back() = '.';
  return text;
}

} // namespace convplay::app
