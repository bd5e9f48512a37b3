// Native only: reads the default framebuffer back and writes it as a PNG (stb_image_write).
#include "gl.h"

#include <GLFW/glfw3.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

#include <cstdio>
#include <string>
#include <vector>

namespace convplay::app {

void framebuffer_size(GLFWwindow* window, int* width, int* height) { glfwGetFramebufferSize(window, width, height); }

void request_close(GLFWwindow* window) { glfwSetWindowShouldClose(window, GLFW_TRUE); }

bool save_screenshot(const std::string& path, int width, int height) {
  if (width <= 0 || height <= 0) {
    std::fprintf(stderr, "convplay_app: nothing to capture (window is %dx%d)\n", width, height);
    return false;
  }
  std::vector<unsigned char> pixels(static_cast<size_t>(width) * static_cast<size_t>(height) * 4);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  stbi_flip_vertically_on_write(1); // OpenGL's rows run bottom-up
  if (!stbi_write_png(path.c_str(), width, height, 4, pixels.data(), width * 4)) {
    std::fprintf(stderr, "convplay_app: cannot write %s\n", path.c_str());
    return false;
  }
  return true;
}

} // namespace convplay::app
