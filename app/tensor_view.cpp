#include "tensor_view.h"

#include "gl_util.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

namespace convplay::app::embedded {
extern const char* const tensor_vert;
extern const char* const tensor_frag;
}

namespace convplay::app {
namespace {
struct Renderer {
  GLuint program = 0, vao = 0, vbo = 0;
  GLint u_values = -1, u_grid = -1, u_range = -1, u_diverging = -1, u_cell_px = -1;
} g;

// Colour of a value as the shader maps it (for choosing a readable text colour on the CPU side).
float map_position(float v, float lo, float hi, ColorMap map) {
  if (map == ColorMap::Diverging) {
    float m = std::max(std::fabs(lo), std::fabs(hi));
    return m > 0 ? std::fabs(v) / m : 0.0f;          // 0 = white middle, 1 = saturated end
  }
  return hi > lo ? 1.0f - (v - lo) / (hi - lo) : 0.5f; // sequential: dark at the low end
}

void format_value(char* buf, size_t n, float v) {
  if (v == std::floor(v) && std::fabs(v) < 1e5f) std::snprintf(buf, n, "%.0f", v);
  else if (std::fabs(v) >= 100.0f || std::fabs(v) < 0.01f) std::snprintf(buf, n, "%.2g", v);
  else std::snprintf(buf, n, "%.2f", v);
}
} // namespace

float cell_number_scale(float text_w, float cell) {
  const float room = cell - 2.0f;
  if (text_w <= room) return 1.0f;
  const float scale = room / text_w;
  return scale >= 0.7f ? scale : 0.0f;
}

bool tensor_views_init(const char* glsl_version) {
  g.program = build_program(glsl_version, embedded::tensor_vert, embedded::tensor_frag);
  if (!g.program) return false;
  g.u_values = glGetUniformLocation(g.program, "u_values");
  g.u_grid = glGetUniformLocation(g.program, "u_grid");
  g.u_range = glGetUniformLocation(g.program, "u_range");
  g.u_diverging = glGetUniformLocation(g.program, "u_diverging");
  g.u_cell_px = glGetUniformLocation(g.program, "u_cell_px");
  const float quad[] = {0, 0, 1, 0, 0, 1, 1, 1};
  glGenVertexArrays(1, &g.vao);
  glGenBuffers(1, &g.vbo);
  glBindVertexArray(g.vao);
  glBindBuffer(GL_ARRAY_BUFFER, g.vbo);
  glBufferData(GL_ARRAY_BUFFER, sizeof quad, quad, GL_STATIC_DRAW);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 0, nullptr);
  glBindVertexArray(0);
  return true;
}

void tensor_views_release() {
  if (g.program) glDeleteProgram(g.program);
  if (g.vbo) glDeleteBuffers(1, &g.vbo);
  if (g.vao) glDeleteVertexArrays(1, &g.vao);
  g = Renderer{};
}

TensorView::~TensorView() {
  if (generation_ != gl_generation()) return; // made on a context that is gone
  if (fbo_) glDeleteFramebuffers(1, &fbo_);
  if (data_tex_) glDeleteTextures(1, &data_tex_);
  if (color_tex_) glDeleteTextures(1, &color_tex_);
}

void TensorView::set(std::span<const float> values, int rows, int cols, ColorMap map,
                     const std::vector<unsigned char>* mask) {
  if (rows <= 0 || cols <= 0 || values.size() != static_cast<size_t>(rows) * static_cast<size_t>(cols)) {
    rows_ = cols_ = 0;
    return;
  }
  if (rows == rows_ && cols == cols_ && map == map_ && std::equal(values.begin(), values.end(), values_.begin(), values_.end()) && (mask ? *mask == mask_ : mask_.empty()))
    return; // unchanged: keep the texture
  values_.assign(values.begin(), values.end());
  mask_ = mask ? *mask : std::vector<unsigned char>{};
  rows_ = rows;
  cols_ = cols;
  map_ = map;
  lo_ = INFINITY;
  hi_ = -INFINITY;
  for (size_t i = 0; i < values_.size(); ++i) {
    if (!mask_.empty() && !mask_[i]) continue;
    lo_ = std::min(lo_, values_[i]);
    hi_ = std::max(hi_, values_[i]);
  }
  if (lo_ > hi_) lo_ = hi_ = 0;
  dirty_ = true;
}

namespace {
long long g_uploads = 0;
}
long long tensor_view_uploads() { return g_uploads; }

namespace {
int full_cell_px(int rows, int cols) { return std::clamp(1024 / std::max(rows, cols), 1, 32); }
} // namespace

int texture_cell_px(int rows, int cols, float shown_cell_px) {
  const int full = full_cell_px(rows, cols);
  return shown_cell_px <= 3.0f ? std::min(full, 6) : full; // at 6 or fewer the shader draws no grid lines
}

void TensorView::render_texture(int cell_px) {
  ++g_uploads;
  const int w = cols_ * cell_px, h = rows_ * cell_px;
  if (generation_ != gl_generation()) { // the context was lost: the old ids name nothing
    data_tex_ = color_tex_ = fbo_ = 0;
    tex_w_ = tex_h_ = 0;
    generation_ = gl_generation();
  }
  if (!data_tex_) {
    glGenTextures(1, &data_tex_);
    glGenTextures(1, &color_tex_);
    glGenFramebuffers(1, &fbo_);
  }
  std::vector<float> texels(values_.size() * 2);
  for (size_t i = 0; i < values_.size(); ++i) {
    texels[2 * i] = values_[i];
    texels[2 * i + 1] = mask_.empty() || mask_[i] ? 1.0f : 0.0f;
  }
  glBindTexture(GL_TEXTURE_2D, data_tex_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RG32F, cols_, rows_, 0, GL_RG, GL_FLOAT, texels.data());

  glBindTexture(GL_TEXTURE_2D, color_tex_);
  if (w != tex_w_ || h != tex_h_) {
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, nullptr);
    // Small cells in a smaller texture: a few texels each, shown point-sampled so that a screen pixel takes one cell's colour
    // and none is blended with its neighbour's.
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, cell_px < full_cell_px(rows_, cols_) ? GL_NEAREST : GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
    tex_w_ = w;
    tex_h_ = h;
  }
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glFramebufferTexture2D(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_TEXTURE_2D, color_tex_, 0);
  glViewport(0, 0, w, h);
  glDisable(GL_SCISSOR_TEST);
  glDisable(GL_BLEND);
  glDisable(GL_DEPTH_TEST);
  glUseProgram(g.program);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, data_tex_);
  glUniform1i(g.u_values, 0);
  glUniform2f(g.u_grid, static_cast<float>(cols_), static_cast<float>(rows_));
  glUniform2f(g.u_range, lo_, hi_);
  glUniform1i(g.u_diverging, map_ == ColorMap::Diverging ? 1 : 0);
  glUniform1f(g.u_cell_px, static_cast<float>(cell_px));
  glBindVertexArray(g.vao);
  glDrawArrays(GL_TRIANGLE_STRIP, 0, 4);
  glBindVertexArray(0);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  gl_texture_written();
  dirty_ = false;
  cell_px_ = cell_px;
}

CellHover TensorView::draw(ImVec2 max_size, float max_cell, bool numbers) {
  CellHover hover;
  if (rows_ <= 0 || cols_ <= 0 || !g.program) return hover;
  const float cell = std::max(0.5f, std::min({max_cell, max_size.x / static_cast<float>(cols_),
                                              max_size.y / static_cast<float>(rows_)}));
  const int cell_px = texture_cell_px(rows_, cols_, cell * ImGui::GetIO().DisplayFramebufferScale.x);
  if (dirty_ || cell_px != cell_px_ || generation_ != gl_generation()) render_texture(cell_px);
  const ImVec2 size(cell * static_cast<float>(cols_), cell * static_cast<float>(rows_));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(color_tex_)), size);
  last_min_ = p0;
  last_cell_ = ImVec2(cell, cell);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  if (numbers && cell >= 18.0f && static_cast<long>(rows_) * cols_ <= 4096) {
    char buf[24];
    for (int r = 0; r < rows_; ++r)
      for (int c = 0; c < cols_; ++c) {
        const size_t i = static_cast<size_t>(r) * static_cast<size_t>(cols_) + static_cast<size_t>(c);
        if (!mask_.empty() && !mask_[i]) continue;
        format_value(buf, sizeof buf, values_[i]);
        const float scale = cell_number_scale(ImGui::CalcTextSize(buf).x, cell);
        if (scale <= 0.0f) continue;
        const ImVec2 ts(ImGui::CalcTextSize(buf).x * scale, ImGui::GetFontSize() * scale);
        const float t = map_position(values_[i], lo_, hi_, map_);
        const bool dark_cell = map_ == ColorMap::Diverging ? t > 0.6f : t > 0.45f;
        const ImVec2 at(p0.x + (static_cast<float>(c) + 0.5f) * cell - ts.x * 0.5f,
                        p0.y + (static_cast<float>(r) + 0.5f) * cell - ts.y * 0.5f);
        dl->AddText(ImGui::GetFont(), ImGui::GetFontSize() * scale, at,
                    dark_cell ? IM_COL32(255, 255, 255, 255) : IM_COL32(20, 20, 20, 255), buf);
      }
  }
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    hover.col = std::clamp(static_cast<int>((m.x - p0.x) / cell), 0, cols_ - 1);
    hover.row = std::clamp(static_cast<int>((m.y - p0.y) / cell), 0, rows_ - 1);
  }
  return hover;
}

void TensorView::outline(int row0, int col0, int row1, int col1, ImU32 color, float thickness) const {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 a(last_min_.x + static_cast<float>(col0) * last_cell_.x, last_min_.y + static_cast<float>(row0) * last_cell_.y);
  const ImVec2 b(last_min_.x + static_cast<float>(col1) * last_cell_.x, last_min_.y + static_cast<float>(row1) * last_cell_.y);
  dl->AddRect(a, b, color, 0.0f, 0, thickness);
}

} // namespace convplay::app
