import BLAS
import DNNL

/// `Conv2D`'s door to oneDNN (the `DNNL` wrapper): the same convolution, its shapes taken from a
/// `ConvGeometry`, run with as many threads as BLAS has at that moment. That is the configured count
/// outside `ConcurrentBranches` and one inside (BLAS stays at one thread for the whole region), so the
/// thread count, and with it oneDNN's order of sums, is a function of where in the step a convolution
/// is, never of timing.
enum LibraryConvolution {
    enum Direction { case forward, inputGradient, weightGradient }

    /// Whether the settings in effect send this convolution to oneDNN (`ConvolutionLibraryUse.scope`).
    static func covers(_ g: ConvGeometry) -> Bool {
        ComputeSettings.current.convolutionLibrary.covers(images: g.n, channels: g.c, kernelHeight: g.kh, kernelWidth: g.kw,
                                                          strideH: g.options.strideH, strideW: g.options.strideW)
    }

    static func convolution(_ g: ConvGeometry, images: Int? = nil, _ direction: Direction) -> DNNL.Convolution {
        let d: DNNL.Direction = switch direction {
        case .forward: .forward
        case .inputGradient: .backwardData
        case .weightGradient: .backwardWeights
        }
        return DNNL.Convolution(direction: d, n: images ?? g.n, c: g.c, h: g.h, w: g.w, o: g.o, kh: g.kh, kw: g.kw,
                                strideH: g.options.strideH, strideW: g.options.strideW,
                                paddingH: g.options.paddingH, paddingW: g.options.paddingW)
    }

    /// Forward (input, weights -> output) or dL/dinput (dL/doutput, weights -> dL/dinput) into `output`.
    /// False, `output` untouched, when oneDNN has no implementation for the shapes.
    static func run(_ g: ConvGeometry, _ direction: Direction, _ first: [Float], _ second: [Float],
                    into output: inout [Float]) -> Bool {
        precondition(direction != .weightGradient, "LibraryConvolution.run: dL/dweight goes through weightGradient")
        let halves = inHalves(g)
        guard halves.allSatisfy({ DNNL.supports(convolution(g, images: $0.count, direction)) }) else { return false }
        // Per image: input c·h·w floats, output o·ho·wo.
        let inPlane = g.c * g.h * g.w, outPlane = g.o * g.ho * g.wo
        let (firstPlane, outputPlane) = direction == .forward ? (inPlane, outPlane) : (outPlane, inPlane)
        first.withUnsafeBufferPointer { a in second.withUnsafeBufferPointer { b in
            output.withUnsafeMutableBufferPointer { y in
                let a = a.baseAddress!, b = b.baseAddress!, y = y.baseAddress!
                Conv2D.inHalves(halves.count, splits: halves.count == 2) { part, _ in
                    for images in halves[part] {
                        DNNL.run(convolution(g, images: images.count, direction), a + images.lowerBound * firstPlane, b,
                                 into: y + images.lowerBound * outputPlane, threads: BLAS.threadCount)
                    }
                }
            }
        }}
        return true
    }

    /// dL/dweight of one convolution, or nil when oneDNN has no implementation for the shapes. Over two
    /// halves of a batch, the second half's is added after the first's, whether they ran side by side or not.
    static func weightGradient(_ g: ConvGeometry, input: Tensor, gradOutput: Tensor) -> Tensor? {
        let halves = inHalves(g)
        guard halves.allSatisfy({ DNNL.supports(convolution(g, images: $0.count, .weightGradient)) }) else { return nil }
        let size = g.o * g.c * g.kh * g.kw
        var gw = Tensor.uninitialized([halves.count * g.o, g.c, g.kh, g.kw])
        let inPlane = g.c * g.h * g.w, outPlane = g.o * g.ho * g.wo
        input.scalars.withUnsafeBufferPointer { x in gradOutput.scalars.withUnsafeBufferPointer { gy in
            gw.scalars.withUnsafeMutableBufferPointer { w in
                let x = x.baseAddress!, gy = gy.baseAddress!, w = w.baseAddress!
                Conv2D.inHalves(halves.count, splits: halves.count == 2) { part, half in
                    for images in halves[part] {
                        DNNL.run(convolution(g, images: images.count, .weightGradient), x + images.lowerBound * inPlane,
                                 gy + images.lowerBound * outPlane, into: w + half * size, threads: BLAS.threadCount)
                    }
                }
                if halves.count == 2 { addRow(UnsafePointer(w + size), into: w, count: size) }
            }
        }}
        if halves.count == 1 { return gw }
        return Tensor(shape: [g.o, g.c, g.kh, g.kw], scalars: Array(gw.scalars[0..<size]))
    }

    /// The images of a convolution as one range, or as two halves when it is a batch large enough to be
    /// worth a second core (the 36 query crops): the same rule for every direction, decided by shapes.
    static func inHalves(_ g: ConvGeometry) -> [Range<Int>] {
        guard g.n >= 2 && g.o * g.patch * g.ho * g.wo * g.n >= ComputeSettings.current.imageSplitWork else { return [0..<g.n] }
        return [0..<g.n / 2, g.n / 2..<g.n]
    }

    /// oneDNN's implementation names for forward, dL/dinput and dL/dweight, e.g. "jit:avx512_core".
    static func implementation(_ g: ConvGeometry) -> String? {
        let names = [Direction.forward, .inputGradient, .weightGradient].map { DNNL.implementation(convolution(g, $0)) ?? "none" }
        return names.allSatisfy { $0 == "none" } ? nil : names.joined(separator: " / ")
    }

}
