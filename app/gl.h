// OpenGL headers for both targets: WebGL2 through GLES3 headers on the web, desktop GL 3 natively
// (Mesa's libGL exports the core functions, so no loader is needed for what we call).
#pragma once
#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>
#else
#define GL_GLEXT_PROTOTYPES 1
#include <GL/gl.h>
#include <GL/glext.h>
#endif
