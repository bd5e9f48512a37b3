// Shader loading: the GLSL bodies in shaders/ get the platform's #version line (and, on WebGL2, a
// default precision) prepended here, so one body serves desktop GL and WebGL2.
#pragma once
#include "gl.h"

namespace convplay::app {
// Compiles and links; returns 0 and prints the driver's log on stderr on failure.
GLuint build_program(const char* glsl_version, const char* vertex_body, const char* fragment_body);
}
