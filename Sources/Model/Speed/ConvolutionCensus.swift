import BLAS
import Foundation

/// Which convolutions a piece of work runs, with how many BLAS threads, and how often: the shapes
/// `cliport bench kernels` times the project's kernels and oneDNN on. Off (one lock per convolution)
/// unless `count` is running.
public enum ConvolutionCensus {
    public enum Direction: String, Codable, Sendable, CaseIterable {
        case forward
        case inputGradient = "input_gradient"
        case weightGradient = "weight_gradient"
    }

    /// One convolution as a step runs it.
    public struct Entry: Hashable, Codable, Sendable {
        public var input: [Int]
        public var weight: [Int]
        public var stride: Int
        public var padding: Int
        public var direction: Direction
        /// BLAS threads at the call (1 inside `ConcurrentBranches`).
        public var threads: Int
    }

    private static let lock = NSLock()
    nonisolated(unsafe) private static var counts: [Entry: Int]? = nil

    /// Runs `body` and returns every convolution it ran, with counts, in first-seen order.
    public static func count(_ body: () -> Void) -> [(entry: Entry, count: Int)] {
        var order: [Entry] = []
        lock.lock(); counts = [:]; lock.unlock()
        orderLog = []
        body()
        lock.lock(); let seen = counts ?? [:]; counts = nil; order = orderLog; orderLog = []; lock.unlock()
        return order.map { ($0, seen[$0] ?? 0) }
    }
    nonisolated(unsafe) private static var orderLog: [Entry] = []

    static func record(_ g: ConvGeometry, _ direction: Direction) {
        lock.lock(); defer { lock.unlock() }
        guard counts != nil else { return }
        precondition(g.options.strideH == g.options.strideW && g.options.paddingH == g.options.paddingW,
                     "ConvolutionCensus: the step's convolutions are square")
        let entry = Entry(input: [g.n, g.c, g.h, g.w], weight: [g.o, g.c, g.kh, g.kw], stride: g.options.strideH,
                          padding: g.options.paddingH, direction: direction, threads: BLAS.threadCount)
        if counts![entry] == nil { orderLog.append(entry) }
        counts![entry, default: 0] += 1
    }
}
