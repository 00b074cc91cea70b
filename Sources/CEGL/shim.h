// EGL surfaceless (Mesa) for headless OpenGL.
#include <EGL/egl.h>
#include <EGL/eglext.h>
