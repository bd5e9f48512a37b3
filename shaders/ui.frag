// ImGui's triangles: the vertex colour times the texture. A solid fill would multiply by the white texel,
// i.e. by 1: it skips the texture read, for the same colour (in a software rasteriser such as SwiftShader
// the read is most of a pixel's cost, and the fills are about half of a scene's pixels).
uniform sampler2D u_texture;
in vec2 v_uv;
in vec4 v_color;
flat in float v_solid;
out vec4 frag_color;
void main() {
  frag_color = v_solid > 0.5 ? v_color : v_color * texture(u_texture, v_uv);
}
