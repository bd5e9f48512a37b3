// TensorView: a 2-D grid of values drawn by shaders/tensor.frag into a texture and shown as an ImGui
// image, with the numbers written in the cells when they are large enough to read.
#pragma once
#include "gl.h"

#include <imgui.h>
#include <span>
#include <string>
#include <vector>

namespace convplay::app {

bool tensor_views_init(const char* glsl_version); // with a current GL context; false if shaders fail
void tensor_views_release(); // the shared shader and quad go (a lost context); tensor_views_init again after
long long tensor_view_uploads(); // textures drawn from a TensorView's values since the start (state().texture_uploads)

enum class ColorMap { Sequential, Diverging };

// The scale at which a cell's number of width `text_w` is written in a cell `cell` wide: 1 when it fits, a
// smaller font down to 70 % when it does not ("−0.06" in a 3 × 3 kernel's narrow cells), 0: not written.
float cell_number_scale(float text_w, float cell);

// Texels per cell of a view's texture, for cells shown `shown_cell_px` framebuffer pixels wide: up to 32
// (at most 1024 texels a side; the shader draws grid lines between cells of more than 6), but at most 6
// for cells shown at 3 pixels or less, where a grid line would be a fraction of a pixel, shown or missed
// by chance (the texture then costs about what its picture does, not up to 1024 × 1024 texels: a 28 × 28
// feature map shown 40 pixels wide).
int texture_cell_px(int rows, int cols, float shown_cell_px);

struct CellHover { int row = -1, col = -1; bool valid() const { return row >= 0; } };

class TensorView {
public:
  TensorView() = default;
  TensorView(const TensorView&) = delete;
  TensorView& operator=(const TensorView&) = delete;
  ~TensorView();

  // values: rows*cols, row-major; mask (optional, same size): 0 draws the cell hatched (e.g. padding).
  void set(std::span<const float> values, int rows, int cols, ColorMap map,
           const std::vector<unsigned char>* mask = nullptr);
  // Draws at most max_size logical pixels, cells at most max_cell; returns the cell under the mouse.
  CellHover draw(ImVec2 max_size, float max_cell = 40.0f, bool numbers = true);
  // Outline of cells [row0,row1)×[col0,col1) in the last drawn image.
  void outline(int row0, int col0, int row1, int col1, ImU32 color, float thickness = 2.0f) const;
  int rows() const { return rows_; }
  int cols() const { return cols_; }

private:
  void render_texture(int cell_px);
  std::vector<float> values_;
  std::vector<unsigned char> mask_;
  int rows_ = 0, cols_ = 0;
  ColorMap map_ = ColorMap::Sequential;
  float lo_ = 0, hi_ = 0;
  bool dirty_ = true;
  GLuint data_tex_ = 0, color_tex_ = 0, fbo_ = 0;
  unsigned generation_ = 0; // gl_generation() the three objects above belong to
  int tex_w_ = 0, tex_h_ = 0;
  int cell_px_ = 0; // texels per cell of the texture (texture_cell_px)
  ImVec2 last_min_{}, last_cell_{};
};

} // namespace convplay::app
