// Shader loading: the GLSL bodies in shaders/ get the platform's #version line (and, on WebGL2, a
// default precision) prepended here, so one body serves desktop GL and WebGL2.
#pragma once
#include "gl.h"

namespace convplay::app {
// Compiles and links; returns 0 and prints the driver's log on stderr on failure.
GLuint build_program(const char* glsl_version, const char* vertex_body, const char* fragment_body);

// Which GL context the objects belong to: the count of context losses so far (only the web loses one).
// An owner of GL objects remembers it when it makes them; when it differs, its objects are gone and its
// ids mean nothing (never delete them: the ids may name nothing or, natively, another object).
unsigned gl_generation();
void gl_forget_objects(); // the context was lost: every object made so far is gone

// Texture contents written so far (the font atlas, TensorView and RgbView textures): a frame whose draw
// data equals the last drawn frame's still shows another picture when a texture was written in between.
void gl_texture_written();
unsigned long long gl_texture_writes();
}
