// Scene "pooling": max and average pooling. A window of size K slides with stride S over the input
// (padded by P on each side) and keeps one number per position: the largest (max) or the mean (avg).
// The pooled values, the chosen cell of every max window (its indices) and every shape come from the
// core (convplay/pool.h, convplay/shape.h); this file generates the input, lays out and writes out.
#include "../scene.h"
#include "../scene_ui.h"
#include "../stepper.h"
#include "../tensor_view.h"

#include <convplay/counts.h>
#include <convplay/pool.h>
#include <convplay/shape.h>

#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace convplay::app {
namespace {

constexpr int kMaxSide = 2048;       // accepted input side
constexpr int kMaxDrawnSide = 512;   // drawn up to this many cells per side (padded)
constexpr int kMaxCustomSide = 64;   // typed values
constexpr size_t kMaxValuesText = 16384;
constexpr double kMaxWindowReads = 1e8; // one pooling at setState: about a third of a second in the page

struct Params {
  int op = 0;        // 0 max, 1 avg
  int input = 0;     // 0 digits, 1 image, 2 custom (typed)
  int h = 6, w = 6;  // input size (custom: from the typed rows)
  int size = 2, stride = 2, padding = 0;
  bool count_pad = true; // avg: padding cells count in the divisor (PyTorch's count_include_pad)
  std::string values;    // custom input: rows separated by ';' or new lines
  bool operator==(const Params&) const = default;
};

const ParamTable<Params> kParams{
    choice_param("op", &Params::op, {"max", "avg"}, "Operation").radio({"max pooling", "average pooling"}),
    choice_param("input", &Params::input, {"digits", "image", "custom"}, "Input").radio({"small integers", "picture", "typed"}),
    int_param("h", &Params::h, 1, kMaxSide, "height H").log_slider(),
    int_param("w", &Params::w, 1, kMaxSide, "width W").log_slider(),
    int_param("size", &Params::size, 1, 64, "window K").slider_max(16).help("Ctrl+click to type up to 64"),
    int_param("stride", &Params::stride, 1, 64, "stride S").slider_max(16).help("Ctrl+click to type up to 64"),
    int_param("padding", &Params::padding, 0, 32, "padding P").slider_max(8).help("at most half the window; Ctrl+click to type up to 32"),
    bool_param("count_pad", &Params::count_pad, "padding counts in the mean"),
    text_param("values", &Params::values, kMaxValuesText - 1, "##values").text_box()
        .written_as([](const Params& p) { return JsonValue(p.input == 2 ? p.values : std::string()); }),
    shorthand_param("n", &Params::h, &Params::w, 1, kMaxSide),
};

struct Preset {
  const char* name;
  const char* tip;
  Params p;
};
const std::array<Preset, 5> kPresets = {{
    {"6×6 digits, 2×2 max", "the classic: a 2×2 window, stride 2, keeps one value in four", {0, 0, 6, 6, 2, 2, 0, true, ""}},
    {"8×8 digits, 3×3 stride 1", "overlapping windows: a large value is chosen by several windows", {0, 0, 8, 8, 3, 1, 0, true, ""}},
    {"7×7, 3×3 stride 2 pad 1", "padding (hatched) lets the window reach past the border", {0, 0, 7, 7, 3, 2, 1, true, ""}},
    {"100×100 image → 50×50", "a picture: 10,000 values become 2,500", {0, 1, 100, 100, 2, 2, 0, true, ""}},
    {"512×512 image, 4×4", "a large picture pooled 4×4: 16× fewer values", {0, 1, 512, 512, 4, 4, 0, true, ""}},
}};

// Small deterministic integers 0..9 from the cell's coordinates (the same at every size).
float digit_value(int r, int c) {
  uint32_t x = static_cast<uint32_t>(r) * 0x9E3779B1u ^ (static_cast<uint32_t>(c) + 0x7F4A7C15u) * 0x85EBCA77u;
  x ^= x >> 15; x *= 0x2C1B3C6Du; x ^= x >> 12; x *= 0x297A2D39u; x ^= x >> 15;
  return static_cast<float>(x % 10u);
}

// An image-like picture with grey levels 0..255: sky, a sun, hills, a textured field and a house.
float image_value(int r, int c, int h, int w) {
  const double u = (c + 0.5) / w, v = (r + 0.5) / h;
  double val = 150.0 + 70.0 * (1.0 - v);
  if (std::hypot(u - 0.74, v - 0.24) < 0.11) val = 255.0;
  const double hill = 0.58 + 0.06 * std::sin(u * 9.0) + 0.04 * std::sin(u * 23.0 + 1.0);
  if (v > hill) val = 70.0 + 45.0 * (0.5 + 0.5 * std::sin(u * 55.0) * std::sin(v * 40.0));
  if (u > 0.18 && u < 0.40 && v > 0.50 && v < 0.80) val = 210.0;                         // wall
  if (v > 0.36 && v <= 0.50 && std::fabs(u - 0.29) < (v - 0.36) * 1.0) val = 30.0;       // roof
  if (u > 0.26 && u < 0.32 && v > 0.64 && v < 0.80) val = 20.0;                          // door
  return static_cast<float>(std::lround(val));
}

// Rows separated by ';' or new lines, numbers by spaces or commas; every row the same length.
std::string parse_grid(const std::string& text, std::vector<float>& out, int& rows, int& cols) {
  std::vector<float> all;
  int r = 0, c = -1;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of(";\n", start);
    if (end == std::string::npos) end = text.size();
    const std::string row = text.substr(start, end - start);
    start = end + 1;
    std::vector<float> v;
    if (auto e = parse_number_list(row, v, kMaxCustomSide); !e.empty()) return "values: " + e;
    if (v.empty()) continue;
    if (c >= 0 && static_cast<int>(v.size()) != c)
      return "values: row " + std::to_string(r + 1) + " has " + std::to_string(v.size()) + " numbers, row 1 has " +
             std::to_string(c);
    if (r == kMaxCustomSide) return "values: more than " + std::to_string(kMaxCustomSide) + " rows";
    c = static_cast<int>(v.size());
    ++r;
    all.insert(all.end(), v.begin(), v.end());
  }
  if (r == 0) return "values: no numbers (type rows like '1 3 2 4; 5 6 7 8')";
  out = std::move(all);
  rows = r;
  cols = c;
  return {};
}

std::string grid_text(std::span<const float> v, int rows, int cols) {
  std::string s;
  for (int r = 0; r < rows; ++r) {
    if (r) s += "; ";
    for (int c = 0; c < cols; ++c) {
      if (c) s += ' ';
      s += format_value(v[static_cast<size_t>(r) * static_cast<size_t>(cols) + static_cast<size_t>(c)]);
    }
  }
  return s;
}

std::string with_commas(long long v) { return format_count(count_of(v)); }

// Everything derived from the parameters, computed by the core once per change.
struct Result {
  PoolAxisSpec sh, sw;
  AxisResult rh, rw;
  Tensor x;            // (H, W)
  Tensor y;            // (OH, OW)
  IndexTensor indices; // max: argmax as h·W + w; empty for avg
  int oh = 0, ow = 0;
};

class PoolingScene final : public Scene {
public:
  PoolingScene() { (void)set_params(p_); }
  const char* id() const override { return "pooling"; }
  const char* title() const override { return "Pooling"; }
  void draw() override;
  void write_state(JsonWriter& out) const override;
  std::string apply_state(const JsonObject& in) override;
  bool animating() const override { return stepper_.playing(); }
  std::vector<ParamValue> parameters() const override {
    auto out = kParams.values(p_);
    stepper_.list(out, positions());
    return out;
  }

private:
  std::string set_params(const Params& p); // all-or-nothing; "" or the core's message
  void draw_controls();
  void draw_numbers();
  void draw_pictures();
  void write_results(JsonWriter& out) const; // the derived keys of state()
  std::string description() const override;
  int positions() const { return r_.oh * r_.ow; }
  std::string window_text(int orow, int ocol) const;
  float at(const Tensor& t, int r, int c, int cols) const {
    return t.data[static_cast<size_t>(r) * static_cast<size_t>(cols) + static_cast<size_t>(c)];
  }

  Params p_;
  Result r_;
  Stepper stepper_;
  std::string message_; // a refused change from the controls
  bool views_dirty_ = true;
  TensorView input_view_, output_view_;
};

std::string PoolingScene::set_params(const Params& p) {
  Result r;
  int h = p.h, w = p.w;
  std::vector<float> custom;
  if (p.input == 2) {
    if (auto e = parse_grid(p.values, custom, h, w); !e.empty()) return e;
  }
  if (h < 1 || w < 1 || h > kMaxSide || w > kMaxSide)
    return "the input must be 1 to " + std::to_string(kMaxSide) + " cells per side";
  r.sh = PoolAxisSpec{h, p.size, p.stride, p.padding, 1, false};
  r.sw = PoolAxisSpec{w, p.size, p.stride, p.padding, 1, false};
  r.rh = pool_axis(r.sh);
  r.rw = pool_axis(r.sw);
  if (r.rh.error != ShapeError::None) return "height: " + describe(r.sh, r.rh);
  if (r.rw.error != ShapeError::None) return "width: " + describe(r.sw, r.rw);
  if (const double reads = static_cast<double>(r.rh.output) * static_cast<double>(r.rw.output) * p.size * p.size; reads > kMaxWindowReads)
    return "size: the pooling would read " + format_count(count_of(static_cast<int64_t>(reads))) + " window values (output " +
           std::to_string(r.rh.output) + " × " + std::to_string(r.rw.output) + ", window " + std::to_string(p.size) + " × " +
           std::to_string(p.size) + "), more than the " + format_count(count_of(static_cast<int64_t>(kMaxWindowReads))) +
           " the page reads at once: a smaller input or window, or a larger stride";
  r.x.shape = {h, w};
  const bool same_input = p.input == p_.input && h == p_.h && w == p_.w && (p.input != 2 || p.values == p_.values) &&
                          r_.x.shape == r.x.shape;
  if (same_input) {
    r.x.data = r_.x.data; // only the pooling changed: keep the (possibly large) input
  } else if (p.input == 2) {
    r.x.data.assign(custom.begin(), custom.end());
  } else {
    r.x.data.resize(static_cast<size_t>(h) * static_cast<size_t>(w));
    for (int i = 0; i < h; ++i)
      for (int j = 0; j < w; ++j)
        r.x.data[static_cast<size_t>(i) * static_cast<size_t>(w) + static_cast<size_t>(j)] =
            p.input == 0 ? digit_value(i, j) : image_value(i, j, h, w);
  }
  Pool2dParams pp;
  pp.kernel_h = pp.kernel_w = p.size;
  pp.stride_h = pp.stride_w = p.stride;
  pp.pad_h = pp.pad_w = p.padding;
  pp.count_include_pad = p.count_pad;
  if (p.op == 0) {
    auto m = max_pool2d(r.x, pp);
    if (!m) return m.error();
    r.y = std::move(m->output);
    r.indices = std::move(m->indices);
  } else {
    auto a = avg_pool2d(r.x, pp);
    if (!a) return a.error();
    r.y = std::move(*a);
  }
  r.oh = static_cast<int>(r.y.dim(0));
  r.ow = static_cast<int>(r.y.dim(1));
  Params q = p;
  q.h = h;
  q.w = w;
  p_ = q;
  r_ = std::move(r);
  views_dirty_ = true;
  return {};
}

// "max(3, 1, 4, 1) = 4" or "(3 + 1 + 4 + 1) / 4 = 2.25" for output cell (orow, ocol).
std::string PoolingScene::window_text(int orow, int ocol) const {
  if (orow < 0 || ocol < 0 || orow >= r_.oh || ocol >= r_.ow) return {};
  const int H = static_cast<int>(r_.x.dim(0)), W = static_cast<int>(r_.x.dim(1));
  const int P = p_.padding, K = p_.size, S = p_.stride;
  constexpr int kMaxTerms = 16;
  std::string terms;
  int shown = 0, total = 0, pad_taps = 0;
  for (int i = 0; i < K; ++i)
    for (int j = 0; j < K; ++j) {
      const int pr = orow * S + i, pc = ocol * S + j; // padded coordinates
      if (pr >= H + 2 * P || pc >= W + 2 * P) continue;
      const int ir = pr - P, ic = pc - P;
      const bool inside = ir >= 0 && ir < H && ic >= 0 && ic < W;
      if (!inside) ++pad_taps;
      if (!inside && (p_.op == 0 || !p_.count_pad)) continue; // max: −∞; avg without count_pad: left out
      ++total;
      if (shown < kMaxTerms) {
        if (shown) terms += p_.op == 0 ? ", " : " + ";
        const std::string v = inside ? format_value(at(r_.x, ir, ic, W)) : "0";
        terms += v[0] == '-' && p_.op == 1 ? "(" + v + ")" : v;
        ++shown;
      }
    }
  if (shown < total) terms += (p_.op == 0 ? ", … " : " + … ") + std::string("(") + std::to_string(total - shown) + " more)";
  const std::string result = format_value(at(r_.y, orow, ocol, r_.ow));
  if (p_.op == 0) return "max(" + terms + ") = " + result;
  Pool2dParams pp;
  pp.kernel_h = pp.kernel_w = K;
  pp.stride_h = pp.stride_w = S;
  pp.pad_h = pp.pad_w = P;
  pp.count_include_pad = p_.count_pad;
  const auto g = pool2d_geometry(r_.x.shape, pp, PoolOp::Avg);
  const std::string divisor = g.ok() ? std::to_string(avg_pool_divisor(*g, orow, ocol)) : "?";
  return "(" + terms + ") / " + divisor + " = " + result;
}

void PoolingScene::draw_controls() {
  Params p = p_;
  const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  for (size_t i = 0; i < kPresets.size(); ++i) { // buttons in a row, wrapped at the column's edge
    const float w = ImGui::CalcTextSize(kPresets[i].name).x + 2.0f * ImGui::GetStyle().FramePadding.x;
    if (i > 0 && ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + w <= right) ImGui::SameLine();
    if (ImGui::SmallButton(kPresets[i].name)) p = kPresets[i].p;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", kPresets[i].tip);
  }
  ImGui::Dummy(ImVec2(0, 2));
  kParams.widget(p, p.op);
  if (kParams.widget(p, p.input) && p.input == 2) {
    // Start the typed grid from what is shown (if it is small enough to type).
    const int H = static_cast<int>(r_.x.dim(0)), W = static_cast<int>(r_.x.dim(1));
    p.values = H <= 16 && W <= 16 ? grid_text(r_.x.data, H, W) : "1 3 2 4; 5 6 7 8; 3 2 1 0; 1 2 3 4";
  }
  // Two sliders per line: each gets half the width less its label.
  const float label_w = ImGui::CalcTextSize("height H").x + ImGui::GetStyle().ItemInnerSpacing.x;
  ImGui::PushItemWidth(std::clamp((ImGui::GetContentRegionAvail().x - 2.0f * label_w) * 0.5f - 12.0f, 60.0f, 220.0f));
  if (p.input != 2) {
    kParams.widget(p, p.h);
    ImGui::SameLine();
    kParams.widget(p, p.w);
  }
  kParams.widget(p, p.size);
  ImGui::SameLine();
  kParams.widget(p, p.stride);
  kParams.widget(p, p.padding);
  if (p.op == 1) {
    ImGui::SameLine();
    kParams.widget(p, p.count_pad);
  }
  ImGui::PopItemWidth();
  if (p.padding > p.size / 2) p.padding = p.size / 2; // a smaller window pulls the padding down with it
  std::optional<JsonObject> typed;
  if (p.input == 2) {
    ImGui::TextUnformatted("Values (rows separated by ';' or new lines):");
    ImGui::SetNextItemWidth(std::min(420.0f, ImGui::GetContentRegionAvail().x));
    typed = kParams.text_field(p, p.values, "use these values");
  }
  if (!(p == p_)) {
    message_ = set_params(p);
    if (message_.empty()) stepper_.set_position(std::min(stepper_.position(), positions() - 1), positions());
  }
  if (typed) message_ = apply_state(*typed);
  error_line(message_);
}

void PoolingScene::draw_numbers() {
  const long long in_values = static_cast<long long>(r_.x.numel()), out_values = static_cast<long long>(r_.y.numel());
  const double ratio = static_cast<double>(in_values) / static_cast<double>(std::max(1LL, out_values));
  char ratio_text[64];
  if (out_values < in_values) std::snprintf(ratio_text, sizeof ratio_text, "%s× fewer", format_value(static_cast<float>(ratio)).c_str());
  else if (out_values == in_values) std::snprintf(ratio_text, sizeof ratio_text, "as many");
  else std::snprintf(ratio_text, sizeof ratio_text, "%s× more", format_value(static_cast<float>(1.0 / ratio)).c_str());
  ImGui::Separator();
  text_wrapped("Input %lld × %lld = %s values  →  output %d × %d = %s values: %s", static_cast<long long>(r_.x.dim(0)),
              static_cast<long long>(r_.x.dim(1)), with_commas(in_values).c_str(), r_.oh, r_.ow,
              with_commas(out_values).c_str(), ratio_text);
  ImGui::Bullet();
  text_wrapped("height: %s", formula(r_.sh, r_.rh).c_str());
  ImGui::Bullet();
  text_wrapped("width: %s", formula(r_.sw, r_.rw).c_str());
  ImGui::Dummy(ImVec2(0, 2));
  ImGui::TextUnformatted("The window, one output cell at a time:");
  stepper_.draw(positions());
  const int pos = stepper_.position_in(positions());
  const int orow = pos / std::max(1, r_.ow), ocol = pos % std::max(1, r_.ow);
  text_wrapped("output (%d, %d) = %s", orow, ocol, window_text(orow, ocol).c_str());
  if (p_.op == 0 && !r_.indices.data.empty()) {
    const int64_t idx = r_.indices[static_cast<int64_t>(pos)];
    const int64_t W = r_.x.dim(1);
    hint_line(("chosen (pink): input cell (" + std::to_string(idx / W) + ", " + std::to_string(idx % W) +
               "); padding counts as −∞ and on a tie the first largest value wins").c_str());
  } else if (p_.op == 1 && p_.padding > 0) {
    hint_line(p_.count_pad ? "padding cells count as 0 and in the divisor (PyTorch's default)"
                           : "padding cells are left out of the mean");
  }
}

void PoolingScene::draw_pictures() {
  const int H = static_cast<int>(r_.x.dim(0)), W = static_cast<int>(r_.x.dim(1)), P = p_.padding;
  const int rows = H + 2 * P, cols = W + 2 * P;
  if (rows > kMaxDrawnSide || cols > kMaxDrawnSide || r_.oh > kMaxDrawnSide || r_.ow > kMaxDrawnSide) {
    hint_line(("The grids are drawn up to " + std::to_string(kMaxDrawnSide) + " × " + std::to_string(kMaxDrawnSide) +
               " cells (an interactive frame rate); this input is " + std::to_string(H) + " × " + std::to_string(W) +
               ". The numbers above are still the core's exact results.").c_str());
    return;
  }
  if (views_dirty_) {
    std::vector<float> values(static_cast<size_t>(rows) * static_cast<size_t>(cols), 0.0f);
    std::vector<unsigned char> mask(values.size(), 0);
    for (int i = 0; i < H; ++i)
      for (int j = 0; j < W; ++j) {
        const size_t k = static_cast<size_t>(i + P) * static_cast<size_t>(cols) + static_cast<size_t>(j + P);
        values[k] = at(r_.x, i, j, W);
        mask[k] = 1;
      }
    input_view_.set(values, rows, cols, ColorMap::Sequential, P > 0 ? &mask : nullptr);
    output_view_.set(r_.y.data, r_.oh, r_.ow, ColorMap::Sequential);
    views_dirty_ = false;
  }
  const float avail_x = ImGui::GetContentRegionAvail().x;
  const float avail_y = std::max(220.0f, ImGui::GetContentRegionAvail().y - 70.0f);
  // One cell size for both grids side by side, so that the output looks as much smaller as it is.
  const float cell = std::max(0.5f, std::min({44.0f, (avail_x - 28.0f) / static_cast<float>(cols + r_.ow),
                                              avail_y / static_cast<float>(std::max(rows, r_.oh))}));
  const float in_box = cell * static_cast<float>(cols) + 1.0f;
  const bool numbers = cell >= 18.0f;
  ImGui::BeginGroup();
  ImGui::Text("input %d × %d%s", H, W, P > 0 ? " (hatched: padding)" : "");
  const CellHover in_hover = input_view_.draw(ImVec2(in_box, avail_y), cell, numbers);
  const ImVec2 in_size = ImGui::GetItemRectSize();
  ImGui::EndGroup();
  ImGui::SameLine(0, 24);
  ImGui::BeginGroup();
  ImGui::Text("output %d × %d", r_.oh, r_.ow);
  const CellHover out_hover = output_view_.draw(ImVec2(cell * static_cast<float>(r_.ow) + 1.0f, avail_y), cell, numbers);
  ImGui::EndGroup();
  const float in_cell = in_size.x / static_cast<float>(cols);

  const ImU32 window_color = IM_COL32(230, 80, 20, 255), chosen_color = IM_COL32(200, 20, 120, 255),
              all_chosen_color = IM_COL32(235, 40, 150, 255), feeds_color = IM_COL32(20, 120, 220, 255);
  const int64_t n_out = static_cast<int64_t>(r_.oh) * r_.ow;
  // Max pooling: the chosen cell of every window (the core's indices), when they can be seen.
  if (p_.op == 0 && in_cell >= 5.0f && n_out <= 4096)
    for (int64_t k = 0; k < n_out; ++k) {
      const int64_t idx = r_.indices[k];
      if (idx < 0 || idx >= static_cast<int64_t>(H) * W) continue;
      const int ir = static_cast<int>(idx / W) + P, ic = static_cast<int>(idx % W) + P;
      input_view_.outline(ir, ic, ir + 1, ic + 1, all_chosen_color, in_cell >= 16.0f ? 2.5f : 1.5f);
    }

  if (out_hover.valid() && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) { // click: the window stays there
    stepper_.set_position(out_hover.row * r_.ow + out_hover.col, positions());
    stepper_.set_playing(false);
  }
  const int S = p_.stride, K = p_.size;
  if (in_hover.valid() && !out_hover.valid()) {
    // The outputs this input cell feeds: windows starting at r·S with r·S ≤ row < r·S + K.
    const int i = in_hover.row, j = in_hover.col;
    const int r0 = std::max(0, (i - K + S) / S), r1 = std::min(r_.oh - 1, i / S);
    const int c0 = std::max(0, (j - K + S) / S), c1 = std::min(r_.ow - 1, j / S);
    int feeds = 0, chosen = 0;
    const bool pad_cell = i < P || j < P || i >= H + P || j >= W + P;
    for (int r = r0; r <= r1; ++r)
      for (int c = c0; c <= c1; ++c) {
        if (r * S > i || r * S + K <= i || c * S > j || c * S + K <= j) continue;
        ++feeds;
        const bool is_chosen = p_.op == 0 && !pad_cell &&
                               r_.indices[static_cast<int64_t>(r) * r_.ow + c] == static_cast<int64_t>(i - P) * W + (j - P);
        if (is_chosen) ++chosen;
        output_view_.outline(r, c, r + 1, c + 1, is_chosen ? chosen_color : feeds_color, is_chosen ? 3.0f : 2.0f);
      }
    input_view_.outline(i, j, i + 1, j + 1, feeds_color, 3.0f);
    std::string text = pad_cell ? "This padding cell" : "Input cell (" + std::to_string(i - P) + ", " + std::to_string(j - P) + ")";
    text += " is in " + std::to_string(feeds) + " window" + (feeds == 1 ? "" : "s") + " (outlined in the output)";
    if (p_.op == 0 && !pad_cell) text += "; it is the maximum of " + std::to_string(chosen) + " of them (pink)";
    text += feeds == 0 ? ": the stride skips it." : ".";
    hint_line(text.c_str());
    return;
  }
  const int pos = out_hover.valid() ? out_hover.row * r_.ow + out_hover.col : stepper_.position_in(positions());
  const int orow = pos / r_.ow, ocol = pos % r_.ow;
  output_view_.outline(orow, ocol, orow + 1, ocol + 1, window_color, 3.0f);
  input_view_.outline(orow * S, ocol * S, std::min(rows, orow * S + K), std::min(cols, ocol * S + K), window_color, 3.0f);
  if (p_.op == 0) {
    const int64_t idx = r_.indices[static_cast<int64_t>(pos)];
    if (idx >= 0 && idx < static_cast<int64_t>(H) * W) {
      const int ir = static_cast<int>(idx / W) + P, ic = static_cast<int>(idx % W) + P;
      input_view_.outline(ir, ic, ir + 1, ic + 1, chosen_color, 4.0f);
    }
  }
  if (out_hover.valid()) {
    hint_line(("Output (" + std::to_string(orow) + ", " + std::to_string(ocol) + ") = " + window_text(orow, ocol) +
               "   (click to move the window here)").c_str());
  } else {
    hint_line("Hover over an output cell to see its window, over an input cell to see the outputs it feeds. "
              "Click an output cell to move the window there.");
  }
}

void PoolingScene::draw() {
  scene_intro(title(),
              "Pooling shrinks a feature map: a K × K window slides with stride S and keeps one number per "
              "position, the largest value (max pooling) or the mean (average pooling). A 2 × 2 window with "
              "stride 2 keeps one value in four, so later layers have less to compute, and a feature that moves "
              "by a pixel often still gives the same maximum. Pink cells are the values max pooling chose. Try the "
              "presets, step the window, and hover over the grids.");
  scene_layout(
      [&] {
        draw_controls();
        draw_numbers();
      },
      [&] { draw_pictures(); }, {980.0f, 0.46f});
}

std::string PoolingScene::description() const {
  const auto n = [](auto v) { return std::to_string(v); };
  const long long in_values = static_cast<long long>(r_.x.numel()), out_values = static_cast<long long>(r_.y.numel());
  std::string text = std::string(title()) + ", " + (p_.op == 0 ? "max" : "average") + ". Input " + n(r_.x.dim(0)) + " × " +
                     n(r_.x.dim(1)) + ", window " + n(p_.size) + " × " + n(p_.size) + ", stride " + n(p_.stride) + ", padding " +
                     n(p_.padding) + ". Output " + n(r_.oh) + " × " + n(r_.ow) + "; height " + formula(r_.sh, r_.rh) + "; width " +
                     formula(r_.sw, r_.rw) + ". " + with_commas(in_values) + " values become " + with_commas(out_values) + ".";
  if (const int count = positions(); count > 0) {
    const int pos = stepper_.position_in(count);
    text += " Output (" + n(pos / r_.ow) + ", " + n(pos % r_.ow) + ") = " + window_text(pos / r_.ow, pos % r_.ow) + ".";
  }
  if (!message_.empty()) text += " " + message_;
  return text;
}

void PoolingScene::write_state(JsonWriter& out) const {
  kParams.write(p_, out);
  stepper_.write_state(out, positions());
  write_results(out);
}

void PoolingScene::write_results(JsonWriter& out) const {
  const int count = positions();
  const int pos = stepper_.position_in(count);
  const long long in_values = static_cast<long long>(r_.x.numel()), out_values = static_cast<long long>(r_.y.numel());
  out.field("out_h", r_.oh).field("out_w", r_.ow).field("in_values", in_values).field("out_values", out_values)
      .field("reduction", static_cast<double>(in_values) / static_cast<double>(std::max(1LL, out_values)))
      .field("formula_h", formula(r_.sh, r_.rh)).field("formula_w", formula(r_.sw, r_.rw));
  const int orow = pos / std::max(1, r_.ow), ocol = pos % std::max(1, r_.ow);
  out.field("window_row", orow).field("window_col", ocol)
      .field("window_value", static_cast<double>(count > 0 ? r_.y[pos] : 0.0f))
      .field("window_text", window_text(orow, ocol));
  long long arow = -1, acol = -1;
  if (p_.op == 0 && count > 0) {
    arow = static_cast<long long>(r_.indices[pos] / r_.x.dim(1));
    acol = static_cast<long long>(r_.indices[pos] % r_.x.dim(1));
  }
  out.field("argmax_row", arow).field("argmax_col", acol);
  // Small outputs in full ("6 8; 3 4"), so that a test can compare every value.
  out.field("output", out_values <= 256 ? grid_text(r_.y.data, r_.oh, r_.ow) : std::string());
  out.field("error", message_);
}

std::string PoolingScene::apply_state(const JsonObject& in) {
  Params p = p_;
  Stepper::State stepper = stepper_.state();
  if (auto e = apply_params(in, id(), {kParams.bind(p), Stepper::table().bind(stepper)},
                            derived_keys([this](JsonWriter& w) { write_results(w); }));
      !e.empty())
    return e;
  const bool values_given = kParams.given(in, p, p.values), h_given = kParams.given(in, p, p.h),
             w_given = kParams.given(in, p, p.w);
  if (values_given && p.input != 2 && !p.values.empty() && !kParams.given(in, p, p.input)) p.input = 2; // values imply custom
  if (p.input == 2 && (h_given || w_given)) {
    std::vector<float> v;
    int rows = 0, cols = 0;
    if (auto e = parse_grid(p.values, v, rows, cols); !e.empty()) return e;
    if (h_given && rows != p.h)
      return "values have " + std::to_string(rows) + " rows but h is " + std::to_string(p.h);
    if (w_given && cols != p.w)
      return "values have " + std::to_string(cols) + " columns but w is " + std::to_string(p.w);
  }
  const Params before = p_;
  Result saved = r_;
  if (auto e = set_params(p); !e.empty()) return e;
  const int count = positions();
  if (auto e = Stepper::check_step(in, stepper, count, "the output"); !e.empty()) {
    p_ = before;
    r_ = std::move(saved);
    views_dirty_ = true;
    return e;
  }
  stepper_.take(in, stepper, count);
  message_.clear();
  return {};
}

} // namespace

std::unique_ptr<Scene> make_pooling_scene() { return std::make_unique<PoolingScene>(); }

} // namespace convplay::app
