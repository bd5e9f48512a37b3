// Scene "color": convolution of a colour picture. The picture is three planes (R, G, B); the kernel is
// K×K×3, one K×K slice per plane; each output value is one 3-D dot product (the three 2-D dot products
// added) plus the bias, so H×W×3 ∗ K×K×3 → H'×W'×1. The output comes from the core's conv2d (C1 = 3,
// C2 = 1), the three per-plane parts from conv2d with groups = 3, the counts from count_layer, the
// pictures and kernels from convplay/image.h. Demonstration: the "red detector" on red and green circles.
#include "../image_source.h"
#include "../scene.h"
#include "../scene_ui.h"
#include "../tensor_view.h"

#include <convplay/conv.h>
#include <convplay/counts.h>
#include <convplay/image.h>

#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <optional>
#include <utility>
#include <string>
#include <vector>

namespace convplay::app {
namespace {

struct KernelChoice {
  const char* id;
  const char* label;
};
constexpr std::array<KernelChoice, 6> kKernels = {{
    {"red", "red detector: R − ½G − ½B"},
    {"green", "green detector: G − ½R − ½B"},
    {"blue", "blue detector: B − ½R − ½G"},
    {"grey", "brightness: 0.299 R + 0.587 G + 0.114 B"},
    {"edges", "vertical edges: Sobel x on brightness"},
    {"custom", "your own weights"},
}};
constexpr std::array<const char*, 3> kPlaneNames = {"R", "G", "B"};
constexpr int kMinSide = 4, kMaxK = 7;

// The preset kernel `name` as (3, K, K); "custom" is the student's and has no preset.
Expected<Tensor> preset_kernel(std::string_view name, int k) {
  if (name == "red") return colour_kernel(k, kRedDetector);
  if (name == "green") return colour_kernel(k, kGreenDetector);
  if (name == "blue") return colour_kernel(k, kBlueDetector);
  if (name == "grey") return colour_kernel(k, {kLumaWeights[0] * 1.0f, kLumaWeights[1] * 1.0f, kLumaWeights[2] * 1.0f});
  if (name == "edges") {
    auto f = make_filter("sobel_x", k);
    if (!f.ok()) return Error{"the edge kernel needs an odd K from 3 to " + std::to_string(kMaxK) + " (Sobel), not " + std::to_string(k)};
    return spread_over_channels(*f, kLumaWeights);
  }
  return Error{"no preset kernel '" + std::string(name) + "'"};
}

// Numbers for the state and the text field: "a, b, c; d, e, f; …" (one plane per ';'), %.6g.
std::string weights_text(const Tensor& w) {
  if (w.rank() != 3) return {};
  const int64_t plane = w.dim(1) * w.dim(2);
  std::string s;
  for (int64_t i = 0; i < w.numel(); ++i) {
    if (i) s += i % plane == 0 ? "; " : ", ";
    char buf[24];
    std::snprintf(buf, sizeof buf, "%.6g", static_cast<double>(w[i]));
    s += std::string(buf) == "-0" ? "0" : buf;
  }
  return s;
}

struct Params {
  std::string image = "cat";
  int size = 64;            // longer side of the picture used
  int k = 3;
  std::string kernel = "red";
  std::vector<float> custom; // 3·K·K when kernel == "custom"
  double bias = 0.0;
  Padding padding = Padding::Valid;
  std::optional<std::string> typed_weights; // during apply_state only: the "weights" text given
  bool operator==(const Params&) const = default;
};

// The preset's weights, or the student's.
Expected<Tensor> weights_for(const Params& p) {
  if (p.kernel != "custom") return preset_kernel(p.kernel, p.k);
  if (p.custom.size() != static_cast<size_t>(3 * p.k * p.k)) return Error{"the weights do not match K"};
  Tensor w = zeros({3, p.k, p.k});
  w.data.assign(p.custom.begin(), p.custom.end());
  return w;
}

std::vector<std::string> image_ids() {
  std::vector<std::string> ids;
  for (const auto& choice : image_choices()) ids.emplace_back(choice.id);
  return ids;
}
std::vector<std::string> kernel_names(bool labels) {
  std::vector<std::string> out;
  for (const auto& k : kKernels) out.emplace_back(labels ? k.label : k.id);
  return out;
}

// "weights" is the kernel's numbers as text: derived for a preset, the parameter itself for "custom";
// apply_state() reads a given text once the other keys are known (it depends on K and the kernel).
const ParamTable<Params> kParams{
    choice_param("image", &Params::image, image_ids(), "picture").no_widget(), // a combo of what is available, by the scene
    int_param("size", &Params::size, kMinSide, kImageMaxSide, "size (longer side)").log_slider(),
    int_param("k", &Params::k, 1, kMaxK, "kernel size K"),
    choice_param("kernel", &Params::kernel, kernel_names(false), "kernel").shown_as(kernel_names(true)),
    float_param("bias", &Params::bias, -100.0, 100.0, "bias b").slider_range(-2.0, 2.0).help("Ctrl+click to type from -100 to 100"),
    choice_param("padding", &Params::padding, {Padding::Valid, Padding::Same}, padding_name, "padding"),
    pending_text_param<Params>("weights", &Params::typed_weights, 20000, "##weights",
        [](const Params& p) { auto w = weights_for(p); return JsonValue(w.ok() ? weights_text(*w) : std::string()); })
        .bound_to([](const Params& p) { return static_cast<const void*>(&p.custom); })
        .in_hash_if([](const Params& p) { return p.kernel == "custom"; }),
};

// Everything computed for one Params (and image generation).
struct Result {
  std::string status = "ready"; // "ready", "loading", "error"
  std::string note, error;
  Tensor x;     // (3, H, W)
  Tensor w;     // (3, K, K)
  Tensor y;     // (1, 1, OH, OW)
  Tensor parts; // (1, 3, OH, OW): each plane's K×K dot product (groups = 3)
  LayerCounts counts;
  int h = 0, w_ = 0, oh = 0, ow = 0, pad = 0;
  bool circles = false;
  int red_r = -1, red_c = -1, green_r = -1, green_c = -1; // output cells over the circle centres
  float red_response = 0, green_response = 0;
};

class ColorScene final : public Scene {
public:
  ColorScene() {
    const Tensor red = preset_kernel("red", 3).value();
    p_.custom.assign(red.data.begin(), red.data.end());
  }
  const char* id() const override { return "color"; }
  const char* title() const override { return "Colour convolution"; }
  void draw() override;
  void write_state(JsonWriter& out) const override;
  std::string apply_state(const JsonObject& in) override;
  bool animating() const override { return stepper_.playing() || result().status == "loading"; }
  std::vector<ParamValue> parameters() const override {
    auto out = kParams.values(p_);
    stepper_.list(out, result().oh * result().ow);
    return out;
  }

private:
  const Result& result() const;
  void draw_controls();
  void draw_pictures(const Result& r);
  void draw_dot_product(const Result& r, int pos);
  void write_results(JsonWriter& out) const; // the derived keys of state()
  std::string description() const override;

  Params p_;
  Stepper stepper_;
  std::string message_; // the last refused edit
  int seen_user_serial_ = 0;
  RgbView photo_;
  std::array<TensorView, 3> planes_, kernels_;
  TensorView output_;
  CellHover last_out_hover_;
  mutable Result cache_;
  mutable Params cache_params_;
  mutable int cache_generation_ = -1;
};

const Result& ColorScene::result() const {
  if (cache_generation_ == image_generation() && cache_params_ == p_) return cache_;
  Result r;
  auto img = get_image(p_.image, p_.size);
  r.note = img.note;
  if (img.status != ImageResult::Status::Ready) {
    r.status = img.status == ImageResult::Status::Loading ? "loading" : "error";
    r.error = img.status == ImageResult::Status::Loading ? "" : img.note;
  } else {
    r.x = std::move(img.image);
    r.h = static_cast<int>(r.x.dim(1));
    r.w_ = static_cast<int>(r.x.dim(2));
    auto w = weights_for(p_);
    Conv2dParams cp;
    cp.padding = p_.padding;
    ConvLayerSpec spec;
    spec.channels = 3; spec.height = r.h; spec.width = r.w_;
    spec.out_channels = 1; spec.kernel_h = spec.kernel_w = p_.k;
    spec.padding = cp.padding;
    auto counts = count_layer(spec);
    if (!w.ok()) {
      r.status = "error";
      r.error = w.error();
    } else if (!counts.ok()) {
      r.status = "error";
      r.error = counts.error();
    } else {
      r.w = *w;
      r.counts = *counts;
      Tensor x4 = r.x, w4 = r.w, wd = r.w, b = zeros({1});
      x4.shape = {1, 3, r.h, r.w_};
      w4.shape = {1, 3, p_.k, p_.k};
      wd.shape = {3, 1, p_.k, p_.k};
      b[0] = static_cast<float>(p_.bias);
      auto y = conv2d(x4, w4, &b, cp);
      Conv2dParams dp = cp;
      dp.groups = 3;
      auto parts = conv2d(x4, wd, nullptr, dp);
      if (!y.ok() || !parts.ok()) {
        r.status = "error";
        r.error = !y.ok() ? y.error() : parts.error();
      } else {
        r.y = std::move(y.value());
        r.parts = std::move(parts.value());
        r.oh = static_cast<int>(r.y.dim(2));
        r.ow = static_cast<int>(r.y.dim(3));
        AxisSpec rows; // the zeros before the first row, as the shape arithmetic puts them
        rows.input = r.h;
        rows.kernel = p_.k;
        rows.padding = p_.padding;
        AxisSpec cols = rows;
        cols.input = r.w_;
        const AxisResult row_axis = conv_axis(rows);
        r.pad = static_cast<int>(row_axis.pad_before);
        if (p_.image == "circles") {
          auto discs = red_green_discs(r.h, r.w_);
          if (discs.ok()) {
            const WindowAxis row_window = window_axis(rows, row_axis), col_window = window_axis(cols, conv_axis(cols));
            // The output cell whose window is centred on the disc's centre (shape.h's window arithmetic).
            auto at = [&](int64_t row, int64_t col, int& orow, int& ocol, float& v) {
              orow = static_cast<int>(centred_reader(row_window, row));
              ocol = static_cast<int>(centred_reader(col_window, col));
              if (orow >= 0 && ocol >= 0) v = r.y[orow * r.ow + ocol];
              else orow = ocol = -1;
            };
            r.circles = true;
            at(discs->red_row, discs->red_col, r.red_r, r.red_c, r.red_response);
            at(discs->green_row, discs->green_col, r.green_r, r.green_c, r.green_response);
          }
        }
      }
    }
  }
  cache_ = std::move(r);
  cache_params_ = p_;
  cache_generation_ = image_generation();
  return cache_;
}

void ColorScene::draw_controls() {
  const float avail = ImGui::GetContentRegionAvail().x;
  const float item = std::min(260.0f, avail * 0.28f);
  ImGui::PushItemWidth(item);
  picture_combo(kParams.key(p_, p_.image), "picture", p_.image, seen_user_serial_);
  const Params before = p_;
  if (kParams.widget(p_, p_.kernel)) {
    if (p_.kernel == "custom") { // start from what is shown
      if (auto w = weights_for(before); w.ok()) p_.custom.assign(w->data.begin(), w->data.end());
      message_.clear();
    } else if (auto w = preset_kernel(p_.kernel, p_.k); w.ok()) {
      message_.clear();
    } else {
      message_ = w.error();
      p_.kernel = before.kernel;
    }
  }
  ImGui::SetNextItemWidth(item * 0.6f);
  same_line_if_fits(kParams.width(p_, p_.k));
  if (kParams.widget(p_, p_.k) && p_.k != before.k) {
    if (p_.kernel == "custom") {
      Tensor w = zeros({3, before.k, before.k});
      w.data.assign(p_.custom.begin(), p_.custom.end());
      if (auto moved = recentre_kernel(w, p_.k); moved.ok()) p_.custom.assign(moved->data.begin(), moved->data.end());
      else p_.k = before.k;
    } else if (auto w = preset_kernel(p_.kernel, p_.k); w.ok()) {
      message_.clear();
    } else {
      message_ = w.error() + "; K stays " + std::to_string(before.k);
      p_.k = before.k;
    }
  }
  ImGui::SetNextItemWidth(item * 0.6f);
  same_line_if_fits(kParams.width(p_, p_.bias));
  kParams.widget(p_, p_.bias);
  kParams.widget(p_, p_.size);
  same_line_if_fits(kParams.width(p_, p_.padding));
  kParams.widget(p_, p_.padding);
  if (avail > 1000.0f) ImGui::SameLine(0, 20);
  if (Control c{"demo"}; c.shown) {
    if (ImGui::Button("Demonstration: red detector, red and green circles")) {
      p_.image = "circles";
      p_.kernel = "red";
      p_.bias = 0.0;
      message_.clear();
    }
  }
  ImGui::PopItemWidth();
}

void ColorScene::draw() {
  scene_intro(title(),
              "A colour picture is three grids of numbers: its red, green and blue planes. A filter for it is "
              "three K×K grids too, one per plane. At each position it multiplies every pixel of the K×K×3 "
              "window with its weight and adds them all, plus one bias: one number. So a colour picture gives "
              "a single output map, and a filter can prefer a colour. Try the demonstration, hover over the "
              "output, pick another kernel or type your own weights, open your own picture.");
  follow_user_image(p_.image, seen_user_serial_); // a new picture of the student's: show it
  scene_layout(
      [&] {
        draw_controls();
        error_line(message_);
      },
      [&] {
        const Result& r = result();
        if (r.status == "error" && r.h > 0) ImGui::Text("Input %d×%d×3, kernel %d×%d×3", r.h, r.w_, p_.k, p_.k);
        if (!picture_status_line(r.status, r.note, r.error)) return;
        draw_pictures(r);
        // Shapes and counts
        const long long params = r.counts.conv_parameters.value;
        text_wrapped("Shapes: H×W×3 ∗ K×K×3 → H'×W'×1:   %d×%d×3 ∗ %d×%d×3 → %d×%d×1", r.h, r.w_, p_.k, p_.k, r.oh, r.ow);
        text_wrapped("Parameters: K·K·3 weights + 1 bias = %d·%d·3 + 1 = %lld;   %s multiply-adds for the whole map", p_.k,
                           p_.k, params, format_count(r.counts.conv_macs).c_str());
      },
      {900.0f, 0.42f});
}

void ColorScene::draw_pictures(const Result& r) {
  const int count = r.oh * r.ow;
  // Inputs: the photo and its three planes
  const float gap = ImGui::GetStyle().ItemSpacing.x * 2.0f;
  const float avail = ImGui::GetContentRegionAvail().x;
  const float cell_w = std::max(80.0f, (avail - 3 * gap) / 4.0f);
  const ImVec2 box(cell_w, std::min(cell_w, 150.0f));
  photo_.set(r.x);
  for (int c = 0; c < 3; ++c) {
    auto plane = image_plane(r.x, c);
    if (plane.ok()) planes_[static_cast<size_t>(c)].set(*plane, r.h, r.w_, ColorMap::Sequential);
  }
  ImGui::Dummy(ImVec2(0, 2));
  CellHover in_hover;
  ImGui::BeginGroup();
  ImGui::Text("picture %d×%d×3", r.h, r.w_);
  if (auto h = photo_.draw(box); h.valid()) in_hover = h;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", r.note.c_str());
  ImGui::EndGroup();
  for (int c = 0; c < 3; ++c) {
    ImGui::SameLine(0, gap);
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + box.x);
    text_wrapped("%s plane (0 … 1)", kPlaneNames[static_cast<size_t>(c)]);
    ImGui::PopTextWrapPos();
    if (auto h = planes_[static_cast<size_t>(c)].draw(box, 36.0f); h.valid()) in_hover = h;
    ImGui::EndGroup();
  }

  // The position: hovering the output or an input pixel, else the stepper's (a click pins it there)
  stepper_.draw(count);
  int pos = stepper_.position_in(count);
  const int half = (p_.k - 1) / 2;
  if (in_hover.valid()) {
    const int orow = std::clamp(in_hover.row - half + r.pad, 0, r.oh - 1), ocol = std::clamp(in_hover.col - half + r.pad, 0, r.ow - 1);
    pos = orow * r.ow + ocol;
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      stepper_.set_position(pos, count);
      stepper_.set_playing(false);
    }
  }

  // The output's hover of the previous frame (the output is drawn to the right of the text that needs it)
  if (last_out_hover_.valid() && last_out_hover_.row < r.oh && last_out_hover_.col < r.ow) {
    pos = last_out_hover_.row * r.ow + last_out_hover_.col;
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      stepper_.set_position(pos, count);
      stepper_.set_playing(false);
    }
  }
  const int orow = pos / std::max(r.ow, 1), ocol = pos % std::max(r.ow, 1);

  // Left: the kernel's slices, the dot product, the weights as text. Right: the output map.
  const float left_w = std::max(360.0f, avail * 0.56f);
  ImGui::BeginGroup();
  const float kbox = std::min(105.0f, (left_w - 2 * gap) / 3.0f);
  for (int c = 0; c < 3; ++c) {
    const std::vector<float> slice(r.w.data.begin() + c * p_.k * p_.k, r.w.data.begin() + (c + 1) * p_.k * p_.k);
    kernels_[static_cast<size_t>(c)].set(slice, p_.k, p_.k, ColorMap::Diverging);
    if (c) ImGui::SameLine(0, gap);
    ImGui::BeginGroup();
    ImGui::Text("kernel, %s slice", kPlaneNames[static_cast<size_t>(c)]);
    kernels_[static_cast<size_t>(c)].draw(ImVec2(kbox, kbox), 44.0f);
    ImGui::EndGroup();
  }
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + left_w);
  draw_dot_product(r, pos);
  ImGui::SetNextItemWidth(left_w - 150.0f);
  if (auto edit = kParams.text_field(p_, p_.custom, "use these weights")) message_ = apply_state(*edit);
  if (Control c{kParams.key(p_, p_.custom)}; c.shown)
    hint_line("Weights: the R slice row by row, then G, then B (';' between slices); Enter uses them.");
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
  ImGui::SameLine(0, gap * 2);
  ImGui::BeginGroup();
  output_.set(std::vector<float>(r.y.data.begin(), r.y.data.end()), r.oh, r.ow, ColorMap::Diverging);
  const float out_w = std::max(120.0f, ImGui::GetContentRegionAvail().x);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + out_w);
  text_wrapped("output %d×%d×1 (red +, blue −)", r.oh, r.ow);
  ImGui::PopTextWrapPos();
  last_out_hover_ = output_.draw(ImVec2(out_w, 200.0f), 36.0f);
  ImGui::EndGroup();

  // Highlights: the output cell, its window in the photo and in each plane
  const ImU32 hi = IM_COL32(255, 140, 0, 255);
  output_.outline(orow, ocol, orow + 1, ocol + 1, hi, 2.5f);
  const int r0 = orow - r.pad, c0 = ocol - r.pad;
  photo_.outline(r0, c0, r0 + p_.k, c0 + p_.k, hi, 2.0f);
  for (auto& v : planes_) v.outline(r0, c0, r0 + p_.k, c0 + p_.k, hi, 2.0f);
  if (r.circles) {
    ImGui::Dummy(ImVec2(0, 4));
    if (r.red_r >= 0 && r.green_r >= 0)
      text_wrapped("At the centre of the red circle the output is %s; at the centre of the green circle %s. "
                         "The kernel weighs red positively and green negatively, so the same shape gives opposite "
                         "answers: the filter is tuned to a colour.",
                         format_value(r.red_response).c_str(), format_value(r.green_response).c_str());
    else
      hint_line("The circle centres fall outside the output (the kernel is too large for this size).");
  }
}

void ColorScene::draw_dot_product(const Result& r, int pos) {
  if (r.oh <= 0 || r.ow <= 0) return;
  const int orow = pos / r.ow, ocol = pos % r.ow, kk = p_.k * p_.k;
  const int plane_out = r.oh * r.ow;
  std::string sum;
  for (int c = 0; c < 3; ++c) {
    std::vector<float> window(static_cast<size_t>(kk), 0.0f);
    for (int i = 0; i < p_.k; ++i)
      for (int j = 0; j < p_.k; ++j) {
        const int y = orow - r.pad + i, x = ocol - r.pad + j;
        if (y >= 0 && y < r.h && x >= 0 && x < r.w_)
          window[static_cast<size_t>(i * p_.k + j)] = r.x[(static_cast<int64_t>(c) * r.h + y) * r.w_ + x];
      }
    const float part = r.parts[static_cast<int64_t>(c) * plane_out + pos];
    text_wrapped("%s:  %s", kPlaneNames[static_cast<size_t>(c)],
                multiply_adds(window.data(), r.w.data.data() + c * kk, kk, part, 4).c_str());
    sum += (c ? " + " : "") + (part < 0 ? "(" + format_value(part) + ")" : format_value(part));
  }
  const float value = r.y[pos];
  const std::string b = format_value(static_cast<float>(p_.bias));
  text_wrapped("output (%d, %d) = %s + bias %s = %s", orow, ocol, sum.c_str(), p_.bias < 0 ? ("(" + b + ")").c_str() : b.c_str(),
              format_value(value).c_str());
}

void ColorScene::write_state(JsonWriter& out) const {
  kParams.write(p_, out);
  stepper_.write_state(out, result().oh * result().ow);
  write_results(out);
}

void ColorScene::write_results(JsonWriter& out) const {
  const Result& r = result();
  const int count = r.oh * r.ow;
  out.field("image_status", r.status).field("note", r.note).field("user_note", user_image_status().message).field("error", r.error.empty() ? message_ : r.error);
  out.field("h", r.h).field("w", r.w_).field("c", 3).field("out_h", r.oh).field("out_w", r.ow).field("out_c", 1);
  out.field("weight_count", 3 * p_.k * p_.k).field("parameters", r.status == "ready" ? r.counts.conv_parameters.value : 0LL);
  if (count > 0) out.field("value", static_cast<double>(r.y[stepper_.position_in(count)]));
  else out.raw_field("value", "null");
  if (r.circles && r.red_r >= 0 && r.green_r >= 0)
    out.field("red_response", static_cast<double>(r.red_response)).field("green_response", static_cast<double>(r.green_response));
  else
    out.raw_field("red_response", "null").raw_field("green_response", "null");
}

// A kernel slice in words: "all 9 weights −0.0556", its K·K numbers when K ≤ 3, else their range.
std::string slice_words(const float* w, int k) {
  const int n = k * k;
  const auto [lo, hi] = std::minmax_element(w, w + n);
  if (*lo == *hi) return "all " + std::to_string(n) + " weights " + format_value(*lo);
  if (k <= 3) {
    std::string s;
    for (int i = 0; i < n; ++i) s += (i ? ", " : "") + format_value(w[i]);
    return s;
  }
  return "weights from " + format_value(*lo) + " to " + format_value(*hi);
}

std::string ColorScene::description() const {
  const Result& r = result();
  std::string text = std::string(title()) + ". ";
  if (r.status == "loading") return text + "The picture is loading.";
  if (r.status != "ready") return text + r.error;
  const int kk = p_.k * p_.k;
  const std::string k = std::to_string(p_.k);
  std::string label = p_.kernel;
  for (const auto& choice : kKernels)
    if (p_.kernel == choice.id) label = choice.label;
  text += "Picture " + std::to_string(r.h) + " × " + std::to_string(r.w_) + " × 3; kernel " + label + ", " + k + " × " + k +
          " × 3 = " + std::to_string(3 * kk) + " weights + 1 bias = " + format_count(r.counts.conv_parameters) + " parameters.";
  for (int c = 0; c < 3; ++c)
    text += std::string(" ") + kPlaneNames[static_cast<size_t>(c)] + " slice: " + slice_words(r.w.data.data() + c * kk, p_.k) + ".";
  text += " Output " + std::to_string(r.oh) + " × " + std::to_string(r.ow) + " × 1 (" + padding_name(p_.padding) + ").";
  const int count = r.oh * r.ow;
  if (count > 0) {
    const int pos = stepper_.position_in(count), plane_out = count;
    text += " Output (" + std::to_string(pos / r.ow) + ", " + std::to_string(pos % r.ow) + ") = ";
    for (int c = 0; c < 3; ++c)
      text += std::string(c ? " + " : "") + kPlaneNames[static_cast<size_t>(c)] + " " +
              format_value(r.parts[static_cast<int64_t>(c) * plane_out + pos]);
    text += " + bias " + format_value(static_cast<float>(p_.bias)) + " = " + format_value(r.y[pos]) + ".";
  }
  if (r.circles && r.red_r >= 0 && r.green_r >= 0)
    text += " At the red circle's centre the output is " + format_value(r.red_response) + ", at the green circle's " +
            format_value(r.green_response) + ".";
  return text;
}

std::string ColorScene::apply_state(const JsonObject& in) {
  Params p = p_;
  Stepper::State stepper = stepper_.state();
  if (auto e = apply_params(in, id(), {kParams.bind(p), Stepper::table().bind(stepper)},
                            derived_keys([this](JsonWriter& w) { write_results(w); }));
      !e.empty())
    return e;
  const std::optional<std::string> weights = std::exchange(p.typed_weights, std::nullopt);
  const bool has_weights = weights.has_value();
  if (p.image == "user" && !has_user_image()) return "image 'user': no image of your own yet (open one or drop a file first)";
  const bool image_given = kParams.given(in, p, p.image);
  // Weights are a parameter of the custom kernel only; with a preset they are derived (and ignored).
  const bool kernel_given = kParams.given(in, p, p.kernel);
  if (has_weights && (p.kernel == "custom" || !kernel_given)) {
    std::vector<float> v;
    const size_t need = static_cast<size_t>(3 * p.k * p.k);
    if (auto e = parse_number_list(*weights, v, need + 1); !e.empty()) return "weights: " + e;
    if (v.size() != need)
      return "weights: need " + std::to_string(need) + " numbers for K = " + std::to_string(p.k) + " (K·K·3), got " +
             std::to_string(v.size());
    if (p.kernel != "custom") { // the preset's own numbers (as written by write_state) keep the preset
      auto w = preset_kernel(p.kernel, p.k);
      bool same = w.ok();
      for (size_t i = 0; same && i < need; ++i) same = std::fabs(w->data[i] - v[i]) <= 1e-5f * std::max(1.0f, std::fabs(v[i]));
      if (!same) p.kernel = "custom";
    }
    if (p.kernel == "custom") p.custom = std::move(v);
  } else if (p.kernel == "custom" && p.custom.size() != static_cast<size_t>(3 * p.k * p.k)) {
    Tensor w = zeros({3, p_.k, p_.k});
    w.data.assign(p_.custom.begin(), p_.custom.end());
    if (p_.custom.size() != w.data.size()) return "weights: give K·K·3 numbers for kernel 'custom'";
    auto moved = recentre_kernel(w, p.k);
    if (!moved.ok()) return moved.error();
    p.custom.assign(moved->data.begin(), moved->data.end());
  }
  if (p.kernel != "custom")
    if (auto w = preset_kernel(p.kernel, p.k); !w.ok()) return w.error();
  // The output cells of the new parameters are the window's positions.
  if (auto e = stepper_.apply(p_, std::move(p), in, stepper, [this] { return result().oh * result().ow; }); !e.empty())
    return e;
  if (image_given) seen_user_serial_ = user_image_status().serial; // an explicit choice wins over an older upload
  message_.clear();
  return {};
}

} // namespace

std::unique_ptr<Scene> make_color_scene() { return std::make_unique<ColorScene>(); }

} // namespace convplay::app
