// Scene "invariance": translational invariance. A small pattern (a plus, an L, a cat's face) sits
// anywhere on an empty input; a filter matched to it is convolved over the input, and global max
// pooling of the map gives the same number wherever the pattern is. A dense layer of the same input
// size (fixed seeded weights) gives a different number at every position. The experiment, at one
// position and swept over all, is the core's (convplay/invariance.h); this file lays it out.
#include "../scene.h"
#include "../scene_ui.h"
#include "../tensor_view.h"

#include <convplay/invariance.h>

#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace convplay::app {
namespace {

struct Pattern {
  const char* id;
  const char* label;
  std::vector<const char*> rows; // '#' = 1
};
const std::array<Pattern, 3> kPatterns = {{
    {"plus", "plus", {"..#..", "..#..", "#####", "..#..", "..#.."}},
    {"l", "L", {"#...", "#...", "#...", "#...", "####"}},
    {"cat", "cat face", {"#.....#", "##...##", "#######", "##.#.##", "#######", "###.###", ".#####."}},
}};
constexpr int kMinSide = 8, kMaxSide = 40; // the sweep convolves once per position: n ≤ 40 stays interactive

std::vector<std::string> pattern_names(bool labels) {
  std::vector<std::string> out;
  for (const Pattern& p : kPatterns) out.emplace_back(labels ? p.label : p.id);
  return out;
}

struct Params {
  int pattern = 2;  // index into kPatterns
  int n = 24;       // input side
  int x = 3, y = 4; // the pattern's top-left cell
  int seed = 1;     // dense weights
  bool operator==(const Params&) const = default;
};

const ParamTable<Params> kParams{
    choice_param("pattern", &Params::pattern, pattern_names(false), "Pattern").radio(pattern_names(true)),
    int_param("n", &Params::n, kMinSide, kMaxSide, "input size n"),
    int_param("x", &Params::x, 0, kMaxSide, "x (column)"),
    int_param("y", &Params::y, 0, kMaxSide, "y (row)"),
    int_param("seed", &Params::seed, 0, 1000000, "dense seed").drag().help("the dense layer's random weights"),
};

int pattern_h(int p) { return static_cast<int>(kPatterns[static_cast<size_t>(p)].rows.size()); }
int pattern_w(int p) { return static_cast<int>(std::string(kPatterns[static_cast<size_t>(p)].rows[0]).size()); }
bool pattern_on(int p, int r, int c) { return kPatterns[static_cast<size_t>(p)].rows[static_cast<size_t>(r)][c] == '#'; }

// The pattern as a (PH, PW) tensor of 0 and 1, for the core's experiment (convplay/invariance.h).
Tensor pattern_tensor(int p) {
  Tensor t = zeros({pattern_h(p), pattern_w(p)});
  for (int r = 0; r < pattern_h(p); ++r)
    for (int c = 0; c < pattern_w(p); ++c) t[r * pattern_w(p) + c] = pattern_on(p, r, c) ? 1.0f : 0.0f;
  return t;
}

struct Outcome {
  Tensor input, map;        // (n, n) and the conv map (n − kh + 1, n − kw + 1)
  float global_max = 0;     // max_pool2d over the whole map
  int peak_row = 0, peak_col = 0; // its index in the map
  float dense_out = 0;      // dense(input)
};

// One position, by the core (invariance_at: conv2d, global max pooling, dense).
Expected<Outcome> evaluate(const Params& p, const Tensor& filter, const Tensor& weights) {
  auto r = invariance_at(pattern_tensor(p.pattern), p.n, p.y, p.x, filter, weights);
  if (!r) return Error{r.error()};
  return Outcome{std::move(r->input), std::move(r->map), r->global_max, static_cast<int>(r->peak_row),
                 static_cast<int>(r->peak_col), r->dense_out};
}

struct Sweep { // every position of the pattern: (n − kh + 1) × (n − kw + 1)
  int rows = 0, cols = 0;
  std::vector<float> global_max, dense_out;
  float dense_min = 0, dense_max = 0, gmax_min = 0, gmax_max = 0;
};

class InvarianceScene final : public Scene {
public:
  InvarianceScene() { (void)set_params(p_); }
  const char* id() const override { return "invariance"; }
  const char* title() const override { return "Translation invariance"; }
  void draw() override;
  void write_state(JsonWriter& out) const override;
  std::vector<ParamValue> parameters() const override {
    auto out = kParams.values(p_);
    stepper_.list(out, static_cast<int>(o_.map.numel()));
    return out;
  }
  std::string apply_state(const JsonObject& in) override;
  bool animating() const override { return stepper_.playing(); }

private:
  std::string set_params(const Params& p);
  void draw_controls();
  void write_results(JsonWriter& out) const; // the derived keys of state()
  std::string description() const override;
  void draw_grids();
  void draw_comparison();
  std::string window_products(int row, int col) const;

  Params p_;
  Tensor filter_, weights_;
  Outcome o_;
  Sweep sweep_;
  Params sweep_key_{-1, 0, 0, 0, 0};
  Stepper stepper_;
  std::string message_;
  bool views_dirty_ = true; // set by set_params()
  bool refresh_ = true;     // this frame re-uploads the grids
  bool dragging_ = false;
  int grab_r_ = 0, grab_c_ = 0;
  TensorView input_view_, filter_view_, map_view_, dense_view_, gmax_view_;
};

std::string InvarianceScene::set_params(const Params& p) {
  if (p.pattern < 0 || p.pattern >= static_cast<int>(kPatterns.size())) return "unknown pattern";
  if (p.n < kMinSide || p.n > kMaxSide)
    return "n must be between " + std::to_string(kMinSide) + " and " + std::to_string(kMaxSide);
  const Tensor filter = matched_filter(pattern_tensor(p.pattern)), weights = seeded_dense_weights(p.n * p.n, static_cast<uint32_t>(p.seed));
  auto o = evaluate(p, filter, weights); // or why the position is not one ("x must be between 0 and …")
  if (!o) return o.error();
  Sweep sweep = sweep_;
  const bool same_sweep = sweep_key_.pattern == p.pattern && sweep_key_.n == p.n && sweep_key_.seed == p.seed;
  if (!same_sweep) {
    auto all = invariance_sweep(pattern_tensor(p.pattern), p.n, filter, weights);
    if (!all) return all.error();
    sweep = Sweep{static_cast<int>(all->rows), static_cast<int>(all->cols), std::move(all->global_max), std::move(all->dense_out),
                  all->dense_min, all->dense_max, all->global_max_min, all->global_max_max};
  }
  p_ = p;
  filter_ = filter;
  weights_ = weights;
  o_ = std::move(*o);
  if (!same_sweep) {
    sweep_ = std::move(sweep);
    sweep_key_ = p;
  }
  views_dirty_ = true;
  return {};
}

// The filter's products at map cell (row, col), leaving out the taps on empty (0) input cells.
std::string InvarianceScene::window_products(int row, int col) const {
  const int kh = static_cast<int>(filter_.dim(0)), kw = static_cast<int>(filter_.dim(1));
  std::vector<float> xs, ws;
  for (int i = 0; i < kh; ++i)
    for (int j = 0; j < kw; ++j) {
      const float v = o_.input.data[static_cast<size_t>(row + i) * static_cast<size_t>(p_.n) + static_cast<size_t>(col + j)];
      if (v != 0.0f) {
        xs.push_back(v);
        ws.push_back(filter_.data[static_cast<size_t>(i * kw + j)]);
      }
    }
  const float result = o_.map.data[static_cast<size_t>(row) * static_cast<size_t>(o_.map.dim(1)) + static_cast<size_t>(col)];
  if (xs.empty()) return format_value(result) + ": the filter covers only empty cells";
  std::string s = multiply_adds(xs.data(), ws.data(), static_cast<int>(xs.size()), result, 12);
  return s + "   (" + std::to_string(kh * kw - static_cast<int>(xs.size())) + " taps on empty cells add 0)";
}

void InvarianceScene::draw_controls() {
  Params p = p_;
  kParams.widget(p, p.pattern);
  // Keep the pattern inside when it grows or the input shrinks.
  ImGui::PushItemWidth(std::min(200.0f, ImGui::GetContentRegionAvail().x * 0.35f));
  kParams.widget(p, p.n);
  same_line_if_fits(kParams.width(p, p.seed));
  kParams.widget(p, p.seed);
  p.x = std::min(p.x, p.n - pattern_w(p.pattern));
  p.y = std::min(p.y, p.n - pattern_h(p.pattern));
  // The sliders stop where the pattern still fits (0 would mean "as declared": keep at least 1 step).
  kParams.widget(p, p.x, nullptr, std::max(1, p.n - pattern_w(p.pattern)));
  same_line_if_fits(kParams.width(p, p.y));
  kParams.widget(p, p.y, nullptr, std::max(1, p.n - pattern_h(p.pattern)));
  ImGui::PopItemWidth();
  if (!(p == p_)) message_ = set_params(p);
  error_line(message_);
}

void InvarianceScene::draw_grids() {
  if (refresh_) {
    input_view_.set(o_.input.data, p_.n, p_.n, ColorMap::Sequential);
    filter_view_.set(filter_.data, static_cast<int>(filter_.dim(0)), static_cast<int>(filter_.dim(1)), ColorMap::Diverging);
    map_view_.set(o_.map.data, static_cast<int>(o_.map.dim(0)), static_cast<int>(o_.map.dim(1)), ColorMap::Diverging);
  }
  const int kh = static_cast<int>(filter_.dim(0)), kw = static_cast<int>(filter_.dim(1));
  const int mh = static_cast<int>(o_.map.dim(0)), mw = static_cast<int>(o_.map.dim(1));
  const float avail = ImGui::GetContentRegionAvail().x;
  // input | filter | map | global max, one cell size for the input and the map.
  const float filter_w = std::min(7.0f * 22.0f, avail * 0.16f);
  // Leave room below for the stepper and the comparison over positions (about 330 px); in a small
  // window the cells stay readable and the scene scrolls. The two numbers go below the grids when
  // they do not fit beside them.
  const float numbers_w = 190.0f, gaps = 3.0f * 16.0f;
  const float by_height = (ImGui::GetContentRegionAvail().y - 330.0f) / static_cast<float>(p_.n);
  float by_width = (avail - filter_w - gaps - numbers_w) / static_cast<float>(p_.n + mw);
  const bool numbers_beside = by_width >= 6.0f;
  if (!numbers_beside) by_width = (avail - filter_w - gaps) / static_cast<float>(p_.n + mw);
  const float cell = std::clamp(std::min(by_width, by_height), std::min(6.0f, std::max(3.0f, by_width)), 16.0f);
  const ImU32 pattern_color = IM_COL32(230, 80, 20, 255), window_color = IM_COL32(20, 120, 220, 255);

  ImGui::BeginGroup();
  ImGui::Text("input %d × %d (drag the pattern)", p_.n, p_.n);
  const CellHover in_hover = input_view_.draw(ImVec2(cell * static_cast<float>(p_.n) + 1, cell * static_cast<float>(p_.n) + 1), cell, false);
  const ImVec2 in_min = ImGui::GetItemRectMin(), in_size = ImGui::GetItemRectSize();
  ImGui::SetCursorScreenPos(in_min); // a button over the grid, for dragging; the cursor ends below it as before
  ImGui::InvisibleButton("drag", in_size);
  const float in_cell = in_size.x / static_cast<float>(p_.n);
  auto mouse_cell = [&](int& r, int& c) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    r = static_cast<int>(std::floor((m.y - in_min.y) / in_cell));
    c = static_cast<int>(std::floor((m.x - in_min.x) / in_cell));
  };
  if (ImGui::IsItemActivated()) {
    int r = 0, c = 0;
    mouse_cell(r, c);
    const bool on = r >= p_.y && r < p_.y + kh && c >= p_.x && c < p_.x + kw;
    grab_r_ = on ? r - p_.y : kh / 2; // grab where clicked, or centre the pattern on the click
    grab_c_ = on ? c - p_.x : kw / 2;
    dragging_ = true;
  }
  if (dragging_ && ImGui::IsItemActive()) {
    int r = 0, c = 0;
    mouse_cell(r, c);
    Params p = p_;
    p.y = std::clamp(r - grab_r_, 0, p_.n - kh);
    p.x = std::clamp(c - grab_c_, 0, p_.n - kw);
    if (!(p == p_)) message_ = set_params(p);
  }
  if (!ImGui::IsItemActive()) dragging_ = false;
  if (ImGui::IsItemHovered()) ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);
  input_view_.outline(p_.y, p_.x, p_.y + kh, p_.x + kw, pattern_color, 2.0f);
  ImGui::EndGroup();

  ImGui::SameLine(0, 16);
  ImGui::BeginGroup();
  ImGui::Text("filter %d × %d", kh, kw);
  filter_view_.draw(ImVec2(filter_w, filter_w), 22.0f, true);
  ImGui::TextDisabled("+1 on the pattern,");
  ImGui::TextDisabled("−1 around it");
  ImGui::EndGroup();

  ImGui::SameLine(0, 16);
  ImGui::BeginGroup();
  ImGui::Text("conv map %d × %d", mh, mw);
  const CellHover map_hover = map_view_.draw(ImVec2(cell * static_cast<float>(mw) + 1, cell * static_cast<float>(mh) + 1), cell, false);
  map_view_.outline(o_.peak_row, o_.peak_col, o_.peak_row + 1, o_.peak_col + 1, pattern_color, 2.5f);
  ImGui::Text("peak at row %d, column %d", o_.peak_row, o_.peak_col);
  ImGui::EndGroup();

  // Beside the map if the labels left room for them (they can be wider than the grids).
  const float right_edge = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  const bool beside = numbers_beside && ImGui::GetItemRectMax().x + 16.0f + numbers_w <= right_edge;
  if (beside) ImGui::SameLine(0, 16);
  ImGui::BeginGroup();
  ImGui::TextUnformatted("global max pooling");
  ImGui::Text("max over all %d cells", mh * mw);
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(33, 120, 110, 255));
  ImGui::SetWindowFontScale(1.8f);
  ImGui::Text("%s", format_value(o_.global_max).c_str());
  ImGui::SetWindowFontScale(1.0f);
  ImGui::PopStyleColor();
  ImGui::TextDisabled("= its %d cells × (+1)", static_cast<int>(std::count(filter_.data.begin(), filter_.data.end(), 1.0f)));
  if (beside) {
    ImGui::Dummy(ImVec2(0, 6));
  } else {
    ImGui::EndGroup();
    ImGui::SameLine(0, 40);
    ImGui::BeginGroup();
  }
  ImGui::TextUnformatted("dense layer");
  ImGui::Text("%d weights · input", p_.n * p_.n);
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(190, 75, 45, 255));
  ImGui::SetWindowFontScale(1.8f);
  ImGui::Text("%.3f", static_cast<double>(o_.dense_out));
  ImGui::SetWindowFontScale(1.0f);
  ImGui::PopStyleColor();
  ImGui::EndGroup();

  // The sliding filter: the Stepper's position, or the hovered map cell; hovering the input shows
  // the map cells that read that input cell.
  ImGui::TextUnformatted("The filter sliding over the input (one conv map cell at a time):");
  stepper_.draw(mh * mw);
  int row = -1, col = -1;
  if (map_hover.valid()) {
    row = map_hover.row;
    col = map_hover.col;
    if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
      stepper_.set_position(row * mw + col, mh * mw);
      stepper_.set_playing(false);
    }
  } else if (in_hover.valid() && !dragging_) {
    const int i = in_hover.row, j = in_hover.col;
    const int r0 = std::max(0, i - kh + 1), r1 = std::min(mh - 1, i), c0 = std::max(0, j - kw + 1), c1 = std::min(mw - 1, j);
    map_view_.outline(r0, c0, r1 + 1, c1 + 1, window_color, 2.0f);
    input_view_.outline(i, j, i + 1, j + 1, window_color, 2.0f);
    hint_line(("Input cell (" + std::to_string(i) + ", " + std::to_string(j) + ") is read by the " +
               std::to_string((r1 - r0 + 1) * (c1 - c0 + 1)) + " map cells outlined in blue.").c_str());
  }
  if (row < 0 && !(in_hover.valid() && !dragging_)) {
    const int pos = stepper_.position_in(mh * mw);
    row = pos / mw;
    col = pos % mw;
  }
  if (row >= 0) {
    map_view_.outline(row, col, row + 1, col + 1, window_color, 2.5f);
    input_view_.outline(row, col, row + kh, col + kw, window_color, 2.0f);
    text_wrapped("map (%d, %d) = %s", row, col, window_products(row, col).c_str());
  }
}

// Dense output versus position next to the global max, for every position of the pattern.
void InvarianceScene::draw_comparison() {
  ImGui::Separator();
  text_wrapped("Every position of the pattern (%d × %d positions, each computed by the core):", sweep_.rows, sweep_.cols);
  text_wrapped("global max: from %s to %s (the same everywhere)     dense: from %.3f to %.3f", format_value(sweep_.gmax_min).c_str(),
              format_value(sweep_.gmax_max).c_str(), static_cast<double>(sweep_.dense_min), static_cast<double>(sweep_.dense_max));
  const float avail = ImGui::GetContentRegionAvail().x;
  // Line plot along the current row y: dense output versus x, and the constant global max.
  const float plot_w = std::max(200.0f, avail * 0.5f), plot_h = 130.0f;
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + plot_w);
  text_wrapped("along row y = %d, versus x:", p_.y);
  ImGui::PopTextWrapPos();
  ImGui::TextColored(ImVec4(0.13f, 0.57f, 0.55f, 1.0f), "global max pooling");
  same_line_if_fits(ImGui::CalcTextSize("dense layer").x);
  ImGui::TextColored(ImVec4(0.75f, 0.29f, 0.18f, 1.0f), "dense layer");
  const ImVec2 o = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(o, ImVec2(o.x + plot_w, o.y + plot_h), IM_COL32(255, 255, 255, 255));
  dl->AddRect(o, ImVec2(o.x + plot_w, o.y + plot_h), IM_COL32(180, 180, 180, 255));
  float lo = std::min({0.0f, sweep_.dense_min, sweep_.gmax_min}), hi = std::max({sweep_.dense_max, sweep_.gmax_max, 1.0f});
  const float pad = 0.08f * (hi - lo);
  lo -= pad;
  hi += pad;
  const int n = sweep_.cols;
  auto px = [&](int x) { return o.x + 8.0f + (plot_w - 16.0f) * (n > 1 ? static_cast<float>(x) / static_cast<float>(n - 1) : 0.5f); };
  auto py = [&](float v) { return o.y + plot_h - (v - lo) / (hi - lo) * plot_h; };
  dl->AddLine(ImVec2(o.x, py(0)), ImVec2(o.x + plot_w, py(0)), IM_COL32(210, 210, 210, 255));
  const ImU32 gcol = IM_COL32(33, 145, 140, 255), dcol = IM_COL32(190, 75, 45, 255);
  for (int x = 0; x + 1 < n; ++x) {
    const size_t a = static_cast<size_t>(p_.y) * static_cast<size_t>(n) + static_cast<size_t>(x);
    dl->AddLine(ImVec2(px(x), py(sweep_.global_max[a])), ImVec2(px(x + 1), py(sweep_.global_max[a + 1])), gcol, 2.5f);
    dl->AddLine(ImVec2(px(x), py(sweep_.dense_out[a])), ImVec2(px(x + 1), py(sweep_.dense_out[a + 1])), dcol, 2.0f);
  }
  dl->AddLine(ImVec2(px(p_.x), o.y), ImVec2(px(p_.x), o.y + plot_h), IM_COL32(120, 120, 120, 255));
  const size_t cur = static_cast<size_t>(p_.y) * static_cast<size_t>(n) + static_cast<size_t>(p_.x);
  dl->AddCircleFilled(ImVec2(px(p_.x), py(sweep_.global_max[cur])), 4.0f, gcol);
  dl->AddCircleFilled(ImVec2(px(p_.x), py(sweep_.dense_out[cur])), 4.0f, dcol);
  ImGui::Dummy(ImVec2(plot_w, plot_h));
  ImGui::EndGroup();

  // The same two numbers at every (y, x) as small maps: one flat colour versus noise.
  if (refresh_ || dense_view_.rows() != sweep_.rows || dense_view_.cols() != sweep_.cols) {
    dense_view_.set(sweep_.dense_out, sweep_.rows, sweep_.cols, ColorMap::Diverging);
    gmax_view_.set(sweep_.global_max, sweep_.rows, sweep_.cols, ColorMap::Sequential);
  }
  const float side = std::min(130.0f, std::max(60.0f, (avail - plot_w - 40.0f) * 0.5f - 8.0f));
  same_line_if_fits(side);
  ImGui::BeginGroup();
  ImGui::TextUnformatted("dense output");
  dense_view_.draw(ImVec2(side, side), 12.0f, false);
  dense_view_.outline(p_.y, p_.x, p_.y + 1, p_.x + 1, IM_COL32(20, 20, 20, 255), 2.0f);
  ImGui::EndGroup();
  same_line_if_fits(side);
  ImGui::BeginGroup();
  ImGui::TextUnformatted("global max");
  gmax_view_.draw(ImVec2(side, side), 12.0f, false);
  gmax_view_.outline(p_.y, p_.x, p_.y + 1, p_.x + 1, IM_COL32(20, 20, 20, 255), 2.0f);
  ImGui::EndGroup();
}

void InvarianceScene::draw() {
  scene_intro(title(),
              "A cat is a cat wherever it is in the picture. Drag the pattern (or move the x and y sliders): the "
              "same filter is applied at every position, so its strongest response, the peak of the conv map, moves "
              "with the pattern, and the maximum over the whole map (global max pooling) stays the same. A dense "
              "layer has a different weight for every pixel, so its output changes whenever the pattern moves.");
  refresh_ = views_dirty_;
  views_dirty_ = false;
  scene_layout([&] { draw_controls(); },
               [&] {
                 draw_grids();
                 draw_comparison();
               },
               {1000.0f, 0.4f});
}

std::string InvarianceScene::description() const {
  const auto n = [](auto v) { return std::to_string(v); };
  const int cells = static_cast<int>(std::count(filter_.data.begin(), filter_.data.end(), 1.0f));
  std::string text = std::string(title()) + ". Input " + n(p_.n) + " × " + n(p_.n) + " with the " +
                     kPatterns[static_cast<size_t>(p_.pattern)].label + " (" + n(pattern_h(p_.pattern)) + " × " +
                     n(pattern_w(p_.pattern)) + ", " + n(cells) + " cells on) at x " + n(p_.x) + ", y " + n(p_.y) +
                     ". The matched filter's map is " + n(o_.map.dim(0)) + " × " + n(o_.map.dim(1)) + " (N − K + 1); its peak is at (" +
                     n(o_.peak_row) + ", " + n(o_.peak_col) + ") and global max pooling gives " + format_value(o_.global_max) +
                     ". The dense layer (seed " + n(p_.seed) + ") gives " + format_value(o_.dense_out) + ". Over all " +
                     n(sweep_.dense_out.size()) + " positions the global max goes from " + format_value(sweep_.gmax_min) + " to " +
                     format_value(sweep_.gmax_max) + ", the dense output from " + format_value(sweep_.dense_min) + " to " +
                     format_value(sweep_.dense_max) + ".";
  if (const int positions = static_cast<int>(o_.map.numel()); positions > 0) {
    const int pos = stepper_.position_in(positions), mw = static_cast<int>(o_.map.dim(1));
    text += " Map (" + n(pos / mw) + ", " + n(pos % mw) + ") = " + window_products(pos / mw, pos % mw) + ".";
  }
  if (!message_.empty()) text += " " + message_;
  return text;
}

void InvarianceScene::write_state(JsonWriter& out) const {
  kParams.write(p_, out);
  stepper_.write_state(out, static_cast<int>(o_.map.numel()));
  write_results(out);
}

void InvarianceScene::write_results(JsonWriter& out) const {
  out.field("pattern_cells", static_cast<int>(std::count(filter_.data.begin(), filter_.data.end(), 1.0f)))
      .field("conv_h", static_cast<long long>(o_.map.dim(0))).field("conv_w", static_cast<long long>(o_.map.dim(1)))
      .field("conv_peak_row", o_.peak_row).field("conv_peak_col", o_.peak_col)
      .field("global_max", static_cast<double>(o_.global_max)).field("dense_out", static_cast<double>(o_.dense_out))
      .field("positions", static_cast<int>(sweep_.dense_out.size()))
      .field("global_max_min", static_cast<double>(sweep_.gmax_min)).field("global_max_max", static_cast<double>(sweep_.gmax_max))
      .field("dense_min", static_cast<double>(sweep_.dense_min)).field("dense_max", static_cast<double>(sweep_.dense_max))
      .field("error", message_);
}

std::string InvarianceScene::apply_state(const JsonObject& in) {
  Params p = p_;
  Stepper::State stepper = stepper_.state();
  if (auto e = apply_params(in, id(), {kParams.bind(p), Stepper::table().bind(stepper)},
                            derived_keys([this](JsonWriter& w) { write_results(w); }));
      !e.empty())
    return e;
  // A new pattern or size without a position: keep the old one if it still fits, else move it in.
  if (!kParams.given(in, p, p.x)) p.x = std::min(p.x, p.n - pattern_w(p.pattern));
  if (!kParams.given(in, p, p.y)) p.y = std::min(p.y, p.n - pattern_h(p.pattern));
  const int count = (p.n - pattern_h(p.pattern) + 1) * (p.n - pattern_w(p.pattern) + 1);
  if (auto e = Stepper::check_step(in, stepper, count, "the conv map"); !e.empty()) return e;
  if (auto e = set_params(p); !e.empty()) return e;
  stepper_.take(in, stepper, count);
  message_.clear();
  return {};
}

} // namespace

std::unique_ptr<Scene> make_invariance_scene() { return std::make_unique<InvarianceScene>(); }

} // namespace convplay::app
