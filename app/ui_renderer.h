// UiRenderer: draws ImGui's draw data with OpenGL 3 / WebGL2, in both builds (instead of ImGui's
// imgui_impl_opengl3 backend). Per frame: the vertices and indices of all command lists in one upload
// each, the GL state set once, and one draw call per run of commands that share a texture and a clip
// rectangle (across command lists too); solid fills read no texel; a frame that would draw the same pixels
// as the last one is told apart before any GL call (ui_renderer_prepare). Nothing is read back from GL (no glGet
// per frame: in a browser each can be a round trip to the GPU process). Owns the font atlas texture.
// Lacks: user callbacks other than ImDrawCallback_ResetRenderState (the app uses none).
#pragma once
#include <imgui.h>

namespace convplay::app {

struct UiDrawStats {
  int commands = 0;   // ImGui draw commands in the last frame (what one draw call each would cost)
  int draw_calls = 0; // glDrawElements calls the last frame made
  int vertices = 0;   // vertices uploaded in the last frame
  int indices = 0;    // indices uploaded in the last frame
};

bool ui_renderer_init(const char* glsl_version); // with a current GL context; false (stderr message) if shaders fail; the font texture too if the atlas is built
void ui_renderer_release();                      // its GL objects go (shutdown, a lost context)
void ui_renderer_rebuild_font_texture();         // after the font atlas changed (io.Fonts built again)
// Takes the frame's draw data (before ui_renderer_draw); false if the frame's pixels would be the last
// drawn frame's: the same draw data, framebuffer and clear colour, and no texture written since.
bool ui_renderer_prepare(const ImDrawData* data, const ImVec4& clear);
// Clears the default framebuffer to `clear` and draws the prepared frame; sets the viewport.
void ui_renderer_draw(const ImDrawData* data, const ImVec4& clear);
const UiDrawStats& ui_renderer_stats();          // of the last ui_renderer_draw (state().draw_calls)

} // namespace convplay::app
