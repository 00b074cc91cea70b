import CDNNL
import Foundation

/// The project's only door to oneDNN: single-precision 2-D convolutions (groups 1, dilation 1) on
/// row-major NCHW tensors with [O, C, KH, KW] weights, forward and both backward directions.
///
/// Each distinct shape and direction gets one primitive, with its reorders to and from oneDNN's blocked
/// layouts and its buffers, made on first use and kept (creating one costs about as much as running
/// it). Two threads calling with the same shape get one each. The C handles never leave this file.
public enum DNNL {
    public enum Direction: Int, Sendable {
        /// [N, C, H, W] x [O, C, KH, KW] -> [N, O, HO, WO].
        case forward = 0
        /// dL/dinput [N, C, H, W] from dL/doutput [N, O, HO, WO] and the weights.
        case backwardData = 1
        /// dL/dweight [O, C, KH, KW] from the input and dL/doutput (overwritten, not accumulated).
        case backwardWeights = 2
    }

    /// One convolution: its shapes, direction and algorithm.
    public struct Convolution: Hashable, Sendable {
        public var direction: Direction
        public var n, c, h, w, o, kh, kw: Int
        public var strideH, strideW, paddingH, paddingW: Int
        public var winograd: Bool
        /// Whether oneDNN works on the plain NCHW/OIHW layouts instead of its blocked ones (for comparison).
        public var plainLayouts = false
        public init(direction: Direction, n: Int, c: Int, h: Int, w: Int, o: Int, kh: Int, kw: Int,
                    strideH: Int, strideW: Int, paddingH: Int, paddingW: Int, winograd: Bool = false) {
            self.direction = direction
            self.n = n; self.c = c; self.h = h; self.w = w; self.o = o; self.kh = kh; self.kw = kw
            self.strideH = strideH; self.strideW = strideW; self.paddingH = paddingH; self.paddingW = paddingW
            self.winograd = winograd
        }
        public var outputHeight: Int { (h + 2 * paddingH - kh) / strideH + 1 }
        public var outputWidth: Int { (w + 2 * paddingW - kw) / strideW + 1 }
    }

    /// A kept primitive; owns its C object.
    private final class Primitive: @unchecked Sendable {
        let handle: UnsafeMutablePointer<cdnnl_conv>
        init(_ handle: UnsafeMutablePointer<cdnnl_conv>) { self.handle = handle }
        deinit { cdnnl_conv_destroy(handle) }
    }

    private final class Cache: @unchecked Sendable {
        let lock = NSLock()
        let engine: OpaquePointer? = cdnnl_engine_create()
        /// Idle primitives per convolution; none for a convolution oneDNN cannot do (`unsupported`).
        var idle: [Convolution: [Primitive]] = [:]
        var unsupported: Set<Convolution> = []
        var implementations: [Convolution: String] = [:]
    }
    private static let cache = Cache()

    /// Runs `convolution` on the caller's buffers with `threads` threads: inputs `first` and `second`
    /// and output `output` as in `Direction` (forward: input, weights -> output; backward data:
    /// dL/doutput, weights -> dL/dinput; backward weights: input, dL/doutput -> dL/dweight).
    /// Returns false, touching nothing, when oneDNN has no implementation for it.
    @discardableResult
    public static func run(_ convolution: Convolution, _ first: UnsafePointer<Float>, _ second: UnsafePointer<Float>,
                           into output: UnsafeMutablePointer<Float>, threads: Int) -> Bool {
        guard let primitive = take(convolution) else { return false }
        defer { giveBack(primitive, convolution) }
        let ok = cdnnl_conv_execute(primitive.handle, first, second, output, Int32(max(1, threads)))
        precondition(ok == 1, "oneDNN: executing the convolution \(convolution) failed")
        return true
    }

    /// Whether oneDNN can run `convolution` (makes and keeps its primitive).
    public static func supports(_ convolution: Convolution) -> Bool {
        guard let primitive = take(convolution) else { return false }
        giveBack(primitive, convolution)
        return true
    }

    /// oneDNN's name for the implementation it picked, e.g. "jit:avx512_core".
    public static func implementation(_ convolution: Convolution) -> String? {
        guard supports(convolution) else { return nil }
        cache.lock.lock(); defer { cache.lock.unlock() }
        return cache.implementations[convolution]
    }

    /// Frees every kept primitive (their blocked buffers hold about one copy of each tensor they saw).
    public static func clearCache() {
        cache.lock.lock(); defer { cache.lock.unlock() }
        cache.idle = [:]
    }

    private static func take(_ convolution: Convolution) -> Primitive? {
        cache.lock.lock()
        if cache.unsupported.contains(convolution) { cache.lock.unlock(); return nil }
        if var list = cache.idle[convolution], let primitive = list.popLast() {
            cache.idle[convolution] = list
            cache.lock.unlock()
            return primitive
        }
        cache.lock.unlock()
        let c = convolution
        guard let engine = cache.engine,
              let handle = cdnnl_conv_create(engine, Int32(c.direction.rawValue), c.plainLayouts ? 0 : 1, c.winograd ? 1 : 0,
                                             Int64(c.n), Int64(c.c), Int64(c.h), Int64(c.w), Int64(c.o), Int64(c.kh), Int64(c.kw),
                                             Int64(c.strideH), Int64(c.strideW), Int64(c.paddingH), Int64(c.paddingW),
                                             Int64(c.outputHeight), Int64(c.outputWidth)) else {
            cache.lock.lock(); cache.unsupported.insert(convolution); cache.lock.unlock()
            return nil
        }
        let name = String(cString: cdnnl_conv_implementation(handle))
        cache.lock.lock(); cache.implementations[convolution] = name; cache.lock.unlock()
        return Primitive(handle)
    }

    private static func giveBack(_ primitive: Primitive, _ convolution: Convolution) {
        cache.lock.lock(); defer { cache.lock.unlock() }
        cache.idle[convolution, default: []].append(primitive)
    }
}
