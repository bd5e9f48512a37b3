#include "ui_renderer.h"

#include "gl.h"
#include "gl_util.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

namespace convplay::app::embedded {
extern const char* const ui_vert;
extern const char* const ui_frag;
}

namespace convplay::app {
namespace {
struct Renderer {
  GLuint program = 0, vao = 0, vbo = 0, ibo = 0, font = 0;
  GLint u_scale = -1, u_origin = -1, u_texture = -1, u_white_uv = -1;
  // A frame's picture, as ui_renderer_prepare builds it: the vertices of all lists one after the other,
  // the indices offset into them, and the rest that decides the pixels (framebuffer, clear colour, every
  // command's texture, clip rectangle and range, the texture writes and the GL context so far).
  struct Frame {
    std::vector<ImDrawVert> vertices;
    std::vector<std::uint32_t> indices;
    std::vector<std::uint32_t> rest;
    bool operator==(const Frame& o) const {
      return rest == o.rest && indices == o.indices && vertices.size() == o.vertices.size() &&
             std::memcmp(vertices.data(), o.vertices.data(), vertices.size() * sizeof(ImDrawVert)) == 0;
    }
  };
  Frame next, drawn; // the frame prepared; the last one drawn
  bool has_drawn = false;
  UiDrawStats stats;
} g;

// One glDrawElements: a run of commands with the same texture and scissor box.
struct Run {
  GLuint texture = 0;
  int box[4] = {0, 0, 0, 0}; // scissor x, y (from the bottom), width, height in framebuffer pixels
  std::size_t first = 0, count = 0; // in the frame's indices
};

void set_render_state(const ImDrawData* data, int fb_w, int fb_h) {
  glViewport(0, 0, fb_w, fb_h);
  glEnable(GL_BLEND);
  glBlendEquation(GL_FUNC_ADD);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glDisable(GL_CULL_FACE);
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_STENCIL_TEST);
  glEnable(GL_SCISSOR_TEST);
  glUseProgram(g.program);
  glUniform2f(g.u_scale, 2.0f / data->DisplaySize.x, -2.0f / data->DisplaySize.y);
  glUniform2f(g.u_origin, data->DisplayPos.x, data->DisplayPos.y);
  glUniform1i(g.u_texture, 0);
  glUniform2f(g.u_white_uv, -1.0f, -1.0f); // no texture bound yet: nothing counts as a solid fill
  glActiveTexture(GL_TEXTURE0);
  glBindVertexArray(g.vao);
}

// Binds a command's texture; while it is the font atlas, the shader reads no texel for solid fills.
void bind_texture(GLuint texture) {
  glBindTexture(GL_TEXTURE_2D, texture);
  const ImVec2 white = texture == g.font && g.font ? ImGui::GetIO().Fonts->TexUvWhitePixel : ImVec2(-1.0f, -1.0f);
  glUniform2f(g.u_white_uv, white.x, white.y);
}
} // namespace

bool ui_renderer_init(const char* glsl_version) {
  g.program = build_program(glsl_version, embedded::ui_vert, embedded::ui_frag); // binds a_pos to 0
  if (!g.program) return false;
  g.u_scale = glGetUniformLocation(g.program, "u_scale");
  g.u_origin = glGetUniformLocation(g.program, "u_origin");
  g.u_texture = glGetUniformLocation(g.program, "u_texture");
  g.u_white_uv = glGetUniformLocation(g.program, "u_white_uv");
  const GLint a_uv = glGetAttribLocation(g.program, "a_uv"), a_color = glGetAttribLocation(g.program, "a_color");
  if (a_uv < 0 || a_color < 0) {
    std::fprintf(stderr, "convplay: the UI shader lacks a_uv or a_color\n");
    return false;
  }
  glGenVertexArrays(1, &g.vao);
  glGenBuffers(1, &g.vbo);
  glGenBuffers(1, &g.ibo);
  glBindVertexArray(g.vao);
  glBindBuffer(GL_ARRAY_BUFFER, g.vbo);
  glBindBuffer(GL_ELEMENT_ARRAY_BUFFER, g.ibo); // part of the vertex array's state
  constexpr GLsizei stride = sizeof(ImDrawVert);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, pos)));
  glEnableVertexAttribArray(static_cast<GLuint>(a_uv));
  glVertexAttribPointer(static_cast<GLuint>(a_uv), 2, GL_FLOAT, GL_FALSE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, uv)));
  glEnableVertexAttribArray(static_cast<GLuint>(a_color));
  glVertexAttribPointer(static_cast<GLuint>(a_color), 4, GL_UNSIGNED_BYTE, GL_TRUE, stride, reinterpret_cast<void*>(offsetof(ImDrawVert, col)));
  glBindVertexArray(0);
  ImGuiIO& io = ImGui::GetIO();
  io.BackendRendererName = "convplay_ui_renderer";
  io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset; // indices are offset on the CPU: lists may pass 65,535 vertices
  if (io.Fonts->IsBuilt()) ui_renderer_rebuild_font_texture(); // a restored context; else App::rebuild_fonts does it
  return true;
}

void ui_renderer_release() {
  if (g.font) glDeleteTextures(1, &g.font);
  if (g.ibo) glDeleteBuffers(1, &g.ibo);
  if (g.vbo) glDeleteBuffers(1, &g.vbo);
  if (g.vao) glDeleteVertexArrays(1, &g.vao);
  if (g.program) glDeleteProgram(g.program);
  if (ImGui::GetCurrentContext()) ImGui::GetIO().Fonts->SetTexID(nullptr);
  g = Renderer{};
}

void ui_renderer_rebuild_font_texture() {
  ImGuiIO& io = ImGui::GetIO();
  unsigned char* pixels = nullptr;
  int w = 0, h = 0;
  io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
  if (!g.font) glGenTextures(1, &g.font);
  glBindTexture(GL_TEXTURE_2D, g.font);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, pixels);
  gl_texture_written();
  io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(g.font)));
}

namespace {
int framebuffer_width(const ImDrawData* data) { return static_cast<int>(data->DisplaySize.x * data->FramebufferScale.x); }
int framebuffer_height(const ImDrawData* data) { return static_cast<int>(data->DisplaySize.y * data->FramebufferScale.y); }
std::uint32_t bits(float x) { // std::bit_cast, which Emscripten 3.1.6's libc++ lacks
  std::uint32_t u;
  std::memcpy(&u, &x, sizeof u);
  return u;
}
} // namespace

bool ui_renderer_prepare(const ImDrawData* data, const ImVec4& clear) {
  // All lists' vertices and indices into one buffer each; a list's indices are offset by the vertices
  // before it (and by a command's VtxOffset, below).
  Renderer::Frame& f = g.next;
  f.vertices.resize(static_cast<std::size_t>(data->TotalVtxCount));
  f.indices.resize(static_cast<std::size_t>(data->TotalIdxCount));
  const unsigned long long writes = gl_texture_writes();
  f.rest.assign({static_cast<std::uint32_t>(framebuffer_width(data)), static_cast<std::uint32_t>(framebuffer_height(data)),
                 bits(data->DisplayPos.x), bits(data->DisplayPos.y), bits(data->DisplaySize.x), bits(data->DisplaySize.y),
                 bits(clear.x), bits(clear.y), bits(clear.z), gl_generation(),
                 static_cast<std::uint32_t>(writes), static_cast<std::uint32_t>(writes >> 32)});
  std::size_t vtx_base = 0, idx_base = 0;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    std::copy(list->VtxBuffer.begin(), list->VtxBuffer.end(), f.vertices.begin() + static_cast<std::ptrdiff_t>(vtx_base));
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      const std::uint32_t offset = static_cast<std::uint32_t>(vtx_base + cmd.VtxOffset);
      for (unsigned i = 0; i < cmd.ElemCount; ++i)
        f.indices[idx_base + cmd.IdxOffset + i] = offset + list->IdxBuffer.Data[cmd.IdxOffset + i];
      f.rest.insert(f.rest.end(), {bits(cmd.ClipRect.x), bits(cmd.ClipRect.y), bits(cmd.ClipRect.z), bits(cmd.ClipRect.w),
                                   static_cast<std::uint32_t>(reinterpret_cast<intptr_t>(cmd.GetTexID())),
                                   static_cast<std::uint32_t>(idx_base + cmd.IdxOffset), cmd.ElemCount,
                                   cmd.UserCallback ? 1u : 0u});
    }
    vtx_base += static_cast<std::size_t>(list->VtxBuffer.Size);
    idx_base += static_cast<std::size_t>(list->IdxBuffer.Size);
  }
  return !g.has_drawn || !(g.next == g.drawn);
}

void ui_renderer_draw(const ImDrawData* data, const ImVec4& clear) {
  g.stats = UiDrawStats{};
  const int fb_w = framebuffer_width(data), fb_h = framebuffer_height(data);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  glViewport(0, 0, fb_w, fb_h);
  glClearColor(clear.x, clear.y, clear.z, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  std::swap(g.next, g.drawn);
  g.has_drawn = true;
  if (!g.program || fb_w <= 0 || fb_h <= 0 || data->TotalVtxCount == 0) return;
  const Renderer::Frame& f = g.drawn;
  glBindVertexArray(g.vao);
  glBindBuffer(GL_ARRAY_BUFFER, g.vbo);
  glBufferData(GL_ARRAY_BUFFER, static_cast<GLsizeiptr>(f.vertices.size() * sizeof(ImDrawVert)), f.vertices.data(), GL_STREAM_DRAW);
  glBufferData(GL_ELEMENT_ARRAY_BUFFER, static_cast<GLsizeiptr>(f.indices.size() * sizeof(std::uint32_t)), f.indices.data(), GL_STREAM_DRAW);
  g.stats.vertices = data->TotalVtxCount;
  g.stats.indices = data->TotalIdxCount;

  set_render_state(data, fb_w, fb_h);
  Run run;
  GLuint bound = 0;
  int box[4] = {-1, -1, -1, -1}; // the scissor box GL has
  auto flush = [&] {
    if (run.count == 0) return;
    if (run.texture != bound) bind_texture(bound = run.texture);
    if (run.box[0] != box[0] || run.box[1] != box[1] || run.box[2] != box[2] || run.box[3] != box[3]) {
      glScissor(run.box[0], run.box[1], run.box[2], run.box[3]);
      for (int i = 0; i < 4; ++i) box[i] = run.box[i];
    }
    glDrawElements(GL_TRIANGLES, static_cast<GLsizei>(run.count), GL_UNSIGNED_INT,
                   reinterpret_cast<void*>(run.first * sizeof(std::uint32_t)));
    ++g.stats.draw_calls;
    run.count = 0;
  };
  const ImVec2 origin = data->DisplayPos, scale = data->FramebufferScale;
  std::size_t idx_base = 0;
  for (int n = 0; n < data->CmdListsCount; ++n) {
    const ImDrawList* list = data->CmdLists[n];
    for (const ImDrawCmd& cmd : list->CmdBuffer) {
      ++g.stats.commands;
      if (cmd.UserCallback) {
        flush();
        if (cmd.UserCallback == ImDrawCallback_ResetRenderState) {
          set_render_state(data, fb_w, fb_h);
          bound = 0;
          box[0] = -1;
        } else {
          cmd.UserCallback(list, &cmd);
        }
        continue;
      }
      // The clip rectangle in framebuffer pixels, inside the framebuffer; nothing to draw if empty.
      const float x0 = std::max(0.0f, (cmd.ClipRect.x - origin.x) * scale.x);
      const float y0 = std::max(0.0f, (cmd.ClipRect.y - origin.y) * scale.y);
      const float x1 = std::min(static_cast<float>(fb_w), (cmd.ClipRect.z - origin.x) * scale.x);
      const float y1 = std::min(static_cast<float>(fb_h), (cmd.ClipRect.w - origin.y) * scale.y);
      if (x1 <= x0 || y1 <= y0 || cmd.ElemCount == 0) continue;
      const int want[4] = {static_cast<int>(x0), static_cast<int>(static_cast<float>(fb_h) - y1),
                           static_cast<int>(x1 - x0), static_cast<int>(y1 - y0)};
      const GLuint texture = static_cast<GLuint>(reinterpret_cast<intptr_t>(cmd.GetTexID()));
      const std::size_t first = idx_base + cmd.IdxOffset;
      const bool joins = run.count > 0 && texture == run.texture && first == run.first + run.count &&
                         want[0] == run.box[0] && want[1] == run.box[1] && want[2] == run.box[2] && want[3] == run.box[3];
      if (!joins) {
        flush();
        run.texture = texture;
        for (int i = 0; i < 4; ++i) run.box[i] = want[i];
        run.first = first;
      }
      run.count += cmd.ElemCount;
    }
    idx_base += static_cast<std::size_t>(list->IdxBuffer.Size);
  }
  flush();
  glDisable(GL_SCISSOR_TEST);
  glBindVertexArray(0);
}

const UiDrawStats& ui_renderer_stats() { return g.stats; }

} // namespace convplay::app
