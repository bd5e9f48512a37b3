// Full-screen quad for one tensor view; the #version line is prepended at load
// ("300 es" for WebGL2, "130" for desktop OpenGL) so one body serves both.
in vec2 a_pos;        // corner in [0,1]^2
out vec2 v_uv;        // same, handed to the fragment shader
void main() {
  v_uv = a_pos; // texture row 0 = tensor row 0; ImGui::Image shows texture row 0 at the top
  gl_Position = vec4(a_pos * 2.0 - 1.0, 0.0, 1.0);
}
