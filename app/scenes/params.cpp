// Scene "params": parameter sharing. A conv layer reuses one small filter bank at every position; the
// dense layer that maps the same input to the same output needs a weight per (input, output) pair.
// Every count comes from the core (convplay/counts.h); this file only lays them out.
#include "../scene.h"
#include "../scene_params.h"
#include "../scene_ui.h"

#include <convplay/counts.h>

#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <string>

namespace convplay::app {
namespace {

struct Params {
  int h = 32, w = 32, c = 3; // input H × W × C
  int filters = 64, k = 5, stride = 1;
  Padding padding = Padding::Valid;
  bool bias = true;
};

const ParamTable<Params> kParams{
    int_param("h", &Params::h, 1, 100000, "input height H").log_slider(),
    int_param("w", &Params::w, 1, 100000, "input width W").log_slider(),
    int_param("c", &Params::c, 1, 100000, "channels C1").log_slider(),
    int_param("filters", &Params::filters, 1, 100000, "filters C2").log_slider(),
    int_param("k", &Params::k, 1, 1024, "kernel K").slider_max(15).help("Ctrl+click to type up to 1024"),
    int_param("stride", &Params::stride, 1, 1024, "stride S").slider_max(8).help("Ctrl+click to type up to 1024"),
    choice_param("padding", &Params::padding, {Padding::Valid, Padding::Same, Padding::Full}, padding_name, "padding"),
    bool_param("bias", &Params::bias, "one bias per filter"),
};

struct Preset {
  const char* name;
  Params p;
};
// The lecture's cases: MNIST 784 inputs, CIFAR-10 3,072, ImageNet 150,528, HD ≈ 2.8 M.
constexpr std::array<Preset, 5> kPresets = {{
    {"Lecture: 32×32×3, 64 filters 5×5", {32, 32, 3, 64, 5, 1, Padding::Valid, true}},
    {"MNIST 28×28×1", {28, 28, 1, 6, 5, 1, Padding::Valid, true}},
    {"CIFAR-10 32×32×3", {32, 32, 3, 32, 3, 1, Padding::Same, true}},
    {"ImageNet 224×224×3", {224, 224, 3, 64, 3, 1, Padding::Same, true}},
    {"HD 1280×720×3", {720, 1280, 3, 64, 3, 1, Padding::Same, true}},
}};

std::string with_commas(Count c) { return format_count(c); }

class ParamsScene final : public Scene {
public:
  const char* id() const override { return "params"; }
  const char* title() const override { return "Parameter sharing"; }
  void draw() override;
  void write_state(JsonWriter& out) const override;
  std::string apply_state(const JsonObject& in) override;
  std::vector<ParamValue> parameters() const override { return kParams.values(p_); }

private:
  Expected<LayerCounts> counts() const {
    ConvLayerSpec s;
    s.channels = p_.c; s.height = p_.h; s.width = p_.w;
    s.out_channels = p_.filters; s.kernel_h = s.kernel_w = p_.k;
    s.stride_h = s.stride_w = p_.stride;
    s.padding = p_.padding;
    s.bias = p_.bias;
    return count_layer(s);
  }
  void draw_chart(const LayerCounts& c);
  void write_results(JsonWriter& out) const; // the derived keys of state()
  std::string description() const override;
  Params p_;
};

void ParamsScene::draw() {
  scene_intro(title(),
              "A convolution layer slides the same few filters over every position of the image, so its weights "
              "do not grow with the image. A dense (fully connected) layer producing the same output from the same "
              "input needs one weight for every input–output pair. Pick a case or change the sizes.");
  scene_layout(
      [&] {
        for (size_t i = 0; i < kPresets.size(); ++i) {
          if (i > 0) same_line_if_fits(ImGui::CalcTextSize(kPresets[i].name).x + ImGui::GetStyle().FramePadding.x * 2);
          if (ImGui::Button(kPresets[i].name)) p_ = kPresets[i].p;
        }
        ImGui::Dummy(ImVec2(0, 4));
        ImGui::PushItemWidth(std::min(220.0f, ImGui::GetContentRegionAvail().x * 0.45f));
        kParams.widget(p_, p_.h);
        same_line_if_fits(kParams.width(p_, p_.w));
        kParams.widget(p_, p_.w);
        kParams.widget(p_, p_.c);
        same_line_if_fits(kParams.width(p_, p_.filters));
        kParams.widget(p_, p_.filters);
        kParams.widget(p_, p_.k);
        same_line_if_fits(kParams.width(p_, p_.stride));
        kParams.widget(p_, p_.stride);
        kParams.widget(p_, p_.padding);
        same_line_if_fits(kParams.width(p_, p_.bias));
        kParams.widget(p_, p_.bias);
        ImGui::PopItemWidth();
      },
      [&] {
        const auto result = counts();
        if (!result.ok()) {
          error_line(result.error());
          return;
        }
        const LayerCounts& c = result.value();
        draw_chart(c);
        text_wrapped("Input %d × %d × %d = %s values  →  output %lld × %lld × %d = %s values", p_.h, p_.w, p_.c,
                    with_commas(c.input_elements).c_str(), static_cast<long long>(c.out_h), static_cast<long long>(c.out_w),
                    p_.filters, with_commas(c.output_elements).c_str());
        text_wrapped("Weights: shape(w) = C2 × K × K × C1 = %d × %d × %d × %d", p_.filters, p_.k, p_.k, p_.c);
        auto row = [](const char* what, const std::string& a, const std::string& b, const std::string& ratio) {
          return std::vector<TextCell>{{what}, {a}, {b}, {ratio}};
        };
        text_table("counts", {"", "convolution", "dense layer, same input and output", "dense ÷ conv"},
                   {row("weights", with_commas(c.conv_weights), with_commas(c.dense_weights), ratio_text(c.conv_weights, c.dense_weights)),
                    row("biases", with_commas(c.conv_biases), with_commas(c.dense_biases), ratio_text(c.conv_biases, c.dense_biases)),
                    row("parameters", with_commas(c.conv_parameters), with_commas(c.dense_parameters),
                        ratio_text(c.conv_parameters, c.dense_parameters)),
                    row("weight memory (float32; 1 MiB = 2^20 bytes)", format_bytes(c.conv_weight_bytes),
                        format_bytes(c.dense_weight_bytes), ratio_text(c.conv_weight_bytes, c.dense_weight_bytes)),
                    row("multiply-adds per image", with_commas(c.conv_macs), with_commas(c.dense_macs),
                        ratio_text(c.conv_macs, c.dense_macs))});
        if (c.any_overflow()) error_line(c.overflow_message());
      },
      {1000.0f, 0.34f});
}

// Horizontal bars on a log10 scale: a dense layer's count is often a thousand times the conv layer's.
void ParamsScene::draw_chart(const LayerCounts& c) {
  struct Bar { const char* label; Count count; ImU32 color; double value; };
  const ImU32 conv = IM_COL32(33, 145, 140, 255), dense = IM_COL32(190, 75, 45, 255);
  Bar bars[] = {{"conv parameters", c.conv_parameters, conv, 0}, {"dense parameters", c.dense_parameters, dense, 0},
                {"conv multiply-adds", c.conv_macs, conv, 0}, {"dense multiply-adds", c.dense_macs, dense, 0}};
  // An overflowing count is drawn to the end of the scale (past 2^63) and labelled as the table says it.
  double top = 10.0;
  for (Bar& b : bars) {
    b.value = b.count.overflow ? 9.3e18 : static_cast<double>(b.count.value);
    top = std::max(top, b.value);
  }
  const int decades = static_cast<int>(std::ceil(std::log10(top)));
  ImGui::Dummy(ImVec2(0, 6));
  ImGui::TextUnformatted("Log scale: each grid line is ten times the one before.");
  const float label_w = 170.0f, bar_h = 22.0f, gap = 6.0f;
  const float width = std::max(60.0f, ImGui::GetContentRegionAvail().x - label_w - 110.0f); // the value fits after the bar
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float height = 4 * (bar_h + gap);
  // Every `every`-th grid line is labelled, so that labels stay at least a space apart at any width.
  const float step = width / static_cast<float>(decades), label_room = ImGui::CalcTextSize("10^19 ").x;
  const int every = std::max(1, static_cast<int>(std::ceil(label_room / step)));
  for (int d = 0; d <= decades; ++d) { // grid lines at 10^d
    const float x = origin.x + label_w + width * static_cast<float>(d) / static_cast<float>(decades);
    dl->AddLine(ImVec2(x, origin.y), ImVec2(x, origin.y + height), IM_COL32(200, 200, 200, 255));
    char buf[16];
    std::snprintf(buf, sizeof buf, "10^%d", d);
    if (d % every == 0) dl->AddText(ImVec2(x - 10, origin.y + height + 2), IM_COL32(120, 120, 120, 255), buf);
  }
  for (int i = 0; i < 4; ++i) {
    const Bar& b = bars[i];
    const float y = origin.y + static_cast<float>(i) * (bar_h + gap);
    dl->AddText(ImVec2(origin.x, y + 3), ImGui::GetColorU32(ImGuiCol_Text), b.label);
    const float len = b.value >= 1.0 ? width * static_cast<float>(std::log10(b.value) / decades) : 0.0f;
    dl->AddRectFilled(ImVec2(origin.x + label_w, y), ImVec2(origin.x + label_w + std::max(len, 2.0f), y + bar_h), b.color);
    const std::string label = with_commas(b.count); // the table's number; an overflow's words inside its bar
    if (b.count.overflow) dl->AddText(ImVec2(origin.x + label_w + 6, y + 3), IM_COL32(255, 255, 255, 255), label.c_str());
    else dl->AddText(ImVec2(origin.x + label_w + std::max(len, 2.0f) + 6, y + 3), ImGui::GetColorU32(ImGuiCol_Text), label.c_str());
  }
  ImGui::Dummy(ImVec2(label_w + width + 100.0f, height + 22.0f));
}

void ParamsScene::write_state(JsonWriter& out) const {
  kParams.write(p_, out);
  write_results(out);
}

void ParamsScene::write_results(JsonWriter& out) const {
  const auto result = counts();
  if (!result.ok()) {
    out.field("error", result.error());
    return;
  }
  const LayerCounts& c = result.value();
  auto count = [&](const char* key, Count v) {
    if (v.overflow) out.raw_field(key, "null");
    else out.field(key, static_cast<long long>(v.value));
  };
  out.field("out_h", static_cast<long long>(c.out_h)).field("out_w", static_cast<long long>(c.out_w));
  count("conv_weights", c.conv_weights);
  count("conv_parameters", c.conv_parameters);
  count("conv_macs", c.conv_macs);
  count("dense_weights", c.dense_weights);
  count("dense_parameters", c.dense_parameters);
  count("dense_macs", c.dense_macs);
  out.field("weight_ratio", c.weight_ratio).field("error", c.any_overflow() ? c.overflow_message() : std::string());
}

std::string ParamsScene::description() const {
  const auto result = counts();
  std::string text = std::string(title()) + ". ";
  if (!result.ok()) return text + result.error();
  const LayerCounts& c = result.value();
  const auto n = [](auto v) { return std::to_string(v); };
  text += "Input " + n(p_.h) + " × " + n(p_.w) + " × " + n(p_.c) + " = " + with_commas(c.input_elements) + " values, " +
          n(p_.filters) + " filters " + n(p_.k) + " × " + n(p_.k) + ", stride " + n(p_.stride) + ", " + padding_name(p_.padding) +
          " padding; output " + n(c.out_h) + " × " + n(c.out_w) + " × " + n(p_.filters) + " = " + with_commas(c.output_elements) +
          " values. Convolution: C2 × K × K × C1 = " + n(p_.filters) + " × " + n(p_.k) + " × " + n(p_.k) + " × " + n(p_.c) + " = " +
          with_commas(c.conv_weights) + " weights + " + with_commas(c.conv_biases) + " biases = " + with_commas(c.conv_parameters) +
          " parameters, " + with_commas(c.conv_macs) + " multiply-adds. Dense layer with the same input and output: " +
          with_commas(c.dense_weights) + " weights, " + with_commas(c.dense_parameters) + " parameters, dense ÷ conv = " +
          ratio_text(c.conv_parameters, c.dense_parameters) + "; " + with_commas(c.dense_macs) + " multiply-adds.";
  if (c.any_overflow()) text += " " + c.overflow_message() + ".";
  return text;
}

std::string ParamsScene::apply_state(const JsonObject& in) {
  Params p = p_;
  if (auto e = apply_params(in, id(), {kParams.bind(p)}, derived_keys([this](JsonWriter& w) { write_results(w); }));
      !e.empty())
    return e;
  p_ = p;
  return {};
}

} // namespace

std::unique_ptr<Scene> make_params_scene() { return std::make_unique<ParamsScene>(); }

} // namespace convplay::app
