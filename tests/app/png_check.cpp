// png_check FILE.png [X0 Y0 X1 Y1]: exit 0 if the image, or its rectangle [X0, X1) × [Y0, Y1) in pixels
// from the top left, has real content (enough pixel variance and colours), 1 if it is blank or
// unreadable. Prints the statistics either way.
#define STB_IMAGE_IMPLEMENTATION
#include <stb_image.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>

int main(int argc, char** argv) {
  if (argc != 2 && argc != 6) {
    std::fprintf(stderr, "usage: png_check FILE.png [X0 Y0 X1 Y1]\n");
    return 2;
  }
  int w = 0, h = 0, n = 0;
  unsigned char* px = stbi_load(argv[1], &w, &h, &n, 3);
  if (!px) {
    std::fprintf(stderr, "png_check: cannot read %s: %s\n", argv[1], stbi_failure_reason());
    return 1;
  }
  long x0 = 0, y0 = 0, x1 = w, y1 = h;
  if (argc == 6) {
    x0 = std::max(0L, std::atol(argv[2]));
    y0 = std::max(0L, std::atol(argv[3]));
    x1 = std::min(static_cast<long>(w), std::atol(argv[4]));
    y1 = std::min(static_cast<long>(h), std::atol(argv[5]));
  }
  if (x1 <= x0 || y1 <= y0) {
    std::fprintf(stderr, "png_check: the rectangle %ld %ld %ld %ld is empty in a %dx%d image\n", x0, y0, x1, y1, w, h);
    stbi_image_free(px);
    return 1;
  }
  double sum = 0, sum2 = 0;
  std::set<unsigned> colours;
  const long count = (x1 - x0) * (y1 - y0);
  for (long i = 0; i < count; ++i) {
    const unsigned char* p = px + 3 * ((y0 + i / (x1 - x0)) * w + x0 + i % (x1 - x0));
    const double y = 0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2];
    sum += y;
    sum2 += y * y;
    if (colours.size() < 5000) colours.insert(unsigned(p[0]) << 16 | unsigned(p[1]) << 8 | p[2]);
  }
  stbi_image_free(px);
  const double mean = sum / count, variance = sum2 / count - mean * mean;
  std::printf("%s [%ld, %ld) x [%ld, %ld) of %dx%d: mean luminance %.1f, variance %.1f, %zu+ colours\n", argv[1], x0, x1, y0, y1, w, h, mean, variance,
              colours.size());
  return variance > 50.0 && colours.size() > 16 ? 0 : 1;
}
