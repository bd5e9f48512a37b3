// Scene "features": a convolution layer. A bank of C2 filters, each K×K×C1, slides over the input
// (H×W×C1: a picture in grey, C1 = 1, or in colour, C1 = 3); each filter gives one feature map, and the
// C2 maps stacked are the output H'×W'×C2 = σ(W ∗ x + b). The filters come from the core's filter bank
// (convplay/image.h), the layer σ(W ∗ x + b) from feature_maps() (convplay/feature_map.h), the counts
// from count_layer. This file lays them out.
#include "../background.h"
#include "../image_source.h"
#include "../scene.h"
#include "../scene_ui.h"
#include "../tensor_view.h"

#include <convplay/counts.h>
#include <convplay/feature_map.h>
#include <convplay/image.h>
#include <convplay/layers.h>

#include <imgui.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <utility>
#include <string>
#include <vector>

namespace convplay::app {
namespace {

constexpr int kMaxMaps = 8, kMinSide = 4;
// σ: none, or one of the core's activations (named by activation_name).
constexpr std::array<Activation, 3> kActs = {Activation::ReLU, Activation::Sigmoid, Activation::Tanh};
constexpr std::array<const char*, 4> kActFormula = {"identity", "ReLU", "sigmoid", "tanh"};
std::vector<std::string> act_names() {
  std::vector<std::string> v = {"none"};
  for (Activation a : kActs) v.emplace_back(activation_name(a));
  return v;
}
// The bank's filters plus the student's own ("custom").
const std::vector<std::string>& filter_ids() {
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> v;
    for (auto n : filter_names()) v.emplace_back(n);
    v.emplace_back("custom");
    return v;
  }();
  return ids;
}

std::string format6(float v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%.6g", static_cast<double>(v));
  return std::string(buf) == "-0" ? "0" : buf;
}
std::string join_numbers(const std::vector<float>& v, const char* sep, size_t plane = 0) {
  std::string s;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) s += plane && i % plane == 0 ? "; " : sep;
    s += format6(v[i]);
  }
  return s;
}

struct Params {
  std::string image = "cat";
  int size = 64;
  int channels = 1; // C1: 1 (grey) or 3 (colour)
  int k = 3;
  int maps = 4;     // C2
  std::array<std::string, kMaxMaps> filters = {"sobel_x", "sobel_y", "gaussian", "laplacian", "identity", "sharpen", "box", "gabor"};
  std::array<float, kMaxMaps> bias{};
  int act = 1;      // 0 none, else kActs[act - 1]
  int view = 0;     // 0 side by side, 1 as a stack
  Padding padding = Padding::Valid;
  std::vector<float> custom = {0, 1, 2, -1, 0, 1, -2, -1, 0}; // K·K (spread over colour by luminance) or C1·K·K
  int map = 0, row = 0, col = 0; // the selected output value
  // During apply_state only: the texts given for "filters", "biases" and "custom" (parsed once maps, K
  // and C1 are known).
  std::optional<std::string> typed_filters, typed_biases, typed_custom;
  bool operator==(const Params&) const = default;
};

std::vector<std::string> image_ids() {
  std::vector<std::string> ids;
  for (const auto& choice : image_choices()) ids.emplace_back(choice.id);
  return ids;
}
std::string filters_text(const Params& p) {
  std::string s;
  for (int m = 0; m < p.maps; ++m) s += (m ? "," : "") + p.filters[static_cast<size_t>(m)];
  return s;
}
std::string biases_text(const Params& p) {
  return join_numbers(std::vector<float>(p.bias.begin(), p.bias.begin() + p.maps), ",");
}
std::string custom_text(const Params& p) {
  const bool colour = p.custom.size() == static_cast<size_t>(3 * p.k * p.k);
  return join_numbers(p.custom, ",", colour ? static_cast<size_t>(p.k * p.k) : 0);
}

// K is odd (the bank's filters have a centre) and C1 is 1 or 3: apply_state() says so, the widgets keep to it.
const ParamTable<Params> kParams{
    choice_param("image", &Params::image, image_ids(), "input").no_widget(), // a combo of what is available, by the scene
    int_param("size", &Params::size, kMinSide, kImageMaxSide, "size").log_slider().help("the picture's longer side; small sizes show the numbers"),
    int_param("channels", &Params::channels, 1, 3, "input channels C1").no_widget(), // radio buttons 1 and 3, by the scene
    int_param("k", &Params::k, 3, 7, "kernel K"),
    int_param("maps", &Params::maps, 1, kMaxMaps, "filters C2"),
    pending_text_param<Params>("filters", &Params::typed_filters, 400, "filters", [](const Params& p) { return JsonValue(filters_text(p)); })
        .bound_to([](const Params& p) { return static_cast<const void*>(&p.filters); }),
    pending_text_param<Params>("biases", &Params::typed_biases, 400, "biases", [](const Params& p) { return JsonValue(biases_text(p)); })
        .bound_to([](const Params& p) { return static_cast<const void*>(&p.bias); }),
    choice_param("act", &Params::act, act_names(), "activation σ"),
    choice_param("view", &Params::view, {"side", "stack"}, "maps:").radio({"side by side", "as a stack"}),
    choice_param("padding", &Params::padding, {Padding::Valid, Padding::Same}, padding_name, "padding"),
    pending_text_param<Params>("custom", &Params::typed_custom, 4000, "##custom", [](const Params& p) { return JsonValue(custom_text(p)); })
        .bound_to([](const Params& p) { return static_cast<const void*>(&p.custom); })
        .in_hash_if([](const Params& p) {
          return std::find(p.filters.begin(), p.filters.begin() + p.maps, std::string("custom")) != p.filters.begin() + p.maps;
        }),
    int_param("map", &Params::map, 0, kMaxMaps - 1, "map").no_widget(),
    int_param("row", &Params::row, 0, kImageMaxSide, "row").no_widget(), // the selected value: a click on a map
    int_param("col", &Params::col, 0, kImageMaxSide, "col").no_widget(),
};

struct Result {
  Params p; // what these maps were computed with
  std::string status = "ready", note, error;
  Tensor x;     // (C1, H, W)
  Tensor w;     // (C2, C1, K, K)
  Tensor pre;   // (C2, OH, OW): W ∗ x + b
  Tensor y;     // σ(pre)
  LayerCounts counts;
  int h = 0, w_ = 0, oh = 0, ow = 0, pad = 0, pad_left = 0; // pad: zero rows above the input, pad_left: columns left
};

// Layers with more multiply-adds than this are computed in the background, in bands of output rows
// (app/background.h); the scene shows the last maps meanwhile. Smaller ones take less than a frame's time.
constexpr int64_t kBackgroundMacs = 4'000'000;
constexpr double kEstimateMsPerMac = 1e-5; // the first band's guess (the single-threaded page: ~6 ns)

// A big layer in the background: the result, its maps allocated by the first step (16 MB at 512 px and
// 8 maps: not in the frame) and filled in bands of rows by feature_map_rows.
struct MapsJob {
  Result r; // the job allocates pre and y and fills them
  std::optional<Activation> act;
  int64_t at = 0;                   // rows done (the job's own)
  SliceSizer sizer;
  std::atomic<int64_t> rows_done{0}; // for the progress line
  std::atomic<bool> done{false};     // published with release: r is complete
  std::atomic<bool> cancelled{false};
};

// One band of rows; true when the maps are done (or given up).
bool maps_step(MapsJob& job) {
  Result& r = job.r;
  if (job.cancelled.load()) return true;
  if (r.pre.numel() == 0) {
    r.pre = zeros({r.p.maps, r.oh, r.ow});
    r.y = zeros({r.p.maps, r.oh, r.ow});
    return false;
  }
  const int64_t n = job.sizer.next(r.oh - job.at);
  const auto t0 = std::chrono::steady_clock::now();
  auto band = feature_map_rows(r.x, r.w, std::span(r.p.bias.data(), static_cast<size_t>(r.p.maps)), r.p.padding, job.act, job.at,
                               job.at + n);
  if (!band.ok()) {
    r.status = "error";
    r.error = band.error();
  } else {
    job.sizer.took(n, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    r.pad = static_cast<int>(band->pad_top);
    r.pad_left = static_cast<int>(band->pad_left);
    const int64_t plane = static_cast<int64_t>(r.oh) * r.ow;
    for (int64_t m = 0; m < r.p.maps; ++m) {
      std::copy_n(band->pre.data.begin() + m * n * r.ow, n * r.ow, r.pre.data.begin() + m * plane + job.at * r.ow);
      std::copy_n(band->y.data.begin() + m * n * r.ow, n * r.ow, r.y.data.begin() + m * plane + job.at * r.ow);
    }
    job.at += n;
    job.rows_done.store(job.at, std::memory_order_relaxed);
    if (job.at < r.oh) return false;
  }
  job.done.store(true, std::memory_order_release);
  return true;
}

// The custom weights as (C1, K, K): K·K numbers spread over colour by luminance, or C1·K·K as they are.
Expected<Tensor> custom_weights(const std::vector<float>& v, int k, int c1) {
  const size_t kk = static_cast<size_t>(k * k);
  Tensor pattern = zeros({k, k});
  if (v.size() == kk) {
    pattern.data.assign(v.begin(), v.end());
    if (c1 == 1) {
      pattern.shape = {1, k, k};
      return pattern;
    }
    return spread_over_channels(pattern, kLumaWeights);
  }
  if (c1 == 3 && v.size() == 3 * kk) {
    Tensor t = zeros({3, k, k});
    t.data.assign(v.begin(), v.end());
    return t;
  }
  return Error{"custom weights: need " + std::to_string(kk) + " numbers (" + std::to_string(k) + "×" + std::to_string(k) + ")" +
               (c1 == 3 ? " or " + std::to_string(3 * kk) + " (" + std::to_string(k) + "×" + std::to_string(k) + "×3)" : std::string()) +
               ", got " + std::to_string(v.size())};
}

Expected<Tensor> filter_weights(const Params& p, const std::string& name) { // (C1, K, K)
  if (name == "custom") return custom_weights(p.custom, p.k, p.channels);
  auto f = make_filter(name, p.k);
  if (!f.ok()) return f;
  if (p.channels == 3) return spread_over_channels(*f, kLumaWeights);
  Tensor t = *f;
  t.shape = {1, p.k, p.k};
  return t;
}

class FeaturesScene final : public Scene {
public:
  const char* id() const override { return "features"; }
  const char* title() const override { return "Feature maps"; }
  void draw() override;
  void write_state(JsonWriter& out) const override;
  std::string apply_state(const JsonObject& in) override;
  bool animating() const override { return result().status == "loading" || maps_pending(); } // frames until the maps are in
  std::vector<ParamValue> parameters() const override { return kParams.values(shown()); }

private:
  const Result& result() const;
  void draw_controls();
  void draw_maps(const Result& r);
  void draw_selected(const Result& r);
  static std::string validate(const Params& p);
  Params shown() const; // the parameters as state() reports them: the selected value inside the maps
  void write_results(JsonWriter& out) const; // the derived keys of state()
  std::string description() const override;

  Params p_;
  std::string message_;
  int seen_user_serial_ = 0;
  RgbView photo_;
  TensorView input_;
  std::array<TensorView, kMaxMaps> map_views_, kernel_views_;
  mutable Result cache_;          // the maps shown: the last ones computed
  mutable uint64_t cache_version_ = 0; // counts the results put in cache_
  uint64_t views_version_ = 0;         // cache_version_ that the views below were last set from (0: none)
  mutable Params cache_params_;
  mutable int cache_generation_ = -1;
  mutable std::shared_ptr<MapsJob> job_; // the next maps, being computed in the background
  mutable Params job_params_;
  mutable int job_generation_ = -1;
  mutable std::shared_ptr<const SliceStats> slices_; // the latest background job's tasks (none: the maps came at once)
  bool maps_pending() const { return result(), job_ != nullptr; }
};

// "" if every filter can be made at this K and C1, else the first problem.
std::string FeaturesScene::validate(const Params& p) {
  for (int m = 0; m < p.maps; ++m)
    if (auto w = filter_weights(p, p.filters[static_cast<size_t>(m)]); !w.ok()) return "map " + std::to_string(m + 1) + ": " + w.error();
  return {};
}

const Result& FeaturesScene::result() const {
  Params key = p_;
  key.map = key.row = key.col = 0; // the selection does not change the maps
  if (job_ && job_->done.load(std::memory_order_acquire)) { // the background's maps are in
    cache_ = std::move(job_->r);
    ++cache_version_;
    cache_params_ = job_params_;
    cache_generation_ = job_generation_;
    job_.reset();
  }
  if (cache_generation_ == image_generation() && cache_params_ == key) {
    if (job_) job_->cancelled = true; // back to what is shown
    job_.reset();
    return cache_;
  }
  if (job_ && job_params_ == key && job_generation_ == image_generation()) return cache_; // the last maps until the new ones are in
  Result r;
  r.p = key;
  auto img = get_image(p_.image, p_.size);
  r.note = img.note;
  if (img.status != ImageResult::Status::Ready) {
    r.status = img.status == ImageResult::Status::Loading ? "loading" : "error";
    if (r.status == "error") r.error = img.note;
  } else {
    if (p_.channels == 1) {
      auto g = to_grey(img.image);
      r.x = g.ok() ? std::move(g.value()) : Tensor{};
    } else {
      r.x = std::move(img.image);
    }
    r.h = static_cast<int>(r.x.dim(1));
    r.w_ = static_cast<int>(r.x.dim(2));
    ConvLayerSpec spec;
    spec.channels = p_.channels; spec.height = r.h; spec.width = r.w_;
    spec.out_channels = p_.maps; spec.kernel_h = spec.kernel_w = p_.k;
    spec.padding = p_.padding;
    auto counts = count_layer(spec);
    const std::string problem = validate(p_);
    if (!counts.ok() || !problem.empty()) {
      r.status = "error";
      r.error = !counts.ok() ? counts.error() : problem;
    } else {
      r.counts = *counts;
      r.oh = static_cast<int>(r.counts.out_h);
      r.ow = static_cast<int>(r.counts.out_w);
      std::vector<Tensor> bank;
      for (int m = 0; m < p_.maps; ++m) bank.push_back(*filter_weights(p_, p_.filters[static_cast<size_t>(m)]));
      auto w = stack_filters(bank);
      const std::optional<Activation> act = p_.act == 0 ? std::nullopt : std::optional(kActs[static_cast<size_t>(p_.act - 1)]);
      if (w.ok() && r.counts.conv_macs.value > kBackgroundMacs) { // in the background, in bands of rows
        auto job = std::make_shared<MapsJob>();
        r.w = std::move(*w);
        job->r = std::move(r);
        job->act = act;
        job->sizer = SliceSizer(kEstimateMsPerMac * static_cast<double>(job->r.counts.conv_macs.value) / std::max(job->r.oh, 1));
        if (job_) job_->cancelled = true;
        job_ = job;
        job_params_ = key;
        job_generation_ = image_generation();
        slices_ = background_submit_sliced([job] { return maps_step(*job); });
        return result(); // Inline mode: done already
      }
      // The layer, by the core (convplay/feature_map.h); 'same' works out the sides.
      auto layer = w.ok() ? feature_maps(r.x, *w, std::span(p_.bias.data(), static_cast<size_t>(p_.maps)), p_.padding, act)
                          : Expected<FeatureMaps>(Error{w.error()});
      if (!layer.ok()) {
        r.status = "error";
        r.error = layer.error();
      } else {
        r.w = std::move(*w);
        r.pad = static_cast<int>(layer->pad_top);
        r.pad_left = static_cast<int>(layer->pad_left);
        r.pre = std::move(layer->pre);
        r.y = std::move(layer->y);
        r.oh = static_cast<int>(r.pre.dim(1));
        r.ow = static_cast<int>(r.pre.dim(2));
      }
    }
  }
  slices_.reset(); // these maps come at once, in this frame
  cache_ = std::move(r);
  ++cache_version_;
  cache_params_ = key;
  cache_generation_ = image_generation();
  return cache_;
}

void FeaturesScene::draw_controls() {
  const float avail = ImGui::GetContentRegionAvail().x;
  const float item = std::min(220.0f, avail * 0.22f);
  ImGui::PushItemWidth(item);
  picture_combo(kParams.key(p_, p_.image), "input", p_.image, seen_user_serial_);
  if (Control c{kParams.key(p_, p_.channels)}; c.shown) {
    ImGui::TextUnformatted("input channels C1:");
    ImGui::SameLine();
    ImGui::RadioButton("1 (grey)", &p_.channels, 1);
    ImGui::SameLine();
    ImGui::RadioButton("3 (colour)", &p_.channels, 3);
    ImGui::SameLine(0, 24);
  }
  kParams.widget(p_, p_.size);
  const int k_before = p_.k;
  if (kParams.widget(p_, p_.k) && p_.k != k_before) {
    int k = p_.k;
    if (k % 2 == 0) k += k > k_before ? 1 : -1; // the bank's filters have a centre: odd K
    if (p_.custom.size() % static_cast<size_t>(k_before * k_before) == 0) {
      const int planes = static_cast<int>(p_.custom.size()) / (k_before * k_before);
      Tensor w = zeros({planes, k_before, k_before});
      w.data.assign(p_.custom.begin(), p_.custom.end());
      if (auto moved = recentre_kernel(w, k); moved.ok()) p_.custom.assign(moved->data.begin(), moved->data.end());
    }
    p_.k = std::clamp(k, 3, 7);
  }
  same_line_if_fits(kParams.width(p_, p_.maps));
  kParams.widget(p_, p_.maps);
  kParams.widget(p_, p_.act);
  same_line_if_fits(kParams.width(p_, p_.padding));
  kParams.widget(p_, p_.padding);
  ImGui::SameLine(0, 24);
  kParams.widget(p_, p_.view);
  if (Control c{kParams.key(p_, p_.custom)}; c.shown) {
    ImGui::TextUnformatted("filter 'custom':");
    ImGui::SameLine();
  }
  ImGui::SetNextItemWidth(std::clamp(ImGui::GetContentRegionAvail().x - 420.0f, 160.0f, 420.0f));
  if (auto edit = kParams.text_field(p_, p_.custom, "set custom weights")) message_ = apply_state(*edit);
  if (Control c{kParams.key(p_, p_.custom)}; c.shown) {
    same_line_if_fits(ImGui::CalcTextSize("(K·K numbers, row by row)").x);
    ImGui::TextDisabled("(K·K numbers, row by row)");
  }
  ImGui::PopItemWidth();
}

void FeaturesScene::draw() {
  scene_intro("Feature maps: the convolution layer",
              "A convolution layer is a bank of filters. Each filter (K×K×C1: one K×K slice per input channel) "
              "slides over the input and gives one feature map; the C2 maps, stacked, are the layer's output, "
              "H'×W'×C2, and become the next layer's input channels. Each map adds its own bias, then the "
              "activation σ. Pick a filter for each map, change the bias and the activation, switch to colour, "
              "hover over a map to see one value computed.");
  follow_user_image(p_.image, seen_user_serial_); // a new picture of the student's: show it
  scene_layout(
      [&] {
        draw_controls();
        error_line(message_);
      },
      [&] {
        const Result& r = result();
        if (job_) { // the next maps are being computed: the last ones stay until they are in
          const int64_t done = job_->rows_done.load(std::memory_order_relaxed);
          hint_line(("computing the maps… " + std::to_string(done) + " of " + std::to_string(job_->r.oh) + " rows").c_str());
        }
        if (!picture_status_line(r.status, r.note, r.error) || r.pre.numel() == 0) return; // none computed yet
        draw_maps(r);
        // The layer as a formula, with every shape
        const int c1 = r.p.channels, k = r.p.k, c2 = r.p.maps;
        text_wrapped("y = σ(W ∗ x + b),  σ = %s", kActFormula[static_cast<size_t>(r.p.act)]);
        text_wrapped("x: H×W×C1 = %d×%d×%d    W: shape(w) = C1×K×K×C2 = %d×%d×%d×%d    b: C2 = %d    y: H'×W'×C2 = %d×%d×%d",
                           r.h, r.w_, c1, c1, k, k, c2, c2, r.oh, r.ow, c2);
        text_wrapped("parameters: C1·K·K·C2 + C2 = %d·%d·%d·%d + %d = %s;   %s multiply-adds per picture", c1, k, k, c2,
                           c2, format_count(r.counts.conv_parameters).c_str(), format_count(r.counts.conv_macs).c_str());
        if (r.counts.conv_macs.value > 50'000'000)
          hint_line("That is a lot of arithmetic for one change: the maps are recomputed only when something changes.");
        hint_line(r.note.c_str());
      },
      {1300.0f, 0.42f});
}

void FeaturesScene::draw_maps(const Result& r) {
  const Params& q = r.p; // what the maps were computed with (p_ may be newer while the next ones are computed)
  const WindowAxis rows{1, 1, q.k, r.pad, r.oh}, cols{1, 1, q.k, r.pad_left, r.ow}; // stride 1 (shape.h)
  const float avail = ImGui::GetContentRegionAvail().x;
  const float gap = ImGui::GetStyle().ItemSpacing.x * 2.0f;
  const float in_w = std::clamp(avail * 0.24f, 120.0f, 260.0f);
  const int plane_out = r.oh * r.ow;
  const bool fresh = views_version_ != cache_version_; // new maps: copy them into the views (each uploads once)
  views_version_ = cache_version_;
  // Input on the left
  ImGui::BeginGroup();
  ImGui::Text("input x: %d×%d×%d", r.h, r.w_, q.channels);
  CellHover in_hover;
  if (q.channels == 3) {
    if (fresh) photo_.set(r.x);
    in_hover = photo_.draw(ImVec2(in_w, in_w));
  } else {
    if (fresh) input_.set(std::vector<float>(r.x.data.begin(), r.x.data.end()), r.h, r.w_, ColorMap::Sequential);
    in_hover = input_.draw(ImVec2(in_w, in_w), 36.0f);
  }
  ImGui::EndGroup();
  ImGui::SameLine(0, gap);

  // Maps: side by side (each with its filter, bias and kernel) or as a stack
  ImGui::BeginGroup();
  const float right = ImGui::GetContentRegionAvail().x;
  int hovered_map = -1;
  CellHover map_hover;
  const size_t per = static_cast<size_t>(q.channels * q.k * q.k);
  if (fresh) {
    for (int m = 0; m < q.maps; ++m) {
      const std::vector<float> map(r.y.data.begin() + static_cast<std::ptrdiff_t>(m) * plane_out,
                                   r.y.data.begin() + static_cast<std::ptrdiff_t>(m + 1) * plane_out);
      map_views_[static_cast<size_t>(m)].set(map, r.oh, r.ow, q.act == 0 || q.act == 3 ? ColorMap::Diverging : ColorMap::Sequential);
      // The kernel's first slice (grey) or its luminance-summed slices (colour) as a K×K grid
      std::vector<float> kernel(static_cast<size_t>(q.k * q.k), 0.0f);
      for (size_t i = 0; i < per; ++i) kernel[i % kernel.size()] += r.w.data[static_cast<size_t>(m) * per + i];
      kernel_views_[static_cast<size_t>(m)].set(kernel, q.k, q.k, ColorMap::Diverging);
    }
  }
  if (p_.view == 0) {
    const int per_row = std::clamp(static_cast<int>(right / 170.0f), 1, 4);
    const float card = (right - gap * static_cast<float>(per_row - 1)) / static_cast<float>(per_row);
    for (int m = 0; m < q.maps; ++m) {
      if (m % per_row) ImGui::SameLine(0, gap);
      ImGui::BeginGroup();
      ImGui::PushID(m);
      auto& name = p_.filters[static_cast<size_t>(m)];
      float combo_w = 0.0f; // the filter's combo, as wide as its longest name; the bias slider takes the rest
      if (Control c{kParams.key(p_, p_.filters)}; c.shown) {
        fit_next_combo(filter_ids(), "##filter");
        combo_w = ImGui::CalcItemWidth();
        if (begin_combo("##filter", name.c_str())) {
          for (const auto& id : filter_ids()) {
            if (ImGui::Selectable(id.c_str(), id == name)) {
              Params p = p_;
              p.filters[static_cast<size_t>(m)] = id;
              if (auto w = filter_weights(p, id); w.ok()) {
                name = id;
                message_.clear();
              } else {
                message_ = "map " + std::to_string(m + 1) + ": " + w.error();
              }
            }
          }
          ImGui::EndCombo();
        }
        ImGui::SameLine();
      }
      if (Control c{kParams.key(p_, p_.bias)}; c.shown) {
        const float beside = combo_w > 0.0f ? combo_w + ImGui::GetStyle().ItemSpacing.x : 0.0f;
        ImGui::SetNextItemWidth(std::max(ImGui::GetFrameHeight() * 2.0f, card - beside));
        ImGui::SliderFloat("##bias", &p_.bias[static_cast<size_t>(m)], -2.0f, 2.0f, "b = %.2f");
      }
      const float kside = std::min(card * 0.3f, 16.0f * static_cast<float>(q.k));
      kernel_views_[static_cast<size_t>(m)].draw(ImVec2(kside, kside), 20.0f, q.k <= 3);
      ImGui::SameLine();
      ImGui::BeginGroup();
      ImGui::Text("map %d", m + 1);
      ImGui::TextDisabled("%d×%d", r.oh, r.ow);
      ImGui::EndGroup();
      const CellHover h = map_views_[static_cast<size_t>(m)].draw(ImVec2(card, std::min(card, 150.0f)), 36.0f);
      if (h.valid()) {
        hovered_map = m;
        map_hover = h;
      }
      ImGui::PopID();
      ImGui::EndGroup();
    }
  } else {
    // A stack: map C2 at the back, map 1 (or the selected one) in front
    const float step = std::clamp(120.0f / static_cast<float>(std::max(q.maps - 1, 1)), 8.0f, 24.0f);
    const float side = std::min(right - step * static_cast<float>(q.maps - 1) - 10.0f, 280.0f);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    text_wrapped("the %d maps stacked: one tensor H'×W'×C2 = %d×%d×%d, the next layer's input (its C1 = %d)", q.maps, r.oh, r.ow,
                q.maps, q.maps);
    const float top = ImGui::GetCursorScreenPos().y - origin.y;
    const int front = std::clamp(p_.map, 0, q.maps - 1);
    std::vector<int> order;
    for (int m = q.maps - 1; m >= 0; --m)
      if (m != front) order.push_back(m);
    order.push_back(front);
    float bottom = 0;
    for (int m : order) {
      const float dx = step * static_cast<float>(m), dy = step * static_cast<float>(q.maps - 1 - m);
      ImGui::SetCursorScreenPos(ImVec2(origin.x + dx, origin.y + top + dy));
      const CellHover h = map_views_[static_cast<size_t>(m)].draw(ImVec2(side, side), 36.0f, m == front);
      ImGui::GetWindowDrawList()->AddRect(ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), IM_COL32(90, 90, 90, 255));
      ImGui::GetWindowDrawList()->AddText(ImVec2(ImGui::GetItemRectMax().x + 3, ImGui::GetItemRectMin().y),
                                          ImGui::GetColorU32(ImGuiCol_Text), std::to_string(m + 1).c_str());
      bottom = std::max(bottom, ImGui::GetItemRectMax().y);
      if (m == front && h.valid()) {
        hovered_map = m;
        map_hover = h;
      }
    }
    ImGui::SetCursorScreenPos(ImVec2(origin.x, bottom + 4));
    ImGui::Dummy(ImVec2(right, 0));
    hint_line("Each map's filter and bias are set in the side-by-side view; choose which map is in front:");
    ImGui::SetNextItemWidth(160);
    int shown = front + 1;
    if (ImGui::SliderInt("map in front", &shown, 1, q.maps)) p_.map = shown - 1;
  }
  ImGui::EndGroup();

  // The selected value: hovering a map, or hovering the input (the map stays), else the pinned one
  int sel_map = std::clamp(p_.map, 0, q.maps - 1), sel_row = std::clamp(p_.row, 0, r.oh - 1), sel_col = std::clamp(p_.col, 0, r.ow - 1);
  if (hovered_map >= 0) {
    sel_map = hovered_map;
    sel_row = map_hover.row;
    sel_col = map_hover.col;
  } else if (in_hover.valid()) { // the output whose window has the hovered input cell nearest its centre
    if (const int64_t o = centred_reader(rows, in_hover.row); o >= 0) sel_row = static_cast<int>(o);
    if (const int64_t o = centred_reader(cols, in_hover.col); o >= 0) sel_col = static_cast<int>(o);
  }
  if ((hovered_map >= 0 || in_hover.valid()) && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
    p_.map = sel_map;
    p_.row = sel_row;
    p_.col = sel_col;
  }
  const ImU32 hi = IM_COL32(255, 140, 0, 255);
  map_views_[static_cast<size_t>(sel_map)].outline(sel_row, sel_col, sel_row + 1, sel_col + 1, hi, 2.5f);
  // The input cells the selected value reads: its window's taps (shape.h), some of them padding.
  const int r0 = static_cast<int>(window_tap(rows, sel_row, 0)), c0 = static_cast<int>(window_tap(cols, sel_col, 0));
  const int r1 = static_cast<int>(window_tap(rows, sel_row, q.k - 1)) + 1, c1 = static_cast<int>(window_tap(cols, sel_col, q.k - 1)) + 1;
  if (q.channels == 3) photo_.outline(r0, c0, r1, c1, hi, 2.0f);
  else input_.outline(r0, c0, r1, c1, hi, 2.0f);

  // One value written out
  const int kk = q.k * q.k;
  std::vector<float> window(per, 0.0f);
  for (int c = 0; c < q.channels; ++c)
    for (int i = 0; i < q.k; ++i)
      for (int j = 0; j < q.k; ++j) {
        const int64_t y = window_tap(rows, sel_row, i), x = window_tap(cols, sel_col, j);
        if (y >= 0 && y < r.h && x >= 0 && x < r.w_)
          window[static_cast<size_t>(c * kk + i * q.k + j)] = r.x[(static_cast<int64_t>(c) * r.h + y) * r.w_ + x];
      }
  const int64_t at = static_cast<int64_t>(sel_map) * plane_out + sel_row * r.ow + sel_col;
  const float pre = r.pre[at], post = r.y[at], b = q.bias[static_cast<size_t>(sel_map)];
  // Σ w·x alone (without the bias) is pre − b; written as the products and that sum
  std::string line = multiply_adds(window.data(), r.w.data.data() + static_cast<size_t>(sel_map) * per, static_cast<int>(per), pre - b, 5);
  text_wrapped("map %d at (%d, %d), %s on the %d×%d×%d window:  W·x = %s", sel_map + 1, sel_row, sel_col,
                     q.filters[static_cast<size_t>(sel_map)].c_str(), q.k, q.k, q.channels, line.c_str());
  ImGui::Text("+ b = %s  →  %s(%s) = %s", format_value(b).c_str(), kActFormula[static_cast<size_t>(q.act)],
              format_value(pre).c_str(), format_value(post).c_str());
}

Params FeaturesScene::shown() const {
  const Result& r = result();
  Params p = p_;
  p.map = std::clamp(p_.map, 0, p_.maps - 1);
  if (r.status == "ready") {
    p.row = std::clamp(p_.row, 0, std::max(r.oh - 1, 0));
    p.col = std::clamp(p_.col, 0, std::max(r.ow - 1, 0));
  }
  return p;
}

std::string FeaturesScene::description() const {
  const Result& r = result();
  const Params& q = r.p;
  const Params sel = shown();
  std::string text = std::string(title()) + ". ";
  if (r.status == "loading") return text + "The picture is loading.";
  if (r.status != "ready") return text + r.error;
  const auto n = [](auto v) { return std::to_string(v); };
  const int c1 = q.channels, k = q.k, c2 = q.maps;
  text += "y = σ(W ∗ x + b), σ = " + std::string(kActFormula[static_cast<size_t>(q.act)]) + ", " + padding_name(q.padding) +
          " padding. Input x: " + n(r.h) + " × " + n(r.w_) + " × " + n(c1) + (c1 == 1 ? " (grey)" : " (colour)") + "; " + n(c2) +
          " filters " + n(k) + " × " + n(k) + " (" + filters_text(q) + "), W: C1 × K × K × C2 = " + n(c1) + " × " + n(k) + " × " +
          n(k) + " × " + n(c2) + "; output y: " + n(r.oh) + " × " + n(r.ow) + " × " + n(c2) + ". Parameters C1·K·K·C2 + C2 = " +
          n(c1) + "·" + n(k) + "·" + n(k) + "·" + n(c2) + " + " + n(c2) + " = " + format_count(r.counts.conv_parameters) + "; " +
          format_count(r.counts.conv_macs) + " multiply-adds per picture.";
  if (r.pre.numel() > 0) {
    const int64_t at = (static_cast<int64_t>(std::min(sel.map, q.maps - 1)) * r.oh + sel.row) * r.ow + sel.col;
    text += " Map " + n(sel.map + 1) + " at (" + n(sel.row) + ", " + n(sel.col) + "): W·x + b = " + format_value(r.pre[at]) + ", " +
            kActFormula[static_cast<size_t>(q.act)] + "(" + format_value(r.pre[at]) + ") = " + format_value(r.y[at]) + ".";
  }
  return text;
}

void FeaturesScene::write_state(JsonWriter& out) const {
  kParams.write(shown(), out);
  write_results(out);
}

void FeaturesScene::write_results(JsonWriter& out) const {
  const Result& r = result();
  const Params sel = shown();
  const bool ready = r.status == "ready";
  const int map = sel.map, row = sel.row, col = sel.col;
  out.field("maps_pending", job_ != nullptr); // the maps below are the last ones; the next are being computed
  // The latest big layer's background tasks (app/background.h): in the single-threaded page each ran on
  // the main thread after a frame. 0 tasks: the maps shown were computed at once (a small layer).
  out.field("maps_slices", slices_ ? slices_->tasks.load(std::memory_order_acquire) : 0)
      .field("maps_longest_slice_ms", slices_ ? slices_->longest_ms.load(std::memory_order_relaxed) : 0.0);
  out.field("image_status", r.status).field("note", r.note).field("user_note", user_image_status().message).field("error", r.error.empty() ? message_ : r.error);
  out.field("h", r.h).field("w", r.w_).field("out_h", r.oh).field("out_w", r.ow).field("out_c", p_.maps);
  out.field("w_shape", std::to_string(p_.channels) + "×" + std::to_string(p_.k) + "×" + std::to_string(p_.k) + "×" + std::to_string(p_.maps));
  out.field("weight_count", p_.channels * p_.k * p_.k * p_.maps);
  out.field("parameters", ready ? r.counts.conv_parameters.value : 0LL);
  if (ready && r.pre.numel() > 0) {
    const int64_t at = (static_cast<int64_t>(std::min(map, r.p.maps - 1)) * r.oh + row) * r.ow + col;
    out.field("pre", static_cast<double>(r.pre[at])).field("value", static_cast<double>(r.y[at]));
  } else {
    out.raw_field("pre", "null").raw_field("value", "null");
  }
}

std::string FeaturesScene::apply_state(const JsonObject& in) {
  Params p = p_;
  if (auto e = apply_params(in, id(), {kParams.bind(p)}, derived_keys([this](JsonWriter& w) { write_results(w); }));
      !e.empty())
    return e;
  const std::optional<std::string> filters = std::exchange(p.typed_filters, std::nullopt),
                                   biases = std::exchange(p.typed_biases, std::nullopt),
                                   custom = std::exchange(p.typed_custom, std::nullopt);
  if (p.channels == 2) return "channels must be 1 (grey) or 3 (colour)";
  if (p.k % 2 == 0) return "k must be odd (3, 5 or 7): the bank's filters have a centre";
  if (p.image == "user" && !has_user_image()) return "image 'user': no image of your own yet (open one or drop a file first)";
  const bool image_given = kParams.given(in, p, p.image);
  if (filters) {
    std::vector<std::string> names;
    size_t start = 0;
    while (start <= filters->size()) {
      size_t end = filters->find(',', start);
      if (end == std::string::npos) end = filters->size();
      std::string n = filters->substr(start, end - start);
      n.erase(0, n.find_first_not_of(' '));
      n.erase(n.find_last_not_of(' ') + 1);
      if (std::find(filter_ids().begin(), filter_ids().end(), n) == filter_ids().end()) {
        std::string list;
        for (const auto& id : filter_ids()) list += (list.empty() ? "" : ", ") + id;
        return "filters: '" + n + "' is not a filter (one of: " + list + ")";
      }
      names.push_back(n);
      start = end + 1;
    }
    if (names.size() > static_cast<size_t>(kMaxMaps)) return "filters: at most " + std::to_string(kMaxMaps) + " maps";
    if (!kParams.given(in, p, p.maps)) p.maps = static_cast<int>(names.size());
    else if (names.size() != static_cast<size_t>(p.maps))
      return "filters: " + std::to_string(names.size()) + " names for maps = " + std::to_string(p.maps);
    for (size_t i = 0; i < names.size(); ++i) p.filters[i] = names[i];
  }
  if (biases) {
    std::vector<float> v;
    if (auto e = parse_number_list(*biases, v, kMaxMaps + 1); !e.empty()) return "biases: " + e;
    if (v.size() != static_cast<size_t>(p.maps))
      return "biases: " + std::to_string(v.size()) + " numbers for " + std::to_string(p.maps) + " maps";
    for (size_t i = 0; i < v.size(); ++i) {
      if (std::fabs(v[i]) > 100.0f) return "biases: each must be between -100 and 100";
      p.bias[i] = v[i];
    }
  }
  if (custom) {
    std::vector<float> v;
    if (auto e = parse_number_list(*custom, v, 3 * 7 * 7 + 1); !e.empty()) return "custom weights: " + e;
    if (auto w = custom_weights(v, p.k, p.channels); !w.ok()) return w.error();
    p.custom = std::move(v);
  } else if (p.k != p_.k && p.custom.size() % static_cast<size_t>(p_.k * p_.k) == 0) {
    const int planes = static_cast<int>(p.custom.size()) / (p_.k * p_.k);
    Tensor w = zeros({planes, p_.k, p_.k});
    w.data.assign(p.custom.begin(), p.custom.end());
    if (auto moved = recentre_kernel(w, p.k); moved.ok()) p.custom.assign(moved->data.begin(), moved->data.end());
  }
  if (p.map >= p.maps) return "map must be below maps (" + std::to_string(p.maps) + ")";
  if (auto e = validate(p); !e.empty()) return e;
  p_ = p;
  if (image_given) seen_user_serial_ = user_image_status().serial; // an explicit choice wins over an older upload
  message_.clear();
  return {};
}

} // namespace

std::unique_ptr<Scene> make_features_scene() { return std::make_unique<FeaturesScene>(); }

} // namespace convplay::app
