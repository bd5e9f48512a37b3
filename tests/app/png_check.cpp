// png_check FILE.png: exit 0 if the image has real content (enough pixel variance and colours),
// 1 if it is blank or unreadable. Prints the statistics either way.
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>

#include <cstdio>
#include <set>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: png_check FILE.png\n");
    return 2;
  }
  int w = 0, h = 0, n = 0;
  unsigned char* px = stbi_load(argv[1], &w, &h, &n, 3);
  if (!px) {
    std::fprintf(stderr, "png_check: cannot read %s: %s\n", argv[1], stbi_failure_reason());
    return 1;
  }
  double sum = 0, sum2 = 0;
  std::set<unsigned> colours;
  const long count = static_cast<long>(w) * h;
  for (long i = 0; i < count; ++i) {
    const unsigned char* p = px + 3 * i;
    const double y = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
    sum += y;
    sum2 += y * y;
    if (colours.size() < 5000) colours.insert(unsigned(p[0]) << 16 | unsigned(p[1]) << 8 | p[2]);
  }
  stbi_image_free(px);
  const double mean = sum / count, variance = sum2 / count - mean * mean;
  std::printf("%s: %dx%d, mean luminance %.1f, variance %.1f, %zu+ colours\n", argv[1], w, h, mean, variance,
              colours.size());
  return variance > 50.0 && colours.size() > 16 ? 0 : 1;
}
