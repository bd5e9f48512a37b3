// Scene "train": learning the filters. LeNet-5 and a dense network (or one of them, or the student's
// stack) trained on Fashion-MNIST in the page, side by side on the same batches: the curves, conv1's
// filters as they form, the feature maps of a test image, a confusion matrix, the mistakes, accuracy
// against shift, and the student's own drawing classified. The training is app/train_session.h's (the
// core's TrainableNetwork in jobs of bounded time); this file lays it out.
#include "../dataset_source.h"
#include "../export_weights.h"
#include "../image_source.h"
#include "../platform.h"
#include "../scene.h"
#include "../scene_params.h"
#include "../scene_ui.h"
#include "../tensor_view.h"
#include "../train_session.h"

#include <convplay/image.h>
#include <convplay/network.h>

#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace convplay::app {
namespace {

constexpr int kSide = 28; // Fashion-MNIST's images
const ImU32 kNetColors[2] = {IM_COL32(33, 145, 140, 255), IM_COL32(190, 75, 45, 255)}; // as the architecture scene

// The scene's parameters: the training's (TrainSettings: model, stack, lr, batch, optimizer, seed) and
// the view's, declared once in kParams.
struct Params : TrainSettings {
  int shift = 0;        // −6…+6: the test image shown, and the point marked on the shift plot
  int image = 0;        // the test image whose feature maps are shown
  bool running = false; // training wanted (it pauses while the scene is not shown)
  bool operator==(const Params&) const = default;
};
const ParamTable<Params> kParams{
    choice_param<Params>("model", &Params::model, {std::begin(kTrainModelNames), std::end(kTrainModelNames)}, "network")
        .shown_as({"both, side by side", "LeNet-5", "the dense network", "your stack"}),
    text_param<Params>("stack", &Params::stack, kMaxNetworkText, "layers")
        .in_hash_if([](const Params& p) { return p.model == "stack"; })
        .shown_when([](const Params& p) { return p.model == "stack"; }),
    float_param<Params>("lr", &Params::lr, kMinTrainLr, kMaxTrainLr, "learning rate").log_slider(),
    int_param<Params>("batch", &Params::batch, 1, static_cast<int>(kMaxTrainBatch), "batch")
        .log_slider().slider_max(512).help("images per step; a new batch size starts again from the seed"),
    choice_param<Params, OptimizerKind>("optimizer", &Params::optimizer, {OptimizerKind::Adam, OptimizerKind::Sgd}, optimizer_name, "optimiser"),
    int_param<Params>("seed", &Params::seed, 0, kMaxTrainSeed, "seed").input_field().help("the initial weights and the order"),
    int_param<Params>("shift", &Params::shift, -kMaxShift, kMaxShift, "shift (pixels to the right)"),
    int_param<Params>("image", &Params::image, 0, 9999, "test image").drag(),
    bool_param<Params>("running", &Params::running, "training").no_widget().not_in_hash(),
};

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}
std::string percent(double acc) { return acc < 0 ? std::string("—") : fmt("%.1f %%", 100.0 * acc); }
std::string thousands(int64_t v) { return format_count(count_of(v)); }

// A (3, 28, 28) picture of 0–255 grey pixels, for RgbView.
Tensor grey_picture(const uint8_t* px, int64_t n) {
  Tensor t = zeros({3, kSide, kSide});
  for (int64_t i = 0; i < n && i < kSide * kSide; ++i)
    for (int64_t c = 0; c < 3; ++c) t.data[static_cast<size_t>(c * kSide * kSide + i)] = static_cast<float>(px[i]) / 255.0f;
  return t;
}

// A TensorView of values drawn only where the window shows it: off-screen views take no GL work (their
// texture is rendered when they scroll into view). Returns the cell under the mouse.
CellHover draw_tensor(TensorView& tv, const std::vector<float>& values, int rows, int cols, ColorMap map, ImVec2 max_size,
                      float max_cell, bool numbers = false) {
  if (rows <= 0 || cols <= 0) return {};
  const float cell = std::max(0.5f, std::min({max_cell, max_size.x / static_cast<float>(cols), max_size.y / static_cast<float>(rows)}));
  const ImVec2 size(cell * static_cast<float>(cols), cell * static_cast<float>(rows));
  if (!ImGui::IsRectVisible(size)) {
    ImGui::Dummy(size);
    return {};
  }
  tv.set(values, rows, cols, map);
  return tv.draw(max_size, max_cell, numbers);
}
void draw_picture(RgbView& view, const Tensor& chw, ImVec2 max_size, float max_cell) { // the same for pictures
  const float rows = static_cast<float>(chw.dim(1)), cols = static_cast<float>(chw.dim(2));
  const float cell = std::max(0.25f, std::min({max_cell, max_size.x / cols, max_size.y / rows}));
  if (!ImGui::IsRectVisible(ImVec2(cell * cols, cell * rows))) {
    ImGui::Dummy(ImVec2(cell * cols, cell * rows));
    return;
  }
  view.set(chw);
  view.draw(max_size, max_cell);
}

// The student's picture as a Fashion-MNIST image: grey, fitted into 28×28 and centred, inverted when its
// border is light (the dataset's garments are light on black).
Expected<std::vector<uint8_t>> picture_as_garment() {
  ImageResult img = get_image("user", kSide);
  if (img.status != ImageResult::Status::Ready) return Error{img.note.empty() ? "no picture" : img.note};
  auto grey = to_grey(img.image);
  if (!grey.ok()) return Error{grey.error()};
  const int64_t h = grey->dim(1), w = grey->dim(2), big = std::max(h, w);
  const int64_t oh = std::max<int64_t>(1, h * kSide / big), ow = std::max<int64_t>(1, w * kSide / big);
  auto fitted = resize_area(*grey, oh, ow);
  if (!fitted.ok()) return Error{fitted.error()};
  double border = 0;
  int64_t count = 0;
  for (int64_t y = 0; y < oh; ++y)
    for (int64_t x = 0; x < ow; ++x)
      if (y == 0 || x == 0 || y == oh - 1 || x == ow - 1) border += fitted->data[static_cast<size_t>(y * ow + x)], ++count;
  const bool invert = count > 0 && border / static_cast<double>(count) > 0.5;
  std::vector<uint8_t> out(kSide * kSide, 0);
  const int64_t y0 = (kSide - oh) / 2, x0 = (kSide - ow) / 2;
  for (int64_t y = 0; y < oh; ++y)
    for (int64_t x = 0; x < ow; ++x) {
      float v = fitted->data[static_cast<size_t>(y * ow + x)];
      if (invert) v = 1.0f - v;
      out[static_cast<size_t>((y0 + y) * kSide + x0 + x)] = static_cast<uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f));
    }
  return out;
}

// One line of a plot: points (xs[i], ys[i]).
struct Series {
  std::vector<float> xs, ys;
  ImU32 color;
  std::string label;
};

// Lines on shared axes (x from x_lo to x_hi, y from y_lo to y_hi) with a legend; an optional marked x.
void draw_curves(const char* id, const std::vector<Series>& series, float x_lo, float x_hi, float y_lo, float y_hi,
                 ImVec2 size, const char* y_fmt, float mark_x = NAN) {
  ImGui::PushID(id);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("plot", size);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 frame = ImGui::GetColorU32(ImGuiCol_FrameBg), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const float left = ImGui::CalcTextSize("0.000").x + 6, bottom = ImGui::GetTextLineHeight() + 2;
  const ImVec2 a(p0.x + left, p0.y + 4), b(p0.x + size.x - 4, p0.y + size.y - bottom);
  dl->AddRectFilled(a, b, frame);
  if (x_hi <= x_lo) x_hi = x_lo + 1;
  if (y_hi <= y_lo) y_hi = y_lo + 1;
  auto map = [&](float x, float y) {
    return ImVec2(a.x + (x - x_lo) / (x_hi - x_lo) * (b.x - a.x), b.y - (std::clamp(y, y_lo, y_hi) - y_lo) / (y_hi - y_lo) * (b.y - a.y));
  };
  for (int i = 0; i <= 2; ++i) { // y grid: low, middle, high
    const float y = y_lo + (y_hi - y_lo) * static_cast<float>(i) / 2.0f;
    const ImVec2 q = map(x_lo, y);
    dl->AddLine(ImVec2(a.x, q.y), ImVec2(b.x, q.y), IM_COL32(128, 128, 128, 60));
    const std::string t = fmt(y_fmt, y);
    dl->AddText(ImVec2(p0.x, q.y - ImGui::GetTextLineHeight() * 0.5f), dim, t.c_str());
  }
  for (float x : {x_lo, x_hi}) {
    const std::string t = fmt("%.0f", x);
    const ImVec2 q = map(x, y_lo);
    dl->AddText(ImVec2(std::min(q.x, b.x - ImGui::CalcTextSize(t.c_str()).x), b.y + 1), dim, t.c_str());
  }
  if (!std::isnan(mark_x)) {
    const ImVec2 q = map(mark_x, y_lo);
    dl->AddLine(ImVec2(q.x, a.y), ImVec2(q.x, b.y), IM_COL32(230, 80, 20, 160), 2.0f);
  }
  // The legend runs along the plot's top and wraps to a new row before an entry that would pass its right
  // edge; a label longer than a whole row is shortened (its full name in a tooltip).
  const float row_h = ImGui::GetTextLineHeight() + 2, legend_left = a.x + 6, legend_right = b.x - 4;
  float legend_x = legend_left, legend_y = a.y + 3;
  for (const Series& s : series) {
    std::vector<ImVec2> pts;
    for (size_t i = 0; i < s.ys.size() && i < s.xs.size(); ++i) pts.push_back(map(s.xs[i], s.ys[i]));
    if (pts.size() == 1) dl->AddCircleFilled(pts[0], 3.0f, s.color);
    else if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), s.color, 0, 2.0f);
    if (legend_x > legend_left && legend_x + 14 + ImGui::CalcTextSize(s.label.c_str()).x > legend_right) {
      legend_x = legend_left;
      legend_y += row_h;
    }
    dl->AddRectFilled(ImVec2(legend_x, legend_y + 3), ImVec2(legend_x + 10, legend_y + 13), s.color);
    legend_x += 24 + draw_fitted_text(dl, ImVec2(legend_x + 14, legend_y), ImGui::GetColorU32(ImGuiCol_Text), s.label,
                                      legend_right, "legend");
  }
  ImGui::PopID();
}

class TrainScene final : public Scene {
public:
  TrainScene() { canvas_.assign(kSide * kSide, 0); }
  const char* id() const override { return "train"; }
  const char* title() const override { return "Learning the filters"; }
  void draw() override;
  void write_state(JsonWriter& out) const override;
  std::string apply_state(const JsonObject& in) override;
  bool animating() const override {
    const DataState d = data_status().state;
    return d == DataState::Loading || (d == DataState::Ready && (p_.running || session_.evaluating())) || session_.busy();
  }
  std::vector<ParamValue> parameters() const override { return kParams.values(p_); }

private:
  void draw_data_line();
  void draw_controls();
  void draw_nets(const SessionView& v);
  void draw_curves_section(const SessionView& v);
  void draw_filters(const SessionView& v);
  void draw_feature_maps(const SessionView& v);
  void draw_shift(const SessionView& v);
  void draw_mistakes(const SessionView& v);
  void draw_try_it(const SessionView& v);
  void draw_export(const SessionView& v);
  void paint(ImVec2 from, ImVec2 to); // canvas cells, continuous coordinates
  TensorView& view_at(int key);

  std::string set_params(const Params& p); // "" or why not; the session follows
  void write_results(JsonWriter& out) const; // the derived keys of state()
  std::string description() const override;
  Params p_;
  TrainSession session_;
  std::string message_;
  std::vector<uint8_t> canvas_;
  bool canvas_used_ = false;
  ImVec2 last_paint_{-1, -1};
  int seen_user_serial_ = 0;
  int confusion_net_ = 0;
  int batch_edit_ = 0; // the batch slider's value while it is dragged
  SessionView slow_;    // the view for the filters, feature maps and mistakes (refreshed every 0.5 s)
  double slow_at_ = -1.0;
  RgbView canvas_view_, test_view_;
  std::vector<std::unique_ptr<RgbView>> mistake_views_;
  std::map<int, std::unique_ptr<TensorView>> views_;
  std::string export_note_;
};

TensorView& TrainScene::view_at(int key) {
  auto& v = views_[key];
  if (!v) v = std::make_unique<TensorView>();
  return *v;
}

void TrainScene::draw_data_line() {
  const DataStatus& st = data_status();
  const SessionView& v = session_.view();
  switch (st.state) {
  case DataState::Idle: break; // requested at the first frame
  case DataState::Loading: {
    const double mb = static_cast<double>(st.bytes_received) / 1e6, total = static_cast<double>(st.bytes_total) / 1e6;
    const std::string label = total > 0 ? fmt("%.1f", mb) + " of " + fmt("%.1f MB", total) : fmt("%.1f MB", mb);
    ImGui::ProgressBar(total > 0 ? static_cast<float>(mb / total) : 0.0f, ImVec2(ImGui::GetFontSize() * 18, 0), label.c_str());
    ImGui::SameLine();
    text_wrapped("loading Fashion-MNIST: %s training images so far", thousands(v.train_available).c_str());
    break;
  }
  case DataState::Failed:
    error_line("Fashion-MNIST could not be downloaded: " + st.error);
    if (ImGui::Button("Retry")) data_request();
    break;
  case DataState::Ready:
    hint_line(("Fashion-MNIST: " + thousands(v.train_available) + " training and " + thousands(v.test_available) +
               " test images, 28×28 grey, 10 classes").c_str()); // wrapped: the controls' column may be narrow
    break;
  }
}

void TrainScene::draw_controls() {
  const SessionView& v = session_.view();
  if (Control c{"running"}; c.shown) {
    const bool running = p_.running;
    ImGui::PushStyleColor(ImGuiCol_Button, running ? IM_COL32(200, 120, 40, 255) : IM_COL32(40, 140, 70, 255));
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 255, 255, 255));
    if (ImGui::Button(running ? "Pause" : (v.nets.empty() || v.nets[0].steps == 0 ? "Start training" : "Resume"))) {
      p_.running = !running;
    }
    ImGui::PopStyleColor(2);
    ImGui::SameLine();
    if (ImGui::Button("Reset")) session_.reset();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("new weights from the seed, curves cleared");
    ImGui::SameLine(0, 20);
  }
  // How the training runs, for the curious and for bug reports: folded away (closed) by default.
  if (ImGui::TreeNode("technical details")) {
    const size_t workers = app_thread_pool() ? app_thread_pool()->workers() : 0;
    ImGui::TextDisabled("%s, SIMD %s", workers ? (std::to_string(workers) + " worker threads").c_str() : "no threads (between frames)",
                        CONVPLAY_SIMD ? "on" : "off");
    ImGui::TreePop();
  }
  Params p = p_;
  ImGui::PushItemWidth(ImGui::GetFontSize() * 7.0f);
  kParams.widget(p, p.model);
  same_line_if_fits(kParams.width(p, p.lr));
  kParams.widget(p, p.lr);
  same_line_if_fits(kParams.width(p, p.batch));
  { // A new batch size starts again from the seed: taken when the slider is let go, not while dragging.
    Params q = p;
    if (batch_edit_) q.batch = batch_edit_;
    if (kParams.widget(q, q.batch)) batch_edit_ = q.batch;
    if (batch_edit_ && !ImGui::IsItemActive()) {
      p.batch = batch_edit_;
      batch_edit_ = 0;
    }
  }
  same_line_if_fits(kParams.width(p, p.optimizer));
  kParams.widget(p, p.optimizer);
  same_line_if_fits(kParams.width(p, p.seed));
  kParams.widget(p, p.seed);
  ImGui::PopItemWidth();
  if (p.model == "stack") {
    if (auto edit = kParams.text_field(p, p.stack, "train this stack")) {
      message_ = apply_state(*edit);
      p.stack = p_.stack; // applied (or refused) there; the other widgets' changes stay in p
    }
    if (Control c{"stack"}; c.shown) {
      if (ImGui::Button("take the architecture scene's stack"))
        if (const Scene* arch = find_app_scene("architecture")) {
          JsonWriter w;
          arch->write_state(w);
          JsonObject o;
          std::string error, stack;
          if (parse_flat_json_object(w.str(), o, error) && json_get_string(o, "stack", kMaxNetworkText, stack).empty())
            p.stack = stack;
        }
      hint_line("Any stack of the architecture scene trains here, on 28×28 grey images with 10 outputs (its "
                "input size is not used).");
    }
  }
  if (!(p == p_)) message_ = set_params(p);
  error_line(message_);
}

std::string TrainScene::set_params(const Params& p) {
  if (!(static_cast<const TrainSettings&>(p) == static_cast<const TrainSettings&>(p_)))
    if (auto e = session_.set_settings(p); !e.empty()) return e;
  p_ = p;
  return {};
}

// The stats table: a header (the networks' names), then one row per statistic with a value per network
// in the network's colour.
std::vector<std::string> nets_headers(const SessionView& v) {
  std::vector<std::string> h{""};
  for (const NetView& n : v.nets) h.push_back(n.name);
  return h;
}
std::vector<std::vector<TextCell>> nets_rows(const SessionView& v) {
  std::vector<std::vector<TextCell>> rows;
  auto row = [&](const char* label, auto value) {
    std::vector<TextCell> r{{label}};
    for (size_t i = 0; i < v.nets.size(); ++i) r.push_back({value(v.nets[i]), kNetColors[i % 2]});
    rows.push_back(std::move(r));
  };
  row("parameters", [](const NetView& n) { return thousands(n.parameters); });
  row("epochs done", [&](const NetView& n) {
    if (v.steps_per_epoch == 0 || n.epoch_step == 0)
      return std::to_string(n.epoch) + (n.steps && v.steps_per_epoch == 0 ? " (warming up on the images so far)" : "");
    return std::to_string(n.epoch) + " (step " + std::to_string(n.epoch_step) + " of " + std::to_string(v.steps_per_epoch) +
           " in epoch " + std::to_string(n.epoch + 1) + ")";
  });
  row("steps", [](const NetView& n) { return thousands(n.steps); });
  row("images seen", [](const NetView& n) { return thousands(n.images_seen); });
  row("images per second", [](const NetView& n) { return n.images_per_s > 0 ? thousands(std::llround(n.images_per_s)) : "—"; });
  row("training loss", [](const NetView& n) { return n.loss < 0 ? std::string("—") : fmt("%.3f", n.loss); });
  row("test accuracy (1,000 images)", [](const NetView& n) { return percent(n.test_acc); });
  row("whole test set, per epoch", [](const NetView& n) {
    std::string s;
    for (double a : n.epoch_acc) s += (s.empty() ? "" : ", ") + percent(a);
    return s.empty() ? std::string("at the end of each epoch") : s;
  });
  return rows;
}

void TrainScene::draw_nets(const SessionView& v) {
  if (v.nets.empty()) return;
  text_table("nets", nets_headers(v), nets_rows(v), ImGuiTableFlags_Borders);
  if (v.nets.size() == 2)
    hint_line("Both networks train on the same batches. LeNet-5 shares each 5×5 filter over the whole image: "
              "it has a quarter of the dense network's parameters.");
  if (v.evaluating) ImGui::TextDisabled("evaluating on the test images…");
}

void TrainScene::draw_curves_section(const SessionView& v) {
  if (v.nets.empty()) return;
  const float avail = ImGui::GetContentRegionAvail().x;
  const bool side_by_side = avail >= 2 * 240.0f + 16; // else one above the other
  const float w = side_by_side ? (avail - 16) * 0.5f : avail, h = 150.0f;
  std::vector<Series> loss, acc;
  float loss_hi = 0.5f, steps = 1;
  for (size_t i = 0; i < v.nets.size(); ++i) {
    const NetView& n = v.nets[i];
    Series l{{}, n.loss_curve, kNetColors[i % 2], n.name};
    for (size_t k = 0; k < n.loss_curve.size(); ++k) {
      l.xs.push_back(static_cast<float>((k + 1) * static_cast<size_t>(n.loss_every)));
      loss_hi = std::max(loss_hi, n.loss_curve[k]);
    }
    loss.push_back(std::move(l));
    Series a{{}, n.acc_curve, kNetColors[i % 2], n.name + " " + percent(n.test_acc)};
    for (int64_t st : n.acc_steps) a.xs.push_back(static_cast<float>(st));
    acc.push_back(std::move(a));
    steps = std::max(steps, static_cast<float>(n.steps));
  }
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w);
  text_wrapped("training loss (cross-entropy, mean per window of steps)");
  draw_curves("loss", loss, 0, steps, 0, std::min(loss_hi, 3.0f), ImVec2(w, h), "%.2f");
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
  if (side_by_side) ImGui::SameLine(0, 16);
  ImGui::BeginGroup();
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w);
  text_wrapped("test accuracy (1,000 test images) against steps");
  draw_curves("acc", acc, 0, steps, 0, 1, ImVec2(w, h), "%.1f");
  ImGui::PopTextWrapPos();
  ImGui::EndGroup();
}

void TrainScene::draw_filters(const SessionView& v) {
  for (size_t i = 0; i < v.nets.size(); ++i) {
    const Tensor& w = v.nets[i].conv1;
    if (w.rank() != 4) continue;
    const int m = static_cast<int>(w.dim(0)), c = static_cast<int>(w.dim(1)), k = static_cast<int>(w.dim(2));
    text_wrapped("%s: the first layer's %d filters (%d×%d%s), red positive, blue negative", v.nets[i].name.c_str(), m, k, k,
                c > 1 ? ", channel 1" : "");
    const int shown = std::min(m, 32);
    for (int f = 0; f < shown; ++f) {
      if (f) same_line_if_fits(64.0f);
      std::vector<float> vals(w.data.begin() + static_cast<std::ptrdiff_t>(f) * c * k * k,
                              w.data.begin() + static_cast<std::ptrdiff_t>(f) * c * k * k + k * k);
      draw_tensor(view_at(1000 * static_cast<int>(i) + f), vals, k, k, ColorMap::Diverging, ImVec2(64, 64), 14.0f);
    }
  }
}

void TrainScene::draw_feature_maps(const SessionView& v) {
  const Dataset& test = data_test();
  if (test.size() == 0) return hint_line("The feature maps appear when the test images have arrived.");
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14.0f);
  kParams.widget(p_, p_.image, nullptr, static_cast<double>(test.size() - 1));
  const int64_t idx = std::min<int64_t>(p_.image, test.size() - 1);
  session_.set_feature_image(idx, p_.shift);
  std::vector<uint8_t> px(test.image(idx), test.image(idx) + kSide * kSide);
  std::vector<uint8_t> shifted(px.size(), 0);
  for (int y = 0; y < kSide; ++y)
    for (int x = 0; x < kSide; ++x)
      if (x - p_.shift >= 0 && x - p_.shift < kSide) shifted[static_cast<size_t>(y * kSide + x)] = px[static_cast<size_t>(y * kSide + x - p_.shift)];
  ImGui::BeginGroup();
  draw_picture(test_view_, grey_picture(shifted.data(), static_cast<int64_t>(shifted.size())), ImVec2(84, 84), 3.0f);
  ImGui::Text("%s", kFashionClassNames[static_cast<size_t>(test.label(idx))]);
  if (p_.shift) ImGui::TextDisabled("moved %+d px", p_.shift);
  ImGui::EndGroup();
  ImGui::SameLine(0, 16);
  ImGui::BeginGroup();
  for (size_t i = 0; i < v.nets.size(); ++i) {
    const NetView& n = v.nets[i];
    ImGui::PushStyleColor(ImGuiCol_Text, kNetColors[i % 2]);
    ImGui::TextUnformatted(n.name.c_str());
    ImGui::PopStyleColor();
    for (size_t l = 0; l < n.feature_maps.size(); ++l) {
      // A layer followed by its activation is shown after it (the same shape).
      if (l + 1 < n.feature_maps.size() && l + 1 < n.layer_texts.size() && n.layer_kinds[l + 1] == LayerKind::Activation) continue;
      const Tensor& t = n.feature_maps[l];
      ImGui::TextDisabled("%d %s %s", static_cast<int>(l + 1), l < n.layer_texts.size() ? n.layer_texts[l].c_str() : "",
                          shape_string(t.shape).c_str());
      ImGui::SameLine(ImGui::GetFontSize() * 12);
      const int key = 100000 * static_cast<int>(i + 1) + 100 * static_cast<int>(l);
      if (t.rank() == 3) {
        const int ch = static_cast<int>(t.dim(0)), h = static_cast<int>(t.dim(1)), w = static_cast<int>(t.dim(2));
        const float cell = std::clamp(40.0f / static_cast<float>(std::max(h, w)), 1.0f, 8.0f);
        // As many planes as the row has room for (and "+N" for the rest), at most 16.
        const float room = ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("+000").x;
        const int fit = std::max(1, static_cast<int>((room + 3.0f) / (cell * static_cast<float>(w) + 3.0f)));
        const int shown = std::min({ch, 16, fit});
        for (int c = 0; c < shown; ++c) {
          if (c) ImGui::SameLine(0, 3);
          std::vector<float> plane(t.data.begin() + static_cast<std::ptrdiff_t>(c) * h * w,
                                   t.data.begin() + static_cast<std::ptrdiff_t>(c + 1) * h * w);
          draw_tensor(view_at(key + c), plane, h, w, ColorMap::Diverging, ImVec2(cell * static_cast<float>(w), cell * static_cast<float>(h)), cell);
        }
        if (ch > shown) {
          ImGui::SameLine();
          ImGui::TextDisabled("+%d", ch - shown);
        }
      } else {
        const int n_vals = static_cast<int>(t.numel());
        const float avail = std::max(80.0f, ImGui::GetContentRegionAvail().x);
        // One strip of values; wrapped into rows (the last padded with zeros) where half-pixel cells would not fit.
        const int rows = std::max(1, static_cast<int>(std::ceil(static_cast<float>(n_vals) * 0.5f / avail)));
        const int cols = (n_vals + rows - 1) / rows;
        std::vector<float> strip(t.data.begin(), t.data.end());
        strip.resize(static_cast<size_t>(rows) * static_cast<size_t>(cols), 0.0f);
        draw_tensor(view_at(key), strip, rows, cols, ColorMap::Diverging, ImVec2(avail, 14.0f * static_cast<float>(rows)),
                    n_vals <= 10 ? 14.0f : avail / static_cast<float>(cols));
      }
    }
  }
  ImGui::EndGroup();
}

void TrainScene::draw_shift(const SessionView& v) {
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 14.0f);
  kParams.widget(p_, p_.shift);
  ImGui::SameLine();
  ImGui::BeginDisabled(v.shift_pending || v.nets.empty());
  if (ImGui::Button(v.shift_pending ? "measuring…" : "measure now")) session_.request_shift_sweep();
  ImGui::EndDisabled();
  std::vector<Series> series;
  std::string line;
  for (size_t i = 0; i < v.nets.size(); ++i) {
    const NetView& n = v.nets[i];
    if (n.shift_step < 0) continue;
    Series sr{{}, {}, kNetColors[i % 2], n.name};
    for (int s = 0; s < kShiftCount; ++s) {
      sr.xs.push_back(static_cast<float>(s - kMaxShift));
      sr.ys.push_back(static_cast<float>(n.shift_acc[static_cast<size_t>(s)]));
    }
    series.push_back(std::move(sr));
    line += (line.empty() ? "" : ";  ") + n.name + " at " + fmt("%+.0f", p_.shift) + ": " +
            percent(n.shift_acc[static_cast<size_t>(p_.shift + kMaxShift)]) + " (step " + std::to_string(n.shift_step) + ")";
  }
  if (series.empty()) {
    hint_line("Accuracy against shift is measured at the end of every epoch, or now (500 test images per shift).");
    return;
  }
  draw_curves("shift", series, -kMaxShift, kMaxShift, 0, 1, ImVec2(std::min(520.0f, ImGui::GetContentRegionAvail().x), 160), "%.1f",
              static_cast<float>(p_.shift));
  ImGui::TextUnformatted(line.c_str());
  hint_line("The test images moved sideways, black coming in. The conv layers slide their filters over every "
            "position, and pooling forgives small moves; the dense network learned each garment at one place.");
}

void TrainScene::draw_mistakes(const SessionView& v) {
  if (v.nets.empty()) return;
  confusion_net_ = std::clamp(confusion_net_, 0, static_cast<int>(v.nets.size()) - 1);
  if (v.nets.size() > 1) {
    for (size_t i = 0; i < v.nets.size(); ++i) {
      if (i) ImGui::SameLine();
      ImGui::RadioButton(v.nets[i].name.c_str(), &confusion_net_, static_cast<int>(i));
    }
  }
  const NetView& n = v.nets[static_cast<size_t>(confusion_net_)];
  if (n.confusion.size() != static_cast<size_t>(kFashionClasses * kFashionClasses))
    return hint_line("The confusion matrix appears after the first evaluation.");
  ImGui::BeginGroup();
  ImGui::TextUnformatted("confusion matrix: row = true class, column = predicted");
  std::vector<float> m(n.confusion.begin(), n.confusion.end());
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float name_w = ImGui::CalcTextSize("Ankle boot ").x;
  ImGui::SetCursorScreenPos(ImVec2(p0.x + name_w, p0.y));
  const CellHover h = draw_tensor(view_at(900000), m, static_cast<int>(kFashionClasses), static_cast<int>(kFashionClasses),
                                  ColorMap::Sequential, ImVec2(300, 300), 30.0f, true);
  for (int r = 0; r < kFashionClasses; ++r)
    ImGui::GetWindowDrawList()->AddText(ImVec2(p0.x, p0.y + (static_cast<float>(r) + 0.2f) * 30.0f), ImGui::GetColorU32(ImGuiCol_Text),
                                        kFashionClassNames[static_cast<size_t>(r)]);
  if (h.valid())
    ImGui::SetTooltip("%lld %s taken for %s", static_cast<long long>(n.confusion[static_cast<size_t>(h.row * kFashionClasses + h.col)]),
                      kFashionClassNames[static_cast<size_t>(h.row)], kFashionClassNames[static_cast<size_t>(h.col)]);
  ImGui::EndGroup();
  same_line_if_fits(300.0f); // beside the matrix where there is room for a few rows of mistakes
  ImGui::BeginGroup();
  text_wrapped("mistakes on the test images: predicted (true)");
  const Dataset& test = data_test();
  const float avail = ImGui::GetContentRegionAvail().x;
  const int per_row = std::max(1, static_cast<int>(avail / 96.0f));
  while (mistake_views_.size() < n.misclassified.size()) mistake_views_.push_back(std::make_unique<RgbView>());
  for (size_t k = 0; k < n.misclassified.size(); ++k) {
    const Misclassified& e = n.misclassified[k];
    if (e.index >= test.size()) continue;
    if (k % static_cast<size_t>(per_row)) ImGui::SameLine(0, 6);
    ImGui::BeginGroup();
    draw_picture(*mistake_views_[k], grey_picture(test.image(e.index), kSide * kSide), ImVec2(56, 56), 2.0f);
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + 90);
    ImGui::TextColored(ImVec4(0.75f, 0.15f, 0.1f, 1), "%s", kFashionClassNames[static_cast<size_t>(e.predicted)]);
    ImGui::TextDisabled("(%s)", kFashionClassNames[static_cast<size_t>(e.label)]);
    ImGui::PopTextWrapPos();
    ImGui::EndGroup();
  }
  ImGui::EndGroup();
}

void TrainScene::paint(ImVec2 from, ImVec2 to) {
  const float len = std::hypot(to.x - from.x, to.y - from.y);
  const int steps = std::max(1, static_cast<int>(len * 2));
  for (int s = 0; s <= steps; ++s) {
    const float t = static_cast<float>(s) / static_cast<float>(steps);
    const float cx = from.x + (to.x - from.x) * t, cy = from.y + (to.y - from.y) * t;
    for (int y = std::max(0, static_cast<int>(cy) - 3); y <= std::min(kSide - 1, static_cast<int>(cy) + 3); ++y)
      for (int x = std::max(0, static_cast<int>(cx) - 3); x <= std::min(kSide - 1, static_cast<int>(cx) + 3); ++x) {
        const float d = std::hypot(static_cast<float>(x) + 0.5f - cx, static_cast<float>(y) + 0.5f - cy);
        const float v = std::clamp(2.2f - d, 0.0f, 1.0f) * 255.0f; // a brush of radius ~2 pixels, soft edge
        uint8_t& p = canvas_[static_cast<size_t>(y * kSide + x)];
        p = static_cast<uint8_t>(std::max<float>(p, v));
      }
  }
  canvas_used_ = true;
}

void TrainScene::draw_try_it(const SessionView& v) {
  if (const UserImageStatus& u = user_image_status(); u.serial != seen_user_serial_) {
    seen_user_serial_ = u.serial;
    if (u.ok) {
      if (auto g = picture_as_garment(); g.ok()) {
        canvas_ = *g;
        canvas_used_ = true;
      } else {
        message_ = "your picture: " + g.error();
      }
    }
  }
  ImGui::BeginGroup();
  ImGui::TextUnformatted("draw a garment (white on black)");
  canvas_view_.set(grey_picture(canvas_.data(), static_cast<int64_t>(canvas_.size())));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float cell = 7.0f;
  canvas_view_.draw(ImVec2(cell * kSide, cell * kSide), cell);
  ImGui::SetCursorScreenPos(p0);
  ImGui::InvisibleButton("canvas", ImVec2(cell * kSide, cell * kSide));
  if (ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const ImVec2 at((m.x - p0.x) / cell, (m.y - p0.y) / cell);
    paint(last_paint_.x < 0 ? at : last_paint_, at);
    last_paint_ = at;
  } else {
    last_paint_ = ImVec2(-1, -1);
  }
  ImGui::GetWindowDrawList()->AddRect(p0, ImVec2(p0.x + cell * kSide, p0.y + cell * kSide), IM_COL32(128, 128, 128, 255));
  if (ImGui::Button("Clear")) {
    std::fill(canvas_.begin(), canvas_.end(), 0);
    canvas_used_ = false;
  }
  ImGui::SameLine();
  if (image_picker_available()) {
    if (ImGui::Button("Your picture…")) open_image_picker();
  } else {
    ImGui::TextDisabled("or drop a picture on the window");
  }
  if (ImGui::Button("a test image")) {
    const Dataset& test = data_test();
    if (test.size() > 0) {
      const int64_t idx = std::min<int64_t>(p_.image, test.size() - 1);
      canvas_.assign(test.image(idx), test.image(idx) + kSide * kSide);
      canvas_used_ = true;
    }
  }
  ImGui::EndGroup();
  session_.set_probe_image(canvas_used_ ? canvas_ : std::vector<uint8_t>{});
  const float name_w = ImGui::CalcTextSize("Ankle boot  ").x;
  same_line_if_fits(name_w + static_cast<float>(v.nets.size()) * (120.0f + 50.0f)); // the bars beside the square if they fit
  ImGui::BeginGroup();
  if (!canvas_used_ || v.nets.empty()) {
    hint_line("Draw on the square (or open a picture): the networks say what they see, with their probabilities.");
  } else {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float line = ImGui::GetTextLineHeight();
    const float bar_w = std::clamp((ImGui::GetContentRegionAvail().x - name_w) / static_cast<float>(v.nets.size()) - 50.0f, 40.0f, 180.0f);
    for (int c = 0; c < kFashionClasses; ++c) {
      const ImVec2 q = ImGui::GetCursorScreenPos();
      dl->AddText(q, ImGui::GetColorU32(ImGuiCol_Text), kFashionClassNames[static_cast<size_t>(c)]);
      float x = q.x + name_w;
      for (size_t i = 0; i < v.nets.size(); ++i) {
        if (v.nets[i].probe_probs.size() != static_cast<size_t>(kFashionClasses)) continue;
        const float pr = v.nets[i].probe_probs[static_cast<size_t>(c)];
        dl->AddRectFilled(ImVec2(x, q.y + 2), ImVec2(x + bar_w, q.y + line - 1), IM_COL32(128, 128, 128, 40));
        dl->AddRectFilled(ImVec2(x, q.y + 2), ImVec2(x + bar_w * pr, q.y + line - 1), kNetColors[i % 2]);
        const std::string t = fmt("%.0f %%", 100.0 * pr);
        dl->AddText(ImVec2(x + bar_w + 4, q.y), ImGui::GetColorU32(ImGuiCol_TextDisabled), t.c_str());
        x += bar_w + 50;
      }
      ImGui::Dummy(ImVec2(x - q.x, line + 2));
    }
  }
  ImGui::EndGroup();
}

void TrainScene::draw_export(const SessionView& v) {
  if (v.nets.empty()) return;
  for (size_t i = 0; i < v.nets.size(); ++i) {
    ImGui::PushID(static_cast<int>(i));
    const std::string label = "Save " + v.nets[i].name + " (.npz)";
    ImGui::BeginDisabled(session_.busy());
    if (ImGui::Button(label.c_str())) {
      auto file = export_weights(session_, i);
      export_note_ = file.ok() ? *file : file.error();
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::PopID();
  }
  ImGui::NewLine();
  if (session_.busy() && p_.running) hint_line("Pause the training to save its weights.");
  if (!export_note_.empty()) hint_line(export_note_.c_str());
  const std::vector<NetLayer>* layers = session_.layers(0);
  if (!layers) return;
  auto code = pytorch_loading_code(*layers, export_file_name(v.nets[0].name));
  if (!code.ok()) return error_line(code.error());
  if (ImGui::Button("Copy the PyTorch code")) ImGui::SetClipboardText(code->c_str());
  std::vector<char> buf(code->begin(), code->end());
  buf.push_back('\0');
  ImGui::InputTextMultiline("##code", buf.data(), buf.size(), ImVec2(-1, ImGui::GetTextLineHeight() * 14), ImGuiInputTextFlags_ReadOnly);
}

void TrainScene::draw() {
  scene_intro("Learning the filters",
              "How are convolution filters found? By gradient descent, like every other weight. Press Start: "
              "LeNet-5 and a network of dense layers learn Fashion-MNIST (clothes, 28×28 grey) on the same "
              "batches. Watch the first layer's filters form, see which garments they confuse, move the test "
              "images sideways and see the dense network fall behind — then draw your own garment.");
  if (data_status().state == DataState::Idle) data_request(); // the data comes only to this scene
  session_.set_running(p_.running);
  session_.tick(app_thread_pool(), session_.budget_for(background_mode(), 1000.0 * ImGui::GetIO().DeltaTime));
  const SessionView& v = session_.view();
  // Filters, feature maps and mistakes change with every job; redrawn into their textures twice a
  // second while training, which is plenty to watch them form and keeps the frames cheap.
  if (!p_.running || ImGui::GetTime() - slow_at_ >= 0.5) {
    slow_ = v;
    slow_at_ = ImGui::GetTime();
  }
  // The stats table stays with the controls where their column is wide enough for it; in a narrow scene
  // area (controls below the picture), or a column too narrow, it goes right under the curves. It is
  // hidden with the controls (hide=controls: the picture alone).
  constexpr SceneLayout kLayout{1000.0f, 0.4f};
  const bool with_nets = !author_options().hidden("controls");
  const bool nets_under_curves = ImGui::GetContentRegionAvail().x < kLayout.wide_from ||
                                 (!v.nets.empty() && text_table_width(nets_headers(v), nets_rows(v)) > scene_controls_width(kLayout));
  scene_layout(
      [&] {
        draw_data_line();
        draw_controls();
        error_line(v.error);
        if (!nets_under_curves) draw_nets(v);
      },
      [&] {
        if (Control c{"curves"}; c.shown) draw_curves_section(v);
        if (with_nets && nets_under_curves) draw_nets(v);
        if (Control c{"filters"}; c.shown) draw_filters(slow_);
      },
      kLayout);
  if (Control c{"shift"}; c.shown && ImGui::CollapsingHeader("Translational invariance: accuracy against shift", ImGuiTreeNodeFlags_DefaultOpen))
    draw_shift(v);
  if (Control c{"try"}; c.shown && ImGui::CollapsingHeader("Try it: draw a garment", ImGuiTreeNodeFlags_DefaultOpen)) draw_try_it(v);
  if (Control c{"maps"}; c.shown && ImGui::CollapsingHeader("Feature maps of a test image", ImGuiTreeNodeFlags_DefaultOpen))
    draw_feature_maps(slow_);
  if (Control c{"mistakes"}; c.shown && ImGui::CollapsingHeader("Confusion matrix and mistakes", ImGuiTreeNodeFlags_DefaultOpen))
    draw_mistakes(slow_);
  if (Control c{"export"}; c.shown && ImGui::CollapsingHeader("Export to PyTorch")) draw_export(v);
}

void TrainScene::write_state(JsonWriter& out) const {
  kParams.write(p_, out);
  write_results(out);
}

std::string TrainScene::description() const {
  const SessionView& v = session_.view();
  const DataStatus& d = data_status();
  std::string text = std::string(title()) + ". Fashion-MNIST: ";
  if (d.state == DataState::Failed) text += d.error + ".";
  else if (d.state == DataState::Ready) text += thousands(v.train_available) + " training and " + thousands(v.test_available) + " test images.";
  else if (d.state == DataState::Loading) text += fmt("loading, %.1f MB", static_cast<double>(d.bytes_received) / 1e6) +
                                                  (d.bytes_total > 0 ? fmt(" of %.1f MB", static_cast<double>(d.bytes_total) / 1e6) : "") + ".";
  else text += "not loaded yet.";
  text += std::string(" Training ") + (p_.running ? "running" : "paused") + ", " + optimizer_name(p_.optimizer) + ", learning rate " +
          fmt("%g", p_.lr) + ", batch " + std::to_string(p_.batch) + ", seed " + std::to_string(p_.seed) + ".";
  for (const NetView& n : v.nets) {
    text += " " + n.name + ": " + thousands(n.parameters) + " parameters, epoch " + std::to_string(n.epoch) + ", step " +
            std::to_string(n.steps) + ", " + thousands(n.images_seen) + " images seen";
    if (n.loss >= 0) text += fmt(", loss %.3f", n.loss);
    if (n.test_acc >= 0) text += ", test accuracy " + percent(n.test_acc);
    text += ".";
  }
  const std::string error = v.error.empty() ? message_ : v.error;
  if (!error.empty()) text += " " + error;
  return text;
}

void TrainScene::write_results(JsonWriter& out) const {
  const SessionView& v = session_.view();
  const DataStatus& d = data_status();
  out.field("data", d.state == DataState::Failed ? d.error : d.state == DataState::Ready ? "ready" : d.state == DataState::Loading ? "loading" : "idle");
  out.field("data_mb", static_cast<double>(d.bytes_received) / 1e6).field("data_total_mb", static_cast<double>(d.bytes_total) / 1e6);
  out.field("train_images", static_cast<long long>(v.train_available)).field("test_images", static_cast<long long>(v.test_available));
  out.field("warming_up", v.warming_up).field("error", v.error.empty() ? message_ : v.error);
  for (const NetView& n : v.nets) {
    const std::string& p = n.key_prefix;
    auto num_or_null = [&](const char* key, double x) {
      if (x < 0) out.raw_field(p + key, "null");
      else out.field(p + key, x);
    };
    out.field(p + "name", n.name).field(p + "params", static_cast<long long>(n.parameters));
    out.field(p + "epoch", static_cast<long long>(n.epoch)).field(p + "step", static_cast<long long>(n.steps));
    out.field(p + "images_seen", static_cast<long long>(n.images_seen)).field(p + "images_per_s", n.images_per_s);
    num_or_null("loss", n.loss);
    num_or_null("test_acc", n.test_acc);
    num_or_null("epoch_acc", n.epoch_acc.empty() ? -1.0 : n.epoch_acc.back());
    std::string shifts;
    if (n.shift_step >= 0)
      for (int s = 0; s < kShiftCount; ++s) shifts += (s ? "," : "") + fmt("%.4f", n.shift_acc[static_cast<size_t>(s)]);
    out.field(p + "shift_acc", shifts);
    std::string probs;
    for (size_t c = 0; c < n.probe_probs.size(); ++c) probs += (c ? "," : "") + fmt("%.4f", n.probe_probs[c]);
    out.field(p + "probs", probs);
  }
}

std::string TrainScene::apply_state(const JsonObject& in) {
  // Commands, not parameters: reset (new weights from the seed), sweep (accuracy against shift now),
  // drawing (784 pixels 0–255, comma-separated: what the student would draw, for scripts and tests).
  JsonObject rest = in;
  bool reset = false, sweep = false;
  std::string drawing;
  for (auto e : {json_get_bool(in, "reset", reset), json_get_bool(in, "sweep", sweep),
                 json_get_string(in, "drawing", kSide * kSide * 4, drawing)})
    if (!e.empty()) return e;
  std::vector<uint8_t> canvas;
  if (in.count("drawing")) {
    std::vector<float> values;
    if (auto e = parse_number_list(drawing, values, kSide * kSide + 1); !e.empty()) return "drawing: " + e;
    if (values.size() != static_cast<size_t>(kSide * kSide)) return "drawing: needs 784 pixels (28×28), got " + std::to_string(values.size());
    for (float x : values) {
      if (!(x >= 0 && x <= 255)) return "drawing: pixels must be between 0 and 255";
      canvas.push_back(static_cast<uint8_t>(std::lround(x)));
    }
  }
  for (const char* k : {"reset", "sweep", "drawing"}) rest.erase(k);
  Params p = p_;
  if (auto e = apply_params(rest, id(), {kParams.bind(p)}, derived_keys([this](JsonWriter& w) { write_results(w); })); !e.empty())
    return e;
  if (kParams.given(rest, p, p.stack) && p.model != "stack") // kept for later: it must be a stack even while unused
    if (auto layers = parse_network(p.stack); !layers.ok()) return "stack: " + layers.error();
  if (auto e = set_params(p); !e.empty()) return e; // the data is requested at the scene's next frame
  message_.clear();
  if (reset) session_.reset();
  if (sweep) session_.request_shift_sweep();
  if (!canvas.empty()) {
    canvas_ = std::move(canvas);
    canvas_used_ = true;
  }
  return {};
}

} // namespace

std::unique_ptr<Scene> make_train_scene() { return std::make_unique<TrainScene>(); }

} // namespace convplay::app
