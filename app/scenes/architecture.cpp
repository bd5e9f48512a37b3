// Scene "architecture": LeNet and friends. An editable stack of layers on an input shape, summarised like
// Keras' model.summary() (output shape, weights, biases, multiply-adds per layer, totals), next to the same
// network with every conv layer made dense, and exported as torch.nn.Sequential code. Every number and the
// code come from the core (convplay/network.h); this file lays them out and edits the stack.
#include "../scene.h"
#include "../scene_ui.h"

#include <convplay/network.h>

#include <imgui.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <tuple>
#include <vector>

namespace convplay::app {
namespace {

struct Preset {
  const char* key;  // setState({preset: key})
  const char* name; // button
  int c, h, w;
  const char* stack;
};
constexpr std::array<Preset, 5> kPresets = {{
    {"lenet5", "LeNet-5", 1, 32, 32,
     "conv6k5,relu,pool2,conv16k5,relu,pool2,flatten,dense120,relu,dense84,relu,dense10"},
    // LeNet-5 (modern form): every C3 map reads all S2 maps and the pooling has no weights, so 61,706
    // parameters where the 1998 paper's network (a partial C3 table, trainable subsampling) had about 60,000.
    {"lenet5_tanh", "LeNet-5 (modern form) with tanh and average pooling", 1, 32, 32,
     "conv6k5,tanh,avgpool2,conv16k5,tanh,avgpool2,flatten,dense120,tanh,dense84,tanh,dense10"},
    {"lenet5_mnist", "LeNet-5 on MNIST 28×28 (padding 2)", 1, 28, 28,
     "conv6k5p2,relu,pool2,conv16k5,relu,pool2,flatten,dense120,relu,dense84,relu,dense10"},
    {"cifar", "small CIFAR net 3×32×32", 3, 32, 32,
     "conv32k3same,relu,conv32k3same,relu,pool2,conv64k3same,relu,conv64k3same,relu,pool2,flatten,dense512,relu,"
     "dense10"},
    {"alexnet", "AlexNet's first layer on 224×224×3", 3, 224, 224, "conv96k11s4p2,relu,maxpool3s2"},
}};
// Preset keys of older addresses, still accepted: {old key, key}.
constexpr std::array<std::array<const char*, 2>, 1> kPresetAliases = {{{"lenet5_1998", "lenet5_tanh"}}};
constexpr int kMaxSide = 100000; // input H, W

struct Params {
  int c = 1, h = 32, w = 32; // the input
  std::vector<NetLayer> layers;
};

std::string load_preset(Params& p, std::string_view key) {
  for (const auto& [old_key, new_key] : kPresetAliases)
    if (key == old_key) key = new_key;
  for (const Preset& q : kPresets)
    if (key == q.key) {
      auto parsed = parse_network(q.stack);
      if (!parsed.ok()) return "preset " + std::string(q.key) + ": " + parsed.error();
      p = Params{q.c, q.h, q.w, parsed.value()};
    }
  return {};
}

std::vector<std::string> preset_keys() {
  std::vector<std::string> keys;
  for (const Preset& p : kPresets) keys.emplace_back(p.key);
  for (const auto& alias : kPresetAliases) keys.emplace_back(alias[0]);
  return keys;
}

// "stack": the layers as text; "preset": sets the input and the layers at once (input only, applied first).
const ParamTable<Params> kParams{
    preset_param<Params>("preset", preset_keys(), [](Params& p, const std::string& key) { return load_preset(p, key); }),
    int_param("c", &Params::c, 1, 4096, "##c").input_field().help("channels C (1: grey, 3: colour)"),
    int_param("h", &Params::h, 1, kMaxSide, "##h").input_field().help("height H"),
    int_param("w", &Params::w, 1, kMaxSide, "##w").input_field().help("width W"),
    custom_param<Params>(spec_of("stack", ParamType::Text, "##stack", Widget::TextField, 0, kMaxNetworkText),
        [](const Params& p) { return JsonValue(network_text(p.layers)); },
        [](Params& p, const JsonValue& v) {
          auto parsed = parse_network(detail::text(v));
          if (!parsed.ok()) return "stack: " + parsed.error();
          p.layers = parsed.value();
          return std::string();
        }).bound_to([](const Params& p) { return static_cast<const void*>(&p.layers); }),
};

// The editor's choices, in their order on screen; their names are the core's.
constexpr std::array<LayerKind, 5> kKinds = {LayerKind::Conv, LayerKind::Pool, LayerKind::Activation, LayerKind::Flatten,
                                             LayerKind::Dense};
constexpr std::array<Padding, 3> kPads = {Padding::Valid, Padding::Same, Padding::Explicit};
constexpr std::array<Activation, 4> kActs = {Activation::ReLU, Activation::Sigmoid, Activation::Tanh,
                                             Activation::LeakyReLU};
template <class E, size_t N, class Name> std::vector<std::string> core_names(const std::array<E, N>& values, Name name) {
  std::vector<std::string> out;
  for (const E& v : values) out.emplace_back(name(v));
  return out;
}
const auto kKindNames = core_names(kKinds, layer_kind_name);
const auto kPadNames = core_names(kPads, padding_name);
const auto kActNames = core_names(kActs, activation_name);

const ImU32 kRed = IM_COL32(190, 30, 30, 255);
const ImU32 kConvColor = IM_COL32(33, 145, 140, 255), kDenseColor = IM_COL32(190, 75, 45, 255);
const ImU32 kPoolColor = IM_COL32(90, 110, 190, 255), kFlatColor = IM_COL32(150, 150, 150, 255);

// A new layer of each kind, as "add layer" makes it.
NetLayer default_layer(LayerKind kind) {
  NetLayer l;
  l.kind = kind;
  switch (kind) {
  case LayerKind::Conv: l.filters = 8; l.kernel = 3; l.stride = 1; break;
  case LayerKind::Pool: l.kernel = 2; l.stride = 0; break;
  case LayerKind::Dense: l.units = 10; break;
  case LayerKind::Activation:
  case LayerKind::Flatten: break;
  }
  return l;
}

// "conv 6@5×5" (6 filters 5×5), "max pool 2×2", "dense 120": the table's words for a layer.
std::string describe_layer(const NetLayer& l) {
  const std::string k = std::to_string(l.kernel);
  switch (l.kind) {
  case LayerKind::Conv: {
    std::string s = "conv " + std::to_string(l.filters) + "@" + k + "×" + k;
    if (l.stride != 1) s += ", stride " + std::to_string(l.stride);
    if (l.padding == Padding::Same) s += ", same";
    else if (l.padding == Padding::Explicit) s += ", pad " + std::to_string(l.pad);
    return s;
  }
  case LayerKind::Pool: {
    std::string s = std::string(l.pool == PoolOp::Max ? "max pool " : "avg pool ") + k + "×" + k;
    if (l.stride != 0 && l.stride != l.kernel) s += ", stride " + std::to_string(l.stride);
    return s;
  }
  case LayerKind::Activation: return l.activation == Activation::LeakyReLU ? "leaky relu" : activation_name(l.activation);
  case LayerKind::Flatten: return "flatten";
  case LayerKind::Dense: return "dense " + std::to_string(l.units);
  }
  return "?";
}

std::string ascii_shape(const NetShape& s) { // "28x28x6" for the state (the table writes ×)
  if (s.flat) return std::to_string(s.c);
  return std::to_string(s.h) + "x" + std::to_string(s.w) + "x" + std::to_string(s.c);
}

// The lecture's H×W×C; a flat vector with thousands separators ("200,704").
std::string shape_display(const NetShape& s) { return s.flat ? format_count(count_of(s.c)) : net_shape_text(s); }

class ArchitectureScene final : public Scene {
public:
  ArchitectureScene() { (void)load_preset(p_, kPresets[0].key); }
  const char* id() const override { return "architecture"; }
  const char* title() const override { return "Architecture: LeNet and friends"; }
  void draw() override;
  void write_state(JsonWriter& out) const override;
  std::string apply_state(const JsonObject& in) override;
  std::vector<ParamValue> parameters() const override { return kParams.values(p_); }

private:
  NetShape input() const { return {false, p_.c, p_.h, p_.w}; }
  NetworkReport report() const { return analyze_network(input(), p_.layers); }
  void set(Params p); // a checked new input and stack
  void write_results(JsonWriter& out) const; // the derived keys of state()
  std::string description() const override;
  void draw_inputs();
  void draw_strip(const NetworkReport& rep);
  void draw_table(const NetworkReport& rep);
  void draw_totals(const NetworkReport& rep);
  void draw_editor();
  void draw_pytorch(const NetworkReport& rep);
  bool add_menu(const char* id, int at); // popup of layer kinds; inserts at `at`

  Params p_;
  int selected_ = 0;          // layer being edited; -1 none
  int hovered_ = -1;          // layer under the mouse (table or diagram), last frame
  std::string text_error_;    // why the typed layer text was refused (the stack is kept)
  double copied_at_ = -100.0; // time of the last copy to the clipboard
};

void ArchitectureScene::set(Params p) {
  p_ = std::move(p);
  if (selected_ >= static_cast<int>(p_.layers.size())) selected_ = static_cast<int>(p_.layers.size()) - 1;
  text_error_.clear();
}

void ArchitectureScene::draw_inputs() {
  for (size_t i = 0; i < kPresets.size(); ++i) {
    const float w = ImGui::CalcTextSize(kPresets[i].name).x + ImGui::GetStyle().FramePadding.x * 2;
    if (i > 0) {
      ImGui::SameLine();
      if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
    }
    if (ImGui::Button(kPresets[i].name)) {
      Params p = p_;
      if (load_preset(p, kPresets[i].key).empty()) set(std::move(p));
    }
  }
  if (Control ctl{"input"}; ctl.shown) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("input C × H × W");
    for (int* v : {&p_.c, &p_.h, &p_.w}) {
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6.5f);
      same_line_if_fits(kParams.width(p_, *v));
      kParams.widget(p_, *v);
    }
  }
  if (Control ctl{kParams.key(p_, p_.layers)}; ctl.shown) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("layers");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1.0f);
    if (auto edit = kParams.text_field(p_, p_.layers)) text_error_ = apply_state(*edit);
    if (!text_error_.empty()) error_line(text_error_ + " (the table still shows the previous layers)");
    else
      hint_line("Type the stack and press Enter: conv6k5 = 6 filters 5×5 (s2: stride 2, p2: padding 2, same), "
                "pool2 / avgpool2 (s: stride), relu / sigmoid / tanh, flatten, dense120 — or click a row below to edit it.");
  }
}

// The network as blocks: each image as a slab (height ∝ H, thickness ∝ log C), flat vectors as bars, in
// rows as wide as the scene (a long stack wraps onto the next row rather than scrolling sideways).
void ArchitectureScene::draw_strip(const NetworkReport& rep) {
  const float strip_h = 120.0f, label_h = ImGui::GetTextLineHeight() * 2.2f, gap = 6.0f;
  const float row_h = strip_h + label_h + 10.0f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o(ImGui::GetCursorScreenPos().x + 3.0f, ImGui::GetCursorScreenPos().y + 4.0f); // room for the outline
  const float right = o.x + std::max(1.0f, ImGui::GetContentRegionAvail().x - 6.0f);
  double max_h = 1.0, max_flat = 1.0;
  auto consider = [&](const NetShape& s) {
    if (s.flat) max_flat = std::max(max_flat, static_cast<double>(s.c));
    else max_h = std::max(max_h, static_cast<double>(std::max(s.h, s.w)));
  };
  consider(rep.input);
  for (const auto& l : rep.layers)
    if (l.computed && l.error.empty()) consider(l.output);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text), dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  // What the strip shows, in order: a block per shape (-1: the input), or the layer that does not fit.
  struct Item {
    NetShape shape;
    int layer;
    ImU32 color;
    std::string caption, shape_text;
    bool misfit = false;
    float cell = 0.0f; // its width (px)
  };
  std::vector<Item> items;
  items.push_back({rep.input, -1, IM_COL32(120, 120, 120, 255), "input", shape_display(rep.input)});
  for (size_t i = 0; i < p_.layers.size(); ++i) {
    const NetLayer& l = p_.layers[i];
    const NetLayerReport& r = rep.layers[i];
    if (!r.computed) break;
    if (!r.error.empty()) {
      items.push_back({r.output, static_cast<int>(i), kRed, layer_text(l), "does not fit", true});
      break;
    }
    if (l.kind == LayerKind::Activation) continue; // same shape as the layer before
    const ImU32 color = l.kind == LayerKind::Conv ? kConvColor : l.kind == LayerKind::Dense ? kDenseColor
                        : l.kind == LayerKind::Pool ? kPoolColor : kFlatColor;
    items.push_back({r.output, static_cast<int>(i), color, layer_text(l), shape_display(r.output)});
  }
  auto block_size = [&](const NetShape& s) {
    if (s.flat)
      return ImVec2(10.0f, 10.0f + (strip_h - 10.0f) * static_cast<float>(std::log1p(static_cast<double>(s.c)) / std::log1p(max_flat)));
    return ImVec2(6.0f + 5.0f * static_cast<float>(std::log2(static_cast<double>(s.c))),
                  8.0f + (strip_h - 8.0f) * static_cast<float>(std::sqrt(static_cast<double>(s.h) / max_h)));
  };
  for (Item& it : items) {
    const float cap_w = std::max(ImGui::CalcTextSize(it.caption.c_str()).x, ImGui::CalcTextSize(it.shape_text.c_str()).x);
    it.cell = it.misfit ? cap_w + 10.0f : std::max(block_size(it.shape).x + 8.0f, cap_w + 10.0f);
  }
  int strip_hover = -1;
  float x = o.x, y = o.y, widest = 0.0f;
  for (const Item& it : items) {
    if (x > o.x && x + it.cell > right) { // the next row
      x = o.x;
      y += row_h;
    }
    const float cell = it.cell;
    if (it.misfit) {
      dl->AddText(ImVec2(x, y + strip_h * 0.5f - 8), kRed, it.shape_text.c_str());
    } else {
      const bool hot = it.layer >= 0 && (it.layer == hovered_ || it.layer == selected_);
      const ImVec2 size = block_size(it.shape);
      const float bx = x + (cell - size.x) * 0.5f, by = y + (strip_h - size.y) * 0.5f;
      dl->AddRectFilled(ImVec2(bx, by), ImVec2(bx + size.x, by + size.y), it.color);
      if (hot) dl->AddRect(ImVec2(bx - 3, by - 3), ImVec2(bx + size.x + 3, by + size.y + 3), IM_COL32(230, 80, 20, 255), 0, 0, 3.0f);
      dl->AddText(ImVec2(x + (cell - ImGui::CalcTextSize(it.shape_text.c_str()).x) * 0.5f, y + strip_h + 2), text, it.shape_text.c_str());
    }
    dl->AddText(ImVec2(x + (cell - ImGui::CalcTextSize(it.caption.c_str()).x) * 0.5f, y + strip_h + 2 + ImGui::GetTextLineHeight()),
                dim, it.caption.c_str());
    if (!it.misfit && ImGui::IsMouseHoveringRect(ImVec2(x, y), ImVec2(x + cell, y + strip_h + label_h)) && ImGui::IsWindowHovered()) {
      strip_hover = it.layer;
      if (it.layer >= 0 && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) selected_ = it.layer;
    }
    widest = std::max(widest, x + cell - o.x);
    x += cell + gap;
  }
  ImGui::Dummy(ImVec2(widest + 6.0f, y - o.y + row_h));
  if (strip_hover >= 0) {
    hovered_ = strip_hover;
    const NetLayerReport& r = rep.layers[static_cast<size_t>(strip_hover)];
    ImGui::SetTooltip("layer %d: %s\n%s → %s", strip_hover + 1, describe_layer(p_.layers[static_cast<size_t>(strip_hover)]).c_str(),
                      shape_display(r.input).c_str(), shape_display(r.output).c_str());
  }
}

namespace {
// The summary table's columns; numbers from `first_number` on are right-aligned.
const std::vector<std::string> kColumns = {"#", "layer", "output H×W×C", "weights", "biases", "multiply-adds", "activations",
                                           "dense instead"};
constexpr size_t kFirstNumber = 3;
struct SummaryRow {
  std::vector<TextCell> cells; // one per column
  int layer = -1;              // the layer it shows (its "#" cell selects it); -1: the input or the total
};
} // namespace

void ArchitectureScene::draw_table(const NetworkReport& rep) {
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  std::vector<SummaryRow> rows;
  auto add = [&](int layer, std::vector<TextCell> cells) {
    cells.resize(kColumns.size());
    rows.push_back({std::move(cells), layer});
  };
  add(-1, {{""}, {"input"}, {shape_display(rep.input)}, {""}, {""}, {""},
           {format_count(count_mul(count_of(p_.c), count_mul(count_of(p_.h), count_of(p_.w)))), dim}, {""}});
  for (size_t i = 0; i < p_.layers.size(); ++i) {
    const NetLayerReport& r = rep.layers[i];
    std::vector<TextCell> cells = {{std::to_string(i + 1)}, {describe_layer(p_.layers[i])}};
    if (!r.computed) cells.push_back({"—", dim});
    else if (!r.error.empty()) cells.push_back({"does not fit (see below)", kRed});
    else {
      const bool weighted = p_.layers[i].kind == LayerKind::Conv || p_.layers[i].kind == LayerKind::Dense;
      auto weight_count = [&](Count c) { return weighted ? TextCell{format_count(c)} : TextCell{"0", dim}; };
      cells.insert(cells.end(), {{shape_display(r.output)}, weight_count(r.weights), weight_count(r.biases), weight_count(r.macs),
                                 {format_count(r.activations), dim}, weight_count(r.dense_parameters)});
    }
    add(static_cast<int>(i), std::move(cells));
  }
  if (rep.ok())
    add(-1, {{""}, {"total"}, {shape_display(rep.output)}, {format_count(rep.weights)}, {format_count(rep.biases)},
             {format_count(rep.macs)}, {format_count(rep.activations)}, {format_count(rep.dense_parameters)}});

  // The columns of `part` (indices into kColumns) as one table, its widths as text_table gives them.
  int row_hover = -1;
  auto part_table = [&](const char* id, const std::vector<size_t>& part) {
    std::vector<std::string> headers;
    std::vector<std::vector<TextCell>> cells(rows.size());
    for (size_t c : part) headers.push_back(kColumns[c]);
    for (size_t r = 0; r < rows.size(); ++r)
      for (size_t c : part) cells[r].push_back(rows[r].cells[c]);
    const std::vector<float> widths = text_table_column_widths(headers, cells, ImGui::GetContentRegionAvail().x);
    if (!ImGui::BeginTable(id, static_cast<int>(part.size()), ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                                                                  ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_NoHostExtendX))
      return;
    for (size_t k = 0; k < part.size(); ++k)
      ImGui::TableSetupColumn(headers[k].c_str(), ImGuiTableColumnFlags_WidthFixed, std::ceil(widths[k]));
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers); // as text that wraps at spaces (ImGui's headers cut with "…")
    for (size_t k = 0; k < part.size(); ++k) {
      ImGui::TableSetColumnIndex(static_cast<int>(k));
      ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, ImGui::GetColorU32(ImGuiCol_TableHeaderBg));
      text_wrapped("%s", headers[k].c_str());
    }
    for (const SummaryRow& row : rows) {
      ImGui::TableNextRow();
      for (size_t k = 0; k < part.size(); ++k) {
        ImGui::TableSetColumnIndex(static_cast<int>(k));
        const TextCell& cell = row.cells[part[k]];
        if (part[k] == 0 && row.layer >= 0) { // the row's "#" selects its layer
          if (ImGui::Selectable(cell.text.c_str(), row.layer == selected_ || row.layer == hovered_,
                                ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap))
            selected_ = row.layer;
          if (ImGui::IsItemHovered()) row_hover = row.layer;
          continue;
        }
        const float w = ImGui::CalcTextSize(cell.text.c_str()).x, room = ImGui::GetContentRegionAvail().x;
        if (cell.color) ImGui::PushStyleColor(ImGuiCol_Text, cell.color);
        if (w <= room) {
          if (part[k] >= kFirstNumber) ImGui::SetCursorPosX(ImGui::GetCursorPosX() + room - w); // numbers right-aligned
          ImGui::TextUnformatted(cell.text.c_str());
        } else {
          text_wrapped("%s", cell.text.c_str());
        }
        if (cell.color) ImGui::PopStyleColor();
      }
    }
    ImGui::EndTable();
  };
  // One table where every column fits at its widest word; else two, each with the layers' names.
  std::vector<std::vector<TextCell>> all;
  for (const SummaryRow& row : rows) all.push_back(row.cells);
  if (text_table_min_width(kColumns, all) <= ImGui::GetContentRegionAvail().x) {
    part_table("summary", {0, 1, 2, 3, 4, 5, 6, 7});
  } else {
    part_table("summary", {0, 1, 2, 3, 4});
    part_table("summary, continued", {0, 1, 5, 6, 7});
  }
  hovered_ = row_hover;
}

void ArchitectureScene::draw_totals(const NetworkReport& rep) {
  if (!rep.ok()) {
    error_line(rep.error);
    if (rep.error_layer >= 0)
      hint_line("The layers before it keep their numbers; the ones after it wait until it fits (a smaller kernel, "
                "padding, a larger input, or one pooling layer fewer).");
    return;
  }
  const Count bytes = count_mul(rep.parameters, count_of(4));
  text_wrapped("Total: %s parameters (%s weights + %s biases) = %s as float32 (1 KiB = 1024 bytes).",
                     format_count(rep.parameters).c_str(),
                     format_count(rep.weights).c_str(), format_count(rep.biases).c_str(), format_bytes(bytes).c_str());
  text_wrapped("Per image: %s multiply-adds, %s activation values.", format_count(rep.macs).c_str(),
                     format_count(rep.activations).c_str());
  ImGui::PushStyleColor(ImGuiCol_Text, kDenseColor);
  text_wrapped("Dense layers only: %s parameters, %s as many.", format_count(rep.dense_parameters).c_str(),
                     ratio_text(rep.parameters, rep.dense_parameters).c_str());
  ImGui::PopStyleColor();
  hint_line("That network has the same output size at every layer, but each conv layer is replaced by the dense "
            "layer that connects all its inputs to all its outputs (the column 'dense instead'). Pooling, "
            "activations and flatten have no weights in either.");
  if (rep.any_overflow()) error_line("Some counts do not fit in 64 bits; they are shown as 'more than 9.2·10^18'.");
}

bool ArchitectureScene::add_menu(const char* id, int at) {
  bool added = false;
  if (ImGui::BeginPopup(id)) {
    for (size_t k = 0; k < kKindNames.size(); ++k)
      if (ImGui::Selectable(kKindNames[k].c_str())) {
        if (p_.layers.size() < kMaxNetworkLayers) {
          p_.layers.insert(p_.layers.begin() + at, default_layer(kKinds[k]));
          selected_ = at;
          added = true;
        }
      }
    ImGui::EndPopup();
  }
  return added;
}

void ArchitectureScene::draw_editor() {
  const int n = static_cast<int>(p_.layers.size());
  bool changed = false;
  const bool full = p_.layers.size() >= kMaxNetworkLayers;
  if (selected_ >= n) selected_ = n - 1;
  if (selected_ < 0) {
    ImGui::TextUnformatted("No layer selected.");
  } else {
    NetLayer& l = p_.layers[static_cast<size_t>(selected_)];
    ImGui::Text("Layer %d: %s", selected_ + 1, layer_text(l).c_str());
    ImGui::BeginDisabled(selected_ == 0);
    if (ImGui::Button("move up")) { std::swap(l, p_.layers[static_cast<size_t>(selected_ - 1)]); --selected_; changed = true; }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::BeginDisabled(selected_ == n - 1);
    if (!changed && ImGui::Button("move down")) { std::swap(l, p_.layers[static_cast<size_t>(selected_ + 1)]); ++selected_; changed = true; }
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (!changed && ImGui::Button("remove")) {
      p_.layers.erase(p_.layers.begin() + selected_);
      if (selected_ >= static_cast<int>(p_.layers.size())) selected_ = static_cast<int>(p_.layers.size()) - 1;
      changed = true;
    }
  }
  if (!changed && selected_ >= 0) {
    NetLayer& l = p_.layers[static_cast<size_t>(selected_)];
    const NetLayer before = l;
    ImGui::PushItemWidth(ImGui::GetFontSize() * 8.0f);
    int kind = static_cast<int>(std::find(kKinds.begin(), kKinds.end(), l.kind) - kKinds.begin());
    if (fitted_combo("kind", kind, kKindNames) && kKinds[static_cast<size_t>(kind)] != l.kind)
      l = default_layer(kKinds[static_cast<size_t>(kind)]);
    auto int_field = [](const char* label, int64_t& v, int lo, int hi) {
      int x = static_cast<int>(std::clamp<int64_t>(v, lo, hi));
      if (ImGui::InputInt(label, &x)) v = std::clamp(x, lo, hi);
    };
    switch (l.kind) {
    case LayerKind::Conv: {
      int_field("filters", l.filters, 1, 100000);
      int_field("kernel K", l.kernel, 1, 1024);
      int_field("stride S", l.stride, 1, 1024);
      int mode = static_cast<int>(std::find(kPads.begin(), kPads.end(), l.padding) - kPads.begin());
      if (fitted_combo("padding", mode, kPadNames))
        l.padding = kPads[static_cast<size_t>(mode)];
      if (l.padding == Padding::Explicit) int_field("zeros per side P", l.pad, 0, 1024);
      break;
    }
    case LayerKind::Pool: {
      int op = l.pool == PoolOp::Max ? 0 : 1;
      ImGui::RadioButton("max", &op, 0);
      ImGui::SameLine();
      ImGui::RadioButton("average", &op, 1);
      l.pool = op == 0 ? PoolOp::Max : PoolOp::Avg;
      int_field("size K", l.kernel, 1, 1024);
      int64_t stride = l.stride == 0 ? l.kernel : l.stride;
      int_field("stride S", stride, 1, 1024);
      l.stride = stride == l.kernel ? 0 : stride;
      break;
    }
    case LayerKind::Activation: {
      int a = 0;
      for (size_t i = 0; i < kActs.size(); ++i)
        if (kActs[i] == l.activation) a = static_cast<int>(i);
      for (size_t i = 0; i < kActs.size(); ++i) {
        if (i > 0) ImGui::SameLine();
        ImGui::RadioButton(kActNames[i].c_str(), &a, static_cast<int>(i));
      }
      l.activation = kActs[static_cast<size_t>(a)];
      break;
    }
    case LayerKind::Flatten: hint_line("C×H×W values in one row, channel by channel (PyTorch's order)."); break;
    case LayerKind::Dense: int_field("units", l.units, 1, 1000000); break;
    }
    ImGui::PopItemWidth();
    changed = !(l == before);
  }
  ImGui::BeginDisabled(full);
  if (ImGui::Button("insert layer after")) ImGui::OpenPopup("insert_after");
  ImGui::SameLine();
  if (ImGui::Button("add layer at the end")) ImGui::OpenPopup("add_end");
  ImGui::EndDisabled();
  if (add_menu("insert_after", selected_ + 1)) changed = true;
  if (add_menu("add_end", static_cast<int>(p_.layers.size()))) changed = true;
  if (full) hint_line("At most 64 layers.");
  if (changed) text_error_.clear();
}

void ArchitectureScene::draw_pytorch(const NetworkReport& rep) {
  if (!rep.ok()) {
    hint_line("The PyTorch code appears when every layer fits.");
    return;
  }
  const auto code = pytorch_code(input(), p_.layers);
  if (!code.ok()) return error_line(code.error());
  if (ImGui::Button("export as PyTorch")) {
    ImGui::SetClipboardText(code->c_str());
    copied_at_ = ImGui::GetTime();
  }
  ImGui::SameLine();
  if (ImGui::GetTime() - copied_at_ < 2.5) ImGui::TextUnformatted("copied to the clipboard");
  else hint_line("copies this code; run it to check the shapes and the parameter count");
  std::vector<char> buf(code->begin(), code->end());
  buf.push_back('\0');
  const float lines = static_cast<float>(std::count(code->begin(), code->end(), '\n') + 1);
  ImGui::InputTextMultiline("##pytorch", buf.data(), buf.size(),
                            ImVec2(-1.0f, std::min(lines, 24.0f) * ImGui::GetTextLineHeight() + 8.0f),
                            ImGuiInputTextFlags_ReadOnly);
}

void ArchitectureScene::draw() {
  scene_intro(title(),
              "A network is a stack of layers, each turning one shape into the next. LeNet-5 reads a 32×32 "
              "image with two rounds of conv + pooling, then three dense layers. The table counts every "
              "layer's weights, biases and multiply-adds, like Keras' model.summary(). Try: make the second "
              "conv's kernel 15 (it no longer fits), give the CIFAR net a 224×224 input and watch the first "
              "dense layer explode, or compare with the same network built from dense layers only.");
  scene_layout(
      [&] {
        draw_inputs();
        if (Control ctl{"edit"}; ctl.shown) draw_editor();
      },
      [&] {
        const NetworkReport rep = report();
        draw_strip(rep);
        draw_table(rep);
        draw_totals(rep);
      },
      {1000.0f, 0.42f});
  ImGui::Separator();
  if (Control ctl{"pytorch"}; ctl.shown) draw_pytorch(report()); // after this frame's edits
}

void ArchitectureScene::write_state(JsonWriter& out) const {
  kParams.write(p_, out);
  write_results(out);
}

void ArchitectureScene::write_results(JsonWriter& out) const {
  const NetworkReport rep = report();
  auto count = [&](const std::string& key, Count v) {
    if (v.overflow) out.raw_field(key, "null");
    else out.field(key, static_cast<long long>(v.value));
  };
  out.field("layers", static_cast<int>(p_.layers.size()));
  for (size_t i = 0; i < p_.layers.size(); ++i) {
    const NetLayerReport& r = rep.layers[i];
    if (!r.computed || !r.error.empty()) break;
    const std::string n = std::to_string(i + 1);
    out.field("shape_" + n, ascii_shape(r.output));
    count("params_" + n, r.parameters);
    count("macs_" + n, r.macs);
  }
  out.field("error", rep.error).field("error_layer", rep.error_layer + 1);
  if (!rep.ok()) return;
  out.field("out", ascii_shape(rep.output));
  count("total_params", rep.parameters);
  count("total_weights", rep.weights);
  count("total_biases", rep.biases);
  count("total_macs", rep.macs);
  count("total_activations", rep.activations);
  count("dense_params", rep.dense_parameters);
  out.field("dense_ratio", rep.dense_ratio);
  const auto code = pytorch_code(input(), p_.layers);
  out.field("pytorch", code.ok() ? code.value() : std::string());
}

std::string ArchitectureScene::description() const {
  const NetworkReport rep = report();
  std::string text = std::string(title()) + ". Input " + shape_display(rep.input) + " (H × W × C), " +
                     std::to_string(p_.layers.size()) + " layers:";
  for (size_t i = 0; i < p_.layers.size(); ++i) {
    const NetLayerReport& r = rep.layers[i];
    if (!r.computed) break;
    text += (i ? "; " : " ") + describe_layer(p_.layers[i]);
    if (!r.error.empty()) break;
    if (p_.layers[i].kind != LayerKind::Activation) text += " → " + shape_display(r.output);
  }
  text += ".";
  if (!rep.ok()) return text + " Does not fit: " + rep.error + ".";
  return text + " Total: " + format_count(rep.parameters) + " parameters (" + format_count(rep.weights) + " weights + " +
         format_count(rep.biases) + " biases), " + format_count(rep.macs) + " multiply-adds per image. Dense layers only: " +
         format_count(rep.dense_parameters) + " parameters, " + ratio_text(rep.parameters, rep.dense_parameters) + " as many.";
}

bool layer_result_key(std::string_view key) {
  for (std::string_view prefix : {"shape_", "params_", "macs_"}) {
    if (key.substr(0, prefix.size()) != prefix || key.size() == prefix.size()) continue;
    const std::string_view rest = key.substr(prefix.size());
    if (rest.size() <= 3 && std::all_of(rest.begin(), rest.end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      return true;
  }
  return false;
}

std::string ArchitectureScene::apply_state(const JsonObject& in) {
  Params p = p_;
  auto written = derived_keys([this](JsonWriter& w) { write_results(w); });
  // shape_N, params_N, macs_N of any stack, not only of this one, are read-only too
  auto derived = [&](std::string_view key) { return layer_result_key(key) || written(key); };
  if (auto e = apply_params(in, id(), {kParams.bind(p)}, derived); !e.empty()) return e;
  set(std::move(p));
  const NetworkReport rep = report();
  if (rep.error_layer >= 0) selected_ = rep.error_layer; // open the layer that does not fit in the editor
  else if (selected_ < 0 && !p_.layers.empty()) selected_ = 0;
  return {};
}

} // namespace

std::unique_ptr<Scene> make_architecture_scene() { return std::make_unique<ArchitectureScene>(); }

} // namespace convplay::app
