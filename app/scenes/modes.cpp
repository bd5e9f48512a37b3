// Scene "modes": shape arithmetic of convolution. The student picks sizes, stride, dilation and
// padding; every output size and formula shown comes from the core (convplay/shape.h).
#include "../scene.h"
#include "../tensor_view.h"

#include <convplay/shape.h>

#include <imgui.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

namespace convplay::app {
namespace {

constexpr std::array<const char*, 4> kPaddingNames = {"valid", "same", "full", "explicit"};
constexpr std::array<Padding, 4> kPaddings = {Padding::Valid, Padding::Same, Padding::Full, Padding::Explicit};

struct Params {
  int dims = 2;           // 1 or 2
  int h = 5, w = 5;       // input height and width (1-D uses w)
  int kh = 3, kw = 3;     // kernel
  int stride = 1, dilation = 1;
  int padding = 0;        // index into kPaddings
  int pad_h = 1, pad_w = 1; // explicit padding per side
  bool flip = false;      // true convolution instead of cross-correlation
};

struct Axis {
  AxisSpec spec;
  AxisResult result;
  bool ok() const { return result.error == ShapeError::None; }
};

Axis axis(int input, int kernel, const Params& p, Padding padding, int pad) {
  Axis a;
  a.spec.input = input;
  a.spec.kernel = kernel;
  a.spec.stride = p.stride;
  a.spec.dilation = p.dilation;
  a.spec.padding = padding;
  a.spec.pad_before = pad;
  a.spec.pad_after = pad;
  a.spec.flip = p.flip;
  a.result = conv_axis(a.spec);
  return a;
}

class ModesScene final : public Scene {
public:
  const char* id() const override { return "modes"; }
  const char* title() const override { return "Shape arithmetic"; }

  void draw() override;
  void write_state(JsonWriter& out) const override;
  std::string apply_state(const JsonObject& in) override;
  std::vector<std::string> param_keys() const override {
    return {"dims", "h", "w", "kh", "kw", "stride", "dilation", "padding", "pad_h", "pad_w", "flip"};
  }

private:
  // Axes of the current configuration; index 0 = height (2-D only), 1 = width.
  Axis current(int a) const {
    return a == 0 ? axis(p_.h, p_.kh, p_, kPaddings[p_.padding], p_.pad_h)
                  : axis(p_.w, p_.kw, p_, kPaddings[p_.padding], p_.pad_w);
  }
  void draw_controls();
  void draw_results();
  void draw_picture(const Axis& ah, const Axis& aw, bool stacked);

  Params p_;
  TensorView input_view_, output_view_;
  int pinned_row_ = -1, pinned_col_ = -1;
};

std::string error_text(const Axis& a) { return describe(a.spec, a.result); }

void ModesScene::draw_controls() {
  ImGui::PushItemWidth(std::min(260.0f, ImGui::GetContentRegionAvail().x * 0.6f));
  ImGui::TextUnformatted("Dimensions");
  ImGui::SameLine();
  ImGui::RadioButton("1-D", &p_.dims, 1);
  ImGui::SameLine();
  ImGui::RadioButton("2-D", &p_.dims, 2);
  const ImGuiSliderFlags clamp = ImGuiSliderFlags_AlwaysClamp;
  if (p_.dims == 2) {
    ImGui::SliderInt("input height H", &p_.h, 1, 64, "%d", clamp);
    ImGui::SliderInt("input width W", &p_.w, 1, 64, "%d", clamp);
    ImGui::SliderInt("kernel height KH", &p_.kh, 1, 15, "%d", clamp);
    ImGui::SliderInt("kernel width KW", &p_.kw, 1, 15, "%d", clamp);
  } else {
    ImGui::SliderInt("input length N", &p_.w, 1, 64, "%d", clamp);
    ImGui::SliderInt("kernel size K", &p_.kw, 1, 15, "%d", clamp);
  }
  ImGui::SliderInt("stride S", &p_.stride, 1, 8, "%d", clamp);
  ImGui::SliderInt("dilation D", &p_.dilation, 1, 8, "%d", clamp);
  ImGui::Combo("padding", &p_.padding, kPaddingNames.data(), static_cast<int>(kPaddingNames.size()));
  if (kPaddings[p_.padding] == Padding::Explicit) {
    if (p_.dims == 2) ImGui::SliderInt("padding P (rows)", &p_.pad_h, 0, 16, "%d", clamp);
    ImGui::SliderInt(p_.dims == 2 ? "padding P (columns)" : "padding P", &p_.pad_w, 0, 16, "%d", clamp);
  }
  int op = p_.flip ? 1 : 0;
  ImGui::RadioButton("cross-correlation (deep learning)", &op, 0);
  ImGui::SameLine();
  ImGui::RadioButton("true convolution (flipped kernel)", &op, 1);
  p_.flip = op == 1;
  ImGui::PopItemWidth();
  ImGui::TextDisabled("Ctrl+click a slider to type a value.");
}

void ModesScene::draw_results() {
  const int first = p_.dims == 2 ? 0 : 1;
  const char* axis_name[2] = {"height", "width"};
  bool ok = true;
  for (int a = first; a < 2; ++a) ok = ok && current(a).ok();
  ImGui::Separator();
  if (ok) {
    const Axis ah = current(0), aw = current(1);
    if (p_.dims == 2)
      ImGui::Text("Output: %lld × %lld", static_cast<long long>(ah.result.output), static_cast<long long>(aw.result.output));
    else
      ImGui::Text("Output length: %lld", static_cast<long long>(aw.result.output));
    for (int a = first; a < 2; ++a) {
      const Axis ax = current(a);
      ImGui::Bullet();
      ImGui::TextWrapped("%s%s", p_.dims == 2 ? (std::string(axis_name[a]) + ": ").c_str() : "",
                         formula(ax.spec, ax.result).c_str());
    }
  } else {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(190, 30, 30, 255));
    for (int a = first; a < 2; ++a) {
      const Axis ax = current(a);
      if (!ax.ok())
        ImGui::TextWrapped("%s%s", p_.dims == 2 ? (std::string(axis_name[a]) + ": ").c_str() : "", error_text(ax).c_str());
    }
    ImGui::PopStyleColor();
  }

  ImGui::Dummy(ImVec2(0, 6));
  ImGui::TextUnformatted("The three classic modes for this input and kernel (stride and dilation as set):");
  if (ImGui::BeginTable("modes", p_.dims == 2 ? 3 : 2, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("mode", ImGuiTableColumnFlags_WidthFixed);
    if (p_.dims == 2) ImGui::TableSetupColumn("height");
    ImGui::TableSetupColumn(p_.dims == 2 ? "width" : "length");
    ImGui::TableHeadersRow();
    for (int m = 0; m < 3; ++m) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(kPaddingNames[m]);
      for (int a = first; a < 2; ++a) {
        ImGui::TableNextColumn();
        const Axis ax = a == 0 ? axis(p_.h, p_.kh, p_, kPaddings[m], 0) : axis(p_.w, p_.kw, p_, kPaddings[m], 0);
        if (ax.ok()) {
          ImGui::TextWrapped("%s", formula(ax.spec, ax.result).c_str());
        } else {
          ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(190, 30, 30, 255));
          ImGui::TextWrapped("%s", error_text(ax).c_str());
          ImGui::PopStyleColor();
        }
      }
    }
    ImGui::EndTable();
  }
}

void ModesScene::draw_picture(const Axis& ah, const Axis& aw, bool stacked) {
  // Padded input: the input cells plus the padding ring (hatched); output beside it.
  const bool two_d = p_.dims == 2;
  const int ph0 = two_d ? static_cast<int>(ah.result.pad_before) : 0;
  const int rows = two_d ? static_cast<int>(ah.result.padded_input) : 1;
  const int pw0 = static_cast<int>(aw.result.pad_before);
  const int cols = static_cast<int>(aw.result.padded_input);
  const int in_rows = two_d ? p_.h : 1;
  if (static_cast<long>(rows) * cols > 512L * 512L) {
    ImGui::TextDisabled("(the picture is drawn for inputs up to 512 × 512 cells)");
    return;
  }
  std::vector<float> values(static_cast<size_t>(rows) * static_cast<size_t>(cols), 0.0f);
  std::vector<unsigned char> mask(values.size(), 0);
  for (int r = 0; r < in_rows; ++r)
    for (int c = 0; c < p_.w; ++c) {
      const size_t i = static_cast<size_t>(r + ph0) * static_cast<size_t>(cols) + static_cast<size_t>(c + pw0);
      values[i] = 1.0f;
      mask[i] = 1;
    }
  input_view_.set(values, rows, cols, ColorMap::Sequential, &mask);
  const int out_rows = two_d ? static_cast<int>(ah.result.output) : 1;
  const int out_cols = static_cast<int>(aw.result.output);
  output_view_.set(std::vector<float>(static_cast<size_t>(out_rows) * static_cast<size_t>(out_cols), 1.0f), out_rows,
                   out_cols, ColorMap::Sequential);

  // Stacked (input above output) in the right-hand column, side by side when below the controls.
  const float avail = ImGui::GetContentRegionAvail().x;
  const ImVec2 box = stacked ? ImVec2(avail, 300.0f) : ImVec2(std::max(120.0f, avail * 0.5f - 20.0f), 320.0f);
  ImGui::BeginGroup();
  ImGui::Text("padded input %d × %d (hatched: padding)", rows, cols);
  input_view_.draw(box, 36.0f, false);
  ImGui::EndGroup();
  if (!stacked) ImGui::SameLine(0, 24);
  ImGui::BeginGroup();
  ImGui::Text("output %d × %d", out_rows, out_cols);
  const CellHover hover = output_view_.draw(box, 36.0f, false);
  if (hover.valid() && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    const bool same = hover.row == pinned_row_ && hover.col == pinned_col_;
    pinned_row_ = same ? -1 : hover.row;
    pinned_col_ = same ? -1 : hover.col;
  }
  ImGui::EndGroup();
  int r = hover.valid() ? hover.row : pinned_row_, c = hover.valid() ? hover.col : pinned_col_;
  if (r >= out_rows || c >= out_cols) r = c = -1;
  if (r < 0) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("Hover over an output cell to see the input cells it reads; click to pin.");
    ImGui::PopStyleColor();
    return;
  }
  // The window of output (r, c) starts at (r·S, c·S) in padded coordinates; taps are D apart.
  const ImU32 color = IM_COL32(230, 80, 20, 255);
  output_view_.outline(r, c, r + 1, c + 1, color, 3.0f);
  const int kr = two_d ? p_.kh : 1;
  for (int i = 0; i < kr; ++i)
    for (int j = 0; j < p_.kw; ++j) {
      const int rr = two_d ? r * p_.stride + i * p_.dilation : 0;
      const int cc = c * p_.stride + j * p_.dilation;
      input_view_.outline(rr, cc, rr + 1, cc + 1, color, 2.0f);
    }
  ImGui::TextWrapped("Output cell (%d, %d) reads %d input cells: the kernel placed at row %d, column %d of the padded input.",
              r, c, kr * p_.kw, two_d ? r * p_.stride : 0, c * p_.stride);
}

void ModesScene::draw() {
  ImGui::TextUnformatted("Shape arithmetic");
  ImGui::TextWrapped(
      "A K-wide filter slides over an N-wide input. Without padding ('valid') it fits N − K + 1 times; "
      "'same' pads so the output keeps the input's size; 'full' pads K − 1 on each side so every overlap "
      "counts: N + K − 1. Stride skips positions, dilation spreads the filter's taps apart. Change the "
      "sliders and watch the formulas.");
  ImGui::Dummy(ImVec2(0, 4));
  // Controls and numbers on the left, the picture on the right (stacked when the window is narrow).
  const bool wide = ImGui::GetContentRegionAvail().x > 900.0f;
  if (wide) {
    ImGui::BeginTable("layout", 2, ImGuiTableFlags_SizingStretchProp);
    ImGui::TableSetupColumn("controls", ImGuiTableColumnFlags_WidthStretch, 1.1f);
    ImGui::TableSetupColumn("picture", ImGuiTableColumnFlags_WidthStretch, 1.0f);
    ImGui::TableNextColumn();
  }
  draw_controls();
  draw_results();
  if (wide) ImGui::TableNextColumn();
  const Axis ah = current(0), aw = current(1);
  if ((p_.dims == 1 || ah.ok()) && aw.ok()) {
    ImGui::Dummy(ImVec2(0, 6));
    draw_picture(p_.dims == 2 ? ah : axis(1, 1, Params{}, Padding::Valid, 0), aw, wide);
  }
  if (wide) ImGui::EndTable();
  if (p_.flip)
    ImGui::TextWrapped("True convolution flips the kernel by 180° before sliding it; the output shape is the "
                       "same. scipy.signal.convolve2d(A, fliplr(flipud(w))) is what deep-learning libraries "
                       "call convolution (cross-correlation).");
}

void ModesScene::write_state(JsonWriter& out) const {
  out.field("dims", p_.dims).field("h", p_.h).field("w", p_.w).field("kh", p_.kh).field("kw", p_.kw)
      .field("stride", p_.stride).field("dilation", p_.dilation).field("padding", kPaddingNames[p_.padding])
      .field("pad_h", p_.pad_h).field("pad_w", p_.pad_w).field("flip", p_.flip);
  const Axis ah = current(0), aw = current(1);
  const bool ok = aw.ok() && (p_.dims == 1 || ah.ok());
  if (ok) {
    out.field("out_h", p_.dims == 2 ? static_cast<long long>(ah.result.output) : 1LL)
        .field("out_w", static_cast<long long>(aw.result.output))
        .field("formula_w", formula(aw.spec, aw.result));
    if (p_.dims == 2) out.field("formula_h", formula(ah.spec, ah.result));
    out.field("error", "");
  } else {
    out.field("error", !aw.ok() ? error_text(aw) : error_text(ah));
  }
}

std::string ModesScene::apply_state(const JsonObject& in) {
  Params p = p_;
  int n = -1, k = -1, pad = -1;
  std::string padding = kPaddingNames[p.padding];
  for (const auto& [key, value] : in) {
    static constexpr std::array<std::string_view, 14> known = {"dims", "h", "w", "kh", "kw", "stride", "dilation",
                                                                "padding", "pad_h", "pad_w", "flip", "n", "k", "pad"};
    static constexpr std::array<std::string_view, 5> derived = {"out_h", "out_w", "formula_h", "formula_w", "error"};
    if (std::find(known.begin(), known.end(), key) == known.end() &&
        std::find(derived.begin(), derived.end(), key) == derived.end())
      return "unknown key '" + key + "' for scene modes";
  }
  // Stride 0 and dilation 0 are accepted so that the core's message for them can be seen.
  for (auto e : {json_get_int(in, "dims", 1, 2, p.dims), json_get_int(in, "h", 1, 4096, p.h),
                 json_get_int(in, "w", 1, 4096, p.w), json_get_int(in, "kh", 1, 1024, p.kh),
                 json_get_int(in, "kw", 1, 1024, p.kw), json_get_int(in, "stride", 0, 1024, p.stride),
                 json_get_int(in, "dilation", 0, 1024, p.dilation), json_get_int(in, "pad_h", 0, 1024, p.pad_h),
                 json_get_int(in, "pad_w", 0, 1024, p.pad_w), json_get_int(in, "n", 1, 4096, n),
                 json_get_int(in, "k", 1, 1024, k), json_get_int(in, "pad", 0, 1024, pad),
                 json_get_bool(in, "flip", p.flip),
                 json_get_choice(in, "padding", {"valid", "same", "full", "explicit"}, padding)})
    if (!e.empty()) return e;
  if (n > 0) p.h = p.w = n;
  if (k > 0) p.kh = p.kw = k;
  if (pad >= 0) p.pad_h = p.pad_w = pad;
  for (size_t i = 0; i < kPaddingNames.size(); ++i)
    if (padding == kPaddingNames[i]) p.padding = static_cast<int>(i);
  p_ = p;
  pinned_row_ = pinned_col_ = -1;
  return {};
}

} // namespace

std::unique_ptr<Scene> make_modes_scene() { return std::make_unique<ModesScene>(); }

} // namespace convplay::app
