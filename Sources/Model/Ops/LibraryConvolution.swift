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
        ComputeSettings.current.convolutionLibrary.covers(kernelHeight: g.kh, kernelWidth: g.kw,
                                                          strideH: g.options.strideH, strideW: g.options.strideW)
    }

    static func convolution(_ g: ConvGeometry, _ direction: Direction) -> DNNL.Convolution {
        let d: DNNL.Direction = switch direction {
        case .forward: .forward
        case .inputGradient: .backwardData
        case .weightGradient: .backwardWeights
        }
        return DNNL.Convolution(direction: d, n: g.n, c: g.c, h: g.h, w: g.w, o: g.o, kh: g.kh, kw: g.kw,
                                strideH: g.options.strideH, strideW: g.options.strideW,
                                paddingH: g.options.paddingH, paddingW: g.options.paddingW)
    }

    /// Forward (input, weights -> output) or dL/dinput (dL/doutput, weights -> dL/dinput) into `output`.
    /// False, `output` untouched, when oneDNN has no implementation for the shapes.
    static func run(_ g: ConvGeometry, _ direction: Direction, _ first: [Float], _ second: [Float],
                    into output: inout [Float]) -> Bool {
        let c = convolution(g, direction)
        return first.withUnsafeBufferPointer { a in second.withUnsafeBufferPointer { b in
            output.withUnsafeMutableBufferPointer { y in
                DNNL.run(c, a.baseAddress!, b.baseAddress!, into: y.baseAddress!, threads: BLAS.threadCount)
            }
        }}
    }

    /// oneDNN's implementation names for forward, dL/dinput and dL/dweight, e.g. "jit:avx512_core".
    static func implementation(_ g: ConvGeometry) -> String? {
        let names = [Direction.forward, .inputGradient, .weightGradient].map { DNNL.implementation(convolution(g, $0)) ?? "none" }
        return names.allSatisfy { $0 == "none" } ? nil : names.joined(separator: " / ")
    }

    /// dL/dweight of one convolution, or nil when oneDNN has no implementation for the shapes.
    static func weightGradient(_ g: ConvGeometry, input: Tensor, gradOutput: Tensor) -> Tensor? {
        var gw = Tensor.uninitialized([g.o, g.c, g.kh, g.kw])
        return run(g, .weightGradient, input.scalars, gradOutput.scalars, into: &gw.scalars) ? gw : nil
    }
}
