import CEGL

/// Reads the offscreen framebuffer in the layouts llvmpipe stores it in (RGBA bytes, packed 24-bit depth with
/// 8-bit stencil), so Mesa copies rows instead of converting every pixel as `mjr_readPixels`' RGB and float
/// depth ask it to; the renderer converts while it flips the rows, in the same pass. The GL entry points come
/// through `eglGetProcAddress`, so the module links no GL library beside MuJoCo's.
struct GLReadback {
    private typealias ReadPixels = @convention(c) (Int32, Int32, Int32, Int32, UInt32, UInt32, UnsafeMutableRawPointer?) -> Void
    private static let rgba: UInt32 = 0x1908, unsignedByte: UInt32 = 0x1401
    private static let depthStencil: UInt32 = 0x84F9, unsignedInt24_8: UInt32 = 0x84FA
    private let readPixels: ReadPixels

    init() throws {
        guard let f = eglGetProcAddress("glReadPixels") else {
            throw MuJoCoError.egl("eglGetProcAddress(\"glReadPixels\") returned nothing")
        }
        readPixels = unsafeBitCast(f, to: ReadPixels.self)
    }

    /// Reads `width` x `height` pixels from the bottom-left corner of the bound read framebuffer: 4 bytes of
    /// colour (R, G, B, A) and one UInt32 of depth-stencil (depth in the top 24 bits) per pixel, bottom row first.
    func read(width: Int, height: Int, rgba: UnsafeMutablePointer<UInt8>, depthStencil: UnsafeMutablePointer<UInt32>) {
        readPixels(0, 0, Int32(width), Int32(height), Self.rgba, Self.unsignedByte, rgba)
        readPixels(0, 0, Int32(width), Int32(height), Self.depthStencil, Self.unsignedInt24_8, depthStencil)
    }

    /// Mesa's conversion of a 24-bit depth to the float that `glReadPixels(GL_DEPTH_COMPONENT, GL_FLOAT)`
    /// returns (checked against it, pixel for pixel, by `OffscreenRendererTests`).
    @inline(__always)
    static func depthValue(_ packed: UInt32) -> Float {
        Float(Double(packed >> 8) * (1.0 / Double(0xFFFFFF)))
    }

    /// `depthValue` of eight pixels.
    @inline(__always)
    static func depthValues(_ packed: SIMD8<UInt32>) -> SIMD8<Float> {
        SIMD8<Float>(SIMD8<Double>(packed &>> 8) * (1.0 / Double(0xFFFFFF)))
    }
}
