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

    static func convolution(_ g: ConvGeometry, images: Int? = nil, inputChannels: Int? = nil, outputChannels: Int? = nil,
                            _ direction: Direction) -> DNNL.Convolution {
        let d: DNNL.Direction = switch direction {
        case .forward: .forward
        case .inputGradient: .backwardData
        case .weightGradient: .backwardWeights
        }
        return DNNL.Convolution(direction: d, n: images ?? g.n, c: inputChannels ?? g.c, h: g.h, w: g.w, o: outputChannels ?? g.o,
                                kh: g.kh, kw: g.kw, strideH: g.options.strideH, strideW: g.options.strideW,
                                paddingH: g.options.paddingH, paddingW: g.options.paddingW)
    }

    /// A lone image's large convolution in two halves of channels, run side by side (`Conv2D.inHalves`):
    /// forward and dL/dweight by output channels (each half its own rows of the weights, of the output or
    /// dL/dweight, and of dL/doutput), dL/dinput by input channels (each half its own planes of dL/dinput,
    /// from a copy of its columns of the weights). Every value is one half's own sum, so results do not
    /// depend on whether the halves ran side by side. Halves are multiples of 16 channels (oneDNN's
    /// blocking); nil when the convolution stays whole.
    static func channelHalves(_ g: ConvGeometry, _ direction: Direction) -> [Range<Int>]? {
        guard g.n == 1, g.splitsImage else { return nil }
        let channels = direction == .inputGradient ? g.c : g.o
        guard channels >= 32 else { return nil }
        let middle = (channels / 2 + 15) / 16 * 16
        return [0..<middle, middle..<channels]
    }

    /// Forward (input, weights -> output) or dL/dinput (dL/doutput, weights -> dL/dinput) into `output`.
    /// False, `output` untouched, when oneDNN has no implementation for the shapes.
    static func run(_ g: ConvGeometry, _ direction: Direction, _ first: [Float], _ second: [Float],
                    into output: inout [Float]) -> Bool {
        precondition(direction != .weightGradient, "LibraryConvolution.run: dL/dweight goes through weightGradient")
        if let parts = channelHalves(g, direction) {
            return runInChannelHalves(g, direction, parts, first, second, into: &output)
        }
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

    /// `run` for a lone image in two halves of channels (`channelHalves`).
    private static func runInChannelHalves(_ g: ConvGeometry, _ direction: Direction, _ parts: [Range<Int>], _ first: [Float],
                                           _ second: [Float], into output: inout [Float]) -> Bool {
        let byInput = direction == .inputGradient
        func part(_ r: Range<Int>) -> DNNL.Convolution {
            byInput ? convolution(g, inputChannels: r.count, direction) : convolution(g, outputChannels: r.count, direction)
        }
        guard parts.allSatisfy({ DNNL.supports(part($0)) }) else { return false }
        let k = g.kh * g.kw, outPlane = g.ho * g.wo, inPlane = g.h * g.w
        first.withUnsafeBufferPointer { a in second.withUnsafeBufferPointer { wt in
            output.withUnsafeMutableBufferPointer { y in
                let a = a.baseAddress!, wt = wt.baseAddress!, y = y.baseAddress!
                Conv2D.inHalves(2, splits: true) { half, _ in
                    let r = parts[half.lowerBound]
                    if !byInput {
                        // Forward: this half's output channels, from their rows of the weights.
                        DNNL.run(part(r), a, wt + r.lowerBound * g.c * k, into: y + r.lowerBound * outPlane, threads: BLAS.threadCount)
                        return
                    }
                    // dL/dinput: this half's input channels, from a copy of their columns of the weights.
                    ScratchPool.shared.withBuffer(g.o * r.count * k) { w in
                        for o in 0..<g.o {
                            (w + o * r.count * k).update(from: wt + (o * g.c + r.lowerBound) * k, count: r.count * k)
                        }
                        DNNL.run(part(r), a, UnsafePointer(w), into: y + r.lowerBound * inPlane, threads: BLAS.threadCount)
                    }
                }
            }
        }}
        return true
    }

    /// dL/dweight of one convolution, or nil when oneDNN has no implementation for the shapes. Over two
    /// halves of a batch, the second half's is added after the first's, whether they ran side by side or not.
    static func weightGradient(_ g: ConvGeometry, input: Tensor, gradOutput: Tensor) -> Tensor? {
        if let parts = channelHalves(g, .weightGradient) {
            let pieces = parts.map { convolution(g, outputChannels: $0.count, .weightGradient) }
            guard pieces.allSatisfy({ DNNL.supports($0) }) else { return nil }
            let k = g.kh * g.kw, outPlane = g.ho * g.wo
            var gw = Tensor.uninitialized([g.o, g.c, g.kh, g.kw])
            input.scalars.withUnsafeBufferPointer { x in gradOutput.scalars.withUnsafeBufferPointer { gy in
                gw.scalars.withUnsafeMutableBufferPointer { w in
                    let x = x.baseAddress!, gy = gy.baseAddress!, w = w.baseAddress!
                    // Each half: its output channels' rows of dL/dweight, from their planes of dL/doutput.
                    Conv2D.inHalves(2, splits: true) { half, _ in
                        let r = parts[half.lowerBound]
                        DNNL.run(pieces[half.lowerBound], x, gy + r.lowerBound * outPlane, into: w + r.lowerBound * g.c * k,
                                 threads: BLAS.threadCount)
                    }
                }
            }}
            return gw
        }
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
