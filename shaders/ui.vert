// ImGui's triangles (app/ui_renderer.cpp); the #version line is prepended at load.
uniform vec2 u_scale;    // 2 / display size in logical pixels (y negated): logical pixels to clip space
uniform vec2 u_origin;   // the display's top-left corner in logical pixels
uniform vec2 u_white_uv; // the font atlas's white texel while the atlas is bound, else (-1, -1)
in vec2 a_pos;           // logical pixels
in vec2 a_uv;            // in the font atlas, or [0,1]^2 of an image
in vec4 a_color;         // straight (not premultiplied) RGBA
out vec2 v_uv;
out vec4 v_color;
flat out float v_solid;  // 1: a solid fill (ImGui gives all three vertices the white texel), 0: textured
void main() {
  v_uv = a_uv;
  v_color = a_color;
  v_solid = a_uv == u_white_uv ? 1.0 : 0.0;
  gl_Position = vec4((a_pos - u_origin) * u_scale + vec2(-1.0, 1.0), 0.0, 1.0);
}
