// Draws a 2-D tensor as coloured cells: one texel per cell, a colour map for the value,
// thin grid lines when the cells are large enough to see them.
uniform sampler2D u_values; // RG32F, one texel per cell, NEAREST: r = value, g = 1 inside the tensor, 0 outside
uniform vec2 u_grid;        // columns, rows
uniform vec2 u_range;       // value mapped to the ends of the colour map
uniform int u_diverging;    // 1: blue-white-red around 0; 0: sequential (dark to light)
uniform float u_cell_px;    // size of a cell in output pixels (grid lines only when > 6)
in vec2 v_uv;
out vec4 frag_color;

vec3 sequential(float t) { // perceptually ordered dark-blue -> teal -> yellow (viridis-like)
  vec3 c0 = vec3(0.267, 0.005, 0.329), c1 = vec3(0.128, 0.567, 0.551), c2 = vec3(0.993, 0.906, 0.144);
  return t < 0.5 ? mix(c0, c1, t * 2.0) : mix(c1, c2, t * 2.0 - 1.0);
}
vec3 diverging(float t) { // t in [-1,1]
  vec3 neg = vec3(0.230, 0.299, 0.754), mid = vec3(0.965, 0.965, 0.965), pos = vec3(0.706, 0.016, 0.150);
  return t < 0.0 ? mix(mid, neg, -t) : mix(mid, pos, t);
}

void main() {
  vec2 cellf = v_uv * u_grid;
  ivec2 cell = ivec2(min(floor(cellf), u_grid - 1.0));
  vec2 texel = texelFetch(u_values, cell, 0).rg;
  float v = texel.r;
  vec3 color;
  if (texel.g < 0.5) { // a cell outside the tensor (e.g. padding): drawn hatched grey
    float stripe = step(0.5, fract((gl_FragCoord.x + gl_FragCoord.y) / 8.0));
    color = mix(vec3(0.80), vec3(0.90), stripe);
  } else if (u_diverging == 1) {
    float m = max(abs(u_range.x), abs(u_range.y));
    color = diverging(m > 0.0 ? clamp(v / m, -1.0, 1.0) : 0.0);
  } else {
    float span = u_range.y - u_range.x;
    color = sequential(span > 0.0 ? clamp((v - u_range.x) / span, 0.0, 1.0) : 0.5);
  }
  if (u_cell_px > 6.0) {
    vec2 edge = min(fract(cellf), 1.0 - fract(cellf)) * u_cell_px; // distance to the cell border, in pixels
    if (min(edge.x, edge.y) < 0.75) color *= 0.55;
  }
  frag_color = vec4(color, 1.0);
}
