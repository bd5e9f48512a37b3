#include "gl_util.h"

#include <cstdio>
#include <string>

namespace convplay::app {
namespace {
GLuint compile(GLenum type, const std::string& source) {
  GLuint shader = glCreateShader(type);
  const char* text = source.c_str();
  glShaderSource(shader, 1, &text, nullptr);
  glCompileShader(shader);
  GLint ok = GL_FALSE;
  glGetShaderiv(shader, GL_COMPILE_STATUS, &ok);
  if (!ok) {
    char log[2048] = {};
    glGetShaderInfoLog(shader, sizeof log, nullptr, log);
    std::fprintf(stderr, "convplay: shader compile error: %s\n", log);
    glDeleteShader(shader);
    return 0;
  }
  return shader;
}
} // namespace

namespace {
unsigned g_generation = 0;
unsigned long long g_texture_writes = 0;
}

unsigned gl_generation() { return g_generation; }
void gl_forget_objects() { ++g_generation; }
void gl_texture_written() { ++g_texture_writes; }
unsigned long long gl_texture_writes() { return g_texture_writes; }

GLuint build_program(const char* glsl_version, const char* vertex_body, const char* fragment_body) {
  std::string prefix = std::string(glsl_version) + "\n";
  if (prefix.find(" es") != std::string::npos) prefix += "precision highp float;\nprecision highp int;\n";
  GLuint vs = compile(GL_VERTEX_SHADER, prefix + vertex_body);
  GLuint fs = compile(GL_FRAGMENT_SHADER, prefix + fragment_body);
  if (!vs || !fs) return 0;
  GLuint program = glCreateProgram();
  glAttachShader(program, vs);
  glAttachShader(program, fs);
  glBindAttribLocation(program, 0, "a_pos");
  glLinkProgram(program);
  glDeleteShader(vs);
  glDeleteShader(fs);
  GLint ok = GL_FALSE;
  glGetProgramiv(program, GL_LINK_STATUS, &ok);
  if (!ok) {
    char log[2048] = {};
    glGetProgramInfoLog(program, sizeof log, nullptr, log);
    std::fprintf(stderr, "convplay: shader link error: %s\n", log);
    glDeleteProgram(program);
    return 0;
  }
  return program;
}

} // namespace convplay::app
