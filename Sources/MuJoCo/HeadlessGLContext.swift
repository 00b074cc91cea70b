import CEGL
import Foundation

/// The process's one OpenGL context, created through EGL on Mesa's surfaceless platform (no display,
/// no /dev/dri: llvmpipe renders on the CPU). MuJoCo draws into its own offscreen framebuffer, so the
/// context needs no surface. Created on first use; made current on whichever thread renders.
final class HeadlessGLContext: @unchecked Sendable {
    let display: EGLDisplay
    let context: EGLContext

    private static let lock = NSLock()
    nonisolated(unsafe) private static var sharedResult: Result<HeadlessGLContext, MuJoCoError>?

    static func shared() throws -> HeadlessGLContext {
        lock.lock(); defer { lock.unlock() }
        if let r = sharedResult { return try r.get() }
        let r = Result { try HeadlessGLContext() }.mapError { $0 as? MuJoCoError ?? .egl("\($0)") }
        sharedResult = r
        return try r.get()
    }

    /// llvmpipe's rasteriser threads (`LP_NUM_THREADS`) when the environment does not set them: none, so the
    /// calling thread rasterises. The images are the same; the threads' hand-offs cost CPU, and a machine that
    /// generates demos already runs one worker process per core (measured in docs/benchmarks.md).
    static let defaultRasteriserThreads = "0"

    private init() throws {
        // Read by Mesa when the display is initialised; a value the user set wins.
        setenv("LP_NUM_THREADS", Self.defaultRasteriserThreads, 0)
        // EGL_DEFAULT_DISPLAY / EGL_NO_CONTEXT / EGL_NO_SURFACE are pointer-cast macros: nil here.
        guard let dpy = eglGetPlatformDisplay(EGLenum(EGL_PLATFORM_SURFACELESS_MESA), nil, nil) else {
            throw MuJoCoError.egl("eglGetPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA) returned no display (error 0x\(String(eglGetError(), radix: 16)))")
        }
        var major: EGLint = 0, minor: EGLint = 0
        guard eglInitialize(dpy, &major, &minor) == EGL_TRUE else {
            throw MuJoCoError.egl("eglInitialize failed (error 0x\(String(eglGetError(), radix: 16)))")
        }
        // EGL_PBUFFER_BIT is required: the default (window bit) matches no config on surfaceless Mesa.
        let attributes: [EGLint] = [
            EGL_SURFACE_TYPE, EGL_PBUFFER_BIT,
            EGL_RED_SIZE, 8, EGL_GREEN_SIZE, 8, EGL_BLUE_SIZE, 8, EGL_ALPHA_SIZE, 8,
            EGL_DEPTH_SIZE, 24, EGL_RENDERABLE_TYPE, EGL_OPENGL_BIT, EGL_NONE,
        ]
        var config: EGLConfig?
        var count: EGLint = 0
        guard eglChooseConfig(dpy, attributes, &config, 1, &count) == EGL_TRUE, count > 0, let cfg = config else {
            throw MuJoCoError.egl("no EGL config with 8-bit RGBA, 24-bit depth and OpenGL (error 0x\(String(eglGetError(), radix: 16)))")
        }
        guard eglBindAPI(EGLenum(EGL_OPENGL_API)) == EGL_TRUE else {
            throw MuJoCoError.egl("eglBindAPI(EGL_OPENGL_API) failed")
        }
        guard let ctx = eglCreateContext(dpy, cfg, nil, nil) else {
            throw MuJoCoError.egl("eglCreateContext failed (error 0x\(String(eglGetError(), radix: 16)))")
        }
        display = dpy
        context = ctx
        try makeCurrent()  // proves the context works; released so that any thread may take it
        release()
    }

    /// Lets another thread make the context current next (a context is current on one thread at a time).
    func release() {
        if eglGetCurrentContext() == context { eglMakeCurrent(display, nil, nil, nil) }
    }

    func makeCurrent() throws {
        if eglGetCurrentContext() == context { return }
        guard eglMakeCurrent(display, nil, nil, context) == EGL_TRUE else {
            throw MuJoCoError.egl("eglMakeCurrent failed (error 0x\(String(eglGetError(), radix: 16)))")
        }
    }
}
