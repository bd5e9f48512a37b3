// The layout report's detectors (app/scene_ui.cpp) in a frame of ImGui without a window or GL: text that
// cannot fit counts in state().layout.clipped, and a text table's words and numbers are never split.
#include <catch2/catch.hpp>

#include "scene_ui.h"

#include <imgui.h>

#include <string>
#include <vector>

using namespace convplay::app;

namespace {
// One ImGui frame in a window `width` px wide at the top left of a 1280×800 display, its layout reported.
class Frame {
public:
  explicit Frame(float width) : ctx_(ImGui::CreateContext()) {
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1280, 800);
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h); // builds the font atlas, as a renderer would
    layout_report_begin_frame();
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(width, 800));
    ImGui::Begin("scene", nullptr, ImGuiWindowFlags_NoDecoration);
  }
  // Ends the frame and returns its layout report.
  const LayoutReport& end() {
    ImGui::End();
    layout_report_end_frame();
    ImGui::Render();
    return layout_report();
  }
  ~Frame() { ImGui::DestroyContext(ctx_); }
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;

private:
  ImGuiContext* ctx_;
};

std::string joined(const std::vector<std::string>& items) {
  std::string s;
  for (const std::string& i : items) s += i + "; ";
  return s;
}
} // namespace

TEST_CASE("draw_fitted_text counts a label too long for its room in the layout report, and shortens one that fits with …", "[layout]") {
  const std::string label = "dense 784-256-128-10, a label far longer than its room";
  {
    Frame f(400);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    // 3 px: not even "…" fits, so the text is drawn whole and counted as cut.
    draw_fitted_text(dl, at, IM_COL32_WHITE, label, at.x + 3.0f, "legend");
    const LayoutReport& r = f.end();
    CHECK(r.clipped == 1);
    REQUIRE(r.clipped_items.size() == 1);
    CHECK(r.clipped_items[0] == "legend '" + label + "'");
  }
  {
    Frame f(400);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float drawn = draw_fitted_text(dl, at, IM_COL32_WHITE, label, at.x + 80.0f, "legend"); // shortened with "…"
    CHECK(drawn <= 80.5f);
    CHECK(drawn > 40.0f);
    const float whole = draw_fitted_text(dl, at, IM_COL32_WHITE, "short", at.x + 80.0f, "legend");
    CHECK(whole == ImGui::CalcTextSize("short").x);
    const LayoutReport& r = f.end();
    CHECK(r.clipped == 0);
  }
  {
    // The window's own edge bounds the room too: a label past a 60-px window is shortened there.
    Frame f(60);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    CHECK(draw_fitted_text(dl, at, IM_COL32_WHITE, label, at.x + 1000.0f, "legend") <= 60.0f);
    CHECK(f.end().clipped == 0);
  }
}

TEST_CASE("text_wrapped counts a word wider than its line (split by ImGui) in the layout report", "[layout]") {
  Frame f(80);
  text_wrapped("%s", "a convolution_with_a_very_long_name here");
  const LayoutReport& r = f.end();
  CHECK(r.clipped == 1);
  REQUIRE(r.clipped_items.size() == 1);
  CHECK(r.clipped_items[0] == "word 'convolution_with_a_very_long_name' split across lines");
}

TEST_CASE("text_table: headers and cells wrap at spaces in columns no narrower than their widest word", "[layout]") {
  // The params scene's table, whose header once broke "convolutio/n" at the Share menu's 800×520.
  const std::vector<std::string> headers = {"", "convolution", "dense layer, same input and output", "dense ÷ conv"};
  auto row = [](const char* what, const char* a, const char* b, const char* ratio) {
    return std::vector<TextCell>{{what}, {a}, {b}, {ratio}};
  };
  const std::vector<std::vector<TextCell>> rows = {
      row("weights", "4,800", "154,140,672", "32,113×"),
      row("weight memory (float32; 1 MiB = 2^20 bytes)", "18.75 KiB", "588 MiB", "32,113×"),
      row("multiply-adds per image", "3,763,200", "154,140,672", "41×"),
      row("parameters", "unknown (overflow)", "more than 9.2·10^18", "unknown (overflow)")};
  for (float width : {1000.0f, 560.0f, 420.0f, 380.0f}) {
    INFO("window " << width << " px");
    Frame f(width);
    text_table("counts", headers, rows);
    const LayoutReport& r = f.end();
    CHECK(r.clipped == 0);
    INFO(joined(r.clipped_items));
    CHECK(r.clipped_items.empty());
  }
}

TEST_CASE("text_wrapped beside an item starts a new line where a word would not fit beside it", "[layout]") {
  Frame f(300);
  ImGui::Button("a wide button, 200 px or so", ImVec2(220, 0));
  ImGui::SameLine();
  const float beside = ImGui::GetCursorScreenPos().x;
  text_wrapped("%s", "loading Fashion-MNIST: 1,000 training images so far");
  const float drawn_at = ImGui::GetItemRectMin().x;
  const LayoutReport& r = f.end();
  INFO(joined(r.clipped_items));
  CHECK(r.clipped == 0);     // not split in the 60-odd px beside the button
  CHECK(drawn_at < beside); // drawn from the line's start, under the button
}
