#include "scene_ui.h"

#include "image_source.h"
#include "scene.h"

#include <imgui_internal.h> // the current text wrap position (DC.TextWrapPos), as ImGui::TextWrapped reads it

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <numeric>

namespace convplay::app {

namespace {
AuthorOptions g_author;
ThreadPool* g_pool = nullptr;
const std::vector<std::unique_ptr<Scene>>* g_scenes = nullptr;
std::vector<const char*> g_control_keys; // the Controls being drawn, innermost last (their keys tag the targets)
LayoutReport g_layout;
ImGuiID g_cut_id = 0; // the worst control so far this frame, whose label ItemInfo brings
constexpr float kCutTolerance = 1.0f; // px: rounding, and frames drawn flush with the clip edge

// What a label shows ("stride S" of "stride S##2"), or the id part of a hidden one ("filter" of "##filter").
std::string item_name(const char* label) {
  const char* hash = std::strstr(label, "##");
  if (!hash) return label;
  return hash == label ? std::string(hash + 2) : std::string(label, hash);
}

// Labels the keyboard target `id`, among the last few items added (the last, as a rule).
void label_target(ImGuiID id, const char* label) {
  auto& targets = g_layout.targets;
  for (size_t i = targets.size(); i > 0 && i + 8 > targets.size(); --i)
    if (targets[i - 1].id == id) {
      targets[i - 1].label = label;
      return;
    }
}

void note_clipped(std::string what) {
  ++g_layout.clipped;
  g_layout.clipped_items.push_back(std::move(what));
}
} // namespace

float draw_fitted_text(ImDrawList* dl, ImVec2 pos, ImU32 color, const std::string& text, float right, const char* what) {
  right = std::min(right, ImGui::GetWindowDrawList()->GetClipRectMax().x);
  const float room = right - pos.x;
  std::string shown = text;
  float width = ImGui::CalcTextSize(shown.c_str()).x;
  if (width > room + 0.5f) {
    const char* ellipsis = "\xE2\x80\xA6"; // "…"
    while (!shown.empty() && width > room + 0.5f) { // drop the last UTF-8 character
      while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80) shown.pop_back();
      if (!shown.empty()) shown.pop_back();
      width = ImGui::CalcTextSize((shown + ellipsis).c_str()).x;
    }
    if (shown.empty() || width > room + 0.5f) {
      note_clipped(std::string(what) + " '" + text + "'");
      shown = text;
      width = ImGui::CalcTextSize(shown.c_str()).x;
    } else {
      shown += ellipsis;
      if (ImGui::IsMouseHoveringRect(pos, ImVec2(pos.x + width, pos.y + ImGui::GetTextLineHeight())))
        ImGui::SetTooltip("%s", text.c_str());
    }
  }
  dl->AddText(pos, color, shown.c_str());
  return width;
}

const Scene* find_app_scene(std::string_view id) {
  if (g_scenes)
    for (const auto& s : *g_scenes)
      if (id == s->id()) return s.get();
  return nullptr;
}
void set_app_scenes(const std::vector<std::unique_ptr<Scene>>* scenes) { g_scenes = scenes; }

ThreadPool* app_thread_pool() { return g_pool; }
void set_app_thread_pool(ThreadPool* pool) { g_pool = pool; }

const AuthorOptions& author_options() { return g_author; }
void set_author_options(const AuthorOptions& options) { g_author = options; }

Control::Control(const char* key) : shown(!g_author.hidden(key)) {
  if (!shown) return;
  g_control_keys.push_back(key);
  keyed_ = true;
  if (g_author.locked(key)) {
    ImGui::BeginDisabled();
    disabled_ = true;
  }
}

Control::~Control() {
  if (disabled_) ImGui::EndDisabled();
  if (keyed_) g_control_keys.pop_back();
}

const ThemeColours& theme_colours(bool dark) {
  // Light: the near-white of a course page, so an embed sits on it without a frame; #666 on it is 5.5:1.
  static const ThemeColours light{ImVec4(0.98f, 0.98f, 0.97f, 1.0f), ImVec4(0.40f, 0.40f, 0.40f, 1.0f)};
  // Dark: ImGui's own grey (0.5) would be 4.3:1 on this background; 0.66 is 7:1.
  static const ThemeColours dark_theme{ImVec4(0.11f, 0.11f, 0.12f, 1.0f), ImVec4(0.66f, 0.66f, 0.66f, 1.0f)};
  return dark ? dark_theme : light;
}

namespace {
double relative_luminance(const ImVec4& c) {
  auto linear = [](float v) {
    const double s = v;
    return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * linear(c.x) + 0.7152 * linear(c.y) + 0.0722 * linear(c.z);
}
} // namespace

double contrast_ratio(const ImVec4& a, const ImVec4& b) {
  const double la = relative_luminance(a), lb = relative_luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

void scene_intro(const char* title, const char* text) {
  ImGui::TextUnformatted(title);
  if (g_author.hidden("intro")) {
    ImGui::Dummy(ImVec2(0, 4));
    return;
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  text_wrapped("%s", text);
  ImGui::PopStyleColor();
  ImGui::Dummy(ImVec2(0, 4));
}

void error_line(const std::string& message) {
  if (message.empty()) return;
  ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(190, 30, 30, 255));
  text_wrapped("%s", message.c_str());
  ImGui::PopStyleColor();
}

void hint_line(const char* text) {
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  text_wrapped("%s", text);
  ImGui::PopStyleColor();
}

bool picture_status_line(std::string_view status, const std::string& note, const std::string& error) {
  if (status == "loading") hint_line(("Loading the picture (" + note + ")").c_str());
  else if (status == "error") error_line(error);
  return status != "loading" && status != "error";
}

std::vector<std::string_view> wrap_at_spaces(std::string_view text, float width,
                                             const std::function<float(std::string_view)>& measure) {
  std::vector<std::string_view> lines;
  size_t para = 0;
  while (para <= text.size()) {
    size_t para_end = text.find('\n', para);
    if (para_end == std::string_view::npos) para_end = text.size();
    size_t line_start = para, line_end = para; // [line_start, line_end): the words placed so far
    size_t at = para;
    while (at < para_end) {
      if (text[at] == ' ') {
        ++at;
        continue;
      }
      size_t word_end = text.find(' ', at);
      if (word_end == std::string_view::npos || word_end > para_end) word_end = para_end;
      // The line with this word, as drawn (the spaces between words as written: "a    b" is wider than "a b").
      if (line_end > line_start && measure(text.substr(line_start, word_end - line_start)) > width) {
        lines.push_back(text.substr(line_start, line_end - line_start)); // the word starts the next line
        line_start = at;
      } else if (line_end == line_start) {
        line_start = at;
      }
      line_end = word_end;
      at = word_end;
    }
    lines.push_back(text.substr(line_start, line_end - line_start));
    para = para_end + 1;
  }
  return lines;
}

void text_wrapped(const char* fmt, ...) {
  char stack_buf[1024];
  va_list args;
  va_start(args, fmt);
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(stack_buf, sizeof stack_buf, fmt, args);
  va_end(args);
  std::string text;
  if (n >= static_cast<int>(sizeof stack_buf)) {
    text.resize(static_cast<size_t>(n) + 1);
    std::vsnprintf(text.data(), text.size(), fmt, copy);
    text.resize(static_cast<size_t>(n));
  } else if (n > 0) {
    text = stack_buf;
  }
  va_end(copy);
  ImGuiWindow* window = ImGui::GetCurrentWindow();
  const float wrap_pos = window->DC.TextWrapPos;
  auto measure = [](std::string_view s) { return ImGui::CalcTextSize(s.data(), s.data() + s.size()).x; };
  auto wrap_width = [&] { return std::max(1.0f, ImGui::CalcWrapWidthForPos(window->DC.CursorPos, wrap_pos < 0.0f ? 0.0f : wrap_pos)); };
  float width = wrap_width();
  std::vector<std::string_view> lines = wrap_at_spaces(text, width, measure);
  // Beside an item (after SameLine) a word that does not fit the rest of the line starts a line of its own.
  const float line_x = std::floor(window->Pos.x + window->DC.Indent.x + window->DC.ColumnsOffset.x);
  if (window->DC.CursorPos.x > line_x + 0.5f &&
      std::any_of(lines.begin(), lines.end(), [&](std::string_view l) { return measure(l) > width; })) {
    ImGui::NewLine();
    width = wrap_width();
    lines = wrap_at_spaces(text, width, measure);
  }
  // Lines that fit are drawn as broken here; a single word wider than the column is left to ImGui's own
  // wrapping, so it is split rather than cut off, and counts as clipped in the layout report.
  std::string out;
  auto flush = [&] {
    if (out.empty()) return;
    ImGui::PushTextWrapPos(-1.0f);
    ImGui::TextUnformatted(out.c_str(), out.c_str() + out.size());
    ImGui::PopTextWrapPos();
    out.clear();
  };
  for (std::string_view line : lines) {
    if (measure(line) > width) {
      if (!window->SkipItems) note_clipped("word '" + std::string(line) + "' split across lines");
      flush();
      ImGui::PushTextWrapPos(wrap_pos < 0.0f ? 0.0f : wrap_pos);
      ImGui::TextUnformatted(line.data(), line.data() + line.size());
      ImGui::PopTextWrapPos();
      continue;
    }
    if (!out.empty()) out += '\n';
    out.append(line);
  }
  flush();
}

std::string ratio_text(Count base, Count other) {
  if (base.overflow || other.overflow) return "unknown (overflow)";
  const double r = static_cast<double>(other.value) / static_cast<double>(std::max<int64_t>(1, base.value));
  if (r >= 100.0) return format_count(count_of(std::llround(r))) + "×"; // "32,113×" rather than "3.21e+04×"
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g×", r);
  return buf;
}

void scene_layout(const std::function<void()>& controls, const std::function<void()>& picture, SceneLayout layout) {
  const bool with_controls = !g_author.hidden("controls");
  const bool wide = ImGui::GetContentRegionAvail().x >= layout.wide_from;
  auto draw_picture = [&] {
    ImGui::BeginGroup();
    picture();
    ImGui::EndGroup();
    g_layout.picture_min = ImGui::GetItemRectMin();
    g_layout.picture_max = ImGui::GetItemRectMax();
  };
  g_layout.stacked = !wide;
  if (wide && with_controls &&
      ImGui::BeginTable("scene layout", 2, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_NoSavedSettings)) {
    ImGui::TableSetupColumn("controls", ImGuiTableColumnFlags_WidthStretch, layout.controls_share);
    ImGui::TableSetupColumn("picture", ImGuiTableColumnFlags_WidthStretch, 1.0f - layout.controls_share);
    ImGui::TableNextColumn();
    controls();
    ImGui::TableNextColumn();
    draw_picture();
    ImGui::EndTable();
    return;
  }
  draw_picture();
  if (with_controls) {
    ImGui::Dummy(ImVec2(0, 4));
    if (ImGui::CollapsingHeader("Controls", ImGuiTreeNodeFlags_DefaultOpen)) controls();
  }
}

float scene_controls_width(SceneLayout layout) {
  const float avail = ImGui::GetContentRegionAvail().x;
  return avail >= layout.wide_from ? avail * layout.controls_share : avail;
}

float combo_width(const std::vector<std::string>& choices) {
  float text = 0.0f;
  for (const std::string& c : choices) text = std::max(text, ImGui::CalcTextSize(c.c_str(), nullptr, true).x);
  return text + ImGui::GetStyle().FramePadding.x * 2.0f + ImGui::GetFrameHeight();
}

void fit_next_combo(const std::vector<std::string>& choices, const char* label) {
  const float room = ImGui::GetContentRegionAvail().x - label_width(label);
  ImGui::SetNextItemWidth(std::max(ImGui::GetFrameHeight() * 2.0f, std::min(combo_width(choices), room)));
}

bool begin_combo(const char* label, const char* preview) {
  // ImGui draws the preview from the frame's left padding to the arrow button, clipped there.
  const float room = ImGui::CalcItemWidth() - ImGui::GetFrameHeight() - ImGui::GetStyle().FramePadding.x;
  if (!ImGui::GetCurrentWindow()->SkipItems && ImGui::CalcTextSize(preview, nullptr, true).x > room + kCutTolerance)
    note_clipped("combo '" + item_name(label) + "'");
  const ImGuiID id = ImGui::GetID(label);
  const bool open = ImGui::BeginCombo(label, preview);
  label_target(id, label); // ImGui's combo gives its hooks no label
  if (id == ImGui::GetCurrentContext()->NavId) g_layout.focus_label = label;
  return open;
}

bool fitted_combo(const char* label, int& index, const std::vector<std::string>& shown) {
  fit_next_combo(shown, label);
  const bool valid = index >= 0 && index < static_cast<int>(shown.size());
  if (!begin_combo(label, valid ? shown[static_cast<size_t>(index)].c_str() : "")) return false;
  bool picked = false;
  for (int i = 0; i < static_cast<int>(shown.size()); ++i) {
    ImGui::PushID(i);
    if (ImGui::Selectable(shown[static_cast<size_t>(i)].c_str(), i == index)) {
      index = i;
      picked = true;
    }
    if (i == index) ImGui::SetItemDefaultFocus();
    ImGui::PopID();
  }
  ImGui::EndCombo();
  return picked;
}

void picture_combo(const char* key, const char* label, std::string& image, int& seen_serial) {
  Control c{key};
  if (!c.shown) return;
  auto offered = [](const ImageChoice& choice) { return std::string_view(choice.id) != "user" || has_user_image(); };
  std::vector<std::string> names;
  for (const ImageChoice& choice : image_choices())
    if (offered(choice)) names.emplace_back(choice.label);
  const ImageChoice* current = find_image_choice(image);
  fit_next_combo(names, label);
  if (begin_combo(label, current ? current->label : image.c_str())) {
    for (const ImageChoice& choice : image_choices())
      if (offered(choice) && ImGui::Selectable(choice.label, image == choice.id)) {
        image = choice.id;
        seen_serial = user_image_status().serial;
      }
    ImGui::EndCombo();
  }
  if (image_picker_available()) {
    const char* open = "Open your own image…";
    same_line_if_fits(ImGui::CalcTextSize(open).x + ImGui::GetStyle().FramePadding.x * 2.0f);
    if (ImGui::Button(open)) open_image_picker();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("PNG, JPEG, GIF or BMP; or drop a file on the page");
  } else {
    const char* hint = "(or drop an image file on the window)";
    same_line_if_fits(ImGui::CalcTextSize(hint).x);
    ImGui::TextDisabled("%s", hint);
  }
}

namespace {
// Each column's widest text (px), the header's included: on one line, or its widest word (text between
// spaces) when `words`.
std::vector<float> text_column_widths(const std::vector<std::string>& headers, const std::vector<std::vector<TextCell>>& rows,
                                      bool words = false) {
  std::vector<float> w(headers.size(), 0.0f);
  auto fit = [&](size_t c, std::string_view text) {
    if (c >= w.size()) return;
    for (size_t at = 0; at <= text.size();) {
      const size_t end = words ? std::min(text.find(' ', at), text.size()) : text.size();
      w[c] = std::max(w[c], ImGui::CalcTextSize(text.data() + at, text.data() + end).x);
      at = end + 1;
    }
  };
  for (size_t c = 0; c < headers.size(); ++c) fit(c, headers[c]);
  for (const auto& row : rows)
    for (size_t c = 0; c < row.size(); ++c) fit(c, row[c].text);
  return w;
}

// The columns' text widths for a table `avail` px wide whose text does not fit on one line: every column at
// least its widest word (so that no word or number is split), the rest of the width shared in proportion
// to what each column still lacks of its one-line width.
std::vector<float> wrapped_column_widths(const std::vector<float>& one_line, const std::vector<float>& word, float avail) {
  float lacking = 0.0f, words = 0.0f;
  for (size_t c = 0; c < one_line.size(); ++c) {
    words += std::ceil(word[c]);
    lacking += std::max(0.0f, one_line[c] - std::ceil(word[c]));
  }
  const float share = lacking > 0.0f ? std::clamp((avail - words) / lacking, 0.0f, 1.0f) : 0.0f;
  std::vector<float> w(one_line.size());
  for (size_t c = 0; c < w.size(); ++c)
    w[c] = std::ceil(word[c]) + std::floor(std::max(0.0f, one_line[c] - std::ceil(word[c])) * share);
  return w;
}
} // namespace

float text_table_width(const std::vector<std::string>& headers, const std::vector<std::vector<TextCell>>& rows) {
  float total = 1.0f; // the outer border
  for (float w : text_column_widths(headers, rows)) total += w + ImGui::GetStyle().CellPadding.x * 2.0f + 1.0f;
  return total;
}

float text_table_min_width(const std::vector<std::string>& headers, const std::vector<std::vector<TextCell>>& rows) {
  float total = 1.0f;
  for (float w : text_column_widths(headers, rows, true)) total += std::ceil(w) + ImGui::GetStyle().CellPadding.x * 2.0f + 1.0f;
  return total;
}

std::vector<float> text_table_column_widths(const std::vector<std::string>& headers, const std::vector<std::vector<TextCell>>& rows,
                                            float avail) {
  const std::vector<float> one_line = text_column_widths(headers, rows);
  const float table_width = text_table_width(headers, rows);
  if (table_width <= avail) return one_line;
  const float text_avail = avail - (table_width - std::accumulate(one_line.begin(), one_line.end(), 0.0f));
  return wrapped_column_widths(one_line, text_column_widths(headers, rows, true), text_avail);
}

void text_table(const char* id, const std::vector<std::string>& headers, const std::vector<std::vector<TextCell>>& rows,
                ImGuiTableFlags flags) {
  if (headers.empty()) return;
  const float avail = ImGui::GetContentRegionAvail().x;
  const bool one_line = text_table_width(headers, rows) <= avail;
  const std::vector<float> widths = text_table_column_widths(headers, rows, avail);
  if (!ImGui::BeginTable(id, static_cast<int>(headers.size()), flags | ImGuiTableFlags_SizingFixedFit)) return;
  for (size_t c = 0; c < headers.size(); ++c)
    ImGui::TableSetupColumn(headers[c].c_str(), ImGuiTableColumnFlags_WidthFixed, std::ceil(widths[c]));
  auto text = [one_line](const std::string& t) {
    if (one_line) ImGui::TextUnformatted(t.c_str());
    else text_wrapped("%s", t.c_str());
  };
  // The header row as text (ImGui's headers would cut a long name with an ellipsis).
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  for (size_t c = 0; c < headers.size(); ++c) {
    ImGui::TableSetColumnIndex(static_cast<int>(c));
    ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, ImGui::GetColorU32(ImGuiCol_TableHeaderBg));
    text(headers[c]);
  }
  for (const auto& row : rows) {
    ImGui::TableNextRow();
    for (const TextCell& cell : row) {
      ImGui::TableNextColumn();
      if (cell.color) ImGui::PushStyleColor(ImGuiCol_Text, cell.color);
      text(cell.text);
      if (cell.color) ImGui::PopStyleColor();
    }
  }
  ImGui::EndTable();
}

void same_line_if_fits(float width) {
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  if (ImGui::GetItemRectMax().x + spacing + width <= ImGui::GetContentRegionMaxAbs().x) ImGui::SameLine();
}

float label_width(const char* label) {
  const float w = ImGui::CalcTextSize(label, nullptr, true).x;
  return w > 0.0f ? w + ImGui::GetStyle().ItemInnerSpacing.x : 0.0f;
}

void layout_report_begin_frame() {
  g_layout = LayoutReport{};
  g_cut_id = 0;
  if (ImGuiContext* g = ImGui::GetCurrentContext()) g->TestEngineHookItems = true;
}

const LayoutReport& layout_report() { return g_layout; }

void layout_report_end_frame() {
  // Every table of this frame: a column whose content (cells, or the header's label) reaches past the
  // column's clip rectangle is cut there (ImGui clips each column; a header's label gets an ellipsis).
  // A table drawn twice under one id in a frame keeps its last instance's columns.
  ImGuiContext* g = ImGui::GetCurrentContext();
  if (!g) return;
  for (int n = 0; n < g->Tables.GetMapSize(); ++n) {
    const ImGuiTable* t = g->Tables.TryGetMapData(n);
    if (!t || t->LastFrameActive != g->FrameCount) continue;
    for (int c = 0; c < t->ColumnsCount; ++c) {
      const ImGuiTableColumn& col = t->Columns[c];
      if (!(col.Flags & ImGuiTableColumnFlags_IsEnabled) || (col.Flags & ImGuiTableColumnFlags_NoClip)) continue;
      const float content =
          std::max({col.ContentMaxXFrozen, col.ContentMaxXUnfrozen, col.ContentMaxXHeadersUsed, col.ContentMaxXHeadersIdeal});
      // A table that scrolls sideways shows the rest of a column when scrolled; elsewhere its clip is the edge.
      const float edge = (t->Flags & ImGuiTableFlags_ScrollX) ? col.MaxX : col.ClipRect.Max.x;
      if (content <= edge + kCutTolerance) continue;
      const char* name = ImGui::TableGetColumnName(t, c);
      const char* window = t->OuterWindow ? t->OuterWindow->Name : "";
      const char* slash = std::strrchr(window, '/');
      note_clipped("table column " + std::to_string(c + 1) + (name && *name ? " '" + std::string(name) + "'" : std::string()) +
                   " (" + std::to_string(static_cast<int>(content - edge)) + " px) in " + (slash ? slash + 1 : window));
    }
  }
  // Every window drawn this frame with a horizontal scrollbar (a child window, or a table's that scrolls).
  for (const ImGuiWindow* w : g->Windows)
    if (w->Active && !w->Hidden && w->ScrollbarX) g_layout.scroll_x.emplace_back(w->Name);
}

void layout_report_text_overflow() {
  // Lines of text (items without an id, which the hooks do not see) widen the window's content.
  const ImGuiWindow* w = ImGui::GetCurrentWindow();
  g_layout.scene_min = w->Pos;
  g_layout.scene_max = ImVec2(w->Pos.x + w->Size.x, w->Pos.y + w->Size.y);
  if (w->Flags & ImGuiWindowFlags_HorizontalScrollbar) return;
  const float over = w->DC.CursorMaxPos.x - w->InnerClipRect.Max.x;
  if (over > kCutTolerance && over > g_layout.overflow) {
    g_layout.overflow = over;
    g_layout.cut = "text";
    g_layout.cut_window = w->Name;
    g_cut_id = 0;
  }
}

std::string layout_report_json() {
  const LayoutReport& r = g_layout;
  char picture[96];
  std::snprintf(picture, sizeof picture, "[%.0f,%.0f,%.0f,%.0f]", static_cast<double>(r.picture_min.x),
                static_cast<double>(r.picture_min.y), static_cast<double>(r.picture_max.x), static_cast<double>(r.picture_max.y));
  char scene[96];
  std::snprintf(scene, sizeof scene, "[%.0f,%.0f,%.0f,%.0f]", static_cast<double>(r.scene_min.x),
                static_cast<double>(r.scene_min.y), static_cast<double>(r.scene_max.x), static_cast<double>(r.scene_max.y));
  JsonWriter w;
  w.field("stacked", r.stacked)
      .raw_field("picture", picture)
      .raw_field("scene", scene)
      .field("controls", r.controls)
      .field("right_most", std::round(static_cast<double>(r.right_most)))
      .field("overflow", std::round(static_cast<double>(r.overflow)))
      .field("cut", r.cut)
      .field("cut_window", r.cut_window);
  char rect[96];
  std::snprintf(rect, sizeof rect, "[%.0f,%.0f,%.0f,%.0f]", static_cast<double>(r.focus_min.x), static_cast<double>(r.focus_min.y),
                static_cast<double>(r.focus_max.x), static_cast<double>(r.focus_max.y));
  JsonWriter focus;
  focus.field("id", static_cast<long long>(r.focus_id)).field("label", r.focus_label).raw_field("rect", rect);
  w.raw_field("focus", focus.str());
  w.field("clipped", r.clipped);
  std::string clipped = "[";
  for (const std::string& c : r.clipped_items) clipped += (clipped.size() > 1 ? "," : "") + json_quote(c);
  w.raw_field("clipped_items", clipped + "]");
  std::string scroll_x = "[";
  for (const std::string& name : r.scroll_x) scroll_x += (scroll_x.size() > 1 ? "," : "") + json_quote(name);
  w.raw_field("scroll_x", scroll_x + "]");
  std::string targets = "[";
  for (const LayoutTarget& t : r.targets) {
    std::snprintf(rect, sizeof rect, "[%.0f,%.0f,%.0f,%.0f]", static_cast<double>(t.min.x), static_cast<double>(t.min.y),
                  static_cast<double>(t.max.x), static_cast<double>(t.max.y));
    JsonWriter o;
    o.field("id", static_cast<long long>(t.id)).field("label", t.label).field("key", t.key).raw_field("rect", rect)
        .field("tab", t.tab).field("visible", t.visible);
    targets += (targets.size() > 1 ? "," : "") + o.str();
  }
  w.raw_field("targets", targets + "]");
  return w.str();
}

std::string format_value(float v) {
  char buf[32];
  if (v == std::floor(v) && std::fabs(v) < 1e7f) std::snprintf(buf, sizeof buf, "%.0f", static_cast<double>(v));
  else std::snprintf(buf, sizeof buf, "%.3g", static_cast<double>(v));
  std::string s = buf;
  if (s == "-0") s = "0";
  if (!s.empty() && s[0] == '-') s = "\u2212" + s.substr(1); // the typographic minus, as elsewhere in the app
  return s;
}

std::string multiply_adds(const float* inputs, const float* weights, int n, float result, int max_terms) {
  std::string s;
  const int shown = std::min(n, max_terms);
  for (int i = 0; i < shown; ++i) {
    if (i) s += " + ";
    const std::string x = format_value(inputs[i]), w = format_value(weights[i]);
    const bool xneg = inputs[i] < 0 && x != "0", wneg = weights[i] < 0 && w != "0";
    s += (xneg ? "(" + x + ")" : x) + "·" + (wneg ? "(" + w + ")" : w);
  }
  if (shown < n) s += " + … (" + std::to_string(n - shown) + " more)";
  if (n == 0) s = "0";
  return s + " = " + format_value(result);
}

} // namespace convplay::app

// ImGui's item hooks (built with IMGUI_ENABLE_TEST_ENGINE): every item with an id passes here with its
// rectangle, which is how the layout report sees a control cut off at the window's right edge.
void ImGuiTestEngineHook_ItemAdd(ImGuiContext* ctx, const ImRect& nav_bb, ImGuiID id) {
  using convplay::app::g_layout;
  const ImGuiWindow* w = ctx->CurrentWindow;
  if (!w) return;
  const ImRect bb = ctx->LastItemData.ID == id ? ctx->LastItemData.Rect : nav_bb; // with the label
  ++g_layout.controls;
  if (id == ctx->NavId && id != 0) {
    g_layout.focus_id = id;
    g_layout.focus_min = bb.Min;
    g_layout.focus_max = bb.Max;
  }
  // What keyboard navigation can reach: an enabled item that takes navigation, in a window whose items
  // the arrows and Tab reach from its top window (NavFlattened children; a plain child window is one
  // item of its parent, entered with Space). ImGui scores such items in view or not.
  const ImGuiItemFlags flags = ctx->LastItemData.InFlags;
  if (!(flags & (ImGuiItemFlags_Disabled | ImGuiItemFlags_NoNav)) && w->RootWindowForNav == w->RootWindow) {
    convplay::app::LayoutTarget t;
    t.id = id;
    t.key = convplay::app::g_control_keys.empty() ? "" : convplay::app::g_control_keys.back();
    t.min = bb.Min;
    t.max = bb.Max;
    t.tab = (flags & ImGuiItemFlags_Inputable) && !(flags & ImGuiItemFlags_NoTabStop);
    t.visible = bb.Overlaps(w->ClipRect);
    g_layout.targets.push_back(std::move(t));
  }
  // A window that scrolls sideways loses nothing; elsewhere, what is right of the visible part is cut off.
  if ((w->Flags & ImGuiWindowFlags_HorizontalScrollbar) || w->ScrollMax.x > 0.0f) return;
  g_layout.right_most = std::max(g_layout.right_most, bb.Max.x);
  // A table's header cells span the column's padding and border (ImGui clips them itself): only the
  // window's edge counts for them.
  const float screen_edge = ImGui::GetMainViewport()->Pos.x + ImGui::GetMainViewport()->Size.x;
  const bool header = ctx->CurrentTable && (ctx->CurrentTable->RowFlags & ImGuiTableRowFlags_Headers);
  const float edge = header ? screen_edge : std::min(w->ClipRect.Max.x, screen_edge);
  const float over = bb.Max.x - edge;
  if (over > convplay::app::kCutTolerance && over > g_layout.overflow) {
    g_layout.overflow = over;
    g_layout.cut = "#" + std::to_string(id);
    g_layout.cut_window = w->Name;
    convplay::app::g_cut_id = id;
  }
}

void ImGuiTestEngineHook_ItemInfo(ImGuiContext* ctx, ImGuiID id, const char* label, ImGuiItemStatusFlags) {
  using convplay::app::g_layout;
  if (id != 0 && label && *label) {
    convplay::app::label_target(id, label);
    if (id == ctx->NavId) g_layout.focus_label = label;
  }
  if (id != 0 && id == convplay::app::g_cut_id && label) {
    const char* end = std::strstr(label, "##");
    convplay::app::g_layout.cut = end ? std::string(label, end) : std::string(label);
  }
}

void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}
const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }
