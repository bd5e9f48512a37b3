// Scene "modes": shape arithmetic of convolution, and the numbers of the lecture's example. The student
// picks sizes, stride, dilation, padding, cross-correlation or true convolution, or the transposed
// convolution; every output size and formula comes from the core (convplay/shape.h), every output value
// from the core's conv2d / conv_transpose2d. The window slides (play, pause, step) with its
// multiply-adds written out.
#include "../scene.h"
#include "../scene_ui.h"
#include "../tensor_view.h"

#include <convplay/conv.h>
#include <convplay/shape.h>

#include <imgui.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <vector>

namespace convplay::app {
namespace {


// The lecture's example (the convolution-arithmetic animation): output [[12,12,17],[10,17,19],[9,6,14]].
constexpr float kLectureInput[5][5] = {{3, 3, 2, 1, 0}, {0, 0, 1, 3, 1}, {3, 1, 2, 2, 3}, {2, 0, 0, 2, 2}, {2, 0, 0, 0, 1}};
constexpr float kLectureKernel[3][3] = {{0, 1, 2}, {2, 2, 0}, {0, 1, 2}};
// Above this many multiply-adds the values are not computed live (the shapes still are).
constexpr double kMaxLiveMacs = 2.0e7;
constexpr long kMaxDrawnCells = 512L * 512L;

struct Params {
  int dims = 2;           // 1 or 2
  int h = 5, w = 5;       // input height and width (1-D uses w)
  int kh = 3, kw = 3;     // kernel
  int stride = 1, dilation = 1;
  Padding padding = Padding::Valid; // convolution
  int pad_h = 1, pad_w = 1; // explicit padding per side; for the transposed convolution, P
  bool flip = false;      // true convolution instead of cross-correlation
  int op = 0;             // 0 convolution, 1 transposed convolution
  bool operator==(const Params&) const = default;
};

// The transposed convolution starts with P = 0, so that its output is larger than its input (5 → 7 with
// K = 3): what it is for. A padding P crops P from each end, and the convolution's default P = 1 would
// give 5 → 5.
void start_transposed(Params& p) { p.pad_h = p.pad_w = 0; }

constexpr std::array<Padding, 4> kPaddings = {Padding::Valid, Padding::Same, Padding::Full, Padding::Explicit};

// Sizes reach what the address accepts on log sliders; stride, dilation and padding stop the slider early.
// Stride 0 and dilation 0 are accepted so that the core's message for them can be seen.
const ParamTable<Params> kParams{
    int_param("dims", &Params::dims, 1, 2, "dimensions").no_widget(), // two radio buttons, drawn by the scene
    int_param("h", &Params::h, 1, 4096, "input height H").log_slider(),
    int_param("w", &Params::w, 1, 4096, "input width W").log_slider(),
    int_param("kh", &Params::kh, 1, 1024, "kernel height KH").log_slider(),
    int_param("kw", &Params::kw, 1, 1024, "kernel width KW").log_slider(),
    int_param("stride", &Params::stride, 0, 1024, "stride S").slider_max(8).help("Ctrl+click to type up to 1024"),
    int_param("dilation", &Params::dilation, 0, 1024, "dilation D").slider_max(8).help("Ctrl+click to type up to 1024"),
    choice_param("padding", &Params::padding, {Padding::Valid, Padding::Same, Padding::Full, Padding::Explicit}, padding_name, "padding"),
    int_param("pad_h", &Params::pad_h, 0, 1024, "padding P (rows)").slider_max(16).help("Ctrl+click to type up to 1024"),
    int_param("pad_w", &Params::pad_w, 0, 1024, "padding P (columns)").slider_max(16).help("Ctrl+click to type up to 1024"),
    bool_param("flip", &Params::flip, "true convolution").no_widget(), // two radio buttons, drawn by the scene
    choice_param("op", &Params::op, {"conv", "transposed"}, "operation").no_widget(),
    shorthand_param("n", &Params::h, &Params::w, 1, 4096),
    shorthand_param("k", &Params::kh, &Params::kw, 1, 1024),
    shorthand_param("pad", &Params::pad_h, &Params::pad_w, 0, 1024),
};

struct Axis {
  bool transposed = false;
  AxisSpec spec;
  TransposedAxisSpec tspec;
  AxisResult result;
  bool ok() const { return result.error == ShapeError::None; }
  std::string formula_text() const { return transposed ? formula(tspec, result) : formula(spec, result); }
  std::string error_text() const { return transposed ? describe(tspec, result) : describe(spec, result); }
};

Axis axis(int input, int kernel, const Params& p, Padding padding, int pad) {
  Axis a;
  a.transposed = p.op == 1;
  if (a.transposed) {
    a.tspec.input = input;
    a.tspec.kernel = kernel;
    a.tspec.stride = p.stride;
    a.tspec.dilation = p.dilation;
    a.tspec.padding = pad;
    a.result = conv_transpose_axis(a.tspec);
  } else {
    a.spec.input = input;
    a.spec.kernel = kernel;
    a.spec.stride = p.stride;
    a.spec.dilation = p.dilation;
    a.spec.padding = padding;
    a.spec.pad_before = pad;
    a.spec.pad_after = pad;
    a.spec.flip = p.flip;
    a.result = conv_axis(a.spec);
  }
  return a;
}

// Small readable integers: the lecture's numbers where they fit, a fixed pattern elsewhere.
float input_value(int r, int c, const Params& p) {
  if (p.dims == 1) return c < 5 ? kLectureInput[0][c] : static_cast<float>((c * 7 + 3) % 4);
  if (r < 5 && c < 5) return kLectureInput[r][c];
  return static_cast<float>((r * 3 + c * 7 + 1) % 4);
}
float kernel_value(int i, int j, const Params& p) {
  if (p.dims == 1) return j < 3 ? kLectureKernel[0][j] : static_cast<float>((j * 2 + 1) % 3);
  if (i < 3 && j < 3) return kLectureKernel[i][j];
  return static_cast<float>((i * 2 + j) % 3);
}

// Everything drawn, recomputed when the parameters change.
struct Computed {
  Params p;
  bool ok = false;          // shapes possible
  bool values = false;      // values computed (not too large)
  std::string error;        // the core's message when !ok or a value computation failed
  int in_h = 1, in_w = 1, k_h = 1, k_w = 1, out_h = 0, out_w = 0;
  int pad_top = 0, pad_left = 0, padded_h = 1, padded_w = 1; // convolution: the zero ring
  double macs = 0;
  std::vector<float> input, kernel, flipped, padded, output;
  std::vector<unsigned char> padded_mask;
};

Computed compute(const Params& p) {
  Computed c;
  c.p = p;
  const bool two_d = p.dims == 2;
  c.in_h = two_d ? p.h : 1;
  c.in_w = p.w;
  c.k_h = two_d ? p.kh : 1;
  c.k_w = p.kw;
  const Axis ah = axis(c.in_h, c.k_h, p, two_d ? p.padding : Padding::Valid,
                       two_d ? p.pad_h : 0);
  const Axis aw = axis(c.in_w, c.k_w, p, p.padding, p.pad_w);
  if (!ah.ok() || !aw.ok()) {
    c.error = !aw.ok() ? aw.error_text() : ah.error_text();
    return c;
  }
  c.ok = true;
  c.out_h = static_cast<int>(ah.result.output);
  c.out_w = static_cast<int>(aw.result.output);
  c.macs = static_cast<double>(p.op == 1 ? c.in_h * static_cast<double>(c.in_w) : c.out_h * static_cast<double>(c.out_w)) *
           c.k_h * c.k_w;
  if (p.op == 0) {
    c.pad_top = static_cast<int>(ah.result.pad_before);
    c.pad_left = static_cast<int>(aw.result.pad_before);
    c.padded_h = static_cast<int>(ah.result.padded_input);
    c.padded_w = static_cast<int>(aw.result.padded_input);
  }
  if (c.macs > kMaxLiveMacs || static_cast<double>(c.padded_h) * c.padded_w > 4.0e6 ||
      static_cast<double>(c.out_h) * c.out_w > 4.0e6)
    return c; // shapes only
  Tensor x = zeros({1, 1, c.in_h, c.in_w});
  for (int r = 0; r < c.in_h; ++r)
    for (int col = 0; col < c.in_w; ++col) x[r * c.in_w + col] = input_value(r, col, p);
  Tensor w = zeros({1, 1, c.k_h, c.k_w});
  for (int i = 0; i < c.k_h; ++i)
    for (int j = 0; j < c.k_w; ++j) w[i * c.k_w + j] = kernel_value(i, j, p);
  c.input.assign(x.data.begin(), x.data.end());
  c.kernel.assign(w.data.begin(), w.data.end());
  const Tensor flipped = flip_kernel2d(w);
  c.flipped.assign(flipped.data.begin(), flipped.data.end());
  Expected<Tensor> y = Error{"not computed"};
  if (p.op == 1) {
    ConvTranspose2dParams tp;
    tp.stride_h = tp.stride_w = p.stride;
    tp.dilation_h = tp.dilation_w = p.dilation;
    tp.pad_h = two_d ? p.pad_h : 0;
    tp.pad_w = p.pad_w;
    y = conv_transpose2d(x, w, nullptr, tp);
  } else {
    Conv2dParams cp;
    cp.stride_h = cp.stride_w = p.stride;
    cp.dilation_h = cp.dilation_w = p.dilation;
    cp.padding = p.padding;
    cp.pad_top = cp.pad_bottom = two_d ? p.pad_h : 0;
    cp.pad_left = cp.pad_right = p.pad_w;
    cp.flip = p.flip;
    y = conv2d(x, w, nullptr, cp);
    auto padded = pad2d(x, c.pad_top, c.padded_h - c.in_h - c.pad_top, c.pad_left, c.padded_w - c.in_w - c.pad_left,
                        PaddingMode::Zeros);
    if (!padded) {
      c.error = padded.error();
      return c;
    }
    c.padded.assign(padded->data.begin(), padded->data.end());
    c.padded_mask.assign(c.padded.size(), 0);
    for (int r = 0; r < c.in_h; ++r)
      for (int col = 0; col < c.in_w; ++col)
        c.padded_mask[static_cast<size_t>((r + c.pad_top) * c.padded_w + col + c.pad_left)] = 1;
  }
  if (!y) {
    c.error = y.error();
    return c;
  }
  if (y->dim(2) != c.out_h || y->dim(3) != c.out_w) { // the shape arithmetic and the operator must agree
    c.error = "internal: output " + shape_string(y->shape) + " differs from the shape arithmetic";
    return c;
  }
  c.output.assign(y->data.begin(), y->data.end());
  c.values = true;
  return c;
}

std::string join_values(const std::vector<float>& v) { // plain ASCII numbers, for the state
  std::string s;
  char buf[32];
  for (float x : v) {
    std::snprintf(buf, sizeof buf, "%g", static_cast<double>(x));
    s += (s.empty() ? "" : ",") + std::string(buf);
  }
  return s;
}

class ModesScene final : public Scene {
public:
  const char* id() const override { return "modes"; }
  const char* title() const override { return "Shape arithmetic"; }

  void draw() override;
  void write_state(JsonWriter& out) const override;
  std::string apply_state(const JsonObject& in) override;
  bool animating() const override { return stepper_.playing(); }
  std::vector<ParamValue> parameters() const override {
    auto out = kParams.values(p_);
    stepper_.list(out);
    return out;
  }

private:
  const Computed& computed() const {
    if (!(cache_.p == p_) || !cache_valid_) {
      cache_ = compute(p_);
      cache_valid_ = true;
    }
    return cache_;
  }
  // Positions the window takes: output cells (convolution) or input cells (transposed).
  int positions() const {
    const Computed& c = computed();
    if (!c.ok) return 0;
    return p_.op == 1 ? c.in_h * c.in_w : c.out_h * c.out_w;
  }
  std::string window_line(int position) const; // the multiply-adds of one position
  // The convolution's window along rows (0) or columns (1), in the coordinates of the padded input drawn.
  WindowAxis padded_window(int axis) const {
    const Computed& c = computed();
    return axis == 0 ? WindowAxis{p_.stride, p_.dilation, c.k_h, 0, c.out_h} : WindowAxis{p_.stride, p_.dilation, c.k_w, 0, c.out_w};
  }
  void draw_controls();
  void draw_results();
  void draw_picture(bool stacked);
  void write_results(JsonWriter& out) const; // the derived keys of state()
  std::string description() const override;
  // The height and width axes' arithmetic (1-D: the height is the trivial axis of one row).
  std::pair<Axis, Axis> axes() const {
    const bool two_d = p_.dims == 2;
    return {axis(two_d ? p_.h : 1, two_d ? p_.kh : 1, p_, two_d ? p_.padding : Padding::Valid, two_d ? p_.pad_h : 0),
            axis(p_.w, p_.kw, p_, p_.padding, p_.pad_w)};
  }

  Params p_;
  mutable Computed cache_;
  mutable bool cache_valid_ = false;
  Stepper stepper_;
  TensorView input_view_, kernel_view_, flipped_view_, output_view_;
};

std::string ModesScene::window_line(int position) const {
  const Computed& c = computed();
  if (!c.values || position < 0) return {};
  if (p_.op == 1) { // transposed: one input value scattered over a window of the output
    const int r = position / c.in_w, col = position % c.in_w;
    const float v = c.input[static_cast<size_t>(position)];
    return "input (" + std::to_string(r) + ", " + std::to_string(col) + ") = " + format_value(v) + " adds " +
           format_value(v) + " × kernel to the output window at row " + std::to_string(r * p_.stride - (p_.dims == 2 ? p_.pad_h : 0)) +
           ", column " + std::to_string(col * p_.stride - p_.pad_w) + " (stride " + std::to_string(p_.stride) +
           ", minus padding); each output value is the sum of what lands on it.";
  }
  const int r = position / c.out_w, col = position % c.out_w;
  std::vector<float> xs, ws;
  const std::vector<float>& kernel = p_.flip ? c.flipped : c.kernel;
  const WindowAxis wr = padded_window(0), wc = padded_window(1);
  for (int i = 0; i < c.k_h; ++i)
    for (int j = 0; j < c.k_w; ++j) {
      const int rr = static_cast<int>(window_tap(wr, r, i)), cc = static_cast<int>(window_tap(wc, col, j));
      xs.push_back(c.padded[static_cast<size_t>(rr * c.padded_w + cc)]);
      ws.push_back(kernel[static_cast<size_t>(i * c.k_w + j)]);
    }
  return multiply_adds(xs.data(), ws.data(), static_cast<int>(xs.size()), c.output[static_cast<size_t>(position)]);
}

void ModesScene::draw_controls() {
  ImGui::PushItemWidth(std::min(260.0f, ImGui::GetContentRegionAvail().x * 0.6f));
  if (Control c{kParams.key(p_, p_.dims)}; c.shown) {
    ImGui::TextUnformatted("Dimensions");
    ImGui::SameLine();
    ImGui::RadioButton("1-D", &p_.dims, 1);
    ImGui::SameLine();
    ImGui::RadioButton("2-D", &p_.dims, 2);
  }
  if (Control c{kParams.key(p_, p_.op)}; c.shown) {
    const int before = p_.op;
    ImGui::TextUnformatted("Operation");
    ImGui::SameLine();
    ImGui::RadioButton("convolution", &p_.op, 0);
    ImGui::SameLine();
    ImGui::RadioButton("transposed convolution", &p_.op, 1);
    if (before == 0 && p_.op == 1) start_transposed(p_);
  }
  if (p_.dims == 2) {
    kParams.widget(p_, p_.h);
    kParams.widget(p_, p_.w);
    kParams.widget(p_, p_.kh);
    kParams.widget(p_, p_.kw);
  } else {
    kParams.widget(p_, p_.w, "input length N");
    kParams.widget(p_, p_.kw, "kernel size K");
  }
  kParams.widget(p_, p_.stride);
  kParams.widget(p_, p_.dilation);
  const bool explicit_padding = p_.op == 1 || p_.padding == Padding::Explicit;
  if (p_.op == 0) kParams.widget(p_, p_.padding);
  if (explicit_padding) {
    if (p_.dims == 2) kParams.widget(p_, p_.pad_h);
    kParams.widget(p_, p_.pad_w, p_.dims == 2 ? nullptr : "padding P");
  }
  if (p_.op == 0)
    if (Control c{kParams.key(p_, p_.flip)}; c.shown) {
      int op = p_.flip ? 1 : 0;
      ImGui::RadioButton("cross-correlation (what deep learning calls convolution)", &op, 0);
      ImGui::RadioButton("true convolution (the kernel flipped 180°)", &op, 1);
      p_.flip = op == 1;
    }
  ImGui::PopItemWidth();
  if (ImGui::SmallButton("lecture example: 5 × 5 input, 3 × 3 filter")) {
    Params lecture;
    lecture.flip = p_.flip;
    p_ = lecture;
    stepper_.set_position(0, 9);
  }
  ImGui::SameLine();
  hint_line("Ctrl+click a slider to type a value.");
}

void ModesScene::draw_results() {
  const Computed& c = computed();
  const int first = p_.dims == 2 ? 0 : 1;
  const char* axis_name[2] = {"height", "width"};
  ImGui::Separator();
  auto current = [&](int a) {
    const bool two_d = p_.dims == 2;
    return a == 0 ? axis(two_d ? p_.h : 1, two_d ? p_.kh : 1, p_, two_d ? p_.padding : Padding::Valid,
                         two_d ? p_.pad_h : 0)
                  : axis(p_.w, p_.kw, p_, p_.padding, p_.pad_w);
  };
  if (c.ok) {
    if (p_.dims == 2) ImGui::Text("Output: %d × %d", c.out_h, c.out_w);
    else ImGui::Text("Output length: %d", c.out_w);
    for (int a = first; a < 2; ++a) {
      ImGui::Bullet();
      text_wrapped("%s%s", p_.dims == 2 ? (std::string(axis_name[a]) + ": ").c_str() : "", current(a).formula_text().c_str());
    }
  } else {
    error_line(c.error);
  }
  if (p_.op == 1) {
    hint_line("The transposed convolution maps a small input to a larger output (used to upsample, e.g. in "
              "decoders): each input value scatters a copy of the kernel, scaled by the value, into the output; "
              "stride spreads the copies apart, padding P crops P from each end. It is the gradient of a "
              "convolution with the same kernel, and its output size inverts the convolution's.");
    return;
  }
  if (author_options().hidden("table")) return;
  ImGui::Dummy(ImVec2(0, 6));
  text_wrapped("The three classic modes for this input and kernel (stride and dilation as set):");
  if (ImGui::BeginTable("modes", p_.dims == 2 ? 3 : 2, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("mode", ImGuiTableColumnFlags_WidthFixed);
    if (p_.dims == 2) ImGui::TableSetupColumn("height");
    ImGui::TableSetupColumn(p_.dims == 2 ? "width" : "length");
    ImGui::TableHeadersRow();
    for (int m = 0; m < 3; ++m) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(padding_name(kPaddings[static_cast<size_t>(m)]));
      for (int a = first; a < 2; ++a) {
        ImGui::TableNextColumn();
        const Axis ax = a == 0 ? axis(p_.h, p_.kh, p_, kPaddings[static_cast<size_t>(m)], 0) : axis(p_.w, p_.kw, p_, kPaddings[static_cast<size_t>(m)], 0);
        if (ax.ok()) text_wrapped("%s", ax.formula_text().c_str());
        else error_line(ax.error_text());
      }
    }
    ImGui::EndTable();
  }
}

void ModesScene::draw_picture(bool stacked) {
  const Computed& c = computed();
  if (!c.ok) return;
  const bool transposed = p_.op == 1;
  const int in_rows = transposed ? c.in_h : c.padded_h, in_cols = transposed ? c.in_w : c.padded_w;
  if (static_cast<long>(in_rows) * in_cols > kMaxDrawnCells || static_cast<long>(c.out_h) * c.out_w > kMaxDrawnCells) {
    hint_line("The pictures are drawn for grids up to 512 × 512 cells; the shapes above are still exact.");
    return;
  }
  if (!c.values) {
    if (!c.error.empty()) error_line(c.error);
    else hint_line("This layer is too large to compute at interactive speed here (more than 20 million multiply-adds); "
                   "the shapes above are exact.");
    return;
  }
  if (transposed) input_view_.set(c.input, c.in_h, c.in_w, ColorMap::Sequential);
  else input_view_.set(c.padded, c.padded_h, c.padded_w, ColorMap::Sequential, &c.padded_mask);
  kernel_view_.set(c.kernel, c.k_h, c.k_w, ColorMap::Sequential);
  if (p_.flip && !transposed) flipped_view_.set(c.flipped, c.k_h, c.k_w, ColorMap::Sequential);
  output_view_.set(c.output, c.out_h, c.out_w, ColorMap::Sequential);

  const int count = positions();
  if (!author_options().hidden("animation")) stepper_.draw(count);
  int pos = stepper_.position_in(count);

  const float avail = ImGui::GetContentRegionAvail().x;
  const float big = stacked ? std::min(avail * 0.62f, 340.0f) : std::min(avail * 0.36f, 320.0f);
  const float small = std::min(big * 0.45f, 150.0f);
  const ImU32 orange = IM_COL32(230, 80, 20, 255), blue = IM_COL32(40, 110, 200, 255);

  ImGui::BeginGroup();
  ImGui::Text(transposed ? "input %d × %d" : "padded input %d × %d", in_rows, in_cols);
  const CellHover hin = input_view_.draw(ImVec2(big, big), 40.0f);
  ImGui::EndGroup();
  ImGui::SameLine(0, 16);
  ImGui::BeginGroup();
  ImGui::Text("kernel %d × %d", c.k_h, c.k_w);
  const CellHover hk = kernel_view_.draw(ImVec2(small, small), 36.0f);
  CellHover hf;
  if (p_.flip && !transposed) {
    ImGui::TextUnformatted("flipped 180°");
    hf = flipped_view_.draw(ImVec2(small, small), 36.0f);
  }
  ImGui::EndGroup();
  if (!stacked) ImGui::SameLine(0, 16);
  ImGui::BeginGroup();
  ImGui::Text("output %d × %d", c.out_h, c.out_w);
  const CellHover hout = output_view_.draw(ImVec2(big, big), 40.0f);
  ImGui::EndGroup();

  // Hovering a cell shows its position; a click moves the window there (and pauses).
  const CellHover& driver = transposed ? hin : hout;
  const int driver_cols = transposed ? c.in_w : c.out_w;
  if (driver.valid()) {
    pos = driver.row * driver_cols + driver.col;
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      stepper_.set_position(pos, count);
      stepper_.set_playing(false);
    }
  }
  // The window of the current position.
  const int kr = c.k_h, kc = c.k_w;
  if (transposed) {
    const int r = pos / c.in_w, col = pos % c.in_w;
    input_view_.outline(r, col, r + 1, col + 1, orange, 3.0f);
    // Input cell (r, col) writes the output positions of its window, cropped by P (shape.h's WindowAxis).
    const WindowAxis wr{p_.stride, p_.dilation, kr, p_.dims == 2 ? p_.pad_h : 0, c.in_h},
        wc{p_.stride, p_.dilation, kc, p_.pad_w, c.in_w};
    for (int i = 0; i < kr; ++i)
      for (int j = 0; j < kc; ++j) {
        const int rr = static_cast<int>(window_tap(wr, r, i)), cc = static_cast<int>(window_tap(wc, col, j));
        if (rr >= 0 && rr < c.out_h && cc >= 0 && cc < c.out_w) output_view_.outline(rr, cc, rr + 1, cc + 1, orange, 2.0f);
      }
  } else {
    const int r = pos / c.out_w, col = pos % c.out_w;
    output_view_.outline(r, col, r + 1, col + 1, orange, 3.0f);
    const WindowAxis wr = padded_window(0), wc = padded_window(1);
    for (int i = 0; i < kr; ++i)
      for (int j = 0; j < kc; ++j) {
        const int rr = static_cast<int>(window_tap(wr, r, i)), cc = static_cast<int>(window_tap(wc, col, j));
        input_view_.outline(rr, cc, rr + 1, cc + 1, orange, 2.0f);
      }
    // A hovered input cell: every output cell that reads it.
    if (hin.valid()) {
      int readers = 0;
      for (const WindowReader& a : window_readers(wr, hin.row))
        for (const WindowReader& b : window_readers(wc, hin.col)) {
          const int orow = static_cast<int>(a.output), ocol = static_cast<int>(b.output);
          output_view_.outline(orow, ocol, orow + 1, ocol + 1, blue, 2.0f);
          ++readers;
        }
      input_view_.outline(hin.row, hin.col, hin.row + 1, hin.col + 1, blue, 3.0f);
      text_wrapped("Padded input cell (%d, %d) is read by %d output cell%s (blue): the same kernel weights "
                         "meet it at every position.", hin.row, hin.col, readers, readers == 1 ? "" : "s");
    }
    // A hovered weight: the input cell it multiplies at this position.
    const CellHover& hw = hk.valid() ? hk : hf;
    if (hw.valid()) {
      const int i = hk.valid() && p_.flip ? kr - 1 - hw.row : hw.row, j = hk.valid() && p_.flip ? kc - 1 - hw.col : hw.col;
      const int rr = static_cast<int>(window_tap(wr, r, i)), cc = static_cast<int>(window_tap(wc, col, j));
      input_view_.outline(rr, cc, rr + 1, cc + 1, blue, 3.0f);
      (hk.valid() ? kernel_view_ : flipped_view_).outline(hw.row, hw.col, hw.row + 1, hw.col + 1, blue, 3.0f);
    }
  }
  ImGui::Dummy(ImVec2(0, 4));
  const std::string line = window_line(pos);
  if (transposed) {
    text_wrapped("%s", line.c_str());
  } else {
    const int r = pos / c.out_w, col = pos % c.out_w;
    text_wrapped("output (%d, %d) = %s", r, col, line.c_str());
    hint_line(p_.flip ? "Each input value under the window times the flipped kernel's weight at the same place, summed."
                      : "Each input value under the window times the kernel's weight at the same place, summed.");
  }
}

void ModesScene::draw() {
  scene_intro(title(),
              "A K-wide filter slides over an N-wide input. Without padding ('valid') it fits N − K + 1 times; "
              "'same' pads so the output keeps the input's size; 'full' pads K − 1 on each side so every overlap "
              "counts: N + K − 1. Stride skips positions, dilation spreads the filter's taps apart. Press play to "
              "watch the window slide, hover an input cell, a weight or an output cell, and change the sliders.");
  scene_layout(
      [&] {
        draw_controls();
        draw_results();
      },
      [&] { draw_picture(!layout_report().stacked); }, {900.0f, 0.4f});
  if (p_.flip && p_.op == 0)
    hint_line("True convolution flips the kernel by 180° before sliding it; the output shape is the same. "
              "scipy.signal.convolve2d(A, fliplr(flipud(w))) is what deep-learning libraries call convolution "
              "(it is cross-correlation).");
}

void ModesScene::write_state(JsonWriter& out) const {
  kParams.write(p_, out);
  stepper_.write_state(out);
  write_results(out);
}

void ModesScene::write_results(JsonWriter& out) const {
  const Computed& c = computed();
  if (c.ok) {
    const bool two_d = p_.dims == 2;
    const auto [ah, aw] = axes();
    out.field("out_h", static_cast<long long>(c.out_h)).field("out_w", static_cast<long long>(c.out_w))
        .field("formula_w", aw.formula_text());
    if (two_d) out.field("formula_h", ah.formula_text());
    // Values for small grids (a test compares them with the lecture and with the core).
    const bool small = c.values && c.output.size() <= 256;
    out.field("input", small ? join_values(c.input) : std::string())
        .field("kernel", small ? join_values(c.kernel) : std::string())
        .field("output", small ? join_values(c.output) : std::string())
        .field("window", c.values ? window_line(stepper_.position_in(positions())) : std::string());
    out.field("error", c.values || c.error.empty() ? std::string() : c.error);
  } else {
    out.field("error", c.error);
  }
}

std::string ModesScene::description() const {
  const Computed& c = computed();
  std::string text = std::string(title()) + ", " + (p_.op == 1 ? "transposed convolution" : "convolution") + ". ";
  if (!c.ok) return text + c.error;
  const auto [ah, aw] = axes();
  const auto size = [&](int h, int w) { return p_.dims == 2 ? std::to_string(h) + " × " + std::to_string(w) : std::to_string(w); };
  text += "Input " + size(c.in_h, c.in_w) + ", kernel " + size(c.k_h, c.k_w) + ", stride " + std::to_string(p_.stride) +
          ", dilation " + std::to_string(p_.dilation) + ". Output " + size(c.out_h, c.out_w) + "; ";
  if (p_.dims == 2) text += "height " + ah.formula_text() + "; width ";
  text += aw.formula_text() + ".";
  if (c.values) {
    const int pos = stepper_.position_in(positions());
    if (p_.op == 0) text += " Output (" + std::to_string(pos / c.out_w) + ", " + std::to_string(pos % c.out_w) + ") =";
    text += " " + window_line(pos) + ".";
  }
  else if (!c.error.empty()) text += " " + c.error;
  return text;
}

std::string ModesScene::apply_state(const JsonObject& in) {
  Params p = p_;
  Stepper::State st = stepper_.state();
  if (auto e = apply_params(in, id(), {kParams.bind(p), Stepper::table().bind(st)},
                            derived_keys([this](JsonWriter& w) { write_results(w); }));
      !e.empty())
    return e;
  if (p.op == 1 && p_.op == 0 && !kParams.given(in, p, p.pad_h) && !kParams.given(in, p, p.pad_w)) start_transposed(p);
  return stepper_.apply(p_, std::move(p), in, st, [this] { return positions(); });
}

} // namespace

std::unique_ptr<Scene> make_modes_scene() { return std::make_unique<ModesScene>(); }

} // namespace convplay::app
