// Widgets and helpers every scene shares: the intro text, error and hint lines, the author's hide and
// lock (Control), the layout (picture first, controls beside or below it) and the "3·0 + 3·1 + … = 12" line.
#pragma once
#include "stepper.h"
#include "url_state.h"

#include <convplay/counts.h>
#include <convplay/json.h>
#include <convplay/thread_pool.h>

#include <imgui.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace convplay::app {

// The application's thread pool (null in tests: run serially), for scenes that compute big layers.
ThreadPool* app_thread_pool();
void set_app_thread_pool(ThreadPool* pool);

// The course author's options (from the URL hash), set by the App; scenes ask through Control.
const AuthorOptions& author_options();
void set_author_options(const AuthorOptions& options);

// A control or panel the author may hide (hide=key) or lock (lock=key):
//   if (Control c{"stride"}; c.shown) ImGui::SliderInt("stride S", ...);
// A locked control is drawn disabled. The items drawn while it lives carry its key in the layout
// report's keyboard targets (state().layout.targets[].key), so a test finds a parameter's widget by key.
class Control {
public:
  explicit Control(const char* key);
  ~Control();
  Control(const Control&) = delete;
  Control& operator=(const Control&) = delete;
  const bool shown;

private:
  bool disabled_ = false;
  bool keyed_ = false; // its key is on the layout report's stack (shown)
};

// The two themes' colours the app sets beyond ImGui's own: the window background and the muted text of
// intros, hints and notes (ImGuiCol_TextDisabled), chosen for at least 4.5:1 contrast (WCAG 2 body text).
struct ThemeColours {
  ImVec4 window_bg;
  ImVec4 muted_text;
};
const ThemeColours& theme_colours(bool dark);
// WCAG 2 contrast ratio of two opaque sRGB colours, 1 (same) to 21 (black on white).
double contrast_ratio(const ImVec4& a, const ImVec4& b);

// Title and a short text in our own words: what the scene shows and what to try (author key "intro").
void scene_intro(const char* title, const char* text);
void error_line(const std::string& message); // red, wrapped; nothing when message is empty
void hint_line(const char* text);            // grey, wrapped
// Above a scene's picture from image_source: "Loading the picture (note)" while it loads (status
// "loading"), the error in red (status "error"). True when the picture is ready to draw.
bool picture_status_line(std::string_view status, const std::string& note, const std::string& error);
// ImGui::TextWrapped, but lines break at spaces only: ImGui also breaks after '.' and ',', which splits
// numbers ("−0." / "164", "154," / "140,672"). A word wider than the line is split by ImGui's wrapping
// and counts as clipped in the layout report.
void text_wrapped(const char* fmt, ...) IM_FMTARGS(1);
// The lines of `text` at most `width` wide (as `measure` says), broken at spaces and at '\n' only.
std::vector<std::string_view> wrap_at_spaces(std::string_view text, float width,
                                             const std::function<float(std::string_view)>& measure);

// Combos as wide as their longest choice, so that the closed combo shows the whole choice.
float combo_width(const std::vector<std::string>& choices); // px, the arrow included, the label not
// SetNextItemWidth(combo_width(choices)), but at most what is left of the line beside `label` (in a
// narrow window the preview may then be cut: begin_combo counts it in the layout report).
void fit_next_combo(const std::vector<std::string>& choices, const char* label);
// ImGui::BeginCombo; a `preview` wider than the combo's frame counts as clipped in the layout report.
bool begin_combo(const char* label, const char* preview);
// Draws `text` at `pos` into `dl`, ending by `right` (screen px) and by the window's clip rectangle: a longer
// text is shortened with "…" and its full text shown as a tooltip while the mouse is over it. Text that still
// does not fit counts as clipped in the layout report (as `what`). Returns the drawn width (px).
float draw_fitted_text(ImDrawList* dl, ImVec2 pos, ImU32 color, const std::string& text, float right, const char* what);
// A combo showing `shown` (one name per choice), fitted as fit_next_combo; true when the student picked
// a choice (then `index` is it).
bool fitted_combo(const char* label, int& index, const std::vector<std::string>& shown);
// The picture a scene convolves (author key `key`): a combo of the sample pictures (and the student's
// own once there is one), then "Open your own image…" where the page has a file picker, else a hint to
// drop a file. A choice sets `image` and `seen_serial` (the student's upload it has seen).
void picture_combo(const char* key, const char* label, std::string& image, int& seen_serial);

// A table of text that is never cut: where every cell fits on one line the columns are as wide as their
// widest text (header included); else each is at least as wide as its widest word, they share the rest of
// the width and the cells and headers wrap at spaces (a word or number is never split). `rows` have one cell per header; a cell's colour 0 is the theme's text colour.
struct TextCell {
  std::string text;
  ImU32 color = 0;
};
void text_table(const char* id, const std::vector<std::string>& headers, const std::vector<std::vector<TextCell>>& rows,
                ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg);
// How wide text_table draws `headers` and `rows` with every cell on one line (px, padding and borders included).
float text_table_width(const std::vector<std::string>& headers, const std::vector<std::vector<TextCell>>& rows);
// The narrowest text_table of them: every column as wide as its widest word (px, padding and borders included).
float text_table_min_width(const std::vector<std::string>& headers, const std::vector<std::vector<TextCell>>& rows);
// The text width of each column (px, padding excluded) in a text_table `avail` px wide: one line each where
// all fits, else at least the column's widest word. For tables drawn like text_table with widgets in them.
std::vector<float> text_table_column_widths(const std::vector<std::string>& headers, const std::vector<std::vector<TextCell>>& rows,
                                            float avail);

// The scene's layout, the picture first at every size. When the scene area is at least `wide_from` logical
// pixels wide, the controls take a column on the left (`controls_share` of the width) beside the picture;
// narrower, the picture comes first and the controls follow in a collapsible "Controls" panel (open until
// the student folds it). The author's hide=controls hides that panel (and the column).
struct SceneLayout {
  float wide_from = 900.0f;     // narrowest scene area that puts the controls beside the picture (px)
  float controls_share = 0.42f; // the controls column's share of a wide scene area
};
void scene_layout(const std::function<void()>& controls, const std::function<void()>& picture, SceneLayout layout = {});
// How wide scene_layout(…, layout) will make the controls here (px): the column beside the picture in a
// wide scene area, else the whole width. For a panel that goes under the picture when it would not fit.
float scene_controls_width(SceneLayout layout = {});

// SameLine() when an item `width` px wide (its label included) still fits on the current line, else
// nothing (the next item starts a new line): rows of controls wrap in a narrow window.
void same_line_if_fits(float width);
float label_width(const char* label); // an item's label and the gap before it (px), for same_line_if_fits

// What the last frame's layout did, for tests (state()'s "layout"): the picture's rectangle, every
// control that reached past the visible part of its window (a window that cannot scroll sideways), the
// table columns and combos whose content was cut, and what the keyboard can reach. Filled through
// ImGui's item hooks (IMGUI_ENABLE_TEST_ENGINE), scene_layout, begin_combo and layout_report_end_frame.
struct LayoutTarget {     // an item keyboard navigation can reach (not disabled, in the window's navigation)
  unsigned id = 0;        // ImGui's id (as focus_id)
  std::string label;      // as written ("stride S", "##bias"); "" for an item out of view (not drawn: ImGui gives no label)
  std::string key;        // the author key of the Control it is drawn in (a parameter's key), "" if none
  ImVec2 min{0, 0}, max{0, 0}; // its rectangle (screen px, label included), in view or not
  bool tab = false;       // Tab stops on it too (ImGui 1.86: sliders, drags and text fields); else arrows only
  bool visible = false;   // inside the visible part of its window
};
struct LayoutReport {
  ImVec2 picture_min{0, 0}, picture_max{0, 0}; // screen px; both zero when no scene_layout ran
  bool stacked = false;   // the picture above the controls (a narrow scene area)
  int controls = 0;       // controls seen (items with an id)
  float right_most = 0;   // the largest right edge of a control in a window that cannot scroll sideways (px)
  float overflow = 0;     // how far the worst control reaches past its window's visible area (px; 0 = none)
  std::string cut;        // that control's label (or "text" for a line of text wider than the scene)
  std::string cut_window; // ImGui's name of its window ("…/scene_…")
  // The control that has the keyboard focus (ImGui's navigation id), so that keyboard tests need no pixel
  // positions: 0 and "" when none was drawn this frame.
  unsigned focus_id = 0;
  std::string focus_label;                 // its label as written ("stride S", "##bias"), "" if it has none
  ImVec2 focus_min{0, 0}, focus_max{0, 0}; // its rectangle, label included (screen px)
  std::vector<LayoutTarget> targets;       // every keyboard-navigable item of the frame, in drawing order
  // Content cut by its own container rather than by the window: a combo whose choice does not fit its
  // frame, a table column whose content is wider than the column (the table's or a cell's clip).
  ImVec2 scene_min{0, 0}, scene_max{0, 0}; // the scene's window, right of (or below) the scene list (screen px)
  // A word wider than its line (split there by ImGui's wrapping) counts too.
  int clipped = 0;
  std::vector<std::string> clipped_items; // what: "combo 'padding'", "table column 2 'LeNet-5' (12 px) in scene_1A2B",
                                          // "word 'convolution' split across lines"
  std::vector<std::string> scroll_x;      // ImGui's names of the windows drawn with a horizontal scrollbar
};
void layout_report_begin_frame(); // at the start of a frame (the App)
void layout_report_text_overflow(); // inside the scene's window, after it is drawn: lines of text past its edge, its rectangle
void layout_report_end_frame();     // after the frame's windows, before ImGui::Render: the tables' columns
const LayoutReport& layout_report();
// {"stacked":…,"picture":[x0,y0,x1,y1],"scene":[x0,y0,x1,y1],"controls":…,"right_most":…,"overflow":…,"cut":…,"cut_window":…,
//  "focus":{"id":…,"label":…,"rect":[x0,y0,x1,y1]},"clipped":…,"clipped_items":[…],"scroll_x":[…],
//  "targets":[{"id":…,"label":…,"key":…,"rect":[x0,y0,x1,y1],"tab":…,"visible":…},…]}
std::string layout_report_json();

// "3·0 + 3·1 + 2·2 + … = 12": at most `max_terms` products written out (the rest as "…").
std::string multiply_adds(const float* inputs, const float* weights, int n, float result, int max_terms = 9);
// "31,690×": how many times `base` the count `other` is; "unknown (overflow)" when
// either count overflows, so that no exact-looking ratio stands beside "more than 9.2·10^18".
std::string ratio_text(Count base, Count other);
// Compact number: integers without decimals, otherwise up to 3 significant decimals ("0.25", "-1.5").
std::string format_value(float v);

} // namespace convplay::app
